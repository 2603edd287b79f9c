"""Entry point: `python -m toolkit app [PROJECT]` (the Makefile's `make run`) runs this file with Streamlit.

The app ships inside the package as ``toolkit.app`` (mapped from this source folder ``app/`` by ``setup.py``), so
it runs the same from a source checkout and from an installed wheel, from any folder.
"""

from pathlib import Path

import streamlit as st
from toolkit.app.background import suggestion_progress
from toolkit.app.common import coder_picker, md, project_label, project_path, team_mode, user

from toolkit.errors import ToolkitError
from toolkit.store import project_exists

st.set_page_config(page_title="Framework analysis", page_icon=":material/grid_on:", layout="wide")

PAGES = Path(__file__).resolve().parent / "app_pages"
#: (group, page file, title, icon, the capability a team role needs to see it: toolkit.team.CAPABILITIES)
SPEC = [
    ("Project", "project.py", "Project", ":material/folder_open:", "project"),
    ("Project", "participants.py", "Participants", ":material/groups:", "project"),
    ("The five steps", "familiarize.py", "1 Familiarize", ":material/menu_book:", "familiarize"),
    ("The five steps", "framework.py", "Framework", ":material/account_tree:", "frameworks"),
    ("The five steps", "index.py", "2 Index", ":material/label:", "index"),
    ("The five steps", "agreement.py", "2b Agreement", ":material/handshake:", "agreement"),
    ("The five steps", "chart.py", "3 Chart", ":material/table_chart:", "chart"),
    ("The five steps", "map.py", "4 Map", ":material/hub:", "map"),
    ("The five steps", "interpret.py", "5 Interpret", ":material/insights:", "map"),
    ("Learn", "teach.py", "Teaching mode", ":material/school:", "teach"),
]
if team_mode():
    SPEC.insert(1, ("Project", "team.py", "Team", ":material/group:", "assign"))
path = project_path()
try:
    who = user()
except ToolkitError as e:  # the project database cannot be reached...: said plainly, never a traceback
    st.error(f"**The project cannot be opened.** {md(e)}")
    st.stop()
if team_mode() and who is None:  # nothing but the login page until someone logs in
    SPEC = [("", "login.py", "Log in", ":material/login:", None)]
elif team_mode():  # each role sees its pages only
    SPEC = [row for row in SPEC if who.can(row[4])]
pages: dict[str, list] = {}
for i, (group, file, title, icon, _cap) in enumerate(SPEC):
    pages.setdefault(group, []).append(st.Page(PAGES / file, title=title, icon=icon, default=i == 0))
nav = st.navigation(pages)
st.sidebar.caption(f"Project: {md(project_label(path))}" if path else "No project open")
try:
    ready = path and project_exists(path) and (not team_mode() or who is not None)
except ToolkitError as e:
    st.error(f"**The project cannot be opened.** {md(e)}")
    st.stop()
if ready:
    if team_mode() or nav.title != "Teaching mode":  # a student picks their name on the page: one name box
        coder_picker()
    if nav.title != "Project":  # the Project page shows it in full
        with st.sidebar:
            suggestion_progress()
nav.run()
