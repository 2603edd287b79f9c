"""Project: open or create a project, import transcripts and attributes, add frameworks, see status."""

from pathlib import Path

import streamlit as st
from toolkit.app.background import suggestion_progress
from toolkit.app.common import Progress, act, coder, flash, md, project, project_path, set_project

from toolkit import background as bg
from toolkit import project as proj
from toolkit.settings import model_choice


def _create(path: str) -> str:
    proj.create(path).close()
    return path


st.title("Project")
flash()

with st.expander("Open or create a project", expanded=not project_path()):
    path = st.text_input("Project file", value=project_path() or "", placeholder="/path/to/study.fa")
    c1, c2 = st.columns(2)
    if c1.button("Open", key="open_project", disabled=not path):
        if Path(path).is_file():
            set_project(path)
            st.rerun()
        else:
            st.error(f"{md(path)}: no such project file")
    if c2.button("Create new (with the shipped frameworks)", key="create_project", disabled=not path):
        if act(_create, path, cli="init", done=f"Created {path}.", rerun=False):
            set_project(path)
            st.rerun()

p = project()
st_ = proj.status(p)
st.subheader(md(st_["name"] or Path(st_["path"]).stem))
if (st_["name"] or "").startswith("Sample study"):
    st.info("This is the **sample study**: twelve fictional interviews about low-value imaging, with a reference "
            "indexing by two coders. Walk through the five steps in the sidebar, starting with **1 Familiarize**; "
            "**Teaching mode** explains each step in the study's words.")
cols = st.columns(5)
for col, key in zip(cols, ("participants", "transcripts", "segments", "codings", "memos"), strict=True):
    col.metric(key.capitalize(), st_[key])
st.caption(f"File: {md(st_['path'])} · coders: {md(', '.join(st_['coders'])) or 'none yet'}")
st.dataframe(st_["frameworks"], hide_index=True, width="stretch")

st.subheader("Code suggestions")
task = suggestion_progress(finished=True)
if not (task and task.get("state") == "running") and st_["frameworks"]:
    ids = [f["id"] for f in st_["frameworks"]]
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    fw_id = c1.selectbox("Framework", ids, index=len(ids) - 1, key="bg_framework")
    if c2.button("Build code suggestions in the background", key="bg_suggest",
                 help="Ranks the framework's codes for every passage (a few minutes for a dozen interviews); you can "
                      "keep working meanwhile, and the progress shows here and in the sidebar."):
        act(bg.start_suggestions, st_["path"], fw_id, cli="background suggest --framework",
            done=lambda pid: f"Building code suggestions for {fw_id} in the background (process {pid}).")

st.subheader("Import transcripts")
st.caption("Formats: .txt .md .docx .vtt .srt (speaker labels such as `I:`, `Interviewer:`, `P07:`, `[00:12:03] Name:` "
           "are recognised). Attributes: CSV or XLSX with an `id` column. An import with any error imports nothing.")
uploads = st.file_uploader("Transcripts", accept_multiple_files=True, type=["txt", "md", "docx", "vtt", "srt"])
attrs = st.file_uploader("Participant attributes", type=["csv", "xlsx"])
folder = st.text_input("...or a folder on this machine", placeholder="/path/to/transcripts")
if st.button("Import", key="import", type="primary", disabled=not (uploads or attrs or folder)):
    bar = Progress("Reading transcripts")
    if folder:
        rep = act(proj.import_transcripts, p, folder, actor=coder(), progress=bar, cli="import",
                  done=None, rerun=False, before_rerun=bar.done)
    else:
        rep = act(proj.import_uploads, p, [(f.name, f.getvalue()) for f in uploads or []],
                  attributes=(attrs.name, attrs.getvalue()) if attrs else None, actor=coder(), progress=bar,
                  cli="import --attributes", done=None, rerun=False, before_rerun=bar.done)
    if rep is not None:
        st.success(f"Imported {len(rep.transcripts)} transcript(s); {len(rep.participants)} participant row(s)."
                   + (f" Already present: {md(', '.join(rep.skipped))}." if rep.skipped else ""))
        for w in rep.warnings:
            st.warning(md(w))

st.subheader("Frameworks")
fw_file = st.file_uploader("Add a framework (YAML, or codebook CSV `code,label,definition,category`)",
                           type=["yaml", "yml", "csv"])
if st.button("Add framework", key="add_framework", disabled=fw_file is None):
    act(proj.add_framework_upload, p, fw_file.name, fw_file.getvalue(), actor=coder(), cli="frameworks add",
        done=lambda fw: f"Added {fw.id}: {len(fw.codes)} codes in {len(fw.categories)} categories")

with st.expander("Embedding model"):
    now = model_choice(p)
    st.caption(f"In use: **{md(now.name)}** ({md(now.reason)}). Suggestions, summary drafts, maps and teaching use it.")
    options = ["Automatic (by the transcripts' language)", "all-MiniLM-L6-v2 (packaged; English)",
               "multilingual-e5-small (packaged; Norwegian and about 100 other languages)", "A local model folder"]
    pick = st.radio("Model", options, key="model_pick")
    folder = st.text_input("Local sentence-transformers model folder", key="model_folder") if pick == options[3] else ""
    if st.button("Use this model", key="set_model"):
        value = {options[0]: None, options[1]: "all-MiniLM-L6-v2", options[2]: "multilingual-e5-small"}.get(
            pick, folder or None)
        act(proj.set_model, p, value, actor=coder(), cli="model set",
            done="Saved. Suggestions will use it from now on.")
