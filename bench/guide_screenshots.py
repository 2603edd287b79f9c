"""Screenshots for ``docs/guide.md``, taken over the real app on the sample project in headless Chromium, so the
guide stays true when pages change. Builds the sample (``python -m toolkit sample``) in a temporary folder unless
``--project`` names one (it is copied: nothing is changed), serves the app on 127.0.0.1, walks the five steps as a
researcher would (a selection coded with the picker, the participants sheet, a matrix filtered to the GPs...) and
writes small PNGs (viewport 1280x800) into ``docs/guide/``.

    python bench/guide_screenshots.py [--project S.fa] [--out docs/guide]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from browser_kit import CHROMIUM, CHROMIUM_ARGS, IDLE, serve_app  # noqa: E402

VIEW = {"width": 1280, "height": 800}


def settle(page, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    calm = 0
    page.wait_for_timeout(300)
    while calm < 3:
        if time.monotonic() > end:
            raise RuntimeError(f"the app was still running after {timeout} s")
        calm = calm + 1 if page.evaluate(f"() => {IDLE}") else 0
        page.wait_for_timeout(200)


def go(page, link: str) -> None:
    page.get_by_role("link", name=link, exact=True).click()
    settle(page)
    page.locator("h1").first.wait_for()
    page.evaluate("() => document.querySelectorAll('section, [data-testid=\"stMain\"], "
                  "[data-testid=\"stAppScrollToBottomContainer\"]').forEach(e => e.scrollTo(0, 0))")
    page.wait_for_timeout(200)


def shot(page, out: Path, name: str, taken: list[str]) -> None:
    path = out / f"{len(taken) + 1:02d}_{name}.png"
    page.screenshot(path=str(path))
    taken.append(path.name)


def select_words(page, frame_sel: str, turn: int, words: str) -> None:
    """Drag the mouse over ``words`` in turn ``turn`` of the select-to-code component (as a researcher would)."""
    frame_el = page.locator(frame_sel)
    frame_el.scroll_into_view_if_needed()
    frame = next(f for f in page.frames if "select_code" in f.url)
    frame.evaluate("k => document.querySelectorAll('.tx')[k].scrollIntoView({block: 'center'})", turn)
    page.wait_for_timeout(200)
    spot = frame.evaluate("""([k, want]) => {
        const tx = document.querySelectorAll('.tx')[k], n = tx.firstChild, s = n.textContent, i = s.indexOf(want);
        if (i < 0) return null;
        const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
        const a = r.getBoundingClientRect(); r.setStart(n, i + want.length - 1); r.setEnd(n, i + want.length);
        const b = r.getBoundingClientRect(); return {x0: a.left + 1, y0: (a.top + a.bottom) / 2, x1: b.right - 1,
        y1: (b.top + b.bottom) / 2}; }""", [turn, words])
    if spot is None:
        raise RuntimeError(f"{words!r} is not in turn {turn}")
    box = frame_el.bounding_box()
    page.mouse.move(box["x"] + spot["x0"], box["y"] + spot["y0"])
    page.mouse.down()
    page.mouse.move(box["x"] + spot["x1"], box["y"] + spot["y1"], steps=8)
    page.mouse.up()


def walk(url: str, out: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    taken: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEW)
        page.set_default_timeout(120_000)
        page.goto(f"{url}/?coder=reference")
        settle(page)
        page.locator(".st-key-coder_select").wait_for()
        shot(page, out, "project", taken)
        go(page, "Participants")
        shot(page, out, "participants", taken)
        go(page, "Framework") if page.get_by_role("link", name="Framework", exact=True).count() else None
        if page.get_by_role("heading", name="Framework").count():
            shot(page, out, "framework", taken)
        go(page, "1 Familiarize")
        shot(page, out, "familiarize", taken)
        go(page, "2 Index")
        frame_sel = "iframe[title*='select_code']"
        select_words(page, frame_sel, 3, "about two and a half thousand inhabitants")
        page.keyboard.type("geograph")
        page.wait_for_timeout(300)
        shot(page, out, "index_select_to_code", taken)
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        settle(page)
        page.locator(frame_sel).scroll_into_view_if_needed()
        shot(page, out, "index_coded", taken)
        page.locator(".st-key-coder_select").scroll_into_view_if_needed()
        page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0)")
        go(page, "3 Chart")
        page.get_by_role("button", name="Filter participants").click()
        page.locator(".st-key-where_group input").click()
        page.get_by_role("option", name="GP", exact=True).click()
        page.keyboard.press("Escape")
        settle(page)
        page.keyboard.press("Escape")
        settle(page)
        shot(page, out, "chart_filtered", taken)
        page.get_by_role("tab", name="Compare by group").click()
        settle(page)
        shot(page, out, "chart_compare", taken)
        go(page, "4 Map")
        shot(page, out, "map", taken)
        go(page, "5 Interpret")
        shot(page, out, "interpret", taken)
        browser.close()
    return taken


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--project", help="a sample project to copy (default: build one)")
    ap.add_argument("--out", default=str(REPO / "docs" / "guide"))
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="fa-guide-") as tmp:
        proj = Path(tmp) / "sample.fa"
        if a.project:
            shutil.copy2(a.project, proj)
        else:
            subprocess.run([sys.executable, "-m", "toolkit", "sample", str(proj)], cwd=REPO, check=True,
                           capture_output=True)
        with serve_app(proj, Path(tmp) / "streamlit.log") as url:
            taken = walk(url, out)
    print(json.dumps({"out": str(out), "screenshots": taken,
                      "bytes": sum((out / n).stat().st_size for n in taken)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
