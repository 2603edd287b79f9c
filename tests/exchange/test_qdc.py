"""REFI-QDA codebooks (.qdc): our frameworks out and back identical, other tools' code trees in."""

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from toolkit import frameworks as fwio
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.exchange.qdc import framework_to_qdc, read_qdc, write_qdc
from toolkit.exchange.refi_common import META_MARK

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "qdpx"
NS = {"c": "urn:QDA-XML:codebook:1.0"}


def codebook_schema():
    return etree.XMLSchema(etree.parse(str(FIX / "Codebook.xsd")))


def write(tmp_path, xml: str, name="book.qdc") -> Path:
    p = tmp_path / name
    p.write_text(xml, encoding="utf-8")
    return p


@pytest.mark.parametrize("fid", ["lvi84", "lvi21"])
def test_shipped_framework_round_trips_identically(tmp_path, fid):
    fw = fwio.load_framework(fwio.SHIPPED_DIR / f"{fid}.yaml")
    out = tmp_path / f"{fid}.qdc"
    write_qdc(fw, out)
    assert codebook_schema().validate(etree.parse(str(out))), codebook_schema().error_log
    back = read_qdc(out)
    assert back == replace(fw, source_file=str(out))
    assert back.source_file == str(out)


def test_round_trip_keeps_every_field(tmp_path):
    fw = fwio.framework_from_dict({
        "id": "tiny", "name": "Tiny: ærlig og åpen", "version": "2.1", "language": "nb", "description": "Line 1\n\nLine 3",
        "rings": [{"id": "inner", "label": "Inner ring"}],
        "categories": [{"id": "A", "label": "Alpha", "description": "Cat: with colon\n- and a dash", "codes": [
            {"id": "A01", "label": "First", "definition": "Def with [framework-analysis-toolkit] inside",
             "include": "inc", "exclude": "use A02", "examples": ["one", "two: 'quoted'"], "ring": "inner",
             "kind": "driver", "color": "#12ab34"},
            {"id": "A02", "label": "Second", "color": "teal"}]},
            {"id": "B", "label": "Empty category", "codes": []}]}, Path("x.yaml"))
    write_qdc(fw, tmp_path / "t.qdc")
    assert read_qdc(tmp_path / "t.qdc") == replace(fw, source_file=str(tmp_path / "t.qdc"))


def test_categories_are_parent_codes_and_codes_carry_definitions_and_sets():
    fw = fwio.load_framework(fwio.SHIPPED_DIR / "lvi21.yaml")
    root = etree.fromstring(framework_to_qdc(fw))
    tops = root.findall("c:Codes/c:Code", NS)
    assert [t.get("name") for t in tops] == [c.label for c in fw.categories]
    assert all(t.get("isCodable") == "false" for t in tops)
    first = tops[0].find("c:Code", NS)
    code = fw.categories[0].codes[0]
    assert first.get("name") == f"{code.id} {code.label}" and first.get("isCodable") == "true"
    desc = first.find("c:Description", NS).text
    assert desc.startswith(code.definition) and f"\n\n{META_MARK}\n" in desc
    sets = root.findall("c:Sets/c:Set", NS)
    names = [s.get("name") for s in sets]
    assert names[0] == f"lvi21: {fw.name}"
    assert len(sets[0].findall("c:MemberCode", NS)) == 21
    assert len(sets) == 1 + len(fw.rings)
    ring_members = sum(len(s.findall("c:MemberCode", NS)) for s in sets[1:])
    assert ring_members == sum(1 for c in fw.codes if c.ring)


def test_guids_are_stable_across_exports():
    fw = fwio.load_framework(fwio.SHIPPED_DIR / "lvi21.yaml")
    assert framework_to_qdc(fw) == framework_to_qdc(fw)


NESTED = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Other tool 14">
  <Codes>
    <Code guid="{11111111-1111-4111-8111-111111111111}" name="Organisation" isCodable="true" color="#ff0000">
      <Description>How care is organised.</Description>
      <Code guid="11111111-1111-4111-8111-111111111112" name="ORG01 Access to imaging" isCodable="true" color="#00ff00">
        <Description>Distance and waiting.</Description>
      </Code>
      <Code guid="11111111-1111-4111-8111-111111111113" name="Economy" isCodable="true">
        <Code guid="11111111-1111-4111-8111-111111111114" name="Fee for service" isCodable="true"/>
      </Code>
      <Code guid="11111111-1111-4111-8111-111111111119" name="Empty folder" isCodable="false"/>
    </Code>
    <Code guid="11111111-1111-4111-8111-111111111115" name="Culture" isCodable="false">
      <Code guid="11111111-1111-4111-8111-111111111116" name="Defensive medicine"/>
    </Code>
    <Code guid="11111111-1111-4111-8111-111111111117" name="Loose code" isCodable="true"/>
  </Codes>
</CodeBook>"""


def test_nested_codebook_from_another_tool(tmp_path):
    """Top-level codes with children are categories; codes below them keep their tree (a third level is a child
    code); a missing isCodable means codable; a top-level leaf goes to 'Other codes'; empty folders are not codes (a
    warning says so); an id-like first word of a name is the code id."""
    warnings: list[str] = []
    fw = read_qdc(write(tmp_path, NESTED), framework_id="other", name="Other codebook", warnings=warnings)
    assert fw.id == "other" and fw.name == "Other codebook"
    assert [c.parent for c in fw.codes] == [None, None, "Economy", None, None]
    assert warnings == ["empty folder 'Empty folder' under 'Organisation' left out"]
    assert [c.label for c in fw.categories] == ["Organisation", "Culture", "Other codes"]
    org = fw.categories[0]
    assert org.description == "How care is organised."
    assert [(c.id, c.label) for c in org.codes] == [("ORG01", "Access to imaging"), ("Economy", "Economy"),
                                                   ("Fee_for_service", "Fee for service")]
    assert org.codes[0].definition == "Distance and waiting." and org.codes[0].color == "#00ff00"
    assert [c.label for c in fw.categories[1].codes] == ["Defensive medicine"]
    assert [c.label for c in fw.categories[2].codes] == ["Loose code"]
    assert all(c.category_id == cat.id for cat in fw.categories for c in cat.codes)


SPEC_EXAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" xmlns:qda="urn:QDA-XML:codebook:1.0">
<Codes>
<Code guid="{5215cc69-b628-4e02-afb9-9beeaee55808}" name="Topics" isCodable="false"></Code>
<Code guid="{d7aa29da-519b-4946-9b90-253b6db8fd0a}" name="Economy" isCodable="true" color="#ffff00">
<Description>Anything about jobs or taxes or business</Description></Code>
<Code guid="{0dcef2f5-e55c-49da-8c33-9b0803c7aeb4}" name="Health care" isCodable="true" color="#33cc33">
<Description>Health care issues, doctor, patients, etc.</Description></Code>
<Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Values" isCodable="false"></Code>
<Code guid="{7c108712-b650-4892-ac0b-fc9a10190c3b}" name="Conservatives" isCodable="true" color="#ff0000">
<Description>Republicans or right-wing libertarians</Description></Code>
<Code guid="{12365523-1035-4afa-9e7b-281fe0bc51c5}" name="Liberals" isCodable="true" color="#0000ff">
<Description>Democrats, socialists, or progressive independents</Description></Code>
</Codes>
</CodeBook>"""


def test_the_standards_own_example_flat_folders_head_their_codes(tmp_path):
    """Annex A.1 of the specification writes folders flat, each followed by its codes."""
    fw = read_qdc(write(tmp_path, SPEC_EXAMPLE, "example.qdc"))
    assert fw.id == "example"
    assert [(c.label, [k.label for k in c.codes]) for c in fw.categories] == [
        ("Topics", ["Economy", "Health care"]), ("Values", ["Conservatives", "Liberals"])]
    assert fw.categories[0].codes[0].definition == "Anything about jobs or taxes or business"
    assert fw.categories[1].codes[1].color == "#0000ff"


def test_flat_codebook_becomes_one_category(tmp_path):
    xml = """<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
      <Code guid="22222222-2222-4222-8222-222222222221" name="happiness" isCodable="true"/>
      <Code guid="22222222-2222-4222-8222-222222222222" name="disgust" isCodable="true"/>
      <Code guid="22222222-2222-4222-8222-222222222223" name="happiness" isCodable="true"/>
    </Codes></CodeBook>"""
    fw = read_qdc(write(tmp_path, xml, "feelings.qdc"))
    assert len(fw.categories) == 1 and fw.categories[0].label == "feelings"
    assert [c.id for c in fw.codes] == ["happiness", "disgust", "happiness_2"]  # duplicate names get free ids


def test_atlas_code_groups_as_sets_and_double_colon_names(tmp_path):
    """ATLAS.ti keeps codes flat and groups them with sets (code groups) or 'Group::Code' names."""
    xml = """<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
      <Code guid="33333333-3333-4333-8333-333333333331" name="Coke::full-fat Coke" isCodable="true"/>
      <Code guid="33333333-3333-4333-8333-333333333332" name="Coke::diet Coke" isCodable="true"/>
      <Code guid="33333333-3333-4333-8333-333333333333" name="waste of time" isCodable="true"/>
    </Codes></CodeBook>"""
    fw = read_qdc(write(tmp_path, xml, "drinks.qdc"))
    assert [(c.label, [k.label for k in c.codes]) for c in fw.categories] == [
        ("Coke", ["full-fat Coke", "diet Coke"]), ("Other codes", ["waste of time"])]
    grouped = xml.replace("</Codes></CodeBook>", """</Codes><Sets>
      <Set guid="44444444-4444-4444-8444-444444444441" name="Feelings"><Description>How it feels</Description>
        <MemberCode guid="33333333-3333-4333-8333-333333333333"/></Set>
      <Set guid="44444444-4444-4444-8444-444444444442" name="Drinks">
        <MemberCode targetGUID="33333333-3333-4333-8333-333333333331"/>
        <MemberCode targetGUID="33333333-3333-4333-8333-333333333333"/></Set></Sets></CodeBook>""")
    fw = read_qdc(write(tmp_path, grouped, "grouped.qdc"))
    # a code in two sets belongs to the first; an ungrouped code goes by its name
    assert [(c.label, [k.label for k in c.codes]) for c in fw.categories] == [
        ("Feelings", ["waste of time"]), ("Drinks", ["Coke::full-fat Coke"]), ("Coke", ["diet Coke"])]
    assert fw.categories[0].description == "How it feels"


@pytest.mark.parametrize("xml, message", [
    ("<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code guid='x' name='a'", "malformed XML"),
    ("<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes/></CodeBook>", "no <Codes>"),
    ("""<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file:///etc/passwd">]>
        <CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code guid='55555555-5555-4555-8555-555555555555'
        name='a' isCodable='true'><Description>&x;</Description></Code></Codes></CodeBook>""", "DOCTYPE"),
    ("""<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
        <CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes><Code guid='55555555-5555-4555-8555-555555555555'
        name='a' isCodable='true'><Description>&b;</Description></Code></Codes></CodeBook>""", "DOCTYPE"),
    ("""<CodeBook xmlns='urn:QDA-XML:codebook:1.0'><Codes>
        <Code guid='55555555-5555-4555-8555-555555555555' name='a' isCodable='true'/>
        <Code guid='{55555555-5555-4555-8555-555555555555}' name='b' isCodable='true'/></Codes></CodeBook>""",
     "used twice"),
    ("", "empty file"),
])
def test_bad_codebooks_are_refused_naming_the_place(tmp_path, xml, message):
    with pytest.raises(InputError, match=message) as e:
        read_qdc(write(tmp_path, xml))
    assert "book.qdc" in str(e.value)


def test_cli_codebook_export_import(tmp_path, capsys):
    out = tmp_path / "lvi21.qdc"
    assert main(["codebook", "export", str(out), "--framework", "lvi21"]) == 0
    assert main(["init", str(tmp_path / "p.fa"), "--no-shipped"]) == 0
    assert main(["codebook", "import", str(out), "--project", str(tmp_path / "p.fa")]) == 0
    assert "added framework lvi21: 21 codes, 3 categories" in capsys.readouterr().out
    assert main(["codebook", "export", str(tmp_path / "back.qdc"), "--framework", "lvi21",
                 "--project", str(tmp_path / "p.fa")]) == 0
    assert (tmp_path / "back.qdc").read_bytes() == out.read_bytes()
    assert main(["codebook", "import", str(tmp_path / "nope.qdc"), "--project", str(tmp_path / "p.fa")]) == 2
