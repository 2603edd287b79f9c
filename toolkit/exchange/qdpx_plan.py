"""What reading a .qdpx archive produces before anything is written: the import plan (sources, codings, notes,
the codebook, users, participants) that ``qdpx_load.apply_plan`` writes to a project in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..models import ParsedTranscript
from .qdc import Codebook


@dataclass
class SourcePlan:
    guid: str
    name: str
    parsed: ParsedTranscript
    sha256: str
    place: str
    created: datetime | None = None
    participant: str | None = None
    meta: dict = field(default_factory=dict)


@dataclass
class CodingPlan:
    guid: str
    source: str
    start: int
    end: int
    code: tuple[str, str]  # (framework id, code id)
    coder: str
    created: datetime | None


@dataclass
class NotePlan:
    guid: str
    kind: str  # memo | summary | key_element
    title: str | None
    text: str
    author: str | None
    created: datetime | None
    updated: datetime | None
    meta: dict = field(default_factory=dict)
    source: str | None = None
    start: int | None = None
    end: int | None = None
    code: tuple[str, str] | None = None
    participant: str | None = None
    place: str = ""


@dataclass
class ImportPlan:
    file: str
    name: str
    codebook: Codebook
    users: list[str] = field(default_factory=list)  # every user's name (they become coders)
    participants: dict[str, dict] = field(default_factory=dict)  # id -> {"attributes": {}, "pseudonym": None}
    sources: list[SourcePlan] = field(default_factory=list)
    codings: list[CodingPlan] = field(default_factory=list)
    notes: list[NotePlan] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
