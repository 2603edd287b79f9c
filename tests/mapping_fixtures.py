"""A small hand-built study for the mapping, linkage, findings, drivers and interpretation tests.

Six participants in three groups, a source framework ``src`` (what the project is indexed with), a condensed
framework ``cond`` whose driver codes sit on three rings, a crosswalk ``src -> cond`` and a measures catalogue
``mini_measures`` targeting ``cond`` drivers. Every expected number in the tests is counted by hand from ``STUDY``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from toolkit import project as proj
from toolkit.store import charting as cdb
from toolkit.store import core as db
from toolkit.store.events import Action

COND = """\
kind: framework
id: cond
name: Condensed test framework
rings:
  - {id: ref, label: Referral}
  - {id: cul, label: Culture and procedures}
  - {id: sys, label: Organisation of the system}
categories:
  - id: SYS
    label: System
    codes:
      - {id: S1, label: Easy access to imaging, ring: sys, kind: driver}
      - {id: S2, label: Economic incentives, ring: sys, kind: driver}
      - {id: S3, label: Time pressure, ring: sys, kind: driver}
  - id: CUL
    label: Culture
    codes:
      - {id: C1, label: Fear of missing something, ring: cul, kind: driver}
      - {id: C2, label: Belief in technology, ring: cul, kind: driver}
  - id: REF
    label: Referral
    codes:
      - {id: R1, label: Patient expectations, ring: ref, kind: driver}
      - {id: R2, label: Referral quality, ring: ref, kind: driver}
  - id: MEA
    label: Measures
    codes:
      - {id: M1, label: Guidelines, kind: measure}
"""

SRC = """\
kind: framework
id: src
name: Source test framework
categories:
  - id: ORG
    label: Organisation
    codes:
      - {id: A1, label: Short distance to the scanner}
      - {id: A2, label: Short waiting lists}
      - {id: B1, label: Paid per examination}
      - {id: B2, label: Short consultations}
  - id: CUL
    label: Culture
    codes:
      - {id: K1, label: Fear of missing}
      - {id: K2, label: Trust in machines}
  - id: REF
    label: Referral
    codes:
      - {id: D1, label: Patients ask for scans}
      - {id: D2, label: Poor referrals}
      - {id: E1, label: Guidelines help}
      - {id: X1, label: Consequences}
"""

CROSSWALK = """\
kind: crosswalk
id: src_to_cond
from: src
to: cond
map:
  - {from: A1, to: S1}
  - {from: A2, to: S1}
  - {from: B1, to: S2}
  - {from: B2, to: S3}
  - {from: K1, to: C1}
  - {from: K2, to: C2}
  - {from: D1, to: R1}
  - {from: D2, to: R2}
  - {from: E1, to: M1}
  - {from: X1, to: null, reason: not a driver}
"""

MEASURES = """\
kind: measures
id: mini_measures
framework: cond
name: Test contract measures
measures:
  - id: MA
    title: Volume cap on knee MR
    quantities:
      - {procedure_en: "MR knee, over 50", activity_2024: 100, contract_volume: 20, change_pct: -80}
    targets:
      - {driver: S1, rationale: fewer slots}
      - {driver: S2, rationale: less money in volume}
  - id: MB
    title: Fee per returned referral
    quantities:
      - {item: Fee per returned referral, amount: 250, unit: NOK}
    targets:
      - {driver: R2, rationale: pays for the work of returning}
  - id: MC
    title: Decision support in the referral system
    targets:
      - {driver: C2}
"""

# participant -> (group, turns); a turn is a list of (sentence, source codes on that sentence)
STUDY = {
    "P1": ("GP", [
        [("The scanner is only ten minutes away, so I send people more readily.", ["A1", "B2"]),
         ("With fifteen minutes per patient a referral is faster than a talk.", ["B2"])],
        [("I am afraid of missing a tumour, so I refer to be safe.", ["K1", "A2"]),
         ("Patients come in asking for an MR of the knee.", ["D1"])],
    ]),
    "P2": ("GP", [
        [("Short queues at the private centre make it easy to refer.", ["A2", "B2"]),
         ("We are paid for every examination we order.", ["B1"])],
        [("Fear of missing cancer drives much of what I do.", ["K1"])],
    ]),
    "P3": ("radiologist", [
        [("Everything is close by and quick, so volume grows.", ["A1", "B2"]),
         ("The referrals often lack the clinical question.", ["D2"])],
        [("Specialists are afraid of missing something and order one more scan.", ["K1"])],
    ]),
    "P4": ("radiologist", [
        [("Access is easy in the city.", ["A1"]),
         ("The private centres earn money on each scan.", ["B1"])],
        [("Poor referrals make prioritising hard.", ["D2"]),
         ("I do not think fear of missing matters much here, people are calm.", ["K1"])],
    ]),
    "P5": ("manager", [
        [("Waiting lists are short now, so demand rises.", ["A2", "B2"]),
         ("Referral quality varies a lot between practices.", ["D2"]),
         ("Needless scans fill the lists for the really ill.", ["X1"])],
    ]),
    "P6": ("manager", [
        [("Our machines are available day and night.", ["A1", "A2"]),
         ("People believe the newest machine sees everything.", ["K2"]),
         ("Guidelines help us say no.", ["E1"])],
    ]),
}
COUNTER = [("P4", "K1")]  # P4's fear-of-missing passage says the opposite


def write_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"cond": COND, "src": SRC, "crosswalk": CROSSWALK, "measures": MEASURES}
    out = {}
    for name, text in files.items():
        out[name] = folder / f"{name}.yaml"
        out[name].write_text(text, encoding="utf-8")
    return out


def build(tmp_path: Path, *, counter: bool = True, name: str = "mini.fa", location: str | Path | None = None):
    """The project (indexed with ``src`` by coder ``ann``), and the coding ids by (participant, sentence no).
    ``location``: where the project goes (a file or a PostgreSQL URL; default ``tmp_path / name``)."""
    files = write_files(tmp_path / "fw")
    tdir = tmp_path / "transcripts"
    tdir.mkdir()
    rows = []
    with open(tdir / "participants.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "group", "transcript"])
        for pid, (group, _turns) in STUDY.items():
            w.writerow([pid, group, f"{pid}.txt"])
    for pid, (_group, turns) in STUDY.items():
        parts = []
        for i, turn in enumerate(turns):
            parts.append(f"I: Question {i + 1}, what drives imaging?\n\n{pid}: " + " ".join(s for s, _ in turn) + "\n")
        text = "\n".join(parts)
        (tdir / f"{pid}.txt").write_text(text, encoding="utf-8")
        for turn in turns:
            for sentence, codes in turn:
                start = text.index(sentence)
                for code in codes:
                    rows.append({"transcript": f"{pid}.txt", "participant": pid, "start": start,
                                 "end": start + len(sentence), "text": sentence, "code": code, "coder": "ann"})
    with open(tmp_path / "codings.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["transcript", "participant", "start", "end", "text", "code", "coder"])
        w.writeheader()
        w.writerows(rows)
    p = proj.create(tmp_path / name if location is None else location, shipped=False)
    proj.add_framework(p, files["src"])
    proj.add_framework(p, files["cond"])
    proj.add_crosswalk(p, files["crosswalk"])
    proj.add_measures(p, files["measures"])
    proj.import_transcripts(p, tdir, attributes=tdir / "participants.csv")
    proj.import_codings(p, tmp_path / "codings.csv", framework="src")
    if counter:
        with p.transaction(Action.CODING_COUNTER) as s:
            df = db.codings_frame(s, framework_id="src")
            for pid, code in COUNTER:
                cid = df[(df["participant_id"] == pid) & (df["code_id"] == code)]["id"].iloc[0]
                db.set_counter_evidence(s, int(cid), True)
    return p, files


def add_summaries(p, texts: dict[tuple[str, str], str], framework_id: str = "cond", via_src: dict | None = None):
    """Write chart summaries (as charting would): ``{(participant, code): text}``; quotes are the participant's
    codings of the source codes that map to ``code``."""
    cw_map = {"S1": ["A1", "A2"], "S2": ["B1"], "S3": ["B2"], "C1": ["K1"], "C2": ["K2"], "R1": ["D1"],
              "R2": ["D2"], "M1": ["E1"]} if via_src is None else via_src
    ids = {}
    with p.transaction(Action.SUMMARY_SET) as s:
        pks = db.code_pks(s, framework_id)
        df = db.codings_frame(s, framework_id="src")
        for (pid, code), text in texts.items():
            quotes = [int(i) for i in df[(df["participant_id"] == pid) & df["code_id"].isin(cw_map[code])]["id"]]
            ids[(pid, code)] = cdb.put_summary(s, framework_id=framework_id, participant_id=pid, code_pk=pks[code],
                                               text=text, status="draft", origin="manual", quotes=quotes,
                                               author_id=None)
    return ids
