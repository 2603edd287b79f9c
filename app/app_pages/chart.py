"""Step 3, Chart: the participant x code matrix with summaries; a cell's quotes and summary; drafting, refinement and
downloads (Word, Excel, CSV)."""

import pandas as pd
import streamlit as st
from toolkit.app.analysis_ui import evidence_picker, participant_filter
from toolkit.app.common import (
    Progress,
    act,
    attribute_names,
    coder,
    crosswalk_ids,
    file_bytes,
    flash,
    framework_picker,
    md,
    md_join,
    project,
    project_embedder,
    show_error,
    user,
    version,
    viewer,
)

from toolkit import charting, evidence
from toolkit import familiarize as memo_ops
from toolkit import project as proj
from toolkit.errors import ToolkitError
from toolkit.export import export_csv, export_docx, export_xlsx
from toolkit.participants import ParticipantFilter
from toolkit.safeio import csv_bytes

st.title("3 · Chart")
flash(toast=True)
p = project()
ALL = "(all categories: one column per category)"
STATUS_FILL = {"reviewed": "#d4edda", "draft": "#fff3cd", "empty": ""}
MARK = {"reviewed": "✓ ", "draft": "✎ ", "empty": ""}
STALE_MARK = "⚠ "  # written from earlier evidence


@st.cache_data(show_spinner=False, max_entries=32)
def _matrix(path: str, framework: str, category: str | None, group_by: tuple, level: str, coders: tuple | None,
            v: int, who: str, where: ParticipantFilter | None = None):
    return charting.build_matrix(project(), framework, category=category, group_by=group_by, level=level,
                                 coders=list(coders) if coders else None, where=where or None, viewer=who)


@st.cache_data(show_spinner=False, max_entries=16)
def _categories(path: str, framework: str, v: int) -> list[tuple[str, str]]:
    return [(c.id, c.label) for c in proj.get_framework(project(), framework).categories]


@st.cache_data(show_spinner=False, max_entries=16)
def _coverage(path: str, framework: str, by: tuple, coders: tuple | None, v: int, who: str, where: ParticipantFilter):
    ev = evidence.resolve(project(), list(coders) if coders else None, where=where or None, viewer=who)
    return charting.coverage(project(), framework, by=by, coders=ev)


@st.cache_data(show_spinner=False, max_entries=16)
def _compare(path: str, framework: str, by: str, level: str, coders: tuple | None, v: int, who: str,
             where: ParticipantFilter):
    ev = evidence.resolve(project(), list(coders) if coders else None, viewer=who)
    return charting.compare(project(), framework, by, where=where or None, coders=ev, level=level)


def _grid(m, show: str) -> pd.DataFrame:
    """What the matrix shows: attribute columns, then one text per cell (summary or passage count, with status)."""
    rows = m.rows[list(m.group_by)].astype(str).replace({"nan": "", "None": ""})
    data = {}
    for col in m.columns:
        vals = []
        for pid in m.participants:
            c = m.cells[(pid, col.id)]
            n = len(c.quotes)
            if show == "Passages":
                vals.append(f"{n} · {c.status}" if c.summary else (str(n) if n else ""))
            else:
                mark = STALE_MARK if c.stale else MARK[c.status]
                vals.append(mark + c.summary if c.summary else (_passages(n) if n else ""))
        data[col.id] = vals
    grid = pd.concat([rows.reset_index(), pd.DataFrame(data)], axis=1)
    return grid


def _passages(n: int) -> str:
    return f"· {n} passage{'s' if n != 1 else ''}"


def _style(grid: pd.DataFrame, m):
    status = {col.id: [m.cells[(pid, col.id)].status for pid in m.participants] for col in m.columns}
    css = pd.DataFrame("", index=grid.index, columns=grid.columns)
    for cid, sts in status.items():
        css[cid] = [f"background-color: {STATUS_FILL[s]}" if STATUS_FILL[s] else "" for s in sts]
    return grid.style.apply(lambda _: css, axis=None)


def matrix_tab(m, level: str, category: str) -> None:
    grid = _grid(m, show)
    width = "small" if show == "Passages" else "medium"
    config = {col.id: st.column_config.TextColumn(col.id if level == "code" else col.label, help=md(col.label),
                                                  width=width) for col in m.columns}
    config["participant"] = st.column_config.TextColumn("Participant", pinned=True, width="small")
    done = sum(c.status == "reviewed" for c in m.cells.values())
    drafts = sum(c.status == "draft" for c in m.cells.values())
    stale = sum(c.stale for c in m.cells.values())
    st.caption(f"{len(m.participants)} participants × {len(m.columns)} {level}s · {done} reviewed (✓, green), "
               f"{drafts} draft (✎, yellow)"
               + (f" · {stale} {charting.STALE_NOTE} (⚠)" if stale else "") + " · click a cell to open it below"
               + (f" · {m.unassigned} coding(s) on transcripts without a participant are not charted"
                  if m.unassigned else ""))
    event = st.dataframe(_style(grid, m), key="chart_grid", on_select="rerun", selection_mode="single-cell",
                         hide_index=True, column_config=config, width="stretch", height=min(40 + 35 * len(grid), 560))
    col_ids = [col.id for col in m.columns]
    cells = event.selection.cells if event is not None else []
    if cells:
        row, col = cells[0]
        pick = (m.participants[int(row)], col)
        if col in col_ids and pick != st.session_state.get("_chart_pick"):
            st.session_state["_chart_pick"] = pick
            st.session_state["chart_participant"], st.session_state["chart_code"] = pick
    for key, options in (("chart_participant", m.participants), ("chart_code", col_ids)):
        if st.session_state.get(key) not in options:
            st.session_state.pop(key, None)
    b1, b2, b3, b4 = st.columns([2, 1, 1, 1])
    scope = "all categories" if level == "category" else f"category {category}"
    redo = b1.checkbox("Redraft earlier drafts too", key="chart_overwrite",
                       help="Summaries a researcher wrote, carried over or reviewed are never replaced.")
    if b1.button(f"Draft extracts ({scope})", key="chart_draft", type="primary",
                 help="One or two of the participant's own sentences per cell (at most 40 words), labelled as "
                      "extracts until you rewrite or confirm them."):
        draft(None if level == "category" else col_ids, redo)
    stem = f"{framework}_{'categories' if level == 'category' else category}_matrix"
    kw = {"title": f"Framework matrix: {m.framework_name}"}
    whole = b1.toggle("Downloads: whole framework", key="chart_whole", value=level == "code",
                      help="Word, Excel and CSV of every category in one file (tables of at most 6 codes)")
    dm = m
    if whole and level == "code":
        stem = f"{framework}_matrix"
        dm = _matrix(str(p.path), framework, None, tuple(group_by), "code", tuple(coders) if coders else None,
                     version(), viewer(), where)
    b2.download_button("Word", data=lambda: file_bytes(lambda f: export_docx(dm, f, **kw), ".docx"),
                       file_name=f"{stem}.docx", key="chart_docx", icon=":material/description:",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    b3.download_button("Excel", data=lambda: file_bytes(lambda f: export_xlsx(dm, f, **kw), ".xlsx"),
                       file_name=f"{stem}.xlsx", key="chart_xlsx", icon=":material/table:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    b4.download_button("CSV", data=lambda: file_bytes(lambda f: export_csv(dm, f), ".csv"), file_name=f"{stem}.csv",
                       key="chart_csv", icon=":material/csv:", mime="text/csv")
    cell_panel(m, level, col_ids)


def _drafted(rep) -> str:
    return (f"Drafted {rep.drafted} cell(s) in {rep.seconds:.1f} s ({md(rep.model)}); kept {rep.kept_researcher} written "
            f"or reviewed by a researcher, {rep.kept_draft} earlier draft(s); {rep.no_sentences} cell(s) without "
            "participant sentences.")


def draft(codes: list[str] | None, overwrite: bool) -> None:
    bar = Progress("Drafting summaries")
    act(charting.draft_summaries, p, framework, project_embedder(), codes=codes, overwrite=overwrite,
        coders=coders, actor=coder(), progress=bar, before_rerun=bar.done, cli="summaries draft --overwrite --coder",
        done=lambda rep: f"Drafted {rep.drafted} extract(s) in {rep.seconds:.1f} s ({rep.model}); kept "
                         f"{rep.kept_researcher} written or reviewed by a researcher, {rep.kept_draft} earlier "
                         f"draft(s); {rep.no_sentences} cell(s) without participant sentences.")


def cell_panel(m, level: str, col_ids: list[str]) -> None:
    labels = {col.id: col.label for col in m.columns}
    st.subheader("Cell")
    k1, k2 = st.columns(2)
    pid = k1.selectbox("Participant", m.participants, key="chart_participant",
                       format_func=lambda x: " · ".join([x] + [str(m.rows.at[x, a]) for a in m.group_by]))
    code = k2.selectbox(level.capitalize(), col_ids, key="chart_code", format_func=lambda c: f"{c} {labels[c]}")
    cell = m.cell(pid, code)
    who = f" · {md(cell.origin or '')} by {md(cell.author)}" if cell.author else ""
    when = f" · {cell.updated_at:%Y-%m-%d %H:%M}" if cell.updated_at else ""
    st.caption(f"**{md(pid)} × {md(code)} {md(labels[code])}** · {len(cell.quotes)} passage(s) · status **{cell.status}**"
               + who + when)
    if cell.stale:
        st.warning(f"⚠ This summary was {charting.STALE_NOTE}: the codings under this cell changed since it was "
                   "written. Redraft it, or read the passages below and confirm it (Save as reviewed).")
    if level == "category":
        left, right = st.columns([3, 2])
        with left:
            for q in cell.quotes:
                with st.container(border=True):
                    st.text(q.text.strip())
                    st.caption(f"{md(q.reference)} · {md(q.code_id)} · coded by {md(q.coder)}")
        right.text_area("Summaries of the category's codes", cell.summary, disabled=True, height=220)
        right.caption("Write and review summaries per code: choose a category above.")
        return
    summary_form(cell, pid, code)
    memo_box(pid, code)


def memo_box(pid: str, code: str) -> None:
    """Memos on this cell and on its code: the ones written so far, and a new one."""
    mine = memo_ops.memos_table(p, viewer=viewer())
    mine = mine[mine["about"].str.startswith((f"{pid} × {code} ", f"{code} "))
                & mine["about"].str.endswith(f"({framework})")]
    with st.expander(f"Memos on this cell and on {code} ({len(mine)})"):
        for r in mine.itertuples():
            st.caption(f"{md(r.kind)} · {md(r.author)} · {md(r.updated)}" + (f" · {md(r.title)}" if r.title else ""))
            st.text(r.memo)
        with st.form(f"chart_memo_{pid}_{code}", clear_on_submit=True):
            on = st.radio("Memo on", ["this cell", f"the code {code}"], horizontal=True, key=f"chart_memo_on_{code}")
            text = st.text_area("Memo", key=f"chart_memo_text_{pid}_{code}")
            if st.form_submit_button("Save memo"):
                who = {"participant": pid} if on == "this cell" else {}
                act(memo_ops.add_memo, p, text, author=coder(), framework=framework, code=code, **who,
                    cli="memo add --participant --framework --code", done="Memo saved.")


def summary_form(cell, pid: str, code: str) -> None:
    """The cell's passages (tick those the summary cites) and its summary; saving writes the researcher's text."""
    here = f"{framework}_{pid}_{code}_{cell.summary_id}_{cell.updated_at.timestamp() if cell.updated_at else 0}"
    if cell.origin == "drafted" and cell.status == "draft":
        st.info("This is an **extract** the toolkit drafted (one or two of the participant's own sentences), not a "
                "summary yet. Rewrite it in your words, or confirm it, and tick the passages it rests on.")
    cited = {i for q in cell.cited_quotes() for i in q.coding_ids}
    with st.form(f"chart_summary_form_{here}"):
        left, right = st.columns([3, 2])
        ticks = {}
        with left:
            if not cell.quotes:
                st.info("No coded passages in this cell.")
            for n, q in enumerate(cell.quotes, start=1):
                with st.container(border=True):
                    st.text(q.text.strip())
                    st.caption(f"{md(q.reference)} · coded by {md(q.coder)}")
                    ticks[n] = st.checkbox(f"The summary cites passage {n}", value=bool(cited & set(q.coding_ids)),
                                           key=f"chart_cite_{here}_{n}")
        with right:
            text = st.text_area("Summary (in your words)", cell.summary, height=220, key=f"chart_summary_text_{here}",
                                help="Keep the participant's meaning in fewer words. Empty removes the summary.")
            st.caption("Saving marks the summary **reviewed**: you wrote or confirmed it. Keep it as a draft to come "
                       "back to it.")
            b1, b2 = st.columns(2)
            reviewed = b1.form_submit_button("Save as reviewed", type="primary")
            as_draft = b2.form_submit_button("Keep as draft")
    if not (reviewed or as_draft):
        return
    ids = [i for n, q in enumerate(cell.quotes, start=1) if ticks.get(n) for i in q.coding_ids]
    status = "reviewed" if reviewed else "draft"
    if reviewed and cell.summary and text.strip() == cell.summary.strip() and set(ids) == cited:
        act(charting.review_summary, p, framework, pid, code, author=coder(), coders=coders, cli="summaries review",
            done=f"Confirmed the summary of {pid} × {code} (reviewed).")
    else:  # the version it was based on: a save over someone else's newer one is refused, nothing overwritten
        act(charting.set_summary, p, framework, pid, code, text, status=status, author=coder(), quotes=ids,
            base_version=cell.version, coders=coders, cli="summaries set --reviewed --quotes",
            done=f"Saved the summary of {pid} × {code} ({status}), citing {len(ids)} coding(s).")


def coverage_tab() -> None:
    by = st.selectbox("Coverage by", ["(none)"] + attrs, key="chart_cover_by",
                      index=1 + attrs.index("group") if "group" in attrs else 0)
    cov = _coverage(str(p.path), framework, () if by == "(none)" else (by,), tuple(coders) if coders else None,
                    version(), viewer(), where)
    st.caption(f"Codes no one mentioned: {md_join(cov.unused) or 'none'} · participants with fewer than "
               f"{cov.few} passages: {md_join(cov.sparse) or 'none'}")
    code_label = dict(zip(cov.codes["code_id"], cov.codes["label"], strict=True))
    heat = cov.heatmap("share").rename(index=lambda c: f"{c} {code_label[c]}")
    st.dataframe(heat.style.background_gradient(cmap="Blues", vmin=0, vmax=1).format("{:.0%}"), width="stretch",
                 height=420)
    st.caption("Share of each group's participants who mentioned the code.")
    st.dataframe(cov.participants, hide_index=True, width="stretch")


def compare_tab(level: str) -> None:
    """Codes x the values of one attribute (NVivo's matrix coding query); a click on a cell shows its passages."""
    if not attrs:
        st.info("The participants have no attributes yet: add them on the Participants page.")
        return
    a1, a2 = st.columns([2, 3])
    by = a1.selectbox("Compare by", attrs, key="chart_compare_by", index=attrs.index("group") if "group" in attrs else 0)
    what = a2.radio("Count", ["passages", "participants", "share"], horizontal=True, key="chart_compare_count")
    cmp = _compare(str(p.path), framework, by, level, tuple(coders) if coders else None, version(), viewer(), where)
    table = cmp.table(what)
    labels = {c.id: c.label for c in cmp.columns}
    shown = table.rename(index=lambda c: f"{c} {labels[c]}")
    st.caption(" · ".join(f"{md(v)}: {n} participant(s)" for v, n in cmp.sizes.items())
               + " · click a cell to read its passages")
    fmt = "{:.0%}" if what == "share" else "{:d}"
    event = st.dataframe(shown.style.background_gradient(cmap="Blues").format(fmt), key="chart_compare_grid",
                         on_select="rerun", selection_mode="single-cell", width="stretch", height=420)
    picked = event.selection.cells if event is not None else []
    if picked:
        row, col = picked[0]
        code = table.index[int(row)]
        if col in cmp.values:
            quotes = cmp.passages(code, col)
            st.markdown(f"**{md(code)} {md(labels[code])} × {md(by)} = {md(col)}**: {len(quotes)} passage(s)")
            for q in quotes:
                with st.container(border=True):
                    st.text(q.text.strip())
                    st.caption(f"{md(q.reference)} · coded by {md(q.coder)}")
    st.download_button("CSV", data=lambda: csv_bytes(cmp.labelled(what).reset_index()),
                       file_name=f"{framework}_by_{by}.csv", key="chart_compare_csv", mime="text/csv")


def refine_tab() -> None:
    cws = crosswalk_ids()
    if not cws:
        st.info("This project has no crosswalk. Add one with `python -m toolkit` or the Project page.")
        return
    cw = st.selectbox("Crosswalk", cws, key="chart_crosswalk")
    st.caption("Recodes the whole project into the crosswalk's target framework. Original codings stay; every new "
               "coding lists the codings it came from; summaries of merged cells are carried over as drafts.")
    r1, r2 = st.columns(2)
    dry = r1.button("Preview (nothing is written)", key="chart_refine_preview")
    apply = r2.button("Apply the crosswalk", key="chart_refine_apply", type="primary",
                      disabled=user() is not None and not user().can("refine"),
                      help="Rewrites the project's codings: the lead's decision on a team server")
    rep = None
    if dry:
        rep = act(charting.refine, p, cw, actor=coder(), dry_run=True, cli="refine --crosswalk --dry-run",
                  done=None, rerun=False)
    elif apply:
        rep = act(charting.refine, p, cw, actor=coder(), dry_run=False, cli="refine --crosswalk",
                  done=None, rerun=False)
    if dry or apply:
        if rep is not None:
            st.session_state["_chart_refine"] = rep
    rep = st.session_state.get("_chart_refine")
    if rep is None or rep.crosswalk_id != cw:
        return
    (st.info if rep.dry_run else st.success)(
        ("Preview: " if rep.dry_run else "Applied: ")
        + f"{rep.added} coding(s) added, {rep.updated} updated, {rep.unchanged} unchanged, {rep.retired} retired; "
        f"{rep.summaries_carried} summaries carried over.")
    st.markdown("**What merged into what**")
    st.dataframe(rep.targets, hide_index=True, width="stretch")
    with st.expander("Every crosswalk entry"):
        st.dataframe(rep.merges, hide_index=True, width="stretch")
    st.download_button("Report (text)", rep.text(), file_name=f"refine_{cw}.txt", key="chart_refine_txt")


framework = framework_picker()
attrs = attribute_names()
try:
    cats = _categories(str(p.path), framework, version())
except ToolkitError as e:
    show_error(e)
    st.stop()
c1, c2, c3 = st.columns([3, 3, 2])
cat_ids = [c for c, _ in cats] + [ALL]
cat_label = dict(cats) | {ALL: ALL}
category = c1.selectbox("Category", cat_ids, format_func=lambda c: c if c == ALL else f"{c} {cat_label[c]}",
                        key="chart_category")
group_by = c2.multiselect("Group rows by", attrs, default=[a for a in ("group", "setting") if a in attrs],
                          key="chart_group_by")
show = c3.radio("Cells show", ["Summaries", "Passages"], horizontal=True, key="chart_show")
coders, evidence_now = evidence_picker(viewer=viewer())
where = participant_filter()
level = "category" if category == ALL else "code"
try:
    matrix = _matrix(str(p.path), framework, None if level == "category" else category, tuple(group_by), level,
                     tuple(coders) if coders else None, version(), viewer(), where)
except ToolkitError as e:
    show_error(e)
    st.stop()

tab_matrix, tab_cover, tab_compare, tab_refine = st.tabs(
    ["Matrix", "Coverage", "Compare by group", "Refine (crosswalk)"], key="chart_tab", on_change="rerun")
if tab_matrix.open:
    with tab_matrix:
        matrix_tab(matrix, level, category)
if tab_cover.open:
    with tab_cover:
        coverage_tab()
if tab_compare.open:
    with tab_compare:
        compare_tab(level)
if tab_refine.open:
    with tab_refine:
        refine_tab()
