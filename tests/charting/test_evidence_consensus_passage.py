"""Issue 26: consensus counts per passage. One consensus passage of P01 replaces the lead coder's codings on that
passage only: the reference coder's other P01 codings stay in the matrix, the coverage, the linkages and the report
(SQLite and PostgreSQL)."""

from __future__ import annotations

import docx
import pytest

from toolkit import charting as ch
from toolkit import evidence as ev
from toolkit.charting.coverage import coverage
from toolkit.embed import FakeEmbedder
from toolkit.export.report import write_report
from toolkit.indexing import decisions
from toolkit.indexing.agreement import compare_coders
from toolkit.indexing.consensus import resolve_unit
from toolkit.interpret.links import resolve_codings
from toolkit.sample import build_sample
from toolkit.store import core as db

P01 = "P01_gp_rural.txt"


@pytest.fixture
def sample_at(project_location):
    p = build_sample(project_location)
    yield p
    p.close()


def _p01(frame):
    return frame[frame["participant_id"] == "P01"]


def test_one_consensus_passage_keeps_every_other_reference_coding(sample_at, tmp_path):
    p = sample_at
    with p.read() as s:
        ref = _p01(db.codings_frame(s, framework_id="lvi84", coders=["reference"], with_text=False))
    r = compare_coders(p, "reference", "second", framework="lvi84", transcripts=[P01])
    row = r["disagreements"].iloc[0]
    a, b = int(row["start"]), int(row["end"])
    codes = sorted(set(row["both"]) | set(row["only_b"]))
    out = resolve_unit(p, r, P01, a, b, codes, actor="ann")
    on_it = ref[(ref["start"] < b) & (ref["end"] > a)]
    elsewhere = ref[~ref["id"].isin(on_it["id"])]
    assert len(elsewhere) >= 40  # the sample's P01 has about fifty reference codings

    e = ev.resolve(p, framework="lvi84")
    assert e.describe().startswith("Evidence: consensus on 1 of ")
    assert "passages of P01, lead coder reference elsewhere" in e.describe()

    m = ch.build_matrix(p, "lvi84")
    ids = {i for (pid, _c), cell in m.cells.items() if pid == "P01" for q in cell.quotes for i in q.coding_ids}
    assert set(elsewhere["id"]) <= ids  # the other reference codings of P01 are all in the chart
    assert not set(on_it["id"]) & ids  # on the consensus passage, the consensus codings instead
    with p.read() as s:
        cons = db.codings_frame(s, framework_id="lvi84", coders=["consensus"], with_text=False)
    assert len(cons) == out["codings"] and set(cons["id"]) <= ids

    cov = coverage(p, "lvi84")
    assert not set(elsewhere["code_id"]) & set(cov.unused)  # EXP06, EXP08... still mentioned

    with p.read() as s:
        df, _via = resolve_codings(s, "lvi84")
    assert set(elsewhere["id"]) <= set(_p01(df)["id"])

    path = write_report(p, tmp_path / "report.docx", framework_id="lvi21", embedder=FakeEmbedder())
    d = docx.Document(path)
    text = "\n".join([x.text for x in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])
    assert "consensus on 1 of" in text and "lead coder reference elsewhere" in text

    # undoing the consensus brings the lead coder's codings of that passage back
    decisions.undo(p, out["decision"], coder="ann")
    m = ch.build_matrix(p, "lvi84")
    ids = {i for (pid, _c), cell in m.cells.items() if pid == "P01" for q in cell.quotes for i in q.coding_ids}
    assert set(ref["id"]) <= ids
    assert ev.resolve(p).describe().startswith("Evidence: lead coder reference")


def test_a_unit_resolved_with_no_code_drops_the_lead_codings_there(sample_at):
    p = sample_at
    r = compare_coders(p, "reference", "second", framework="lvi84", transcripts=[P01])
    d = r["disagreements"]
    row = d[d["only_a"].map(len) > 0].iloc[0]  # the reference coded it, the second coder did not (or otherwise)
    a, b = int(row["start"]), int(row["end"])
    resolve_unit(p, r, P01, a, b, [], actor="ann")
    e = ev.resolve(p, framework="lvi84")
    assert any(x == a and y == b for _f, _t, x, y in e.passages)
    with p.read() as s:
        kept = e.filter(db.codings_frame(s, framework_id="lvi84", coders=list(e.coders), with_text=False))
    assert kept[(kept["transcript"] == P01) & (kept["start"] < b) & (kept["end"] > a)].empty
