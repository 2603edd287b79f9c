"""A code tree of any depth: YAML ``parent:``, CSV ``parent`` column, the project store, REFI-QDA in and out (an
NVivo-shaped tree six levels deep survives import and re-export unchanged), the picker tree and charting roll-ups."""

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from toolkit import codebook_csv, codetree
from toolkit import frameworks as fwio
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.exchange.qdc import read_qdc, write_qdc
from toolkit.exchange.qdpx_load import import_qdpx
from toolkit.exchange.qdpx_write import export_qdpx, schema_errors
from toolkit.exchange.refi_common import split_meta
from toolkit.models import Category, Code, Framework
from toolkit.store import core as db
from toolkit.store import init_project, open_project

XSD = Path(__file__).resolve().parents[2].parent / "shared" / "refi-qda" / "Project-mrt2019.xsd"
PNS = "urn:QDA-XML:project:1.0"
CNS = "urn:QDA-XML:codebook:1.0"
SRC = "5E1D7A30-0000-4000-8000-0000000000AA"
USER = "A1B2C3D4-0000-4000-8000-000000000001"
TEXT = "Interviewer: How far is it?\nAnna: Two hours by car, and the ferry on top.\nAnna: Months for an MR.\n"


def _guid(n: int) -> str:
    return f"C0DE0000-0000-4000-8000-{n:012d}"


def nvivo_tree() -> list[dict]:
    """Two top-level nodes (categories), codes five levels deep under the first (NVivo: every node codable), a
    name used twice at different places, a folder holding codes (MAXQDA/ATLAS.ti style), colours and descriptions."""
    n = iter(range(1, 1000))

    def node(name, children=(), color=None, desc=None, codable=True):
        return {"guid": _guid(next(n)), "name": name, "color": color, "desc": desc, "codable": codable,
                "children": list(children)}

    return [
        node("Healthcare system", color="#FF8800", desc="How the system shapes referrals.", children=[
            node("Organisation", desc="Who does what.", children=[
                node("Access", color="#00AA00", children=[
                    node("Distance", desc="Travel time & distance <to> the scanner.", children=[
                        node("Ferry", children=[node("Weather cancels the ferry", color="#123456",
                                                     desc="Level five.")]),
                        node("Other")]),
                    node("Waiting times")]),
                node("Other", desc="A second 'Other', under Organisation.")]),
            node("Economy", codable=False, desc="A folder.", children=[node("Fee for service")])]),
        node("Patients", children=[node("Patient pressure", desc="Patients asking for scans.")]),
    ]


def _codes_xml(nodes: list[dict], indent: str = "") -> str:
    out = []
    for d in nodes:
        attrs = f'guid="{d["guid"]}" name="{d["name"]}" isCodable="{"true" if d["codable"] else "false"}"'
        if d["color"]:
            attrs += f' color="{d["color"]}"'
        desc = d["desc"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") if d["desc"] else None
        inner = (f"<Description>{desc}</Description>" if desc else "") + _codes_xml(d["children"], indent + "  ")
        out.append(f"{indent}<Code {attrs}>{inner}</Code>")
    return "\n".join(out)


def nvivo_qdpx(path: Path, tree: list[dict]) -> Path:
    level5 = tree[0]["children"][0]["children"][0]["children"][0]["children"][0]["children"][0]["guid"]
    level3 = tree[0]["children"][0]["children"][0]["guid"]
    start1 = TEXT.index("Two hours")
    start2 = TEXT.index("Months")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{PNS}" name="NVivo study" origin="NVivo 15">
<Users><User guid="{USER}" name="Kari"/></Users>
<CodeBook><Codes>
{_codes_xml(tree)}
</Codes></CodeBook>
<Sources><TextSource guid="{SRC}" name="Anna.txt" plainTextPath="internal://{SRC}.txt">
<PlainTextSelection guid="5E1EC700-0000-4000-8000-000000000001" startPosition="{start1}" endPosition="{start1 + 39}"
 creatingUser="{USER}"><Coding guid="C0D10000-0000-4000-8000-000000000001" creatingUser="{USER}">
<CodeRef targetGUID="{level5}"/></Coding></PlainTextSelection>
<PlainTextSelection guid="5E1EC700-0000-4000-8000-000000000002" startPosition="{start2}" endPosition="{start2 + 17}"
 creatingUser="{USER}"><Coding guid="C0D10000-0000-4000-8000-000000000002" creatingUser="{USER}">
<CodeRef targetGUID="{level3}"/></Coding></PlainTextSelection>
</TextSource></Sources></Project>"""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde.encode("utf-8"))
        z.writestr(f"Sources/{SRC}.txt", TEXT.encode("utf-8"))
    return path


def tree_of(codes_el, ns: str, top: bool = True) -> list[tuple]:
    """(name, colour, description without the toolkit's metadata, codable (below the top), children) per <Code>."""
    out = []
    for el in codes_el.findall(f"{{{ns}}}Code"):
        desc = el.find(f"{{{ns}}}Description")
        human = split_meta(desc.text if desc is not None else "")[0] or None
        codable = None if top else el.get("isCodable", "true") == "true"
        out.append((el.get("name"), (el.get("color") or "").upper() or None, human, codable,
                    tree_of(el, ns, top=False)))
    return out


def expected_tree(nodes: list[dict], top: bool = True) -> list[tuple]:
    return [(d["name"], (d["color"] or "").upper() or None, d["desc"], None if top else d["codable"],
             expected_tree(d["children"], top=False)) for d in nodes]


def test_nvivo_tree_six_levels_deep_round_trips_through_a_project(tmp_path):
    tree = nvivo_tree()
    rep = import_qdpx(nvivo_qdpx(tmp_path / "nvivo.qdpx", tree), tmp_path / "study.fa")
    assert not any("flattened" in w for w in rep.warnings)
    project = open_project(tmp_path / "study.fa")
    [fid] = rep.frameworks_added
    with project.read() as s:
        fw = db.get_framework(s, fid)
        codings = db.codings_frame(s, framework_id=fid)
    # top-level nodes are categories; below them the tree is kept: five levels of codes under "Healthcare system"
    assert [c.label for c in fw.categories] == ["Healthcare system", "Patients"]
    nodes = codetree.code_tree(fw)
    assert max(n.depth for n in nodes) == 5
    deepest = next(n for n in nodes if n.depth == 5)
    assert deepest.path == ["Healthcare system", "Organisation", "Access", "Distance", "Ferry",
                            "Weather cancels the ferry"]
    assert fw.code("Economy").kind == "folder" and fw.code("Fee_for_service").parent == "Economy"
    # the codings stay on the deep codes they were made on
    assert sorted(codings["code_id"]) == ["Access", "Weather_cancels_the_ferry"]
    # a memo on a parent code: its NoteRef must come before the child codes for the export to be valid
    with project.transaction("memo.add") as s:
        db.add_memo(s, text="Access is about more than distance.", code_pk=db.code_pks(s, fid)["Access"])
    # re-export: the same tree, level by level (names, colours, descriptions, codability)
    out = export_qdpx(project, tmp_path / "back.qdpx", frameworks=[fid])
    with zipfile.ZipFile(out.path) as z:
        qde = z.read("project.qde")
    root = etree.fromstring(qde)
    codes_el = root.find(f"{{{PNS}}}CodeBook/{{{PNS}}}Codes")
    assert tree_of(codes_el, PNS) == expected_tree(tree)
    if XSD.is_file():
        assert schema_errors(qde, XSD) == []
    # and in again: the same framework and the same codings
    rep2 = import_qdpx(out.path, tmp_path / "again.fa")
    again = open_project(tmp_path / "again.fa")
    with again.read() as s:
        assert db.get_framework(s, rep2.frameworks_added[0] if rep2.frameworks_added else fid).codes == fw.codes
        assert sorted(db.codings_frame(s, framework_id=fid)["code_id"]) == ["Access", "Weather_cancels_the_ferry"]


def test_deep_tree_through_qdc_yaml_and_csv(tmp_path):
    tree = nvivo_tree()
    qdc = tmp_path / "nvivo.qdc"
    qdc.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="{CNS}"><Codes>{_codes_xml(tree)}'
                   "</Codes></CodeBook>", encoding="utf-8")
    fw = read_qdc(qdc, framework_id="nv", name="NVivo codebook")
    assert codetree.max_depth(fw) == 5
    write_qdc(fw, tmp_path / "back.qdc")
    root = etree.parse(str(tmp_path / "back.qdc")).getroot()
    assert tree_of(root.find(f"{{{CNS}}}Codes"), CNS) == expected_tree(tree)
    assert read_qdc(tmp_path / "back.qdc").codes == fw.codes
    fwio.write_framework_yaml(fw, tmp_path / "nv.yaml")
    assert "parent: Ferry" in (tmp_path / "nv.yaml").read_text()
    assert fwio.load_framework(tmp_path / "nv.yaml").codes == fw.codes
    codebook_csv.write_codebook_csv(fw, tmp_path / "nv.csv")
    back = codebook_csv.read_codebook_csv(tmp_path / "nv.csv", framework_id="nv")
    assert [(c.id, c.parent, c.category_id) for c in back.codes] == [(c.id, c.parent, c.category_id)
                                                                     for c in fw.codes]


def _fw(*codes: tuple[str, str | None, str]) -> Framework:
    cats: dict[str, Category] = {}
    for cid, parent, cat in codes:
        cats.setdefault(cat, Category(cat, cat.title())).codes.append(Code(cid, cid.lower(), category_id=cat,
                                                                            parent=parent))
    return Framework("t", "T", list(cats.values()))


@pytest.mark.parametrize("codes, message", [
    ([("A", None, "x"), ("B", "Z", "x")], "parent 'Z' is not a code"),
    ([("A", None, "x"), ("B", "A", "y")], "a parent must be in the same category"),
    ([("A", "B", "x"), ("B", "A", "x")], "the parents form a cycle"),
    ([("A", "A", "x")], "names itself as its parent"),
])
def test_bad_trees_are_refused_naming_the_place(tmp_path, codes, message):
    import yaml

    cats: dict[str, list] = {}
    for cid, parent, cat in codes:
        cats.setdefault(cat, []).append({"id": cid, "label": cid, **({"parent": parent} if parent else {})})
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"kind": "framework", "id": "bad", "categories": [
        {"id": k, "label": k, "codes": v} for k, v in cats.items()]}), encoding="utf-8")
    with pytest.raises(InputError, match=message) as e:
        fwio.load_framework(path)
    assert "bad.yaml" in str(e.value) and "line" in str(e.value)


def test_csv_parent_in_another_category_names_the_row(tmp_path):
    path = tmp_path / "cb.csv"
    path.write_text("code,label,category,parent\nA,a,One,\nB,b,Two,A\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cb\.csv.*row 3.*same category|row 3") as e:
        codebook_csv.read_codebook_csv(path)
    assert "same category" in str(e.value)


def test_picker_tree_and_rollup_levels():
    fw = _fw(("A", None, "x"), ("A1", "A", "x"), ("A11", "A1", "x"), ("B", None, "x"), ("C", None, "y"))
    nodes = codetree.code_tree(fw)
    assert [(n.id, n.depth, n.children) for n in nodes] == [("A", 1, 1), ("A1", 2, 1), ("A11", 3, 0), ("B", 1, 0),
                                                           ("C", 1, 0)]
    assert nodes[2].path == ["X", "a", "a1", "a11"] and nodes[2].title.endswith("A11 a11")
    nested = codetree.nested_tree(fw)
    assert nested[0]["children"][0]["children"][0]["children"][0]["id"] == "A11"
    assert codetree.rollup(fw, "code")["A11"] == ("A11", "a11")
    assert codetree.rollup(fw, "category")["A11"] == ("x", "X")
    assert codetree.rollup(fw, "depth:1")["A11"] == ("A", "a")
    assert codetree.rollup(fw, "depth:2") == {"A": ("A", "a"), "A1": ("A1", "a1"), "A11": ("A1", "a1"),
                                              "B": ("B", "b"), "C": ("C", "c")}
    with pytest.raises(ValueError, match="depth:N"):
        codetree.rollup(fw, "deep")


def test_project_store_keeps_parents(tmp_path):
    fw = _fw(("A", None, "x"), ("A1", "A", "x"), ("A11", "A1", "x"), ("B", None, "x"))
    p = init_project(tmp_path / "p.fa")
    with p.transaction("framework.add") as s:
        db.add_framework(s, fw)
    p.close()
    with open_project(tmp_path / "p.fa").read() as s:
        assert [(c.id, c.parent) for c in db.get_framework(s, "t").codes] == [("A", None), ("A1", "A"),
                                                                             ("A11", "A1"), ("B", None)]


def test_codebook_import_cli_summarises_warnings(tmp_path, capsys):
    tree = nvivo_tree()
    tree[1]["children"].append({"guid": _guid(900), "name": "Empty one", "color": None, "desc": None,
                                "codable": False, "children": []})
    tree[1]["children"].append({"guid": _guid(901), "name": "Empty two", "color": None, "desc": None,
                                "codable": False, "children": []})
    qdc = tmp_path / "nvivo.qdc"
    qdc.write_text(f'<CodeBook xmlns="{CNS}"><Codes>{_codes_xml(tree)}</Codes></CodeBook>', encoding="utf-8")
    assert main(["codebook", "import", str(qdc)]) == 0
    out = capsys.readouterr().out
    assert "2 warnings" in out and "--verbose" in out and "Empty two" not in out
    assert main(["codebook", "import", str(qdc), "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "Empty one" in out and "Empty two" in out


def test_chart_by_any_level_of_the_tree(tmp_path):
    """A copy of lvi84 whose first category is a tree (ORG02 under ORG01, ORG03 under ORG02), charted per code, per
    depth-1 code (ORG01 holds the passages of ORG01-03), per depth 2 and per category."""
    from dataclasses import replace

    from test_charting_common import make_project

    from toolkit import charting as ch
    from toolkit import project as proj

    p = make_project(tmp_path)
    lvi = proj.get_framework(p, "lvi84")
    parents = {"ORG02": "ORG01", "ORG03": "ORG02"}
    cats = [replace(cat, codes=[replace(c, parent=parents.get(c.id)) for c in cat.codes]) for cat in lvi.categories]
    tree = replace(lvi, id="tree", categories=cats)
    with p.transaction() as s:
        db.add_framework(s, tree)
        pks = db.code_pks(s, "tree")
        for r in db.codings_frame(s, framework_id="lvi84").itertuples(index=False):
            db.add_coding(s, transcript_id=int(r.transcript_id), start=int(r.start), end=int(r.end),
                          code_pk=pks[r.code_id], coder=db.coder_id(s, r.coder), origin="imported")
    by_code = ch.build_matrix(p, "tree")
    assert [c.id for c in by_code.columns][:4] == ["ORG01", "ORG02", "ORG03", "ORG04"]
    d1 = ch.build_matrix(p, "tree", level="depth:1")
    assert d1.level == "depth:1"
    ids = [c.id for c in d1.columns]
    assert "ORG02" not in ids and "ORG03" not in ids and ids[:2] == ["ORG01", "ORG04"]
    assert len(ids) == len(tree.codes) - 2
    for pid in d1.participants:
        want = sorted((q.transcript, q.start, q.end) for c in ("ORG01", "ORG02", "ORG03")
                      for q in by_code.cell(pid, c).quotes)
        assert sorted((q.transcript, q.start, q.end) for q in d1.cell(pid, "ORG01").quotes) == want
    assert any(d1.cell(pid, "ORG01").quotes for pid in d1.participants)
    d2 = ch.build_matrix(p, "tree", level="depth:2")
    assert [c.id for c in d2.columns][:3] == ["ORG01", "ORG02", "ORG04"]
    cat = ch.build_matrix(p, "tree", level="category")
    assert [c.id for c in cat.columns] == [c.id for c in tree.categories]
    with pytest.raises(InputError, match="depth:N"):
        ch.build_matrix(p, "tree", level="deep")
    p.close()


def test_project_code_tree_for_the_picker(tmp_path):
    from toolkit import project as proj

    p = proj.create(tmp_path / "p.fa")
    fw = _fw(("A", None, "x"), ("A1", "A", "x"), ("B", None, "y"))
    with p.transaction("framework.add") as s:
        db.add_framework(s, fw)
    nodes = proj.code_tree(p, "t")
    assert [(n.category_id, n.id, n.depth, n.parent) for n in nodes] == [("x", "A", 1, None), ("x", "A1", 2, "A"),
                                                                         ("y", "B", 1, None)]
    assert len(proj.code_tree(p, "lvi84")) == 84 and {n.depth for n in proj.code_tree(p, "lvi84")} == {1}
    p.close()
