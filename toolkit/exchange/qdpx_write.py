"""Export a project as a REFI-QDA project (.qdpx): a zip holding ``project.qde`` (valid against the QDA-XML 1.0
project schema) and one UTF-8 ``Sources/<GUID>.txt`` per transcript.

What goes where (docs/formats.md, "REFI-QDA conventions"): coders are users; frameworks are the code tree
(see :mod:`toolkit.export.qdc`); each transcript is a text source whose codings sit in one selection per span, with
their coder and time; participants are cases (attributes as variables, transcripts as source references); memos are
notes referenced from where they are anchored; chart summaries and key elements are notes with a metadata block,
referenced by their code and linked to their case.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from math import isfinite
from pathlib import Path

from lxml import etree

from .. import settings
from ..store import Project
from ..store import core as db
from ..store import memos as memo_db
from ..store import qdpx as sq
from .qdc import build_codes, build_sets, code_guid
from .refi_common import ORIGIN, PROJECT_NS, format_datetime, make_guid, sub, with_meta, xml_safe


@dataclass
class ExportReport:
    path: str
    transcripts: int = 0
    codes: int = 0
    codings: int = 0
    memos: int = 0
    summaries: int = 0
    key_elements: int = 0
    participants: int = 0
    warnings: list[str] = field(default_factory=list)


def _preview(text: str, n: int = 60) -> str:
    t = re.sub(r"\s+", " ", text).strip()
    return t if len(t) <= n else t[:n].rstrip() + "\u2026"


def _var_type(values: list) -> str:
    if values and all(isinstance(v, bool) for v in values):
        return "Boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Integer"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) and isfinite(v) for v in values):
        return "Float"
    return "Text"


def _value_element(parent, vtype: str, value) -> None:
    if vtype == "Boolean":
        sub(parent, PROJECT_NS, "BooleanValue", text="true" if value else "false")
    elif vtype == "Integer":
        sub(parent, PROJECT_NS, "IntegerValue", text=str(value))
    elif vtype == "Float":
        sub(parent, PROJECT_NS, "FloatValue", text=format(Decimal(repr(float(value))), "f"))
    else:
        sub(parent, PROJECT_NS, "TextValue", text=str(value))


class _Writer:
    def __init__(self, s, frameworks: list[str] | None, report: ExportReport):
        self.s = s
        self.r = report
        self.seed = sq.project_seed(s)
        self.fids = list(frameworks) if frameworks is not None else db.framework_ids(s)
        self.fws = [db.get_framework(s, f) for f in self.fids]
        self.pk_key = sq.code_keys_by_pk(s)
        self.root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS},
                                  name=xml_safe(settings.read(s, settings.NAME) or "project"), origin=ORIGIN)
        now = format_datetime(datetime.now(UTC))
        self.root.set("creationDateTime", now)
        self.root.set("modifiedDateTime", now)
        self.links: list[tuple[str, str, str]] = []
        self.files: dict[str, bytes] = {}

    def g(self, *parts) -> str:
        return make_guid(self.seed, *parts)

    @staticmethod
    def user(name: str | None) -> str | None:
        return make_guid("user", name) if name else None

    def code_ref(self, code_pk) -> str | None:
        fid, cid = self.pk_key.get(int(code_pk), (None, None))
        return code_guid(fid, cid) if fid in self.fids else None

    # --- sections -------------------------------------------------------------------------------------------------

    def users(self) -> None:
        coders = db.list_coders(self.s)
        if coders:
            users = sub(self.root, PROJECT_NS, "Users")
            for c in coders:
                sub(users, PROJECT_NS, "User", {"guid": self.user(c["name"]), "name": xml_safe(c["name"]),
                                                "id": xml_safe(c["name"])})

    def codebook(self) -> None:
        self.code_els = {}
        if any(fw.codes or fw.categories for fw in self.fws):
            codes = sub(sub(self.root, PROJECT_NS, "CodeBook"), PROJECT_NS, "Codes")
            self.code_els = build_codes(codes, PROJECT_NS, self.fws)
        self.r.codes = sum(len(fw.codes) for fw in self.fws)

    def cases(self) -> None:
        parts = db.participants(self.s)
        self.case_guid = {p["id"]: self.g("case", p["id"]) for p in parts}
        names: dict[str, list] = {}
        for p in parts:
            for k, v in p.items():
                if k not in ("id", "pseudonym") and v is not None:
                    names.setdefault(k, []).append(v)
        if any(p.get("pseudonym") for p in parts):
            names["pseudonym"] = [p["pseudonym"] for p in parts if p.get("pseudonym")]
        types = {k: _var_type(v) for k, v in names.items()}
        if names:
            variables = sub(self.root, PROJECT_NS, "Variables")
            for k in names:
                sub(variables, PROJECT_NS, "Variable", {"guid": self.g("variable", k), "name": xml_safe(k),
                                                        "typeOfVariable": types[k]})
        by_participant: dict[str, list[str]] = {}
        for tr in db.transcripts(self.s):
            if tr["participant_id"]:
                by_participant.setdefault(tr["participant_id"], []).append(self.g("source", tr["id"]))
        if not parts:
            return
        cases = sub(self.root, PROJECT_NS, "Cases")
        for p in parts:
            case = sub(cases, PROJECT_NS, "Case", {"guid": self.case_guid[p["id"]], "name": xml_safe(p["id"])})
            for k in names:
                if p.get(k) is not None:
                    vv = sub(case, PROJECT_NS, "VariableValue")
                    sub(vv, PROJECT_NS, "VariableRef", {"targetGUID": self.g("variable", k)})
                    _value_element(vv, types[k], p[k])
            for sg in by_participant.get(p["id"], []):
                sub(case, PROJECT_NS, "SourceRef", {"targetGUID": sg})
        self.r.participants = len(parts)

    def sources(self, memos: list[dict]) -> None:
        trs = db.transcripts(self.s)
        if not trs:
            return
        codings = db.codings_frame(self.s, with_text=False)
        codings = codings[codings["framework_id"].isin(self.fids)] if len(codings) else codings
        self.coding_guid = {int(i): self.g("coding", int(i)) for i in codings["id"]} if len(codings) else {}
        meta = sq.transcript_meta(self.s)
        sources = sub(self.root, PROJECT_NS, "Sources")
        for tr in trs:
            tid = tr["id"]
            guid = self.g("source", tid)
            text = db.transcript_text(self.s, tid)
            self.files[f"Sources/{guid}.txt"] = text.encode("utf-8")
            src = sub(sources, PROJECT_NS, "TextSource", {
                "guid": guid, "name": xml_safe(tr["name"]), "plainTextPath": f"internal://{guid}.txt",
                "creationDateTime": format_datetime(meta.get(tid, ({}, None))[1])})
            spans: dict[tuple[int, int], dict] = {}
            rows = codings[codings["transcript_id"] == tid] if len(codings) else []
            for c in (rows.itertuples() if len(rows) else []):
                spans.setdefault((int(c.start), int(c.end)), {"codings": [], "notes": []})["codings"].append(c)
            for m in memos:
                if m["transcript_id"] == tid and m["start"] is not None and m["end"] is not None:
                    spans.setdefault((m["start"], m["end"]), {"codings": [], "notes": []})["notes"].append(m["guid"])
            for (a, b), items in sorted(spans.items()):
                cs = items["codings"]
                first = min(cs, key=lambda c: c.created_at) if cs else None
                sel = sub(src, PROJECT_NS, "PlainTextSelection", {
                    "guid": self.g("selection", tid, a, b), "name": _preview(text[a:b]),
                    "startPosition": a, "endPosition": b, "creatingUser": self.user(first.coder) if first else None,
                    "creationDateTime": format_datetime(first.created_at) if first else None})
                for c in cs:
                    cel = sub(sel, PROJECT_NS, "Coding", {"guid": self.coding_guid[int(c.id)],
                                                          "creatingUser": self.user(c.coder),
                                                          "creationDateTime": format_datetime(c.created_at)})
                    sub(cel, PROJECT_NS, "CodeRef", {"targetGUID": code_guid(c.framework_id, c.code_id)})
                    self.r.codings += 1
                for ng in items["notes"]:
                    sub(sel, PROJECT_NS, "NoteRef", {"targetGUID": ng})
            for m in memos:
                if m["transcript_id"] == tid and (m["start"] is None or m["end"] is None):
                    sub(src, PROJECT_NS, "NoteRef", {"targetGUID": m["guid"]})
            self.r.transcripts += 1

    def note(self, notes, guid: str, name: str, text: str, *, author: str | None, created, modified,
             description: str | None = None) -> None:
        el = sub(notes, PROJECT_NS, "Note", {"guid": guid, "name": xml_safe(name), "creatingUser": self.user(author),
                                             "creationDateTime": format_datetime(created),
                                             "modifiedDateTime": format_datetime(modified)})
        if description:
            sub(el, PROJECT_NS, "Description", text=description)
        sub(el, PROJECT_NS, "PlainTextContent", text=text or "")
        if xml_safe(text) != (text or "") or xml_safe(name) != name:
            self.r.warnings.append(f"note {name!r}: characters XML cannot hold were replaced by spaces")

    def attach(self, note_guid: str, *, code_pk=None, participant=None, label: str) -> None:
        ref = self.code_ref(code_pk) if code_pk is not None else None
        if ref is not None:
            el = self.code_els.get(self.pk_key[int(code_pk)])
            ref_el = sub(el, PROJECT_NS, "NoteRef", {"targetGUID": note_guid})
            first_child = el.find(f"{{{PROJECT_NS}}}Code")
            if first_child is not None:  # the schema wants a code's NoteRefs before its child codes
                first_child.addprevious(ref_el)
            self.links.append((f"{label} \u2192 code", note_guid, ref))
        if participant is not None and participant in self.case_guid:
            self.links.append((f"{label} \u2192 case", note_guid, self.case_guid[participant]))

    def notes(self, memos: list[dict]) -> list[str]:
        """Write memos, chart summaries and key elements as notes; return the GUIDs of project-level notes."""
        sums = sq.summaries(self.s, self.fids)
        kes = sq.key_elements(self.s, self.fids)
        if not (memos or sums or kes):
            return []
        notes = sub(self.root, PROJECT_NS, "Notes")
        top = []
        for m in memos:
            title = m["title"] if isinstance(m["title"], str) else None
            desc = None if title else with_meta("", {"toolkit": "memo", "title": title})
            self.note(notes, m["guid"], title or f"Memo: {_preview(m['text'], 40)}", m["text"], author=m["author"],
                      created=m["created_at"], modified=m["updated_at"], description=desc)
            self.attach(m["guid"], code_pk=m["code_pk"], participant=m["participant_id"], label="Memo")
            anchored = (m["transcript_id"] is not None or m["participant_id"] in self.case_guid
                        or (m["code_pk"] is not None and self.code_ref(m["code_pk"]) is not None))
            if not anchored:
                top.append(m["guid"])
            self.r.memos += 1
        sum_guid = {}
        for x in sums:
            guid = sum_guid[x["id"]] = self.g("summary", x["id"])
            quotes = [self.coding_guid[q] for q in x["quotes"] if q in getattr(self, "coding_guid", {})]
            if len(quotes) < len(x["quotes"]):
                self.r.warnings.append(f"summary {x['participant_id']} x {x['code_id']}: "
                                       f"{len(x['quotes']) - len(quotes)} quoted coding(s) not exported")
            meta = {"toolkit": "summary", "framework": x["framework_id"], "participant": x["participant_id"],
                    "code": x["code_id"], "status": x["status"], "origin": x["origin"], "quotes": quotes}
            self.note(notes, guid, f"Summary {x['participant_id']} \u00d7 {x['code_id']}", x["text"],
                      author=x["author"], created=x["updated_at"], modified=x["updated_at"],
                      description=with_meta("", meta))
            self.attach(guid, code_pk=x["code_pk"], participant=x["participant_id"], label="Chart summary")
            self.r.summaries += 1
        by_id = {x["id"]: x for x in sums}
        for k in kes:
            guid = self.g("key_element", k["id"])
            quotes = [self.coding_guid[q] for q in k["quotes"] if q in getattr(self, "coding_guid", {})]
            meta = {"toolkit": "key_element", "framework": k["framework_id"], "label": k["label"],
                    "summary": sum_guid.get(k["summary_id"]), "quotes": quotes, "status": k["status"],
                    "dimension": k["dimension"]}
            self.note(notes, guid, f"Key element: {k['label']}", k["label"], author=None, created=k["created_at"],
                      modified=k["created_at"], description=with_meta("", meta))
            sm = by_id.get(k["summary_id"])
            if sm is not None:
                self.attach(guid, code_pk=sm["code_pk"], participant=sm["participant_id"], label="Key element")
                self.links.append(("Key element \u2192 chart summary", guid, sum_guid[sm["id"]]))
            self.r.key_elements += 1
        self.summary_sets = [(fid, [sum_guid[x["id"]] for x in sums if x["framework_id"] == fid],
                              [self.g("key_element", k["id"]) for k in kes if k["framework_id"] == fid])
                             for fid in self.fids]
        return top

    def finish(self, top_notes: list[str]) -> None:
        if self.links:
            links = sub(self.root, PROJECT_NS, "Links")
            for name, origin, target in self.links:
                sub(links, PROJECT_NS, "Link", {"guid": self.g("link", origin, target), "name": name,
                                                "direction": "OneWay", "originGUID": origin, "targetGUID": target})
        groups = [(fid, s, k) for fid, s, k in getattr(self, "summary_sets", []) if s or k]
        if self.fws or groups:
            sets = sub(self.root, PROJECT_NS, "Sets")
            build_sets(sets, PROJECT_NS, self.fws, "targetGUID")
            for fid, sguids, kguids in groups:
                for what, guids in (("Chart summaries", sguids), ("Key elements", kguids)):
                    if guids:
                        st = sub(sets, PROJECT_NS, "Set", {"guid": self.g("set", what, fid), "name": f"{what}: {fid}"})
                        for ng in guids:
                            sub(st, PROJECT_NS, "MemberNote", {"targetGUID": ng})
        for ng in top_notes:
            sub(self.root, PROJECT_NS, "NoteRef", {"targetGUID": ng})


def project_xml(project: Project, *, frameworks: list[str] | None = None) -> tuple[bytes, dict[str, bytes],
                                                                                     ExportReport]:
    """``(project.qde bytes, {archive path: bytes} of the sources, report)``."""
    report = ExportReport(path="")
    with project.read() as s:
        w = _Writer(s, frameworks, report)
        mf = memo_db.memos_frame(s)
        memos = []
        for m in (mf.to_dict("records") if len(mf) else []):
            m = {k: (None if v is not None and v != v else v) for k, v in m.items()}  # NaN -> None
            for k in ("transcript_id", "start", "end", "code_pk"):
                m[k] = int(m[k]) if m[k] is not None else None
            m["guid"] = w.g("memo", int(m["id"]))
            memos.append(m)
        w.users()
        w.codebook()
        w.cases()
        w.sources(memos)
        top = w.notes(memos)
        w.finish(top)
    qde = etree.tostring(w.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return qde, w.files, report


def export_qdpx(project: Project, out: str | Path, *, frameworks: list[str] | None = None) -> ExportReport:
    """Write ``out`` (.qdpx). ``frameworks`` limits the code tree (and the codings) to these framework ids."""
    out = Path(out)
    qde, files, report = project_xml(project, frameworks=frameworks)
    report.path = str(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".qdpx-", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("project.qde", qde)
            for name, data in files.items():
                z.writestr(name, data)
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return report


def schema_errors(qde: bytes, xsd_path: str | Path) -> list[str]:
    """Validate ``project.qde`` bytes against an XSD file; return the errors (empty when valid)."""
    schema = etree.XMLSchema(etree.parse(str(xsd_path)))
    doc = etree.fromstring(qde, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
