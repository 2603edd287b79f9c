"""The interpretation report (.docx): themes and sub-themes with illustrative quotes, linkages, checked findings,
the driver map, the driver x measure table with the gaps highlighted, and the mapping table.

Themes are the categories built at mapping (sub-themes: their key dimensions) when the project has them, else the
framework's categories (sub-themes: codes). Quotes are chosen to show the spread of voices: the most
representative passages (closest to the sub-theme's centre when an embedder is given), one per group first, then
one per participant.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd
from docx.shared import Cm, RGBColor

from .. import settings
from ..embed import Embedder
from ..evidence import resolve as resolve_evidence
from ..interpret.drivers import DriverAnalysis, analyse_drivers, quantities_text
from ..interpret.findings import UNCHECKED, check_findings
from ..interpret.glossary import GLOSSARY
from ..interpret.links import linkage, participant_groups, resolve_codings
from ..interpret.quotes import pick_quotes
from ..mapping.table import mapping_frames
from ..safeio import save_atomic
from ..store import Project
from ..store import core as db
from ..store import mapping as mdb
from .docx_common import GAP_FILL, add_table, new_document, usable_width
from .driver_map import render_static
from .mapping_table import add_mapping_table

GAP_RGB = RGBColor(0xA9, 0x32, 0x26)


def _quote_paragraph(doc, q: dict) -> None:
    p = doc.add_paragraph(style="Quote") if "Quote" in [s.name for s in doc.styles] else doc.add_paragraph()
    p.add_run(f"“{q['text']}”")
    who = f" — {q['participant']}" + (f" ({q['group']})" if q["group"] and q["group"] != "all" else "")
    p.add_run(who).italic = True


def _voices(pids: Iterable[str], groups: dict[str, str]) -> str:
    pids = sorted(set(pids))
    by = pd.Series([groups.get(p, "") for p in pids]).value_counts() if pids else pd.Series(dtype=int)
    spread = ", ".join(f"{g} {n}" for g, n in by.items() if g and g != "all")
    return f"{len(pids)} participant(s)" + (f" ({spread})" if spread else "")


def _has_map(project: Project, framework_id: str) -> bool:
    with project.read() as s:
        dims = mdb.dimensions_frame(s, framework_id)
        return not mdb.map_categories_frame(s, framework_id).empty and not dims["category_id"].isna().all()


def _themes(project: Project, framework_id: str, df: pd.DataFrame) -> list[tuple[str, list[tuple[str, pd.DataFrame]]]]:
    """[(theme label, [(sub-theme label, its coded passages)])]: mapping categories if any, else framework ones."""
    with project.read() as s:
        fw = db.get_framework(s, framework_id)
        cats = mdb.map_categories_frame(s, framework_id)
        dims = mdb.dimensions_frame(s, framework_id)
        els = mdb.key_elements_frame(s, framework_id)
        everything = db.codings_frame(s) if not cats.empty else None
    out = []
    if not cats.empty and not dims["category_id"].isna().all():
        for c in cats.itertuples():
            subs = []
            for d in dims[dims["category_id"] == c.id].itertuples():
                ids = {int(q) for qs in els.loc[els["dimension_id"] == d.id, "quotes"] for q in qs}
                rows = everything[everything["id"].isin(ids) & ~everything["counter"].astype(bool)]
                subs.append((d.label, rows.assign(participant_id=rows["participant_id"].fillna(rows["transcript"]))))
            out.append((c.label, subs))
        return out
    for cat in fw.categories:
        subs = [(f"{c.id} {c.label}", df[(df["code_id"] == c.id) & ~df["counter"].astype(bool)]) for c in cat.codes]
        out.append((f"{cat.id} {cat.label}", subs))
    return out


def mapped_framework(project: Project, framework_id: str) -> str | None:
    """The framework whose key elements the report shows: ``framework_id`` when it has any, else the framework with
    most key elements (e.g. mapping done under lvi84, report of lvi21); None when nobody mapped yet."""
    with project.read() as s:
        counts = {fid: len(mdb.key_elements_frame(s, fid)) for fid in db.framework_ids(s)}
    if counts.get(framework_id):
        return framework_id
    best = max(counts.items(), key=lambda kv: kv[1], default=(None, 0))
    return best[0] if best[1] else None


def write_report(project: Project, out: str | Path, *, framework_id: str | None = None, catalogue=None,
                 attribute: str | None = "group", coders: Iterable[str] | None = None,
                 embedder: Embedder | None = None, analysis: DriverAnalysis | None = None,
                 png: str | Path | None = None, quotes: int = 2, link_min: int = 2, max_links: int = 15) -> Path:
    """Write the interpretation report; returns its path."""
    a = analysis or analyse_drivers(project, framework_id=framework_id, catalogue=catalogue, attribute=attribute,
                                    coders=coders, link_min=link_min)
    fid = a.framework_id
    with project.read() as s:
        name = settings.read(s, settings.NAME) or project.path.stem
        groups = participant_groups(s, a.attribute, coders)
        df, via = resolve_codings(s, fid, coders=coders)
        ev = resolve_evidence(s, coders, framework=fid)
    mapped = mapped_framework(project, fid)
    doc = new_document()
    doc.add_heading(f"Interpretation: {name}", level=0)
    facts = [("Framework", f"{a.framework_name} ({fid})"),
             ("Crosswalk", f"{via} (the codings were made in another framework and recoded through it)" if via
              else "none (codings made in this framework)"),
             ("Evidence", ev.describe().removeprefix("Evidence: ")),
             ("Key elements", f"made under framework {mapped}" + ("" if mapped == fid else f", not {fid}: the "
                                                                   "mapping table shows them as they were made")
              if mapped else "none yet"),
             ("Participants", f"{a.n_participants}" + (f", grouped by {a.attribute}" if a.attribute else "")),
             ("Measures", f"{a.catalogue_name} ({a.catalogue_id})" if a.catalogue_id else "none"),
             ("Written", date.today().isoformat())]
    for k, v in facts:
        para = doc.add_paragraph()
        para.paragraph_format.space_after = Cm(0.05)
        para.add_run(f"{k}: ").bold = True
        para.add_run(v)

    doc.add_heading("1. Themes and sub-themes", level=1)
    doc.add_paragraph("Themes are the categories built at mapping and their key dimensions." if _has_map(project, fid)
                      else f"No categories were built at mapping under {fid}: themes are the framework's categories "
                           "and sub-themes its codes.")
    cache: dict = {}
    for theme, subs in _themes(project, fid, df):
        doc.add_heading(theme, level=2)
        for label, rows in subs:
            doc.add_heading(label, level=3)
            if rows.empty:
                doc.add_paragraph("Nobody raised this.")
                continue
            doc.add_paragraph(f"Raised by {_voices(rows['participant_id'].astype(str), groups)} in {len(rows)} "
                              "passage(s).")
            for q in pick_quotes(rows, groups, quotes, embedder, cache=cache):
                _quote_paragraph(doc, q)

    doc.add_heading("2. Linkages", level=1)
    for level in ("category", "code"):
        lk = linkage(project, fid, level=level, unit="passage", coders=coders)["all"]
        edges = lk.edges(min_count=link_min).head(max_links)
        doc.add_paragraph(f"{level.capitalize()} pairs coded in the same passage at least {link_min} times "
                          f"({lk.n_units} passages), strongest by Jaccard first.")
        if edges.empty:
            doc.add_paragraph("None.")
            continue
        rows = [[f"{r.a} {r.label_a}", f"{r.b} {r.label_b}", r.together, r.participants, f"{r.jaccard:.2f}",
                 f"{r.lift:.2f}", r.example] for r in edges.itertuples()]
        add_table(doc, ["A", "B", "Together", "People", "Jaccard", "Lift", "Example passage"], rows,
                  widths=[2.4, 2.4, 1.3, 1.1, 1.1, 0.9, 6])
        doc.add_paragraph()

    _findings_section(doc, project, fid, a.attribute, coders, embedder)

    doc.add_heading("4. Driver map", level=1)
    with tempfile.TemporaryDirectory() as tmp:
        pic = Path(png) if png else Path(tmp) / "drivers.png"
        if not png:
            import matplotlib.pyplot as plt

            fig, _ = render_static(a, png=pic, dpi=170)
            plt.close(fig)
        doc.add_picture(str(pic), width=int(usable_width(doc)))
    doc.add_paragraph(
        "Drivers on their rings (inner to outer: " + "; ".join(r["label"] for r in a.rings) + "); size: participants raising the driver; pie: share by " + (a.attribute or "group")
        + "; grey lines: drivers coded in the same passages; arrows: contract measures acting on the driver; "
        + f"dashed red ring: gap (raised by at least {a.gap_min} participants, targeted by no measure).")

    doc.add_heading("5. Drivers and contract measures", level=1)
    gaps = a.gaps()
    if a.catalogue_id:
        doc.add_paragraph(f"Gaps: {len(gaps)} driver(s) raised by at least {a.gap_min} of {a.n_participants} "
                          "participants that no measure targets" + (": " + "; ".join(
                              f"{d.id} {d.label} ({d.n_participants})" for d in gaps) if gaps else "") + ".")
    table = a.driver_table()
    fills = {i: GAP_FILL for i, g in enumerate(table["gap"]) if g}
    add_table(doc, ["Driver", "Ring", "Participants", "By group", "Measures"],
              [[f"{r.driver} {r.label}" + ("  [GAP]" if r.gap else ""), r.ring, r.participants, r.groups,
                r.measures or "-"] for r in table.itertuples()], widths=[4, 1.5, 1.2, 4, 2], fills=fills)
    if a.measures:
        doc.add_paragraph()
        add_table(doc, ["Measure", "Drivers", "Quantities"],
                  [[f"{m.id} {m.title}", ", ".join(m.drivers) or "-",
                    quantities_text(m.quantities, limit=14, sep="\n") or "-"] for m in a.measures],
                  widths=[3.5, 2, 6])

    doc.add_heading("6. Mapping table", level=1)
    table = mapping_frames(project, mapped)[0] if mapped else pd.DataFrame()
    if table.empty:
        doc.add_paragraph("No key elements yet (python -m toolkit map propose ...).")
    else:
        doc.add_paragraph(f"Key elements, key dimensions and categories made under framework {mapped}"
                          + (f" (this report's framework is {fid})" if mapped != fid else "") + ".")
        add_mapping_table(doc, table)
    from .report_memos import add_memos

    add_memos(doc, project, heading="7. Memos")
    doc.add_heading("8. What the figures mean", level=1)
    for key in ("jaccard", "lift", "complete", "threshold", "support", "counter", "gap", "kappa"):
        doc.add_paragraph(GLOSSARY[key], style="List Bullet")
    for section in doc.sections:
        section.bottom_margin = Cm(1.5)
    save_atomic(doc, out)
    return Path(out)


def _findings_section(doc, project: Project, fid: str, attribute: str | None, coders, embedder) -> None:
    """Section 3: per category, the researcher's marks with their quotes; participants not marked yet are listed as
    "not yet checked" with their passages closest to the statement (to read, not a verdict)."""
    doc.add_heading("3. Checking the findings", level=1)
    doc.add_paragraph("Per category, the finding statement and each participant as the researcher marked them "
                      "(supports, counter-evidence, mentions only, silent) with the quotes that carry the mark. "
                      f"Participants nobody has marked yet are \u201c{UNCHECKED}\u201d: beside them, their coded "
                      "passages closest in meaning to the statement, to be read; closeness says nothing about "
                      "support or counter-evidence. Only a researcher's mark says that.")
    for f in check_findings(project, fid, level="category", attribute=attribute, coders=coders, embedder=embedder,
                            per_participant=1):
        head = doc.add_paragraph()
        head.paragraph_format.keep_with_next = True
        head.add_run(f"{f.theme_id} {f.label}. ").bold = True
        head.add_run(f"Statement: {f.statement}").italic = True
        done = sum(p in f.judged for p in f.groups)
        doc.add_paragraph(f"{done} of {len(f.groups)} participants checked by a researcher."
                          + ("" if not f.judged else " " + "; ".join(
                              f"{lab}: {', '.join(f.marked(v))}" for v, lab in
                              (("support", "supports"), ("counter", "counter-evidence"),
                               ("mentions", "mentions only"), ("silent", "silent")) if f.marked(v)) + "."))
        rows = []
        for pid in sorted(f.groups):
            j = f.judged.get(pid)
            if j:
                quotes = "\n".join(f"\u201c{q.text.strip()}\u201d ({q.place})" for q in j.quotes) or "-"
                rows.append([pid, f.groups[pid], f"{j.label} ({j.judged_by}, {j.judged_at:%Y-%m-%d})", quotes])
            else:
                near = f.ranked.get(pid, [])
                rows.append([pid, f.groups[pid], UNCHECKED, "\n".join(
                    f"closest passage ({r.closeness:.2f}): \u201c{r.sentence.strip()}\u201d ({r.place})"
                    for r in near) or "no coded passage under this category"])
        add_table(doc, ["Participant", "Group", "Researcher's judgement", "Quotes"], rows, widths=[1.3, 2, 2.6, 8])
