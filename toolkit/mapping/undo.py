"""Undo of mapping edits, last edit first, per framework.

Every edit of a framework's key elements, dimensions and categories (proposing, accepting, renaming, merging,
moving, adding, deleting) runs in ``edit(...)``: in the edit's own transaction the framework's rows are read before
and after, and the rows that differ are kept in the undo log as a ``MapChange`` (each touched row as it was and as
the edit left it; a row the edit created has no "before", a row it deleted no "after"), with the edit in words.
``undo`` puts the newest edit not yet undone back: it first checks that every touched row is still exactly as the
edit left it and that the rows put back are whole (their summary, quotes, dimension and category exist; no row left
behind points at a row taken away), else it refuses and changes nothing. The undo is an event (who, when, what was
undone) and marks the log row undone, so the next undo takes the edit before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import ConflictError, InputError
from ..store import Project, set_event
from ..store import core as db
from ..store import mapping_undo as mu
from ..store.events import Action
from ..store.mapping_undo import MapRows

KIND_WORDS = {"elements": "key element", "dimensions": "key dimension", "categories": "category"}
_KINDS = mu.KINDS


@dataclass
class MapChange:
    """The rows one edit touched: ``before`` as they were (created rows absent), ``after`` as the edit left them
    (deleted rows absent)."""

    before: MapRows = field(default_factory=MapRows)
    after: MapRows = field(default_factory=MapRows)

    @classmethod
    def between(cls, old: MapRows, new: MapRows) -> MapChange:
        out = cls()
        for kind in _KINDS:
            a, b = getattr(old, kind), getattr(new, kind)
            for i in set(a) | set(b):
                if a.get(i) != b.get(i):
                    if i in a:
                        getattr(out.before, kind)[i] = a[i]
                    if i in b:
                        getattr(out.after, kind)[i] = b[i]
        return out

    def empty(self) -> bool:
        return not any(getattr(self.before, k) or getattr(self.after, k) for k in _KINDS)

    def to_json(self) -> dict:
        return {"before": self.before.to_json(), "after": self.after.to_json()}

    @classmethod
    def from_json(cls, data: dict) -> MapChange:
        return cls(MapRows.from_json(data["before"]), MapRows.from_json(data["after"]))


@dataclass(frozen=True)
class Undone:
    """What an undo put back: the log row, the edit's action and the edit in words."""

    undo_id: int
    action: str
    what: str


# --- recording ----------------------------------------------------------------------------------------------------


@contextmanager
def edit(project: Project, action: Action, *, actor: str | None, payload: dict) -> Iterator:
    """``project.transaction`` for a mapping edit of ``payload["framework"]``, recorded for undo in the same
    transaction (an edit that changed nothing is not recorded)."""
    framework_id = payload["framework"]
    with project.transaction(action, actor=actor, payload=payload) as s:
        db.lock(s, "map-edit", framework_id)  # one edit of a framework's mapping at a time: diffs stay its own
        old = mu.map_rows(s, framework_id)
        yield s
        new = mu.map_rows(s, framework_id)
        change = MapChange.between(old, new)
        if not change.empty():
            mu.add_undo(s, framework_id, action.value, describe(action, payload, old, new, change), change.to_json(),
                        actor)


# --- undoing ------------------------------------------------------------------------------------------------------


def last_edit(project: Project, framework_id: str) -> str | None:
    """The edit an undo would undo now, in words (None: nothing to undo)."""
    with project.read() as s:
        entry = mu.last_undo(s, framework_id)
    return entry.what if entry else None


def undo(project: Project, framework_id: str, *, actor: str | None = None) -> Undone:
    """Undo the framework's newest mapping edit not undone yet: every row it touched back exactly as it was.

    Refused with ``InputError`` when there is nothing to undo, and with ``ConflictError`` (nothing changed) when a
    later change that cannot be undone here touched the same rows, or something the rows need is gone."""
    with project.transaction(Action.MAP_UNDO, actor=actor, payload={"framework": framework_id}) as s:
        db.get_framework(s, framework_id)  # names the known frameworks when unknown
        db.lock(s, "map-edit", framework_id)
        entry = mu.last_undo(s, framework_id)
        if entry is None:
            raise InputError(None, f"nothing to undo in the mapping of framework {framework_id!r}")
        change = MapChange.from_json(entry.change)
        now = mu.map_rows(s, framework_id)
        problem = _problem(s, framework_id, change, now)
        if problem:
            raise ConflictError(f"cannot undo the {entry.what} cleanly: {problem}; nothing was changed")
        drop = MapRows(**{k: {i: r for i, r in getattr(change.after, k).items()
                              if i not in getattr(change.before, k)} for k in _KINDS})
        mu.put_back(s, framework_id, change.before, drop)
        back = mu.map_rows(s, framework_id)
        for kind in _KINDS:  # a last look: the touched rows are exactly as before the edit
            now_k, before_k = getattr(back, kind), getattr(change.before, kind)
            touched = set(before_k) | set(getattr(change.after, kind))
            if {i: now_k[i] for i in touched if i in now_k} != before_k:
                raise ConflictError(f"cannot undo the {entry.what} cleanly ({KIND_WORDS[kind]}s differ); "
                                    "nothing was changed")
        mu.mark_undone(s, entry.id, actor)
        set_event(s, Action.MAP_UNDO, actor=actor,
                  payload={"framework": framework_id, "undid": entry.id, "action": entry.action, "what": entry.what})
    return Undone(entry.id, entry.action, entry.what)


def _problem(s, framework_id: str, change: MapChange, now: MapRows) -> str | None:
    """Why putting ``change.before`` back would not be clean, or None."""
    for kind in _KINDS:
        after, current = getattr(change.after, kind), getattr(now, kind)
        for i in set(getattr(change.before, kind)) | set(after):
            if after.get(i) != current.get(i):
                return f"{KIND_WORDS[kind]} {i} has changed since"
    # the state the undo would leave: now, with the touched rows as they were before the edit
    result = MapRows(**{k: {**{i: r for i, r in getattr(now, k).items() if i not in getattr(change.after, k)},
                            **getattr(change.before, k)} for k in _KINDS})
    for e in result.elements.values():
        if e.dimension_id is not None and e.dimension_id not in result.dimensions:
            return f"key element {e.id} would name key dimension {e.dimension_id}, which would not exist"
    for d in result.dimensions.values():
        if d.category_id is not None and d.category_id not in result.categories:
            return f"key dimension {d.id} would name category {d.category_id}, which would not exist"
    back = change.before.elements.values()
    if gone := mu.missing_summaries(s, framework_id, {e.summary_id for e in back if e.summary_id is not None}):
        return f"summary {gone[0]} no longer exists"
    if gone := mu.missing_codings(s, {q for e in back for q in e.quotes}):
        return f"the coded passage (coding {gone[0]}) a key element quotes no longer exists"
    return None


# --- the edit in words --------------------------------------------------------------------------------------------


def _q(label: str) -> str:
    label = " ".join(str(label).split())
    return f"'{label[:57]}…'" if len(label) > 60 else f"'{label}'"


def _names(labels: list[str]) -> str:
    shown = [_q(x) for x in labels[:3]]
    if len(labels) > 3:
        return ", ".join(shown) + f" and {len(labels) - 3} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _labels(rows: MapRows, kind: str, ids) -> list[str]:
    have = getattr(rows, kind)
    return [have[int(i)].label if int(i) in have else f"#{i}" for i in dict.fromkeys(ids)]


def _things(rows: MapRows, kind: str, ids) -> str:
    labels = _labels(rows, kind, ids)
    word = KIND_WORDS[kind]
    return f"{word}{'' if len(labels) == 1 else 's'} {_names(labels)}" if labels else f"no {word}s"


_RENAMES = {Action.MAP_RENAME_ELEMENT: "elements", Action.MAP_RENAME_DIMENSION: "dimensions",
            Action.MAP_RENAME_CATEGORY: "categories"}
_REMOVES = {Action.MAP_REMOVE_ELEMENT: "elements", Action.MAP_REMOVE_DIMENSION: "dimensions",
            Action.MAP_REMOVE_CATEGORY: "categories"}
_MOVES = {Action.MAP_MOVE_ELEMENT: ("elements", "dimensions", "dimension_id"),
          Action.MAP_MOVE_DIMENSION: ("dimensions", "categories", "category_id")}


def describe(action: Action, payload: dict, old: MapRows, new: MapRows, change: MapChange) -> str:
    """A mapping edit in words, e.g. "merge of 'Lack of local guidelines' and 'No shared protocol' into 'Lack of
    local guidelines'"."""
    created = {k: [i for i in getattr(change.after, k) if i not in getattr(change.before, k)] for k in _KINDS}
    if action in (Action.MAP_MERGE_ELEMENTS, Action.MAP_MERGE_DIMENSIONS):
        kind = "elements" if action == Action.MAP_MERGE_ELEMENTS else "dimensions"
        ids = list(dict.fromkeys(payload[kind]))
        return f"merge of {_names(_labels(old, kind, ids))} into {_q(_labels(new, kind, ids[:1])[0])}"
    if action in _RENAMES:
        kind = _RENAMES[action]
        return (f"rename of {KIND_WORDS[kind]} {_q(_labels(old, kind, [payload['id']])[0])} "
                f"to {_q(_labels(new, kind, [payload['id']])[0])}")
    if action in _MOVES:
        kind, into, column = _MOVES[action]
        ids = list(dict.fromkeys(payload[kind]))
        target = getattr(getattr(new, kind).get(int(ids[0])), column, None) if ids else None
        where = ("out of their " + KIND_WORDS[into] if target is None
                 else f"to {'new ' if target in created[into] else ''}{KIND_WORDS[into]} "
                      f"{_q(_labels(new, into, [target])[0])}")
        return f"move of {_things(old, kind, ids)} {where}"
    if action == Action.MAP_ACCEPT:
        parts = [_things(old, k, payload[k]) for k in ("elements", "dimensions") if payload.get(k)]
        return "accept of " + (" and ".join(parts) or "nothing")
    if action in _REMOVES:
        return f"deletion of {_things(old, _REMOVES[action], payload['ids'])}"
    if action == Action.MAP_ADD_ELEMENT:
        return f"addition of {_things(new, 'elements', created['elements'])}"
    if action == Action.MAP_ADD_CATEGORY:
        return f"addition of {_things(new, 'categories', created['categories'])}"
    if action == Action.MAP_PROPOSE_ELEMENTS:
        return f"proposal of {len(created['elements'])} key element(s)"
    if action == Action.MAP_PROPOSE_DIMENSIONS:
        return f"proposal of {len(created['dimensions'])} key dimension(s)"
    if action == Action.MAP_PROPOSE_CATEGORIES:
        n = sum(1 for i in change.after.dimensions if i in change.before.dimensions)
        return f"proposal of categories for {n} key dimension(s)"
    return str(action.value)
