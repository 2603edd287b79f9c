"""First run: the sample builds with step progress, suggestions are built by a background process whose progress
(step, done/total, time left) the project records, the CLI and the app show it."""

from __future__ import annotations

import os
import time

from app_helpers import APP, ok, page
from streamlit.testing.v1 import AppTest

from toolkit import background as bg
from toolkit import settings
from toolkit.cli import main
from toolkit.sample import STEPS, build_sample
from toolkit.store import core as db
from toolkit.store import open_project


def test_sample_reports_every_step(tmp_path):
    steps = []
    build_sample(tmp_path / "s.fa", step=lambda i, n, what: steps.append((i, n, what))).close()
    assert steps == [(i, len(STEPS), w) for i, w in enumerate(STEPS)] + [(len(STEPS), len(STEPS), "done")]


def test_run_suggestions_records_progress_then_done(sample_project, fake_embedder):
    seen = []
    with sample_project.read() as s:
        before = db.latest_event_id(s)

    def progress(done, total, step):
        seen.append(bg.suggestion_status(sample_project, "lvi84"))

    result = bg.run_suggestions(sample_project, "lvi84", fake_embedder, progress=progress, every=0)
    assert result["suggestions"] > 0 and bg.has_suggestions(sample_project, "lvi84")
    running = [s for s in seen if s and s["state"] == "running" and s["total"]]
    assert running and all(s["pid"] == os.getpid() for s in running)
    assert max(s["done"] for s in running) <= running[-1]["total"]
    assert any(s["seconds_left"] is not None for s in running[:-1]) or len(running) == 1
    final = bg.suggestion_status(sample_project)
    assert final["state"] == "done" and final["framework"] == "lvi84" and final["seconds"] >= 0
    assert bg.describe(final).startswith("Code suggestions for lvi84 are ready")
    # progress is not a user action: the only new events are the suggestions' own, so cached reads stay valid
    with sample_project.read() as s:
        ev = db.events_frame(s)
        assert sorted(ev["action"][ev["id"] > before]) == ["suggest"]  # the passages were cut at import


def test_a_task_whose_process_is_gone_is_reported_stopped(sample_project):
    dead = os.fork()
    if dead == 0:
        os._exit(0)
    os.waitpid(dead, 0)
    with sample_project.transaction() as s:
        settings.write(s, settings.BACKGROUND_TASK, {"framework": "lvi84", "state": "running", "step": "embedding",
                                                     "done": 3, "total": 9, "seconds_left": 5, "pid": dead,
                                                     "updated": "2026-01-01T00:00:00+00:00"}, framework="lvi84")
    st = bg.suggestion_status(sample_project)
    assert st["state"] == "stopped" and "start it again" in bg.describe(st)


def test_background_process_really_runs_and_its_failure_is_reported(tmp_path, capsys):
    """A project without transcripts: the detached process starts, fails, and says why in the project."""
    assert main(["init", str(tmp_path / "empty.fa")]) == 0
    assert main(["background", "suggest", str(tmp_path / "empty.fa"), "--framework", "lvi84"]) == 0
    assert "in the background (process" in capsys.readouterr().out
    with open_project(tmp_path / "empty.fa") as p:
        pid = bg.suggestion_status(p)["pid"]
        for _ in range(600):
            st = bg.suggestion_status(p)
            if st["state"] != "running":
                break
            time.sleep(0.5)
    assert st["state"] == "failed" and "import transcripts first" in st["message"], st
    assert pid != os.getpid() and (tmp_path / "empty.fa.suggest.log").is_file()
    assert main(["background", "status", str(tmp_path / "empty.fa")]) == 0
    assert "failed" in capsys.readouterr().out


def test_if_missing_does_nothing_when_suggestions_exist(sample_project, fake_embedder, capsys):
    bg.run_suggestions(sample_project, "lvi84", fake_embedder)
    assert main(["background", "suggest", str(sample_project.path), "--framework", "lvi84", "--if-missing"]) == 0
    assert "already has code suggestions" in capsys.readouterr().out


def _running(project, done=40, total=100):
    with project.transaction() as s:  # this very process stands in for the background one
        settings.write(s, settings.BACKGROUND_TASK, {"framework": "lvi84", "state": "running", "step": "embedding",
                                                     "done": done, "total": total, "seconds_left": 75,
                                                     "pid": os.getpid(), "updated": "2026-01-01T00:00:00+00:00"},
                       framework="lvi84")


def test_project_page_shows_the_progress_and_the_sample_welcome(sample_project):
    _running(sample_project)
    at = ok(page("project", sample_project.path))
    texts = " ".join(str(getattr(e, "value", "")) for e in at.main) + " ".join(str(x.proto) for x in at.get("progress"))
    assert "embedding 40/100 passages, about 1 min 15 s left" in texts
    assert any("sample study" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "bg_suggest"]  # no second start while one runs


def test_project_page_offers_to_build_suggestions(sample_project, monkeypatch):
    started = []
    monkeypatch.setattr(bg, "start_suggestions", lambda path, fw: started.append((path, fw)) or 4242)
    at = ok(page("project", sample_project.path))
    at.selectbox(key="bg_framework").select("lvi84")
    at.button(key="bg_suggest").click().run()
    ok(at)
    assert started == [(str(sample_project.path), "lvi84")]
    assert any("process 4242" in s.value for s in at.success)


def test_other_pages_show_the_progress_in_the_sidebar(sample_project):
    _running(sample_project, 10, 50)
    at = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=120)
    at.session_state["project_path"] = str(sample_project.path)
    ok(at.run())
    at.switch_page(str(APP / "app_pages" / "chart.py"))
    ok(at.run())
    bars = [x.proto for x in at.sidebar.get("progress")]
    assert bars and "10/50" in str(bars[0])
