"""Driver map layout helpers: measure columns reordered to cut arrow crossings, short driver names, wrapping."""

from __future__ import annotations

import textwrap

COLUMN_GAP = 0.85  # from the outer ring to the measure columns


def _place_measures(right: list[str], left: list[str], outer: float, colors: dict[str, str]) -> dict[str, dict]:
    """Measure boxes in two columns outside the rings, in the given top-to-bottom orders, evenly spread."""
    out: dict[str, dict] = {}
    for side, column in ((1, right), (-1, left)):
        n = len(column)
        ys = [0.0] if n == 1 else [(outer + 0.3) * (1 - 2 * i / (n - 1)) for i in range(n)]
        for mid, y in zip(column, ys, strict=True):
            out[mid] = {"x": side * (outer + COLUMN_GAP), "y": y, "side": side, "color": colors[mid]}
    return out


def _cross(p1, p2, q1, q2) -> bool:
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    if p2 == q2:  # two arrows into the same driver meet there: not a crossing
        return False
    return (orient(p1, p2, q1) * orient(p1, p2, q2) < 0) and (orient(q1, q2, p1) * orient(q1, q2, p2) < 0)


def crossings(measures: dict[str, dict], drivers: dict[str, dict], targets: dict[str, list[str]]) -> int:
    """How many pairs of measure-to-driver arrows cross (straight lines)."""
    segs = [((measures[m]["x"], measures[m]["y"]), (drivers[d]["x"], drivers[d]["y"]))
            for m, ds in targets.items() if m in measures for d in ds if d in drivers]
    return sum(_cross(*segs[i], *segs[j]) for i in range(len(segs)) for j in range(i + 1, len(segs)))


def _untangle(right: list[str], left: list[str], drivers, targets, outer: float, passes: int = 4):
    """Reorder the measure columns (swap neighbours, move a measure to the other side) while that lowers the
    number of crossing arrows; columns stay within 3 boxes of each other in length."""
    colors = {m: "" for m in right + left}

    def cost(r, lft):
        return crossings(_place_measures(r, lft, outer, colors), drivers, targets)

    best = cost(right, left)
    for _ in range(passes):
        improved = False
        for col in ("right", "left"):
            for i in range(len(right if col == "right" else left) - 1):
                r, lft = list(right), list(left)
                c = r if col == "right" else lft
                c[i], c[i + 1] = c[i + 1], c[i]
                k = cost(r, lft)
                if k < best:
                    best, right, left, improved = k, r, lft, True
        for mid in list(right + left):
            src, dst = (right, left) if mid in right else (left, right)
            if len(dst) + 1 - (len(src) - 1) > 3:
                continue
            for pos in range(len(dst) + 1):
                s2 = [x for x in src if x != mid]
                d2 = dst[:pos] + [mid] + dst[pos:]
                r, lft = (s2, d2) if src is right else (d2, s2)
                k = cost(r, lft)
                if k < best:
                    best, right, left, improved = k, r, lft, True
                    break
        if not improved:
            break
    return right, left


def wrap_all(text: str, width: int) -> str:
    """``text`` wrapped at ``width`` characters, nothing cut."""
    return "\n".join(textwrap.wrap(text, width))


def short_name(label: str, words: int = 4) -> str:
    """A driver's short name for its node: the whole label when short (at most 6 words, 40 characters); else its
    part before the first comma, colon or parenthesis, or before " and ", when that has two or more words; else its
    first ``words`` words (without a dangling "of", "in", "the"...) and an ellipsis."""
    import re

    label = " ".join(label.split())
    if len(label.split()) <= 6 and len(label) <= 40:
        return label
    for pattern in (r"[,;:(]", r" and "):
        head = re.split(pattern, label, maxsplit=1)[0].strip()
        if len(head.split()) >= 2 and head != label:
            return head
    parts = label.split()[:words]
    while len(parts) > 1 and parts[-1].lower() in {"of", "in", "the", "a", "an", "and", "or", "to", "for", "with"}:
        parts.pop()
    return " ".join(parts) + "\u2026"
