"""Select-to-code: the transcript in a small hand-written component (``index.html``, ``main.js``, ``style.css``:
offline, no build step). Select any span, within a turn or across turns, pick codes from a searchable picker (the
keyboard works), and the span is coded with its exact character offsets; stripes in the margin show which codes
cover each line; a click on a highlight or a stripe lists the codings there, with Remove; the bar offers Undo.

The page passes ``SelectionView.component_args()``; ``on_action`` turns what the browser sends into one toolkit call
(``indexing.selection.code_selection``, ``indexing.decisions.remove_code`` / ``undo``, or a memo).
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components
from toolkit.app.common import act

from toolkit import familiarize as fam
from toolkit.errors import ToolkitError
from toolkit.indexing import decisions as dec
from toolkit.indexing import selection

_component = components.declare_component("select_code", path=str(Path(__file__).resolve().parent))
LAST = "_select_code_last"  # session key: the last action here, for the bar's Undo


def select_code(view_args: dict, *, key: str, sig: str, height: int = 560, mode: str = "code", on_change=None,
                args: tuple = ()) -> dict | None:
    """Draw the component; returns the last value it sent (also in ``st.session_state[key]``)."""
    last = st.session_state.get(LAST) if mode == "code" else None
    callback = functools.partial(on_change, *args) if on_change else None  # the component passes no args itself
    return _component(**view_args, sig=sig, height=height, mode=mode, last=last, key=key, default=None,
                      on_change=callback)


def _fresh(key: str) -> dict | None:
    value = st.session_state.get(key)
    if not isinstance(value, dict) or value.get("nonce") == st.session_state.get(key + "_done"):
        return None  # nothing new (a rerun sends the last value again)
    st.session_state[key + "_done"] = value.get("nonce")
    return value


def on_action(key: str, project, framework: str, transcript: str, coder: str) -> None:
    """The component's ``on_change``: do what the browser asked, as one toolkit action (run as a callback)."""
    v = _fresh(key)
    if v is None:
        return
    kind = v.get("action")
    if kind == "code":
        out = act(selection.code_selection, project, framework, transcript, int(v["start"]), int(v["end"]),
                  [str(c) for c in v.get("codes") or []], coder=coder, cli="index code --framework --coder",
                  rerun="callback", done=lambda r: coded_words(r["text"], v["codes"]))
        if out:
            st.session_state[LAST] = {"decision": out["decision"], "label": coded_words(out["text"], v["codes"])}
    elif kind == "remove":
        did = act(dec.remove_code, project, int(v["coding"]), coder=coder, cli="index uncode --coder",
                  rerun="callback", done="Removed the coding.")
        if did:
            st.session_state[LAST] = {"decision": did, "label": "Removed a coding."}
    elif kind == "undo":
        if act(dec.undo, project, int(v["decision"]), coder=coder, cli="index undo --coder", rerun="callback",
               done="Undone.") is not None:
            st.session_state.pop(LAST, None)


def quote_start(text: str, words: int = 8) -> str:
    """The first words of a span, to name it in a message (never its character offsets: they mean nothing to a
    reader)."""
    parts = str(text).split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def coded_words(text: str, codes) -> str:
    return f"Coded \u201c{quote_start(text)}\u201d with {', '.join(str(c) for c in codes)}."


def on_memo(key: str, project, transcript: str, coder: str) -> None:
    """The memo mode's ``on_change`` (Familiarize): a memo on the selected span."""
    v = _fresh(key)
    if v is None or v.get("action") != "memo":
        return
    try:
        a, b = selection.trimmed_span(project, transcript, int(v["start"]), int(v["end"]))
    except ToolkitError as e:
        st.session_state["_flash_error"] = str(e)
        return
    act(fam.add_memo, project, str(v.get("text") or ""), author=coder, transcript=transcript, start=a, end=b,
        cli="memo add --transcript --start --end --title", rerun="callback",
        done=f"Memo saved on \u201c{quote_start(str(v.get('selected') or ''))}\u201d.")
