#!/usr/bin/env python3
"""Type-check ``toolkit/`` with mypy against a baseline that may only shrink.

    python .ci/typecheck.py            # fails when an error appears that the baseline does not hold
    python .ci/typecheck.py --update   # after fixing errors: write the smaller baseline (never to add new ones)

The baseline (``.ci/mypy-baseline.txt``) counts errors per file and message, without line numbers, so moving code
does not count as a new error. ``make lint`` and ``.ci/run`` run this with ruff.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
LINE = re.compile(r"^(?P<file>[^:]+):\d+(?::\d+)?: error: (?P<msg>.*)$")


def current() -> collections.Counter:
    out = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context",
                          "--no-pretty", "toolkit"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"mypy failed to run:\n{out.stderr or out.stdout}")
    found = collections.Counter()
    for line in out.stdout.splitlines():
        m = LINE.match(line)
        if m:
            found[f"{m['file']}: {m['msg']}"] += 1
    return found


def read_baseline() -> collections.Counter:
    base = collections.Counter()
    if BASELINE.is_file():
        for line in BASELINE.read_text(encoding="utf-8").splitlines():
            if line.strip():
                n, _, key = line.partition(" ")
                base[key] = int(n)
    return base


def main(argv: list[str]) -> int:
    now, base = current(), read_baseline()
    new = now - base
    if "--update" in argv:
        if new and "--accept-new" not in argv:
            print("new errors (fix them; the baseline only shrinks):")
            print("\n".join(f"  {k} (x{n})" for k, n in sorted(new.items())))
            return 1
        BASELINE.write_text("".join(f"{n} {k}\n" for k, n in sorted(now.items())), encoding="utf-8")
        print(f"baseline: {sum(now.values())} errors in {len({k.split(':')[0] for k in now})} files")
        return 0
    if new:
        print(f"mypy: {sum(new.values())} error(s) not in the baseline (.ci/mypy-baseline.txt):")
        print("\n".join(f"  {k} (x{n})" for k, n in sorted(new.items())))
        return 1
    fixed = sum((base - now).values())
    print(f"mypy: {sum(now.values())} known errors, none new" + (f"; {fixed} fixed: run with --update" if fixed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
