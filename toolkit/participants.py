"""Cases and attributes: every participant's attributes as a sheet to see and edit, typed attributes (category,
number, date), CSV/XLSX import and export, and the participant filter every chart, map, finding and export can take.

    flt = ParticipantFilter.parse(["group=GP", "group=radiologist", "setting=rural"])
    # (group is GP or radiologist) and setting is rural: different attributes AND, the same attribute twice OR

The filter is applied in one place, the evidence (``toolkit.evidence.resolve(..., where=flt)``), so every consumer
of the evidence agrees, and its ``describe()`` line is printed in every export's title block with the evidence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from . import settings
from .errors import InputError, NotFoundError
from .store import Project
from .store import core as db
from .store.events import Action

__all__ = ["ATTRIBUTE_TYPES", "ParticipantFilter", "add_attribute", "attribute_types", "check_value",
           "export_participants", "import_participants", "import_participants_upload", "participants_table", "save_table", "set_attributes"]

ATTRIBUTE_TYPES = ("category", "number", "date")
FIXED = ("id", "pseudonym")
_NAME = re.compile(r"^[^\x00-\x1f\x7f=,]{1,60}$")


# --- the filter ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantFilter:
    """Participants whose attributes match: each ``(attribute, values)`` pair must hold (AND), and within a pair any
    of the values may (OR). Values compare as text, ignoring case and surrounding spaces."""

    conditions: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def parse(cls, items: Iterable[str] | None, *, source: str | None = None) -> ParticipantFilter:
        """From ``ATTR=VALUE`` strings (the CLI's ``--where``); a malformed one is refused naming it."""
        out: dict[str, list[str]] = {}
        for item in items or ():
            if "=" not in str(item):
                raise InputError(source, f"--where {item!r}: write ATTRIBUTE=VALUE, e.g. group=GP")
            k, v = (x.strip() for x in str(item).split("=", 1))
            if not k or not v:
                raise InputError(source, f"--where {item!r}: both the attribute and the value are needed")
            out.setdefault(k, [])
            if v not in out[k]:
                out[k].append(v)
        return cls(tuple((k, tuple(v)) for k, v in out.items()))

    @classmethod
    def of(cls, mapping: Mapping[str, Iterable[str]]) -> ParticipantFilter:
        """From ``{attribute: [values]}`` (a page's pickers); empty value lists are left out."""
        return cls(tuple((k, tuple(str(x) for x in v)) for k, v in mapping.items() if list(v)))

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def matches(self, attributes: Mapping[str, object]) -> bool:
        for attr, values in self.conditions:
            have = str(attributes.get(attr) if attributes.get(attr) is not None else "").strip().casefold()
            if have not in {v.strip().casefold() for v in values}:
                return False
        return True

    def describe(self) -> str:
        """The line an export's title block prints, e.g. ``Participants: group = GP or radiologist; setting = rural``."""
        if not self:
            return "Participants: all"
        return "Participants: " + "; ".join(f"{a} = {' or '.join(v)}" for a, v in self.conditions)

    def select(self, participants: list[dict]) -> frozenset[str]:
        """The ids of the matching participants (dicts as ``store.core.participants`` gives them). An attribute no
        participant has, or a filter nobody matches, is refused with the values there are."""
        known: dict[str, set[str]] = {}
        for p in participants:
            for k, v in p.items():
                if k not in FIXED and v not in (None, ""):
                    known.setdefault(k, set()).add(str(v))
        for attr, _values in self.conditions:
            if attr not in known:
                raise NotFoundError(f"no participant attribute {attr!r} (known: {', '.join(known) or 'none'})")
        ids = frozenset(p["id"] for p in participants if self.matches(p))
        if self and not ids:
            detail = "; ".join(f"{a}: {', '.join(sorted(known[a]))}" for a, _ in self.conditions)
            raise InputError(None, f"no participant matches {self.describe().removeprefix('Participants: ')} "
                                   f"(values there are: {detail})")
        return ids


# --- typed attributes ---------------------------------------------------------------------------------------------


def _types(s) -> dict[str, str]:
    got = settings.read(s, settings.ATTRIBUTE_TYPES) or {}
    return {str(k): str(v) for k, v in got.items() if v in ATTRIBUTE_TYPES}


def attribute_types(project: Project) -> dict[str, str]:
    """Every attribute of the project with its type (``category`` unless set otherwise), in first-seen order."""
    with project.read() as s:
        types = _types(s)
        names = db.attribute_names(s)
    return {n: types.get(n, "category") for n in [*names, *(t for t in types if t not in names)]}


def check_value(value, kind: str) -> str:
    """The stored text of ``value`` for an attribute of type ``kind`` ("" for empty); ``ValueError`` saying why not."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp | date):
        value = value.isoformat()[:10]
    text = str(value).strip()
    if not text:
        return ""
    if any(ord(ch) < 32 and ch not in "\t" for ch in text):
        raise ValueError("control characters are not allowed")
    if kind == "number":
        try:
            x = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        if not math.isfinite(x):
            raise ValueError(f"{text!r} is not a finite number")
        return str(int(x)) if x.is_integer() else repr(x)
    if kind == "date":
        try:
            return date.fromisoformat(text[:10] if len(text) > 10 and text[10] in " T" else text).isoformat()
        except ValueError:
            raise ValueError(f"{text!r} is not a date (write YYYY-MM-DD)") from None
    return text


def _check_name(name: str) -> str:
    clean = (name or "").strip()
    if not _NAME.match(clean) or clean in FIXED:
        raise InputError(None, f"{name!r} cannot be an attribute name (1-60 characters, no control characters, "
                               f"'=' or ',', not {' or '.join(FIXED)})")
    return clean


def add_attribute(project: Project, name: str, kind: str = "category", *, actor: str | None = None) -> str:
    """Add an attribute (or set an existing one's type, if every value fits it); returns the name."""
    if kind not in ATTRIBUTE_TYPES:
        raise InputError(None, f"attribute type must be one of {', '.join(ATTRIBUTE_TYPES)}, not {kind!r}")
    clean = _check_name(name)
    with project.transaction(Action.ATTRIBUTE_ADD, actor=actor, payload={"name": clean, "type": kind}) as s:
        for p in db.participants(s):
            if p.get(clean) not in (None, ""):
                try:
                    check_value(p[clean], kind)
                except ValueError as e:
                    raise InputError(None, f"{clean} cannot be a {kind}: participant {p['id']}: {e}") from None
        types = _types(s)
        types[clean] = kind
        settings.write(s, settings.ATTRIBUTE_TYPES, types)
    return clean


def participants_table(project: Project) -> pd.DataFrame:
    """One row per participant (``id``, ``pseudonym``, then each attribute as text), in id order."""
    types = attribute_types(project)
    with project.read() as s:
        rows = db.participants(s)
    cols = ["id", "pseudonym", *types]
    return pd.DataFrame([{c: (r.get(c) if r.get(c) is not None else "") for c in cols} for r in rows], columns=cols)


def _clean_row(pid: str, values: Mapping[str, object], types: dict[str, str], where: str | None,
               place: str) -> dict[str, str]:
    out = {}
    for k, v in values.items():
        if k in FIXED:
            continue
        kind = types.get(k, "category")
        try:
            out[k] = check_value(v, kind)
        except ValueError as e:
            raise InputError(where, f"column {k!r} ({kind}): {e}", place=place) from None
    return out


def set_attributes(project: Project, participant: str, values: Mapping[str, object], *,
                   actor: str | None = None) -> dict[str, str]:
    """Set one participant's attributes (an empty value removes it; a new name becomes a category attribute);
    returns the values stored."""
    with project.transaction(Action.PARTICIPANT_SET, actor=actor,
                             payload={"participant": participant, "values": {k: str(v) for k, v in values.items()}}) as s:
        types = _types(s)
        for k in values:
            _check_name(k)
        clean = _clean_row(participant, values, types, None, f"participant {participant}")
        db.set_participant_attributes(s, participant, clean)
        return clean


def save_table(project: Project, table: pd.DataFrame, *, actor: str | None = None) -> int:
    """Save a whole edited sheet (as ``participants_table`` gives it) in one action: every value is checked first,
    and a bad one is refused naming its row and column, with nothing saved. Returns the participants changed."""
    before = participants_table(project).set_index("id")
    types = attribute_types(project)
    changes: dict[str, dict[str, str]] = {}
    for n, rec in enumerate(table.to_dict("records"), start=1):
        pid = str(rec.get("id") or "").strip()
        if pid not in before.index:
            raise InputError(None, f"row {n}: no participant {pid!r} in this project (add participants by "
                                   "importing their transcripts)", place=f"row {n}")
        clean = _clean_row(pid, {k: v for k, v in rec.items() if k != "id"}, types, None, f"row {n} ({pid})")
        old = {k: str(before.at[pid, k]) if k in before.columns else "" for k in clean}
        diff = {k: v for k, v in clean.items() if v != old.get(k, "")}
        if diff:
            changes[pid] = diff
    if not changes:
        return 0
    with project.transaction(Action.PARTICIPANT_SET, actor=actor, payload={"participants": sorted(changes)}) as s:
        for pid, diff in changes.items():
            db.set_participant_attributes(s, pid, diff)
    return len(changes)


def import_participants(project: Project, path: str | Path, *, actor: str | None = None):
    """Import attributes from CSV/XLSX (``toolkit.ingest.attributes``), every value checked against its attribute's
    type first (a bad one names the file, row and column; nothing is imported)."""
    from . import project as proj
    from .ingest import read_attributes

    types = attribute_types(project)
    for row in read_attributes(path):
        _clean_row(row["id"], row.get("attributes") or {}, types, str(path), f"row {row['row']}")
    return proj.import_attributes(project, path, actor=actor)


def export_participants(project: Project, path: str | Path) -> Path:
    """Write the sheet to ``path`` (.csv or .xlsx) through ``toolkit.safeio`` (formula-like cells neutralised)."""
    from .safeio import write_csv

    df = participants_table(project)
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        from .safeio import save_atomic, xlsx_cell

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("participants")
        ws.append([xlsx_cell(ws, c) for c in df.columns])
        for rec in df.itertuples(index=False):
            ws.append([xlsx_cell(ws, v) for v in rec])
        return save_atomic(wb, path)
    if path.suffix.lower() != ".csv":
        raise InputError(str(path), "export the participants as .csv or .xlsx")
    return write_csv(df, path, index=False)


def import_participants_upload(project: Project, name: str, data: bytes, *, actor: str | None = None):
    """``import_participants`` of an upload given as ``(name, bytes)``: only its base name is used, inside a private
    temporary folder removed afterwards."""
    from .safeio import private_dir, upload_path

    with private_dir() as tmp:
        path = upload_path(tmp, name, prefix="attributes-")
        path.write_bytes(data)
        return import_participants(project, path, actor=actor)
