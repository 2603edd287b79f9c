"""Entry point: `streamlit run app/streamlit_app.py -- --project study.fa` (the Makefile's `make run`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # so `app.*` imports work however it is launched

import streamlit as st  # noqa: E402

from app.common import coder_picker, project_path  # noqa: E402

st.set_page_config(page_title="Framework analysis", page_icon=":material/grid_on:", layout="wide")

PAGES = Path(__file__).resolve().parent / "app_pages"
pages = {
    "Project": [st.Page(PAGES / "project.py", title="Project", icon=":material/folder_open:", default=True)],
    "The five steps": [
        st.Page(PAGES / "familiarize.py", title="1 Familiarize", icon=":material/menu_book:"),
        st.Page(PAGES / "index.py", title="2 Index", icon=":material/label:"),
        st.Page(PAGES / "agreement.py", title="2b Agreement", icon=":material/handshake:"),
        st.Page(PAGES / "chart.py", title="3 Chart", icon=":material/table_chart:"),
        st.Page(PAGES / "map.py", title="4 Map", icon=":material/hub:"),
        st.Page(PAGES / "interpret.py", title="5 Interpret", icon=":material/insights:"),
    ],
    "Learn": [st.Page(PAGES / "teach.py", title="Teaching mode", icon=":material/school:")],
}
nav = st.navigation(pages)
path = project_path()
st.sidebar.caption(f"Project: `{Path(path).name}`" if path else "No project open")
if path and Path(path).is_file():
    coder_picker()
nav.run()
