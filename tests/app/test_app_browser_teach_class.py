"""Teaching a class in a real browser (headless Chromium, Playwright): the teacher creates a class and two exercises,
a student joins under a new (confirmed) name and does both, another student works too, the teacher opens the first
student's work and comments, and the student reads the comment. Screenshots go to ``$FA_BROWSER_OUTPUT``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from browser_kit import CHROMIUM, CHROMIUM_ARGS, serve_app
from test_app_browser import _select, _settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CLASS = "MSc 2026"
TR = "P01_gp_rural.txt"


@pytest.fixture
def teach_server(sample_project_file, tmp_path):
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    copy = tmp_path / "class.fa"
    shutil.copy2(sample_project_file, copy)
    out = Path(os.environ.get("FA_BROWSER_OUTPUT") or tmp_path / "shots")
    out.mkdir(parents=True, exist_ok=True)
    with serve_app(copy, out / "streamlit-teach.log") as url:
        yield url, copy, out


def _button(page, text: str) -> None:
    page.get_by_role("button", name=text).first.click()
    _settle(page)


def _text(page, label: str, value: str, *, area: bool = False) -> None:
    """Type into a text box (in a form: the submit button sends it; Enter would submit the form at once)."""
    page.get_by_label(label).first.fill(value)


def _as_student(page, url: str, name: str, *, new: bool) -> None:
    page.goto(f"{url}/teach")
    page.get_by_text("Your name").first.wait_for(timeout=180_000)
    _settle(page)
    if new:
        _select(page, "teach_me", "— a new name —")
        _text(page, "Your name (as your teacher knows you)", name)
        page.get_by_text("Yes, add me to the class list").click()
        _button(page, "Join the class")
    else:
        _select(page, "teach_me", name)


def test_a_class_in_the_browser(teach_server):
    from playwright.sync_api import sync_playwright

    from toolkit.store import open_project
    from toolkit.teaching import classes as cl
    from toolkit.teaching import codes_work as cw

    url, path, out = teach_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1300})
        # the teacher: a class and two exercises
        page.goto(f"{url}/teach")
        page.get_by_text("the teacher").first.wait_for(timeout=180_000)
        _settle(page)
        page.get_by_text("the teacher", exact=True).first.click()
        _settle(page)
        _text(page, "Name of the new class", CLASS)
        _button(page, "Create the class")
        _select(page, "teach_ex_step", "2. Indexing")
        _text(page, "Instructions (empty: the step's own)", "Index P01: codes, or 'no code here'.", area=True)
        _button(page, "Add the exercise")
        if not page.locator(".st-key-teach_ex_step input").is_visible():  # the expander folds once a class has one
            page.get_by_text("Set an exercise").first.click()
            _settle(page)
        _select(page, "teach_ex_step", "3. Charting")
        page.locator(".st-key-teach_ex_codes input").fill("CUL10")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        _text(page, "Participant of the cell (e.g. P01)", "P01")
        _button(page, "Add the exercise")
        page.screenshot(path=str(out / "teacher_setup.png"), full_page=True)
        with open_project(path) as p:
            e1, e2 = cl.get_class(p, CLASS).exercises
        assert (e1.step, e2.step, e2.codes) == ("index", "chart", ("CUL10",))
        # kari joins under a new name, codes a passage, says "no code here" on the next, summarises the cell
        _as_student(page, url, "kari", new=True)
        page.locator(f".st-key-teach_codes_{e1.id}_0 input").fill("ORG01")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")  # close the list of codes
        _button(page, "Save and go to the next passage")
        _button(page, "Save and go to the next passage")
        body = page.inner_text("body")
        assert "2 of" in body and "Positive agreement" in body and "20" in body
        page.screenshot(path=str(out / "student_index_feedback.png"), full_page=True)
        _select(page, "teach_exercise", "Exercise 2")
        page.get_by_text("My summary rests on passage 1").click()
        _text(page, "Your summary (in your words)", "Locums refer more: no experience, they do not know the "
                                                     "patients.", area=True)
        _button(page, "Save my summary and compare")
        assert "no reference summary" in page.inner_text("body")
        page.screenshot(path=str(out / "student_chart_feedback.png"), full_page=True)
        with open_project(path) as p:  # ola works too (as the command line would)
            cl.join_class(p, CLASS, "ola")
            r = cw.exercise_passages(p, e1).iloc[0]
            cw.index_passage(p, e1, "ola", TR, int(r["start"]), int(r["end"]), ["CUL10"])
        # the teacher follows the class, opens kari's work and comments
        page.goto(f"{url}/teach")
        page.get_by_text("the teacher").first.wait_for(timeout=180_000)
        _settle(page)
        page.get_by_text("the teacher", exact=True).first.click()
        _settle(page)
        body = page.inner_text("body")
        assert "Follow the class" in body and "Passages decided" in body  # kari's work (the grid is a canvas)
        _select(page, "teach_follow_student", "kari")
        _text(page, "Your comment to kari", "Passage 1: read ORG01's definition again.", area=True)
        _button(page, "Send the comment")
        page.screenshot(path=str(out / "class_overview.png"), full_page=True)
        with open_project(path) as p:
            assert [c.text for c in cl.comments(p, [e1], "kari")] == ["Passage 1: read ORG01's definition again."]
        # kari reads the comment
        _as_student(page, url, "kari", new=False)
        assert "read ORG01's definition again" in page.inner_text("body")
        page.screenshot(path=str(out / "student_comment.png"), full_page=True)
        browser.close()
