"""The app served to a team (``python -m toolkit app URL --team``), under AppTest on SQLite and PostgreSQL: only the
login page until someone logs in; wrong passwords refused and slowed down; the coder identity comes from the login
(no text box); each role sees its pages; on the Index page a coder decides blind, through ``toolkit.team``."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from app_helpers import APP, PAGES, ok  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from team_kit import open_ids  # noqa: E402
from test_indexing_service import FW, TRANSCRIPT  # noqa: E402

from toolkit import (
    access,  # noqa: E402
    team,  # noqa: E402
)
from toolkit import project as proj  # noqa: E402
from toolkit.cli.app import app_command  # noqa: E402
from toolkit.embed import FakeEmbedder  # noqa: E402
from toolkit.errors import InputError  # noqa: E402
from toolkit.indexing import service as sv  # noqa: E402
from toolkit.store import core as db  # noqa: E402
from toolkit.store import team as tdb  # noqa: E402
from toolkit.team.accounts import utcnow  # noqa: E402

PW = "team password 1"


@pytest.fixture
def served(tmp_path, project_location, monkeypatch):
    (tmp_path / "fw.yaml").write_text(FW)
    (tmp_path / "P01.txt").write_text(TRANSCRIPT)
    p = proj.create(project_location, shipped=False)
    proj.add_framework(p, tmp_path / "fw.yaml")
    proj.import_transcripts(p, tmp_path / "P01.txt")
    lead = team.add_user(p, "lena", PW, role="lead")
    team.add_user(p, "ann", PW, role="coder")
    team.add_user(p, "stu", PW, role="student")
    sv.suggest(p, "fw", FakeEmbedder(64))
    team.assign(p, lead, "P01.txt", ["ann"])
    monkeypatch.setenv("FA_TEAM", "1")
    monkeypatch.setenv("FA_PROJECT", str(p.path))
    yield p
    p.close()


def _login(name: str, password: str) -> AppTest:
    at = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=120).run()
    assert at.title[0].value == "Log in"
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


def test_login_required_and_wrong_password_refused(served):
    at = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=120)
    at.query_params["project"] = "/etc/passwd"  # a team server never opens another project from the URL
    at.run()
    ok(at)
    assert at.title[0].value == "Log in" and "user" not in at.session_state
    at = _login("ann", "wrong password")
    assert at.title[0].value == "Log in" and "Wrong name or password" in at.error[0].value
    assert next(u for u in team.users(served) if u["name"] == "ann")["failed_logins"] == 1
    with served.transaction() as s:  # as after 10 failures in a row from this client, the last one just now
        row = tdb.throttle_for_update(s, "ann", "-")
        row.failures, row.last_failed_at = 10, utcnow().replace(tzinfo=None)
    at.text_input(key="login_password").input(PW).run()
    at = at.button[0].click().run()
    assert "wait" in at.error[0].value and "user" not in at.session_state  # even the right password waits


def test_coder_logs_in_sees_coder_pages_and_decides_blind(served):
    at = ok(_login("ann", PW))
    assert at.session_state["user"] == team.User("ann", "coder")
    assert "coder_input" not in [t.key for t in at.sidebar.text_input]  # identity from the login, no text box
    assert any("Signed in as **ann** (coder)" in m.value for m in at.sidebar.markdown)
    at.switch_page(str(PAGES / "index.py"))
    ok(at.run())
    assert at.title[0].value.startswith("2")
    assert "suggest" not in [b.key for b in at.button]  # the lead updates suggestions, not a coder
    accept = next(b for b in at.button if b.key and b.key.startswith("accept_"))
    sid = int(accept.key.split("_")[1])
    ok(accept.click().run())
    with served.read() as s:
        coded = db.codings_frame(s, framework_id="fw")
    assert list(coded["coder"]) == ["ann"] and list(coded["origin"]) == ["suggestion"]
    assert sid not in open_ids(served, "ann", "fw", "P01.txt")
    assert sid in open_ids(served, "lena", "fw", "P01.txt")


def test_student_sees_teaching_only_and_lead_everything(served):
    at = ok(_login("stu", PW))
    assert at.title[0].value.startswith("Teaching")
    at = ok(_login("lena", PW))
    assert at.title[0].value == "Project"


def test_app_command_binds_loopback_unless_team():
    cmd, env = app_command("x.fa", 8611)
    assert "--server.address" in cmd and cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert env["STREAMLIT_BROWSER_GATHERUSAGESTATS"] == "false" and "FA_TEAM" not in env
    with pytest.raises(InputError, match="only for a team server"):
        app_command("x.fa", 8611, host="0.0.0.0")
    cmd, env = app_command("postgresql://u:secret@127.0.0.1/db", 8612, team_mode=True, host="0.0.0.0")
    assert env["FA_TEAM"] == "1" and env["FA_PROJECT"] == "postgresql://u:secret@127.0.0.1/db"
    assert not any("secret" in c for c in cmd)  # the URL travels in the environment, not the process list
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"


def test_app_runs_without_per_click_garbage_collection_or_file_polling():
    """Streamlit's full gc.collect after every run held each Index click ~0.1 s; the launcher and the repository's
    config (read by a plain ``streamlit run`` from the checkout) both turn it and the source-file watcher off."""
    import tomllib

    cmd, _ = app_command("x.fa", 8611)
    assert cmd[cmd.index("--runner.postScriptGC") + 1] == "false"
    assert cmd[cmd.index("--server.fileWatcherType") + 1] == "none"
    cfg = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text())
    assert cfg["runner"]["postScriptGC"] is False and cfg["server"]["fileWatcherType"] == "none"


def test_the_app_never_shows_a_traceback_and_an_unreachable_database_is_said_plainly():
    """Defect 12: a team server showed full tracebacks with server paths (``showErrorDetails = "full"`` in the
    checkout's config, inherited by the server); a database that is down gave a raw driver error."""
    import socket
    import tomllib

    from toolkit.errors import ProjectError
    from toolkit.store import open_project

    for team_mode, host in ((False, "127.0.0.1"), (True, "0.0.0.0")):
        cmd, env = app_command("postgresql://u@127.0.0.1/db" if team_mode else "x.fa", 8611, team_mode=team_mode,
                               host=host)
        assert cmd[cmd.index("--client.showErrorDetails") + 1] == "none"
        assert env["STREAMLIT_CLIENT_SHOWERRORDETAILS"] == "none"
    cfg = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text())
    assert cfg["client"]["showErrorDetails"] == "none"
    with socket.socket() as sock:  # a port nothing listens on: the database cannot be reached
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ProjectError, match="cannot reach the database") as e:
        open_project(f"postgresql://nobody:pw@127.0.0.1:{port}/study")
    assert "Traceback" not in str(e.value) and "pw" not in str(e.value)


def test_lead_assigns_and_reveals_on_the_team_page(served):
    at = ok(_login("lena", PW))
    at.switch_page(str(PAGES / "team.py"))
    ok(at.run())
    assert at.title[0].value == "Team"
    at.multiselect(key="team_coders").set_value(["ann", "lena"])
    submit = next(b for b in at.button if b.key and b.key.startswith("FormSubmitter:team_assign"))
    ok(submit.click().run())
    lead = team.User("lena", "lead")
    assert sorted(a["coder"] for a in team.assignments(served, lead)) == ["ann", "lena"]
    ok(at.button(key="team_reveal").click().run())
    assert all(a["revealed"] for a in team.assignments(served, lead))
    assert access.visibility(served, "ann").hidden == frozenset()  # nothing blind any more


def test_coder_cannot_open_the_team_page(served):
    at = ok(_login("ann", PW))
    with pytest.raises(ValueError, match="Known pages") as e:  # not registered for a coder at all
        at.switch_page(str(PAGES / "team.py"))
    assert all(name in str(e.value) for name in ("familiarize.py", "index.py", "chart.py"))
    assert not any(name in str(e.value) for name in ("project.py", "agreement.py", "map.py", "teach.py"))
