"""Framework: build and refine the coding framework: codes and categories, merge and split, versions and export."""

import hashlib

import streamlit as st
from toolkit.app.common import (
    act,
    coder,
    file_bytes,
    flash,
    framework_picker,
    md,
    on_click,
    project,
    project_embedder,
    version,
)

from toolkit import codebook as cb
from toolkit import overview
from toolkit.frameworks import SHIPPED_DIR, load_folder

st.title("Framework")
st.caption("Build the framework from your reading, test it on new transcripts, and refine it: every change is kept "
           "(who, when), codings follow codes that are renamed, moved, merged or split, and a version can be named, "
           "compared and exported at any time.")
flash(toast=True)
p = project()


@st.cache_data(show_spinner=False, max_entries=16)
def _outline(path: str, fw_id: str, v: int) -> cb.Outline:
    return cb.outline(project(), fw_id)


def _rename(fw_id: str, old: str) -> None:
    """The Rename button's callback: the code keeps being the one shown under its new id."""
    new = st.session_state.get(f"fe_rename_{old}") or old
    renamed = act(cb.rename_code, p, fw_id, old, new, actor=coder(), cli="code rename", done=f"{old} is now {new}.",
                  rerun="callback")
    if renamed:
        st.session_state["fe_code"] = renamed


def _save(fw_id: str, code: str, keys: dict[str, str]) -> None:
    """The Save code button's callback (the form's values are in the session state by then)."""
    v = {f: st.session_state.get(k, "") for f, k in keys.items()}
    act(cb.edit_code, p, fw_id, code, cb.CodeFields(v["label"], v["definition"], v["include"], v["exclude"],
                                                   v["examples"].splitlines()),
        actor=coder(), cli="code edit --label --definition --include --exclude --example",
        done=lambda d: f"{code}: {', '.join(d) or 'nothing'} changed.", rerun="callback")


@st.cache_data(show_spinner=False)
def _shipped() -> list[str]:
    return sorted(load_folder(SHIPPED_DIR).frameworks) if SHIPPED_DIR.is_dir() else []


fws = [f["id"] for f in overview.frameworks(p)]  # counted in SQL: cheap
with st.expander("New framework", expanded=not fws):
    with st.form("fw_new", clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        new_id = c1.text_input("Id", placeholder="mystudy", key="fw_new_id")
        new_name = c2.text_input("Name", key="fw_new_name")
        source = c3.selectbox("Start from", ["(empty)"] + fws + [f"shipped: {x}" for x in _shipped()],
                              key="fw_new_from")
        carry = st.checkbox("Bring its codings along (a condensed copy: merge codes in it, the crosswalk from the "
                            "original is kept up to date)", key="fw_new_carry")
        if st.form_submit_button("Create framework"):
            src = None if source == "(empty)" else source.removeprefix("shipped: ")
            if act(cb.new_framework, p, new_id, name=new_name or None, copy_from=src, carry_codings=carry and
                   source in fws, actor=coder(), cli="framework new --from --carry-codings",
                   done=f"Framework {new_id} created.", rerun=False):
                st.session_state["framework"] = new_id.strip()
                st.rerun()
if not fws:
    st.stop()

fw_id = framework_picker()
o = _outline(str(p.path), fw_id, version())
codes = [r.id for r in o.codes]
cats = [r.id for r in o.categories]
titles = {r.id: r.title for r in o.codes}
cat_titles = {r.id: r.title for r in o.categories}
st.caption(f"**{md(o.name)}** · {len(o.codes)} codes in {len(o.categories)} categories · "
           f"{sum(r.codings for r in o.codes)} codings · versions: {md(', '.join(o.versions)) or 'none yet'}")

tree, add, merge, split, versions = st.tabs(["Codes", "Add", "Merge", "Split", "Versions and export"])

@st.fragment
def codes_tab() -> None:
    """The tree and the selected code's editor: a click here reruns only this part of the page."""
    flash(toast=True)
    o = _outline(str(p.path), fw_id, version())
    codes = [r.id for r in o.codes]
    cats = [r.id for r in o.categories]
    titles = {r.id: r.title for r in o.codes}
    cat_titles = {r.id: r.title for r in o.categories}
    left, right = st.columns([3, 2])
    left.dataframe([{"code": r.title, "codings": r.codings, "definition": r.definition} for r in o.rows],
                   hide_index=True, width="stretch", height=520,
                   column_config={"code": st.column_config.TextColumn(width="large")})
    if not codes:
        right.info("No codes yet: add the first on the **Add** tab, or while reading (Familiarize) or indexing.")
    else:
        cur = right.selectbox("Code", codes, format_func=titles.get, key="fe_code")
        row = o.code(cur)
        # keys carry a digest of the code's texts: an edit made elsewhere (CLI, another tab) shows at once
        tag = hashlib.sha1(repr((row.label, row.definition, row.include, row.exclude, row.examples)).encode())
        keys = {f: f"fe_{f}_{cur}_{tag.hexdigest()[:8]}" for f in ("label", "definition", "include", "exclude",
                                                                 "examples")}
        with right.form(f"fe_edit_{fw_id}_{cur}"):
            st.text_input("Label", row.label, key=keys["label"])
            st.text_area("Definition", row.definition, height=90, key=keys["definition"])
            st.text_area("Include when", row.include, height=68, key=keys["include"])
            st.text_area("Exclude when", row.exclude, height=68, key=keys["exclude"])
            st.text_area("Examples (one per line)", "\n".join(row.examples), height=90, key=keys["examples"])
            st.form_submit_button("Save code", type="primary", on_click=_save, args=(fw_id, cur, keys))
        with right.container(border=True):
            c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
            c1.text_input("New id", cur, key=f"fe_rename_{cur}")
            c2.button("Rename", key="fe_rename_go", on_click=_rename, args=(fw_id, cur))
            where = {("category", c): f"category {cat_titles[c]}" for c in cats}
            where |= {("parent", c): f"under {titles[c].strip()}" for c in codes if c != cur}
            here = ("parent", row.parent) if row.parent else ("category", row.category_id)
            keys = list(where)
            c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
            dest = c1.selectbox("Move to", keys, index=keys.index(here), format_func=where.get, key=f"fe_move_{cur}")
            c2.button("Move", key="fe_move_go", disabled=dest == here, **on_click(
                cb.move_code, p, fw_id, cur, **{dest[0]: dest[1]}, actor=coder(), cli="code move --category --parent",
                done=f"{cur} moved."))
            same = [r.id for r in o.codes if r.category_id == row.category_id]
            pos = same.index(cur)
            st.caption(f"Place {pos + 1} of {len(same)} in {md(cat_titles[row.category_id])}")
            c1, c2, c3 = st.columns(3)
            c1.button("Up", key="fe_up", disabled=pos == 0, icon=":material/arrow_upward:", **on_click(
                cb.reorder_code, p, fw_id, cur, pos - 1, actor=coder(), cli="code reorder", done=None))
            c2.button("Down", key="fe_down", disabled=pos == len(same) - 1, icon=":material/arrow_downward:",
                      **on_click(cb.reorder_code, p, fw_id, cur, pos + 1, actor=coder(), cli="code reorder", done=None))
            c3.button("Delete", key="fe_delete", disabled=row.codings > 0, icon=":material/delete:",
                      help="Only a code without codings: merge it into another code first (its codings follow).",
                      **on_click(cb.delete_code, p, fw_id, cur, actor=coder(), cli="code delete",
                                 done=f"{cur} deleted."))


with tree:
    codes_tab()


with add:
    c1, c2 = st.columns(2)
    with c1.form("fe_add_code", clear_on_submit=True):
        st.markdown("**Add a code**")
        a_id = st.text_input("Id", placeholder="ACC01")
        a_label = st.text_input("Label")
        a_cat = st.selectbox("Category", cats or ["(a new category 'general')"], format_func=lambda c:
                             cat_titles.get(c, c))
        a_parent = st.selectbox("Under code (optional)", [""] + [c for c in codes], format_func=lambda c:
                                titles.get(c, "(directly under the category)"))
        a_def = st.text_area("Definition", height=80)
        if st.form_submit_button("Add code", type="primary"):
            act(cb.add_code, p, fw_id, a_id, a_label, category=None if a_parent or not cats else a_cat,
                parent=a_parent or None, definition=a_def, actor=coder(),
                cli="code add --framework --id --label --category --parent --definition", done=f"Code {a_id} added.")
    with c2.form("fe_add_cat", clear_on_submit=True):
        st.markdown("**Add a category**")
        k_id = st.text_input("Id", placeholder="ACCESS")
        k_label = st.text_input("Label")
        k_desc = st.text_area("Description", height=80)
        if st.form_submit_button("Add category"):
            act(cb.add_category, p, fw_id, k_id, k_label, description=k_desc, actor=coder(),
                cli="category add --label --description", done=f"Category {k_id} added.")

with merge:
    st.caption("Merging moves every coding of the merged codes to the target, each keeping its coder, time and "
               "origin and recording the code it came from; memos and chart summaries follow; crosswalks that name "
               "the codes are updated (so a condensed copy stays traceable to the detailed framework).")
    with st.form("fe_merge", clear_on_submit=True):
        m_codes = st.multiselect("Merge these codes", codes, format_func=titles.get)
        c1, c2 = st.columns(2)
        m_into = c1.text_input("Into (one of them, another code, or a new id)")
        m_label = c2.text_input("Label (for a new code, or to relabel the target)")
        if st.form_submit_button("Merge", type="primary"):
            act(cb.merge_codes, p, fw_id, m_codes, m_into, label=m_label or None, actor=coder(),
                cli="code merge --into --label", done=lambda r: r.text())

with split:
    st.caption("Splitting a code makes new codes and sends each of its codings to one of them: the suggested code "
               "is the one whose “label: definition” is closest to the passage (the project's embedding model); "
               "change any before you split.")
    s_code = st.selectbox("Code to split", codes, format_func=titles.get, key="fe_split_code") if codes else None
    spec = st.text_area("New codes, one per line: ID = Label: definition", key="fe_split_spec",
                        placeholder="WAIT1 = Waiting for MRI: delays before an MRI\nWAIT2 = Waiting for CT: ...")
    new = []
    for line in spec.splitlines():
        cid, sep, rest = line.partition("=")
        if sep and cid.strip() and rest.strip():
            lab, _, dfn = rest.partition(":")
            new.append(cb.NewCode(cid.strip(), lab.strip(), dfn.strip()))
    if s_code and len(new) >= 2 and st.toggle("Rank the passages", key="fe_split_rank"):
        try:
            ranking = cb.split_ranking(p, fw_id, s_code, new, project_embedder())
        except Exception as e:  # noqa: BLE001 - shown, nothing written
            st.error(md(e))
            ranking = []
        ids = [c.id for c in new]
        table = st.data_editor(
            [{"coding": r.coding_id, "to": r.best, "transcript": r.transcript, "coder": r.coder,
              **{c: round(r.scores[c], 2) for c in ids}, "passage": r.text} for r in ranking],
            column_config={"to": st.column_config.SelectboxColumn(options=ids, required=True)},
            disabled=["coding", "transcript", "coder", *ids, "passage"], hide_index=True, key="fe_split_table")
        if st.button("Split", type="primary", key="fe_split_go"):
            act(cb.split_code, p, fw_id, s_code, new, {r["coding"]: r["to"] for r in table}, actor=coder(),
                cli="code split --into --assign", done=lambda r: f"{s_code} split: {r.moved}.")

with versions:
    c1, c2 = st.columns(2)
    with c1.form("fe_version", clear_on_submit=True):
        v_name = st.text_input("Name this version", placeholder="preliminary / after testing on P05-P08")
        v_note = st.text_input("Note (optional)")
        if st.form_submit_button("Save version"):
            act(cb.save_version, p, fw_id, v_name, note=v_note, actor=coder(), cli="framework version --note",
                done=f"Version {v_name} saved.")
    names = o.versions + [cb.CURRENT]
    with c2:
        d1, d2 = st.columns(2)
        old = d1.selectbox("Compare", names, index=0, key="fe_diff_old")
        newer = d2.selectbox("with", names, index=len(names) - 1, key="fe_diff_new")
        if old != newer:
            st.code(cb.diff(p, fw_id, old, newer).text(), language=None)  # st.code shows text as text
    exp = st.selectbox("Export version", names, index=len(names) - 1, key="fe_export_version")
    e1, e2, e3 = st.columns(3)
    for col, suffix, what in ((e1, ".yaml", "YAML"), (e2, ".csv", "codebook CSV"), (e3, ".qdc", "REFI-QDA .qdc")):
        col.download_button(f"{what}", key=f"fe_export{suffix}", file_name=f"{fw_id}-{exp}{suffix}",
                            data=lambda suffix=suffix: file_bytes(lambda out: cb.export_framework(
                                p, fw_id, out, version=exp), suffix),
                            help=f"python -m toolkit framework export P.fa {fw_id} --version {exp} OUT{suffix}")
    hist = cb.lineage(p, fw_id)
    if hist:
        st.markdown("**Merges and splits**")
        st.dataframe([{k: r[k] for k in ("kind", "from_code", "to_code", "codings", "actor", "at")} for r in hist],
                     hide_index=True, width="stretch")
