"""Exporting a project as REFI-QDA (.qdpx): valid against Project-mrt2019.xsd, and everything in its place."""

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from toolkit import project as proj
from toolkit.cli import main
from toolkit.exchange.qdc import code_guid
from toolkit.exchange.qdpx_write import export_qdpx, project_xml, schema_errors
from toolkit.exchange.refi_common import split_meta
from toolkit.store import charting as cdb
from toolkit.store import core as db
from toolkit.store import qdpx as sq

ROOT = Path(__file__).resolve().parents[2]
XSD = ROOT / "tests" / "fixtures" / "qdpx" / "Project-mrt2019.xsd"  # QDA-XML 1.0 (REFI, MIT licence inside)
SAMPLE = ROOT / "transcripts_sample"
N = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Two sample transcripts (a .txt and a .vtt), their participants, codings by two coders, memos anchored in
    every way, a chart summary and a key element."""
    d = tmp_path_factory.mktemp("small")
    p = proj.create(d / "small.fa", name="Small & <odd> name")
    proj.import_transcripts(p, [SAMPLE / "P01_gp_rural.txt", SAMPLE / "P03_radiologist_urban.vtt"],
                            attributes=SAMPLE / "participants.csv")
    with p.transaction() as s:
        db.upsert_participant(s, "P01", {"years": 14, "share": 0.5, "rural": True}, pseudonym="Anne")
        segs = db.segments_frame(s)
        segs = segs[segs.role == "participant"].reset_index()
        pks = db.code_pks(s, "lvi84")
        codes = list(pks)
        ref, second = db.coder_id(s, "reference"), db.coder_id(s, "second")
        ids = []
        for i, r in segs.head(12).iterrows():
            ids.append(db.add_coding(s, transcript_id=int(r.transcript_id), start=int(r.start), end=int(r.end),
                                     code_pk=pks[codes[i % 5]], coder=ref, origin="manual"))
            if i % 3 == 0:
                db.add_coding(s, transcript_id=int(r.transcript_id), start=int(r.start), end=int(r.start) + 10,
                              code_pk=pks[codes[7]], coder=second, origin="suggestion", score=0.7)
        db.add_coding(s, transcript_id=int(segs.transcript_id[0]), start=0, end=5,
                      code_pk=db.code_pks(s, "lvi21")["HSC01"], coder=second, origin="manual")
        t0 = int(segs.transcript_id[0])
        db.add_memo(s, text="On this turn", title="Turn memo", author=ref, transcript_id=t0, start=int(segs.start[0]),
                    end=int(segs.end[0]))
        db.add_memo(s, text="Whole transcript", title=None, author=ref, transcript_id=t0)
        db.add_memo(s, text="About the code", title="Code memo", code_pk=pks[codes[0]])
        db.add_memo(s, text="About P01", title="Case memo", participant_id="P01")
        db.add_memo(s, text="Journal", title="Journal")
        sid = cdb.put_summary(s, framework_id="lvi84", participant_id="P01", code_pk=pks[codes[0]], text="Far away.",
                              status="reviewed", origin="manual", quotes=ids[:2], author_id=ref)
        sq.add_key_element(s, framework_id="lvi84", label="Distance deters", summary_id=sid, quotes=ids[:1],
                           dimension={"label": "Access", "status": "accepted", "position": 0, "category": None})
    yield p
    p.close()


@pytest.fixture(scope="module")
def exported(small, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "small.qdpx"
    rep = export_qdpx(small, out)
    with zipfile.ZipFile(out) as z:
        qde = z.read("project.qde")
        files = {n: z.read(n) for n in z.namelist()}
    return rep, etree.fromstring(qde), files, qde


def test_export_validates_against_the_schema(exported):
    assert schema_errors(exported[3], XSD) == []


def test_every_transcript_is_an_internal_utf8_source_equal_to_the_stored_text(small, exported):
    rep, root, files, _ = exported
    with small.read() as s:
        trs = db.transcripts(s)
        texts = {t["name"]: db.transcript_text(s, t["id"]) for t in trs}
    sources = root.findall("q:Sources/q:TextSource", N)
    assert sorted(x.get("name") for x in sources) == sorted(texts) and rep.transcripts == 2
    for x in sources:
        path = x.get("plainTextPath")
        assert path == f"internal://{x.get('guid')}.txt"
        assert files[f"Sources/{x.get('guid')}.txt"].decode("utf-8") == texts[x.get("name")]


def test_every_code_and_coding_with_coder_and_time(small, exported):
    rep, root, _, _ = exported
    with small.read() as s:
        cf = db.codings_frame(s, with_text=False)
        n_codes = sum(len(db.get_framework(s, f).codes) for f in db.framework_ids(s))
    leaves = [c for c in root.iter(f"{{{N['q']}}}Code") if c.get("isCodable") == "true"]
    assert len(leaves) == n_codes == rep.codes
    users = {u.get("guid"): u.get("name") for u in root.findall("q:Users/q:User", N)}
    got = []
    for src in root.findall("q:Sources/q:TextSource", N):
        for sel in src.findall("q:PlainTextSelection", N):
            for c in sel.findall("q:Coding", N):
                got.append((src.get("name"), int(sel.get("startPosition")), int(sel.get("endPosition")),
                            c.find("q:CodeRef", N).get("targetGUID"), users[c.get("creatingUser")],
                            c.get("creationDateTime")))
    want = [(r.transcript, int(r.start), int(r.end), code_guid(r.framework_id, r.code_id), r.coder,
             r.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")) for r in cf.itertuples()]
    assert sorted(got) == sorted(want) and rep.codings == len(cf) == 17


def test_participants_are_cases_with_typed_variables(exported):
    _, root, _, _ = exported
    variables = {v.get("guid"): (v.get("name"), v.get("typeOfVariable")) for v in root.findall("q:Variables/q:Variable", N)}
    assert dict(variables.values()) == {"group": "Text", "setting": "Text", "workplace": "Text",
                                        "years_experience": "Text", "years": "Integer", "share": "Float",
                                        "rural": "Boolean", "pseudonym": "Text"}
    cases = {c.get("name"): c for c in root.findall("q:Cases/q:Case", N)}
    assert sorted(cases) == [f"P{i:02d}" for i in range(1, 13)]
    p01 = {variables[v.find("q:VariableRef", N).get("targetGUID")][0]: v[1].text for v in
           cases["P01"].findall("q:VariableValue", N)}
    assert p01 == {"group": "GP", "setting": "rural", "workplace": "municipal medical office",
                   "years_experience": "14", "years": "14", "share": "0.5", "rural": "true", "pseudonym": "Anne"}
    assert len(cases["P01"].findall("q:SourceRef", N)) == 1 and not cases["P02"].findall("q:SourceRef", N)


def test_memos_summaries_and_key_elements_are_notes_where_they_belong(exported):
    _, root, _, _ = exported
    notes = {n.get("name"): n for n in root.findall("q:Notes/q:Note", N)}
    assert "Turn memo" in notes and "Memo: Whole transcript" in notes
    refs = {r.get("targetGUID"): r.getparent() for r in root.iter(f"{{{N['q']}}}NoteRef")}
    assert refs[notes["Turn memo"].get("guid")].tag.endswith("PlainTextSelection")
    assert refs[notes["Memo: Whole transcript"].get("guid")].tag.endswith("TextSource")
    assert refs[notes["Code memo"].get("guid")].tag.endswith("Code")
    assert refs[notes["Journal"].get("guid")].tag.endswith("Project")
    links = {(lk.get("originGUID"), lk.get("targetGUID")) for lk in root.findall("q:Links/q:Link", N)}
    case = {c.get("name"): c.get("guid") for c in root.findall("q:Cases/q:Case", N)}
    assert (notes["Case memo"].get("guid"), case["P01"]) in links
    [summary] = [n for n in notes.values() if n.get("name").startswith("Summary P01")]
    _, meta = split_meta(summary.find("q:Description", N).text)
    assert meta["toolkit"] == "summary" and meta["participant"] == "P01" and meta["status"] == "reviewed"
    assert len(meta["quotes"]) == 2 and summary.find("q:PlainTextContent", N).text == "Far away."
    code = refs[summary.get("guid")]
    assert code.get("guid") == code_guid("lvi84", meta["code"])
    assert (summary.get("guid"), case["P01"]) in links and (summary.get("guid"), code.get("guid")) in links
    key = notes["Key element: Distance deters"]
    _, kmeta = split_meta(key.find("q:Description", N).text)
    assert kmeta["summary"] == summary.get("guid") and kmeta["dimension"]["label"] == "Access"
    sets = {s.get("name"): s for s in root.findall("q:Sets/q:Set", N)}
    assert [m.get("targetGUID") for m in sets["Chart summaries: lvi84"]] == [summary.get("guid")]


def test_exports_are_reproducible_and_can_be_limited_to_one_framework(small):
    a, files_a, _ = project_xml(small)
    b, files_b, _ = project_xml(small)
    strip = etree.XMLParser(remove_blank_text=True)
    ra, rb = etree.fromstring(a, strip), etree.fromstring(b, strip)
    for r in (ra, rb):
        r.attrib.pop("creationDateTime")
        r.attrib.pop("modifiedDateTime")
    assert etree.tostring(ra) == etree.tostring(rb) and files_a == files_b
    only, _, rep = project_xml(small, frameworks=["lvi21"])
    assert rep.codes == 21 and rep.codings == 1 and rep.summaries == 0


def test_cli_export_with_schema_check(small, tmp_path, capsys):
    out = tmp_path / "cli.qdpx"
    assert main(["qdpx", "export", str(small.path), str(out), "--schema", str(XSD)]) == 0
    assert "(valid against the schema)" in capsys.readouterr().out and zipfile.is_zipfile(out)
