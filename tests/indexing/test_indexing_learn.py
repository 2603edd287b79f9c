"""Learn from my coding: the choice is cross-validated on the project's codings, kept in the project itself with its
hash (a file or a PostgreSQL database alike, carried by backup and copy), used by every later suggest and named in
each suggestion's model; a changed choice is not trusted."""

import pytest

from toolkit import settings
from toolkit.cli import main
from toolkit.embed import FakeEmbedder
from toolkit.errors import InputError
from toolkit.indexing import learn
from toolkit.indexing import service as sv
from toolkit.indexing.learned import learned_selection
from toolkit.store import indexing as idb


def test_learn_keeps_the_choice_with_the_project(sample_project, tmp_path):
    emb = FakeEmbedder(64)
    steps = []
    r = learn(sample_project, "lvi84", emb, progress=lambda d, n, m: steps.append((d, n)))
    assert not list(tmp_path.glob("*.models"))  # nothing beside the file: the choice is inside the project
    with sample_project.read() as s:
        rec = settings.read(s, settings.LEARNED, framework="lvi84")
    assert rec["sha256"] == r["sha256"]
    stored = rec["selection"]
    assert stored["embedding_model"] == emb.name and 0 <= stored["cv_top1"] <= 1 and stored["coded_passages"] >= 10
    assert steps[-1] == (4, 4)
    # the report is in words; the technical line is apart
    assert "coded passages" in r["message"] and "leans most on" in r["message"] and "sha256" not in r["message"]
    assert r["sha256"][:12] in r["technical"] and "cross-validated top-1" in r["technical"]
    # a backup carries it
    from toolkit.store import backup_project, open_project

    copy = backup_project(sample_project.path, tmp_path / "copies")
    with open_project(copy) as c:
        assert learned_selection(c, "lvi84", emb.name)[1] == r["sha256"]
    with sample_project.read() as s:
        models = set(idb.suggestions_frame(s, "lvi84")["model"])
    assert models == {f"{emb.name}+CodeSuggester+learned:{r['sha256'][:12]}"}
    # another embedding model ignores it; a changed choice is not trusted
    assert learned_selection(sample_project, "lvi84", "other-model") == (None, None)
    with sample_project.transaction() as s:
        rec["selection"]["cv_top1"] = 0.99
        settings.write(s, settings.LEARNED, rec, framework="lvi84")
    assert learned_selection(sample_project, "lvi84", emb.name) == (None, None)
    again = sv.suggest(sample_project, "lvi84", emb)
    assert "learned" not in again["model"]


def test_learn_needs_codings(tmp_path):
    from toolkit import project as proj
    from toolkit.sample import SAMPLE_DIR

    p = proj.create(tmp_path / "p.fa")
    try:
        proj.import_transcripts(p, SAMPLE_DIR / "P01_gp_rural.txt")
        with pytest.raises(InputError, match="at least 10 coded passages"):
            learn(p, "lvi84", FakeEmbedder(64))
        with p.read() as s:
            assert settings.read(s, settings.LEARNED, framework="lvi84") is None
    finally:
        p.close()


def test_learn_on_either_backend(project_location):
    """"Learn from my coding" on a project file and on a PostgreSQL database (it crashed there: the choice lived in a
    folder beside the file)."""
    from toolkit import project as proj
    from toolkit.sample import SAMPLE_DIR

    p = proj.create(project_location)
    try:
        proj.import_transcripts(p, SAMPLE_DIR, attributes=SAMPLE_DIR / "participants.csv")
        proj.import_codings(p, SAMPLE_DIR / "reference_indexing.csv", framework="lvi84", coder="reference")
        r = learn(p, "lvi84", FakeEmbedder(64), time_budget=30)
        selection, digest = learned_selection(p, "lvi84", "fake-64")
        assert digest == r["sha256"] and selection["framework"] == "lvi84"
        assert r["model"].endswith(f"learned:{r['sha256'][:12]}")
    finally:
        p.close()


def test_cli_learn(sample_project, monkeypatch, capsys):
    import toolkit.embed

    monkeypatch.setattr(toolkit.embed, "load_embedder", lambda path=None: FakeEmbedder(64))
    path = str(sample_project.path)
    sample_project.close()
    assert main(["learn", path, "--framework", "lvi84"]) == 0
    out = capsys.readouterr().out
    assert "would have suggested your code first" in out and "details: cross-validated top-1" in out \
        and "learned:" in out
    assert main(["learn", path, "--framework", "nope"]) == 2


def test_hindsight_checks_the_last_decisions_left_out(sample_project):
    """The check on the last decisions fits without those passages' labels and counts the decided code's rank."""
    from toolkit.indexing.learning import hindsight

    emb = FakeEmbedder(64)
    sv.suggest(sample_project, "lvi84", emb)
    with sample_project.read() as s:
        sug = idb.suggestions_frame(s, "lvi84", status="open")
    for sid in sug.sort_values("score", ascending=False)["id"].head(3):
        sv.accept(sample_project, int(sid), coder="ann")
    data = sv.training_data(sample_project, "lvi84", emb)
    sel = learned_selection(sample_project, "lvi84", emb.name)[0]
    h = hindsight(sample_project, "lvi84", data, sel)
    assert h["decisions"] == 3 and 0 <= h["first"] <= h["top3"] <= 3
    assert hindsight(sample_project, "lvi84", data, sel, n=1)["decisions"] == 1
