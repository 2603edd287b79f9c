"""Step 4, Map: key elements proposed from the chart summaries, grouped into key dimensions and categories, and the
mapping table (the study's Table 2). Linkages, findings and the driver map are on the Interpret page."""

import pandas as pd
import streamlit as st
from toolkit.app.common import (
    Progress,
    act,
    coder,
    file_bytes,
    flash,
    framework_picker,
    md,
    project,
    project_embedder,
    version,
)

from toolkit import mapping
from toolkit.export.mapping_table import export_mapping
from toolkit.interpret.glossary import explain
from toolkit.mapping import mapping_frames

st.title("4 · Map")
flash(toast=True)
p = project()
NONE = "(none)"
NEW = "(new…)"


@st.cache_data(show_spinner=False, max_entries=16)
def _state(path: str, fw: str, v: int) -> dict:
    return mapping.state(project(), fw)


@st.cache_data(show_spinner=False, max_entries=8)
def _table(path: str, fw: str, v: int):
    return mapping_frames(project(), fw)


@st.cache_data(show_spinner=False, max_entries=16)
def _last_edit(path: str, fw: str, v: int) -> str | None:
    return mapping.last_edit(project(), fw)


def undo_button(fw: str) -> None:
    """The framework's last mapping edit, undone on a click (the log is in the project: it survives a reload)."""
    what = _last_edit(str(p.path), fw, version())
    if st.button(f"Undo: {md(what)}" if what else "Undo", key="map_undo", icon=":material/undo:", disabled=not what,
                 help="Puts this framework's key elements, dimensions and categories back as they were before the "
                      "last change; press again to undo the change before." if what else "Nothing to undo yet."):
        act(mapping.undo, p, fw, cli="map undo", actor=coder(), done=lambda out: f"Undid the {out.what}.")


def selected(frame: pd.DataFrame, key: str, **kw) -> list[int]:
    """Show ``frame`` with row selection; the ids of the selected rows."""
    ev = st.dataframe(frame, key=key, on_select="rerun", selection_mode="multi-row", hide_index=True, width="stretch",
                      **kw)
    return [int(frame.iloc[i]["id"]) for i in ev.selection.rows if i < len(frame)]


def elements_tab(fw: str, els: pd.DataFrame, dim_label: dict) -> None:
    st.caption("Key elements are short phrases cut from the chart summaries, each linked to the summary and to the "
               "quotes behind it. The toolkit proposes; you accept, rename, merge or remove.")
    c1, c2 = st.columns([1, 3])
    per = c1.number_input("Per summary", 1, 6, 3, key="map_per_summary")
    if c2.button("Propose key elements", key="map_propose_elements", type="primary"):
        bar = Progress("Proposing key elements")
        act(mapping.propose_elements, p, fw, embedder=project_embedder(), per_summary=int(per), progress=bar,
            cli="map propose --what", actor=coder(), done=lambda out: f"Proposed {len(out.created)} key element(s).", before_rerun=bar.done)
    view = els.assign(dimension=els["dimension_id"].map(dim_label))[
        ["id", "label", "status", "participant_id", "code_id", "dimension", "summary"]]
    q = st.text_input("Filter", key="map_el_filter", placeholder="a code, a participant or words",
                      help="Shows the elements whose label, code, participant or summary contains this text")
    if q.strip():
        hay = view[["label", "participant_id", "code_id", "summary"]].astype(str).agg(" ".join, axis=1)
        view = view[hay.str.contains(q.strip(), case=False, regex=False)]
    st.caption(f"{len(els)} key element(s), {int((els['status'] == 'accepted').sum())} accepted"
               + (f", {len(view)} shown" if q.strip() else "") + " · select rows to act on them")
    chosen = selected(view, "map_el_grid" + (f"_{q.strip()}" if q.strip() else ""), height=360,
                      column_config={"id": st.column_config.NumberColumn(width="small"),
                                     "label": st.column_config.TextColumn(width="large"),
                                     "summary": st.column_config.TextColumn(width="large")})
    a1, a2, a3 = st.columns(3)
    if a1.button(f"Accept ({len(chosen)})", key="map_el_accept", disabled=not chosen):
        act(mapping.accept, p, fw, elements=chosen, cli="map accept", actor=coder(), done=f"Accepted {len(chosen)} key element(s).")
    if a2.button(f"Remove ({len(chosen)})", key="map_el_remove", disabled=not chosen):
        act(mapping.remove, p, fw, "element", chosen, cli="map remove", actor=coder(), done=f"Removed {len(chosen)} key element(s).")
    if not chosen:
        return
    first = els[els["id"] == chosen[0]].iloc[0]
    label = a3.text_input("New label", first["label"], key=f"map_el_label_{chosen[0]}")
    b1, b2 = a3.columns(2)
    if b1.button("Rename", key="map_el_rename", disabled=len(chosen) != 1):
        act(mapping.rename, p, fw, "element", chosen[0], label, cli="map rename", actor=coder(), done="Renamed.")
    if b2.button("Merge", key="map_el_merge", disabled=len(chosen) < 2,
                 help="Elements of one summary merge into the first; give elements of different summaries one "
                      "dimension instead."):
        act(mapping.merge_elements, p, fw, chosen, label=label, cli="map merge", actor=coder(), done=lambda out: f"Merged into key element {out}.")
    st.caption(f"Summary ({md(first['participant_id'])} × {md(first['code_id'])})")
    st.text(first["summary"] or "")
    _t, long = _table(str(p.path), fw, version())
    row = long[long["element_id"] == chosen[0]]
    for q in (row.iloc[0]["quote_texts"].split(" | ") if len(row) and row.iloc[0]["quote_texts"] else []):
        st.text(q)


def dimensions_tab(fw: str, els: pd.DataFrame, dims: pd.DataFrame, cats: pd.DataFrame) -> None:
    dim_label = dict(zip(dims["id"], dims["label"], strict=True))
    cat_label = dict(zip(cats["id"], cats["label"], strict=True))
    st.subheader("Key dimensions")
    c1, c2, c3 = st.columns([3, 1, 1])
    threshold = c1.slider("Distance threshold (smaller: more, tighter dimensions)", 0.05, 1.5,
                          mapping.DEFAULT_THRESHOLD, 0.05, key="map_threshold", help=explain("threshold"))
    how = c2.selectbox("Linkage", list(mapping.LINKAGES), key="map_linkage",
                       help=explain("complete", "average", "single"))
    if c3.button("Propose dimensions", key="map_propose_dims", type="primary"):
        with st.spinner("Grouping key elements…"):
            act(mapping.propose_dimensions, p, fw, project_embedder(), threshold=threshold, linkage=how,
                cli="map propose --threshold", actor=coder(), done=lambda out: f"Proposed {len(out.created)} dimension(s).")
    members = els.groupby("dimension_id")["label"].apply("; ".join) if len(els) else {}
    dview = dims.assign(category=dims["category_id"].map(cat_label), members=dims["id"].map(members))[
        ["id", "label", "status", "elements", "category", "members"]]
    chosen = selected(dview, "map_dim_grid", height=300,
                      column_config={"id": st.column_config.NumberColumn(width="small"),
                                     "label": st.column_config.TextColumn(width="large"),
                                     "elements": st.column_config.NumberColumn(width="small"),
                                     "members": st.column_config.TextColumn(width="large")})
    d1, d2, d3, d4 = st.columns(4)
    if d1.button(f"Accept ({len(chosen)})", key="map_dim_accept", disabled=not chosen):
        act(mapping.accept, p, fw, dimensions=chosen, cli="map accept", actor=coder(), done=f"Accepted {len(chosen)} dimension(s) and their elements.")
    if d2.button(f"Remove ({len(chosen)})", key="map_dim_remove", disabled=not chosen):
        act(mapping.remove, p, fw, "dimension", chosen, cli="map remove", actor=coder(), done="Removed; their elements have no dimension now.")
    dlabel = d3.text_input("Label", dim_label.get(chosen[0], "") if chosen else "", key="map_dim_label",
                           disabled=not chosen)
    if d4.button("Rename", key="map_dim_rename", disabled=len(chosen) != 1 or not dlabel.strip()):
        act(mapping.rename, p, fw, "dimension", chosen[0], dlabel, cli="map rename", actor=coder(), done="Renamed.")
    if d4.button("Merge", key="map_dim_merge", disabled=len(chosen) < 2):
        act(mapping.merge_dimensions, p, fw, chosen, label=dlabel or None,
            cli="map merge --label", actor=coder(), done=lambda out: f"Merged into dimension {out}.")
    with st.expander("Move key elements into a dimension"):
        label_of = dict(zip(els["id"], els["label"], strict=True))
        moving = st.multiselect("Key elements", list(els["id"]), format_func=lambda i: f"{i}: {label_of[i]}",
                                key="map_move_elements")
        target = st.selectbox("Into", [NONE, NEW] + list(dims["id"]), format_func=lambda d: dim_label.get(d, d),
                              key="map_move_target")
        new = st.text_input("New dimension's label", key="map_move_new") if target == NEW else ""
        if st.button("Move", key="map_move", disabled=not moving or (target == NEW and not new.strip())):
            act(mapping.move_element, p, fw, moving, dimension_id=None if target in (NONE, NEW) else int(target),
                new_dimension=new or None, cli="map move --element", actor=coder(), done=f"Moved {len(moving)} key element(s).")

    st.subheader("Categories")
    c1, c2 = st.columns([3, 1])
    method = c1.radio("Propose categories from", ["auto", "framework", "cluster"], horizontal=True,
                      key="map_cat_method",
                      format_func={"auto": "the data (number chosen, framework as a start)",
                                   "framework": "the framework's categories",
                                   "cluster": "clusters of the dimensions (same threshold)"}.get)
    if c2.button("Propose categories", key="map_propose_cats"):
        act(mapping.propose_categories, p, fw, method=method, threshold=threshold,
            embedder=project_embedder() if method != "framework" else None,
            cli="map propose --method", actor=coder(), done=lambda out: f"Put dimensions into {len(out.created)} categories.")
    st.dataframe(cats[["id", "label", "dimensions"]], hide_index=True, width="stretch")
    k1, k2, k3 = st.columns(3)
    target = k1.selectbox("Put the selected dimensions into", [NONE, NEW] + list(cats["id"]),
                          format_func=lambda c: cat_label.get(c, c), key="map_cat_target")
    new = k2.text_input("New category", key="map_cat_new") if target == NEW else ""
    if k3.button(f"Move {len(chosen)} dimension(s)", key="map_cat_move",
                 disabled=not chosen or (target == NEW and not new.strip())):
        act(mapping.move_dimension, p, fw, chosen, category_id=None if target in (NONE, NEW) else int(target),
            new_category=new or None, cli="map move --dimension", actor=coder(), done="Moved.")
    if len(cats):
        r1, r2, r3 = st.columns(3)
        which = r1.selectbox("Rename category", list(cats["id"]), format_func=cat_label.get, key="map_cat_which")
        name = r2.text_input("to", cat_label.get(which, ""), key=f"map_cat_name_{which}")
        if r3.button("Rename category", key="map_cat_rename", disabled=not name.strip()):
            act(mapping.rename, p, fw, "category", int(which), name, cli="map rename", actor=coder(), done="Renamed.")


def table_tab(fw: str) -> None:
    table, _long = _table(str(p.path), fw, version())
    st.caption("Laid out like Table 2 of the reference study: Summary | Key elements | Key dimensions | "
               "Categorization.")
    st.dataframe(table, hide_index=True, width="stretch", height=480)
    m1, m2 = st.columns(2)
    m1.download_button("Mapping table (Word)", key="map_table_docx", file_name=f"mapping_{fw}.docx",
                       data=lambda: file_bytes(lambda f: export_mapping(p, fw, docx=f), ".docx"))
    m2.download_button("Mapping table (CSV)", key="map_table_csv", file_name=f"mapping_{fw}.csv",
                       data=lambda: file_bytes(lambda f: export_mapping(p, fw, csv=f), ".csv"))


framework = framework_picker("Framework (key elements, dimensions and categories are kept per framework)",
                             key="map_framework")
st.caption(f"Mapping works on the chart summaries of **{md(framework)}**: the key elements, dimensions and categories "
           f"below belong to this framework, and the mapping table, the report and every export name it.")
undo_button(framework)
t_el, t_dim, t_table = st.tabs(["Key elements", "Dimensions and categories", "Mapping table"], key="map_tab",
                               on_change="rerun")
if t_el.open or t_dim.open:
    state = _state(str(p.path), framework, version())
    if t_el.open:
        with t_el:
            elements_tab(framework, state["elements"], dict(zip(state["dimensions"]["id"],
                                                                 state["dimensions"]["label"], strict=True)))
    else:
        with t_dim:
            dimensions_tab(framework, state["elements"], state["dimensions"], state["categories"])
if t_table.open:
    with t_table:
        table_tab(framework)
