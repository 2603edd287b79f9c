"""A small charting project shared by the charting and export tests (imported by them; its own test checks it).

Four participants (two GPs, one radiologist, one radiographer without a transcript), three transcripts (txt, txt,
vtt with timestamps), codings of lvi84 by two coders (one span coded by both), one coding on an interviewer turn
plus participant turn, and the shipped frameworks and crosswalk.
"""

from __future__ import annotations

from pathlib import Path

from toolkit import project as proj
from toolkit.store import core as db
from toolkit.store.events import Action

P01 = """I: Could you tell me about your work and where you work?

P01: I am a GP in a small coastal municipality. The nearest X-ray machine is two hours away by car and ferry. When a patient has to travel four hours for an X-ray of an ankle, you think twice before you refer.

I: Does the distance change how you use imaging?

P01: Very much so. When I worked in town, the X-ray department was across the street, and I sent people over for all sorts of things. The threshold is just lower when the scanner is close. Access really drives how much we refer.

I: What about patients who ask for an MR?

P01: Patients from the cities come in and say their physiotherapist told them to get an MR. They know their rights and they insist. It is tempting to just write the referral and let someone else deal with it. Saying no takes time, and I have fifteen minutes per patient.
"""

P02 = """I: What does imaging look like in your practice?

P02: In town everything is close, so I refer quite easily. The private centre can take patients the same week if they pay or have insurance. Many of my patients have health insurance through work, and they expect a scan within days.

I: Do you worry about missing something?

P02: Yes, I am afraid of missing a serious diagnosis. If I do not send a patient with a headache to a CT and it turns out to be a tumour, I will be blamed. So I sometimes refer to be on the safe side, even when the guideline says no imaging is needed.
"""

P03 = """WEBVTT

1
00:00:01.000 --> 00:00:05.000
Interviewer: How do you assess the referrals you receive?

2
00:00:06.000 --> 00:00:20.000
P03: Many referrals lack the clinical question. We get two lines saying knee pain, and nothing about the examination or what the GP is looking for. Without that information it is hard to say no.

3
00:00:21.000 --> 00:00:25.000
Interviewer: Do you reject referrals?

4
00:00:26.000 --> 00:00:40.000
P03: We reject some, but rejecting takes time and the GPs get annoyed. It is easier to just do the examination. The private institutes never reject anything, because they are paid per examination.
"""

PARTICIPANTS = """id,group,setting,workplace
P01,GP,rural,municipal medical office
P02,GP,urban,group practice
P03,radiologist,urban,university hospital
P04,radiographer,rural,local hospital
"""

# (transcript, participant turn number (0-based among participant turns), sentence or None for the whole turn, codes,
#  coder)
PLAN = [
    ("P01_gp_rural.txt", 0, None, ["ORG01", "ORG02"], "reference"),
    ("P01_gp_rural.txt", 1, None, ["ORG01"], "reference"),
    ("P01_gp_rural.txt", 1, None, ["ORG01"], "second"),
    ("P01_gp_rural.txt", 2, "Patients from the cities come in and say their physiotherapist told them to get an MR.",
     ["EXP01"], "reference"),
    ("P01_gp_rural.txt", 2, "Saying no takes time, and I have fifteen minutes per patient.", ["REF01"], "reference"),
    ("P02_gp_urban.txt", 0, None, ["ORG07", "ORG09"], "reference"),
    ("P02_gp_urban.txt", 1, None, ["CUL15"], "reference"),
    ("P03_radiologist_urban.vtt", 0, None, ["REF05"], "reference"),
    ("P03_radiologist_urban.vtt", 1, None, ["REF10", "ORG08"], "reference"),
]


def write_study(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "P01_gp_rural.txt").write_text(P01, encoding="utf-8")
    (folder / "P02_gp_urban.txt").write_text(P02, encoding="utf-8")
    (folder / "P03_radiologist_urban.vtt").write_text(P03, encoding="utf-8")
    (folder / "participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    return folder


def make_project(tmp_path: Path, name: str = "p.fa", location=None):
    """The project, open; codings of lvi84 as in PLAN plus one span running from an interviewer turn into P03's."""
    study = write_study(tmp_path / "study")
    project = proj.create(location or tmp_path / name)
    proj.import_transcripts(project, [study / f for f in ("P01_gp_rural.txt", "P02_gp_urban.txt",
                                                           "P03_radiologist_urban.vtt")],
                            attributes=study / "participants.csv")
    with project.transaction(Action.CODINGS_IMPORT) as s:
        pks = db.code_pks(s, "lvi84")
        segs = db.segments_frame(s)
        for tname, turn, sentence, codes, coder in PLAN:
            tr = db.transcript_by_name(s, tname)
            turns = segs[(segs["transcript_id"] == tr.id) & (segs["role"] != "interviewer")].reset_index()
            seg = turns.iloc[turn]
            start, end = int(seg["start"]), int(seg["end"])
            if sentence:
                start = tr.text.index(sentence, start)
                end = start + len(sentence)
            for code in codes:
                db.add_coding(s, transcript_id=tr.id, start=start, end=end, code_pk=pks[code],
                              coder=db.coder_id(s, coder), origin="imported")
        # a coder's span that starts in the interviewer's question and ends in the answer
        tr = db.transcript_by_name(s, "P03_radiologist_urban.vtt")
        a = tr.text.index("Do you reject referrals?")
        b = tr.text.index("It is easier to just do the examination.")
        db.add_coding(s, transcript_id=tr.id, start=a, end=b, code_pk=pks["REF11"], coder=db.coder_id(s, "reference"),
                      origin="imported")
    return project


def test_small_project_is_as_planned(tmp_path):
    project = make_project(tmp_path)
    with project.read() as s:
        df = db.codings_frame(s, framework_id="lvi84")
        parts = db.participants_frame(s)
        segs = db.segments_frame(s)
    assert sorted(parts["id"]) == ["P01", "P02", "P03", "P04"]
    assert len(df) == sum(len(p[3]) for p in PLAN) + 1
    assert set(df["participant_id"]) == {"P01", "P02", "P03"}
    vtt = segs[segs["transcript"] == "P03_radiologist_urban.vtt"]
    assert vtt["t_start"].notna().all()
    assert set(vtt["role"]) == {"interviewer", "participant"}
