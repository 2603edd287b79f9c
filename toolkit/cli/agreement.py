"""`agreement` and `consensus`: two coders' indexing compared, and the consensus recorded."""

from __future__ import annotations

import argparse
import json

from ..indexing.agreement import compare_coders, record_consensus
from ..safeio import write_csv
from ._common import open_


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("agreement", help="agreement of two coders per code and overall (kappa, alpha)")
    p.add_argument("project")
    p.add_argument("--coders", nargs=2, required=True, metavar=("A", "B"))
    p.add_argument("--framework", default="lvi84")
    p.add_argument("--transcripts", nargs="*", help="only these transcripts (default: those both coded)")
    p.add_argument("--unit", choices=["sentence", "turn"], default="sentence")
    p.add_argument("--all-codes", action="store_true", help="list codes neither coder used, too")
    p.add_argument("--disagreements", help="write the passage-by-passage disagreements to this CSV")
    p.add_argument("--json", help="write the figures as JSON here")
    p.set_defaults(handler=cmd_agreement)

    p = sub.add_parser("consensus", help="record the consensus of two coders (agreed codes; resolutions from a CSV)")
    p.add_argument("project")
    p.add_argument("--coders", nargs=2, required=True, metavar=("A", "B"))
    p.add_argument("--framework", default="lvi84")
    p.add_argument("--resolutions", help="CSV transcript,start,end,codes (codes ;-separated) for disagreements")
    p.add_argument("--as", dest="coder", default="consensus")
    p.set_defaults(handler=cmd_consensus)


def _fmt(x: float) -> str:
    return "  n/a" if x != x else f"{round(x, 2) + 0.0:5.2f}"


def cmd_agreement(a) -> int:
    r = compare_coders(open_(a.project), *a.coders, framework=a.framework, transcripts=a.transcripts, unit=a.unit)
    o = r["overall"]
    print(f"{a.coders[0]} vs {a.coders[1]} on {len(r['transcripts'])} transcript(s), {o['units']} {a.unit} units, "
          f"framework {a.framework}")
    print(f"{'code':10} {'label':45} {'A':>4} {'B':>4} {'both':>4} {'agree':>6} {'kappa':>6} {'alpha':>6}")
    rows = r["per_code"]
    if not a.all_codes:
        rows = rows[(rows.units_a > 0) | (rows.units_b > 0)]
    for x in rows.itertuples():
        print(f"{x.code:10} {x.label[:45]:45} {x.units_a:4d} {x.units_b:4d} {x.units_both:4d} "
              f"{_fmt(x.agreement):>6} {_fmt(x.kappa):>6} {_fmt(x.alpha):>6}")
    print(f"overall: pooled agreement {_fmt(o['pooled_agreement'])}, pooled kappa {_fmt(o['pooled_kappa'])}, "
          f"pooled alpha {_fmt(o['pooled_alpha'])}, mean kappa over codes {_fmt(o['mean_kappa'])}; "
          f"coded-at-all kappa {_fmt(o['coded_at_all_kappa'])}; {len(r['disagreements'])} units differ")
    if a.disagreements:
        d = r["disagreements"].copy()
        for col in ("only_a", "only_b", "both", "codings"):
            d[col] = d[col].map(lambda v: ";".join(map(str, v)))
        write_csv(d, a.disagreements)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump({"overall": o, "per_code": r["per_code"].to_dict(orient="records")}, fh, indent=2, default=str)
    return 0


def cmd_consensus(a) -> int:
    import csv

    project = open_(a.project)
    r = compare_coders(project, *a.coders, framework=a.framework)
    res = {}
    if a.resolutions:
        with open(a.resolutions, encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                res[(row["transcript"], int(row["start"]), int(row["end"]))] = [
                    c for c in (row.get("codes") or "").split(";") if c]
    n = record_consensus(project, r, res, coder=a.coder)
    print(f"recorded {n} consensus codings as {a.coder}")
    return 0
