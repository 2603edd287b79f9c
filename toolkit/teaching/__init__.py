"""Teaching mode: a guided walk through the five steps of framework analysis on the sample study.

Each step explains what the researcher does and why, in the reference study's own words where possible
(Brandsæter, Andersen, Hofmann & Kjelle 2023, BMC Health Services Research, CC BY 4.0: Table 1), then sets an
exercise. Students work as their own coder (``student:<name>``); their indexing is compared with the sample's
reference indexing, and a teacher can reset a student's work.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import InputError, PermissionDenied
from ..store import Project
from ..store import core as db
from ..store.events import Action

SOURCE = ("Brandsæter IØ, Andersen ER, Hofmann BM, Kjelle E. Drivers for low-value imaging: a qualitative study of "
          "stakeholders' perspectives in Norway. BMC Health Serv Res. 2023. Table 1 (CC BY 4.0).")
REFERENCE_CODER = "reference"
DEFAULT_FRAMEWORK = "lvi84"
STUDENT_PREFIX = "student:"


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    what: tuple[str, ...]  # the study's description of the step (Table 1)
    action: str  # what the study's team did (Table 1, abridged)
    why: str  # our explanation for students
    exercise: str


STEPS: tuple[Step, ...] = (
    Step("familiarize", "1. Familiarization",
         ("Reading the transcripts", "Creating a preliminary framework based on some transcripts",
          "Testing and adjusting the framework against new transcripts"),
         "All authors read the transcripts; two listened to recordings of several interviews. Three researchers "
         "discussed the content and created a preliminary framework, adjusted in light of further transcriptions. "
         "The framework consisted of 7 categories and 84 codes.",
         "You cannot index what you have not read. Familiarization builds the framework from the data and then tests "
         "it on transcripts it was not built from, so the codes describe what participants actually said.",
         "Read interview P01 and P03 in full. Note three ideas in memos. Then search all transcripts for "
         "'expect' and for 'private': which groups talk about patient expectations, and which about private "
         "providers? Run the coverage check: which passages fit no code of the 84-code framework?"),
    Step("index", "2. Indexing",
         ("Indexing data relevant to the objective according to the framework",),
         "Two researchers indexed interviews 1-6 separately according to the framework and discussed their indexing "
         "practice until consensus was reached; the team discussed indexing on two occasions; one researcher then "
         "indexed all transcripts in NVivo.",
         "Indexing attaches framework codes to passages so that everything said about a topic can be found again. "
         "Indexing separately and then comparing shows where code definitions are read differently, before one "
         "person indexes everything.",
         "Index interview P01 as your own coder (accept, reject or add codes passage by passage). Then open your "
         "feedback: your agreement with the reference indexing per code, and the passages where you differ, with the "
         "code definitions side by side. Which definitions did you read differently?"),
    Step("chart", "3. Charting",
         ("Making summaries of the indexes",
          "Creating matrixes with summaries: participants in rows, and the indexes in columns",
          "Refining the framework according to the matrixes"),
         "Summaries of the indexed data were placed in matrixes with participants in rows and the indexing in "
         "columns. All authors discussed and rearranged the matrixes, resulting in a new, condensed framework of "
         "3 categories and 21 codes.",
         "A matrix lets you read across one participant (a row) and down one topic (a column). Summaries keep the "
         "participant's meaning in fewer words, always traceable to the quotes they came from.",
         "Open the matrix of the 84-code framework for one category. Draft summaries, then rewrite two of them in "
         "your own words and mark them reviewed. Apply the crosswalk to the 21-code framework: which codes merged?"),
    Step("map", "4. Mapping",
         ("Reorganising the summaries in line with the new framework", "Identifying key elements based on summaries",
          "Grouping key elements into key dimensions", "Creating categories from key dimensions"),
         "All summaries were reread and reorganised; key elements were identified and sorted; key dimensions were "
         "extracted from the key elements; all authors discussed the content in all mapping steps, creating "
         "categories from the key dimensions.",
         "Mapping moves from what individuals said to patterns across the data: short key elements, grouped into "
         "broader dimensions, grouped into categories (the study's Table 2 shows one chain ending in 'Defensive "
         "medicine').",
         "Propose key elements for the summaries of one code, group them into dimensions, and adjust the distance "
         "threshold until the dimensions make sense to you. Name a category for them."),
    Step("interpret", "5. Interpretation",
         ("Discussing the meaning of the content in the categories", "Refining the categories",
          "Looking for linkages between categories", "Checking findings against the transcripts"),
         "All authors participated in the interpretation, discussed and refined the categories by reorganising key "
         "dimensions and by looking for linkages between categories; one researcher verified the findings against "
         "the transcripts.",
         "Interpretation asks what the categories mean together: which drivers occur together, which groups support "
         "a finding and who says the opposite, and which drivers the planned contract measures do not reach.",
         "Open the driver map. Which drivers were raised by most participants? Which measures of the needs "
         "assessment target them, and which drivers does no measure reach? Check one finding against its quotes."),
)


def student_coder(name: str) -> str:
    name = name.strip()
    if not name:
        raise InputError(None, "give the student's name")
    return name if name.startswith(STUDENT_PREFIX) else STUDENT_PREFIX + name


def students(project: Project) -> list[str]:
    with project.read() as s:
        return [c["name"] for c in db.list_coders(s) if c["name"].startswith(STUDENT_PREFIX)]


def reset_student(project: Project, name: str, *, teacher: str) -> int:
    """Remove every active coding and the exercise work of one student (recorded in the event log)."""
    coder = student_coder(name)
    with project.transaction(Action.TEACHING_RESET, actor=teacher, payload={"student": coder}) as s:
        from .. import access

        v = access.viewer_in(s, teacher)  # a teacher (lead) resets anyone's work; a student only their own
        if not (v.can("teaching_reset") or (v.role == "student" and student_coder(teacher) == coder)):
            raise PermissionDenied(f"{teacher} ({v.role}) may not reset {name}'s work")
        df = db.codings_frame(s, coders=[coder], with_text=False)
        tid = db.coder_id(s, teacher)
        for cid in df["id"]:
            db.remove_coding(s, int(cid), tid)
        from ..store import teaching as tdb

        tdb.delete_work(s, coder)
    return len(df)


def passages(project: Project, transcript: str | int, *, framework: str = DEFAULT_FRAMEWORK) -> pd.DataFrame:
    """The units of the indexing exercise: the passages of the framework's unit of analysis (the same as on the Index
    and Agreement pages: ``toolkit.indexing.workspace.unit_of_analysis``), each with the question asked before it
    (``segment_id``, ``idx``, ``start``, ``end``, ``speaker``, ``time``, ``question``, ``text``)."""
    from ..indexing.units import split_turn
    from ..indexing.workspace import unit_of_analysis

    scheme = unit_of_analysis(project, framework)
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        segs = db.segments_frame(s, tr.id)
    rows, question = [], ""
    for seg in segs.itertuples():
        if seg.role == "interviewer":
            question = seg.text
            continue
        for a, b in split_turn(seg.text, scheme):
            rows.append({"segment_id": int(seg.id), "idx": int(seg.idx), "start": int(seg.start) + a,
                         "end": int(seg.start) + b, "speaker": seg.speaker or "", "t_start": seg.t_start,
                         "question": question, "text": seg.text[a:b]})
    return pd.DataFrame(rows, columns=["segment_id", "idx", "start", "end", "speaker", "t_start", "question", "text"])


def student_codes(project: Project, student: str, transcript: str | int, *,
                  framework: str = DEFAULT_FRAMEWORK) -> dict[tuple[int, int], list[str]]:
    """The student's codes of one transcript: (start, end) of each coded span -> code ids."""
    coder = student_coder(student)
    with project.read() as s:
        tr = db.resolve_transcript(s, transcript)
        df = db.codings_frame(s, framework_id=framework, coders=[coder], transcript_ids=[tr.id], with_text=False)
    out: dict[tuple[int, int], list[str]] = {}
    for r in df.itertuples():
        out.setdefault((int(r.start), int(r.end)), []).append(r.code_id)
    return out


def code_passage(project: Project, student: str, transcript: str | int, start: int, end: int, codes: list[str], *,
                 framework: str = DEFAULT_FRAMEWORK) -> tuple[int, int]:
    """Set the student's codes of one passage to ``codes`` (codes no longer wanted are removed, new ones added, as
    manual codings of coder ``student:<name>``). Returns (added, removed)."""
    coder = student_coder(student)
    codes = list(dict.fromkeys(codes))
    payload = {"student": coder, "transcript": str(transcript), "start": start, "end": end, "codes": codes}
    with project.transaction(Action.TEACHING_CODE, actor=coder, payload=payload) as s:
        added, removed = set_codes_in(s, coder, transcript, start, end, codes, framework)
    return len(added), removed


def set_codes_in(s, coder: str, transcript: str | int, start: int, end: int, codes: list[str],
                 framework: str) -> tuple[list[int], int]:
    """Inside a transaction: set coder's codes of one span (see :func:`code_passage`); (added ids, removed count)."""
    tr = db.resolve_transcript(s, transcript)
    if not 0 <= start < end <= len(tr.text):
        raise InputError(tr.name, f"span {start}:{end} lies outside the transcript (length {len(tr.text)})")
    pks = db.code_pks(s, framework)
    unknown = [c for c in codes if c not in pks]
    if unknown:
        raise InputError(None, f"unknown code(s) {', '.join(unknown)} (not in framework {framework!r})")
    cid = db.coder_id(s, coder)
    have = db.codings_frame(s, framework_id=framework, coders=[coder], transcript_ids=[tr.id], with_text=False)
    here = have[(have["start"] == start) & (have["end"] == end)]
    removed = 0
    for r in here.itertuples():
        if r.code_id not in codes:
            db.remove_coding(s, int(r.id), cid)
            removed += 1
    present = set(here["code_id"])
    added = [db.add_coding(s, transcript_id=tr.id, start=start, end=end, code_pk=pks[c], coder=cid,
                           origin="manual") for c in codes if c not in present]
    return added, removed


def pct(x: float | None) -> str:
    """The one way Teaching mode writes a share: a whole percent (``87%``), ``–`` when there is none."""
    if x is None or x != x:
        return "–"
    return f"{x:.0%}"


def feedback(project: Project, student: str, transcript: str, *, framework: str = DEFAULT_FRAMEWORK,
             unit: str | None = None) -> dict:
    """The student's indexing of one transcript against the reference: agreement per code and the passages where
    they differ, each with the code definitions side by side.

    ``unit`` is the unit of comparison of ``toolkit.indexing.agreement``; by default the framework's unit of analysis,
    which is also the unit of the exercise's passages. In ``disagreements``, ``only_a`` are
    the reference's codes the student did not give and ``only_b`` the student's codes the reference did not give.
    """
    from ..indexing.agreement import compare_coders

    coder = student_coder(student)
    result = compare_coders(project, REFERENCE_CODER, coder, framework=framework, transcripts=[transcript], unit=unit)
    with project.read() as s:
        fw = db.get_framework(s, framework)
    defs = {c.id: f"{c.id} {c.label}: {c.definition}" for c in fw.codes}
    dis = result["disagreements"].copy() if isinstance(result.get("disagreements"), pd.DataFrame) else pd.DataFrame()
    if not dis.empty:
        for col in ("only_a", "only_b", "both"):
            if col in dis:
                dis[col + "_definitions"] = dis[col].map(lambda ids: "\n".join(defs.get(i, i) for i in ids or []))
    result["disagreements"] = dis
    return result
