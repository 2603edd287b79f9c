"""Refinement: recode a whole project from one framework into another through a crosswalk (e.g. lvi84 -> lvi21).

Original codings stay. Every new coding has origin ``crosswalk``, batch ``crosswalk:<id>`` and ``sources`` = the ids
of the codings it came from: codings of one coder on the same span whose codes map to the same target code merge
into one. Summaries of the source cells are carried over into the target cell (origin ``carried``, status ``draft``,
``sources`` = the summary ids) for the researcher to merge; a summary a researcher wrote or reviewed in the target
framework is never replaced. Running the same crosswalk again changes nothing; after the source codings changed it
adds, updates and retires only what differs (a crosswalk coding the researcher removed stays removed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import frameworks as fwio
from ..errors import InputError
from ..store import Project
from ..store import charting as cdb
from ..store import core as db
from ..store import measures as mdb
from ..store.events import Action

__all__ = ["REFINE_CODER", "RefineReport", "recode_in", "refine"]

REFINE_CODER = "refine"


class _DryRun(Exception):
    pass


@dataclass
class RefineReport:
    crosswalk_id: str
    from_framework: str
    to_framework: str
    merges: pd.DataFrame  # one row per crosswalk entry: from -> to with the source codings and participants
    targets: pd.DataFrame  # one row per target code: which source codes merged into it, codings before and after
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    retired: int = 0  # crosswalk codings whose sources are gone
    kept_removed: int = 0  # crosswalk codings a researcher removed, left removed
    summaries_carried: int = 0
    summaries_unchanged: int = 0
    summaries_kept: int = 0  # target cells whose researcher-written summary was left alone
    dry_run: bool = False
    dropped: list[dict] = field(default_factory=list)  # source codes mapped to nothing, with reason and codings

    def text(self) -> str:
        """A plain-text report of what merged into what, with counts."""
        lines = [f"crosswalk {self.crosswalk_id}: {self.from_framework} -> {self.to_framework}"
                 + (" (dry run: nothing written)" if self.dry_run else ""),
                 f"codings: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                 f"{self.retired} retired, {self.kept_removed} left removed by a researcher",
                 f"summaries: {self.summaries_carried} carried over, {self.summaries_unchanged} unchanged, "
                 f"{self.summaries_kept} kept (written by a researcher)", ""]
        for r in self.targets.itertuples(index=False):
            lines.append(f"{r.to_code} {r.to_label}: {r.codings} coding(s) of {r.participants} participant(s) "
                         f"<- {r.from_codes or '(nothing)'}")
        for d in self.dropped:
            lines.append(f"{d['from_code']} -> (none): {d['codings']} coding(s) not carried; {d['reason']}")
        return "\n".join(lines)


def _load(s, crosswalk: str | Path) -> tuple[fwio.Crosswalk, bool]:
    """A crosswalk of the project by id, or a crosswalk YAML file (then added to the project)."""
    if isinstance(crosswalk, Path) or (isinstance(crosswalk, str) and crosswalk not in mdb.crosswalk_ids(s)
                                       and Path(crosswalk).suffix.lower() in (".yaml", ".yml")):
        return fwio.load_crosswalk(crosswalk), True
    return mdb.get_crosswalk(s, str(crosswalk)), False


def refine(project: Project, crosswalk: str | Path, *, actor: str | None = None, dry_run: bool = False) -> RefineReport:
    """Recode the project into the crosswalk's target framework and carry summaries over; see the module doc.

    ``crosswalk`` is the id of a crosswalk in the project or the path of a crosswalk YAML file. A crosswalk that
    leaves source codes unmapped or names unknown codes raises ``InputError``; an unknown crosswalk or framework
    ``NotFoundError``; a project with no codings of the source framework ``InputError``. Nothing is changed then, nor
    with ``dry_run`` (which still returns the full report).
    """
    if actor is not None and not dry_run:  # applying a crosswalk rewrites the project's codings: the lead's call
        from .. import access

        access.require(access.viewer(project, actor), "refine")
    holder: dict[str, RefineReport] = {}
    try:
        with project.transaction(Action.CROSSWALK_REFINE, actor=actor, payload=(payload := {})) as s:
            report = _refine(s, project, crosswalk, actor, payload)
            holder["report"] = report
            if dry_run:
                raise _DryRun
    except _DryRun:
        holder["report"].dry_run = True
    return holder["report"]


def recode_in(s, project: Project, crosswalk: str | Path, actor: str | None = None) -> RefineReport:
    """``refine`` inside a unit of work the caller opened (e.g. the framework editor's copy of a framework with its
    codings): the same recoding, no transaction or event of its own."""
    return _refine(s, project, crosswalk, actor, {})


def _refine(s, project: Project, crosswalk, actor: str | None, payload: dict) -> RefineReport:
    cw, from_file = _load(s, crosswalk)
    fws = {fid: db.get_framework(s, fid) for fid in (cw.from_framework, cw.to_framework)}
    fwio.check_crosswalk(cw, fws)
    if from_file:
        mdb.add_crosswalk(s, cw)
    src = db.codings_frame(s, framework_id=cw.from_framework, with_text=False)
    if src.empty:
        raise InputError(project.label, f"no codings of framework {cw.from_framework!r} to recode "
                                            f"(index the transcripts or import codings first)")
    to_of = {m["from"]: m["to"] for m in cw.mapping}
    to_pks = db.code_pks(s, cw.to_framework)
    coders = cdb.coder_ids(s, src["coder"].unique())
    batch = f"crosswalk:{cw.id}"
    # desired crosswalk codings: (transcript, start, end, target pk, coder) -> source coding ids
    desired: dict[tuple, list[int]] = {}
    seg_of: dict[tuple, int | None] = {}
    for r in src.itertuples(index=False):
        to = to_of.get(r.code_id)
        if to is None:
            continue
        key = (int(r.transcript_id), int(r.start), int(r.end), to_pks[to], coders[r.coder])
        desired.setdefault(key, []).append(int(r.id))
        seg_of.setdefault(key, None if pd.isna(r.segment_id) else int(r.segment_id))
    refine_coder = db.coder_id(s, REFINE_CODER, kind="model")
    existing: dict[tuple, dict] = {}
    for c in cdb.batch_codings(s, batch):
        key = (c["transcript_id"], c["start"], c["end"], c["code_pk"], c["coder_id"])
        if not c["removed"] or key not in existing:
            existing[key] = c
    report = RefineReport(cw.id, cw.from_framework, cw.to_framework, pd.DataFrame(), pd.DataFrame())
    new_id_of: dict[int, int] = {}  # source coding id -> crosswalk coding id
    for key, ids in desired.items():
        ids = sorted(ids)
        old = existing.pop(key, None)
        if old is not None and old["removed"] and old["removed_by"] != refine_coder:
            report.kept_removed += 1
            continue
        if old is not None and not old["removed"]:
            if old["sources"] != ids:
                cdb.set_coding_sources(s, old["id"], ids)
                report.updated += 1
            else:
                report.unchanged += 1
            cid = old["id"]
        else:
            cid = db.add_coding(s, transcript_id=key[0], start=key[1], end=key[2], code_pk=key[3], coder=key[4],
                                origin="crosswalk", segment_id=seg_of[key], batch=batch, sources=ids)
            report.added += 1
        for i in ids:
            new_id_of[i] = cid
    for c in existing.values():
        if not c["removed"]:
            db.remove_coding(s, c["id"], refine_coder)
            report.retired += 1
    _carry_summaries(s, cw, fws, to_pks, new_id_of, actor, report)
    code_of_pk = {pk: cid for cid, pk in to_pks.items()}
    after: dict[str, int] = {}
    for key in desired:
        after[code_of_pk[key[3]]] = after.get(code_of_pk[key[3]], 0) + 1
    _tables(cw, fws, src, after, report)
    payload.update({"crosswalk": cw.id, "from": cw.from_framework, "to": cw.to_framework, "added": report.added,
                    "updated": report.updated, "retired": report.retired,
                    "summaries_carried": report.summaries_carried})
    return report


def _carry_summaries(s, cw, fws, to_pks, new_id_of, actor, report: RefineReport) -> None:
    sums = cdb.summaries_frame(s, cw.from_framework)
    sums = sums[sums["text"].fillna("").str.strip() != ""]
    if sums.empty:
        return
    to_of = {m["from"]: m["to"] for m in cw.mapping}
    labels = {c.id: c.label for c in fws[cw.from_framework].codes}
    position = {c.id: i for i, c in enumerate(fws[cw.from_framework].codes)}
    cells: dict[tuple[str, str], list] = {}
    for r in sums.itertuples(index=False):
        to = to_of.get(r.code_id)
        if to is not None:
            cells.setdefault((r.participant_id, to), []).append(r)
    author = db.coder_id(s, actor) if actor else None
    for (pid, to), rows in cells.items():
        rows.sort(key=lambda r: position[r.code_id])
        if len(rows) == 1:
            text = rows[0].text.strip()
        else:
            text = "\n\n".join(f"[{r.code_id} {labels[r.code_id]}] {r.text.strip()}" for r in rows)
        quotes = list(dict.fromkeys(new_id_of[int(q)] for r in rows for q in (r.quotes or []) if int(q) in new_id_of))
        sources = [int(r.id) for r in rows]
        now = cdb.get_summary(s, cw.to_framework, pid, to_pks[to])
        if now and now["text"] and not (now["status"] == "draft" and now["origin"] in ("carried", "drafted")):
            report.summaries_kept += 1
            continue
        if now and now["origin"] == "carried" and now["text"] == text and now["sources"] == sources \
                and now["quotes"] == quotes:
            report.summaries_unchanged += 1
            continue
        cdb.put_summary(s, framework_id=cw.to_framework, participant_id=pid, code_pk=to_pks[to], text=text,
                        status="draft", origin="carried", quotes=quotes, author_id=author, sources=sources)
        report.summaries_carried += 1


def _tables(cw, fws, src: pd.DataFrame, after: dict[str, int], report: RefineReport) -> None:
    src_fw, dst_fw = fws[cw.from_framework], fws[cw.to_framework]
    n_cod = src.groupby("code_id").size().to_dict()
    n_par = src.groupby("code_id")["participant_id"].nunique().to_dict()
    dst_label = {c.id: c.label for c in dst_fw.codes}
    merges = []
    for m in cw.mapping:
        merges.append({"from_code": m["from"], "from_label": src_fw.code(m["from"]).label, "to_code": m["to"] or "",
                       "to_label": dst_label.get(m["to"], ""), "codings": int(n_cod.get(m["from"], 0)),
                       "participants": int(n_par.get(m["from"], 0)), "reason": m.get("reason") or "",
                       "note": m.get("note") or ""})
    report.merges = pd.DataFrame(merges)
    report.dropped = [r for r in merges if not r["to_code"]]
    targets = []
    for c in dst_fw.codes:
        froms = [r for r in merges if r["to_code"] == c.id]
        ids = set(src.loc[src["code_id"].isin([r["from_code"] for r in froms]), "participant_id"].dropna())
        targets.append({"to_code": c.id, "to_label": c.label,
                        "from_codes": ", ".join(f"{r['from_code']} ({r['codings']})" for r in froms),
                        "source_codings": sum(r["codings"] for r in froms), "participants": len(ids),
                        "codings": after.get(c.id, 0)})
    report.targets = pd.DataFrame(targets)
