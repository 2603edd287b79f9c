"""Speed of the framework editor on the sample project. Prints JSON.

Toolkit part (always): a merge of two codes with 100 codings each (a fresh copy of the sample per round; target:
under 1 s), and the median time of each other edit (add, edit, rename, move, reorder, version, diff, delete).
Browser part (``--browser``): the Framework page in headless Chromium (``/usr/bin/chromium``), click-to-settled
time of Up, Down, Rename, Save code and Move (target: median under 300 ms), measured with the page's own clock as
``bench_app_browser.py`` does; ``--shots DIR`` keeps screenshots of the page.

    python bench/bench_codebook.py [--rounds 5] [--browser] [--port 8631] [--shots DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

TARGETS_MS = {"merge 2 codes x 100 codings": 1000, "Up": 300, "Down": 300, "Rename": 300, "Save code": 300,
              "Move": 300}


def _stats(xs: list[float]) -> dict:
    if not xs:
        return {"n": 0}
    xs = sorted(xs)
    return {"n": len(xs), "median_ms": round(statistics.median(xs), 1), "max_ms": round(xs[-1], 1)}


def _with_two_big_codes(src: Path, dst: Path) -> None:
    """A copy of the sample whose codes ORG01 and ORG02 (lvi84) hold 100 codings each (spread over the turns)."""
    from toolkit.store import core as db
    from toolkit.store import open_project
    from toolkit.store.events import Action

    shutil.copy2(src, dst)
    with open_project(dst) as p, p.transaction(Action.CODINGS_IMPORT, actor="bench") as s:
        pks = db.code_pks(s, "lvi84")
        segs = db.segments_frame(s)
        segs = segs[segs["role"] != "interviewer"].reset_index(drop=True)
        for code in ("ORG01", "ORG02"):
            have = len(db.codings_frame(s, framework_id="lvi84", with_text=False).query("code_id == @code"))
            for k in range(100 - have):
                r = segs.iloc[(k * 7 + (code == "ORG02") * 3) % len(segs)]
                db.add_coding(s, transcript_id=int(r["transcript_id"]), start=int(r["start"]), end=int(r["end"]),
                              code_pk=pks[code], coder=db.coder_id(s, "reference" if k % 2 else "second"),
                              origin="imported")


def toolkit_part(sample: Path, rounds: int, work: Path) -> dict:
    from toolkit import codebook as cb
    from toolkit.store import codebook as cdb
    from toolkit.store import open_project

    base = work / "big.fa"
    _with_two_big_codes(sample, base)
    times: dict[str, list[float]] = {k: [] for k in ("merge 2 codes x 100 codings", "add", "edit", "rename", "move",
                                                     "reorder", "version", "diff", "delete")}
    counts = None
    for i in range(rounds):
        path = work / f"r{i}.fa"
        shutil.copy2(base, path)
        with open_project(path) as p:
            with p.read() as s:
                counts = {k: v for k, v in cdb.coding_counts(s, "lvi84", active=False).items()
                          if k in ("ORG01", "ORG02")}

            def timed(name, fn, *a, **k):
                t0 = time.perf_counter()
                fn(*a, **k)
                times[name].append((time.perf_counter() - t0) * 1000)

            timed("version", cb.save_version, p, "lvi84", "before", actor="bench")
            timed("add", cb.add_code, p, "lvi84", "NEW1", "New code", category="ORG", actor="bench")
            timed("edit", cb.edit_code, p, "lvi84", "NEW1", cb.CodeFields(definition=f"round {i}"), actor="bench")
            timed("rename", cb.rename_code, p, "lvi84", "NEW1", "NEW2", actor="bench")
            timed("move", cb.move_code, p, "lvi84", "NEW2", category="CUL", actor="bench")
            timed("reorder", cb.reorder_code, p, "lvi84", "NEW2", 0, actor="bench")
            timed("delete", cb.delete_code, p, "lvi84", "NEW2", actor="bench")
            timed("merge 2 codes x 100 codings", cb.merge_codes, p, "lvi84", ["ORG01", "ORG02"], "ACCESS",
                  label="Access", actor="bench")
            timed("diff", cb.diff, p, "lvi84", "before")
        path.unlink()
    return {"codings_merged": counts, "rounds": rounds, "actions": {k: _stats(v) for k, v in times.items()}}


CLICK_TO_SETTLED = """async ([sel, cond]) => {
  const idle = () => !document.querySelector('[data-testid="stStatusWidget"]')
                     && !document.querySelector('[data-stale="true"]');
  const btn = sel.startsWith('text=')
    ? [...document.querySelectorAll('button')].find(b => b.textContent.trim() === sel.slice(5))
    : document.querySelector(sel);
  const t0 = performance.now();
  btn.click();
  return await new Promise((resolve, reject) => {
    const check = () => {
      if (eval(cond) && idle()) resolve(performance.now() - t0);
      else if (performance.now() - t0 > 120000) reject(new Error('not settled'));
      else setTimeout(check, 2);
    };
    check();
  });
}"""


#: the place of the shown code among its category's codes, from the page's caption "Place N of M in ..."
PLACE = ("() => Number(([...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
         ".map(e => e.textContent).find(t => t.startsWith('Place ')) || 'Place 0').split(' ')[1])")


def browser_part(sample: Path, port: int, rounds: int, shots: Path | None, work: Path) -> dict:
    from browser_kit import CHROMIUM, CHROMIUM_ARGS, IDLE, serve_app
    from playwright.sync_api import sync_playwright

    project = work / "browser.fa"
    shutil.copy2(sample, project)
    times: dict[str, list[float]] = {k: [] for k in ("Up", "Down", "Rename", "Save code", "Move")}
    log = work / "streamlit.log"

    def calm(page) -> None:
        n = 0
        while n < 5:
            n = n + 1 if page.evaluate(f"() => {IDLE}") else 0
            page.wait_for_timeout(100)

    def timed(page, name: str, selector: str, cond: str) -> None:
        calm(page)
        times[name].append(float(page.evaluate(CLICK_TO_SETTLED, [selector, cond])))

    with serve_app(project, log, port) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1300})
        page.set_default_timeout(120_000)
        page.goto(f"{url}/?coder=bench")
        page.wait_for_function(f"() => !!document.querySelector('h1') && {IDLE}")
        page.get_by_role("link", name="Framework").click()
        page.wait_for_function(f"() => !!document.querySelector('.st-key-fe_up') && {IDLE}")
        calm(page)
        if shots:
            page.screenshot(path=str(shots / "framework_codes.png"), full_page=True)
        up, down = ".st-key-fe_up button", ".st-key-fe_down button"
        code = "ORG01"
        for i in range(rounds):
            place = int(page.evaluate(PLACE))
            last = place == int(page.evaluate(PLACE.replace("[1]", "[3]")))
            for name, sel, to in ((("Up", up, place - 1), ("Down", down, place)) if last else
                                  (("Down", down, place + 1), ("Up", up, place))):
                timed(page, name, sel, f"({PLACE})() === {to}")
            new = f"{code[:5]}{'x' if i % 2 == 0 else ''}"
            box = page.locator(f".st-key-fe_rename_{code} input")
            box.fill(new)
            box.press("Tab")
            calm(page)
            timed(page, "Rename", ".st-key-fe_rename_go button", f"!!document.querySelector('.st-key-fe_rename_{new}')")
            code = new
            area = page.get_by_label("Definition", exact=True).first
            area.fill(f"Definition, round {i}")
            area.press("Tab")
            calm(page)
            marker = f"{code}: definition changed"
            timed(page, "Save code", "text=Save code",
                  f"document.body.textContent.includes({json.dumps(marker)})")
            page.wait_for_timeout(200)
            calm(page)
            box = page.locator(f".st-key-fe_move_{code} input")
            box.click(timeout=10_000)
            if not page.get_by_role("option").count():
                box.press("ArrowDown")
            page.get_by_role("option", name="category [CUL]" if i % 2 == 0 else "category [ORG]").first.click()
            calm(page)
            timed(page, "Move", ".st-key-fe_move_go button", "document.querySelector('.st-key-fe_move_go button')"
                                                             ".disabled")
        if shots:
            page.screenshot(path=str(shots / "framework_after_edits.png"), full_page=True)
        browser.close()
    return {"rounds": rounds, "load_average": [round(x, 2) for x in os.getloadavg()],
            "actions": {k: _stats(v) for k, v in times.items()}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", help="a sample project (copied; default: build one)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--browser", action="store_true")
    ap.add_argument("--port", type=int, default=8631)
    ap.add_argument("--shots")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fa-bench-codebook-"))
    sample = work / "sample.fa"
    if a.project:
        shutil.copy2(a.project, sample)
    else:
        subprocess.run([sys.executable, "-m", "toolkit", "sample", str(sample)], cwd=REPO, check=True,
                       env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from toolkit.store import open_project

    open_project(sample).close()  # upgrade the schema before timing anything
    shots = Path(a.shots) if a.shots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    out = {"toolkit": toolkit_part(sample, a.rounds, work)}
    if a.browser:
        out["browser"] = browser_part(sample, a.port, a.rounds, shots, work)
    acts = {**out["toolkit"]["actions"], **out.get("browser", {}).get("actions", {})}
    out["targets_ms"] = TARGETS_MS
    out["met"] = {k: acts[k]["median_ms"] < v for k, v in TARGETS_MS.items() if acts.get(k, {}).get("n")}
    print(json.dumps(out, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
