"""Select-to-code in a real browser: headless Chromium drags the mouse over words of a participant's turn in the Index
page's transcript component, picks a code with the keyboard in the searchable picker, and the stored coding's span
is exactly the selected text (the turn holds emoji and markup before the selection, so UTF-16 positions in the browser
and code-point offsets in the project differ, and the markup must stay text). Then a click on the highlight lists the
coding, Remove removes it, and Undo in the bar brings it back.
Skipped, with the reason, when Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from browser_kit import CHROMIUM, CHROMIUM_ARGS, IDLE, serve_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRANSCRIPT = ("I: Tell me about imaging 😀 in your practice. <script>window.__pwned=1</script>\n\n"
              "P01: Well 🏥🚑 <b>honestly</b> — the waiting list for an MRI is long, so patients travel to the city "
              "for a scan.\n\n"
              "I: And the referrals?\n\n"
              "P01: Patients 𝔞sk for scans because a friend had one.\n")
WANT = "the waiting list for an MRI is long"


@pytest.fixture
def served(tmp_path):
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (install the Debian package `chromium`, or set FA_CHROMIUM)")
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    from toolkit import project as proj

    src = tmp_path / "P01_gp_rural.txt"
    src.write_text(TRANSCRIPT, encoding="utf-8")
    path = tmp_path / "select.fa"
    p = proj.create(path, name="Select to code")
    proj.import_transcripts(p, [src])
    p.close()
    out = Path(os.environ.get("FA_BROWSER_OUTPUT") or tmp_path / "shots")
    out.mkdir(parents=True, exist_ok=True)
    with serve_app(path, out / "streamlit.log") as url:
        yield url, path, out


def _settle(page, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    calm = 0
    page.wait_for_timeout(300)
    while calm < 3:
        assert time.monotonic() < end, f"the app was still running after {timeout} s"
        calm = calm + 1 if page.evaluate(f"() => {IDLE}") else 0
        page.wait_for_timeout(200)


def _codings(path: Path):
    from toolkit.store import core as db
    from toolkit.store import open_project

    with open_project(path) as p, p.read() as s:
        return db.codings_frame(s, framework_id="lvi84", coders=["ann"])


def test_drag_select_code_remove_undo(served):
    from playwright.sync_api import expect, sync_playwright

    url, path, out = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(120_000)
        expect.set_options(timeout=60_000)
        page.goto(f"{url}/?coder=ann")
        _settle(page)
        expect(page.locator(".st-key-coder_select input")).to_have_value("ann (new: no codings yet)")
        page.get_by_role("link", name="2 Index").click()
        _settle(page)
        frame_el = page.locator("iframe[title*='select_code']")
        frame_el.scroll_into_view_if_needed()
        comp = page.frame_locator("iframe[title*='select_code']")
        expect(comp.locator(".tx").nth(1)).to_contain_text("<b>honestly</b>")  # markup shown as text
        frame = next(f for f in page.frames if "select_code" in f.url)
        assert frame.evaluate("() => window.__pwned") is None and page.evaluate("() => window.__pwned") is None

        # drag from the first letter of WANT to its last, in the participant's first turn
        spot = frame.evaluate("""(want) => {
            const tx = document.querySelectorAll('.tx')[1], n = tx.firstChild, s = n.textContent, i = s.indexOf(want);
            const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
            const a = r.getBoundingClientRect(); r.setStart(n, i + want.length - 1); r.setEnd(n, i + want.length);
            const b = r.getBoundingClientRect();
            return {x0: a.left + 1, y0: a.top + a.height / 2, x1: b.right - 1, y1: b.top + b.height / 2}; }""", WANT)
        box = frame_el.bounding_box()
        page.mouse.move(box["x"] + spot["x0"], box["y"] + spot["y0"])
        page.mouse.down()
        page.mouse.move(box["x"] + spot["x1"], box["y"] + spot["y1"], steps=10)
        page.mouse.up()
        picker = comp.locator("#picker")
        expect(picker).to_be_visible()
        quote = comp.locator("#p-quote").inner_text()
        selected = quote.split("”")[0].lstrip("“")
        assert selected == WANT, quote
        page.keyboard.type("waiting")  # the searchable picker, by keyboard
        expect(comp.locator(".opt").first).to_be_visible()
        first_code = comp.locator(".opt").first.get_attribute("data-code")
        page.screenshot(path=str(out / "select_picker.png"))
        page.keyboard.press("Enter")  # adds the highlighted code
        page.keyboard.press("Enter")  # codes the selection
        _settle(page)
        df = _codings(path)
        assert len(df) == 1, df
        row = df.iloc[0]
        assert row["text"] == selected == WANT
        assert row["code_id"] == first_code and row["origin"] == "manual"
        assert TRANSCRIPT.replace("\r", "")[int(row["start"]):int(row["end"])] == WANT
        expect(comp.locator(".stripe")).to_have_count(1)
        page.screenshot(path=str(out / "select_coded.png"))

        # a click on the highlight lists the coding; Remove removes it; Undo brings it back
        comp.locator(".hl").first.click()
        expect(comp.locator("#info")).to_be_visible()
        expect(comp.locator("#info-list")).to_contain_text(first_code)
        comp.locator("#info-list button", has_text="Remove").click()
        _settle(page)
        assert _codings(path).empty
        expect(comp.locator(".stripe")).to_have_count(0)
        comp.locator("#undo-last").click()
        _settle(page)
        again = _codings(path)
        assert len(again) == 1 and again.iloc[0]["text"] == WANT
        expect(comp.locator(".stripe")).to_have_count(1)
        browser.close()
