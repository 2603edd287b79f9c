"""The Framework page under AppTest on the sample: a framework built from empty to a coded, refined one by clicks
(new framework, category, codes, a version, an edit, a rename, a merge, the diff, an export), each effect read back
through the toolkit; and a condensed copy whose merge keeps its crosswalk from the detailed framework."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from app_helpers import download, ok, page, record_downloads, submit  # noqa: E402

from toolkit import codebook as cb  # noqa: E402
from toolkit.store import core as db  # noqa: E402
from toolkit.store import measures as mdb  # noqa: E402


def _fill_form(at, prefix: str, values: dict):
    """Set the text inputs/areas of a form (by label) and submit it."""
    for kind in (at.text_input, at.text_area):
        for w in kind:
            if w.form_id.startswith(prefix) and w.label in values:
                w.input(values[w.label])
    return submit(at, prefix)


def test_framework_built_from_empty_by_clicks(sample_project, monkeypatch):
    p = sample_project
    record_downloads(monkeypatch)
    at = ok(page("framework", p.path, coder="ann"))
    at = ok(_fill_form(at, "fw_new", {"Id": "study", "Name": "My study"}))
    with p.read() as s:
        assert "study" in db.framework_ids(s)
    at = ok(page("framework", p.path, coder="ann", framework="study"))
    at = ok(_fill_form(at, "fe_add_cat", {"Id": "ACCESS", "Label": "Access to imaging"}))
    at = ok(_fill_form(at, "fe_add_code", {"Id": "WAIT", "Label": "Waiting times",
                                           "Definition": "Waiting for a scan"}))
    at = ok(_fill_form(at, "fe_add_code", {"Id": "DIST", "Label": "Distance"}))
    at = ok(_fill_form(at, "fe_version", {"Name this version": "preliminary"}))
    out = cb.outline(p, "study")
    assert [r.id for r in out.codes] == ["WAIT", "DIST"] and out.versions == ["preliminary"]
    # code a passage with the new code, through the toolkit (the Index page's own test covers its buttons)
    with p.read() as s:
        tr = db.transcripts(s)[0]["name"]
    cb.code_from_passage(p, "study", "COST", "Costs", transcript=tr, start=10, end=80, coder="ann")
    # edit a code's definition on the Codes tab
    at = ok(page("framework", p.path, coder="ann", framework="study", fe_code="WAIT"))
    form = next(w for w in at.text_area if w.label == "Definition")
    form.input("Waiting for an examination")
    at = ok(submit(at, "fe_edit_study_WAIT"))
    assert cb.framework_at(p, "study").code("WAIT").definition == "Waiting for an examination"
    # rename, then merge the two codes into a new one: the coding follows
    at = ok(page("framework", p.path, coder="ann", framework="study", fe_code="DIST"))
    at.text_input(key="fe_rename_DIST").input("TRAVEL")
    at = ok(at.button(key="fe_rename_go").click().run())
    at.multiselect[0].set_value(["COST", "TRAVEL"])
    at = ok(_fill_form(at, "fe_merge", {"Into (one of them, another code, or a new id)": "BURDEN",
                                        "Label (for a new code, or to relabel the target)": "Burden on patients"}))
    fw = cb.framework_at(p, "study")
    assert {c.id for c in fw.codes} == {"WAIT", "BURDEN"} and fw.code("BURDEN").label == "Burden on patients"
    with p.read() as s:
        cod = db.codings_frame(s, framework_id="study", with_text=False)
    assert list(cod["code_id"]) == ["BURDEN"] and list(cod["coder"]) == ["ann"] and list(cod["origin"]) == ["manual"]
    # the diff names what happened, and the export of the preliminary version reads back as it was
    assert any("DIST merged into BURDEN" in c.value for c in at.code)  # the page's diff: preliminary -> current
    text = cb.diff(p, "study", "preliminary").text()
    assert "DIST merged into BURDEN" in text and "+ BURDEN 'Burden on patients'" in text
    yaml_bytes = download(at, "fe_export.yaml")
    assert b"id: study" in yaml_bytes and b"BURDEN" in yaml_bytes
    at.selectbox(key="fe_export_version").set_value("preliminary")
    at = ok(at.run())
    assert b"DIST" in download(at, "fe_export.csv") and b"BURDEN" not in download(at, "fe_export.csv")
    with p.read() as s:
        actions = list(db.events_frame(s)["action"])
    assert {"framework.new", "category.add", "code.add", "framework.version", "code.edit", "code.rename",
            "code.merge", "code.from_passage"} <= set(actions)


def test_condensed_copy_merge_keeps_its_crosswalk(sample_project):
    p = sample_project
    cb.new_framework(p, "cond", copy_from="lvi84", carry_codings=True, actor="ann")
    at = ok(page("framework", p.path, coder="ann", framework="cond"))
    at.multiselect[0].set_value(["ORG01", "ORG02"])
    at = ok(_fill_form(at, "fe_merge", {"Into (one of them, another code, or a new id)": "ACCESS",
                                        "Label (for a new code, or to relabel the target)": "Access"}))
    with p.read() as s:
        cw = mdb.get_crosswalk(s, "lvi84-to-cond")
    assert {m["from"]: m["to"] for m in cw.mapping}["ORG02"] == "ACCESS"
    assert cb.lineage(p, "cond")[0]["codings"] > 0


def test_new_code_from_a_passage_while_reading(sample_project):
    p = sample_project
    at = ok(page("familiarize", p.path, coder="ann"))
    at.selectbox(key="nc_fw_familiarize").set_value("lvi84")
    at = ok(at.run())
    turn = at.selectbox(key="nc_turn_familiarize").value
    form = f"new_code_familiarize_{turn}"
    at.text_input(key=f"nc_id_familiarize_{turn}").input("NEW01")
    at.text_input(key=f"nc_label_familiarize_{turn}").input("Something new")
    at = ok(submit(at, form))
    with p.read() as s:
        cod = db.codings_frame(s, framework_id="lvi84", coders=["ann"])
        fw = db.get_framework(s, "lvi84")
    assert list(cod["code_id"]) == ["NEW01"] and list(cod["origin"]) == ["manual"]
    assert fw.code("NEW01").examples == [" ".join(cod["text"].iloc[0].split())]
