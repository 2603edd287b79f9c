"""Participant attributes from CSV (any delimiter, any encoding) and XLSX."""

from pathlib import Path

import openpyxl
import pytest

from toolkit.errors import InputError
from toolkit.ingest import read_attributes

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def test_semicolon_csv_with_participant_column_pseudonym_and_transcript():
    rows = read_attributes(FIX / "participants_semicolon.csv")
    assert rows[0] == {
        "id": "P01", "pseudonym": "Kari", "transcript": "P01.txt",
        "attributes": {"group": "GP", "setting": "rural", "years": "14"}, "row": 2,
    }
    # Empty cells are omitted.
    assert rows[1]["attributes"] == {"group": "radiologist", "years": "6"}


def test_tab_csv_cp1252_and_first_column_as_id(tmp_path):
    f = tmp_path / "p.csv"
    f.write_bytes("kode\tyrke\tsted\nP01\tfastlege\tBodø\nP02\trøntgenlege\tTromsø\n".encode("cp1252"))
    rows = read_attributes(f)
    assert [r["id"] for r in rows] == ["P01", "P02"]
    assert rows[1]["attributes"] == {"yrke": "røntgenlege", "sted": "Tromsø"}
    assert rows[0]["pseudonym"] is None and rows[0]["transcript"] is None


def test_participant_id_column_not_first(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("group,Participant ID,years\nGP,P05,3\n", encoding="utf-8")
    assert read_attributes(f)[0]["id"] == "P05"


def test_duplicate_ids_name_the_row():
    with pytest.raises(InputError) as e:
        read_attributes(FIX / "participants_dup.csv")
    assert e.value.place == "row 5" and "'P02'" in e.value.message and "row 3" in e.value.message


def test_empty_id_names_the_row(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("id,group\nP01,GP\n,GP\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_attributes(f)
    assert e.value.place == "row 3" and "empty participant id" in e.value.message


def test_blank_rows_are_skipped_but_row_numbers_stay_true(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("id,group\nP01,GP\n\n,\nP01,GP\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_attributes(f)
    assert e.value.place == "row 5"


def test_no_header_row(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("P01,GP,rural\nP02,GP,urban\n", encoding="utf-8")
    with pytest.raises(InputError, match="no header") as e:
        read_attributes(f)
    assert e.value.place == "row 1"


def test_row_longer_than_header(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("id,group\nP01,GP,extra\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2"):
        read_attributes(f)


def test_empty_attributes_file(tmp_path):
    f = tmp_path / "p.csv"
    f.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_attributes(f)


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_xlsx(tmp_path):
    f = _xlsx(tmp_path / "p.xlsx", [
        ["id", "group", "years_experience", "transcript", "note"],
        ["P01", "GP", 14, "P01_gp_rural.txt", None],
        ["P02", "radiologist", 6.5, "P02.docx", "part-time"],
    ])
    rows = read_attributes(f)
    assert rows[0] == {"id": "P01", "pseudonym": None, "transcript": "P01_gp_rural.txt",
                       "attributes": {"group": "GP", "years_experience": "14"}, "row": 2}
    assert rows[1]["attributes"] == {"group": "radiologist", "years_experience": "6.5", "note": "part-time"}


def test_xlsx_duplicate_id_row(tmp_path):
    f = _xlsx(tmp_path / "p.xlsx", [["participant", "group"], ["P01", "GP"], ["P01", "GP"]])
    with pytest.raises(InputError) as e:
        read_attributes(f)
    assert e.value.place == "row 3"


def test_corrupt_xlsx(tmp_path):
    f = tmp_path / "p.xlsx"
    f.write_bytes(b"not a spreadsheet")
    with pytest.raises(InputError, match="not a valid .xlsx"):
        read_attributes(f)


def test_unsupported_attributes_format(tmp_path):
    f = tmp_path / "p.json"
    f.write_text("{}")
    with pytest.raises(InputError, match="unsupported"):
        read_attributes(f)
