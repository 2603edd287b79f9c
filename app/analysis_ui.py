"""Widgets shared by the chart, map, interpret and teaching pages: the evidence picker, the participant filter and
quiet action messages."""

from __future__ import annotations

import streamlit as st
from toolkit.app.common import md, project

from toolkit import evidence
from toolkit.participants import ParticipantFilter

DEFAULT_LABEL = "Default: consensus where it exists, else the lead coder"


def evidence_picker(key: str = "evidence", *, viewer: str | None = None) -> tuple[list[str] | None, evidence.Evidence]:
    """A coder-set picker (shared across pages by its key) and the evidence it resolves to; shows the evidence line.
    ``viewer``: the person asking (blind coding: the picker counts, and the evidence keeps, only what they may see).

    Returns ``(coders, evidence)``: ``coders`` is None for the default, else the chosen coder names.
    """
    p = project()
    eligible = evidence.eligible_coders(p, viewer=viewer)
    options = [evidence.DEFAULT] + [c["name"] for c in eligible]
    roles = {c["name"]: c for c in eligible}
    if st.session_state.get(key) not in options:
        st.session_state[key] = evidence.DEFAULT
    choice = st.selectbox("Evidence (whose codings)", options, key=key,
                          format_func=lambda c: DEFAULT_LABEL if c == evidence.DEFAULT else
                          f"{c} ({roles[c]['codings']} codings{', ' + roles[c]['role'] if roles[c]['role'] else ''})",
                          help="Charts, maps, findings and every export rest on these codings. Students' practice "
                               "codings, model drafts and open suggestions never count here (see Teaching mode).")
    coders = None if choice == evidence.DEFAULT else [choice]
    ev = evidence.resolve(p, coders, viewer=viewer)
    st.caption(md(ev.describe()))
    return coders, ev




@st.cache_data(show_spinner=False, max_entries=8)
def _attribute_values(path: str, v: int) -> dict[str, list[str]]:
    from toolkit import participants

    table = participants.participants_table(project())
    return {c: sorted({str(x) for x in table[c] if str(x).strip()}) for c in table.columns if c not in ("id", "pseudonym")}


def participant_filter(key: str = "where") -> ParticipantFilter:
    """Pickers of attribute values (shared across pages by their keys): only the participants with these values
    count (values of one attribute: either; different attributes: all). Shows the filter's line when one is set."""
    from toolkit.app.common import version

    p = project()
    values = _attribute_values(str(p.path), version())
    chosen = {}
    with st.popover("Filter participants", icon=":material/filter_alt:"):
        for attr, opts in values.items():
            k = f"{key}_{attr}"
            if any(x not in opts for x in st.session_state.get(k, [])):
                st.session_state[k] = [x for x in st.session_state[k] if x in opts]
            chosen[attr] = st.multiselect(attr, opts, key=k, placeholder="all")
    flt = ParticipantFilter.of(chosen)
    if flt:
        st.caption(md(flt.describe()))
    return flt
