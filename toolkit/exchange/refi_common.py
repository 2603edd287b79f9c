"""Shared helpers of the REFI-QDA codebook (.qdc) and project (.qdpx) readers and writers.

Safe XML parsing (no DTD, no entities, no network), namespace-blind element access, GUIDs, xsd:dateTime, the
metadata block the toolkit appends to descriptions (see docs/formats.md, "REFI-QDA conventions"), and a zip
archive reader guarded against zip bombs and paths that climb out of the archive.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import yaml
from lxml import etree

from ..errors import InputError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ORIGIN = "framework-analysis-toolkit"

# The line that starts the toolkit's metadata block inside a <Description> (YAML follows it).
META_MARK = "[framework-analysis-toolkit]"

# Limits of an archive: total uncompressed size, compression ratio of a large entry, number of entries.
MAX_TOTAL_BYTES = 1 << 30
MAX_RATIO = 200
RATIO_MIN_BYTES = 1 << 20
MAX_ENTRIES = 50_000

_GUID_NS = uuid.UUID("6f6c6a1e-4b1a-5c55-9a58-7265666971a1")
_RGB = re.compile(r"^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$")
# Characters XML 1.0 cannot carry.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# --- XML ----------------------------------------------------------------------------------------------------------


def parse_xml(data: bytes, file: str) -> etree._Element:
    """Parse untrusted XML: no DTD loading, no entity expansion, no network; a DOCTYPE is refused outright."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    body = data
    if not body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        body = body.lstrip()  # real exports sometimes put a newline before the XML declaration
    if not body.strip():
        raise InputError(file, "empty file: no XML")
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as e:
        raise InputError(file, f"malformed XML: {e.msg}", f"line {e.lineno}") from None
    if root.getroottree().docinfo.doctype:
        raise InputError(file, "a DOCTYPE is not allowed here (entities and DTDs are never loaded)", "line 1")
    return root


def ln(el) -> str | None:
    """The local name of an element (namespaces are ignored: exports differ in how they declare them)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else None


def kids(el, name: str) -> list:
    return [c for c in el if ln(c) == name] if el is not None else []


def kid(el, name: str):
    for c in el if el is not None else ():
        if ln(c) == name:
            return c
    return None


def attr(el, name: str, default: str | None = None) -> str | None:
    """An attribute, matched exactly first, then ignoring case (``StartPosition``, ``GUID`` occur in the wild)."""
    v = el.get(name)
    if v is not None:
        return v
    low = name.lower()
    for k, v in el.attrib.items():
        if etree.QName(k).localname.lower() == low:
            return v
    return default


def text_of(el) -> str:
    return "".join(el.itertext()) if el is not None else ""


def where(el) -> str:
    """``TextSource 'P01.txt' (guid ..., line 12)``: names an element in error messages."""
    parts = [ln(el) or "element"]
    name = attr(el, "name")
    if name:
        parts.append(repr(name))
    extra = [f"guid {attr(el, 'guid')}"] if attr(el, "guid") else []
    if el.sourceline:
        extra.append(f"line {el.sourceline}")
    return " ".join(parts) + (f" ({', '.join(extra)})" if extra else "")


def xml_safe(text: str | None) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters, lone surrogates)."""
    return _XML_BAD.sub(" ", text or "")


def sub(parent, ns: str, name: str, attrib: dict | None = None, text: str | None = None):
    el = etree.SubElement(parent, f"{{{ns}}}{name}", {k: str(v) for k, v in (attrib or {}).items() if v is not None})
    if text is not None:
        el.text = xml_safe(text)
    return el


# --- GUIDs, colours, dates ----------------------------------------------------------------------------------------


def norm_guid(g: str | None) -> str:
    """GUIDs compare without braces and case: ``{ABC...}`` and ``abc...`` are the same object."""
    return (g or "").strip().strip("{}").strip().lower()


def make_guid(seed: str, *parts) -> str:
    """A GUID derived from the project and the object, so that exporting twice gives the same GUIDs."""
    return str(uuid.uuid5(_GUID_NS, "|".join(str(p) for p in (seed, *parts)))).upper()


def valid_rgb(color: str | None) -> bool:
    return bool(color) and bool(_RGB.match(color))


def parse_datetime(value: str | None) -> datetime | None:
    """xsd:dateTime to a naive UTC datetime. A value without a zone is taken as UTC; unreadable gives None."""
    if not value or not value.strip():
        return None
    v = value.strip().replace("z", "Z")
    m = re.match(r"^(.*T\d{2}:\d{2}:\d{2})(\.\d+)?(.*)$", v)
    if m and m.group(2) and len(m.group(2)) > 7:  # more than microseconds: drop the excess digits
        v = m.group(1) + m.group(2)[:7] + m.group(3)
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def format_datetime(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt.replace(microsecond=0).isoformat() + "Z"


# --- the toolkit's metadata block in descriptions -----------------------------------------------------------------


def with_meta(human: str | None, meta: dict) -> str:
    """``human`` followed by a blank line, the marker line and ``meta`` as YAML (readable in any other tool)."""
    block = META_MARK + "\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100000)
    return f"{human}\n\n{block}" if human else block


def split_meta(text: str | None) -> tuple[str, dict | None]:
    """Inverse of :func:`with_meta`: ``(human text, metadata or None)``. A broken block counts as no block."""
    text = text or ""
    if text.startswith(META_MARK + "\n"):
        human, block = "", text[len(META_MARK) + 1:]
    else:
        i = text.rfind("\n\n" + META_MARK + "\n")
        if i < 0:
            return text, None
        human, block = text[:i], text[i + len(META_MARK) + 3:]
    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError:
        return text, None
    return (human, meta) if isinstance(meta, dict) and meta.get("toolkit") else (text, None)


# --- zip archives -------------------------------------------------------------------------------------------------


class Archive:
    """A .qdpx opened for reading, every entry checked first; entries are read into memory, never extracted."""

    def __init__(self, path: str | Path, *, max_total: int = MAX_TOTAL_BYTES, max_ratio: int = MAX_RATIO):
        self.path = Path(path)
        self.file = str(path)
        if not self.path.is_file():
            raise InputError(self.file, "no such file")
        if not zipfile.is_zipfile(self.path):
            raise InputError(self.file, "not a zip archive (a .qdpx is a zip holding project.qde)")
        try:
            self.zip = zipfile.ZipFile(self.path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            raise InputError(self.file, f"unreadable zip archive: {e}") from None
        if len(infos) > MAX_ENTRIES:
            raise InputError(self.file, f"{len(infos)} entries in the archive (at most {MAX_ENTRIES})")
        self.budget = max_total
        total = 0
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            self._check_name(name)
            if info.flag_bits & 0x1:
                raise InputError(self.file, "encrypted entry; export the project without a password", f"entry {name}")
            total += info.file_size
            if total > max_total:
                raise InputError(self.file, f"the archive unpacks to more than {max_total} bytes (a zip bomb?)",
                                 f"entry {name}")
            if info.file_size > RATIO_MIN_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
                raise InputError(self.file, f"entry compresses {info.file_size // max(info.compress_size, 1)}:1 "
                                            f"(more than {max_ratio}:1; a zip bomb?)", f"entry {name}")
            if not name.endswith("/"):
                self.entries[name.replace("\\", "/")] = info
        self._lower = {}
        self._base = {}
        for name in self.entries:
            self._lower.setdefault(name.lower(), name)
            self._base.setdefault(PurePosixPath(name).name.lower(), []).append(name)

    def _check_name(self, name: str) -> None:
        n = name.replace("\\", "/")
        parts = PurePosixPath(n).parts
        if "\x00" in n or n.startswith("/") or re.match(r"^[A-Za-z]:", n) or ".." in parts:
            raise InputError(self.file, f"path {name!r} climbs out of the target folder", f"entry {name}")

    def close(self) -> None:
        self.zip.close()

    def project_entry(self) -> str:
        """``project.qde`` at the top (any case); else the single ``.qde`` file anywhere in the archive."""
        if "project.qde" in self._lower:
            return self._lower["project.qde"]
        qdes = [n for n in self.entries if n.lower().endswith(".qde")]
        if len(qdes) == 1:
            return qdes[0]
        found = ", ".join(sorted(self.entries)[:8]) or "nothing"
        raise InputError(self.file, f"no project.qde in the archive (found: {found})")

    def find_internal(self, target: str) -> str | None:
        """The entry for ``internal://target``: ``Sources/target`` in any case, else a unique entry of that name."""
        target = target.replace("\\", "/").lstrip("/")
        for folder in ("sources/", ""):
            hit = self._lower.get(folder + target.lower())
            if hit:
                return hit
        base = self._base.get(PurePosixPath(target).name.lower(), [])
        return base[0] if len(base) == 1 else None

    def read(self, name: str) -> bytes:
        """The bytes of one entry, counting what is really inflated against the archive's budget."""
        info = self.entries[name]
        out = bytearray()
        try:
            with self.zip.open(info) as fh:
                while chunk := fh.read(1 << 16):
                    out += chunk
                    self.budget -= len(chunk)
                    if self.budget < 0:
                        raise InputError(self.file, "the archive unpacks to more than allowed (a zip bomb?)",
                                         f"entry {name}")
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise InputError(self.file, f"corrupt entry: {e}", f"entry {name}") from None
        return bytes(out)


def internal_target(path: str, file: str, owner: str) -> str | None:
    """The file name inside the archive of a source path; None for an external source (``relative://``,
    ``absolute://``, ``file://``, URLs), which is never opened or fetched. A path climbing out raises."""
    p = path.strip()
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*)://(.*)$", p)
    if m and m.group(1).lower() != "internal":
        return None
    rest = (m.group(2) if m else p).replace("\\", "/")
    parts = PurePosixPath(rest.lstrip("/")).parts
    if ".." in parts or re.match(r"^[A-Za-z]:", rest) or "\x00" in rest:
        raise InputError(file, f"source path {path!r} climbs out of the archive's Sources folder", owner)
    return "/".join(parts)
