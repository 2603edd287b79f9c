"""``participants list|set|add-attribute|import|export``, ``compare`` (codes x an attribute's values) and ``report``;
and the ``--where ATTR=VALUE`` filter the chart, coverage, linkage, findings, drivers and report commands share."""

from __future__ import annotations

import argparse

from .. import charting as ch
from .. import evidence as ev
from .. import participants as pt
from ..errors import InputError
from ..safeio import write_csv
from ._common import open_, print_table

WHERE_HELP = ("only participants with this attribute value (repeatable: different attributes must all hold, the same "
              "attribute twice means either value), e.g. --where group=GP --where setting=rural")


def add_where(p) -> None:
    p.add_argument("--where", action="append", default=[], metavar="ATTR=VALUE", help=WHERE_HELP)


def evidence_for(project, a):
    """``a.coders`` as the evidence restricted by ``a.where`` (unchanged without ``--where``); the filter's line is
    printed, so a run says whom it covers."""
    flt = pt.ParticipantFilter.parse(getattr(a, "where", None))
    if not flt:
        return a.coders
    return ev.resolve(project, a.coders, where=flt)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("participants", help="participants and their attributes: list, set, add an attribute, "
                                            "import, export")
    s = p.add_subparsers(dest="participants_command", required=True, metavar="ACTION")
    q = s.add_parser("list", help="every participant with its attributes")
    q.add_argument("project")
    q.add_argument("--csv", help="also write them here (.csv or .xlsx)")
    add_where(q)
    q.set_defaults(handler=cmd_list)
    q = s.add_parser("set", help="set attributes of one participant: participants set P.fa P01 group=GP setting=rural "
                                 "(an empty value removes one)")
    q.add_argument("project")
    q.add_argument("participant")
    q.add_argument("values", nargs="+", metavar="ATTR=VALUE")
    q.add_argument("--actor")
    q.set_defaults(handler=cmd_set)
    q = s.add_parser("add-attribute", help="add an attribute with a type (or set an existing one's type)")
    q.add_argument("project")
    q.add_argument("name")
    q.add_argument("--type", choices=pt.ATTRIBUTE_TYPES, default="category")
    q.add_argument("--actor")
    q.set_defaults(handler=cmd_add_attribute)
    q = s.add_parser("import", help="attributes from CSV/XLSX, each value checked against its attribute's type")
    q.add_argument("project")
    q.add_argument("file")
    q.add_argument("--actor")
    q.set_defaults(handler=cmd_import)
    q = s.add_parser("export", help="the participants sheet as .csv or .xlsx")
    q.add_argument("project")
    q.add_argument("out")
    q.set_defaults(handler=cmd_export)

    p = sub.add_parser("compare", help="codes x the values of one attribute (passages, participants or share), "
                                       "with the passages of one cell on request")
    p.add_argument("project")
    p.add_argument("--framework", required=True)
    p.add_argument("--by", required=True, help="a participant attribute, e.g. group")
    p.add_argument("--count", choices=["passages", "participants", "share"], default="passages")
    p.add_argument("--level", default="code", help="code, category or depth:N")
    p.add_argument("--coder", action="append", dest="coders")
    add_where(p)
    p.add_argument("--csv", help="write the table here")
    p.add_argument("--passages", nargs=2, metavar=("CODE", "VALUE"), help="print the passages behind one cell")
    p.set_defaults(handler=cmd_compare)

    p = sub.add_parser("report", help="the interpretation report (.docx): themes, quotes, linkages, findings, the "
                                      "driver map")
    p.add_argument("project")
    p.add_argument("out", help="the .docx to write")
    p.add_argument("--framework", help="condensed framework with rings (default: the catalogue's)")
    p.add_argument("--measures", help="measures catalogue (YAML file or the id of a catalogue in the project)")
    p.add_argument("--attribute", default="group")
    p.add_argument("--coder", action="append", dest="coders")
    add_where(p)
    p.set_defaults(handler=cmd_report)


def _pairs(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        k, sep, v = item.partition("=")
        if not sep or not k.strip():
            raise InputError(None, f"{item!r}: write ATTRIBUTE=VALUE (an empty value removes the attribute)")
        out[k.strip()] = v
    return out


def cmd_list(a) -> int:
    project = open_(a.project)
    df = pt.participants_table(project)
    flt = pt.ParticipantFilter.parse(a.where)
    if flt:
        df = df[[flt.matches(r) for r in df.to_dict("records")]]
        print(flt.describe())
    types = pt.attribute_types(project)
    print("attributes: " + (", ".join(f"{k} ({v})" for k, v in types.items()) or "none"))
    print_table(df.to_dict("records"))
    if a.csv:
        if flt:
            raise InputError(a.csv, "--csv writes the whole sheet: leave out --where")
        print(f"wrote {pt.export_participants(project, a.csv)}")
    return 0


def cmd_set(a) -> int:
    stored = pt.set_attributes(open_(a.project), a.participant, _pairs(a.values), actor=a.actor)
    print(f"{a.participant}: " + ", ".join(f"{k}={v or '(removed)'}" for k, v in stored.items()))
    return 0


def cmd_add_attribute(a) -> int:
    name = pt.add_attribute(open_(a.project), a.name, a.type, actor=a.actor)
    print(f"attribute {name} ({a.type})")
    return 0


def cmd_import(a) -> int:
    rep = pt.import_participants(open_(a.project), a.file, actor=a.actor)
    print(f"updated {len(rep.participants)} participants")
    for w in rep.warnings:
        print(f"warning: {w}")
    return 0


def cmd_export(a) -> int:
    print(f"wrote {pt.export_participants(open_(a.project), a.out)}")
    return 0


def cmd_compare(a) -> int:
    project = open_(a.project)
    cmp = ch.compare(project, a.framework, a.by, where=pt.ParticipantFilter.parse(a.where), coders=a.coders,
                     level=a.level)
    print(cmp.evidence)
    if a.passages:
        code, value = a.passages
        for q in cmp.passages(code, value):
            print(f"[{q.transcript} {q.start}-{q.end} {q.coder}] {q.text}")
        return 0
    table = cmp.labelled(a.count)
    print(f"{cmp.framework_id}: {a.count} per code x {a.by} ("
          + ", ".join(f"{v}: {n} participant(s)" for v, n in cmp.sizes.items()) + ")")
    print_table(table.reset_index().to_dict("records"))
    if a.csv:
        write_csv(table.reset_index(), a.csv)
        print(f"wrote {a.csv}")
    return 0


def cmd_report(a) -> int:
    from ..export.report import write_report

    project = open_(a.project)
    coders = evidence_for(project, a)
    path = write_report(project, a.out, framework_id=a.framework, catalogue=a.measures, attribute=a.attribute,
                        coders=coders)
    print(ev.resolve(project, coders).describe())
    print(f"wrote report: {path}")
    return 0
