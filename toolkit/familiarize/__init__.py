"""Step 1, familiarization: read transcripts, search them with keyword in context, find what is distinctive of a
participant or a group, and write memos.

    view = transcript_view(project, "P01")          # turns with times, codings, memos
    kwic(project, "waiting list")                   # keyword in context across all transcripts
    distinctive_terms(project, by="group")          # TF-IDF terms per participant or attribute
    add_memo(project, "Note ...", author="ann", transcript="P01")

The framework coverage check (passages that fit no code) lives with the indexing assistant (``toolkit.indexing``),
which already embeds the passages.
"""

from .memos import KINDS as MEMO_KINDS
from .memos import add_memo, delete_memo, edit_memo, memos, memos_table
from .reading import TranscriptView, format_time, kwic, transcript_view
from .terms import STOP_WORDS, distinctive_terms

__all__ = ["MEMO_KINDS", "STOP_WORDS", "TranscriptView", "add_memo", "delete_memo", "distinctive_terms", "edit_memo",
           "format_time", "kwic", "memos", "memos_table", "transcript_view"]
