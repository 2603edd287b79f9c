"""Step 1, familiarization: ``kwic`` (keyword in context), ``terms`` (distinctive terms), ``memo add/list/edit/delete``.

The same toolkit calls as the Familiarize page (``toolkit.familiarize``).
"""

from __future__ import annotations

import argparse

from .. import familiarize as fam
from ..safeio import write_csv
from ._common import open_, print_table

ROLES = ("participant", "unknown", "interviewer")




def _one_line(text, width: int | None = None) -> str:
    """Project text on one terminal line: line breaks and control characters become spaces."""
    s = "".join(ch if ch.isprintable() else " " for ch in str(text if text is not None else ""))
    return s if width is None or len(s) <= width else s[: width - 1] + "…"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("kwic", help="keyword in context across all transcripts (case-insensitive)")
    p.add_argument("project")
    p.add_argument("query", help="a word or phrase (words starting with it match), or a regular expression with --regex")
    p.add_argument("--window", type=int, default=60, help="characters of context on each side (default 60)")
    p.add_argument("--regex", action="store_true", help="QUERY is a regular expression")
    p.add_argument("--anywhere", action="store_true", help="match inside words too (default: at a word start)")
    p.add_argument("--role", action="append", choices=ROLES, dest="roles",
                   help="only turns of this speaker role (repeatable; default: all)")
    p.add_argument("--csv", help="write every hit as CSV here")
    p.set_defaults(handler=cmd_kwic)

    p = sub.add_parser("terms", help="distinctive terms (TF-IDF) per participant or per attribute value")
    p.add_argument("project")
    p.add_argument("--by", default="participant", help="participant (default) or an attribute, e.g. group")
    p.add_argument("--top", type=int, default=10, help="terms per participant or value (default 10)")
    p.add_argument("--csv", help="write the table (one row per term) here")
    p.set_defaults(handler=cmd_terms)


def cmd_kwic(a) -> int:
    hits = fam.kwic(open_(a.project), a.query, window=a.window, regex=a.regex, whole_word=not a.anywhere,
                    roles=tuple(a.roles or ROLES))
    if a.csv:
        write_csv(hits, a.csv)
        print(f"wrote {len(hits)} hit(s) to {a.csv}")
        return 0
    for h in hits.itertuples():
        where = f"{h.transcript} {h.participant_id or ''}".strip() + (f" [{h.time}]" if h.time else "")
        print(f"{_one_line(where)}: …{_one_line(h.left)}[{_one_line(h.match)}]{_one_line(h.right)}…")
    print(f"{len(hits)} hit(s)")
    return 0


def cmd_terms(a) -> int:
    df = fam.distinctive_terms(open_(a.project), by=a.by, top=a.top)
    if a.csv:
        write_csv(df, a.csv)
        print(f"wrote {len(df)} term(s) to {a.csv}")
        return 0
    rows = [{a.by: _one_line(key), "terms": ", ".join(g["term"])} for key, g in df.groupby(a.by, sort=True)]
    print_table(rows, [a.by, "terms"])
    return 0
