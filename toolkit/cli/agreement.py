"""`agreement` and `consensus`: two coders' indexing compared, and the consensus recorded."""

from __future__ import annotations

import argparse
import json

from ..indexing.agreement import compare_coders
from ..indexing.consensus import preview_agreed, record_agreed, record_consensus, resolve_unit
from ..safeio import write_csv
from ._common import open_


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("agreement", help="agreement of two coders per code and overall (kappa, alpha)")
    p.add_argument("project")
    p.add_argument("--coders", nargs=2, required=True, metavar=("A", "B"))
    p.add_argument("--framework", default="lvi84")
    p.add_argument("--transcripts", nargs="*", help="only these transcripts (default: those both coded)")
    p.add_argument("--unit", help="sentence | turn | paragraph | sentences:N (default: the framework's unit of "
                                  "analysis, see `index unit`)")
    p.add_argument("--all-codes", action="store_true", help="list codes neither coder used, too")
    p.add_argument("--disagreements", help="write the passage-by-passage disagreements to this CSV")
    p.add_argument("--json", help="write the figures as JSON here")
    p.set_defaults(handler=cmd_agreement)

    p = sub.add_parser("consensus", help="record the consensus of two coders (agreed codes; resolutions from a CSV)")
    p.add_argument("project")
    p.add_argument("--coders", nargs=2, required=True, metavar=("A", "B"))
    p.add_argument("--framework", default="lvi84")
    p.add_argument("--resolutions", help="CSV transcript,start,end,codes (codes ;-separated) for disagreements")
    p.add_argument("--passage", nargs=3, metavar=("TRANSCRIPT", "START", "END"),
                   help="resolve one unit only, with the codes of --codes (marks it resolved; undo with `index undo`)")
    p.add_argument("--codes", nargs="*", default=[], help="with --passage: the consensus codes (none: no code)")
    p.add_argument("--agreed", action="store_true", help="write only the codes both coders gave (with --expect)")
    p.add_argument("--preview", action="store_true", help="with --agreed: say how many codings it would write")
    p.add_argument("--expect", type=int, help="with --agreed: the number of codings the preview said")
    p.add_argument("--unit", help="default: the framework's unit of analysis")
    p.add_argument("--actor", help="who records it (default: the --as name)")
    p.add_argument("--as", dest="coder", default="consensus")
    p.set_defaults(handler=cmd_consensus)


def _fmt(x: float) -> str:
    return "  n/a" if x != x else f"{round(x, 2) + 0.0:5.2f}"


def cmd_agreement(a) -> int:
    r = compare_coders(open_(a.project), *a.coders, framework=a.framework, transcripts=a.transcripts, unit=a.unit)
    o = r["overall"]
    print(f"{a.coders[0]} vs {a.coders[1]} on {len(r['transcripts'])} transcript(s), {o['units']} units "
          f"({r['unit']}), "
          f"framework {a.framework}")
    print(f"{'code':10} {'label':45} {'A':>4} {'B':>4} {'both':>4} {'agree':>6} {'pos':>6} {'kappa':>6} {'alpha':>6}")
    rows = r["per_code"]
    if not a.all_codes:
        rows = rows[(rows.units_a > 0) | (rows.units_b > 0)]
    for x in rows.itertuples():
        print(f"{x.code:10} {x.label[:45]:45} {x.units_a:4d} {x.units_b:4d} {x.units_both:4d} "
              f"{_fmt(x.agreement):>6} {_fmt(x.positive):>6} {_fmt(x.kappa):>6} {_fmt(x.alpha):>6}")
    print(f"overall: pooled agreement {_fmt(o['pooled_agreement'])}, pooled kappa {_fmt(o['pooled_kappa'])}, "
          f"pooled alpha {_fmt(o['pooled_alpha'])}, positive agreement {_fmt(o['pooled_positive'])}, "
          f"mean kappa over codes {_fmt(o['mean_kappa'])}; coded-at-all kappa {_fmt(o['coded_at_all_kappa'])}; "
          f"{len(r['disagreements'])} units differ, {o['unresolved']} not resolved")
    print("(agreement counts a code both left off as agreement, so it is high when most units carry few of many "
          "codes; positive agreement counts only codes given: 2 x both / (A + B))")
    if a.disagreements:
        d = r["disagreements"].copy()
        for col in ("only_a", "only_b", "both", "codings"):
            d[col] = d[col].map(lambda v: ";".join(map(str, v)))
        d["labels"] = d["labels"].map(lambda m: "; ".join(f"{k} {v}" for k, v in sorted(m.items())))
        d["unit"] = r["unit"]
        write_csv(d, a.disagreements)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump({"unit": r["unit"], "overall": o, "per_code": r["per_code"].to_dict(orient="records")}, fh, indent=2, default=str)
    return 0


def cmd_consensus(a) -> int:
    import csv

    project = open_(a.project)
    r = compare_coders(project, *a.coders, framework=a.framework, unit=a.unit)
    actor = a.actor or a.coder
    if a.passage:
        t, start, end = a.passage[0], int(a.passage[1]), int(a.passage[2])
        out = resolve_unit(project, r, t, start, end, a.codes, actor=actor, coder=a.coder)
        print(f"resolved {t} {start}-{end}: {out['codings']} consensus coding(s) written (decision "
              f"{out['decision']}; undo: python -m toolkit index undo {a.project} {out['decision']} --coder {actor})")
        return 0
    if a.agreed:
        pv = preview_agreed(project, r, coder=a.coder)
        if a.preview or a.expect is None:
            print(f"will write {pv['codings']} codings on {pv['units']} units (the codes both coders gave); "
                  f"confirm with --expect {pv['codings']}")
            return 0
        out = record_agreed(project, r, expect=a.expect, actor=actor, coder=a.coder)
        print(f"wrote {out['codings']} consensus codings on {out['units']} units (decision {out['decision']})")
        return 0
    res = {}
    if a.resolutions:
        with open(a.resolutions, encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                res[(row["transcript"], int(row["start"]), int(row["end"]))] = [
                    c for c in (row.get("codes") or "").split(";") if c]
    n = record_consensus(project, r, res, coder=a.coder)
    print(f"recorded {n} consensus codings as {a.coder}")
    return 0
