"""The exercises of Teaching mode for steps 1, 3, 4 and 5, and the teacher's overview (the indexing exercise stays
in ``app_pages/teach.py``). Every figure is shown with its n."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.common import act, project, project_embedder, version
from toolkit import charting, teaching
from toolkit import project as proj
from toolkit.interpret.glossary import explain
from toolkit.safeio import csv_bytes
from toolkit.teaching import exercises as ex
from toolkit.teaching.overview import class_overview

FRAMEWORK = teaching.DEFAULT_FRAMEWORK


def _need(student: str) -> bool:
    if not student:
        st.warning("Type your name above: your work is kept under it, apart from the researchers' and other "
                   "students' work.")
    return bool(student)


def familiarize(student: str) -> None:
    st.subheader("Exercise: your preliminary framework")
    st.caption("After reading two transcripts, write the codes you would index with, one per line. The feedback "
               "matches each to the closest code of the study's 84-code framework.")
    with st.form("teach_fam_form"):
        text = st.text_area("Your codes (one per line)", key="teach_fam_codes", height=180)
        go = st.form_submit_button("Compare with the study's framework", type="primary", disabled=not student)
    if go and _need(student):
        out = act(lambda: ex.preliminary_framework(project(), student, text, project_embedder()),
                  cli="teach familiarize --student --codes", rerun=False, done=None)
        if out:
            st.session_state["teach_fam_out"] = out
    out = st.session_state.get("teach_fam_out")
    if out:
        st.metric("Study categories your framework reaches", f"{len(out['reached'])} of {out['n']}")
        st.dataframe(pd.DataFrame(out["rows"]), hide_index=True, width="stretch")
        st.caption("Not reached: " + ("; ".join(out["missed"]) or "none") + f". A match needs a similarity of at "
                   f"least {ex.MATCH}.")


def chart(student: str) -> None:
    st.subheader("Exercise: summarise one cell")
    m = charting.build_matrix(project(), FRAMEWORK, group_by=(), coders=[teaching.REFERENCE_CODER])
    coded = [(pid, col.id) for col in m.columns for pid in m.participants if m.cell(pid, col.id).quotes]
    labels = {c.id: c.label for c in m.columns}
    pick = st.selectbox("Cell (participant × code)", coded, key="teach_chart_cell",
                        format_func=lambda pc: f"{pc[0]} × {pc[1]} {labels[pc[1]]}")
    cell = m.cell(*pick)
    with st.form(f"teach_chart_form_{pick[0]}_{pick[1]}"):
        ticks = {}
        for n, q in enumerate(cell.quotes, start=1):
            st.text(q.text.strip())
            ticks[n] = st.checkbox(f"My summary cites passage {n}", key=f"teach_cite_{pick[0]}_{pick[1]}_{n}")
        text = st.text_area("Your summary (in your words)", key=f"teach_chart_text_{pick[0]}_{pick[1]}")
        go = st.form_submit_button("Compare with the reference", type="primary", disabled=not student)
    if go and _need(student):
        ids = [i for n, q in enumerate(cell.quotes, start=1) if ticks[n] for i in q.coding_ids]
        out = act(lambda: ex.chart_cell(project(), student, pick[0], pick[1], text, ids, project_embedder()),
                  cli="teach chart --student --participant --code --summary --cite", rerun=False, done=None)
        if out:
            c1, c2 = st.columns(2)
            c1.metric("Similarity to the reference", f"{out['similarity']:.2f}",
                      help="Cosine similarity of sentence embeddings: 1 = same meaning")
            c2.metric("Cited passages shared (Jaccard)", f"{out['cited_overlap']:.2f}",
                      help=explain("jaccard") + f" n = {out['n']} reference passages.")
            st.caption("The reference " + ("summary" if out["reference_is_summary"] else
                                           "passages (no reference summary written for this cell)") + ":")
            st.text(out["reference"])


def mapping(student: str) -> None:
    st.subheader("Exercise: group codes into fewer categories")
    fw = proj.get_framework(project(), FRAMEWORK)
    cat = st.selectbox("Category", [c.id for c in fw.categories], key="teach_map_cat",
                       format_func=lambda c: f"{c} {next(x.label for x in fw.categories if x.id == c)}")
    items, cw = ex.grouping_items(project(), cat)
    st.caption(f"Give each code a group name of your own; codes with the same name form one group. The feedback "
               f"compares your groups with how the study condensed them ({cw}).")
    with st.form(f"teach_map_form_{cat}"):
        groups = {r.code: st.text_input(f"{r.code} {r.label}", key=f"teach_group_{r.code}")
                  for r in items.itertuples()}
        go = st.form_submit_button("Compare with the study's grouping", type="primary", disabled=not student)
    if go and _need(student):
        out = act(lambda: ex.group_codes(project(), student, cat, groups),
                  cli="teach map --student --category --group", rerun=False, done=None)
        if out:
            st.metric("Adjusted Rand index", f"{out['ari']:.2f}", help=explain("ari") + f" n = {out['n']} codes.")
            st.dataframe(pd.DataFrame(out["pairs"]), hide_index=True, width="stretch")


def interpret(student: str) -> None:
    st.subheader("Exercise: state a finding and check it")
    fw = proj.get_framework(project(), FRAMEWORK)
    theme = st.selectbox("Category", [c.id for c in fw.categories], key="teach_int_theme",
                         format_func=lambda c: f"{c} {next(x.label for x in fw.categories if x.id == c)}")
    with st.form("teach_int_form"):
        statement = st.text_area("Your finding (one sentence)", key="teach_int_text")
        go = st.form_submit_button("Check against the passages", type="primary", disabled=not student)
    if go and _need(student):
        out = act(lambda: ex.check_finding(project(), student, theme, statement, project_embedder()),
                  cli="teach interpret --student --theme --statement", rerun=False, done=None)
        if out:
            c1, c2 = st.columns(2)
            c1.metric("Coded under the category", f"{len(out['coded'])} of {out['n']}")
            c2.metric("No passage there", f"{len(out['silent'])} of {out['n']}")
            st.caption("Each participant's passage closest to your finding. Read them and judge yourself: does the "
                       "participant support it, give counter-evidence, only mention the theme, or say nothing? "
                       "Closeness is not a verdict.")
            for e in out["examples"]:
                st.caption(f"{e['participant']} · {e['place']} · closeness {e['closeness']:.2f}")
                st.text(e["text"])


@st.cache_data(show_spinner="Comparing every student with the reference…", max_entries=4)
def _overview(path: str, v: int) -> pd.DataFrame:
    return class_overview(project())


def overview() -> None:
    """The teacher's view across students, exportable as CSV."""
    st.subheader("Teacher's overview")
    table = _overview(str(project().path), version())
    if table.empty:
        st.caption("No student has worked yet.")
        return
    st.caption(f"{len(table)} student(s). Indexing: passages coded of the transcripts each worked on (n), and "
               "agreement with the reference over those transcripts: positive agreement (of the codes either gave, "
               "the share both gave; passages neither coded do not count) and kappa, which means little on few "
               "passages. Other steps: the exercise's own measure, averaged over what the student did, with how many.")
    st.dataframe(table, hide_index=True, width="stretch", key="teach_overview_grid",
                 column_config={"index: kappa": st.column_config.NumberColumn(help=explain("kappa")),
                                "index: positive agreement": st.column_config.NumberColumn(help=explain("positive")),
                                "map: adjusted Rand": st.column_config.NumberColumn(help=explain("ari"))})
    st.download_button("Overview (CSV)", key="teach_overview_csv", file_name="class_overview.csv", mime="text/csv",
                       data=lambda: csv_bytes(table))

