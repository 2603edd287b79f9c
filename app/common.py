"""Shared frame of the app: the open project, the model, the current coder, cached reads.

Pages stay thin: they read widgets, call one toolkit function, and render its result. Everything that matters is in
the project database, so a browser reload or a second tab loses nothing; the coder's name is kept in the URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

from toolkit.store import Project, open_project
from toolkit.store import core as db

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PROJECT = REPO / "sample_project" / "sample.fa"


def _cli_project() -> str | None:
    args = sys.argv[1:]
    if "--project" in args and args.index("--project") + 1 < len(args):
        return args[args.index("--project") + 1]
    return os.environ.get("FA_PROJECT")


def project_path() -> str | None:
    if "project_path" not in st.session_state:
        st.session_state["project_path"] = st.query_params.get("project") or _cli_project() or (
            str(DEFAULT_PROJECT) if DEFAULT_PROJECT.is_file() else None)
    return st.session_state["project_path"]


@st.cache_resource(show_spinner=False)
def _open(path: str) -> Project:
    return open_project(path)


def project() -> Project:
    """The open project, or stop the page with a pointer to the Project page."""
    path = project_path()
    if not path or not Path(path).is_file():
        st.info("No project is open. Create or open one on the **Project** page.")
        st.stop()
    return _open(str(Path(path).resolve()))


def set_project(path: str) -> None:
    st.session_state["project_path"] = path
    st.query_params["project"] = path


@st.cache_resource(show_spinner="Loading the embedding model (once per server)...")
def embedder(model_path: str | None = None):
    from toolkit.embed import load_embedder

    return load_embedder(model_path)


def project_embedder():
    """The embedding model configured for the open project (default: the packaged all-MiniLM-L6-v2)."""
    with project().read() as s:
        path = db.get_setting(s, "model_path")
    return embedder(path or None)


def coder() -> str:
    """The name of the person working, kept in the URL (``?coder=``) so a reload keeps it."""
    if "coder" not in st.session_state:
        st.session_state["coder"] = st.query_params.get("coder", "researcher")
    return st.session_state["coder"]


def coder_picker() -> str:
    with project().read() as s:
        known = [c["name"] for c in db.list_coders(s) if c["kind"] == "human"]
    current = coder()
    name = st.sidebar.text_input("You are (coder)", value=current, key="coder_input",
                                 help="Every coding, decision and summary records this name. Known coders: "
                                      + (", ".join(known) or "none yet"))
    if name.strip() and name != current:
        st.session_state["coder"] = name.strip()
        st.query_params["coder"] = name.strip()
    return st.session_state["coder"]


def version() -> int:
    """A number that changes whenever the project changes (the newest event id): the key of cached reads."""
    with project().read() as s:
        return db.latest_event_id(s)


def framework_picker(label: str = "Framework", key: str = "framework") -> str:
    with project().read() as s:
        fws = db.frameworks_summary(s)
    if not fws:
        st.warning("This project has no framework yet: add one on the Project page.")
        st.stop()
    ids = [f["id"] for f in fws]
    names = {f["id"]: f"{f['id']} ({f['codes']} codes, {f['categories']} categories)" for f in fws}
    default = st.session_state.get(key) if st.session_state.get(key) in ids else ids[-1]
    return st.selectbox(label, ids, index=ids.index(default), format_func=names.get, key=key)


def transcript_picker(label: str = "Transcript", key: str = "transcript") -> str:
    with project().read() as s:
        names = [t["name"] for t in db.transcripts(s)]
    if not names:
        st.warning("No transcripts yet: import them on the Project page.")
        st.stop()
    return st.selectbox(label, names, key=key)


def show_error(e: Exception) -> None:
    st.error(f"**Could not do that.** {e}")


class Progress:
    """Adapts a toolkit ``progress(done, total, label)`` callback to a Streamlit progress bar."""

    def __init__(self, text: str):
        self.text = text
        self.bar = st.progress(0.0, text=text)

    def __call__(self, done: int, total: int, *label) -> None:
        frac = done / total if total else 1.0
        self.bar.progress(min(1.0, frac), text=f"{self.text} {done}/{total}")

    def done(self) -> None:
        self.bar.empty()


# --- small shared readers and helpers of the chart, map and teaching pages -----------------------------------------


def attribute_names() -> list[str]:
    """The participant attributes of the open project (e.g. group, setting), in first-seen order."""
    with project().read() as s:
        return db.attribute_names(s)


def crosswalk_ids() -> list[str]:
    from toolkit.store import measures as mdb

    with project().read() as s:
        return mdb.crosswalk_ids(s)


def catalogue_ids() -> list[str]:
    from toolkit.store import measures as mdb

    with project().read() as s:
        return mdb.catalogue_ids(s)


def file_bytes(write, suffix: str) -> bytes:
    """Bytes of a file written by a toolkit export that takes a path: ``write(path)`` into a temporary folder.

    Meant for ``st.download_button(data=lambda: file_bytes(...))``, so the file is built only when clicked.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="fa-download-") as tmp:
        path = Path(tmp) / f"export{suffix}"
        write(path)
        return path.read_bytes()
