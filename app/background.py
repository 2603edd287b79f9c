"""The background suggestions' progress, shown in the sidebar of every page and on the Project page.

While ``python -m toolkit background suggest`` (started by ``make run``, or the Project page's button) builds code
suggestions, a fragment re-reads its progress from the project every two seconds; when the task ends, the whole page
reruns once so that the new suggestions show, and the polling stops.
"""

from __future__ import annotations

import streamlit as st
from toolkit.app.common import project

from toolkit import background as bg


def _bar(status: dict) -> None:
    frac = status["done"] / status["total"] if status.get("total") else 0.0
    st.progress(min(1.0, frac), text=bg.describe(status))
    st.caption("You can read, code and chart meanwhile; suggestions appear on the Index page when this is done.")


@st.fragment(run_every="2s")
def _live() -> None:
    status = bg.suggestion_status(project())
    if status and status.get("state") == "running":
        _bar(status)
    else:
        st.rerun()  # finished (or stopped): rerun the page once, which stops polling and shows the result


def suggestion_progress(*, finished: bool = False) -> dict | None:
    """Show what the background suggestions are doing: a live bar while they run; with ``finished`` also a line
    when they are done, failed or stopped. Returns the status (None when none was ever started)."""
    status = bg.suggestion_status(project())
    if not status:
        return None
    if status.get("state") == "running":
        _live()
    elif finished and status.get("state") == "done":
        st.caption(bg.describe(status))
    elif finished:
        st.warning(bg.describe(status))
    return status
