"""Reading REFI-QDA projects (.qdpx) from other tools. Every assumption about real exports is stated here.

Positions: the standard counts Unicode code points of the plain-text file from 0; we take ``endPosition`` as
exclusive (start + length). Stored text has ``\\n`` line endings and no BOM; positions are mapped onto it.
"""

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from toolkit.exchange.qdpx_load import import_qdpx
from toolkit.exchange.qdpx_read import read_qdpx
from toolkit.store import core as db
from toolkit.store import memos as memo_db
from toolkit.store import open_project

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "qdpx"
NS = 'xmlns="urn:QDA-XML:project:1.0"'
CODE = "C0DE0000-0000-4000-8000-00000000000"
SRC = "5E1D7A30-0000-4000-8000-000000000001"


def make_qdpx(path: Path, qde: str | bytes, files: dict[str, bytes] | None = None, qde_name="project.qde") -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (files or {}).items():
            z.writestr(name, data)
    return path


def zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(folder).as_posix())
    return out


def one_source(selections: str, *, text_attr: str = f'plainTextPath="internal://{SRC}.txt"', content: str = "",
               ns: str = NS) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project {ns} name="t"><Users><User guid="00000000-0000-4000-8000-000000000001" name="Kari"/></Users>
<CodeBook><Codes><Code guid="{CODE}1" name="Alpha" isCodable="true"/><Code guid="{CODE}2" name="Beta"
isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="{SRC}" name="doc.txt" {text_attr}>{content}{selections}</TextSource></Sources></Project>"""


def sel(start, end, name="", code=1, guid="5E1EC700-0000-4000-8000-000000000001") -> str:
    n = f' name="{name}"' if name else ""
    return (f'<PlainTextSelection guid="{guid}"{n} startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="C0D10000-0000-4000-8000-00000000000{code}" '
            f'creatingUser="00000000-0000-4000-8000-000000000001"><CodeRef targetGUID="{CODE}{code}"/></Coding>'
            "</PlainTextSelection>")


def coded(plan) -> list[str]:
    text = plan.sources[0].parsed.text
    return [text[c.start:c.end] for c in plan.codings]


# --- the hand-made fixture and the ATLAS.ti samples ---------------------------------------------------------------


@pytest.fixture
def interview_qdpx(tmp_path):
    return zip_folder(FIX / "interview_project", tmp_path / "interview.qdpx")


def test_hand_made_project_reads_with_every_deviation(interview_qdpx):
    plan = read_qdpx(interview_qdpx)
    assert plan.name == "Rural access study" and plan.users == ["Kari Nordmann", "Ola Hansen"]
    [fw] = plan.codebook.frameworks
    # a coded parent code ('Access') is also a code; 'Private clinics' (third level) is a child of 'Waiting times'
    assert [(c.label, [k.label for k in c.codes]) for c in fw.categories] == [
        ("Access", ["Access", "Distance", "Waiting times", "Private clinics"]), ("Other codes", ["Patient pressure"])]
    assert [k.parent for k in fw.categories[0].codes] == [None, None, None, "Waiting_times"]
    assert fw.categories[0].codes[1].color == "#00AA00"
    assert fw.categories[0].codes[1].definition == "Travel time and distance to the scanner."
    # cases -> participants with typed variables; sources -> their case
    assert plan.participants == {
        "Anna": {"attributes": {"Profession": "GP", "Years in practice": 14, "Rural": True}, "pseudonym": None},
        "Bjørn": {"attributes": {"Profession": "Orthopaedic surgeon", "Rural": False}, "pseudonym": None}}
    assert [(s.name, s.participant) for s in plan.sources] == [("Anna interview.txt", "Anna"),
                                                                ("Bjørn interview.docx", "Bjørn")]
    assert plan.sources[0].meta["refi"]["sets"] == ["Rural interviews"]
    texts = {s.guid: s.parsed.text for s in plan.sources}
    got = [(texts[c.source][c.start:c.end], c.code[1], c.coder) for c in plan.codings]
    assert got == [
        ("Two hours by car, and the ferry on top.", "Distance", "Kari Nordmann"),  # coder from the selection
        ("So I think twice before I refer anyone.", "Access", "Ola Hansen"),  # lower-case GUID of the user
        ("Months for an MR.", "Waiting_times", "Kari Nordmann"),
        ("Patients go to the private clinic in town instead, and they pay themselves.", "Private_clinics",
         "Kari Nordmann"),
        ("They have read about it online and they want an MR of the knee.", "Patient_pressure", "Ola Hansen"),
        ("I explain, but often I give in.", "Patient_pressure", "Ola Hansen")]
    # dates: no zone = UTC; +01:00 converted to UTC; missing = None
    assert [str(c.created) for c in plan.codings[:4]] == ["2024-03-02 10:00:00", "2024-03-04 07:30:00",
                                                         "2024-03-02 10:05:00", "None"]
    turns = plan.sources[1].parsed.turns
    assert [(t.speaker, t.role) for t in turns] == [("Interviewer", "interviewer"), ("Bjørn", "participant")] * 2
    assert plan.skipped == ["PDFSource 'Referral guideline.pdf': not a text source",
                            "AudioSource 'Anna interview.m4a': not a text source"]
    assert any("SelectionRef" in w or "selection and code references" in w for w in plan.warnings)


def test_hand_made_project_imports_notes_where_they_are_anchored(interview_qdpx, tmp_path):
    rep = import_qdpx(interview_qdpx, tmp_path / "p.fa")
    assert rep.codings == 6 and rep.memos == 6 and rep.coders == ["Kari Nordmann", "Ola Hansen"]
    with open_project(tmp_path / "p.fa") as p, p.read() as s:
        memos = {m["title"]: m for m in memo_db.memos_frame(s).to_dict("records")}
        assert memos["Ferry"]["transcript"] == "Anna interview.txt"
        tr = db.resolve_transcript(s, "Anna interview.txt")
        assert tr.text[int(memos["Ferry"]["start"]):int(memos["Ferry"]["end"])] == \
            "Two hours by car, and the ferry on top."
        assert str(memos["Ferry"]["created_at"]) == "2024-03-02 10:01:00"
        assert memos["Ferry"]["author"] == "Kari Nordmann"
        assert memos["So I think twice…"]["text"] == "Distance works as a brake here."  # a selection's comment
        pressure = db.code_pks(s, rep.frameworks_added[0])["Patient_pressure"]
        assert memos["Pressure memo"]["code_pk"] == pressure  # NoteRef from the code
        assert memos["Anna overall"]["participant_id"] == "Anna"  # Link to the case
        assert memos["Transcription"]["transcript"] == "Bjørn interview.docx"  # NoteRef from the source
        assert memos["Transcription"]["text"].endswith("who transcribed")  # the note's description is kept
        assert pd.isna(memos["Research plan"]["transcript"])  # a project-level note
        cf = db.codings_frame(s)
        segs = db.segments_frame(s).set_index("id")
        assert cf["segment_id"].notna().all()  # every coding sits in a speaker turn found by detect_turns
        assert set(segs.loc[cf["segment_id"].astype(int), "role"]) == {"participant"}
        assert db.participants(s)[0] == {"id": "Anna", "pseudonym": None, "Profession": "GP",
                                         "Years in practice": 14, "Rural": True}


def test_atlas_ti_shaped_exports_import(tmp_path):
    """Projects shaped like ATLAS.ti 23's exports (tests/fixtures/qdpx/atlas_ti/, written for these tests): the
    ATLAS.ti system user beside the researcher, no sources, a code tree one level deep."""
    atlas = FIX / "atlas_ti"
    blank = import_qdpx(make_qdpx(tmp_path / "blank.qdpx", (atlas / "blank.qde").read_bytes()), tmp_path / "blank.fa")
    assert blank.coders == ["Maria Hansen", "ATLAS.ti"] and blank.transcripts == []
    assert blank.frameworks_added == []
    tree = import_qdpx(make_qdpx(tmp_path / "tree.qdpx", (atlas / "code_tree.qde").read_bytes()), tmp_path / "tree.fa")
    [fid] = tree.frameworks_added
    with open_project(tmp_path / "tree.fa") as p, p.read() as s:
        fw = db.get_framework(s, fid)
        assert db.get_setting(s, "name") == "travel-study"
    assert fw.name == "travel-study"
    assert [(c.label, [k.label for k in c.codes]) for c in fw.categories] == [
        ("Barriers", ["Long travel distance", "Waiting lists"])]


# --- positions: line breaks, BOM, code units, inclusive ends ------------------------------------------------------

CRLF_TEXT = "I: Why?\r\nP: Because it is far.\r\nI: And then?\r\nP: Then I refer.\r\n"


def test_crlf_counts_two_characters_by_default(tmp_path):
    """The standard (code points of the file): each \\r\\n is two characters. 'Then I refer.' starts at 49 in the
    file and at 46 in our stored text (three \\r dropped before it)."""
    raw = CRLF_TEXT.encode("utf-8")
    assert CRLF_TEXT.index("Then I refer.") == 49
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", one_source(sel(49, 62)), {f"Sources/{SRC}.txt": raw}))
    assert plan.sources[0].parsed.text == CRLF_TEXT.replace("\r\n", "\n")
    assert coded(plan) == ["Then I refer."]
    assert plan.codings[0].start == 46 and plan.sources[0].meta["refi"]["positions"] == "standard"


def test_crlf_counting_one_character_is_detected_from_selection_names(tmp_path):
    """Tools that normalise line endings first count \\r\\n as one; the selections' names (their quoted text) show
    which reading fits, and the import says which it used."""
    body = sel(46, 59, "Then I refer.") + sel(11, 29, "Because it is far.", code=2,
                                                   guid="5E1EC700-0000-4000-8000-000000000002")
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", one_source(body), {f"sources/{SRC}.txt": CRLF_TEXT.encode()}))
    assert coded(plan) == ["Then I refer.", "Because it is far."]
    assert plan.sources[0].meta["refi"]["positions"].startswith("line breaks count 1")
    assert any("line breaks count 1" in w for w in plan.warnings)


def test_without_names_the_standard_reading_is_kept(tmp_path):
    """With nothing to judge by, positions count \\r\\n as two: positions meant as one-per-line-break come out
    shifted, which is why exporters should follow the standard."""
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", one_source(sel(46, 59)), {f"Sources/{SRC}.txt": CRLF_TEXT.encode()}))
    assert coded(plan) == ["P: Then I ref"]


def test_a_reading_that_cuts_a_line_break_loses(tmp_path):
    """Under 'two', position 5 of 'A\\r\\nB\\r\\nC' falls between \\r and \\n; under 'one' it is a boundary."""
    text = "A\r\nB\r\nC"
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", one_source(sel(0, 5)), {f"Sources/{SRC}.txt": text.encode()}))
    assert coded(plan) == ["A\nB\nC"]
    assert plan.sources[0].meta["refi"]["positions"].startswith("line breaks count 1")


def test_a_selection_outside_the_text_under_one_reading_decides(tmp_path):
    """Inline text written with \\r\\n (lost by the XML parser) is 16 characters one way and 18 the other; a
    selection ending at 18 fits only the second."""
    qde = one_source(sel(12, 18), text_attr="", content="<PlainTextContent>I: Why?\nP: Far.\n</PlainTextContent>")
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", qde.replace("\n", "\r\n").encode()))
    assert coded(plan) == ["Far.\n"]


def test_utf8_bom_is_not_counted(tmp_path):
    raw = "\ufeffP: Hello there.".encode()
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", one_source(sel(3, 8)), {f"Sources/{SRC}.txt": raw}))
    assert plan.sources[0].parsed.text == "P: Hello there."
    assert coded(plan) == ["Hello"]


def test_a_counted_bom_is_detected_from_names(tmp_path):
    raw = "\ufeffP: Hello there, and welcome.".encode()
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", one_source(sel(4, 29, "Hello there, and welcome.")),
                               {f"Sources/{SRC}.txt": raw}))
    assert coded(plan) == ["Hello there, and welcome."]
    assert "BOM counted" in plan.sources[0].meta["refi"]["positions"]


def test_utf16_code_units_are_detected_from_names(tmp_path):
    """Astral characters (emoji) count one code point, or two UTF-16 code units in .NET/Java tools."""
    text = "P: 😀😀 We laughed about the scanner queue."
    start = text.index("We") + 2  # as a UTF-16 tool counts
    body = sel(start, start + 34, "We laughed about the scanner queue")
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", one_source(body), {f"Sources/{SRC}.txt": text.encode()}))
    assert coded(plan) == ["We laughed about the scanner queue"]
    assert "UTF-16" in plan.sources[0].meta["refi"]["positions"]


def test_inclusive_end_positions_are_detected_from_names(tmp_path):
    text = "P: The waiting list is eight months long."
    a = text.index("The")
    body = sel(a, a + 36, "The waiting list is eight months long")  # endPosition = its last character
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", one_source(body), {f"Sources/{SRC}.txt": text.encode()}))
    assert coded(plan) == ["The waiting list is eight months long"]
    assert "inclusive" in plan.sources[0].meta["refi"]["positions"]


# --- encodings and inline text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_sources_in_other_encodings(tmp_path, encoding):
    text = "Intervjuer: Hvorfor?\nPål: Fordi køen på røntgen er lang.\n"
    a = text.index("køen")
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", one_source(sel(a, a + 4)),
                               {f"Sources/{SRC}.txt": text.encode(encoding)}))
    assert plan.sources[0].parsed.text == text and coded(plan) == ["køen"]


def test_inline_content_with_escaped_carriage_returns(tmp_path):
    """Inline text keeps \\r only when written as &#13;; then \\r\\n counts two like in a file."""
    content = "<PlainTextContent>I: Why?&#13;\nP: Because.&#13;\n</PlainTextContent>"
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", one_source(sel(12, 20), text_attr="", content=content)))
    assert plan.sources[0].parsed.text == "I: Why?\nP: Because.\n" and coded(plan) == ["Because."]


def test_inline_content_whose_crlf_the_xml_parser_dropped(tmp_path):
    """XML parsers turn a literal \\r\\n into \\n; positions are then read one per line break, unless the
    selection names show the exporter counted the lost \\r."""
    content = "<PlainTextContent>I: Why?\nP: Because it is far away.\n</PlainTextContent>"  # \r\n once written
    qde = one_source(sel(12, 34, "Because it is far away"), text_attr="", content=content).replace("\n", "\r\n")
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", qde.encode()))
    assert coded(plan) == ["Because it is far away"]
    qde = one_source(sel(11, 33), text_attr="", content=content).replace("\n", "\r\n")
    assert coded(read_qdpx(make_qdpx(tmp_path / "b.qdpx", qde.encode()))) == ["Because it is far away"]


def test_whole_source_coding_and_no_namespace_and_attribute_case(tmp_path):
    """A Coding directly on a TextSource codes the whole text; a missing namespace, braces around GUIDs and
    attribute names in another case are accepted; the qde may have another name and Sources another case."""
    qde = one_source('<PlainTextSelection guid="{5E1EC700-0000-4000-8000-000000000009}" StartPosition="3" '
                     'EndPosition="8"><Coding guid="C0D10000-0000-4000-8000-000000000009"><CodeRef '
                     f'targetGUID="{{{CODE}2}}"/></Coding></PlainTextSelection>'
                     f'<Coding guid="C0D10000-0000-4000-8000-000000000008"><CodeRef targetGUID="{CODE}1"/></Coding>',
                     ns="")
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", qde, {f"SOURCES/{SRC}.TXT".replace(".TXT", ".txt"):
                                                           b"P: Hello world"}, qde_name="My Project.qde"))
    assert coded(plan) == ["Hello", "P: Hello world"]
    assert plan.codings[0].coder == "imported"  # no creatingUser anywhere


def test_external_and_rich_text_only_sources_are_skipped_by_name(tmp_path):
    qde = f"""<Project {NS} name="t"><Sources>
      <TextSource guid="{SRC}" name="far away.txt" plainTextPath="absolute:///C:/data/far.txt"/>
      <TextSource guid="5E1D7A30-0000-4000-8000-000000000002" name="styled.docx" richTextPath="internal://x.docx"/>
      <VideoSource guid="5E1D7A30-0000-4000-8000-000000000003" name="focus group.mp4" path="internal://y.mp4">
        <VideoSelection guid="5E1EC700-0000-4000-8000-000000000003" begin="0" end="900"><Coding
          guid="C0D10000-0000-4000-8000-000000000003"><CodeRef targetGUID="{CODE}1"/></Coding></VideoSelection>
      </VideoSource>
      <PictureSource guid="5E1D7A30-0000-4000-8000-000000000004" name="scanner.jpg" path="internal://z.jpg"/>
    </Sources></Project>"""
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", qde))
    assert plan.sources == []
    assert [s.split(":")[0] for s in plan.skipped] == ["TextSource 'far away.txt'", "TextSource 'styled.docx'",
                                                        "VideoSource 'focus group.mp4'", "PictureSource 'scanner.jpg'"]
    assert "never fetched" in plan.skipped[0]
    assert plan.skipped[2].endswith("not a text source (1 coding(s) not imported)")


def test_two_sources_with_the_same_name_are_told_apart(tmp_path):
    two = f"""<Project {NS} name="t"><Sources>
      <TextSource guid="{SRC}" name="P01.txt"><PlainTextContent>P: one</PlainTextContent></TextSource>
      <TextSource guid="5E1D7A30-0000-4000-8000-000000000002" name="P01.txt"><PlainTextContent>P: two</PlainTextContent>
      </TextSource><TextSource guid="5E1D7A30-0000-4000-8000-000000000003" name="P01.txt"><PlainTextContent>P: 3
      </PlainTextContent></TextSource></Sources></Project>"""
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", two))
    assert [s.name for s in plan.sources] == ["P01.txt", "P01 (2).txt", "P01 (3).txt"]


def test_document_variables_become_participant_attributes(tmp_path):
    """MAXQDA keeps attributes on documents, not cases: a source's variables become attributes of its case's
    participant, or of a participant named after the source when it has no case."""
    qde = one_source(sel(3, 8), content='<VariableValue><VariableRef targetGUID="7A000000-0000-4000-8000-000000000001"/>'
                     "<IntegerValue>52</IntegerValue></VariableValue>").replace(
        "<Sources>", '<Variables><Variable guid="7A000000-0000-4000-8000-000000000001" name="Age" '
                     'typeOfVariable="Integer"/></Variables><Sources>')
    # VariableValue must follow the selections in a TextSource; order is not checked when reading
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", qde, {f"Sources/{SRC}.txt": b"P: Hello world"}))
    assert plan.participants == {"doc": {"attributes": {"Age": 52}, "pseudonym": None}}
    assert plan.sources[0].participant == "doc"


def test_an_archive_holding_a_folder(tmp_path):
    """Zipping the export folder instead of its content puts everything one level down."""
    qde = one_source(sel(3, 8, "Hello"))
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", qde, {f"Export/Sources/{SRC}.txt": b"P: Hello world"},
                               qde_name="Export/project.qde"))
    assert coded(plan) == ["Hello"]


@pytest.mark.parametrize("encode", [lambda x: b"\xef\xbb\xbf" + x.encode(),
                                    lambda x: x.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")],
                         ids=["utf-8 with BOM", "utf-16"])
def test_project_qde_with_a_bom_or_in_utf16(tmp_path, encode):
    plan = read_qdpx(make_qdpx(tmp_path / "a.qdpx", encode(one_source(sel(3, 8, "Hello"))),
                               {f"Sources/{SRC}.txt": b"P: Hello world"}))
    assert coded(plan) == ["Hello"]
