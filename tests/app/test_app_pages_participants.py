"""The Participants page (the sheet: edit, a bad value refused naming row and column, add a typed attribute, export)
and the Chart page's participant filter and "Compare by group" tab, under AppTest."""

from __future__ import annotations

import pandas as pd
from app_helpers import ok, page

from toolkit import participants as pt
from toolkit.textsafe import md


def _edit(rows: dict[int, dict]) -> dict:
    return {"edited_rows": rows, "added_rows": [], "deleted_rows": []}


def test_participants_page_edits_checks_and_adds_attributes(sample_project):
    p = sample_project
    pt.add_attribute(p, "years_experience", "number")
    at = ok(page("participants", p.path))
    assert at.title[0].value == "Participants"
    shown = at.dataframe[0].value if at.dataframe else None
    assert shown is not None and list(shown["id"])[:3] == ["P01", "P02", "P03"]
    assert "years&#95;experience** (number)" in at.caption[0].value
    # a bad number: refused, naming the row and the column; nothing saved
    at = page("participants", p.path, participants_sheet=_edit({2: {"years_experience": "lots"}, 0: {"group": "GP2"}}))
    at.button(key="participants_save").click().run()
    errors = [e.value for e in at.error]
    assert errors and md("row 3 (P03): column 'years_experience' (number): 'lots' is not a number") in errors[0]
    assert pt.participants_table(p).set_index("id").at["P01", "group"] == "GP"
    # a good edit is saved
    at = page("participants", p.path, participants_sheet=_edit({2: {"years_experience": "21"}, 0: {"setting": "coastal"}}))
    ok(at.button(key="participants_save").click().run())
    table = pt.participants_table(p).set_index("id")
    assert table.at["P03", "years_experience"] == "21" and table.at["P01", "setting"] == "coastal"
    assert any(md("Saved the attributes of 2 participant(s).") in s.value for s in at.success)
    # add a typed attribute through the form
    at = ok(page("participants", p.path))
    at.text_input(key="participants_attr_name").input("interviewed")
    at.selectbox(key="participants_attr_type").select("date")
    ok(at.button(key="FormSubmitter:participants_add_attribute-Add attribute").click().run())
    assert pt.attribute_types(p)["interviewed"] == "date"


def test_chart_page_filter_and_compare_by_group(sample_project):
    p = sample_project
    at = ok(page("chart", p.path, where_group=["GP"], where_setting=["rural"]))
    assert any(c.value == "Participants&#58; group &#61; GP; setting &#61; rural" for c in at.caption)
    grid = at.dataframe[0].value
    assert list(grid["participant"]) == ["P01"]
    at = ok(page("chart", p.path, where_setting=["urban"], chart_tab="Compare by group"))
    table = at.dataframe[0].value
    assert isinstance(table, pd.DataFrame) and "GP" in table.columns
    from toolkit import charting
    from toolkit.participants import ParticipantFilter

    want = charting.compare(p, "lvi84", "group", where=ParticipantFilter.parse(["setting=urban"]))
    assert int(table.iloc[0]["GP"]) == int(want.table().iloc[0]["GP"])
    # the passages one click away are located as a reader finds them (turn, time), never by character numbers
    code = next(c.id for c in want.columns if want.passages(c.id, "GP"))
    ref = want.passages(code, "GP")[0].reference
    assert ", turn" in ref and "character" not in ref
