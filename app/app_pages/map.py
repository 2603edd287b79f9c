"""Steps 4 and 5, Map and interpret: key elements, dimensions and categories; linkages; checking findings; the driver
map with the contract measures and the gaps; the interpretation report."""

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app.common import (
    Progress,
    act,
    attribute_names,
    catalogue_ids,
    coder,
    file_bytes,
    flash,
    framework_picker,
    md,
    md_join,
    project,
    project_embedder,
    show_error,
    version,
)
from toolkit import mapping
from toolkit.errors import ToolkitError
from toolkit.export import report as interpret
from toolkit.export.driver_map import render_plotly, render_static
from toolkit.export.mapping_table import export_mapping
from toolkit.interpret import drivers as drivers
from toolkit.interpret import findings as findings
from toolkit.interpret import links as linkage
from toolkit.mapping import mapping_frames
from toolkit.safeio import csv_bytes

st.title("4–5 · Map and interpret")
p = project()
NONE = "(none)"
NEW = "(new…)"


@st.cache_data(show_spinner=False, max_entries=16)
def _state(path: str, fw: str, v: int) -> dict:
    return mapping.state(project(), fw)


@st.cache_data(show_spinner=False, max_entries=8)
def _table(path: str, fw: str, v: int):
    return mapping_frames(project(), fw)


@st.cache_resource(show_spinner="Computing linkages…", max_entries=8)
def _linkage(path: str, fw: str, level: str, unit: str, attribute: str | None, v: int):
    return linkage.linkage(project(), fw, level=level, unit=unit, attribute=attribute)


@st.cache_resource(show_spinner="Checking findings…", max_entries=8)
def _findings(path: str, fw: str, level: str, attribute: str | None, v: int):
    return findings.check_findings(project(), fw, level=level, attribute=attribute)


@st.cache_resource(show_spinner="Drawing the driver map…", max_entries=8)
def _drivers(path: str, catalogue: str | None, level: str, attribute: str | None, gap_min: int | None, v: int):
    a = drivers.analyse_drivers(project(), catalogue=catalogue, level=level, attribute=attribute, gap_min=gap_min)
    fig, lay = render_plotly(a)
    return a, fig, lay


def selected(frame: pd.DataFrame, key: str, **kw) -> list[int]:
    """Show ``frame`` with row selection; the ids of the selected rows."""
    ev = st.dataframe(frame, key=key, on_select="rerun", selection_mode="multi-row", hide_index=True, width="stretch",
                      **kw)
    return [int(frame.iloc[i]["id"]) for i in ev.selection.rows if i < len(frame)]


def svg(a, path) -> None:
    import matplotlib.pyplot as plt

    fig, _ = render_static(a, svg=path)
    plt.close(fig)


def heatmap(lk) -> go.Figure:
    """Jaccard of every pair (the diagonal, an item with itself, left blank), coloured up to the strongest pair."""
    jac = lk.jaccard.astype(float).copy()
    for i in jac.index:
        jac.loc[i, i] = float("nan")
    top = float(jac.max().max()) if jac.notna().any().any() else 1.0
    names = [f"{i} {lk.labels.get(i, '')}"[:40] for i in jac.index]
    fig = go.Figure(go.Heatmap(z=jac.values, x=list(jac.columns), y=names, colorscale="Blues", zmin=0,
                               zmax=top or 1.0, colorbar={"title": "Jaccard"}, hoverongaps=False,
                               hovertemplate="%{y} × %{x}: %{z:.3f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return fig.update_layout(height=520, margin={"l": 0, "r": 0, "t": 10, "b": 0})


def network(graph: nx.Graph) -> go.Figure:
    """The linkage graph drawn with plotly: node size = units, edge width = Jaccard (relative to the strongest)."""
    pos = nx.spring_layout(graph, seed=7, weight="jaccard") if len(graph) else {}
    top = max((d["jaccard"] for _a, _b, d in graph.edges(data=True)), default=0) or 1.0
    fig = go.Figure()
    for a, b, d in graph.edges(data=True):
        fig.add_trace(go.Scatter(x=[pos[a][0], pos[b][0]], y=[pos[a][1], pos[b][1]], mode="lines",
                                 line={"width": 0.8 + 7 * d["jaccard"] / top, "color": "rgba(90,110,130,0.5)"},
                                 hoverinfo="text", text=f"{a}–{b}: {d['together']} together, Jaccard {d['jaccard']}",
                                 showlegend=False))
    nodes = list(graph.nodes(data=True))
    fig.add_trace(go.Scatter(
        x=[pos[n][0] for n, _ in nodes], y=[pos[n][1] for n, _ in nodes], mode="markers+text",
        text=[n for n, _ in nodes], textposition="top center", showlegend=False, hoverinfo="text",
        hovertext=[f"<b>{n} {d['label']}</b><br>{d['units']} units, {d['participants']} participants"
                   for n, d in nodes],
        marker={"size": [8 + 3 * d["units"] ** 0.5 for _, d in nodes], "color": "#4a78a8"}))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=520, margin={"l": 0, "r": 0, "t": 10, "b": 0}, plot_bgcolor="white")
    return fig


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
    st.markdown(f"**Summary** ({md(first['participant_id'])} × {md(first['code_id'])}): {md(first['summary'])}")
    _t, long = _table(str(p.path), fw, version())
    row = long[long["element_id"] == chosen[0]]
    for q in (row.iloc[0]["quote_texts"].split(" | ") if len(row) and row.iloc[0]["quote_texts"] else []):
        st.markdown(f"> {md(q)}")


def dimensions_tab(fw: str, els: pd.DataFrame, dims: pd.DataFrame, cats: pd.DataFrame) -> None:
    dim_label = dict(zip(dims["id"], dims["label"], strict=True))
    cat_label = dict(zip(cats["id"], cats["label"], strict=True))
    st.subheader("Key dimensions")
    c1, c2, c3 = st.columns([3, 1, 1])
    threshold = c1.slider("Distance threshold (smaller: more, tighter dimensions)", 0.05, 1.5,
                          mapping.DEFAULT_THRESHOLD, 0.05, key="map_threshold")
    how = c2.selectbox("Linkage", list(mapping.LINKAGES), key="map_linkage")
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
    method = c1.radio("Propose categories from", ["framework", "cluster"], horizontal=True, key="map_cat_method",
                      format_func={"framework": "the framework category most elements were charted under",
                                   "cluster": "clusters of the dimensions (same threshold)"}.get)
    if c2.button("Propose categories", key="map_propose_cats"):
        act(mapping.propose_categories, p, fw, method=method, threshold=threshold,
            embedder=project_embedder() if method == "cluster" else None,
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


def attribute_picker(key: str, label: str = "By attribute") -> str | None:
    attrs = attribute_names()
    attr = st.selectbox(label, [NONE] + attrs, key=key, index=1 + attrs.index("group") if "group" in attrs else 0)
    return None if attr == NONE else attr


def linkage_tab(fw: str) -> None:
    c1, c2, c3, c4, c5 = st.columns(5)
    level = c1.radio("Level", ["category", "code"], horizontal=True, key="map_link_level")
    unit = c2.selectbox("Together in the same", list(linkage.UNITS), key="map_link_unit")
    min_count = int(c3.number_input("At least … times", 1, 50, 2, key="map_link_min"))
    sort_by = c4.selectbox("Strongest by", ["jaccard", "lift", "together"], key="map_link_sort")
    with c5:
        attribute = attribute_picker("map_link_attr")
    try:
        res = _linkage(str(p.path), fw, level, unit, attribute, version())
    except ToolkitError as e:
        show_error(e)
        return
    group = st.radio("Group", list(res), horizontal=True, key="map_link_group",
                     format_func=md) if len(res) > 1 else "all"
    lk = res[group]
    left, right = st.columns(2)
    left.plotly_chart(heatmap(lk), key="map_link_heat")
    right.plotly_chart(network(lk.graph(min_count)), key="map_link_net")
    edges = lk.edges(min_count, sort_by).reset_index(names="id")
    st.caption(f"{len(edges)} link(s) in {lk.n_units} {unit}s · select one to read its quotes")
    pick = selected(edges.drop(columns=["example"]), "map_link_grid", height=300)
    for ev in lk.quotes(*edges.loc[pick[0], ["a", "b"]]) if pick else []:
        st.markdown(f"**{md(ev['participant'])}** · {md(ev['transcript'])} · {md(ev['unit'])}")
        for side in ("a", "b"):
            for q in ev[side]:
                st.markdown(f"> **{md(q['code_id'])}** {md(q['text'].strip())}")


def findings_tab(fw: str) -> None:
    c1, c2 = st.columns([3, 1])
    level = c1.radio("Themes", ["category", "code", "map"], horizontal=True, key="map_find_level",
                     format_func={"category": "framework categories", "code": "codes",
                                  "map": "categories built at mapping"}.get)
    with c2:
        attribute = attribute_picker("map_find_attr")
    try:
        found = _findings(str(p.path), fw, level, attribute, version())
    except ToolkitError as e:
        show_error(e)
        return
    st.dataframe(findings.findings_overview(found), hide_index=True, width="stretch", height=260)
    names = {f.theme_id: f"{f.theme_id} {f.label}" for f in found}
    theme = st.selectbox("Theme", list(names), format_func=names.get, key="map_find_theme")
    f = next(x for x in found if x.theme_id == theme)
    st.caption(f"Support: {md_join(sorted(f.support)) or 'nobody'} · opposite: "
               f"{md_join(sorted(f.counter)) or 'nobody'} · silent: {md_join(f.silent) or 'nobody'}")
    rows = [{"id": q["coding_id"], "participant": pid, "group": f.groups.get(pid, ""), "stance": stance,
             "code": q["code_id"], "text": q["text"].strip()}
            for stance, book in (("supports", f.support), ("opposite", f.counter))
            for pid, qs in sorted(book.items()) for q in qs]
    marked = selected(pd.DataFrame(rows, columns=["id", "participant", "group", "stance", "code", "text"]),
                      "map_find_grid", height=320)
    b1, b2 = st.columns(2)
    if b1.button("Mark as counter-evidence", key="map_counter", disabled=not marked):
        act(findings.mark_counter, p, marked, True, cli="findings --counter", actor=coder(), done=f"Marked {len(marked)} passage(s) as counter-evidence.")
    if b2.button("Unmark", key="map_uncounter", disabled=not marked):
        act(findings.mark_counter, p, marked, False, cli="findings --uncounter", actor=coder(), done=f"Unmarked {len(marked)} passage(s).")


def drivers_tab() -> None:
    c1, c2, c3, c4 = st.columns(4)
    catalogue = c1.selectbox("Measures", catalogue_ids() + [NONE], key="map_catalogue")
    level = c2.radio("Drivers", ["code", "category"], horizontal=True, key="map_drv_level")
    with c3:
        attribute = attribute_picker("map_drv_attr", "Colour by")
    gap_min = c4.number_input("Gap: raised by at least", 0, 1000, 0, key="map_gap_min",
                              help="0: a third of the participants (at least two)")
    try:
        a, fig, lay = _drivers(str(p.path), None if catalogue == NONE else catalogue, level, attribute,
                               int(gap_min) or None, version())
    except ToolkitError as e:
        show_error(e)
        return
    gaps = a.gaps()
    st.caption(f"{md(a.framework_name)} ({md(a.framework_id)})"
               + (f", codings through crosswalk {md(a.via)}" if a.via else "")
               + f" · {a.n_participants} participants · gaps (raised by ≥ {a.gap_min}, no measure): "
               + (", ".join(f"**{md(d.id)}** {md(d.label)} ({d.n_participants})" for d in gaps) or "none"))
    ev = st.plotly_chart(fig, key="map_driver_fig", on_select="rerun", selection_mode="points")
    ids = [d.id for d in a.drivers]
    for pt in ev.selection.points if ev is not None else []:
        near = min(ids, key=lambda i: (lay.drivers[i]["x"] - pt["x"]) ** 2 + (lay.drivers[i]["y"] - pt["y"]) ** 2)
        st.session_state["map_driver"] = near
    if st.session_state.get("map_driver") not in ids:
        st.session_state.pop("map_driver", None)
    d = a.driver(st.selectbox("Driver (or click one on the map)", ids, key="map_driver",
                              format_func=lambda i: f"{i} {a.driver(i).label}"))
    st.markdown(f"**{md(d.id)} {md(d.label)}** · ring {md(d.ring)} · raised by {d.n_participants} of "
                f"{a.n_participants} ({', '.join(f'{md(g)} {n}' for g, n in d.shares.items() if n) or 'nobody'}) in "
                f"{d.passages} passage(s) · participants: {md_join(d.participants) or '-'}"
                + (f" · said the opposite: {md_join(d.counter_participants)}" if d.counter_participants else ""))
    by_id = {m.id: m for m in a.measures}
    for mid in d.measures:
        why = by_id[mid].rationale.get(d.id)
        st.markdown(f"- **{md(mid)}** {md(by_id[mid].title)}" + (f": _{md(why)}_" if why else ""))
    if a.catalogue_id and level == "code":
        l1, l2, l3 = st.columns([2, 3, 1])
        mid = l1.selectbox("Measure", list(by_id), format_func=lambda m: f"{m} {by_id[m].title}"[:60],
                           key="map_link_m")
        why = l2.text_input("Why it acts on this driver", key="map_link_why")
        if mid in d.measures:
            if l3.button("Unlink", key="map_unlink"):
                act(drivers.unlink_measure, p, a.catalogue_id, mid, d.id, cli="measures-edit unlink", actor=coder(), done=f"Unlinked {md(mid)} from {md(d.id)}.")
        elif l3.button("Link", key="map_link_measure"):
            act(drivers.link_measure, p, a.catalogue_id, mid, d.id, why, cli="measures-edit link", actor=coder(), done=f"Linked {md(mid)} to {md(d.id)}.")
    table = a.driver_table()
    st.dataframe(table.style.apply(lambda r: ["background-color: #f8d7da" if r["gap"] else ""] * len(r), axis=1),
                 hide_index=True, width="stretch")
    st.dataframe(a.measure_table(), hide_index=True, width="stretch")
    r1, r2, r3 = st.columns(3)
    r1.download_button("Interpretation report (Word)", key="map_report", type="primary",
                       file_name=f"interpretation_{a.framework_id}.docx", icon=":material/description:",
                       data=lambda: file_bytes(lambda f: interpret.write_report(p, f, analysis=a), ".docx"))
    r2.download_button("Driver map (SVG)", key="map_svg", file_name=f"drivers_{a.framework_id}.svg",
                       data=lambda: file_bytes(lambda f: svg(a, f), ".svg"))
    r3.download_button("Driver x measure table (CSV)", key="map_matrix_csv", file_name="drivers_measures.csv",
                       data=lambda: csv_bytes(a.matrix(), index=True))


flash()
framework = framework_picker("Framework (mapping, linkages, findings; the driver map uses its measures' framework)",
                             key="map_framework")
t_el, t_dim, t_table, t_link, t_find, t_drv = st.tabs(
    ["Key elements", "Dimensions and categories", "Mapping table", "Linkages", "Findings", "Driver map and measures"],
    key="map_tab", on_change="rerun")
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
if t_link.open:
    with t_link:
        linkage_tab(framework)
if t_find.open:
    with t_find:
        findings_tab(framework)
if t_drv.open:
    with t_drv:
        drivers_tab()
