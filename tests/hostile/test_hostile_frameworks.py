"""Hostile and careless framework files: wrong types, misspelt keys, alias bombs, huge files. One clear InputError
each, naming the file and the line."""

import textwrap

import pytest

from toolkit import codebook_csv
from toolkit import frameworks as fwio
from toolkit.errors import InputError

GOOD = """\
kind: framework
id: small
name: Small framework
expected: {codes: 2, categories: 1}
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
        ring: inner
"""


def _write(tmp_path, text, name="fw.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def _refused(tmp_path, text, pattern, line=None):
    p = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        fwio.load_framework(p)
    e = info.value
    assert e.file == str(p)
    assert e.__class__ is InputError
    import re

    assert re.search(pattern, e.message), e.message
    if line is not None:
        assert e.place == f"line {line}", (e.place, e.message)
    return e


def test_the_good_file_loads(tmp_path):
    fw = fwio.load_framework(_write(tmp_path, GOOD))
    assert [c.id for c in fw.codes] == ["A1", "A2"]


@pytest.mark.parametrize(("old", "new", "pattern", "line"), [
    ("expected: {codes: 2, categories: 1}", "expected: {codes: many}", r"expected codes must be a whole number", 4),
    ("expected: {codes: 2, categories: 1}", "expected: 7", r"'expected' must be a mapping", 4),
    ("expected: {codes: 2, categories: 1}", "expected: {codez: 2}", r"unknown key 'codez'.*did you mean 'codes'", 4),
    ('examples: ["It is two hours to the nearest scanner."]', "examples: 7", r"'examples' must be a list, not int 7",
     14),
    ('examples: ["It is two hours to the nearest scanner."]', "examples: [{a: b}]", r"each example must be text", 14),
    ("label: Distance", "label: {en: Distance}", r"code 'A1': 'label' must be text, not a mapping", 12),
    ("definition: Waiting times.", "definition: [a, b]", r"'definition' must be text, not a list", 17),
    ("name: Small framework", "name: [x]", r"'name' must be text", 3),
    ("    label: Access", "    label: yes", r"'label' must be text, not yes/no", 9),
    ("  - {id: inner, label: Inner}", "  - inner", r"each entry of 'rings' must be a mapping", 5),
    ("definition: Travel distance to imaging.", "defintion: Travel distance to imaging.",
     r"unknown key 'defintion' in a code; did you mean 'definition'\?", 13),
    ("categories:\n", "catgories:\n", r"unknown key 'catgories' in the framework; did you mean 'categories'\?", 7),
    ("    label: Access", "    label: Access\n    colour: red", r"unknown key 'colour' in a category", 10),
    ("id: small", "id: {x: 1}", r"'id' must be text", 2),
    ("id: small", "id: sm all", r"framework id 'sm all' may only hold", None),
])
def test_wrong_types_and_unknown_keys_are_refused_at_their_line(tmp_path, old, new, pattern, line):
    assert old in GOOD
    _refused(tmp_path, GOOD.replace(old, new, 1), pattern, line)


def test_codes_that_are_not_a_list(tmp_path):
    text = "kind: framework\nid: f\ncategories:\n  - id: A\n    label: A\n    codes: 5\n"
    _refused(tmp_path, text, r"category 'A': 'codes' must be a list, not int 5", 6)
    _refused(tmp_path, "kind: framework\nid: f\ncategories: [3]\n", r"each category must be a mapping", 1)


BOMB = """\
kind: framework
id: bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
categories: [{id: A, label: A, codes: [{id: A1, label: *i}]}]
"""


def test_a_yaml_alias_bomb_is_refused_at_the_first_alias(tmp_path):
    _refused(tmp_path, BOMB, r"YAML aliases \(\*a\) are not allowed", 4)


def test_aliases_are_refused_in_crosswalks_and_catalogues_too(tmp_path):
    p = _write(tmp_path, "kind: crosswalk\nid: x\nfrom: &f a\nto: *f\nmap: []\n", "cw.yaml")
    with pytest.raises(InputError, match="aliases"):
        fwio.load_crosswalk(p)


def test_wrong_types_in_crosswalks_and_catalogues(tmp_path):
    p = _write(tmp_path, "kind: crosswalk\nid: x\nfrom: a\nto: b\nmap: [ORG01]\n", "cw.yaml")
    with pytest.raises(InputError, match="each entry of 'map' must be a mapping") as e:
        fwio.load_crosswalk(p)
    assert e.value.place == "line 5"
    p = _write(tmp_path, "kind: crosswalk\nid: x\nfrom: a\nto: b\nmap:\n  - {from: A, too: B}\n", "cw2.yaml")
    with pytest.raises(InputError, match=r"unknown key 'too'.*did you mean 'to'\?"):
        fwio.load_crosswalk(p)
    p = _write(tmp_path, "kind: measures\nid: m\nframework: f\nmeasures:\n  - {id: M1, title: T, targets: 3}\n",
               "m.yaml")
    with pytest.raises(InputError, match="'targets' must be a list"):
        fwio.load_measures(p)
    p = _write(tmp_path, "kind: measures\nid: m\nframework: f\nmesures: []\n", "m2.yaml")
    with pytest.raises(InputError, match=r"unknown key 'mesures'.*did you mean 'measures'\?") as e:
        fwio.load_measures(p)
    assert e.value.place == "line 4"


def test_a_framework_file_above_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    big = GOOD.replace("name: Small framework", "name: Small framework\ndescription: " + "x" * (6 * 1024 * 1024))
    p = _write(tmp_path, big)
    with pytest.raises(InputError, match=r"6\.0 MB, above the limit of 5 MB .*FA_MAX_FRAMEWORK_MB"):
        fwio.load_framework(p)
    monkeypatch.setenv("FA_MAX_FRAMEWORK_MB", "10")
    assert fwio.load_framework(p).id == "small"


def test_codebook_csv_ids_are_checked_like_yaml_ids(tmp_path):
    p = tmp_path / "cb.csv"
    p.write_text("code,label,definition,category\nA1,Good,,Cat\nA`)<img src=x>,Bad,,Cat\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"code id 'A`\)<img src=x>' may only hold letters") as e:
        codebook_csv.read_codebook_csv(p)
    assert e.value.place == "row 3"


def test_codebook_csv_round_trip_keeps_formula_like_text(tmp_path):
    fw = fwio.load_framework(_write(tmp_path, GOOD.replace("Waiting times.", "'=HYPERLINK(\"http://x\")'")))
    out = tmp_path / "cb.csv"
    codebook_csv.write_codebook_csv(fw, out)
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")
    again = codebook_csv.read_codebook_csv(out)
    assert again.codes[1].definition == '=HYPERLINK("http://x")'
