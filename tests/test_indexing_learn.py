"""Learn from my coding: the choice is cross-validated on the project's codings, kept beside the project with its
hash, used by every later suggest and named in each suggestion's model; a changed file is not trusted."""

import hashlib
import json

import pytest

from toolkit.cli import main
from toolkit.embed import FakeEmbedder
from toolkit.errors import InputError
from toolkit.indexing import learn
from toolkit.indexing import service as sv
from toolkit.indexing.learning import learned_selection, models_dir
from toolkit.store import core as db
from toolkit.store import indexing as idb


def test_learn_keeps_the_choice_with_the_project(sample_project):
    emb = FakeEmbedder(64)
    steps = []
    r = learn(sample_project, "lvi84", emb, progress=lambda d, n, m: steps.append((d, n)))
    path = models_dir(sample_project) / "lvi84.suggester.json"
    assert r["file"] == str(path) and path.is_file() and path.parent.parent == sample_project.path.parent
    assert hashlib.sha256(path.read_bytes()).hexdigest() == r["sha256"]
    with sample_project.read() as s:
        assert json.loads(db.get_setting(s, "learned:lvi84"))["sha256"] == r["sha256"]
    stored = json.loads(path.read_text())
    assert stored["embedding_model"] == emb.name and 0 <= stored["cv_top1"] <= 1 and stored["coded_passages"] >= 10
    assert steps[-1] == (4, 4)
    # the report is in words; the technical line is apart
    assert "coded passages" in r["message"] and "leans most on" in r["message"] and "sha256" not in r["message"]
    assert r["sha256"][:12] in r["technical"] and "cross-validated top-1" in r["technical"]
    with sample_project.read() as s:
        models = set(idb.suggestions_frame(s, "lvi84")["model"])
    assert models == {f"{emb.name}+CodeSuggester+learned:{r['sha256'][:12]}"}
    # another embedding model ignores it; a changed file is not trusted
    assert learned_selection(sample_project, "lvi84", "other-model") == (None, None)
    path.write_text(path.read_text().replace('"calibrated": true', '"calibrated": false'))
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
        assert not models_dir(p).exists()
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
