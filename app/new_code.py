""""New code from this passage": a small form shared by the Familiarize and Index pages (the passage becomes the new
code's first example and its first coding). Only for those who may edit the framework (the lead, on a team server)."""

import streamlit as st
from toolkit.app.common import act, coder, md, project, structure_version, user

from toolkit import codebook as cb
from toolkit import overview


def new_code_form(p, framework_id: str, transcript: str, start: int, end: int, *, key: str,
                  categories: list[tuple[str, str]] | None = None, sv: int | None = None) -> None:
    """An expander with the form; ``categories``: (id, label) pairs to choose from (default: the framework's);
    ``sv``: the page's ``structure_version()`` when it has read it already."""
    me = user()
    if me is not None and not me.can("frameworks"):
        return
    with st.expander("New code from this passage"):
        if categories is None:
            categories = _categories(str(p.path), framework_id, structure_version() if sv is None else sv)
        with st.form(f"new_code_{key}", clear_on_submit=True):
            st.caption(f"In framework **{md(framework_id)}**: the passage becomes the code's first example and its "
                       "first coding (yours).")
            c1, c2 = st.columns(2)
            cid = c1.text_input("Code id", key=f"nc_id_{key}")
            label = c2.text_input("Label", key=f"nc_label_{key}")
            cat = st.selectbox("Category", [c for c, _ in categories] or ["general"], key=f"nc_cat_{key}",
                               format_func=dict(categories).get if categories else None)
            definition = st.text_area("Definition (optional)", key=f"nc_def_{key}", height=68)
            if st.form_submit_button("Create code and code this passage"):
                act(cb.code_from_passage, p, framework_id, cid, label, transcript=transcript, start=start,
                    end=end, coder=coder(), category=cat if categories else None, definition=definition,
                    cli="code from-passage --transcript --start --end --coder",
                    done=f"Code {cid} created and this passage coded with it.")


@st.cache_data(show_spinner=False, max_entries=16)
def _categories(path: str, framework_id: str, sv: int) -> list[tuple[str, str]]:  # no coding changes them
    return [(r.id, r.label) for r in cb.outline(project(), framework_id).categories]


def new_code_from_turns(p, transcript: str, turns, *, key: str) -> None:
    """For the reading view: choose a framework and one of the transcript's turns (``turns``: idx, start, end,
    speaker, text), then the form above."""
    me = user()
    if me is not None and not me.can("frameworks"):
        return
    fws = [f["id"] for f in overview.frameworks(p)]
    if not fws or not len(turns):
        return
    c1, c2 = st.columns([1, 3])
    fw_id = c1.selectbox("Framework for a new code", fws, index=len(fws) - 1, key=f"nc_fw_{key}")
    rows = {int(t.idx): t for t in turns.itertuples()}
    idx = c2.selectbox("Passage (turn)", list(rows), key=f"nc_turn_{key}",
                       format_func=lambda i: f"turn {i + 1} · {rows[i].speaker or ''}: {rows[i].text[:70]}")
    new_code_form(p, fw_id, transcript, int(rows[idx].start), int(rows[idx].end), key=f"{key}_{idx}")
