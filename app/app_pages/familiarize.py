"""Step 1, Familiarize: read transcripts, search across them, see distinctive terms, write memos."""


import streamlit as st
from toolkit.app.common import act, coder, flash, framework_picker, md, project, show_error, transcript_picker, version
from toolkit.app.components.select_code import on_memo, select_code
from toolkit.app.new_code import new_code_from_turns

from toolkit import familiarize as fam
from toolkit import familiarize as memo_ops
from toolkit import project as proj
from toolkit.errors import ToolkitError
from toolkit.indexing import selection
from toolkit.indexing import service as sv

st.title("1 · Familiarize")
flash(toast=True)
p = project()
read, search, terms, notes, gaps = st.tabs(["Read", "Search", "Distinctive terms", "Memos", "Framework coverage"])


@st.cache_data(show_spinner=False, max_entries=64)
def _view(path: str, transcript: str, v: int):
    return fam.transcript_view(project(), transcript)


@st.cache_data(show_spinner=False, max_entries=16)
def _turns(path: str, transcript: str, who: str, v: int) -> dict:
    return selection.selection_view(project(), None, transcript, who).component_args()


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
        st.markdown(f"{time}**{who}** <span style='{style}'>{md(turn.text)}</span>",
                    unsafe_allow_html=True)
    with st.expander("Select any text to write a memo on it"):
        key = f"memo_select_{name}"
        select_code(_turns(str(p.path), name, coder(), version()), key=key, sig=f"{name}|{version()}", mode="memo",
                    height=480, on_change=on_memo, args=(key, p, name, coder()))
    turn_label = {int(t.idx): f"turn {int(t.idx) + 1} · {t.speaker or ''}: {t.text[:60]}" for t in view.turns.itertuples()}
    with st.form("memo_form", clear_on_submit=True):
        on = st.radio("Memo on", ["this transcript", "one passage (turn)"], horizontal=True, key="memo_on")
        turn = st.selectbox("Passage", list(turn_label), format_func=turn_label.get, key="memo_turn")
        title = st.text_input("Title (optional)", key="memo_title")
        memo = st.text_area("Memo", key="memo_text")
        if st.form_submit_button("Save memo"):
            span = {}
            if on != "this transcript" and len(view.turns):
                row = view.turns[view.turns["idx"] == turn].iloc[0]
                span = {"start": int(row["start"]), "end": int(row["end"])}
            act(fam.add_memo, p, memo, author=coder(), transcript=name, title=title, **span,
                cli="memo add --transcript --start --end --title", done="Memo saved.")
    new_code_from_turns(p, name, view.turns, key="familiarize")

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
    kind = st.radio("Show", ["all", *memo_ops.MEMO_KINDS], horizontal=True, key="memo_kind")
    table = memo_ops.memos_table(p, kind=None if kind == "all" else kind, viewer=coder())  # blind: others' hidden
    st.caption(f"{len(table)} memo(s) · select one to edit or delete it · memos go into the interpretation report")
    ev = st.dataframe(table, key="memo_grid", on_select="rerun", selection_mode="single-row", hide_index=True,
                      width="stretch", column_config={"memo": st.column_config.TextColumn(width="large"),
                                                      "id": st.column_config.NumberColumn(width="small")})
    rows = ev.selection.rows if ev is not None else []
    if rows and rows[0] < len(table):
        chosen = table.iloc[rows[0]]
        mid = int(chosen["id"])
        with st.form(f"memo_edit_{mid}"):
            new_title = st.text_input("Title", chosen["title"], key=f"memo_edit_title_{mid}")
            new_text = st.text_area("Memo", chosen["memo"], key=f"memo_edit_text_{mid}")
            c1, c2 = st.columns(2)
            if c1.form_submit_button("Save changes", type="primary"):
                act(memo_ops.edit_memo, p, mid, new_text, title=new_title, author=coder(),
                    cli="memo edit --title --text", done=f"Memo {mid} saved.")
            if c2.form_submit_button("Delete memo"):
                act(memo_ops.delete_memo, p, mid, author=coder(), cli="memo delete", done=f"Memo {mid} deleted.")
    with st.expander("New memo on a code"):
        fw_memo = framework_picker(key="memo_framework")
        codes = {c.id: c.label for c in proj.get_framework(p, fw_memo).codes}
        code = st.selectbox("Code", list(codes), format_func=lambda c: f"{c} {codes[c]}", key="memo_code")
        text = st.text_area("Memo", key="memo_code_text")
        if st.button("Save memo on the code", key="memo_code_save"):
            act(fam.add_memo, p, text, author=coder(), framework=fw_memo, code=code, cli="memo add --framework --code",
                done=f"Memo on {code} saved.")

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
