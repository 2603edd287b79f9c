"""Mapping and interpretation commands: map ..., linkage, drivers, measures-edit (findings: ``cli/findings.py``)."""

from __future__ import annotations

import argparse
import json

from .. import mapping as mp
from ..errors import InputError
from ..interpret import drivers as drv
from ..interpret import links as lnk
from ..safeio import write_csv
from ._common import embedder, open_, print_table, who
from .participants import add_where, evidence_for


def _framework(project, given: str | None) -> str:
    """The given framework, else the one holding the most codings."""
    if given:
        return given
    from ..store import core as db

    with project.read() as s:
        counts = db.codings_frame(s, with_text=False)["framework_id"].value_counts()
        fids = db.framework_ids(s)
    if not counts.empty:
        return str(counts.index[0])
    if len(fids) == 1:
        return fids[0]
    raise InputError(project.label, "no codings yet; name the framework with --framework")


def register(sub: argparse._SubParsersAction) -> None:
    mparser = sub.add_parser("map", help="mapping: key elements, key dimensions, categories, Table-2 export")
    ms = mparser.add_subparsers(dest="map_command", required=True, metavar="ACTION")

    def base(name, help_text):
        p = ms.add_parser(name, help=help_text)
        p.add_argument("project")
        p.add_argument("--framework", required=True, help="framework whose summaries are mapped (e.g. lvi21)")
        p.add_argument("--actor", default=who(), help="who makes the change, recorded with it (default: your login name)")
        return p

    p = base("propose", "propose key elements from summaries, group them into dimensions, dimensions into categories")
    p.add_argument("--what", choices=["elements", "dimensions", "categories", "all"], default="all")
    p.add_argument("--per-summary", type=int, default=3, help="key elements per summary (default 3)")
    p.add_argument("--threshold", type=float, default=mp.DEFAULT_THRESHOLD,
                   help=f"cosine distance at which dimensions are cut (default {mp.DEFAULT_THRESHOLD}; smaller: "
                        "more, tighter dimensions)")
    p.add_argument("--linkage", choices=mp.LINKAGES, default=mp.DEFAULT_LINKAGE)
    p.add_argument("--method", choices=list(mp.CATEGORY_METHODS), default="auto",
                   help="auto: the number of categories chosen from the data, starting from the framework's (default); framework: the framework's categories; cluster: cut at --threshold")
    p.add_argument("--model", help="local sentence-transformers model directory (default: the packaged MiniLM)")
    p.set_defaults(handler=cmd_map_propose)

    p = base("list", "list key elements, dimensions and categories")
    p.add_argument("--what", choices=["elements", "dimensions", "categories"], default="dimensions")
    p.set_defaults(handler=cmd_map_list)

    p = base("accept", "accept proposed elements and dimensions")
    p.add_argument("--element", type=int, nargs="+", default=[])
    p.add_argument("--dimension", type=int, nargs="+", default=[])
    p.set_defaults(handler=lambda a: mp.accept(open_(a.project), a.framework, elements=a.element,
                                               dimensions=a.dimension, actor=a.actor) or print("accepted"))

    p = base("rename", "rename an element, dimension or category")
    p.add_argument("kind", choices=mp.KINDS)
    p.add_argument("id", type=int)
    p.add_argument("label")
    p.set_defaults(handler=lambda a: mp.rename(open_(a.project), a.framework, a.kind, a.id, a.label, actor=a.actor)
                   or print(f"renamed {a.kind} {a.id}"))

    p = base("move", "move elements into a dimension, or dimensions into a category")
    p.add_argument("--element", type=int, nargs="+", default=[])
    p.add_argument("--dimension", type=int, nargs="+", default=[])
    p.add_argument("--to", type=int, help="id of the target dimension (for elements) or category (for dimensions)")
    p.add_argument("--new", help="create the target with this label")
    p.add_argument("--none", action="store_true", help="take them out of their dimension/category")
    p.set_defaults(handler=cmd_map_move)

    p = base("merge", "merge dimensions (or elements of one summary) into the first given")
    p.add_argument("kind", choices=["elements", "dimensions"])
    p.add_argument("ids", type=int, nargs="+")
    p.add_argument("--label")
    p.set_defaults(handler=cmd_map_merge)

    p = base("add", "add a key element (of a summary) or a category of your own")
    p.add_argument("kind", choices=["element", "category"])
    p.add_argument("label")
    p.add_argument("--summary", type=int, help="summary the element comes from (its quotes are linked)")
    p.add_argument("--dimension", type=int)
    p.set_defaults(handler=cmd_map_add)

    p = base("remove", "delete elements, dimensions or categories")
    p.add_argument("kind", choices=mp.KINDS)
    p.add_argument("ids", type=int, nargs="+")
    p.set_defaults(handler=lambda a: mp.remove(open_(a.project), a.framework, a.kind, a.ids, actor=a.actor)
                   or print(f"removed {len(a.ids)} {a.kind}(s)"))

    p = base("undo", "undo the framework's last mapping edit (again: the edit before)")
    p.set_defaults(handler=lambda a: print(f"undid: {mp.undo(open_(a.project), a.framework, actor=a.actor).what}"))

    p = base("export", "write the mapping table (Summary | Key elements | Key dimensions | Categorization)")
    p.add_argument("--docx")
    p.add_argument("--csv")
    p.add_argument("--long-csv", help="one row per key element, with its quotes")
    p.add_argument("--accepted-only", action="store_true")
    p.set_defaults(handler=cmd_map_export)

    p = sub.add_parser("linkage", help="co-occurrence of codes or categories (Jaccard, lift), with linked quotes")
    p.add_argument("project")
    p.add_argument("--framework", help="default: the framework holding the most codings")
    p.add_argument("--level", choices=lnk.LEVELS, default="code")
    p.add_argument("--unit", choices=lnk.UNITS, default="passage")
    p.add_argument("--by", help="also per group of this participant attribute (e.g. group)")
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--sort", choices=["jaccard", "lift", "together"], default="jaccard")
    p.add_argument("--coder", action="append", dest="coders")
    add_where(p)
    p.add_argument("--csv", help="write the edge table")
    p.add_argument("--matrix-csv", help="write the Jaccard matrix (all participants)")
    p.add_argument("--graphml", help="write the network (all participants)")
    p.add_argument("--quotes", nargs=2, metavar=("A", "B"), help="print the passages linking A and B")
    p.set_defaults(handler=cmd_linkage)

    p = sub.add_parser("drivers", help="driver map (SVG/PNG/HTML), measures per driver, gap list, interpretation report")
    p.add_argument("project")
    p.add_argument("--framework", help="condensed framework with rings (default: the catalogue's)")
    p.add_argument("--measures", help="measures catalogue: a YAML file (e.g. frameworks/hmn_measures_2025.yaml) or "
                                      "the id of a catalogue in the project")
    p.add_argument("--level", choices=["code", "category"], default="code")
    p.add_argument("--attribute", default="group", help="colour drivers by this attribute's shares")
    p.add_argument("--coder", action="append", dest="coders")
    add_where(p)
    p.add_argument("--gap-min", type=int, help="participants a driver needs for the gap list (default: a third, >= 2)")
    p.add_argument("--link-min", type=int, default=2, help="passages two drivers must share to be linked")
    p.add_argument("--svg")
    p.add_argument("--png")
    p.add_argument("--html", help="interactive plotly figure")
    p.add_argument("--docx", help="the interpretation report")
    p.add_argument("--csv", help="the driver table")
    p.add_argument("--embed-quotes", action="store_true",
                   help="report: choose typical quotes with the embedding model (slower) instead of TF-IDF")
    p.add_argument("--model")
    p.set_defaults(handler=cmd_drivers)

    p = sub.add_parser("measures-edit", help="add your own measures to a project catalogue, link and unlink drivers")
    p.add_argument("project")
    p.add_argument("--catalogue", required=True)
    es = p.add_subparsers(dest="edit_command", required=True, metavar="ACTION")
    q = es.add_parser("add", help="add a measure")
    q.add_argument("measure")
    q.add_argument("title")
    q.add_argument("--description", default="")
    q.add_argument("--target", action="append", default=[], help="driver code it targets (repeatable)")
    q.add_argument("--quantity", action="append", default=[], help='JSON record, e.g. \'{"item": "fee", "amount": 250}\'')
    q = es.add_parser("link", help="link a measure to a driver code")
    q.add_argument("measure")
    q.add_argument("driver")
    q.add_argument("--rationale", default="")
    q = es.add_parser("unlink", help="remove a measure's link to a driver code")
    q.add_argument("measure")
    q.add_argument("driver")
    p.set_defaults(handler=cmd_measures_edit)


# --- handlers -----------------------------------------------------------------------------------------------------


def cmd_map_propose(a) -> int:
    project = open_(a.project)
    emb = (embedder(project, getattr(a, "model", None))
           if a.what in ("elements", "dimensions", "all") or a.method != "framework" else None)
    if a.what in ("elements", "all"):
        r = mp.propose_elements(project, a.framework, embedder=emb, per_summary=a.per_summary,
                                 actor=a.actor)
        print(f"proposed {len(r.created)} key elements ({r.skipped} summaries skipped)")
    if a.what in ("dimensions", "all"):
        r = mp.propose_dimensions(project, a.framework, emb, threshold=a.threshold, linkage=a.linkage,
                                  actor=a.actor)
        print(f"grouped elements into {len(r.created)} proposed dimensions (threshold {a.threshold})")
    if a.what in ("categories", "all"):
        r = mp.propose_categories(project, a.framework, method=a.method, embedder=emb, threshold=a.threshold,
                                  actor=a.actor)
        print(f"placed dimensions in {len(r.created)} categories")
    return 0


def cmd_map_list(a) -> int:
    st = mp.state(open_(a.project), a.framework)
    df = st[a.what]
    cols = {"elements": ["id", "label", "status", "dimension_id", "participant_id", "code_id", "quotes"],
            "dimensions": ["id", "label", "status", "category_id", "elements"],
            "categories": ["id", "label", "dimensions"]}[a.what]
    print_table(df[cols].astype(object).where(df[cols].notna(), "").to_dict("records"), cols)
    return 0


def cmd_map_move(a) -> int:
    project = open_(a.project)
    if bool(a.element) == bool(a.dimension):
        raise InputError(None, "give --element ids or --dimension ids (not both)")
    if sum(x is not None and x is not False for x in (a.to, a.new, a.none or None)) != 1:
        raise InputError(None, "give exactly one of --to ID, --new LABEL, --none")
    if a.element:
        did = mp.move_element(project, a.framework, a.element, dimension_id=a.to, new_dimension=a.new,
                               actor=a.actor)
        print(f"moved {len(a.element)} element(s) to dimension {did}")
    else:
        cid = mp.move_dimension(project, a.framework, a.dimension, category_id=a.to, new_category=a.new,
                                 actor=a.actor)
        print(f"moved {len(a.dimension)} dimension(s) to category {cid}")
    return 0


def cmd_map_merge(a) -> int:
    fn = mp.merge_elements if a.kind == "elements" else mp.merge_dimensions
    keep = fn(open_(a.project), a.framework, a.ids, label=a.label, actor=a.actor)
    print(f"merged into {a.kind[:-1]} {keep}")
    return 0


def cmd_map_add(a) -> int:
    project = open_(a.project)
    if a.kind == "element":
        new = mp.add_element(project, a.framework, a.label, summary_id=a.summary, dimension_id=a.dimension,
                             actor=a.actor)
    else:
        new = mp.add_category(project, a.framework, a.label, actor=a.actor)
    print(f"added {a.kind} {new}")
    return 0


def cmd_map_export(a) -> int:
    if not (a.docx or a.csv or a.long_csv):
        raise InputError(None, "give --docx, --csv and/or --long-csv")
    from ..export.mapping_table import export_mapping

    table = export_mapping(open_(a.project), a.framework, docx=a.docx, csv=a.csv, long_csv=a.long_csv,
                           accepted_only=a.accepted_only)
    print(f"wrote the mapping table ({len(table)} rows)")
    return 0


def cmd_linkage(a) -> int:
    project = open_(a.project)
    a.coders = evidence_for(project, a)
    fid = _framework(project, a.framework)
    res = lnk.linkage(project, fid, level=a.level, unit=a.unit, attribute=a.by, coders=a.coders)
    table = lnk.linkage_table(res, a.min_count, a.sort)
    if a.quotes:
        for e in res["all"].quotes(*a.quotes):
            print(f"[{e['participant']} {e['unit']}] " + (e["passage"] or " / ".join(
                q["text"] for q in e["a"] + e["b"])))
        return 0
    cols = ["group", "a", "b", "together", "participants", "jaccard", "lift"]
    print(f"{fid}: {a.level}s linked in the same {a.unit} (at least {a.min_count} times)")
    print_table(table[cols].to_dict("records"), cols)
    if a.csv:
        write_csv(table, a.csv)
    if a.matrix_csv:
        write_csv(res["all"].jaccard.round(4), a.matrix_csv, index=True)
    if a.graphml:
        lnk.write_graphml(res["all"].graph(a.min_count), a.graphml)
    return 0


def cmd_drivers(a) -> int:
    project = open_(a.project)
    a.coders = evidence_for(project, a)
    an = drv.analyse_drivers(project, framework_id=a.framework, catalogue=a.measures, level=a.level,
                             attribute=a.attribute, coders=a.coders, link_min=a.link_min, gap_min=a.gap_min)
    via = f" (codings through crosswalk {an.via})" if an.via else ""
    print(f"{len(an.drivers)} drivers of {an.framework_id}{via}, {an.n_participants} participants, "
          f"{len(an.measures)} measures" + (f" from {an.catalogue_id}" if an.catalogue_id else ""))
    table = an.driver_table()
    print_table(table[["driver", "ring", "participants", "measures", "gap"]].to_dict("records"))
    for m in an.measures:
        qs = drv.quantities_text(m.quantities, limit=3)
        print(f"{m.id} -> {', '.join(m.drivers) or '(no driver on the map)'}" + (f"   [{qs}]" if qs else ""))
    gaps = an.gaps()
    print(f"gaps (raised by >= {an.gap_min} participants, no measure): "
          + (", ".join(f"{d.id} ({d.n_participants})" for d in gaps) or "none"))
    if a.csv:
        write_csv(table, a.csv)
    if a.svg or a.png:
        import matplotlib.pyplot as plt

        from ..export.driver_map import render_static

        fig, _ = render_static(an, svg=a.svg, png=a.png)
        plt.close(fig)
    if a.html:
        from ..export.driver_map import render_plotly

        fig, _ = render_plotly(an)
        fig.write_html(a.html, include_plotlyjs=True)
    if a.docx:
        from ..export.report import write_report

        write_report(project, a.docx, analysis=an, coders=a.coders, link_min=a.link_min,
                     embedder=embedder(project, getattr(a, "model", None)) if a.embed_quotes else None, png=a.png)
    for label, path in (("SVG", a.svg), ("PNG", a.png), ("HTML", a.html), ("report", a.docx)):
        if path:
            print(f"wrote {label}: {path}")
    return 0


def cmd_measures_edit(a) -> int:
    project = open_(a.project)
    if a.edit_command == "add":
        quantities = []
        for i, q in enumerate(a.quantity, start=1):
            try:
                quantities.append(json.loads(q))
            except json.JSONDecodeError as e:
                raise InputError("--quantity", f"not JSON: {e.msg}", f"value {i}") from None
        drv.add_measure(project, a.catalogue, a.measure, a.title, description=a.description, quantities=quantities,
                        targets=a.target)
        print(f"added measure {a.measure} to {a.catalogue}")
    elif a.edit_command == "link":
        drv.link_measure(project, a.catalogue, a.measure, a.driver, a.rationale)
        print(f"linked {a.measure} -> {a.driver}")
    else:
        drv.unlink_measure(project, a.catalogue, a.measure, a.driver)
        print(f"unlinked {a.measure} -> {a.driver}")
    return 0
