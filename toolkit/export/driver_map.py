"""Drawing the driver map: rings, drivers as group-share pies, co-occurrence links, measures with arrows.

``compute_layout`` is pure geometry (tests check it: every driver on its ring, every measure linked);
``render_static`` draws it with matplotlib to SVG (text kept as text) and PNG, moving driver labels until none
overlaps another label, a node or a measure box; ``render_plotly`` gives the same picture as an interactive
plotly figure for the app.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from ..interpret.drivers import DriverAnalysis, quantities_text
from ..textsafe import plot
from .driver_layout import COLUMN_GAP, _place_measures, _untangle, crossings, short_name, wrap_all

__all__ = ["MapLayout", "compute_layout", "crossings", "render_plotly", "render_static", "short_name", "wrap_all"]

R0, STEP = 1.05, 1.35  # radius of the innermost drivers' circle, distance between rings

BOX_HEIGHT = 0.62
RING_FILLS = ["#fbeee4", "#e8f1f8", "#edf4e8", "#f4eefa", "#fbf7e1"]
GROUP_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf"]
MEASURE_COLORS = ["#3b4cc0", "#b40426", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#ad1457",
                  "#283593", "#558b2f", "#4e342e", "#0277bd"]
GAP_COLOR = "#c0392b"
# interactive map: plotly draws annotations in pixels; label boxes are sized for the narrowest plot we expect
# (figure height PLOTLY_HEIGHT, plot at least PLOTLY_MIN_WIDTH px wide), font PLOTLY_FONT px, lines 1.3 x font
PLOTLY_HEIGHT, PLOTLY_MARGIN_TB, PLOTLY_MIN_WIDTH, PLOTLY_FONT = 760, 60, 900, 10
PLOTLY_WRAP, PLOTLY_CHAR = 26, 0.6  # characters per label line; average character width in font sizes


@dataclass
class MapLayout:
    rings: list[dict]  # id, label, radius (drivers' circle), inner, outer
    drivers: dict[str, dict]  # id -> x, y, angle, r (node radius), ring, radius
    measures: dict[str, dict]  # id -> x, y, side (+1 right, -1 left), text, color
    arrows: list[tuple[str, str]]  # (measure, driver)
    links: list[tuple[str, str, float]]  # (driver, driver, jaccard)
    extent: float = 0.0
    labels: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)  # drawn label boxes (data)
    # interactive map: measure id -> x, y, side, text (short), hover (full), box (x0, y0, x1, y1) in data units
    measure_labels: dict[str, dict] = field(default_factory=dict)
    driver_labels: dict[str, dict] = field(default_factory=dict)


def group_colors(groups: list[str]) -> dict[str, str]:
    return {g: GROUP_COLORS[i % len(GROUP_COLORS)] for i, g in enumerate(groups)}


def compute_layout(a: DriverAnalysis, *, max_links: int = 30) -> MapLayout:
    rings = []
    for k, r in enumerate(a.rings):
        radius = R0 + k * STEP
        rings.append({"id": r["id"], "label": r.get("label") or r["id"], "radius": radius,
                      "inner": 0.0 if k == 0 else radius - STEP / 2, "outer": radius + STEP / 2})
    ring_of = {r["id"]: r for r in rings}
    outer = rings[-1]["outer"]
    top = max((d.n_participants for d in a.drivers), default=0) or 1
    drivers: dict[str, dict] = {}
    for k, ring in enumerate(rings):
        mine = [d for d in a.drivers if d.ring == ring["id"]]
        n = len(mine)
        for i, d in enumerate(mine):
            step = 2 * math.pi / n
            angle = math.pi / 2 - step * (i + 0.5) - (0.18 * step if k % 2 else 0.0)
            size = 0.07 + 0.2 * math.sqrt(d.n_participants / top) if d.n_participants else 0.06
            drivers[d.id] = {"x": ring["radius"] * math.cos(angle), "y": ring["radius"] * math.sin(angle),
                             "angle": angle, "r": size, "ring": ring["id"], "radius": ring["radius"]}
    missing = [d.id for d in a.drivers if d.ring not in ring_of]
    if missing:
        raise ValueError(f"drivers on undeclared rings: {', '.join(missing)}")
    # measures: two columns outside the rings, each measure on the side and at the height of its drivers
    natural = {}
    for m in a.measures:
        pts = [drivers[d] for d in m.drivers]
        cx = sum(p["x"] for p in pts) / len(pts) if pts else 0.0
        cy = sum(p["y"] for p in pts) / len(pts) if pts else -outer
        natural[m.id] = (cx, cy)
    right = sorted((m.id for m in a.measures if natural[m.id][0] >= 0), key=lambda i: -natural[i][1])
    left = sorted((m.id for m in a.measures if natural[m.id][0] < 0), key=lambda i: -natural[i][1])
    while abs(len(right) - len(left)) > 1:
        src, dst = (right, left) if len(right) > len(left) else (left, right)
        mv = min(src, key=lambda i: abs(natural[i][0]))
        src.remove(mv)
        dst.append(mv)
        dst.sort(key=lambda i: -natural[i][1])
    colors = {m.id: MEASURE_COLORS[i % len(MEASURE_COLORS)] for i, m in enumerate(a.measures)}
    targets = {m.id: list(m.drivers) for m in a.measures}
    right, left = _untangle(right, left, drivers, targets, outer)
    measures = _place_measures(right, left, outer, colors)
    by_id = {m.id: m for m in a.measures}
    for mid, mm in measures.items():
        mm["text"] = wrap_all(f"{mid}  {by_id[mid].title}", 30)
    arrows = [(m.id, d) for m in a.measures for d in m.drivers]
    links = []
    if not a.links.empty:
        top_links = a.links.sort_values(["jaccard", "together"], ascending=False).head(max_links)
        links = [(r.a, r.b, float(r.jaccard)) for r in top_links.itertuples() if r.a in drivers and r.b in drivers]
    return MapLayout(rings=rings, drivers=drivers, measures=measures, arrows=arrows, links=links,
                     extent=outer + COLUMN_GAP + 3.0)


def _wrap(text: str, width: int, lines: int) -> str:
    out = textwrap.wrap(text, width)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return "\n".join(out)


def _spread(ys: list[float], gap: float, limit: float) -> list[float]:
    """Heights as close as possible to ``ys`` (sorted high to low) but at least ``gap`` apart, within +-limit."""
    if not ys:
        return []
    gap = min(gap, 2 * limit / max(len(ys) - 1, 1))
    out = [min(ys[0], limit)]
    for y in ys[1:]:
        out.append(min(y, out[-1] - gap))
    overflow = -limit - out[-1]
    if overflow > 0:
        out = [y + overflow for y in out]
        for i in range(len(out) - 2, -1, -1):  # push back down from the top limit where needed
            out[i] = max(out[i], out[i + 1] + gap) if out[i] > limit else out[i]
    return out


def _wedges(d, x: float, y: float, r: float, colors: dict[str, str]):
    """(group, theta1, theta2) in degrees for a driver's pie, largest share first, starting at the top."""
    total = sum(d.shares.values())
    out, start = [], 90.0
    for g, n in sorted(d.shares.items(), key=lambda kv: (-kv[1], kv[0])):
        if n:
            sweep = 360.0 * n / total
            out.append((g, start - sweep, start))
            start -= sweep
    return out


def _label_text(d) -> str:
    return wrap_all(short_name(d.label), 20) + f"\n{d.id} \u00b7 n={d.n_participants}"


def render_static(a: DriverAnalysis, *, svg: str | Path | None = None, png: str | Path | None = None,
                  dpi: int = 200, title: str | None = None):
    """Draw the map with matplotlib; write SVG/PNG when paths are given. Returns ``(figure, layout)``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, FancyArrowPatch, Patch, Wedge

    lay = compute_layout(a)
    gcol = group_colors(a.groups)
    gaps = {d.id for d in a.gaps()}
    ext = lay.extent
    outer = lay.rings[-1]["outer"]
    with plt.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots(figsize=(2 * ext * 0.95, (2 * outer + 1.9) * 0.95))
        ax.set_xlim(-ext, ext)
        ax.set_ylim(-outer - 0.35, outer + 0.35)
        ax.set_aspect("equal")
        ax.axis("off")
        for k in range(len(lay.rings) - 1, -1, -1):
            ring = lay.rings[k]
            ax.add_patch(Circle((0, 0), ring["outer"], facecolor=RING_FILLS[k % len(RING_FILLS)],
                                edgecolor="#9aa4ad", linewidth=1.0, zorder=0, gid=f"ring-{ring['id']}"))
        obstacles = []
        for ring in lay.rings:
            t = ax.text(0, ring["outer"] - 0.13, ring["label"], ha="center", va="top", fontsize=10.5,
                        fontstyle="italic", color="#4a5660", zorder=1)
            obstacles.append(t)
        for a_id, b_id, jac in lay.links:
            p, q = lay.drivers[a_id], lay.drivers[b_id]
            ax.add_line(Line2D([p["x"], q["x"]], [p["y"], q["y"]], linewidth=0.6 + 5 * jac, color="#7b8a97",
                               alpha=0.45, zorder=2, solid_capstyle="round", gid=f"link-{a_id}-{b_id}"))
        for d in a.drivers:
            p = lay.drivers[d.id]
            wedges = _wedges(d, p["x"], p["y"], p["r"], gcol)
            if not wedges:
                ax.add_patch(Circle((p["x"], p["y"]), p["r"], facecolor="white", edgecolor="#7f8c8d",
                                    linewidth=0.8, zorder=4, gid=f"driver-{d.id}"))
            for g, t1, t2 in wedges:
                ax.add_patch(Wedge((p["x"], p["y"]), p["r"], t1, t2, facecolor=gcol[g], edgecolor="white",
                                   linewidth=0.5, zorder=4, gid=f"driver-{d.id}-{g}"))
            if d.id in gaps:
                ax.add_patch(Circle((p["x"], p["y"]), p["r"] + 0.05, fill=False, edgecolor=GAP_COLOR,
                                    linewidth=1.6, linestyle=(0, (3, 2)), zorder=5, gid=f"gap-{d.id}"))
        boxes = {}
        for m in a.measures:
            mm = lay.measures[m.id]
            boxes[m.id] = ax.text(mm["x"], mm["y"], mm["text"], ha="left" if mm["side"] > 0 else "right",
                                  va="center", fontsize=8, color="#1b2631", zorder=7, gid=f"measure-{m.id}",
                                  bbox={"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": mm["color"],
                                        "linewidth": 1.2})
        for mid, did in lay.arrows:
            mm, p = lay.measures[mid], lay.drivers[did]
            dx, dy = p["x"] - mm["x"], p["y"] - mm["y"]
            dist = math.hypot(dx, dy) or 1.0
            end = (p["x"] - dx / dist * (p["r"] + 0.03), p["y"] - dy / dist * (p["r"] + 0.03))
            ax.add_patch(FancyArrowPatch((mm["x"] + 0.12 * mm["side"] * -1, mm["y"]), end, arrowstyle="-|>",
                                         mutation_scale=9, linewidth=0.9, color=mm["color"], alpha=0.75,
                                         connectionstyle="arc3,rad=0.08", zorder=3, gid=f"arrow-{mid}-{did}"))
        _place_labels(fig, ax, a, lay, obstacles + list(boxes.values()), gaps)
        handles = [Patch(facecolor=gcol[g], label=g) for g in a.groups]
        handles += [Line2D([], [], color="#7b8a97", linewidth=2.5, alpha=0.6, label="co-occur in passages (width: "
                                                                                     "Jaccard)"),
                    Line2D([], [], color=MEASURE_COLORS[0], marker=">", linewidth=1, label="measure targets driver")]
        if gaps:
            handles.append(Line2D([], [], color=GAP_COLOR, marker="o", markerfacecolor="none", linestyle="none",
                                  markersize=10, label=f"gap: raised by >= {a.gap_min} participants, no measure"))
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=min(4, len(handles)),
                  fontsize=9, frameon=False,
                  title=f"Pie: share of participants by {a.attribute or 'group'}; size: participants raising the "
                        f"driver (of {a.n_participants})", title_fontsize=9.5)
        ax.set_title(title or f"Drivers ({a.framework_id})" + (f" and measures ({a.catalogue_id})"
                                                               if a.catalogue_id else ""), fontsize=13)
        fig.tight_layout()
        from ..safeio import atomic_output

        if svg:
            with atomic_output(svg) as tmp:
                fig.savefig(tmp, format="svg")
        if png:
            with atomic_output(png) as tmp:
                fig.savefig(tmp, format="png", dpi=dpi)
    return fig, lay


def _place_labels(fig, ax, a: DriverAnalysis, lay: MapLayout, obstacles: list, gaps: set[str]) -> None:
    """Put each driver label beside its node, on the side (out, in, below, above, ...) that overlaps least:
    other labels, nodes, ring titles and measure boxes (by area), lines and arrows (by length crossed); a side
    that leaves the label nearer another node than its own is avoided, and the outward side is preferred."""
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    inv = ax.transData.inverted()
    placed = [o.get_window_extent(renderer).expanded(1.02, 1.05) for o in obstacles]
    nodes, centres = {}, {}
    for did, p in lay.drivers.items():
        pad = p["r"] + 0.07  # the gap ring is drawn at r + 0.05
        (x0, y0), (x1, y1) = ax.transData.transform([(p["x"] - pad, p["y"] - pad), (p["x"] + pad, p["y"] + pad)])
        nodes[did] = Bbox([[x0, y0], [x1, y1]])
        centres[did] = ((x0 + x1) / 2, (y0 + y1) / 2)
    segments = [(lay.drivers[x], lay.drivers[y]) for x, y, _ in lay.links]
    segments += [(lay.measures[m], lay.drivers[d]) for m, d in lay.arrows]
    points = []
    for p, q in segments:
        for i in range(1, 40):
            f = i / 40
            points.append(ax.transData.transform((p["x"] + f * (q["x"] - p["x"]), p["y"] + f * (q["y"] - p["y"]))))
    for d in sorted(a.drivers, key=lambda d: -d.n_participants):
        p = lay.drivers[d.id]
        ca, sa = math.cos(p["angle"]), math.sin(p["angle"])
        gap = p["r"] + 0.06
        options = [(ca, sa), (-ca, -sa), (0, -1), (0, 1), (1, 0), (-1, 0), (0.7, -0.7), (-0.7, -0.7),
                   (0.7, 0.7), (-0.7, 0.7)]
        best = None
        for k, (ux, uy) in enumerate(options):
            x, y = p["x"] + ux * gap, p["y"] + uy * gap
            ha = "left" if ux > 0.35 else "right" if ux < -0.35 else "center"
            va = "bottom" if uy > 0.35 else "top" if uy < -0.35 else "center"
            t = ax.text(x, y, _label_text(d), ha=ha, va=va, fontsize=8, linespacing=1.05, zorder=8,
                        color=GAP_COLOR if d.id in gaps else "#17202a", gid=f"label-{d.id}",
                        fontweight="bold" if d.id in gaps else "normal",
                        bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.72})
            bb = t.get_window_extent(renderer).expanded(1.04, 1.08)
            score = sum(_area(bb, o) for o in placed + [b for i, b in nodes.items() if i != d.id])
            score += 40.0 * sum(bb.x0 <= px <= bb.x1 and bb.y0 <= py <= bb.y1 for px, py in points)
            own = _gap(bb, centres[d.id])
            if any(_gap(bb, c) < own + 4 for i, c in centres.items() if i != d.id):
                score += 5000.0  # it would read as another driver's label
            if not (ax.bbox.contains(bb.x0, bb.y0) and ax.bbox.contains(bb.x1, bb.y1)):
                score += 1e6
            score += 30.0 * k
            if best is None or score < best[0]:
                if best is not None:
                    best[1].remove()
                best = (score, t, bb)
            else:
                t.remove()
        placed.append(best[2])
        (x0, y0), (x1, y1) = inv.transform([(best[2].x0, best[2].y0), (best[2].x1, best[2].y1)])
        lay.labels[d.id] = (x0, y0, x1, y1)


def _gap(bb, point) -> float:
    """Distance from a point to a box (0 inside)."""
    px, py = point
    return math.hypot(max(bb.x0 - px, 0, px - bb.x1), max(bb.y0 - py, 0, py - bb.y1))


def _area(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def plotly_measure_labels(a: DriverAnalysis, lay: MapLayout) -> dict[str, dict]:
    """Measure labels of the interactive map, laid out so that no two boxes overlap.

    Labels are short (id and title, at most 2 lines; fewer when a column is crowded; the full title and the
    quantities go to the hover text). In each column they keep the order of their drivers' heights and stay as
    near those heights as the spacing allows: at least one box height plus a margin apart, within the plot's
    height. Boxes are estimated in data units for the smallest plot expected (``PLOTLY_MIN_WIDTH``).
    """
    outer = lay.rings[-1]["outer"]
    limit = outer + 0.45  # label centres stay within +-limit; the y-axis shows +-(outer + 0.6)
    px = min((PLOTLY_HEIGHT - PLOTLY_MARGIN_TB) / (2 * (outer + 0.6)), PLOTLY_MIN_WIDTH / (2 * lay.extent))
    margin = 6 / px  # at least 6 px between boxes
    out: dict[str, dict] = {}
    by_id = {m.id: m for m in a.measures}
    for side in (1, -1):
        column = sorted((i for i, mm in lay.measures.items() if mm["side"] == side),
                        key=lambda i: -lay.measures[i]["y"])
        if not column:
            continue
        for lines in (2, 1):
            height = (lines * 1.3 * PLOTLY_FONT + 6) / px  # text lines, border pad and border
            half = limit - height / 2
            if (len(column) - 1) * (height + margin) <= 2 * half:
                break
        ys = _spread([lay.measures[i]["y"] for i in column], height + margin, half)
        for mid, y in zip(column, ys, strict=True):
            m, x = by_id[mid], lay.measures[mid]["x"]
            text = _wrap(f"{m.id}  {m.title}", PLOTLY_WRAP, lines)
            width = (max(len(t) for t in text.split("\n")) * PLOTLY_CHAR * PLOTLY_FONT + 6) / px
            hover = f"<b>{plot(m.id)}  {plot(m.title)}</b>"
            quantities = quantities_text(m.quantities, limit=12, sep="\n")
            if quantities:
                hover += "<br>" + plot(quantities).replace("\n", "<br>")
            out[mid] = {"x": x, "y": y, "side": side, "text": text, "hover": hover, "lines": lines,
                        "box": (x, y - height / 2, x + width, y + height / 2) if side > 0 else
                               (x - width, y - height / 2, x, y + height / 2)}
    return out


def _overlap(b, c) -> float:
    return max(0.0, min(b[2], c[2]) - max(b[0], c[0])) * max(0.0, min(b[3], c[3]) - max(b[1], c[1]))


def plotly_driver_labels(a: DriverAnalysis, lay: MapLayout) -> dict[str, dict]:
    """Driver labels of the interactive map placed so that none overlaps another label, another driver or a measure
    box: below, above, right or left of the driver (the most raised drivers choose first); where none of those is
    free the label shrinks to the driver's id (the full name is in the hover), and takes the least crowded place.
    Boxes are estimated in data units for the smallest plot expected, as for the measure labels."""
    outer = lay.rings[-1]["outer"]
    px = min((PLOTLY_HEIGHT - PLOTLY_MARGIN_TB) / (2 * (outer + 0.6)), PLOTLY_MIN_WIDTH / (2 * lay.extent))
    gap = 3 / px
    taken = [mm["box"] for mm in getattr(lay, "measure_labels", {}).values()]
    circles = {d.id: (lay.drivers[d.id]["x"] - lay.drivers[d.id]["r"], lay.drivers[d.id]["y"] - lay.drivers[d.id]["r"],
                      lay.drivers[d.id]["x"] + lay.drivers[d.id]["r"], lay.drivers[d.id]["y"] + lay.drivers[d.id]["r"])
               for d in a.drivers}
    out: dict[str, dict] = {}
    for d in sorted(a.drivers, key=lambda d: (-d.n_participants, d.id)):
        p = lay.drivers[d.id]
        others = [b for i, b in circles.items() if i != d.id]
        best = None
        for text in (wrap_all(short_name(d.label), 18), d.id):
            lines = text.split("\n")
            w = (max(len(t) for t in lines) * PLOTLY_CHAR * PLOTLY_FONT + 4) / px
            h = (len(lines) * 1.3 * PLOTLY_FONT + 2) / px
            r = p["r"] + gap
            for cx, cy in ((p["x"], p["y"] - r - h / 2), (p["x"], p["y"] + r + h / 2),
                           (p["x"] + r + w / 2, p["y"]), (p["x"] - r - w / 2, p["y"])):
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                crowd = sum(_overlap(box, b) for b in taken + others)
                if best is None or crowd < best[0] - 1e-12:
                    best = (crowd, text, cx, cy, box)
                if crowd == 0:
                    break
            if best is not None and best[0] == 0:
                break
        if best is None:  # every label tries four places, so one was always scored
            raise RuntimeError(f"no place for the label of driver {d.id!r}")
        _crowd, text, cx, cy, box = best
        taken.append(box)
        out[d.id] = {"x": cx, "y": cy, "text": text, "box": box}
    return out


def render_plotly(a: DriverAnalysis):
    """The map as an interactive plotly figure (hover: participants, groups, measures). Returns ``(fig, layout)``."""
    import plotly.graph_objects as go

    lay = compute_layout(a)
    gcol = group_colors(a.groups)
    gaps = {d.id for d in a.gaps()}
    fig = go.Figure()
    for k in range(len(lay.rings) - 1, -1, -1):
        r = lay.rings[k]
        fig.add_shape(type="circle", x0=-r["outer"], y0=-r["outer"], x1=r["outer"], y1=r["outer"],
                      fillcolor=RING_FILLS[k % len(RING_FILLS)], line={"color": "#9aa4ad"}, layer="below")
        fig.add_annotation(x=0, y=r["outer"] - 0.2, text=f"<i>{plot(r['label'])}</i>", showarrow=False,
                           font={"size": 11, "color": "#4a5660"})
    for a_id, b_id, jac in lay.links:
        p, q = lay.drivers[a_id], lay.drivers[b_id]
        fig.add_trace(go.Scatter(x=[p["x"], q["x"]], y=[p["y"], q["y"]], mode="lines", hoverinfo="skip",
                                 line={"width": 0.6 + 6 * jac, "color": "rgba(123,138,151,0.45)"}, showlegend=False))
    for d in a.drivers:
        p = lay.drivers[d.id]
        for g, t1, t2 in _wedges(d, p["x"], p["y"], p["r"], gcol):
            pts = [(p["x"], p["y"])] + [(p["x"] + p["r"] * math.cos(math.radians(t)),
                                         p["y"] + p["r"] * math.sin(math.radians(t)))
                                        for t in [t1 + (t2 - t1) * i / 24 for i in range(25)]]
            path = "M " + " L ".join(f"{x:.4f},{y:.4f}" for x, y in pts) + " Z"
            fig.add_shape(type="path", path=path, fillcolor=gcol[g], line={"color": "white", "width": 0.5})
    hover = [f"<b>{plot(d.id)} {plot(d.label)}</b><br>raised by {d.n_participants} of {a.n_participants}<br>"
             + "<br>".join(f"{plot(g)}: {n}" for g, n in d.shares.items() if n)
             + f"<br>measures: {plot(', '.join(d.measures)) or 'none'}" + ("<br><b>GAP</b>" if d.id in gaps else "")
             for d in a.drivers]
    fig.add_trace(go.Scatter(
        x=[lay.drivers[d.id]["x"] for d in a.drivers], y=[lay.drivers[d.id]["y"] for d in a.drivers],
        mode="markers", hovertext=hover, hoverinfo="text", showlegend=False,
        marker={"size": [max(8, lay.drivers[d.id]["r"] * 90) for d in a.drivers], "color": "rgba(0,0,0,0)",
                "line": {"width": [2.5 if d.id in gaps else 0 for d in a.drivers], "color": GAP_COLOR}}))
    for g in a.groups:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker={"size": 10, "color": gcol[g]}, name=plot(g)))
    lay.measure_labels = plotly_measure_labels(a, lay)
    lay.driver_labels = plotly_driver_labels(a, lay)
    for lb in lay.driver_labels.values():
        fig.add_annotation(x=lb["x"], y=lb["y"], text=plot(lb["text"]).replace("\n", "<br>"), showarrow=False,
                           xanchor="center", yanchor="middle", font={"size": PLOTLY_FONT, "color": "#1f2a33"})
    for m in a.measures:
        mm = lay.measure_labels[m.id]
        for did in m.drivers:
            p = lay.drivers[did]
            fig.add_annotation(x=p["x"], y=p["y"], ax=mm["x"], ay=mm["y"], xref="x", yref="y", axref="x",
                               ayref="y", showarrow=True, arrowhead=2, arrowwidth=1.1, arrowcolor=lay.measures[m.id]["color"],
                               opacity=0.7, text="", standoff=6)
        fig.add_annotation(x=mm["x"], y=mm["y"], text=plot(mm["text"]).replace("\n", "<br>"), showarrow=False,
                           xanchor="left" if mm["side"] > 0 else "right", yanchor="middle", align="left",
                           bgcolor="white", bordercolor=lay.measures[m.id]["color"], borderwidth=1, borderpad=2,
                           font={"size": PLOTLY_FONT}, hovertext=mm["hover"])
    ext, outer = lay.extent, lay.rings[-1]["outer"]
    fig.update_xaxes(visible=False, range=[-ext, ext])
    fig.update_yaxes(visible=False, range=[-outer - 0.6, outer + 0.6], scaleanchor="x", scaleratio=1)
    fig.update_layout(title=plot(f"Drivers ({a.framework_id})" + (f" and measures ({a.catalogue_id})"
                                                                  if a.catalogue_id else "")),
                      plot_bgcolor="white", height=PLOTLY_HEIGHT, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      legend={"title": {"text": plot(a.attribute or "group")}})
    return fig, lay
