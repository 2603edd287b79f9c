"""Foundation commands: init, import, attributes, status, frameworks, crosswalk, measures, codings, sample."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import codebook_csv
from .. import frameworks as fwio
from .. import project as proj
from ..sample import SAMPLE_DIR, build_sample
from ._common import framework_arg, keep_framework, open_, print_warnings, progress_bar, verbose_arg


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create a new project (with the shipped frameworks)")
    p.add_argument("project")
    p.add_argument("--name")
    p.add_argument("--no-shipped", action="store_true", help="do not add the shipped frameworks")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("import", help="import transcripts (files or folders) and participant attributes")
    p.add_argument("project")
    p.add_argument("paths", nargs="+", help=".txt .md .docx .vtt .srt files or folders")
    p.add_argument("--attributes", help="participants CSV/XLSX (id + attributes)")
    p.add_argument("--pseudonyms", help="CSV key file name,replacement applied before storing (kept apart)")
    p.add_argument("--interviewer", action="append", default=[], help="name of the interviewer (repeatable)")
    p.add_argument("--allow-duplicates", action="store_true",
                   help="import a file even if its content is already in the project under another name")
    verbose_arg(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("attributes", help="add or update participant attributes from CSV/XLSX")
    p.add_argument("project")
    p.add_argument("file")
    p.set_defaults(handler=cmd_attributes)

    p = sub.add_parser("status", help="what the project holds")
    p.add_argument("project")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("sample", help="build the bundled sample project (transcripts, attributes, reference indexing)")
    p.add_argument("project")
    p.add_argument("--suggest", metavar="FRAMEWORK", help="also compute code suggestions for this framework (waits)")
    p.add_argument("--suggest-later", metavar="FRAMEWORK",
                   help="compute code suggestions for this framework in a background process (the app shows progress)")
    p.set_defaults(handler=cmd_sample)

    fw = sub.add_parser("frameworks", help="list, validate, add and convert coding frameworks")
    fws = fw.add_subparsers(dest="fw_command", required=True, metavar="ACTION")
    p = fws.add_parser("list", help="one framework per line: id, codes, categories")
    p.add_argument("--project", help="list a project's frameworks instead of the shipped ones")
    p.add_argument("--folder", default=str(fwio.SHIPPED_DIR))
    p.set_defaults(handler=cmd_fw_list)
    p = fws.add_parser("validate", help="check every framework, crosswalk and measures file of a folder (or one file)")
    p.add_argument("path", nargs="?", default=str(fwio.SHIPPED_DIR))
    p.set_defaults(handler=cmd_fw_validate)
    p = fws.add_parser("add", help="add a framework file (YAML or codebook CSV) to a project")
    p.add_argument("project")
    p.add_argument("file")
    p.set_defaults(handler=cmd_fw_add)
    p = fws.add_parser("export-csv", help="write a framework as a codebook CSV")
    p.add_argument("framework")
    p.add_argument("out")
    p.add_argument("--project")
    p.set_defaults(handler=cmd_fw_export_csv)
    p = fws.add_parser("import-csv", help="read a codebook CSV into a project (or a YAML file)")
    p.add_argument("file")
    p.add_argument("--project")
    p.add_argument("--id", help="framework id (default: the file name)")
    p.add_argument("--name")
    p.add_argument("--yaml", help="write the framework as YAML here")
    p.set_defaults(handler=cmd_fw_import_csv)

    p = sub.add_parser("crosswalk", help="add a crosswalk file to a project")
    p.add_argument("project")
    p.add_argument("file")
    p.set_defaults(handler=lambda a: print(f"added crosswalk {proj.add_crosswalk(open_(a.project), a.file).id}"))

    p = sub.add_parser("measures", help="add a contract-measures catalogue to a project")
    p.add_argument("project")
    p.add_argument("file")
    p.set_defaults(handler=lambda a: print(f"added catalogue {proj.add_measures(open_(a.project), a.file).id}"))

    cd = sub.add_parser("codings", help="move codings in and out as CSV")
    cds = cd.add_subparsers(dest="codings_command", required=True, metavar="ACTION")
    p = cds.add_parser("import", help="import transcript,participant,start,end,text,code,coder rows")
    p.add_argument("project")
    p.add_argument("file")
    p.add_argument("--coder", help="record every row as this coder")
    p.add_argument("--framework", help="framework the codes belong to (default: the one holding all the file's codes)")
    p.set_defaults(handler=cmd_codings_import)
    p = cds.add_parser("export", help="write the project's codings as CSV")
    p.add_argument("project")
    p.add_argument("out")
    p.add_argument("--framework")
    p.add_argument("--coder", action="append", dest="coders")
    p.set_defaults(handler=cmd_codings_export)


def cmd_init(a) -> int:
    project = proj.create(a.project, name=a.name, shipped=not a.no_shipped)
    st = proj.status(project)
    print(f"created {project.label} with {len(st['frameworks'])} framework(s)")
    project.close()
    return 0


def cmd_import(a) -> int:
    project = open_(a.project)
    rep = proj.import_transcripts(project, a.paths, attributes=a.attributes, pseudonyms=a.pseudonyms,
                                  interviewer_names=a.interviewer, allow_duplicates=a.allow_duplicates,
                                  progress=progress_bar("reading transcripts"))
    print(f"imported {len(rep.transcripts)} transcript(s), {len(rep.participants)} participant row(s)"
          + (f", skipped {len(rep.skipped)} already present" if rep.skipped else ""))
    if rep.left_out:
        print(f"not transcripts, left out: {', '.join(rep.left_out)}")
    print_warnings(rep.warnings, a.verbose)
    return 0


def cmd_attributes(a) -> int:
    rep = proj.import_attributes(open_(a.project), a.file)
    print(f"{len(rep.participants)} participants")
    for w in rep.warnings:
        print(f"warning: {w}")
    return 0


def cmd_status(a) -> int:
    st = proj.status(open_(a.project))
    print(f"project:      {st['name']} ({st['path']})")
    for k in ("participants", "transcripts", "segments", "codings", "memos"):
        print(f"{k + ':':13} {st[k]}")
    print(f"coders:       {', '.join(st['coders']) or '(none)'}")
    print("frameworks:")
    for f in st["frameworks"]:
        print(f"  {f['id']}  {f['codes']} codes  {f['categories']} categories  {f['name']}")
    return 0


def cmd_sample(a) -> int:
    import sys
    import time

    from tqdm import tqdm

    from .. import background as bg

    t0 = time.perf_counter()
    with tqdm(total=1, desc="building the sample", unit="step", file=sys.stderr,
              bar_format="{desc}: {n_fmt}/{total_fmt} steps |{bar}| {elapsed}<{remaining}") as bar:
        def step(i: int, n: int, what: str) -> None:
            bar.total = n
            bar.n = i
            bar.set_description_str(f"building the sample ({what})")
            bar.refresh()

        project = build_sample(a.project, progress=progress_bar("reading transcripts"), step=step)
    print(f"sample project written to {a.project} from {SAMPLE_DIR} in {time.perf_counter() - t0:.0f} s")
    if a.suggest:
        r = bg.run_suggestions(project, a.suggest, progress=progress_bar("embedding passages"))
        print(f"suggestions for {a.suggest}: {r['passages']} passages, {r['suggested']} codes suggested")
    elif a.suggest_later:
        project.close()
        pid = bg.start_suggestions(a.project, a.suggest_later)
        print(f"building code suggestions for {a.suggest_later} in the background (process {pid}); the app shows "
              f"its progress, or: python -m toolkit background status {a.project}")
    return 0


def cmd_fw_list(a) -> int:
    if a.project:
        rows = proj.status(open_(a.project))["frameworks"]
    else:
        folder = fwio.load_folder(a.folder)
        rows = [{"id": f.id, "codes": len(f.codes), "categories": len(f.categories), "name": f.name}
                for f in folder.frameworks.values()]
    for r in rows:
        print(f"{r['id']}\t{r['codes']}\t{r['categories']}")
    return 0


def cmd_fw_validate(a) -> int:
    path = Path(a.path)
    if path.is_file():
        fw = fwio.load_framework(path)
        print(f"{path.name}: framework {fw.id}: {len(fw.codes)} codes, {len(fw.categories)} categories: OK")
        return 0
    folder = fwio.load_folder(path)
    for fw in folder.frameworks.values():
        ringed = sum(1 for c in fw.codes if c.ring)
        extra = f", {ringed} on driver-map rings" if ringed else ""
        print(f"framework {fw.id}: {len(fw.codes)} codes, {len(fw.categories)} categories{extra}: OK")
    for cw in folder.crosswalks.values():
        unmapped = sum(1 for m in cw.mapping if m["to"] is None)
        print(f"crosswalk {cw.id}: {cw.from_framework} -> {cw.to_framework}, covers all {len(cw.mapping)} codes "
              f"({unmapped} mapped to none, with reasons): OK")
    for cat in folder.catalogues.values():
        links = sum(len(m["targets"]) for m in cat.measures)
        print(f"measures {cat.id}: {len(cat.measures)} measures, {links} links to {cat.framework} drivers all "
              f"resolve, {len(cat.choosing_wisely)} Choosing Wisely recommendations: OK")
    return 0


def cmd_fw_add(a) -> int:
    fw = proj.add_framework(open_(a.project), a.file)
    print(f"added framework {fw.id}: {len(fw.codes)} codes, {len(fw.categories)} categories")
    return 0


def cmd_fw_export_csv(a) -> int:
    fw = framework_arg(a.project, a.framework)
    codebook_csv.write_codebook_csv(fw, a.out)
    print(f"wrote {len(fw.codes)} codes to {a.out}")
    return 0


def cmd_fw_import_csv(a) -> int:
    fw = codebook_csv.read_codebook_csv(a.file, framework_id=a.id, name=a.name)
    keep_framework(fw, project_path=a.project, yaml_path=a.yaml)
    return 0


def cmd_codings_import(a) -> int:
    n = proj.import_codings(open_(a.project), a.file, framework=a.framework, coder=a.coder)
    already = f" ({n.skipped} already in the project, not added again)" if n.skipped else ""
    how = " (the only framework holding every code of the file; --framework chooses another)" if n.inferred else ""
    print(f"imported {n} codings into framework {', '.join(n.frameworks) or '-'}{how}{already}")
    return 0


def cmd_codings_export(a) -> int:
    n = proj.export_codings(open_(a.project), a.out, framework=a.framework, coders=a.coders)
    print(f"wrote {n} codings to {a.out}")
    return 0
