"""Read a REFI-QDA project (.qdpx) into an :class:`ImportPlan`: plain data, every reference resolved and every
position mapped onto the text we will store. Nothing touches a project here; :mod:`toolkit.export.qdpx_load`
writes a plan in one transaction. Any problem raises :class:`~toolkit.errors.InputError` naming the element.

Liberal in what it reads (each assumption is stated in tests/exchange/test_qdpx_read.py): namespaces and attribute case are
ignored, ``project.qde`` and ``Sources/`` are found in any case, GUIDs match with or without braces, optional
attributes may be missing, dates may lack a time zone (UTC is assumed), text sources may be UTF-8 with or without
a BOM, UTF-16 or cp1252, and selection positions are read under the line-break/code-unit convention that fits
(:mod:`toolkit.export.refi_text`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import InputError
from ..ingest import detect_language, detect_turns
from ..models import ParsedTranscript
from .qdc import frameworks_from_codebook, parse_code_nodes, parse_sets, slug
from .qdpx_plan import CodingPlan, ImportPlan, NotePlan, SourcePlan
from .refi_common import (
    Archive,
    attr,
    internal_target,
    kid,
    kids,
    ln,
    norm_guid,
    parse_datetime,
    parse_xml,
    split_meta,
    text_of,
    where,
)
from .refi_text import candidate_readings, choose_reading, decode_source, inline_source

NON_TEXT = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


def _int(el, name: str, file: str) -> int:
    v = attr(el, name)
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        raise InputError(file, f"{name} must be a whole number, got {v!r}", where(el)) from None


def _lost(el) -> str:
    n = sum(1 for c in el.iter() if ln(c) == "Coding")
    return f" ({n} coding(s) not imported)" if n else ""


def _value(vv) -> tuple[str | None, object]:
    ref = kid(vv, "VariableRef")
    guid = norm_guid(attr(ref, "targetGUID")) if ref is not None else None
    for c in vv:
        name = ln(c)
        if name in (None, "VariableRef"):
            continue
        raw = (c.text or "").strip()
        try:
            if name == "IntegerValue":
                return guid, int(raw)
            if name == "FloatValue":
                return guid, float(raw)
            if name == "BooleanValue":
                return guid, raw.lower() in ("true", "1")
        except ValueError:
            return guid, raw
        return guid, c.text or ""
    return guid, None


class _Reader:
    def __init__(self, path: str | Path, archive: Archive):
        self.ar = archive
        entry = self.ar.project_entry()
        self.data = self.ar.read(entry)
        self.file = f"{path}:{entry}"
        self.root = parse_xml(self.data, self.file)
        if ln(self.root) != "Project":
            raise InputError(self.file, f"the root element is <{ln(self.root)}>, expected <Project>", "line 1")
        self.users = {}
        for u in kids(kid(self.root, "Users"), "User"):
            self.users[norm_guid(attr(u, "guid"))] = (attr(u, "name") or attr(u, "id") or attr(u, "guid")).strip()
        name = (attr(self.root, "name") or Path(path).stem).strip()
        self.default_user = attr(self.root, "creatingUserGUID")
        coded = {norm_guid(attr(r, "targetGUID")) for c in self.root.iter() if ln(c) == "Coding"
                 for r in kids(c, "CodeRef")}
        codes_el = kid(kid(self.root, "CodeBook"), "Codes")
        nodes = parse_code_nodes(codes_el, self.file) if codes_el is not None else []
        self.sets = parse_sets(kid(self.root, "Sets"))
        book = frameworks_from_codebook(nodes, self.sets, default_id=slug(name, "refi"), default_name=name,
                                        coded=coded)
        self.plan = ImportPlan(file=self.file, name=name, codebook=book, users=list(dict.fromkeys(self.users.values())),
                               warnings=list(book.warnings))
        self.notes_by_guid: dict[str, NotePlan] = {}
        self.anchors: list[tuple[str, dict]] = []  # (note guid, anchor)
        self.case_of_source: dict[str, str] = {}
        self.case_guid: dict[str, str] = {}
        self.var_names: dict[str, str] = {}

    def coder(self, *els) -> str:
        for el in (*els, None):
            g = attr(el, "creatingUser") if el is not None else self.default_user
            if g:
                name = self.users.get(norm_guid(g))
                if name is None:
                    self.plan.warnings.append(f"user {g} is not among <Users>; coder named after the GUID")
                    name = f"user {norm_guid(g)[:8]}"
                return name
        return "imported"

    def read_text(self, el, owner: str):
        """``(SourceText | None, reason)`` of a TextSource or Note: inline content or an internal file."""
        path = attr(el, "plainTextPath")
        inline = kid(el, "PlainTextContent")
        if path:
            target = internal_target(path, self.file, owner)
            if target is None:
                return None, f"external plain text {path!r} (not in the archive; never fetched)"
            entry = self.ar.find_internal(target)
            if entry is None:
                if inline is not None:
                    return inline_source(text_of(inline), b"\r" in self.data), ""
                raise InputError(self.file, f"plainTextPath {path!r}: no such file in the archive", owner)
            return decode_source(self.ar.read(entry), f"{self.ar.file}:{entry}"), ""
        if inline is not None:
            return inline_source(text_of(inline), b"\r" in self.data), ""
        if attr(el, "richTextPath"):
            return None, "only rich text (.docx) and no plain-text version, so its positions cannot be placed"
        return None, "no text (neither PlainTextContent nor plainTextPath)"

    # --- sections -------------------------------------------------------------------------------------------------

    def cases(self) -> None:
        var_names = self.var_names
        for v in kids(kid(self.root, "Variables"), "Variable"):
            var_names[norm_guid(attr(v, "guid"))] = (attr(v, "name") or attr(v, "guid")).strip()
        for case in kids(kid(self.root, "Cases"), "Case"):
            pid = (attr(case, "name") or "").strip() or f"case-{norm_guid(attr(case, 'guid'))[:8]}"
            self.case_guid[norm_guid(attr(case, "guid"))] = pid
            p = self.plan.participants.setdefault(pid, {"attributes": {}, "pseudonym": None})
            for vv in kids(case, "VariableValue"):
                g, value = _value(vv)
                if g not in var_names:
                    self.plan.warnings.append(f"{where(case)}: value of an unknown variable {g} left out")
                elif var_names[g] == "pseudonym":
                    p["pseudonym"] = None if value is None else str(value)
                elif value is not None:
                    p["attributes"][var_names[g]] = value
            for ref in kids(case, "SourceRef"):
                sg = norm_guid(attr(ref, "targetGUID"))
                if sg in self.case_of_source and self.case_of_source[sg] != pid:
                    self.plan.warnings.append(f"source {sg} belongs to cases {self.case_of_source[sg]} and {pid}; "
                                              f"linked to {self.case_of_source[sg]}")
                self.case_of_source.setdefault(sg, pid)
            if kids(case, "SelectionRef") or kids(case, "CodeRef"):
                self.plan.warnings.append(f"{where(case)}: selection and code references of cases are not imported")
            desc = text_of(kid(case, "Description")).strip()
            if desc:
                self.plan.notes.append(NotePlan(f"case-description:{pid}", "memo", f"Case {pid}", desc, None, None,
                                                None, participant=pid, place=where(case)))

    def sources(self) -> None:
        sources = kid(self.root, "Sources")
        names: set[str] = set()
        for el in sources if sources is not None else ():
            kind = ln(el)
            if kind in NON_TEXT:
                self.plan.skipped.append(f"{kind} {attr(el, 'name') or attr(el, 'guid')!r}: not a text source"
                                         + _lost(el))
                continue
            if kind != "TextSource":
                continue
            self.text_source(el, names)

    def text_source(self, el, names: set[str]) -> None:
        owner = where(el)
        guid = norm_guid(attr(el, "guid"))
        name = (attr(el, "name") or "").strip() or f"{guid}.txt"
        src, reason = self.read_text(el, owner)
        if src is None or not src.text.strip():
            self.plan.skipped.append(f"TextSource {name!r}: {reason or 'empty text'}" + _lost(el))
            return
        sels = []
        for sel in kids(el, "PlainTextSelection"):
            a, b = _int(sel, "startPosition", self.file), _int(sel, "endPosition", self.file)
            if a > b:
                raise InputError(self.file, f"selection ends ({b}) before it starts ({a})", f"{where(sel)} in {owner}")
            sels.append((a, b, attr(sel, "name"), f"{where(sel)} in {owner}", sel))
        om = choose_reading(src, [s[:4] for s in sels], file=self.file)
        if om.reading != candidate_readings(src)[0]:
            self.plan.warnings.append(f"{name}: positions read as {om.reading.describe()}")
        base, n = name, 1
        while name in names:
            n += 1
            name = f"{Path(base).stem} ({n}){Path(base).suffix}"
        names.add(name)
        spans = [(om.span(a, b), sel) for a, b, _, _, sel in sels]
        for (s0, e0, exact), sel in spans:
            if not exact:
                self.plan.warnings.append(f"{name}: {where(sel)} cut a line break or a character; widened")
            self.selection(sel, guid, s0, e0, el)
        for c in kids(el, "Coding"):  # a code applied to the whole source
            self.coding(c, guid, 0, len(src.text), el, None)
        for ref in kids(el, "NoteRef"):
            self.anchors.append((norm_guid(attr(ref, "targetGUID")), {"source": guid}))
        desc = text_of(kid(el, "Description")).strip()
        if desc:
            self.plan.notes.append(NotePlan(f"source-description:{guid}", "memo", f"Description of {name}", desc,
                                            None, None, None, source=guid, place=owner))
        participant = self.case_of_source.get(guid)
        variables = {}
        for vv in kids(el, "VariableValue"):
            g, value = _value(vv)
            if g in self.var_names and value is not None:
                variables[self.var_names[g]] = value
        if variables:  # document variables (MAXQDA): attributes of the source's case, else of a participant
            participant = participant or Path(name).stem
            attrs = self.plan.participants.setdefault(participant, {"attributes": {}, "pseudonym": None})["attributes"]
            for k, v in variables.items():
                attrs.setdefault(k, v)
            self.plan.warnings.append(f"{name}: its variables became attributes of participant {participant}")
        turns, warnings = detect_turns(src.text)
        parsed = ParsedTranscript(text=src.text, turns=turns, format="qdpx", encoding=src.encoding,
                                  language=detect_language(src.text), warnings=warnings)
        standard = om.reading == candidate_readings(src)[0]
        meta = {"refi": {"guid": attr(el, "guid"), "positions": "standard" if standard else om.reading.describe()}}
        self.plan.sources.append(SourcePlan(
            guid=guid, name=name, parsed=parsed, sha256=hashlib.sha256(src.text.encode("utf-8")).hexdigest(),
            place=owner, created=parse_datetime(attr(el, "creationDateTime")),
            participant=participant, meta=meta))

    def selection(self, sel, source: str, start: int, end: int, src_el) -> None:
        if start == end:
            if kids(sel, "Coding"):
                self.plan.warnings.append(f"{where(sel)}: empty selection; its codings are left out")
            return
        for c in kids(sel, "Coding"):
            self.coding(c, source, start, end, src_el, sel)
        for ref in kids(sel, "NoteRef"):
            self.anchors.append((norm_guid(attr(ref, "targetGUID")), {"source": source, "start": start, "end": end}))
        desc = text_of(kid(sel, "Description")).strip()
        if desc:
            self.plan.notes.append(NotePlan(f"selection-description:{norm_guid(attr(sel, 'guid'))}", "memo",
                                            attr(sel, "name") or "Comment", desc, self.coder(sel, src_el), None,
                                            parse_datetime(attr(sel, "modifiedDateTime")), source=source,
                                            start=start, end=end, place=where(sel)))

    def coding(self, c, source: str, start: int, end: int, src_el, sel) -> None:
        ref = kid(c, "CodeRef")
        target = attr(ref, "targetGUID") if ref is not None else None
        key = self.plan.codebook.code_keys.get(norm_guid(target))
        if key is None:
            what = f"unknown code GUID {target}" if target else "coding without a CodeRef"
            raise InputError(self.file, what, f"{where(c)} in {where(sel if sel is not None else src_el)}")
        els = (c, sel, src_el) if sel is not None else (c, src_el)
        created = parse_datetime(attr(c, "creationDateTime")) or parse_datetime(attr(sel, "creationDateTime")
                                                                                if sel is not None else None)
        self.plan.codings.append(CodingPlan(norm_guid(attr(c, "guid")), source, start, end, key, self.coder(*els),
                                            created))
        for nref in kids(c, "NoteRef"):
            self.anchors.append((norm_guid(attr(nref, "targetGUID")),
                                 {"source": source, "start": start, "end": end, "code": key}))

    def notes(self) -> None:
        for el in kids(kid(self.root, "Notes"), "Note"):
            guid = norm_guid(attr(el, "guid"))
            src, _ = self.read_text(el, where(el))
            text = src.text if src is not None else ""
            human, meta = split_meta(text_of(kid(el, "Description")))
            kind = (meta or {}).get("toolkit", "memo")
            title = attr(el, "name")
            if kind == "memo" and meta is not None and "title" in meta:
                title = meta["title"]
            if human.strip() and kind == "memo":
                text = f"{text}\n\n{human.strip()}" if text else human.strip()
            note = NotePlan(guid, kind if kind in ("summary", "key_element") else "memo", title, text,
                            self.coder(el) if attr(el, "creatingUser") else None,
                            parse_datetime(attr(el, "creationDateTime")), parse_datetime(attr(el, "modifiedDateTime")),
                            meta=meta or {}, place=where(el))
            self.notes_by_guid[guid] = note
            self.plan.notes.append(note)

    def references(self) -> None:
        """Code NoteRefs and Links anchor notes to codes, cases, sources and selections."""
        keys = self.plan.codebook.code_keys
        for code in (c for c in self.root.iter() if ln(c) == "Code"):
            for ref in kids(code, "NoteRef"):
                key = keys.get(norm_guid(attr(code, "guid")))
                if key:
                    self.anchors.append((norm_guid(attr(ref, "targetGUID")), {"code": key}))
        sources = {s.guid for s in self.plan.sources}
        for link in kids(kid(self.root, "Links"), "Link"):
            a, b = norm_guid(attr(link, "originGUID")), norm_guid(attr(link, "targetGUID"))
            for note, other in ((a, b), (b, a)):
                if note not in self.notes_by_guid:
                    continue
                if other in self.case_guid:
                    self.anchors.append((note, {"participant": self.case_guid[other]}))
                elif other in keys:
                    self.anchors.append((note, {"code": keys[other]}))
                elif other in sources:
                    self.anchors.append((note, {"source": other}))
        for note_guid, anchor in self.anchors:
            note = self.notes_by_guid.get(note_guid)
            if note is None:
                self.plan.warnings.append(f"reference to an unknown note {note_guid} left out")
                continue
            if "source" in anchor and note.source is None:
                note.source, note.start, note.end = anchor["source"], anchor.get("start"), anchor.get("end")
            if "code" in anchor and note.code is None:
                note.code = anchor["code"]
            if "participant" in anchor and note.participant is None:
                note.participant = anchor["participant"]
        for st in self.sets:
            if st.sources and not split_meta(st.description)[1]:
                for src in self.plan.sources:
                    if src.guid in st.sources:
                        src.meta["refi"].setdefault("sets", []).append(st.name)
        for what in ("Graphs",):
            n = len(kids(kid(self.root, what), "Graph"))
            if n:
                self.plan.skipped.append(f"{what}: {n} graph(s) are not imported")

    def check_notes(self) -> None:
        """Chart summaries and key elements must name a framework, code and participant the plan knows."""
        fws = {fw.id: {c.id for c in fw.codes} for fw in self.plan.codebook.frameworks}
        coding_guids = {c.guid for c in self.plan.codings}
        for note in self.plan.notes:
            if note.kind not in ("summary", "key_element"):
                continue
            m = note.meta
            fid = str(m.get("framework") or "")
            if note.kind == "summary":
                ok = fid in fws and str(m.get("code")) in fws[fid] and m.get("participant") is not None
                if not ok:
                    self.plan.warnings.append(f"{note.place}: chart summary names an unknown framework, code or "
                                              "participant; imported as a memo")
                    note.kind = "memo"
                    continue
                note.code = (fid, str(m["code"]))
                note.participant = str(m["participant"])
                self.plan.participants.setdefault(note.participant, {"attributes": {}, "pseudonym": None})
            elif fid not in fws:
                self.plan.warnings.append(f"{note.place}: key element of an unknown framework; imported as a memo")
                note.kind = "memo"
                continue
            quotes = [norm_guid(q) for q in m.get("quotes") or []]
            if any(q not in coding_guids for q in quotes):
                self.plan.warnings.append(f"{note.place}: quotes of unknown codings left out")
            m["quotes"] = [q for q in quotes if q in coding_guids]


def read_qdpx(path: str | Path, **limits) -> ImportPlan:
    """Read and check a .qdpx completely; ``limits``: ``max_total`` bytes, ``max_ratio`` (zip bomb guards)."""
    archive = Archive(path, **limits)
    try:
        r = _Reader(path, archive)
        r.cases()
        r.sources()
        r.notes()
        r.references()
        r.check_notes()
    finally:
        archive.close()
    return r.plan
