"""Issue 28 in a real browser (headless Chromium, Playwright) against ``python -m toolkit app PROJECT --team``: two
coders of one blind transcript and a student log in, each in their own browser; every page each may open shows them
only what they may see (bob: none of ann's codings, decisions, memos or chart evidence on P01; the student: only the
Teaching mode as their login, no research transcript) until the lead reveals; then bob sees ann's work. Screenshots go to
``$FA_BROWSER_OUTPUT`` (default: a temporary folder)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from app_helpers import build_small_suggested
from browser_kit import CHROMIUM, CHROMIUM_ARGS, _wait_healthy, free_port
from test_app_browser import _settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PW = "team password 1"
P01, P03 = "P01_gp_rural.txt", "P03_radiologist_urban.vtt"
MEMO = "ann-private-hunch-about-the-ferry"


@pytest.fixture
def team_server(tmp_path):
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    from toolkit import familiarize as fam
    from toolkit import team
    from toolkit.cli.app import app_command
    from toolkit.indexing import decisions as dec
    from toolkit.indexing import review
    from toolkit.store import open_project

    path = build_small_suggested(tmp_path / "team.fa")
    with open_project(path) as p:
        lead = team.add_user(p, "lena", PW, role="lead")
        for name, role in (("ann", "coder"), ("bob", "coder"), ("stu", "student")):
            team.add_user(p, name, PW, role=role, actor="lena")
        team.assign(p, lead, P01, ["ann", "bob"])
        team.mark_teaching(p, lead, P03)
        v = review.transcript_view(p, "lvi84", P01, "ann")
        first = next(s["id"] for x in v["passages"] for s in x["suggestions"] if s["state"] == "open")
        dec.accept(p, first, coder="ann")
        fam.add_memo(p, MEMO, author="ann", transcript=P01)
    out = Path(os.environ.get("FA_BROWSER_OUTPUT") or tmp_path / "shots")
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cmd, env = app_command(str(path), port, team_mode=True)  # what `python -m toolkit app P --team` runs
    log = out / "streamlit-team.log"
    with log.open("w") as fh:
        proc = subprocess.Popen(cmd, env=dict(env, PYTHONPATH=str(Path(__file__).resolve().parents[2])),
                                stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url, out, path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _names(text: str, name: str) -> bool:
    """Whether ``name`` appears as a word (not inside one: "scanner" is not "ann")."""
    import re

    return re.search(rf"\b{name}\b", text) is not None


def _login(browser, url: str, name: str):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(url)
    page.get_by_role("textbox", name="Name").wait_for(timeout=180_000)
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("textbox", name="Password").fill(PW)
    page.get_by_role("button", name="Log in").click()
    page.get_by_text(f"Signed in as {name}").first.wait_for(timeout=180_000)
    _settle(page)
    return page


def _nav(page) -> list[str]:
    return [t.split("\n")[-1].strip() for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def _open(page, title: str) -> str:
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.get_by_role("heading").first.wait_for(timeout=180_000)
    _settle(page)
    return page.inner_text('[data-testid="stMain"]')


def _memos(page) -> int:
    """How many memos the Memos tab lists (the table itself is drawn on a canvas: its caption counts them)."""
    import re

    _open(page, "1 Familiarize")
    page.get_by_role("tab", name="Memos").click()
    _settle(page)
    return int(re.search(r"(\d+) memo\(s\)", page.inner_text('[data-testid="stMain"]')).group(1))


def test_two_blind_coders_and_a_student_see_only_what_they_may_until_the_reveal(team_server):
    from playwright.sync_api import sync_playwright

    from toolkit import team
    from toolkit.store import open_project

    url, out, path = team_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        bob = _login(browser, url, "bob")
        assert _nav(bob) == ["1 Familiarize", "2 Index", "3 Chart"]
        text = _open(bob, "2 Index")
        assert "blind: only your own codings" in text and not _names(text, "ann") and "Traceback" not in text
        bob.screenshot(path=str(out / "bob_index_blind.png"), full_page=True)
        text = _open(bob, "3 Chart")
        assert "only bob's own codings" in text and not _names(text, "ann")
        bob.screenshot(path=str(out / "bob_chart_blind.png"), full_page=True)
        assert _memos(bob) == 0  # ann's memo on P01 is hidden

        ann = _login(browser, url, "ann")
        text = _open(ann, "2 Index")
        assert not _names(text, "bob")  # nothing of bob's
        ann.screenshot(path=str(out / "ann_index_blind.png"), full_page=True)
        assert _memos(ann) == 1

        stu = _login(browser, url, "stu")
        assert _nav(stu) == []  # one page only: Streamlit shows no page list
        assert "Teaching mode" in stu.inner_text('[data-testid="stMain"]')
        text = stu.inner_text('[data-testid="stMain"]')
        assert P01 not in text and "Traceback" not in text  # no research transcript for a student
        stu.screenshot(path=str(out / "student_marked_only.png"), full_page=True)

        with open_project(path) as p:  # the lead reveals P01
            team.reveal(p, team.get_user(p, "lena"), P01)
        assert _memos(bob) == 1
        text = _open(bob, "3 Chart")
        assert "only bob's own codings" not in text
        text = _open(bob, "2 Index")
        assert "blind: only your own codings" not in text  # P01 revealed: everyone's codings show
        bob.screenshot(path=str(out / "bob_after_reveal.png"), full_page=True)
        browser.close()
