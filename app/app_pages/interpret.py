"""Step 5, Interpret: linkages between codes, checking findings against the passages, the driver map with the
contract measures and the gaps, and the interpretation report. Every figure and table rests on the evidence chosen
at the top (``toolkit.evidence``)."""

import pandas as pd
import streamlit as st
from toolkit.app.analysis_ui import evidence_picker
from toolkit.app.common import (
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

from toolkit.errors import ToolkitError
from toolkit.export import report as interpret
from toolkit.export.driver_map import render_plotly, render_static
from toolkit.interpret import drivers as drivers
from toolkit.interpret import findings as findings
from toolkit.interpret import judging as judging
from toolkit.interpret import links as linkage
from toolkit.interpret.figures import heatmap, nearest_driver, network
from toolkit.interpret.glossary import explain

st.title("5 · Interpret")
flash(toast=True)
p = project()
NONE = "(none)"


def _key(coders) -> tuple | None:
    return tuple(coders) if coders else None


@st.cache_data(show_spinner="Computing linkages…", max_entries=8)  # a copy per session: nothing shared is mutable
def _linkage(path: str, fw: str, level: str, unit: str, attribute: str | None, coders: tuple | None, v: int):
    return linkage.linkage(project(), fw, level=level, unit=unit, attribute=attribute,
                           coders=list(coders) if coders else None)


@st.cache_data(show_spinner="Reading the passages against the findings…", max_entries=8)
def _findings(path: str, fw: str, level: str, attribute: str | None, coders: tuple | None, statement: tuple, v: int):
    return findings.check_findings(project(), fw, level=level, attribute=attribute,
                                   coders=list(coders) if coders else None, embedder=project_embedder(),
                                   statements=dict([statement]) if statement else None)


@st.cache_data(show_spinner="Drawing the driver map…", max_entries=8)
def _drivers(path: str, catalogue: str | None, level: str, attribute: str | None, gap_min: int | None,
             coders: tuple | None, v: int):
    a = drivers.analyse_drivers(project(), catalogue=catalogue, level=level, attribute=attribute, gap_min=gap_min,
                                coders=list(coders) if coders else None)
    fig, lay = render_plotly(a)
    return a, fig, lay


def selected(frame: pd.DataFrame, key: str, **kw) -> list[int]:
    """Show ``frame`` with row selection; the ids of the selected rows."""
    ev = st.dataframe(frame, key=key, on_select="rerun", selection_mode="multi-row", hide_index=True, width="stretch",
                      **kw)
    return [int(frame.iloc[i]["id"]) for i in ev.selection.rows if i < len(frame)]


def go_big(fig):
    """The same figure, tall (the labels were placed for the smaller one, so they only gain room)."""
    import copy

    big = copy.deepcopy(fig)
    big.update_layout(height=1150)
    return big


def svg(a, path) -> None:
    import matplotlib.pyplot as plt

    fig, _ = render_static(a, svg=path)
    plt.close(fig)


def attribute_picker(key: str, label: str = "By attribute") -> str | None:
    attrs = attribute_names()
    attr = st.selectbox(label, [NONE] + attrs, key=key, index=1 + attrs.index("group") if "group" in attrs else 0)
    return None if attr == NONE else attr


def linkage_tab(fw: str) -> None:
    c1, c2, c3, c4, c5 = st.columns(5)
    level = c1.radio("Level", ["category", "code"], horizontal=True, key="map_link_level")
    unit = c2.selectbox("Together in the same", list(linkage.UNITS), key="map_link_unit")
    min_count = int(c3.number_input("At least … times", 1, 50, 2, key="map_link_min", help=explain("together")))
    sort_by = c4.selectbox("Strongest by", ["jaccard", "lift", "together"], key="map_link_sort",
                           help=explain("jaccard", "lift", "together"))
    with c5:
        attribute = attribute_picker("map_link_attr")
    try:
        res = _linkage(str(p.path), fw, level, unit, attribute, _key(coders), version())
    except ToolkitError as e:
        show_error(e)
        return
    group = st.radio("Group", list(res), horizontal=True, key="map_link_group") if len(res) > 1 else "all"
    lk = res[group]
    left, right = st.columns(2)
    left.plotly_chart(heatmap(lk), key="map_link_heat")
    right.plotly_chart(network(lk.graph(min_count)), key="map_link_net")
    edges = lk.edges(min_count, sort_by).reset_index(names="id")
    st.caption(f"{len(edges)} link(s) in {lk.n_units} {unit}s · select one to read its quotes")
    with st.expander("What Jaccard and lift mean"):
        st.markdown(explain("jaccard", "lift", "together"))
    pick = selected(edges.drop(columns=["example"]), "map_link_grid", height=300,
                    column_config={"jaccard": st.column_config.NumberColumn(help=explain("jaccard")),
                                   "lift": st.column_config.NumberColumn(help=explain("lift")),
                                   "together": st.column_config.NumberColumn(help=explain("together"))})
    for ev in lk.quotes(*edges.loc[pick[0], ["a", "b"]]) if pick else []:
        st.markdown(f"**{md(ev['participant'])}** · {md(ev['transcript'] or '')} · {md(ev['unit'])}")
        for side in ("a", "b"):
            for q in ev[side]:
                st.caption(md(q["code_id"]))
                st.text(q["text"].strip())


MARKS = {"": "not yet", **judging.VERDICT_LABELS}


def findings_tab(fw: str) -> None:
    c1, c2 = st.columns([3, 1])
    level = c1.radio("Themes", ["category", "code", "map"], horizontal=True, key="map_find_level",
                     format_func={"category": "framework categories", "code": "codes",
                                  "map": "categories built at mapping"}.get)
    with c2:
        attribute = attribute_picker("map_find_attr")
    theme_key = f"map_find_statement_{level}"
    own = st.session_state.get(theme_key, {})
    try:
        found = _findings(str(p.path), fw, level, attribute, _key(coders),
                          tuple(own.items())[0] if own else (), version())
    except ToolkitError as e:
        show_error(e)
        return
    st.dataframe(findings.findings_overview(found), hide_index=True, width="stretch", height=220,
                 column_config={"supports": st.column_config.NumberColumn(help=explain("support")),
                                "counter-evidence": st.column_config.NumberColumn(help=explain("counter"))})
    names = {f.theme_id: f"{f.theme_id} {f.label}" for f in found}
    theme = st.selectbox("Theme", list(names), format_func=names.get, key="map_find_theme")
    f = next(x for x in found if x.theme_id == theme)
    statement = st.text_input("Finding statement to check", f.statement, key=f"map_find_text_{level}_{theme}",
                              help="Write the finding in your words; each participant's passages are ranked by "
                                   "closeness to it.")
    if statement.strip() and statement.strip() != f.statement:
        st.session_state[theme_key] = {theme: statement.strip()}
        st.rerun()
    st.caption("Each participant's coded passages of the theme, closest in meaning to the statement first. "
               "Closeness only orders the reading: **you** decide whether a participant supports the finding, gives "
               "counter-evidence, only mentions the theme, or is silent, and tick the quotes that carry your mark. "
               f"{sum(pid in f.judged for pid in f.groups)} of {len(f.groups)} checked.")
    people = sorted(f.groups)
    here = f"{level}_{theme}_{abs(hash(f.statement)) % 10**8}"
    with st.form(f"map_find_form_{here}"):
        letters = st.text_input("Type the marks (keyboard): one letter per participant in the order shown, "
                                "s support · c counter-evidence · m mentions · n silent · . skip",
                                key=f"map_find_letters_{here}", placeholder="e.g. ss.cmn")
        marks: dict[str, str] = {}
        quotes: dict[str, list[int]] = {}
        ticked: dict[str, list[int]] = {}
        cols = st.columns(3)
        for i, pid in enumerate(people):
            j = f.judged.get(pid)
            with cols[i % 3].container(border=True):
                st.markdown(f"**{md(pid)}** · {md(f.groups[pid])} · {md(f.verdict(pid))}"
                            + (f" (by {md(j.judged_by)})" if j else ""))
                shown = [(q.coding_id, q.text, q.place, None) for q in j.quotes] if j else \
                    [(r.coding_id, r.text, r.place, r.closeness) for r in f.ranked.get(pid, [])]
                if not shown:
                    st.caption("no coded passage under this theme")
                picked = []
                for cid, text, place, close in shown:
                    st.text(text.strip()[:400])
                    label = f"quote · {place}" + (f" · closeness {close:.2f}" if close is not None else "")
                    if st.checkbox(label, value=j is not None, key=f"map_find_q_{here}_{pid}_{cid}"):
                        picked.append(cid)
                ticked[pid] = picked
                choice = st.radio("Mark", list(MARKS), index=list(MARKS).index(j.verdict) if j else 0,
                                  format_func=MARKS.get, horizontal=True, key=f"map_find_mark_{here}_{pid}",
                                  label_visibility="collapsed")
                if choice and (not j or choice != j.verdict or set(picked) != {q.coding_id for q in j.quotes}):
                    marks[pid], quotes[pid] = choice, picked
        save = st.form_submit_button("Save marks", type="primary")
    if save:
        try:
            typed = judging.parse_marks(letters, people) if letters.strip() else None
        except ToolkitError as e:
            show_error(e)
            return
        if typed is not None:
            marks = typed
            quotes = {pid: ticked.get(pid, []) for pid in typed}
        act(judging.judge_many, p, fw, theme, f.statement, marks, level=level, quotes=quotes, actor=coder(),
            cli="findings judge --marks", done=f"Saved {len(marks)} mark(s) on {theme}.")


def drivers_tab() -> None:
    c1, c2, c3, c4 = st.columns(4)
    catalogue = c1.selectbox("Measures", catalogue_ids() + [NONE], key="map_catalogue")
    level = c2.radio("Drivers", ["code", "category"], horizontal=True, key="map_drv_level")
    with c3:
        attribute = attribute_picker("map_drv_attr", "Colour by")
    cat = None if catalogue == NONE else catalogue
    try:
        auto, _f, _l = _drivers(str(p.path), cat, level, attribute, None, _key(coders), version())
        gap_key = f"map_gap_min_{auto.n_participants}"
        gap_min = c4.number_input("Gap: raised by at least (participants)", 1, max(1, auto.n_participants),
                                  auto.gap_min, key=gap_key,
                                  help=explain("gap") + f" Default: a third of the {auto.n_participants} "
                                                        f"participants (at least two), here {auto.gap_min}.")
        a, fig, lay = _drivers(str(p.path), cat, level, attribute, int(gap_min), _key(coders), version())
    except ToolkitError as e:
        show_error(e)
        return
    gaps = a.gaps()
    st.caption(f"Framework: {md(a.framework_name)} ({md(a.framework_id)})"
               + (f" · crosswalk: {md(a.via)}" if a.via else " · crosswalk: none")
               + f" · {a.n_participants} participants · gaps (raised by ≥ {a.gap_min}, no measure): "
               + (", ".join(f"**{d.id}** {d.label} ({d.n_participants})" for d in gaps) or "none"))
    f1, f2 = st.columns([3, 1])
    big = f1.toggle("Full screen map (tall, the whole width; or the ⛶ button at the map's top right)",
                    key="map_driver_big", help="Hover a driver or a measure for its full name, participants and "
                                                "quantities.")
    f2.download_button("Map in its own window (HTML)", key="map_driver_html", file_name=f"drivers_{a.framework_id}.html",
                       data=lambda: fig.to_html(include_plotlyjs=True, full_html=True).encode())
    shown = go_big(fig) if big else fig
    ev = st.plotly_chart(shown, key="map_driver_fig", on_select="rerun", selection_mode="points",
                         config={"displaylogo": False})
    ids = [d.id for d in a.drivers]
    for pt in ev.selection.points if ev is not None else []:
        st.session_state["map_driver"] = nearest_driver(lay, pt["x"], pt["y"])
    if st.session_state.get("map_driver") not in ids:
        st.session_state.pop("map_driver", None)
    d = a.driver(st.selectbox("Driver (or click one on the map)", ids, key="map_driver",
                              format_func=lambda i: f"{i} {a.driver(i).label}"))
    st.markdown(f"**{md(d.id)} {md(d.label)}** · ring {md(d.ring)} · raised by {d.n_participants} of {a.n_participants} "
                f"({', '.join(f'{g} {n}' for g, n in d.shares.items() if n) or 'nobody'}) in {d.passages} "
                f"passage(s) · participants: {md_join(d.participants) or '-'}"
                + (f" · said the opposite: {', '.join(d.counter_participants)}" if d.counter_participants else ""))
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
                act(drivers.unlink_measure, p, a.catalogue_id, mid, d.id, cli="measures-edit unlink", actor=coder(), done=f"Unlinked {mid} from {d.id}.")
        elif l3.button("Link", key="map_link_measure"):
            act(drivers.link_measure, p, a.catalogue_id, mid, d.id, why, cli="measures-edit link", actor=coder(), done=f"Linked {mid} to {d.id}.")
    table = a.driver_table()
    st.dataframe(table.style.apply(lambda r: ["background-color: #f8d7da" if r["gap"] else ""] * len(r), axis=1),
                 hide_index=True, width="stretch")
    st.dataframe(a.measure_table(), hide_index=True, width="stretch")
    r1, r2, r3 = st.columns(3)
    r1.download_button("Interpretation report (Word)", key="map_report", type="primary",
                       file_name=f"interpretation_{a.framework_id}.docx", icon=":material/description:",
                       data=lambda: file_bytes(lambda f: interpret.write_report(p, f, analysis=a, coders=coders), ".docx"))
    r2.download_button("Driver map (SVG)", key="map_svg", file_name=f"drivers_{a.framework_id}.svg",
                       data=lambda: file_bytes(lambda f: svg(a, f), ".svg"))
    r3.download_button("Driver x measure table (CSV)", key="map_matrix_csv", file_name="drivers_measures.csv",
                       data=lambda: a.matrix().to_csv().encode())


framework = framework_picker("Framework (linkages and findings; the driver map uses its measures' framework)",
                             key="map_framework")
coders, evidence_now = evidence_picker()
t_link, t_find, t_drv = st.tabs(["Linkages", "Findings", "Driver map, measures and report"], key="interpret_tab",
                                on_change="rerun")
if t_link.open:
    with t_link:
        linkage_tab(framework)
if t_find.open:
    with t_find:
        findings_tab(framework)
if t_drv.open:
    with t_drv:
        drivers_tab()
