"""The framework editor from the command line: from an empty framework to a coded, refined one, with the exact
command names the issue gives; errors name the place and change nothing."""

from __future__ import annotations

import yaml

from toolkit import codebook as cb
from toolkit.cli import main
from toolkit.exchange.qdc import read_qdc
from toolkit.frameworks import load_framework
from toolkit.store import core as db
from toolkit.store import measures as mdb


def run(*args: str) -> int:
    return main([str(a) for a in args])


def test_cli_builds_a_framework_from_empty_to_coded_and_refined(sample_project, tmp_path, capsys):
    p, P = sample_project, str(sample_project.path)
    with p.read() as s:
        tr = db.transcripts(s)[0]["name"]
    assert run("framework", "new", P, "study") == 0
    assert run("category", "add", P, "--framework", "study", "ACCESS", "--label", "Access") == 0
    assert run("code", "add", P, "--framework", "study", "--id", "WAIT", "--label", "Waiting",
               "--definition", "Waiting for a scan", "--category", "ACCESS") == 0
    assert run("code", "add", P, "--framework", "study", "--id", "MRI", "--label", "MRI waits", "--parent", "WAIT") == 0
    assert run("code", "from-passage", P, "--framework", "study", "--id", "COST", "--label", "Costs",
               "--transcript", tr, "--start", 0, "--end", 60, "--coder", "ann") == 0
    assert run("framework", "version", P, "study", "preliminary") == 0
    assert run("code", "rename", P, "--framework", "study", "COST", "PRICE") == 0
    assert run("code", "edit", P, "--framework", "study", "WAIT", "--label", "Waiting times", "--include",
               "any delay", "--example", "three months for an MRI") == 0
    assert run("code", "move", P, "--framework", "study", "MRI", "--category", "ACCESS") == 0
    assert run("code", "merge", P, "--framework", "study", "PRICE", "WAIT", "--into", "BURDEN", "--label",
               "Burden") == 0
    assert run("code", "delete", P, "--framework", "study", "MRI") == 0
    capsys.readouterr()
    assert run("framework", "diff", P, "study", "preliminary", "current") == 0
    out = capsys.readouterr().out
    for line in ("COST merged into BURDEN", "WAIT merged into BURDEN", "- MRI 'MRI waits'",
                 "+ BURDEN 'Burden' in ACCESS (merged from COST, WAIT)"):
        assert line in out, out
    fw = cb.framework_at(p, "study")
    assert [c.id for c in fw.codes] == ["BURDEN"]
    with p.read() as s:
        cod = db.codings_frame(s, framework_id="study", with_text=False)
    assert list(cod["code_id"]) == ["BURDEN"] and list(cod["coder"]) == ["ann"]
    for suffix in ("yaml", "csv", "qdc"):
        assert run("framework", "export", P, "study", "--version", "preliminary", tmp_path / f"v.{suffix}") == 0
    old = cb.framework_at(p, "study", "preliminary")
    assert load_framework(tmp_path / "v.yaml").codes == old.codes
    assert [c.id for c in load_framework(tmp_path / "v.csv").codes] == [c.id for c in old.codes]
    assert [c.id for c in read_qdc(tmp_path / "v.qdc").codes] == [c.id for c in old.codes]
    assert yaml.safe_load((tmp_path / "v.yaml").read_text())["id"] == "study"
    capsys.readouterr()
    assert run("framework", "versions", P, "study") == 0
    assert "preliminary" in capsys.readouterr().out


def test_cli_condensed_copy_and_refusals(sample_project, capsys):
    P = str(sample_project.path)
    assert run("framework", "new", P, "lvi84x", "--from", "lvi84", "--carry-codings") == 0
    assert "through crosswalk lvi84-to-lvi84x" in capsys.readouterr().out
    assert run("code", "merge", P, "--framework", "lvi84x", "ORG01", "ORG02", "--into", "ORG01") == 0
    with sample_project.read() as s:
        cw = mdb.get_crosswalk(s, "lvi84-to-lvi84x")
    assert {m["from"]: m["to"] for m in cw.mapping}["ORG02"] == "ORG01"
    with sample_project.read() as s:
        before = db.codings_frame(s, include_removed=True, with_text=False).to_json(date_format="iso")
    capsys.readouterr()
    assert run("code", "rename", P, "--framework", "lvi84x", "ORG01", "ORG03") == 2
    assert "framework lvi84x, code ORG01: cannot rename to 'ORG03'" in capsys.readouterr().err
    assert run("code", "delete", P, "--framework", "lvi84x", "ORG03") == 2
    assert "still has" in capsys.readouterr().err
    assert run("framework", "new", P, "x", "--from", "nope") == 2
    with sample_project.read() as s:
        assert db.codings_frame(s, include_removed=True, with_text=False).to_json(date_format="iso") == before
        assert "x" not in db.framework_ids(s)
    assert run("framework", "diff", P, "lvi84x", "nope") == 2


def test_cli_split_ranks_with_the_projects_model(sample_project, capsys, monkeypatch):
    """``code split`` loads the project's embedder like every command (it imported a function that no longer exists
    and crashed before ranking anything)."""
    import toolkit.embed
    from toolkit.embed import FakeEmbedder

    asked = []
    monkeypatch.setattr(toolkit.embed, "load_embedder", lambda model_path=None: asked.append(model_path) or
                        FakeEmbedder(64))
    path = str(sample_project.path)
    rc = main(["code", "split", path, "--framework", "lvi84", "ORG02", "--into", "FAR=Far from a scanner:travel time",
               "--into", "NEAR=Near a scanner:easy access nearby", "--dry-run"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert asked == [None]  # the project's model: the packaged default for the English sample
    assert "FAR" in out.out and "NEAR" in out.out
