"""Every page of the team app walked as a coder, a student and a lead (AppTest): each role reaches only its pages, and
on a transcript two coders code blind, coder bob sees none of coder ann's codings, decisions or memos on any page (the
Index page, the chart's evidence line and picker, the memos) until the lead reveals it; a student works as their login
as their login, and exercises use only the transcripts the lead marked; a session ends at the next click when the account is disabled."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from app_helpers import APP, PAGES, build_small_suggested, ok  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from toolkit import familiarize as fam  # noqa: E402
from toolkit import team  # noqa: E402
from toolkit.indexing import decisions as dec  # noqa: E402
from toolkit.store import open_project  # noqa: E402

PW = "team password 1"
P01, P03 = "P01_gp_rural.txt", "P03_radiologist_urban.vtt"
MEMO = "ann-private-hunch-about-the-ferry"
ROLE_PAGES = {
    "coder": ["familiarize.py", "index.py", "chart.py"],
    "student": ["teach.py"],
    "lead": ["project.py", "team.py", "participants.py", "familiarize.py", "framework.py", "index.py", "agreement.py",
             "chart.py", "map.py",
             "interpret.py", "teach.py"],
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    path = build_small_suggested(tmp_path_factory.mktemp("team") / "team.fa")
    p = open_project(path)
    lead = team.add_user(p, "lena", PW, role="lead")
    for name, role in (("ann", "coder"), ("bob", "coder"), ("stu", "student")):
        team.add_user(p, name, PW, role=role, actor="lena")
    team.assign(p, lead, P01, ["ann", "bob"])
    team.mark_teaching(p, lead, P03)
    from toolkit.teaching import classes as cl

    cl.create_class(p, "seminar", teacher="lena")
    view_ids = _open(p, "ann")
    dec.accept(p, view_ids[0], coder="ann")  # ann's accept on the blind transcript
    fam.add_memo(p, MEMO, author="ann", transcript=P01)
    yield p
    p.close()


def _open(p, who):
    from toolkit.indexing import review

    v = review.transcript_view(p, "lvi84", P01, who)
    return [s["id"] for x in v["passages"] for s in x["suggestions"] if s["state"] == "open"]


@pytest.fixture
def env(served, monkeypatch):
    monkeypatch.setenv("FA_TEAM", "1")
    monkeypatch.setenv("FA_PROJECT", str(served.path))
    return served


def _names(text: str, name: str) -> bool:
    """Whether ``name`` appears as a word (not inside one: "scanner" is not "ann")."""
    import re

    return re.search(rf"\b{name}\b", text) is not None


def _login(name: str) -> AppTest:
    at = AppTest.from_file(str(APP / "streamlit_app.py"), default_timeout=240).run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(PW)
    return ok(at.button[0].click().run())


def _texts(at: AppTest) -> str:
    """Everything the page shows as text: Markdown, captions, messages, widget labels and options, tables."""
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "success", "title", "header", "subheader", "text"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("selectbox", "multiselect", "radio"):
        for w in getattr(at, kind):
            parts += [str(w.label), *map(str, getattr(w, "options", []) or [])]
    for df in at.dataframe:
        parts.append(df.value.to_string())
    return "\n".join(parts)


@pytest.mark.parametrize("who,role", [("bob", "coder"), ("stu", "student"), ("lena", "lead")])
def test_each_role_reaches_exactly_its_pages_and_each_runs_cleanly(env, who, role):
    at = _login(who)
    for f in sorted(p.name for p in PAGES.glob("*.py") if p.name != "login.py"):
        if f in ROLE_PAGES[role]:
            at.switch_page(str(PAGES / f))
            ok(at.run())
        else:
            with pytest.raises(ValueError, match="Known pages"):
                at.switch_page(str(PAGES / f))


def test_a_coder_sees_nothing_of_the_other_coder_on_any_page_until_the_reveal(env):
    at = _login("bob")
    at.switch_page(str(PAGES / "index.py"))
    ok(at.run())
    assert at.selectbox(key="index_transcript").value == P01 and at.selectbox(key="index_transcript").options == [P01]
    shown = _texts(at)
    assert "blind" in shown and not _names(shown, "ann")
    at.switch_page(str(PAGES / "chart.py"))
    ok(at.run())
    shown = _texts(at)
    assert "only bob's own codings" in shown and not _names(shown, "ann")
    at.switch_page(str(PAGES / "familiarize.py"))
    ok(at.run())
    assert MEMO not in _texts(at)
    # the lead reveals: bob sees ann's work on the next run
    team.reveal(env, team.User("lena", "lead"), P01)
    at.switch_page(str(PAGES / "familiarize.py"))
    ok(at.run())
    assert MEMO in _texts(at)
    at.switch_page(str(PAGES / "chart.py"))
    ok(at.run())
    assert "only bob's own codings" not in _texts(at)
    from toolkit.store import schema as t

    with env.transaction() as s:  # blind again for the other tests of this module
        s.query(t.Reveal).delete()


def test_a_student_works_as_their_login_and_exercises_use_marked_transcripts_only(env):
    at = _login("stu")
    assert at.title[0].value.startswith("Teaching")
    assert "teach_me" not in [w.key for w in at.selectbox]  # no name to pick: the login is the student
    assert P01 not in _texts(at)
    at = _login("lena")  # the teacher setting an exercise may choose only the transcripts marked for teaching
    at.switch_page(str(PAGES / "teach.py"))
    ok(at.run())
    assert at.multiselect(key="teach_ex_tr").options == [P03]


def test_a_disabled_account_is_logged_out_at_its_next_click(env):
    at = _login("bob")
    at.switch_page(str(PAGES / "index.py"))
    ok(at.run())
    team.set_active(env, "bob", False, actor="lena")
    try:
        at.run()
        assert at.title[0].value == "Log in" and "user" not in at.session_state
    finally:
        team.set_active(env, "bob", True, actor="lena")
