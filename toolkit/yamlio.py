"""Reading the toolkit's YAML data files safely, with line numbers for every error.

- Safe loading only (no Python objects), files above ``FA_MAX_FRAMEWORK_MB`` refused before reading, and YAML aliases
  (``*name``) refused where they occur: they are how "billion laughs" files expand, and the formats never need them.
- Every mapping remembers its line (``__line__``) and the line of each key (``__keys__``), so a wrong type or an
  unknown key is reported at its place, with the closest known key (difflib) for a misspelling.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from .errors import InputError
from .limits import check_size

META = ("__line__", "__keys__")


class LineLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and records line numbers."""

    def compose_node(self, parent, index):  # noqa: ANN001
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"YAML aliases ({'*' + event.anchor}) are not allowed in these files; write the value "
                            "out instead", event.start_mark)
        return super().compose_node(parent, index)


def _construct_mapping(loader, node, deep=False):  # noqa: ANN001
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__keys__"] = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> dict:
    """The top-level mapping of a YAML data file, or an ``InputError`` naming the file and line."""
    try:
        check_size(path, path.stat().st_size, "FA_MAX_FRAMEWORK_MB", "the file")
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from None
    if not raw.strip():
        raise InputError(path, "empty file")
    try:
        data = yaml.load(raw, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark else None
        raise InputError(path, f"invalid YAML: {getattr(e, 'problem', e)}", place) from None
    except RecursionError:
        raise InputError(path, "invalid YAML: nested too deeply") from None
    if not isinstance(data, dict):
        raise InputError(path, "expected a mapping at the top level (kind: framework | crosswalk | measures)")
    return data


def line(d) -> str | None:  # noqa: ANN001
    return f"line {d['__line__']}" if isinstance(d, dict) and "__line__" in d else None


def key_line(d, key: str) -> str | None:  # noqa: ANN001
    """The line of ``key`` in mapping ``d`` (else the mapping's own line)."""
    if isinstance(d, dict) and key in (d.get("__keys__") or {}):
        return f"line {d['__keys__'][key]}"
    return line(d)


def check_keys(d: dict, known: tuple[str, ...], path: Path, what: str) -> None:
    """Refuse a key of ``d`` that is not in ``known``, naming it, its line and the closest known key."""
    for key in d:
        if key in META or key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
        raise InputError(path, f"unknown key {key!r} in {what}{hint}", key_line(d, key))


def text(d: dict, key: str, path: Path, what: str) -> str:
    """``d[key]`` as stripped text; a mapping, list or yes/no where text belongs is refused at its line."""
    v = d.get(key)
    if v is None:
        return ""
    if isinstance(v, dict | list | bool):
        kind = {dict: "a mapping", list: "a list", bool: "yes/no"}[type(v)]
        raise InputError(path, f"{what}: {key!r} must be text, not {kind}", key_line(d, key))
    return str(v).strip()


def seq(d: dict, key: str, path: Path, what: str, *, of_mappings: bool = False) -> list:
    """``d[key]`` as a list (missing: empty); anything else is refused at its line."""
    v = d.get(key)
    if v is None:
        return []
    if not isinstance(v, list):
        raise InputError(path, f"{what}: {key!r} must be a list, not {_kind(v)}", key_line(d, key))
    if of_mappings:
        for item in v:
            if not isinstance(item, dict):
                raise InputError(path, f"{what}: each entry of {key!r} must be a mapping, not {_kind(item)}",
                                 key_line(d, key))
    return v


def _kind(v) -> str:  # noqa: ANN001
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    return f"{type(v).__name__} {v!r}"[:60]


def strip_meta(v):  # noqa: ANN001
    """``v`` without the line-number entries (for storing free-form records)."""
    if isinstance(v, dict):
        return {k: strip_meta(x) for k, x in v.items() if k not in META}
    if isinstance(v, list):
        return [strip_meta(x) for x in v]
    return v
