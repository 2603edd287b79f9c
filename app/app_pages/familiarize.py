"""Step 1, Familiarize: read transcripts, search across them, see distinctive terms, write memos."""

import streamlit as st

from app.common import act, coder, flash, framework_picker, md, project, show_error, transcript_picker, version
from toolkit import familiarize as fam
from toolkit.errors import ToolkitError
from toolkit.indexing import service as sv

st.title("1 · Familiarize")
flash()
p = project()
read, search, terms, notes, gaps = st.tabs(["Read", "Search", "Distinctive terms", "Memos", "Framework coverage"])


@st.cache_data(show_spinner=False, max_entries=64)
def _view(path: str, transcript: str, v: int):
    return fam.transcript_view(project(), transcript)


@st.cache_data(show_spinner=False, max_entries=16)
def _terms(path: str, by: str, v: int):
    return fam.distinctive_terms(project(), by=by, top=8)


@st.cache_data(show_spinner=False, max_entries=8)
def _no_fit(path: str, fw_id: str, v: int):
    return sv.no_fit(project(), fw_id, n=100)


with read:
    name = transcript_picker()
    view = _view(str(p.path), name, version())
    attrs = ", ".join(f"{md(k)}: {md(v)}" for k, v in view.attributes.items() if v and k != "pseudonym")
    st.caption(f"Participant **{md(view.participant_id or '?')}** · {attrs}")
    for turn in view.turns.itertuples():
        who = md(turn.speaker or "")
        time = f"<span style='color:#888'>[{md(turn.time)}]</span> " if turn.time else ""
        style = "color:#555;font-style:italic" if turn.role == "interviewer" else ""
        st.markdown(f"{time}**{who}** <span style='{style}'>{md(turn.text)}</span>", unsafe_allow_html=True)
    with st.form("memo_form", clear_on_submit=True):
        memo = st.text_area("Memo on this transcript")
        if st.form_submit_button("Save memo"):
            act(fam.add_memo, p, memo, author=coder(), transcript=name, cli="memo add --author --transcript",
                done="Memo saved")

with search:
    q = st.text_input("Search all transcripts (keyword in context)", key="kwic_query")
    if q:
        try:
            hits = fam.kwic(p, q)
            st.caption(f"{len(hits)} hit(s)")
            st.dataframe(hits[["transcript", "participant_id", "group", "time", "left", "match", "right"]],
                         hide_index=True, width="stretch")
        except ToolkitError as e:
            show_error(e)

with terms:
    by = st.selectbox("Distinctive terms per", ["participant", "group", "setting", "workplace"], key="terms_by")
    try:
        df = _terms(str(p.path), by, version())
        table = df.groupby(by)["term"].apply(", ".join).reset_index()
        st.dataframe(table, hide_index=True, width="stretch")
    except ToolkitError as e:
        show_error(e)

with notes:
    st.dataframe(fam.memos(p), hide_index=True, width="stretch")

with gaps:
    st.caption("Passages that fit no code of the framework well (no code reaches its calibrated threshold), weakest "
               "first. While building a framework, they show where it has gaps. Computed from the suggestions on the "
               "Index page.")
    fw_id = framework_picker(key="coverage_framework")
    nf = _no_fit(str(p.path), fw_id, version())
    if nf.empty:
        st.info("No suggestions yet for this framework (Index page, Update suggestions), or every passage fits a code.")
    else:
        st.dataframe(nf[["transcript", "participant_id", "text", "code_id", "score", "fit_strength"]],
                     hide_index=True, width="stretch")
