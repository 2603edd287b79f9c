"""Shared frame of the app: the open project, the model, the current coder, cached reads.

Pages stay thin: they read widgets, call one toolkit function, and render its result. Everything that matters is in
the project database, so a browser reload or a second tab loses nothing; the coder's name is kept in the URL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

from toolkit import overview, team
from toolkit.errors import ToolkitError
from toolkit.store import Project, absolute_location, open_project, project_exists
from toolkit.textsafe import md, md_join  # noqa: F401 - the pages' one escaping helper for Markdown/HTML

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PROJECT = REPO / "sample_project" / "sample.fa"


def _cli_project() -> str | None:
    args = sys.argv[1:]
    if "--project" in args and args.index("--project") + 1 < len(args):
        return args[args.index("--project") + 1]
    return os.environ.get("FA_PROJECT")


def team_mode() -> bool:
    """Served to a team (``python -m toolkit app URL --team``): everyone logs in, the project is fixed."""
    return os.environ.get("FA_TEAM") == "1"


def project_path() -> str | None:
    if team_mode():  # the server's project only: never one named in the URL
        return os.environ.get("FA_PROJECT")
    if "project_path" not in st.session_state:
        st.session_state["project_path"] = st.query_params.get("project") or _cli_project() or (
            str(DEFAULT_PROJECT) if DEFAULT_PROJECT.is_file() else None)
    return st.session_state["project_path"]


def project_label(path: str) -> str:
    """A short name of the project location for the sidebar (never a password)."""
    from toolkit.store.backend import display, location

    loc = location(path)
    return loc.name if isinstance(loc, Path) else display(loc)


@st.cache_resource(show_spinner=False)
def _open(path: str) -> Project:
    return open_project(path)


def project() -> Project:
    """The open project, or stop the page with a pointer to the Project page."""
    path = project_path()
    try:
        exists = bool(path) and project_exists(path)
    except ToolkitError as e:  # e.g. the project database cannot be reached
        show_error(e)
        st.stop()
    if not exists:
        st.info("No project is open. Create or open one on the **Project** page.")
        st.stop()
    try:
        return _open(absolute_location(path))
    except ToolkitError as e:  # not a project, damaged, from a newer toolkit, read-only...: say so, no traceback
        show_error(e)
        st.stop()


def set_project(path: str) -> None:
    st.session_state["project_path"] = path
    st.query_params["project"] = path


@st.cache_resource(show_spinner="Loading the embedding model (once per server)...")
def embedder(model_path: str | None = None):
    from toolkit.embed import load_embedder

    return load_embedder(model_path)


class _LazyEmbedder:
    """The project's embedder, loaded only when something is really embedded: its ``name`` (all a check for "nothing
    changed since the last run" needs) is known without loading the model."""

    def __init__(self, model_path: str | None):
        from toolkit.embed import model_name

        self.model_path = model_path
        if hasattr(embedder, "clear"):  # the cached loader: the name follows toolkit.embed's naming of models
            self.name = model_name(model_path)
        else:  # a model served in its place (tests): ask it
            self.name = embedder(model_path).name

    def __getattr__(self, attr):
        return getattr(embedder(self.model_path), attr)


def project_embedder(lazy: bool = False):
    """The open project's embedding model, as ``toolkit.settings.model_choice`` decides it for the CLI, the background
    worker and teaching too; ``lazy``: loaded only on first real use."""
    from toolkit import settings

    path = settings.model_choice(project()).model
    return _LazyEmbedder(path) if lazy else embedder(path)


def user() -> team.User | None:
    """The logged-in user of a team server (None without ``--team``, or when nobody is logged in), re-checked against
    the project on every call: an account that was disabled, or whose password or role changed since the login, is
    logged out at its next click (``team.refresh``)."""
    if not team_mode() or st.session_state.get("user") is None:
        return None
    try:
        now = team.refresh(project(), st.session_state["user"])
    except ToolkitError as e:  # the database cannot be reached, say: plainly, no traceback
        show_error(e)
        st.stop()
    if now is None:
        st.session_state.pop("user", None)
        st.session_state["_flash_error"] = "Your account was changed or disabled: log in again."
    return now


def viewer() -> str:
    """Who is asking, for the toolkit's visibility and permission checks (``toolkit.access``): the login on a team
    server, else the chosen coder. Pages pass it as ``viewer=`` to reads that hide others' work under blind coding."""
    return coder()


def coder() -> str:
    """The name of the person working (the ONE place pages and the authorisation layer ask): the login on a team
    server; else chosen in the sidebar from the project's human coders, kept for the session
    (``st.session_state``) and in the URL (``?coder=``, set again on every page, since a page switch drops query
    parameters) so other pages and a reload keep it. A name in the URL that differs from an existing coder only in
    case is that coder (``?coder=Researcher`` is ``researcher``), never a second identity."""
    if team_mode():
        u = user()
        if u is None:
            st.stop()
        return u.name
    if "coder" not in st.session_state:
        asked = (st.query_params.get("coder") or "researcher").strip() or "researcher"
        same = [n for n in _humans() if n.casefold() == asked.casefold()]
        st.session_state["coder"] = same[0] if same and asked not in same else asked
    name = st.session_state["coder"]
    if st.query_params.get("coder") != name:
        st.query_params["coder"] = name
    return name


def _humans() -> list[str]:
    from toolkit import coders

    return coders.human_coders(project())


def _set_coder() -> None:
    name = st.session_state.get("coder_select")
    if name:
        st.session_state["coder"] = name
        st.query_params["coder"] = name


def _confirm_new_coder(name: str) -> None:
    from toolkit import coders

    added = act(coders.add_coder, project(), name, actor=name, cli="coder add", rerun="callback",
                done=lambda n: f"Added coder {n}; you are now {n}.")
    if added:
        st.session_state["coder"] = added
        st.query_params["coder"] = added
        st.session_state.pop("coder_new_pending", None)
        st.session_state["coder_new"] = ""


def _ask_new_coder() -> None:
    from toolkit import coders

    try:  # checked before the confirmation, so a clash is said at once
        st.session_state["coder_new_pending"] = coders.check_new_name(
            st.session_state.get("coder_new") or "", [c.name for c in coders.coders(project())])
    except ToolkitError as e:
        st.session_state.pop("coder_new_pending", None)
        st.session_state["_coder_error"] = str(e)


def coder_picker() -> str:
    if team_mode():
        u = user()
        st.sidebar.markdown(f"Signed in as **{md(u.name)}** ({u.role})")
        if st.sidebar.button("Log out", key="logout"):
            st.session_state.pop("user", None)
            st.rerun()
        return u.name
    from toolkit import coders

    people = coders.coders(project())
    known = [c.name for c in people if c.role == "human"]
    current = coder()
    options = known if current in known else known + [current]
    if st.session_state.get("coder_select") != current:
        st.session_state["coder_select"] = current
    st.sidebar.selectbox("You are (coder)", options, key="coder_select", on_change=_set_coder,
                         format_func=lambda n: n if n in known else f"{n} (new: no codings yet)",
                         help="Every coding, decision and summary records this name; with two or more coders each "
                              "indexes blind.")
    others = {r: [c.name for c in people if c.role == r] for r in ("model", "student")}
    if any(others.values()):
        st.sidebar.caption(" · ".join(f"{label}: {md_join(others[r])}" for r, label in
                                      (("model", "Model coders"), ("student", "Students")) if others[r])
                           + " (not choosable here)")
    with st.sidebar.popover("New coder...", width="stretch"):
        st.text_input("Name of the new coder", key="coder_new", on_change=_ask_new_coder,
                      help="Refused if it is empty, holds control characters, or matches an existing coder "
                           "ignoring case")
        err = st.session_state.pop("_coder_error", None)
        if err:
            st.error(md(err))
        pending = st.session_state.get("coder_new_pending")
        if pending:
            st.warning(f"Add **{md(pending)}** as a new coder and work as them? Their codings start empty.")
            st.button(f"Yes, add {pending}", key="coder_new_confirm", on_click=_confirm_new_coder, args=(pending,))
        else:
            st.button("Add coder...", key="coder_new_ask", on_click=_ask_new_coder)
    return coder()


def version() -> int:
    """A number that changes whenever the project changes (the newest event id): the key of cached reads."""
    return overview.version(project())


def structure_version() -> int:
    """A number that changes with every action but the coding decisions (``overview.structure_version``): the key of
    cached reads of what a click on the Index page never changes (passages, suggestions' reasons, turns, codes)."""
    return overview.structure_version(project())


def framework_picker(label: str = "Framework", key: str = "framework") -> str:
    fws = overview.frameworks(project())
    if not fws:
        st.warning("This project has no framework yet: add one on the Project page.")
        st.stop()
    ids = [f["id"] for f in fws]
    names = {f["id"]: f"{f['id']} ({f['codes']} codes, {f['categories']} categories)" for f in fws}
    default = st.session_state.get(key) if st.session_state.get(key) in ids else ids[-1]
    return st.selectbox(label, ids, index=ids.index(default), format_func=names.get, key=key)


def transcript_picker(label: str = "Transcript", key: str = "transcript") -> str:
    names = [t["name"] for t in overview.transcripts(project())]
    if not names:
        st.warning("No transcripts yet: import them on the Project page.")
        st.stop()
    return st.selectbox(label, names, key=key)


def show_error(e: Exception) -> None:
    st.error(f"**Could not do that.** {md(e)}")


def guard(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` for a page's read; a ``ToolkitError`` (e.g. the project database cannot be reached, or
    a permission) is shown plainly and the page stops: never a traceback."""
    try:
        return fn(*args, **kwargs)
    except ToolkitError as e:
        show_error(e)
        st.stop()


def act(fn, *args, cli: str, done="Saved.", before_rerun=None, rerun: bool | str = True, **kwargs):
    """Run one toolkit action for a button: ``fn(*args, **kwargs)``; on success remember a message (``done``, or
    ``done(result)``; plain text, which ``flash()`` escapes and shows after the rerun); on a ``ToolkitError`` show it
    and return None.

    ``cli`` names the command that does the same from the command line (e.g. ``"index accept"``): every action a page
    offers has one, and ``tests/project/test_cli_parity.py`` checks that each named command exists.
    ``before_rerun`` (e.g. a progress bar's ``done``) runs either way. ``rerun="fragment"`` reruns only the fragment
    the button is in; ``rerun=False`` does not rerun; ``rerun="callback"`` (a widget callback, see ``on_click``) does
    not rerun and keeps an error for ``flash()``, since a callback cannot draw.
    """
    try:
        out = fn(*args, **kwargs)
    except ToolkitError as e:
        if before_rerun:
            before_rerun()
        if rerun == "callback":
            st.session_state["_flash_error"] = str(e)
        else:
            show_error(e)
        return None
    if before_rerun:
        before_rerun()
    msg = done(out) if callable(done) else done
    if msg:
        st.session_state["_flash"] = msg
    if rerun == "fragment":
        st.rerun(scope="fragment")
    elif rerun is True:
        st.rerun()
    return out


def on_click(fn, *args, cli: str, done="Saved.", **kwargs) -> dict:
    """The ``on_click``/``args``/``kwargs`` of a button whose action is ``act(fn, *args, **kwargs)`` run as its
    callback: the action happens before the (fragment) rerun the click starts, so one run shows its result.
    Use as ``st.button("Accept", key=..., **on_click(fn, ..., cli="index accept"))``."""
    return {"on_click": act, "args": (fn, *args), "kwargs": {**kwargs, "cli": cli, "done": done, "rerun": "callback"}}


def flash(*, toast: bool = False) -> None:
    """Show (once) the message, or the error, the last action left; call it near the top of a page or fragment.
    ``toast``: the message as a toast, so nothing on the page moves under the user's next click."""
    msg = st.session_state.pop("_flash", None)
    if msg:  # a message is plain text: names and codes in it come from the project
        if toast:
            st.toast(md(msg), icon=":material/check_circle:")
        else:
            st.success(md(msg))
    err = st.session_state.pop("_flash_error", None)
    if err:
        st.error(f"**Could not do that.** {md(err)}")


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
    return overview.attribute_names(project())


def crosswalk_ids() -> list[str]:
    return overview.crosswalk_ids(project())


def catalogue_ids() -> list[str]:
    return overview.catalogue_ids(project())


def file_bytes(write, suffix: str) -> bytes:
    """Bytes of a file written by a toolkit export that takes a path: ``write(path)`` into a temporary folder.

    Meant for ``st.download_button(data=lambda: file_bytes(...))``, so the file is built only when clicked.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="fa-download-") as tmp:
        path = Path(tmp) / f"export{suffix}"
        write(path)
        return path.read_bytes()
