"""Helpers of the team tests: what the Index page shows one person (``indexing.review.transcript_view``, the one read
path of the app), as sets of ids."""

from __future__ import annotations

from toolkit.indexing import review


def open_ids(p, who: str, framework: str, transcript: str) -> set[int]:
    """Suggestions (above or below their threshold) open for ``who`` on the transcript's Index view."""
    view = review.transcript_view(p, framework, transcript, who, show_others=True)
    return {s["id"] for x in view["passages"] for s in x["suggestions"] + x["candidates"] if s["state"] == "open"}


def seen_codings(p, who: str, framework: str, transcript: str) -> set[int]:
    """Ids of the codings ``who`` sees on the transcript's Index view (asking to see the others' too)."""
    view = review.transcript_view(p, framework, transcript, who, show_others=True)
    return {c["id"] for x in view["passages"] for c in x["codings"]}
