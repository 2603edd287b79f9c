"""The chart's matrix model: rows, columns, cells, quotes and their places, the category view, bad input."""

from __future__ import annotations

import pytest
from test_charting_common import make_project

from toolkit import charting as ch
from toolkit import project as proj
from toolkit.charting.matrix import natural_key
from toolkit.errors import InputError, NotFoundError
from toolkit.store import core as db


@pytest.fixture
def project(tmp_path, project_location):
    p = make_project(tmp_path, location=project_location)
    yield p
    p.close()


def test_rows_columns_and_grouping(project):
    m = ch.build_matrix(project, "lvi84")
    fw = proj.get_framework(project, "lvi84")
    assert m.group_by == ("group", "setting")
    # ordered by group, then setting, then id; P04 has no transcript but is a row
    assert m.participants == ["P01", "P02", "P04", "P03"]
    assert [k for k, _ in m.groups()] == [("GP", "rural"), ("GP", "urban"), ("radiographer", "rural"),
                                          ("radiologist", "urban")]
    assert [c.id for c in m.columns] == [c.id for c in fw.codes]
    assert [cid for cid, _ in m.categories] == [c.id for c in fw.categories]
    assert len(m.cells) == 4 * 84
    assert all(not c.quotes for (pid, _), c in m.cells.items() if pid == "P04")
    tables = m.tables()
    assert [t.category_id for t in tables] == [c.id for c in fw.categories]
    assert all(len(t.columns) == len(c.codes) for t, c in zip(tables, fw.categories, strict=True))


def test_group_by_other_attribute_and_none(project):
    m = ch.build_matrix(project, "lvi84", group_by=["setting"])
    assert m.participants == ["P01", "P04", "P02", "P03"]
    assert ch.build_matrix(project, "lvi84", group_by=()).participants == ["P01", "P02", "P03", "P04"]


def test_cells_hold_the_coded_passages_verbatim(project):
    m = ch.build_matrix(project, "lvi84", coders=["reference", "second"])
    with project.read() as s:
        df = db.codings_frame(s, framework_id="lvi84")
        texts = db.transcript_texts(s)
    for r in df.itertuples(index=False):
        cell = m.cell(r.participant_id, r.code_id)
        q = next(q for q in cell.quotes if r.id in q.coding_ids)
        assert q.text == texts[r.transcript_id][q.start:q.end]
        assert (q.transcript, q.start, q.end) == (r.transcript, r.start, r.end)
    # the same span coded by two coders is one passage naming both
    org01 = m.cell("P01", "ORG01").quotes
    assert len(org01) == 2
    both = [q for q in org01 if len(q.coding_ids) == 2]
    assert len(both) == 1 and both[0].coder == "reference, second"
    assert m.frame("passages").loc["P01", "ORG01"] == 2
    assert sum(len(c.quotes) for c in m.cells.values()) == len(df) - 1


def test_quote_references_carry_timestamps_from_subtitles(project):
    m = ch.build_matrix(project, "lvi84")
    q = m.cell("P03", "REF05").quotes[0]
    assert (q.t_start, q.t_end) == (6.0, 20.0)
    assert q.turns and q.turns[0] == q.turns[1]
    assert q.reference == f"P03_radiologist_urban.vtt, turn {q.turns[0]}, 00:00:06\u201300:00:20"
    assert "characters" not in q.reference  # a reader finds a passage by turn and time, not by offset
    # a span over two turns takes its time from the first to the last
    q = m.cell("P03", "REF11").quotes[0]
    assert (q.t_start, q.t_end) == (21.0, 40.0)
    assert q.turns[1] == q.turns[0] + 1 and f"turns {q.turns[0]}\u2013{q.turns[1]}, " in q.reference
    assert m.cell("P01", "ORG01").quotes[0].t_start is None
    assert m.cell("P01", "ORG01").quotes[0].reference.startswith("P01_gp_rural.txt, turn ")


def test_category_filter_and_category_level(project):
    m = ch.build_matrix(project, "lvi84", category="ORG")
    assert {c.category_id for c in m.columns} == {"ORG"}
    assert m.categories == [("ORG", "Organisation, access and economy")]
    ch.set_summary(project, "lvi84", "P01", "ORG01", "Distance keeps him from referring.", author="ann",
                   status="reviewed")
    ch.set_summary(project, "lvi84", "P01", "ORG02", "Geography matters.", author="ann", status="reviewed")
    cat = ch.build_matrix(project, "lvi84", level="category")
    assert [c.id for c in cat.columns] == ["ORG", "CUL", "COM", "EXP", "REF", "CON", "MEA"]
    cell = cat.cell("P01", "ORG")
    assert cell.summary == "ORG01: Distance keeps him from referring.\nORG02: Geography matters."
    assert cell.status == "reviewed"
    assert len(cell.quotes) == 3  # two ORG01 passages and one ORG02 passage
    assert cat.cell("P02", "ORG").status == "empty"
    assert cat.tables()[0].title == "All categories"


def test_matrix_reads_summaries_with_provenance(project):
    ch.set_summary(project, "lvi84", "P02", "CUL15", "Refers to be on the safe side.", author="ann")
    c = ch.build_matrix(project, "lvi84").cell("P02", "CUL15")
    assert (c.summary, c.status, c.origin, c.author) == ("Refers to be on the safe side.", "draft", "manual", "ann")
    assert c.updated_at is not None
    assert c.quotes and c.cited_quotes() == []  # lists no passage: cites none (the researcher ticks what it cites)
    long = ch.build_matrix(project, "lvi84").long()
    row = long[(long["participant"] == "P02") & (long["column_id"] == "CUL15")].iloc[0]
    assert row["summary"] == "Refers to be on the safe side." and row["group"] == "GP"
    assert len(long) == 4 * 84


def test_bad_input_is_named(project, tmp_path):
    with pytest.raises(NotFoundError, match="no framework 'nope'.*lvi21.*lvi84"):
        ch.build_matrix(project, "nope")
    with pytest.raises(NotFoundError, match="no category 'XYZ'.*ORG"):
        ch.build_matrix(project, "lvi84", category="XYZ")
    with pytest.raises(NotFoundError, match="no participant attribute 'gender'.*group, setting, workplace"):
        ch.build_matrix(project, "lvi84", group_by=["gender"])
    with pytest.raises(InputError, match="level"):
        ch.build_matrix(project, "lvi84", level="theme")
    empty = proj.create(tmp_path / "empty.fa")
    with pytest.raises(InputError, match="empty.fa: the project has no participants"):
        ch.build_matrix(empty, "lvi84")
    # default grouping quietly uses only the attributes a project has
    bare = proj.create(tmp_path / "bare.fa")
    with bare.transaction() as s:
        db.upsert_participant(s, "P9")
    assert ch.build_matrix(bare, "lvi21").group_by == ()


def test_wide_categories_split_into_parts(project):
    m = ch.build_matrix(project, "lvi84")
    parts = m.tables(max_columns=8)
    cul = [t for t in parts if t.category_id == "CUL"]
    assert [t.title for t in cul] == [f"CUL Culture, competence and procedures (part {i} of 3)" for i in (1, 2, 3)]
    assert [c.id for t in cul for c in t.columns] == [c.id for c in m.columns if c.category_id == "CUL"]


def test_natural_order_of_ids():
    assert sorted(["P10", "P2", "P1"], key=natural_key) == ["P1", "P2", "P10"]
