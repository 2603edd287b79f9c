"""Issue 13 in a real browser (headless Chromium, Playwright): the Chart page names its evidence and offers no
student as evidence; the Interpret page's gap input and caption agree (the teacher's class in the browser:
test_app_browser_teach_class.py). Screenshots go to the browser output folder (``$FA_BROWSER_OUTPUT``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from browser_kit import CHROMIUM, CHROMIUM_ARGS, serve_app
from test_app_browser import _settle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def class_server(sample_project_file, tmp_path):
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    from toolkit import teaching
    from toolkit.store import open_project

    copy = tmp_path / "class.fa"
    shutil.copy2(sample_project_file, copy)
    with open_project(copy) as p:
        units = teaching.passages(p, "P01_gp_rural.txt")
        for k, name in enumerate(("kari", "ola")):  # students' codings: never the chart's evidence
            for r in units.iloc[:3 + 5 * k].itertuples():
                teaching.code_passage(p, name, "P01_gp_rural.txt", r.start, r.end, ["ORG01"])
    out = Path(os.environ.get("FA_BROWSER_OUTPUT") or tmp_path / "shots")
    out.mkdir(parents=True, exist_ok=True)
    with serve_app(copy, out / "streamlit-evidence.log") as url:
        yield url, out


def test_evidence_in_the_browser(class_server):
    from playwright.sync_api import sync_playwright

    url, out = class_server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(f"{url}/chart")
        page.get_by_text("Evidence: lead coder reference").first.wait_for(timeout=180_000)
        _settle(page)
        body = page.locator("[data-testid='stMain']").inner_text()  # the chart, not the sidebar's list of coders
        assert "Evidence: lead coder reference" in body
        assert "student:" not in body  # no student codings and no student as evidence
        page.screenshot(path=str(out / "chart_evidence.png"))
        browser.close()
