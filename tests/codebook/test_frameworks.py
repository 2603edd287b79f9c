"""Frameworks, crosswalks and measures catalogues as validated data files."""

import textwrap

import pytest

from toolkit import codebook_csv
from toolkit import frameworks as fwio
from toolkit.errors import InputError

FW_A = """\
kind: framework
id: small
name: Small framework
expected: {codes: 3, categories: 2}
rings:
  - {id: inner, label: Inner}
categories:
  - id: A
    label: Access
    codes:
      - id: A1
        label: Distance
        definition: Travel distance to imaging.
        examples: ["It is two hours to the nearest scanner."]
      - id: A2
        label: Waiting
        definition: Waiting times.
  - id: B
    label: Beliefs
    codes:
      - id: B1
        label: Technology
        definition: Belief in technology.
        ring: inner
"""

FW_B = """\
kind: framework
id: tiny
name: Tiny
categories:
  - id: X
    label: X
    codes:
      - {id: X1, label: Organisation}
      - {id: X2, label: Culture}
"""


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_load_framework_reads_codes_categories_rings(tmp_path):
    fw = fwio.load_framework(write(tmp_path, "a.yaml", FW_A))
    assert [c.id for c in fw.codes] == ["A1", "A2", "B1"]
    assert fw.code("B1").ring == "inner" and fw.code("A1").examples == ["It is two hours to the nearest scanner."]
    assert fw.code("A2").category_id == "A"


@pytest.mark.parametrize("bad,msg,line", [
    (FW_A.replace("id: A2", "id: A1"), "duplicate code id 'A1'", "line 15"),
    (FW_A.replace("ring: inner", "ring: outer"), "ring 'outer' is not declared", "line 21"),
    (FW_A.replace("codes: 3", "codes: 4"), "declares 4 codes but has 3", "line 1"),
    (FW_A.replace("        label: Waiting\n", ""), "has no 'label'", "line 15"),
    ("kind: framework\nid: x\ncategories: [\n", "invalid YAML", "line"),
    ("", "empty file", None),
])
def test_bad_frameworks_name_file_and_line(tmp_path, bad, msg, line):
    path = write(tmp_path, "bad.yaml", bad)
    with pytest.raises(InputError) as e:
        fwio.load_framework(path)
    assert msg in str(e.value) and "bad.yaml" in str(e.value)
    if line:
        assert line in str(e.value)


def test_codebook_csv_round_trip(tmp_path):
    fw = fwio.load_framework(write(tmp_path, "a.yaml", FW_A))
    codebook_csv.write_codebook_csv(fw, tmp_path / "cb.csv")
    back = codebook_csv.read_codebook_csv(tmp_path / "cb.csv", framework_id="small")
    assert [(c.id, c.label, c.definition, c.category_id, c.examples, c.ring) for c in back.codes] == [
        (c.id, c.label, c.definition, "Access" if c.category_id == "A" else "Beliefs", c.examples, c.ring)
        for c in fw.codes]


def test_codebook_csv_duplicate_code_names_row(tmp_path):
    p = write(tmp_path, "cb.csv", "code,label,definition,category\nA,a,,C\nB,b,,C\nA,again,,C\n")
    with pytest.raises(InputError, match=r"cb.csv, row 4: duplicate code id 'A' \(first in row 2\)"):
        codebook_csv.read_codebook_csv(p)


def crosswalk(entries):
    return "kind: crosswalk\nid: cw\nfrom: small\nto: tiny\nmap:\n" + "".join(f"  - {e}\n" for e in entries)


def test_crosswalk_checks_coverage_and_unknown_codes(tmp_path):
    fws = {f.id: f for f in (fwio.load_framework(write(tmp_path, "a.yaml", FW_A)),
                             fwio.load_framework(write(tmp_path, "b.yaml", FW_B)))}
    ok = write(tmp_path, "cw.yaml", crosswalk(["{from: A1, to: X1}", "{from: A2, to: X1}",
                                               "{from: B1, to: null, reason: not a driver}"]))
    cw = fwio.load_crosswalk(ok, fws)
    assert cw.target("A2") == "X1" and cw.target("B1") is None
    unknown = write(tmp_path, "cw2.yaml", crosswalk(["{from: A1, to: X9}", "{from: A2, to: X1}", "{from: B1, to: X2}"]))
    with pytest.raises(InputError, match=r"cw2.yaml, line 6: unknown code 'X9'"):
        fwio.load_crosswalk(unknown, fws)
    partial = write(tmp_path, "cw3.yaml", crosswalk(["{from: A1, to: X1}"]))
    with pytest.raises(InputError, match="unmapped: A2, B1"):
        fwio.load_crosswalk(partial, fws)
    noreason = write(tmp_path, "cw4.yaml", crosswalk(["{from: A1, to: null}"]))
    with pytest.raises(InputError, match="gives no 'reason'"):
        fwio.load_crosswalk(noreason, fws)


def test_measures_must_name_known_drivers(tmp_path):
    fws = {"tiny": fwio.load_framework(write(tmp_path, "b.yaml", FW_B))}
    cat = write(tmp_path, "m.yaml", """\
kind: measures
id: m
framework: tiny
measures:
  - id: M1
    title: Cap
    quantities: [{procedure: MR knee, activity_2024: 10, contract_volume: 2, change_pct: -80}]
    targets: [{driver: X1, rationale: caps volume}, {driver: X7, rationale: nope}]
""")
    with pytest.raises(InputError, match=r"m.yaml, line 8: measure 'M1' targets unknown driver 'X7'"):
        fwio.load_measures(cat, fws)


def test_shipped_folder_validates():
    folder = fwio.load_folder()
    assert "lvi84" in folder.frameworks
    fw = folder.frameworks["lvi84"]
    assert (len(fw.codes), len(fw.categories)) == (84, 7)
    assert all(c.definition and c.examples for c in fw.codes)
    if "lvi21" in folder.frameworks:
        small = folder.frameworks["lvi21"]
        assert (len(small.codes), len(small.categories)) == (21, 3)
        assert {r["id"] for r in small.rings} == {"system", "culture", "referral"}
        cw = next(iter(folder.crosswalks.values()))
        assert {m["from"] for m in cw.mapping} == {c.id for c in fw.codes}
