"""Cases and attributes: typed attributes, the sheet's save (errors name row and column, nothing half-saved), CSV/XLSX
import and export, the participant filter (AND across attributes, OR within one) applied at the evidence so the
matrix, coverage, compare, findings, drivers and the report all agree, and the filter printed in the exports' title
blocks. The store-touching parts run on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit import charting
from toolkit import evidence as ev
from toolkit import participants as pt
from toolkit.cli import main as cli
from toolkit.errors import InputError, NotFoundError
from toolkit.participants import ParticipantFilter


@pytest.fixture
def study(project_location):
    """The sample's 12 interviews with their attributes and reference indexing, on either backend."""
    from toolkit import project as proj
    from toolkit.sample import SAMPLE_DIR

    p = proj.create(project_location, name="Participants")
    files = sorted(x for x in SAMPLE_DIR.iterdir() if x.suffix in (".txt", ".docx", ".vtt", ".srt")
                   and x.name[:1] == "P")
    proj.import_transcripts(p, files, attributes=SAMPLE_DIR / "participants.csv")
    proj.import_codings(p, SAMPLE_DIR / "reference_indexing.csv", framework="lvi84", coder="reference")
    yield p
    p.close()


def test_filter_parse_and_or_describe():
    f = ParticipantFilter.parse(["group=GP", "setting=rural", "group=radiologist"])
    assert f.conditions == (("group", ("GP", "radiologist")), ("setting", ("rural",)))
    assert f.describe() == "Participants: group = GP or radiologist; setting = rural"
    assert f.matches({"group": "gp", "setting": " Rural "})  # case and spaces do not matter
    assert f.matches({"group": "radiologist", "setting": "rural"})
    assert not f.matches({"group": "GP", "setting": "urban"})  # AND across attributes
    assert not f.matches({"setting": "rural"})
    assert not ParticipantFilter.parse([]) and ParticipantFilter().describe() == "Participants: all"
    for bad in (["group"], ["=GP"], ["group="]):
        with pytest.raises(InputError):
            ParticipantFilter.parse(bad)


def test_typed_values():
    assert pt.check_value(" 14 ", "number") == "14" and pt.check_value("2,5", "number") == "2.5"
    assert pt.check_value("2024-03-05", "date") == "2024-03-05" and pt.check_value("", "number") == ""
    for value, kind in (("abc", "number"), ("nan", "number"), ("05.03.2024", "date"), ("a\x01b", "category")):
        with pytest.raises(ValueError):
            pt.check_value(value, kind)


def test_sheet_edit_types_and_errors(study):
    p = study
    assert pt.add_attribute(p, "years_experience", "number") == "years_experience"
    with pytest.raises(InputError, match="workplace cannot be a number: participant P01"):
        pt.add_attribute(p, "workplace", "number")
    pt.add_attribute(p, "interviewed", "date")
    assert pt.attribute_types(p)["interviewed"] == "date" and pt.attribute_types(p)["group"] == "category"
    assert pt.set_attributes(p, "P01", {"interviewed": "2024-03-05", "setting": "coastal"}) == {
        "interviewed": "2024-03-05", "setting": "coastal"}
    table = pt.participants_table(p)
    assert list(table.columns[:2]) == ["id", "pseudonym"] and table.set_index("id").at["P01", "setting"] == "coastal"
    # the sheet: a bad value is refused naming row and column, and nothing (not even the good edit) is saved
    edited = table.copy()
    edited.loc[edited["id"] == "P02", "group"] = "GP (partner)"
    edited.loc[edited["id"] == "P03", "years_experience"] = "many"
    with pytest.raises(InputError) as e:
        pt.save_table(p, edited)
    assert "row 3 (P03)" in str(e.value) and "'years_experience'" in str(e.value) and "'many' is not a number" in str(
        e.value)
    assert pt.participants_table(p).set_index("id").at["P02", "group"] == "GP"
    edited.loc[edited["id"] == "P03", "years_experience"] = "20.0"
    assert pt.save_table(p, edited) == 2  # P02's group and P03's years (20.0 is stored as 20)
    after = pt.participants_table(p).set_index("id")
    assert after.at["P02", "group"] == "GP (partner)" and after.at["P03", "years_experience"] == "20"
    assert pt.save_table(p, edited) == 0  # nothing changed since
    pt.set_attributes(p, "P01", {"interviewed": ""})
    assert pt.participants_table(p).set_index("id").at["P01", "interviewed"] == ""
    with pytest.raises(NotFoundError):
        pt.set_attributes(p, "P99", {"group": "GP"})


def test_import_export_roundtrip_neutralises_formulas(study, tmp_path):
    p = study
    pt.set_attributes(p, "P01", {"workplace": "=HYPERLINK(\"http://x\")"})
    for suffix in (".csv", ".xlsx"):
        out = pt.export_participants(p, tmp_path / f"participants{suffix}")
        back = pd.read_csv(out, dtype=str).fillna("") if suffix == ".csv" else pd.read_excel(out, dtype=str).fillna("")
        assert back.set_index("id").at["P01", "workplace"].startswith("'=")  # neutralised, never a formula
        assert len(back) == 12
    bad = tmp_path / "bad.csv"
    pt.add_attribute(p, "years_experience", "number")
    bad.write_text("id,years_experience\nP01,12\nP02,twelve\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        pt.import_participants(p, bad)
    assert "bad.csv" in str(e.value) and "row 3" in str(e.value) and "years_experience" in str(e.value)
    assert pt.participants_table(p).set_index("id").at["P01", "years_experience"] == "14"  # nothing imported
    good = tmp_path / "good.csv"
    good.write_text("id,years_experience,region\nP01,15,north\n", encoding="utf-8")
    assert pt.import_participants(p, good).participants == ["P01"]
    assert pt.participants_table(p).set_index("id").loc["P01", ["years_experience", "region"]].tolist() == ["15",
                                                                                                           "north"]


def test_matrix_filtered_at_the_evidence(study, tmp_path):
    p = study
    whole = charting.build_matrix(p, "lvi84")
    gp_rural = ParticipantFilter.parse(["group=GP", "setting=rural"])
    m = charting.build_matrix(p, "lvi84", where=gp_rural)
    assert m.participants == ["P01"]
    assert "Participants: group = GP; setting = rural" in m.evidence.describe()
    for col in m.columns:  # the participant's cells are exactly as in the whole chart
        assert [q.coding_id for q in m.cell("P01", col.id).quotes] == [q.coding_id
                                                                        for q in whole.cell("P01", col.id).quotes]
    either = charting.build_matrix(p, "lvi84", coders=ev.resolve(p, None, where=ParticipantFilter.parse(
        ["group=GP", "group=radiologist"])))
    assert sorted(either.participants) == ["P01", "P02", "P03", "P04"]
    # the codings of the other participants are gone from every consumer of the evidence
    from toolkit.interpret.links import resolve_codings

    with p.read() as s:
        df, _ = resolve_codings(s, "lvi84", where=gp_rural)
    assert set(df["participant_id"]) == {"P01"} and len(df) > 0
    with pytest.raises(NotFoundError, match="no participant attribute 'grup'"):
        charting.build_matrix(p, "lvi84", where=ParticipantFilter.parse(["grup=GP"]))
    with pytest.raises(InputError, match="no participant matches group = nurse"):
        charting.build_matrix(p, "lvi84", where=ParticipantFilter.parse(["group=nurse"]))
    # the filter is in the title block of the Word and Excel files and in the CSV's evidence column
    from toolkit import export

    export.chart(p, "lvi84", docx=tmp_path / "m.docx", xlsx=tmp_path / "m.xlsx", csv=tmp_path / "m.csv",
                 coders=ev.resolve(p, None, where=gp_rural))
    import docx
    import openpyxl

    text = "\n".join(x.text for x in docx.Document(tmp_path / "m.docx").paragraphs)
    assert "group = GP; setting = rural" in text
    wb = openpyxl.load_workbook(tmp_path / "m.xlsx")
    assert any("group = GP; setting = rural" in str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    csv = pd.read_csv(tmp_path / "m.csv", dtype=str)
    assert set(csv["participant"]) == {"P01"} and set(csv["evidence"]) == {"reference where group=GP; setting=rural"}


def test_compare_by_group_counts_and_passages(study):
    p = study
    cmp = charting.compare(p, "lvi84", "group")
    m = cmp.matrix
    assert cmp.sizes == {"GP": 2, "radiologist": 2, "radiographer": 2, "hospital specialist": 2,
                         "imaging manager": 2, "health authority": 2} or sum(cmp.sizes.values()) == 12
    t = cmp.table("passages")
    for code in ("ORG13", "REF01"):
        members = [x for x in m.participants if m.value(x, "group") == "GP"]
        assert t.at[code, "GP"] == sum(len(m.cell(x, code).quotes) for x in members)
        assert len(cmp.passages(code, "GP")) == t.at[code, "GP"]
    share = cmp.table("share")
    assert ((share >= 0) & (share <= 1)).all().all()
    rural = charting.compare(p, "lvi84", "group", where=ParticipantFilter.parse(["setting=rural"]))
    assert sum(rural.sizes.values()) == sum(1 for x in m.participants if m.value(x, "setting") == "rural")
    assert "setting = rural" in rural.evidence
    with pytest.raises(NotFoundError):
        cmp.passages("ORG13", "nurse")


def test_report_and_interpretation_filtered(sample_project, tmp_path):
    from toolkit.export.report import write_report
    from toolkit.interpret import drivers as drv

    p = sample_project
    gp = ev.resolve(p, None, where=ParticipantFilter.parse(["group=GP"]))
    an = drv.analyse_drivers(p, framework_id="lvi21", coders=gp)
    assert an.n_participants == 2
    assert all(set(d.participants) <= {"P01", "P02"} for d in an.drivers if hasattr(d, "participants"))
    out = write_report(p, tmp_path / "r.docx", framework_id="lvi21", coders=gp, analysis=an)
    import docx

    doc = docx.Document(out)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert any("Participants: group = GP" in c for c in cells + [x.text for x in doc.paragraphs])


def test_cli_participants_where_compare_report(sample_project, tmp_path, capsys):
    path = str(sample_project.path)
    sample_project.close()
    assert cli(["participants", "set", path, "P01", "setting=coastal", "region=north"]) == 0
    assert cli(["participants", "add-attribute", path, "years_experience", "--type", "number"]) == 0
    assert cli(["participants", "set", path, "P01", "years_experience=many"]) == 2
    assert "'many' is not a number" in capsys.readouterr().err
    assert cli(["participants", "list", path, "--csv", str(tmp_path / "p.csv")]) == 0
    out = capsys.readouterr().out
    assert "years_experience (number)" in out and "coastal" in out
    assert pd.read_csv(tmp_path / "p.csv", dtype=str).set_index("id").at["P01", "region"] == "north"
    assert cli(["chart", path, "--framework", "lvi84", "--where", "group=GP", "--where", "group=radiologist",
                "--csv", str(tmp_path / "c.csv")]) == 0
    out = capsys.readouterr().out
    assert "Participants: group = GP or radiologist" in out and "4 participants" in out
    assert cli(["compare", path, "--framework", "lvi84", "--by", "group", "--where", "setting=urban"]) == 0
    assert "Participants: setting = urban" in capsys.readouterr().out
    assert cli(["compare", path, "--framework", "lvi84", "--by", "group", "--passages", "ORG13", "GP"]) == 0
    assert "[P0" in capsys.readouterr().out
    assert cli(["coverage", path, "--framework", "lvi84", "--where", "group=GP"]) == 0
    assert cli(["report", path, str(tmp_path / "r.docx"), "--framework", "lvi21", "--where", "group=GP"]) == 0
    assert "Participants: group = GP" in capsys.readouterr().out and (tmp_path / "r.docx").is_file()
    assert cli(["chart", path, "--framework", "lvi84", "--where", "group"]) == 2
