"""REFI-QDA exchange: ``qdpx import|export`` (whole projects) and ``codebook import|export`` (.qdc codebooks)."""

from __future__ import annotations

import argparse

from ..errors import InputError
from ._common import framework_arg, keep_framework, open_


def register(sub: argparse._SubParsersAction) -> None:
    q = sub.add_parser("qdpx", help="import or export a REFI-QDA project (.qdpx: NVivo, ATLAS.ti, MAXQDA, QualCoder)")
    qs = q.add_subparsers(dest="qdpx_command", required=True, metavar="ACTION")
    p = qs.add_parser("import", help="import a .qdpx into a project (a new file is created if it does not exist)")
    p.add_argument("file", help="the .qdpx file")
    p.add_argument("project", help="project file (e.g. study.fa)")
    p.set_defaults(handler=cmd_qdpx_import)
    p = qs.add_parser("export", help="write a project as a .qdpx")
    p.add_argument("project")
    p.add_argument("out", help="the .qdpx to write")
    p.add_argument("--framework", action="append", dest="frameworks",
                   help="export only this framework's codes and codings (repeatable; default: all)")
    p.add_argument("--schema", help="validate project.qde against this XSD (e.g. Project-mrt2019.xsd) before writing")
    p.set_defaults(handler=cmd_qdpx_export)

    c = sub.add_parser("codebook", help="import or export a REFI-QDA codebook (.qdc)")
    cs = c.add_subparsers(dest="codebook_command", required=True, metavar="ACTION")
    p = cs.add_parser("import", help="read a .qdc into a project (or write it as framework YAML)")
    p.add_argument("file")
    p.add_argument("--project")
    p.add_argument("--id", help="framework id for a codebook from another tool (default: the file name)")
    p.add_argument("--name", help="framework name for a codebook from another tool")
    p.add_argument("--yaml", help="also write the framework as YAML here")
    p.set_defaults(handler=cmd_codebook_import)
    p = cs.add_parser("export", help="write a framework as a .qdc")
    p.add_argument("file", help="the .qdc to write")
    p.add_argument("--framework", required=True)
    p.add_argument("--project", help="take the framework from this project (default: the shipped frameworks)")
    p.set_defaults(handler=cmd_codebook_export)


def cmd_qdpx_import(a) -> int:
    from ..exchange.qdpx_load import import_qdpx

    rep = import_qdpx(a.file, a.project)
    print(f"imported {len(rep.transcripts)} transcript(s), {rep.codings} coding(s), {len(rep.participants)} "
          f"participant(s), {rep.memos} memo(s), {rep.summaries} chart summary(ies), {rep.key_elements} key "
          f"element(s) into {a.project}")
    if rep.frameworks_added or rep.frameworks_reused:
        print(f"frameworks: added {', '.join(rep.frameworks_added) or 'none'}; "
              f"reused {', '.join(rep.frameworks_reused) or 'none'}")
    if rep.coders:
        print(f"coders: {', '.join(rep.coders)}")
    for s in rep.skipped:
        print(f"skipped: {s}")
    for w in rep.warnings:
        print(f"warning: {w}")
    return 0


def cmd_qdpx_export(a) -> int:
    from ..exchange.qdpx_write import export_qdpx, project_xml, schema_errors

    project = open_(a.project)
    if a.schema:
        qde, _, _ = project_xml(project, frameworks=a.frameworks)
        errors = schema_errors(qde, a.schema)
        if errors:
            raise InputError(a.schema, f"the export does not validate: {errors[0]}"
                                       + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
    rep = export_qdpx(project, a.out, frameworks=a.frameworks)
    print(f"wrote {a.out}: {rep.transcripts} transcript(s), {rep.codes} code(s), {rep.codings} coding(s), "
          f"{rep.participants} case(s), {rep.memos} memo(s), {rep.summaries} chart summary(ies), "
          f"{rep.key_elements} key element(s)" + (" (valid against the schema)" if a.schema else ""))
    for w in rep.warnings:
        print(f"warning: {w}")
    return 0


def cmd_codebook_import(a) -> int:
    from ..exchange.qdc import read_qdc

    fw = read_qdc(a.file, framework_id=a.id, name=a.name)
    keep_framework(fw, project_path=a.project, yaml_path=a.yaml)
    return 0


def cmd_codebook_export(a) -> int:
    from ..exchange.qdc import write_qdc

    fw = framework_arg(a.project, a.framework)
    write_qdc(fw, a.file)
    print(f"wrote {a.file}: framework {fw.id}, {len(fw.codes)} codes in {len(fw.categories)} categories")
    return 0
