"""Plain data objects passed between the stages. No database, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["interviewer", "participant", "unknown"]

#: what a framework, category or code id may be made of (YAML frameworks and codebook CSVs alike)
ID_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")


def clean_text(v) -> str:
    """A text field as read from a file: None as "", surrounding space dropped."""
    return "" if v is None else str(v).strip()


@dataclass
class Turn:
    """A speaker turn found by a reader: ``text[start:end]`` is the spoken text (without the speaker label)."""

    start: int
    end: int
    speaker: str | None = None
    role: Role = "unknown"
    t_start: float | None = None  # seconds from the start of the recording, where the source has them
    t_end: float | None = None


@dataclass
class ParsedTranscript:
    """What a reader returns: the text to store and the turns in it."""

    text: str
    turns: list[Turn]
    format: str  # txt | md | docx | vtt | srt | qdpx
    encoding: str | None = None
    language: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Code:
    id: str
    label: str
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    ring: str | None = None
    kind: str | None = None
    category_id: str | None = None
    color: str | None = None
    parent: str | None = None  # id of the parent code (same framework and category); None: directly under the category


@dataclass
class Category:
    id: str
    label: str
    description: str = ""
    codes: list[Code] = field(default_factory=list)
    color: str | None = None


@dataclass
class Framework:
    id: str
    name: str
    categories: list[Category]
    version: str = ""
    language: str = "en"
    description: str = ""
    rings: list[dict] = field(default_factory=list)
    source_file: str | None = None

    @property
    def codes(self) -> list[Code]:
        return [c for cat in self.categories for c in cat.codes]

    def code(self, code_id: str) -> Code:
        for c in self.codes:
            if c.id == code_id:
                return c
        raise KeyError(code_id)
