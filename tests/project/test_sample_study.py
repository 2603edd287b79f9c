"""The shipped study content: frameworks, crosswalk, measures, the sample interviews and their reference indexing."""

import csv
import json
import re
from pathlib import Path

import pytest

from toolkit import frameworks as fwio
from toolkit.ingest import read_transcript
from toolkit.sample import SAMPLE_DIR
from toolkit.store import core as db

GROUPS = {"GP", "radiologist", "hospital specialist", "radiographer", "imaging manager", "health authority"}


@pytest.fixture(scope="module")
def shipped():
    return fwio.load_folder(fwio.SHIPPED_DIR)


def test_frameworks_crosswalk_and_measures(shipped):
    fw84, fw21 = shipped.frameworks["lvi84"], shipped.frameworks["lvi21"]
    assert (len(fw84.codes), len(fw84.categories)) == (84, 7)
    assert (len(fw21.codes), len(fw21.categories)) == (21, 3)
    assert "reconstruct" in fw84.description.lower()
    for c in fw84.codes + fw21.codes:
        assert len(c.definition.split()) >= 8, c.id
    drivers = [c for c in fw21.codes if c.kind == "driver"]
    assert drivers and all(c.ring in {"system", "culture", "referral"} for c in drivers)
    assert {c.ring for c in drivers} == {"system", "culture", "referral"}
    (cw,) = shipped.crosswalks.values()
    assert sorted(m["from"] for m in cw.mapping) == sorted(c.id for c in fw84.codes)
    assert all(m["reason"] for m in cw.mapping if m["to"] is None)
    (cat,) = shipped.catalogues.values()
    assert cat.framework == "lvi21"
    assert all(t["rationale"] for m in cat.measures for t in m["targets"])
    assert sum(1 for m in cat.measures if m["targets"]) >= 0.8 * len(cat.measures)
    quantities = [q for m in cat.measures for q in m["quantities"]]
    knee = [q for q in quantities if "kne" in str(q.get("procedure", "")).lower() and q.get("activity_2024") == 3295]
    assert knee and knee[0]["contract_volume"] == 659 and knee[0]["change_pct"] == -80
    assert any(q.get("amount") == 250 for q in quantities)
    assert cat.choosing_wisely


def test_sample_interviews_cover_the_design():
    rows = list(csv.DictReader((SAMPLE_DIR / "participants.csv").open(encoding="utf-8")))
    assert len(rows) >= 12
    assert {r["group"] for r in rows} == GROUPS
    assert {r["setting"] for r in rows} == {"urban", "rural"}
    formats = set()
    norwegian = 0
    for r in rows:
        t = read_transcript(SAMPLE_DIR / r["transcript"])
        formats.add(t.format)
        words = len(re.findall(r"\w+", t.text))
        assert 1500 <= words <= 4200, (r["transcript"], words)
        roles = {tu.role for tu in t.turns}
        assert {"interviewer", "participant"} <= roles, r["transcript"]
        if t.language == "no":
            norwegian += 1
            assert re.search("[æøå]", t.text)
    assert {"txt", "docx", "vtt"} <= formats
    assert norwegian >= 1
    assert (SAMPLE_DIR / "interview_guide.md").is_file()


def test_reference_indexing_imports_and_uses_every_code(sample_project, shipped):
    with sample_project.read() as s:
        ref = db.codings_frame(s, coders=["reference"])
        participants = {p["id"]: p for p in db.participants(s)}
        transcripts = db.transcripts(s)
    assert len(transcripts) == 12 and len(participants) == 12
    assert all(t["participant_id"] in participants for t in transcripts)
    assert set(ref.framework_id) == {"lvi84"} and set(ref.origin) == {"imported"}
    unused_file = SAMPLE_DIR / "unused_codes.csv"
    unused = {r["code"] for r in csv.DictReader(unused_file.open())} if unused_file.exists() else set()
    never = {c.id for c in shipped.frameworks["lvi84"].codes} - set(ref.code_id)
    assert never <= unused, f"codes neither used nor listed as unused on purpose: {sorted(never - unused)}"
    assert ref.groupby("transcript").size().min() >= 20


def test_second_coder_indexing_covers_first_four_interviews(sample_project):
    with sample_project.read() as s:
        second = db.codings_frame(s, coders=["second"])
    assert set(second.participant_id) == {"P01", "P02", "P03", "P04"}
    assert len(second) >= 40


QUOTES = Path(__file__).resolve().parents[1] / "fixtures" / "study" / "quotations.json"  # the study's quotations (CC BY 4.0)
STUDY = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_404d2f7a20e584ad.txt"


def _study_quotes(text: str) -> list[str]:
    return re.findall(r"“([^”]{40,})”", text)


def test_sample_files_are_not_copied_from_the_study():
    quotes = json.loads(QUOTES.read_text(encoding="utf-8"))["quotations"]
    assert len(quotes) >= 15
    if STUDY.exists():  # beside the repo: the fixture still holds exactly the article's quotations
        assert quotes == _study_quotes(STUDY.read_text(encoding="utf-8"))
    sample = " ".join(read_transcript(p).text for p in SAMPLE_DIR.glob("P*") if p.suffix != ".csv")
    norm = lambda x: re.sub(r"\W+", " ", x).lower()  # noqa: E731
    sample_n = norm(sample)
    for q in quotes:
        words = norm(q).split()
        for i in range(0, max(1, len(words) - 12)):
            assert " ".join(words[i:i + 12]) not in sample_n, q[:60]
