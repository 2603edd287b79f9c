"""The app in a real browser: ``streamlit run`` on localhost, driven by headless Chromium through Playwright.

Opens the sample project as coder ann (blind), accepts, removes and accepts again a suggestion on the Index page,
rejects one and undoes it, reloads (coder and passage kept), records and undoes a consensus on one passage, writes
and saves a chart summary, downloads the Word matrix, and checks through the toolkit that the coding and the summary
were stored, the consensus undone, and that the download is the matrix. Screenshots of every step go to
``$FA_BROWSER_OUTPUT`` (default: ``test-output/browser`` in the test's temporary folder). Skipped, with the reason, when Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from browser_kit import CHROMIUM, CHROMIUM_ARGS, IDLE, serve_app, unfold_candidates, visible_key  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUMMARY = "Travel time to the scanner makes this participant think twice before referring."


@pytest.fixture
def out_dir(tmp_path) -> Path:
    out = Path(os.environ["FA_BROWSER_OUTPUT"]) if os.environ.get("FA_BROWSER_OUTPUT") else \
        tmp_path / "test-output" / "browser"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture
def server(sample_project_file, embedder, tmp_path, out_dir):
    """``streamlit run app/streamlit_app.py`` on a free localhost port, on a private copy of the sample project with
    its code suggestions computed (as ``make run`` prepares it)."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (install the Debian package `chromium`, or set FA_CHROMIUM)")
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    from toolkit.indexing import service as sv
    from toolkit.store import open_project

    copy = tmp_path / "browser.fa"
    shutil.copy2(sample_project_file, copy)
    with open_project(copy) as p:
        sv.suggest(p, "lvi84", embedder)
    with serve_app(copy, out_dir / "streamlit.log") as url:
        yield url, copy


IDLE_JS = f"() => {IDLE}"


def _settle(page, timeout: float = 120) -> None:
    """Wait until the app is idle: no 'running' status and no stale (greyed, about to be replaced) element, for
    half a second in a row (a button that triggers ``st.rerun`` runs the script twice)."""
    end = time.monotonic() + timeout
    calm = 0
    page.wait_for_timeout(300)
    while calm < 3:
        if time.monotonic() > end:
            raise AssertionError(f"the app was still running after {timeout} s")
        calm = calm + 1 if page.evaluate(IDLE_JS) else 0
        page.wait_for_timeout(200)


def _select(page, key: str, option: str) -> None:
    """Choose ``option`` (its displayed text starts with it) in the selectbox with widget key ``key``."""
    box = page.locator(f".st-key-{key}")
    box.locator("input").click()
    page.get_by_role("option", name=option).first.click()
    _settle(page)


def _click(page, key: str) -> None:
    """Click the button with widget key ``key``, unfolding the candidates first when it is among them."""
    if not page.locator(f".st-key-{key} button").first.is_visible():
        unfold_candidates(page, _settle)
    page.locator(f".st-key-{key} button").first.click()
    _settle(page)


def _until(check, what: str, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.3)


def _stored_summary(path, pid: str, code: str) -> tuple[str | None, str | None]:
    from toolkit import charting
    from toolkit.store import open_project

    with open_project(path) as p:
        cell = charting.build_matrix(p, "lvi84", category="ORG").cell(pid, code)
    return cell.summary, cell.status


def test_browser_index_chart_and_word_download(server, out_dir):
    from playwright.sync_api import expect, sync_playwright

    from toolkit import charting
    from toolkit.indexing import service as sv
    from toolkit.indexing.agreement import compare_coders
    from toolkit.store import core as db
    from toolkit.store import open_project

    url, copy = server
    shots: list[Path] = []

    def shot(page, name: str) -> None:
        path = out_dir / f"{len(shots) + 1:02d}_{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    with open_project(copy) as p:
        with p.read() as s:
            before = db.codings_frame(s, coders=["ann"], with_text=False)
            first = db.transcripts(s)[0]["name"]
        matrix = charting.build_matrix(p, "lvi84", category="ORG")
        top = sv.review_queue(p, "lvi84", n=1, transcript=first).iloc[0]  # this transcript's most uncertain passage
        unresolved = compare_coders(p, "reference", "second", framework="lvi84")["overall"]["unresolved"]
    assert before.empty
    pid, code = next((pid, c.id) for c in matrix.columns for pid in matrix.participants if matrix.cell(pid, c.id).quotes)
    sid = int(top.id)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1700}, accept_downloads=True)
        page.set_default_timeout(120_000)
        expect.set_options(timeout=60_000)  # a busy machine draws slowly
        page.goto(f"{url}/?coder=ann")
        _settle(page)
        expect(page.get_by_role("heading", name="Project")).to_be_visible()
        _settle(page)
        expect(page.get_by_text("Sample study: drivers of low-value imaging")).to_be_visible()
        shot(page, "project")

        # Index, blind: the reference and second coder's codes are not shown while ann indexes
        page.get_by_role("link", name="2 Index").click()
        _settle(page)
        expect(page.get_by_text("you are ann").first).to_be_visible()
        expect(page.get_by_text("blind: only your own codings are shown")).to_be_visible()
        assert page.get_by_text(" · reference · ").count() == 0
        shot(page, "index")
        page.keyboard.press("u")  # the most uncertain passage of this transcript
        _settle(page)
        expect(page.get_by_text(top.text[:60], exact=False).first).to_be_visible()
        unfold_candidates(page, _settle)
        shot(page, "index_most_uncertain")

        # accept, remove, accept again: the suggestion's status follows what is true now
        _click(page, f"accept_{sid}")
        expect(page.locator(f".st-key-unaccept_{sid}")).to_be_visible()
        _click(page, f"unaccept_{sid}")
        expect(page.locator(f".st-key-accept_{sid}")).to_be_visible()
        _click(page, f"accept_{sid}")
        expect(page.get_by_text("coded by you").first).to_be_visible()
        shot(page, "index_accepted")

        # reject another suggestion, then undo the rejection
        unfold_candidates(page, _settle)
        other = visible_key(page, "reject_")
        assert other is not None
        osid = other.split("_", 1)[1]
        _click(page, f"reject_{osid}")
        expect(page.get_by_text("rejected by you").first).to_be_visible()
        shot(page, "index_rejected")
        _click(page, f"unreject_{osid}")
        expect(page.locator(f".st-key-accept_{osid}")).to_be_visible()

        # a reload keeps the coder and the passage
        page.reload()
        _settle(page)
        expect(page.get_by_text("you are ann").first).to_be_visible()
        expect(page.get_by_text(top.text[:60], exact=False).first).to_be_visible()
        shot(page, "index_after_reload")

        # Agreement: consensus on one passage, then undo
        page.get_by_role("link", name="2b Agreement").click()
        _settle(page)
        metric = page.locator("[data-testid='stMetric']", has_text="Unresolved units")
        expect(metric).to_contain_text(str(unresolved))
        shot(page, "agreement")
        _click(page, "resolve_unit")
        expect(metric).to_contain_text(str(unresolved - 1))
        page.locator("details summary", has_text="Resolved passages").click()
        _settle(page)
        shot(page, "agreement_resolved")
        page.locator("[class*='st-key-unresolve_'] button").first.click()
        _settle(page)
        expect(metric).to_contain_text(str(unresolved))
        assert page.locator(".st-key-coder_select input").input_value().startswith("ann")  # the coder, on another page

        # Chart: open a cell, write its summary, save
        page.get_by_role("link", name="3 Chart").click()
        _settle(page)
        expect(page.get_by_role("heading", name="3 · Chart")).to_be_visible()
        _select(page, "chart_participant", pid)
        _select(page, "chart_code", code)
        shot(page, "chart_cell")
        box = page.locator("[class*='st-key-chart_summary_text_'] textarea")
        box.fill(SUMMARY)
        page.get_by_role("button", name="Save as reviewed").click()
        _settle(page)
        # the page's state, not its toast (a toast may be gone already on a busy machine): the stored summary, and
        # the cell shown again with it
        _until(lambda: _stored_summary(copy, pid, code) == (SUMMARY, "reviewed"), "the summary to be saved")
        expect(page.locator("[class*='st-key-chart_summary_text_'] textarea")).to_have_value(SUMMARY)
        shot(page, "chart_saved")

        # Word matrix download
        with page.expect_download() as dl:
            page.locator(".st-key-chart_docx button").click()
        word = out_dir / dl.value.suggested_filename
        dl.value.save_as(word)
        shot(page, "chart_downloaded")
        browser.close()

    with open_project(copy) as p:
        with p.read() as s:
            after = db.codings_frame(s, coders=["ann"], with_text=False)
            consensus = db.codings_frame(s, coders=["consensus"], with_text=False)
        cell = charting.build_matrix(p, "lvi84", category="ORG").cell(pid, code)
    assert len(after) == 1 and after.origin.iloc[0] == "suggestion", after
    assert (after.transcript.iloc[0], int(after.start.iloc[0]), int(after.end.iloc[0]), after.code_id.iloc[0]) == (
        top.transcript, int(top.start), int(top.end), top.code_id)
    assert consensus.empty  # the consensus was undone
    assert (cell.summary, cell.status, cell.author) == (SUMMARY, "reviewed", "ann")
    from docx import Document

    assert word.name == "lvi84_matrix.docx"  # the whole framework in one file
    doc = Document(str(word))
    assert SUMMARY in "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert all(s.stat().st_size > 10_000 for s in shots)
