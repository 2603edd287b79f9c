"""Splitting a code: the ranking (the project's embedder: cosine of each passage to each new code's "label:
definition") and the split itself, passage by passage, each coding keeping its provenance."""

from __future__ import annotations

import pytest

from toolkit import codebook as cb
from toolkit.errors import InputError
from toolkit.store import codebook as cdb
from toolkit.store import core as db


def test_split_ranks_passages_and_moves_each_coding(sample_project, embedder):
    p = sample_project
    cb.save_version(p, "lvi84", "before the split", actor="ann")
    fw = cb.framework_at(p, "lvi84")
    code = fw.code("ORG02")
    new = [cb.NewCode("ORG02a", code.label, code.definition),
           cb.NewCode("ORG02b", "Holidays", "Weather, holidays and the football results")]
    ranking = cb.split_ranking(p, "lvi84", "ORG02", new, embedder)
    with p.read() as s:
        before = db.codings_frame(s, framework_id="lvi84", with_text=False).set_index("id")
    mine = before[before["code_id"] == "ORG02"]
    assert sorted(r.coding_id for r in ranking) == sorted(mine.index)
    for r in ranking:
        assert r.best == max(r.scores, key=r.scores.get)
    # the passages coded "waiting" fit the code's own text far better than an unrelated one
    assert sum(r.best == "ORG02a" for r in ranking) >= 0.9 * len(ranking)
    # the researcher overrides one choice: the split follows the assignment exactly
    assignment = {r.coding_id: r.best for r in ranking}
    assignment[ranking[0].coding_id] = "ORG02b"
    rep = cb.split_code(p, "lvi84", "ORG02", new, assignment, actor="ann")
    assert rep.deleted_original and rep.kept == 0
    assert rep.moved == {"ORG02a": len(ranking) - sum(v == "ORG02b" for v in assignment.values()),
                         "ORG02b": sum(v == "ORG02b" for v in assignment.values())}
    with p.read() as s:
        after = db.codings_frame(s, framework_id="lvi84", with_text=False).set_index("id")
        came = cdb.moves_of(s, list(mine.index))
    assert sorted(after.index) == sorted(before.index)
    for cid in mine.index:
        assert after.loc[cid, "code_id"] == assignment[cid]
        assert (after.loc[cid, ["coder", "origin", "created_at", "start", "end"]]
                == before.loc[cid, ["coder", "origin", "created_at", "start", "end"]]).all()
        assert came[cid] == ["ORG02"]
    assert "< ORG02 split into ORG02a, ORG02b" in cb.diff(p, "lvi84", "before the split").text()
    with pytest.raises(InputError, match="not one of the new codes"):
        cb.split_code(p, "lvi84", "ORG02a", new[:1] + [cb.NewCode("Z", "z")], {ranking[1].coding_id: "Q"})
