"""Every project setting in one place: its key, type and default; and the project's embedding model, decided here.

A project keeps its settings in the ``project_info`` table (key -> text). Only this module reads or writes that table
through ``store.core.get_setting``/``set_setting`` (``tests/project/test_architecture.py`` checks it): every other module
names a :class:`Setting` of :data:`REGISTRY` and calls :func:`read` / :func:`write`, so a key is spelled once, its
value is decoded one way, and a damaged value reads as the default instead of raising.

    settings.read(s, settings.UNIT, framework="lvi84")            # inside project.read() / project.transaction()
    settings.write(s, settings.LEAD_CODER, "ann")
    settings.model_choice(project)                                  # which embedding model, and why
    settings.project_embedder(project)                              # that model, loaded (the app, CLI, worker, teaching)

The project-level choices are each decided by one function that the app, the CLI, the background worker, teaching and
``evaluate`` all call: the embedding model by :func:`model_choice` (here), the unit of analysis of a framework by
``indexing.workspace.unit_of_analysis``, whose codings count as evidence (and the lead coder) by ``toolkit.evidence``.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from typing import Any

from .store import Project
from .store import core as db

__all__ = ["Setting", "REGISTRY", "read", "write", "NAME", "MODEL", "LEAD_CODER", "UNIT", "POSITION", "LEARNED",
           "BACKGROUND_TASK", "SUGGEST_FINGERPRINT", "SUGGEST_RESULT", "SUGGEST_LABELS", "ATTRIBUTE_TYPES", "ModelChoice",
           "model_choice",
           "project_embedder", "MULTILINGUAL_SHARE"]


@dataclass(frozen=True)
class Setting:
    """One setting: ``key`` may hold ``{placeholders}`` (``unit_of_analysis:{framework}``) filled by keyword."""

    key: str
    kind: type  # str, int, float, bool, dict or list (the last two stored as JSON)
    default: Any
    doc: str

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(f for _, f, _, _ in string.Formatter().parse(self.key) if f)

    def name(self, **parts: str) -> str:
        missing = set(self.parts) - set(parts)
        if missing:
            raise TypeError(f"setting {self.key!r} needs {', '.join(sorted(missing))}")
        return self.key.format(**{k: str(v) for k, v in parts.items()})


NAME = Setting("name", str, None, "The project's name (title blocks of every export); the file's stem when unset.")
MODEL = Setting("model_path", str, None,
                "The embedding model the user chose: a packaged model's name or a local folder; unset: decided by "
                "model_choice (the transcripts' language).")
LEAD_CODER = Setting("lead_coder", str, None,
                     "The coder whose codings are the evidence where there is no consensus; unset: the human coder "
                     "with most own codings (toolkit.evidence).")
UNIT = Setting("unit_of_analysis:{framework}", str, None,
               "The passage scheme a framework is indexed, compared and exported in (turn, paragraph, sentences:N); "
               "unset: indexing.units.DEFAULT_SCHEME.")
POSITION = Setting("position:{coder}:{framework}", dict, None,
                   "Where a coder last was in a framework's indexing: {transcript, passage}.")
LEARNED = Setting("learned:{framework}", dict, None,
                  "What 'Learn from my coding' chose for a framework: {selection, sha256} (travels with the project).")
BACKGROUND_TASK = Setting("task:suggest:{framework}", dict, None,
                          "Progress of the background suggestion task of a framework (toolkit.background).")
SUGGEST_FINGERPRINT = Setting("suggest:{framework}:{scheme}", str, None,
                              "Fingerprint of the inputs of the last whole-project suggestion run.")
SUGGEST_RESULT = Setting("suggest:{framework}:{scheme}:result", dict, None,
                         "Summary of the last whole-project suggestion run (returned when nothing changed).")
SUGGEST_LABELS = Setting("suggest:{framework}:{scheme}:labels", str, None,
                         "The labels the last whole-project suggestion run learned from, packed (the next run counts "
                         "the labels that changed).")

ATTRIBUTE_TYPES = Setting("attribute_types", dict, None,
                          "The type of each participant attribute: {name: category | number | date}; an attribute "
                          "not named is a category (toolkit.participants).")

#: every setting a project may hold; a key not matching one of these is never written
REGISTRY: tuple[Setting, ...] = (NAME, MODEL, LEAD_CODER, UNIT, POSITION, LEARNED, BACKGROUND_TASK,
                                 SUGGEST_FINGERPRINT, SUGGEST_RESULT, SUGGEST_LABELS, ATTRIBUTE_TYPES)


def _decode(setting: Setting, raw: str | None) -> Any:
    if raw is None:
        return setting.default
    try:
        if setting.kind in (dict, list):
            value = json.loads(raw)
            return value if isinstance(value, setting.kind) else setting.default
        if setting.kind is bool:
            return raw == "1"
        return setting.kind(raw)
    except (ValueError, TypeError):  # a damaged value reads as the default
        return setting.default


def _encode(setting: Setting, value: Any) -> str | None:
    if value is None:
        return None
    if setting.kind in (dict, list):
        return json.dumps(value, sort_keys=True)
    if setting.kind is bool:
        return "1" if value else "0"
    return str(value)


def read(s, setting: Setting, **parts: str) -> Any:
    """The setting's value in session ``s`` (its default when unset or unreadable)."""
    return _decode(setting, db.get_setting(s, setting.name(**parts)))


def write(s, setting: Setting, value: Any, **parts: str) -> None:
    """Store the setting's value in session ``s`` (None clears it); the caller's transaction commits it."""
    if setting not in REGISTRY:
        raise KeyError(f"not a registered setting: {setting.key!r}")
    db.set_setting(s, setting.name(**parts), _encode(setting, value))


# --- the embedding model ------------------------------------------------------------------------------------------

#: share of a project's transcript text that must be in a language other than English for the multilingual default
MULTILINGUAL_SHARE = 0.5


@dataclass(frozen=True)
class ModelChoice:
    """The embedding model of a project: ``model`` as ``load_embedder`` takes it (None: all-MiniLM-L6-v2), its
    display ``name``, and ``reason`` in words (chosen by the user, or the default for the transcripts' languages)."""

    model: str | None
    name: str
    reason: str
    chosen: bool


def model_choice(project: Project) -> ModelChoice:
    """The one rule for the project's embedding model: the user's choice (``model set``, the Project page) if any;
    else ``multilingual-e5-small`` when most of the transcripts' text is not English (language detected at import),
    else the packaged all-MiniLM-L6-v2."""
    from .embed import DEFAULT_MODEL, MULTILINGUAL_MODEL

    with project.read() as s:
        chosen = read(s, MODEL)
        langs = db.transcript_languages(s) if not chosen else {}
    if chosen:
        return ModelChoice(chosen, chosen, "chosen for this project", True)
    total = sum(langs.values())
    other = sum(n for lang, n in langs.items() if lang not in (None, "en"))
    if total and other / total > MULTILINGUAL_SHARE:
        share = round(100 * other / total)
        return ModelChoice(MULTILINGUAL_MODEL, MULTILINGUAL_MODEL,
                           f"default: {share} % of the transcripts' text is not in English", False)
    return ModelChoice(None, DEFAULT_MODEL, "default: the transcripts are mostly in English" if total else "default",
                       False)


def project_embedder(project: Project, override: str | None = None):
    """The embedder every suggestion, summary draft, map and teaching exercise of this project uses: ``override``
    (a command's ``--model``) when given, else :func:`model_choice`."""
    from .embed import load_embedder

    return load_embedder(override if override else model_choice(project).model)
