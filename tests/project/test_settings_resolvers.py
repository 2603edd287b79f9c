"""Each project-level choice is decided in one place: the settings registry, the embedding model (the user's choice,
else the transcripts' language) and the framework's unit of analysis. The CLI and the toolkit calls the app makes
use the same model and the same passages on a project with non-default settings."""

from __future__ import annotations

import pytest

import toolkit.embed
from toolkit import project as proj
from toolkit import settings
from toolkit.cli import main
from toolkit.embed import DEFAULT_MODEL, MULTILINGUAL_MODEL, FakeEmbedder
from toolkit.indexing import service as sv
from toolkit.indexing import workspace
from toolkit.sample import SAMPLE_DIR
from toolkit.store import core as db
from toolkit.store import indexing as idb

NORWEGIAN = "P10_leder_rural_no.txt"


class _Named(FakeEmbedder):
    def __init__(self, name):
        super().__init__(64)
        self.name = str(name)


@pytest.fixture
def loads(monkeypatch):
    """Every model the code under test loads, by the name it asked for (a fake encoder stands in for it)."""
    asked: list[str | None] = []

    def fake(model_path=None):
        asked.append(model_path)
        return _Named(toolkit.embed.model_name(model_path))

    monkeypatch.setattr(toolkit.embed, "load_embedder", fake)
    return asked


def test_every_key_is_registered_once_and_reads_a_damaged_value_as_its_default(tmp_path):
    keys = [s.key for s in settings.REGISTRY]
    assert len(keys) == len(set(keys))
    p = proj.create(tmp_path / "p.fa", shipped=False)
    try:
        with p.transaction() as s:
            db.set_setting(s, settings.POSITION.name(coder="ann", framework="f"), "{not json")
            settings.write(s, settings.LEAD_CODER, "ann")
        with p.read() as s:
            assert settings.read(s, settings.POSITION, coder="ann", framework="f") is None
            assert settings.read(s, settings.LEAD_CODER) == "ann"
        with pytest.raises(TypeError, match="framework"):
            settings.UNIT.name()
        with pytest.raises(KeyError):
            with p.transaction() as s:
                settings.write(s, settings.Setting("invented", str, None, ""), "x")
    finally:
        p.close()


def test_the_model_follows_the_transcripts_language_unless_chosen(tmp_path):
    p = proj.create(tmp_path / "no.fa", shipped=False)
    try:
        assert settings.model_choice(p).model is None  # nothing imported yet: the packaged default
        proj.import_transcripts(p, SAMPLE_DIR / NORWEGIAN)
        choice = settings.model_choice(p)
        assert choice.model == MULTILINGUAL_MODEL and not choice.chosen and "not in English" in choice.reason
        proj.set_model(p, DEFAULT_MODEL)  # the user's choice wins
        assert settings.model_choice(p).model == DEFAULT_MODEL and settings.model_choice(p).chosen
        proj.set_model(p, None)
        assert settings.model_choice(p).model == MULTILINGUAL_MODEL
    finally:
        p.close()
    q = proj.create(tmp_path / "en.fa", shipped=False)
    try:
        proj.import_transcripts(q, [SAMPLE_DIR / "P01_gp_rural.txt", SAMPLE_DIR / NORWEGIAN])
        assert settings.model_choice(q).model is None  # mostly English
    finally:
        q.close()


@pytest.fixture
def configured(sample_project):
    """The sample with non-default choices: the multilingual model and whole turns as lvi84's unit."""
    proj.set_model(sample_project, MULTILINGUAL_MODEL)
    workspace.set_unit_of_analysis(sample_project, "lvi84", "turn")
    return sample_project


OPERATIONS = {
    "suggest": ["suggest", "{p}", "--framework", "lvi84"],
    "summaries draft": ["summaries", "draft", "{p}", "--framework", "lvi84", "--participant", "P01"],
    "map propose": ["map", "propose", "{p}", "--framework", "lvi84", "--what", "elements"],
    "class codes": ["class", "codes", "{p}", "MSc", "1", "kim", "--code", "Patients ask for scans=P01_gp_rural.txt:{span}"],
    "findings rank": ["findings", "rank", "{p}", "--framework", "lvi84", "--theme", "ORG"],
}
SETUP = {  # what an operation needs first (no model involved)
    "map propose": [["summaries", "draft", "{p}", "--framework", "lvi84", "--participant", "P01"]],
    "class codes": [["class", "create", "{p}", "MSc", "--teacher", "tove"],
                    ["class", "exercise", "add", "{p}", "MSc", "--step", "familiarize", "--transcript",
                     "P01_gp_rural.txt"],
                    ["class", "join", "{p}", "MSc", "kim"]],
}


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_cli_and_app_use_the_projects_model(configured, loads, operation, monkeypatch):
    """The CLI used to load all-MiniLM-L6-v2 for these whatever the project said."""
    from toolkit.app import common

    path = str(configured.path)
    with configured.read() as s:
        turns = idb.passages_frame(s, "turn")
    first = turns[turns["transcript"] == "P01_gp_rural.txt"].iloc[0]  # a passage of the exercise (unit: turn)
    argv = [a.format(p=path, span=f"{first.start}-{first.end}") for a in OPERATIONS[operation]]
    for step in SETUP.get(operation, []):  # e.g. key elements are proposed from summaries: draft one first
        assert main([a.format(p=path) for a in step]) == 0, step
    loads.clear()
    assert main(argv) == 0, operation
    assert loads and set(loads) == {MULTILINGUAL_MODEL}, (operation, loads)
    loads.clear()
    monkeypatch.setattr(common, "project", lambda: configured)  # the app's frame around the open project
    try:
        assert common.project_embedder().name == MULTILINGUAL_MODEL
        assert common.project_embedder(lazy=True).name == MULTILINGUAL_MODEL
        assert loads == [MULTILINGUAL_MODEL]
    finally:
        common.embedder.clear()  # the fake must not outlive this test in the server-wide cache


def test_cli_suggest_and_review_use_the_frameworks_unit(configured, loads, capsys):
    path = str(configured.path)
    assert main(["suggest", path, "--framework", "lvi84"]) == 0
    with configured.read() as s:
        ev = db.events_frame(s)
        schemes = {p.get("scheme") for p in ev.loc[ev["action"] == "suggest", "payload"]}
        turns = idb.passages_frame(s, "turn")
        sug = idb.suggestions_frame(s, "lvi84")
    assert schemes == {"turn"} and set(sug["passage_id"]) <= set(turns["id"])
    # the gaps a framework shows are found among its own passages (it reported none: it looked at sentences:3)
    gaps = sv.no_fit(configured, "lvi84", n=None)
    assert len(gaps) and set(gaps["passage_id"]) <= set(turns["id"])
    capsys.readouterr()
    assert main(["review", path, "--framework", "lvi84", "--no-fit", "-n", "3"]) == 0
    assert "suggestion" in capsys.readouterr().out
