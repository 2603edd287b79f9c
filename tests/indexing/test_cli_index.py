"""The Index and Agreement pages' new actions from the command line: `index code/nocode/undo/history/unit` and
`consensus --passage / --agreed`, checked through the toolkit."""

from __future__ import annotations

import pytest

from toolkit.cli import main
from toolkit.indexing import review, workspace
from toolkit.indexing.agreement import compare_coders
from toolkit.store import core as db
from toolkit.store import decisions as ddb

T = "P01_gp_rural.txt"


def _mine(p, coder="ann"):
    with p.read() as s:
        return db.codings_frame(s, framework_id="lvi84", coders=[coder], with_text=False)


def test_index_code_nocode_history_and_undo(sample_project, capsys):
    path = str(sample_project.path)
    first = review.transcript_view(sample_project, "lvi84", T, "ann")["passages"][0]
    a, b = first["start"], first["end"]
    assert main(["index", "code", path, T, str(a), str(b), "REF07", "CUL01", "--framework", "lvi84",
                 "--coder", "ann"]) == 0
    assert sorted(_mine(sample_project).code_id) == ["CUL01", "REF07"]
    second = review.transcript_view(sample_project, "lvi84", T, "ann")["passages"][1]
    assert main(["index", "nocode", path, str(second["id"]), "--framework", "lvi84", "--coder", "ann"]) == 0
    with sample_project.read() as s:
        assert ddb.nocode_passages(s, "lvi84") == [second["id"]]
    capsys.readouterr()
    assert main(["index", "history", path, T, "--framework", "lvi84", "--coder", "ann"]) == 0
    out = capsys.readouterr().out
    assert "add" in out and "nocode" in out
    assert main(["index", "undo", path, "--last", "--framework", "lvi84", "--coder", "ann"]) == 0  # the no-code
    with sample_project.read() as s:
        assert ddb.nocode_passages(s, "lvi84") == []
    assert main(["index", "undo", path, "--last", "--framework", "lvi84", "--coder", "ann"]) == 0  # the coding
    assert _mine(sample_project).empty
    assert main(["index", "undo", path, "--last", "--framework", "lvi84", "--coder", "ann"]) == 2  # nothing left
    assert main(["index", "code", path, T, "5", "2", "REF07", "--framework", "lvi84", "--coder", "ann"]) == 2


def test_index_unit_is_the_unit_everywhere(sample_project, capsys):
    path = str(sample_project.path)
    assert main(["index", "unit", path, "--framework", "lvi84"]) == 0
    assert "sentences:3" in capsys.readouterr().out
    assert main(["index", "unit", path, "--framework", "lvi84", "--set", "turn"]) == 0
    assert workspace.unit_of_analysis(sample_project, "lvi84") == "turn"
    assert compare_coders(sample_project, "reference", "second", framework="lvi84")["unit"] == "turn"
    from toolkit import teaching

    units = teaching.passages(sample_project, T)
    with sample_project.read() as s:
        segs = db.segments_frame(s, db.resolve_transcript(s, T).id)
    assert len(units) == int((segs.role != "interviewer").sum())
    assert main(["index", "unit", path, "--framework", "lvi84", "--set", "words"]) == 2


def test_consensus_passage_and_agreed_from_the_cli(sample_project, capsys, tmp_path):
    path = str(sample_project.path)
    r = compare_coders(sample_project, "reference", "second", framework="lvi84")
    row = r["disagreements"].iloc[0]
    assert main(["consensus", path, "--coders", "reference", "second", "--passage", row.transcript,
                 str(row.start), str(row.end), "--codes", *row.only_a, "--actor", "ann"]) == 0
    assert "resolved" in capsys.readouterr().out
    after = compare_coders(sample_project, "reference", "second", framework="lvi84")
    assert after["overall"]["unresolved"] == r["overall"]["unresolved"] - 1
    assert main(["consensus", path, "--coders", "reference", "second", "--agreed"]) == 0
    n = int(capsys.readouterr().out.split("will write ")[1].split()[0])
    assert main(["consensus", path, "--coders", "reference", "second", "--agreed", "--expect", str(n + 1)]) == 2
    assert main(["consensus", path, "--coders", "reference", "second", "--agreed", "--expect", str(n)]) == 0
    with sample_project.read() as s:
        c = db.codings_frame(s, coders=["consensus"], with_text=False)
    assert len(c) == n + len(row.only_a)
    js = tmp_path / "a.json"
    assert main(["agreement", path, "--coders", "reference", "second", "--json", str(js)]) == 0
    import json

    assert json.loads(js.read_text())["unit"] == "sentences:3"
    with pytest.raises(SystemExit):
        main(["consensus", path, "--coders", "reference"])
