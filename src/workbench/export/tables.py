"""Tables out: every table as one sheet of an XLSX workbook, or as one CSV file each.

Corpus text is data, never a formula. In XLSX every text cell is stored as a string (a transcript line
"=HYPERLINK(...)" stays text). Every CSV the workbench writes goes through ``write_table_csv`` (or
``write_csvs``, which calls it): written atomically (temp file, fsync, rename), and formula-safe:

- **The escape**: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets one leading apostrophe (``=SUM(A1)`` is written ``'=SUM(A1)``), as OWASP advises for CSV files
  opened in spreadsheets. So that the escape can always be undone exactly, a text cell that already
  starts with apostrophes followed by one of those characters gets one more (``'=x`` is written
  ``''=x``); any other text, ``'s the bit`` included, is written as it is. Column names are escaped the
  same way. Numbers are never touched. Lines end in ``\n`` (in ``\r\n`` when a cell holds a carriage
  return, so that the cell is quoted and read back whole).
- **Undoing it**: ``read_table_csv`` reads such a file back and removes one leading apostrophe from every
  text cell (and column name) that starts with apostrophes followed by one of those characters, which
  gives back the exact text. Other
  programs see the apostrophe: in pandas, use ``read_table_csv`` instead of ``pd.read_csv`` (or strip
  one leading ``'`` yourself).
"""
from __future__ import annotations

import io
import json
import math
import re
import warnings
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import Errors, WorkbenchError
from ..safe_files import replace_atomic
from ..values import is_missing

MAX_SHEET_NAME = 31
MAX_CELL_CHARS = 32767  # Excel's limit for one cell
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet may run a cell starting with these
ESCAPE = "'"  # the prefix that keeps such a cell text
_ESCAPED = re.compile("'+[=+\\-@\t\r]")  # apostrophes, then a formula start: one apostrophe is the escape
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_BAD_FILE_CHARS = re.compile(r"[^\w.\- ]+")
# Characters XML 1.0 (and so XLSX) cannot hold; openpyxl refuses them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ExportError(WorkbenchError, ValueError):
    """An export that cannot be written (E450-E469)."""


# -- names ----------------------------------------------------------------------------------------

def sheet_names(names: list[str]) -> list[str]:
    """Valid, unique (case-insensitively, as Excel compares) sheet names for ``names``, in order.

    Characters Excel forbids (``[]:*?/\\``) become '_', names are cut to 31 characters, may not start or
    end with an apostrophe, 'History' is reserved, and clashes get a suffix ' (2)', ' (3)', ...
    """
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = _BAD_SHEET_CHARS.sub("_", str(raw)).strip().strip("'").strip() or "Sheet"
        if name.lower() == "history":
            name = "History_"
        name = name[:MAX_SHEET_NAME].rstrip("'")
        candidate, i = name, 2
        while candidate.lower() in seen:
            suffix = f" ({i})"
            candidate = name[:MAX_SHEET_NAME - len(suffix)].rstrip("'") + suffix
            i += 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def file_names(names: list[str], suffix: str = ".csv") -> list[str]:
    """Safe, unique (case-insensitively) file names for ``names``: no path separators, no '..'."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in names:
        stem = _BAD_FILE_CHARS.sub("_", str(raw)).strip(" .") or "table"
        stem = stem[:100]
        candidate, i = stem, 2
        while (candidate + suffix).lower() in seen:
            candidate, i = f"{stem}_{i}", i + 1
        seen.add((candidate + suffix).lower())
        out.append(candidate + suffix)
    return out


# -- checking and preparing --------------------------------------------------------------------------

def _check_tables(tables: Any) -> dict[str, pd.DataFrame]:
    if not isinstance(tables, Mapping):
        raise ExportError(Errors.E451.format(detail=f"expected a dict, got {type(tables).__name__}"))
    if not tables:
        raise ExportError(Errors.E451.format(detail="there are no tables"))
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise ExportError(Errors.E451.format(
                detail=f"table {name!r} is a {type(frame).__name__}, not a DataFrame"))
    return {str(name): frame for name, frame in tables.items()}


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep a meaningful index as columns, and flatten MultiIndex column labels."""
    if not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None):
        frame = frame.reset_index()
    if isinstance(frame.columns, pd.MultiIndex):
        frame = frame.copy()
        frame.columns = [" / ".join(str(p) for p in col if str(p)) for col in frame.columns]
    return frame


_is_missing = is_missing


def _text(value: str) -> str:
    value = _ILLEGAL_XML.sub("\ufffd", value)
    if len(value) > MAX_CELL_CHARS:
        warnings.warn(f"a cell of {len(value)} characters was cut to Excel's limit of {MAX_CELL_CHARS}",
                      stacklevel=4)
        value = value[:MAX_CELL_CHARS - 1] + "…"
    return value


def _cell_value(value: Any) -> Any:
    """A Python value openpyxl can write: numbers, bools and naive dates as they are, the rest as text."""
    if _is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            value = value.item()
        except (AttributeError, ValueError):
            pass
    if isinstance(value, bool) or isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isinf(value) or math.isnan(value) else value
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (datetime, time)) and value.tzinfo is not None:
        return value.isoformat()  # openpyxl cannot store time zones
    if isinstance(value, (datetime, date, time)):
        return value
    if isinstance(value, (list, tuple, dict, set)):
        value = json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False, default=str)
    elif isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return _text(str(value))


# -- XLSX ------------------------------------------------------------------------------------------

def _xlsx_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet_name, frame in zip(sheet_names(list(tables)), tables.values()):
        frame = _flat(frame)
        sheet = book.create_sheet(sheet_name)
        headers = [_text(str(c)) for c in frame.columns]
        for i, header in enumerate(headers, start=1):
            sample = [len(str(v)) for v in frame.iloc[:200, i - 1].tolist()] if len(frame) else []
            width = min(60, max([len(header), *sample, 6]) + 2)
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        if headers and len(frame):
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(frame) + 1}"
        row = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.data_type = "s"
            cell.font = bold
            row.append(cell)
        sheet.append(row)
        for values in frame.itertuples(index=False, name=None):
            row = []
            for value in values:
                value = _cell_value(value)
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # text, never a formula, whatever it starts with
                    row.append(cell)
                else:
                    row.append(value)
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write(path: Path, payload: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomic(path, payload)
    except OSError as err:
        raise ExportError(Errors.E450.format(path=path, detail=err.strerror or err)) from None
    return path


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write ``tables`` (name -> DataFrame) to one workbook, one sheet per table, in dict order.

    Sheet names are made valid and unique (see ``sheet_names``); the header row is bold and frozen,
    with a filter. Text cells are always stored as text, so corpus text cannot become a formula.
    Written atomically: the old file stays intact if anything fails.
    """
    tables = _check_tables(tables)
    path = Path(path)
    return _write(path, _xlsx_bytes(tables))


def write_workbook(tables: Mapping[str, pd.DataFrame], path: Path, max_rows: int = 100_000,
                   files: Mapping[str, str] | None = None) -> Path:
    """Tables (name -> DataFrame) as sheets of one XLSX workbook. Tables over ``max_rows`` rows stay CSV only
    (spreadsheets hold at most 1,048,576 rows and are slow long before that): they are named on a first
    sheet, "about", with their row counts and CSV file (``files``: name -> file name, default <name>.csv)."""
    sheets, left_out = {}, []
    for name, frame in tables.items():
        if len(frame) > max_rows:
            left_out.append({"table": name, "rows": len(frame), "file": (files or {}).get(name, f"{name}.csv"),
                             "why": f"more than {max_rows:,} rows: open the CSV file instead"})
        else:
            sheets[name] = frame
    if left_out:
        sheets = {"about": pd.DataFrame(left_out, columns=["table", "rows", "file", "why"]), **sheets}
    return write_xlsx(sheets, path)


def write_csv_workbook(csvs: Mapping[str, Path], path: Path, max_rows: int = 100_000) -> Path:
    """CSV files (name -> path) as sheets of one XLSX workbook (see ``write_workbook``)."""
    return write_workbook({name: read_table_csv(csv) for name, csv in csvs.items()}, path,
                          max_rows, {name: csv.name for name, csv in csvs.items()})


# -- CSV -------------------------------------------------------------------------------------------

def escape_formula(value: Any) -> Any:
    """Prefix text a spreadsheet would run as a formula (or text that is apostrophes and then such a start)
    with an apostrophe; ``unescape_formula`` undoes it exactly. Anything but text is returned as it is."""
    if isinstance(value, str) and (value.startswith(FORMULA_START) or _ESCAPED.match(value)):
        return ESCAPE + value
    return value


def unescape_formula(value: Any) -> Any:
    """The text ``escape_formula`` was given: one leading apostrophe removed where the escape put one."""
    if isinstance(value, str) and _ESCAPED.match(value):
        return value[1:]
    return value


def _is_text_column(dtype: Any) -> bool:
    return dtype == object or pd.api.types.is_string_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype)


def _csv_bytes(frame: pd.DataFrame, escape_formulas: bool, encoding: str, index: bool = True) -> bytes:
    """CSV bytes of ``frame``; ``index``: keep a meaningful index as columns (else it is dropped)."""
    if index:
        frame = _flat(frame)
    elif isinstance(frame.columns, pd.MultiIndex):
        frame = _flat(frame.reset_index(drop=True))
    if escape_formulas:
        frame = frame.copy()
        for i, dtype in enumerate(frame.dtypes):
            if _is_text_column(dtype):
                frame.isetitem(i, frame.iloc[:, i].astype(object).map(escape_formula))
        frame.columns = [escape_formula(str(c)) for c in frame.columns]
    # Python's csv quotes a field only for characters of the line terminator: with "\n" a lone "\r" in a
    # text would go out unquoted and split the row when read back. Such (rare) tables end lines in "\r\n".
    ending = "\r\n" if _has_carriage_return(frame) else "\n"
    return frame.to_csv(index=False, lineterminator=ending).encode(encoding)


def _has_carriage_return(frame: pd.DataFrame) -> bool:
    if any("\r" in str(c) for c in frame.columns):
        return True
    for i, dtype in enumerate(frame.dtypes):
        if _is_text_column(dtype) and frame.iloc[:, i].map(lambda v: isinstance(v, str) and "\r" in v).any():
            return True
    return False


def write_table_csv(frame: pd.DataFrame, path: str | Path, *, escape_formulas: bool = True,
                    encoding: str = "utf-8", index: bool = False) -> Path:
    """Write one table to ``path`` as CSV, atomically; the one CSV writer of the workbench.

    With ``escape_formulas`` (the default) text cells are escaped as the module docstring says, so a
    spreadsheet shows them instead of running them; ``read_table_csv`` gives back the exact text.
    ``index``: also write a named (or non-default) index as columns; by default it is left out, as
    ``DataFrame.to_csv(index=False)`` does. Use ``encoding="utf-8-sig"`` for Excel on Windows.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ExportError(Errors.E451.format(detail=f"expected a DataFrame, got {type(frame).__name__}"))
    return _write(Path(path), _csv_bytes(frame, escape_formulas, encoding, index=index))


def read_table_csv(path: str | Path, *, escaped: bool = True, **read_csv_args: Any) -> pd.DataFrame:
    """Read a CSV written by ``write_table_csv`` with its exact text: the escape is undone in every text
    cell and column name (``escaped=False`` for files written with ``escape_formulas=False``).

    Only empty cells are missing values ("NA", "null" or "nan" in a quote stay text) unless
    ``read_csv_args`` say otherwise; ``read_csv_args`` go to ``pandas.read_csv`` (e.g. ``dtype=str``).
    """
    read_csv_args.setdefault("keep_default_na", False)
    if not read_csv_args["keep_default_na"]:
        read_csv_args.setdefault("na_values", [""])
    frame = pd.read_csv(path, **read_csv_args)
    if escaped:
        frame.columns = [unescape_formula(c) for c in frame.columns]
        for i, dtype in enumerate(frame.dtypes):
            if _is_text_column(dtype):
                frame.isetitem(i, frame.iloc[:, i].map(unescape_formula))
    return frame


def write_csvs(tables: Mapping[str, pd.DataFrame], folder: str | Path, *, escape_formulas: bool = True,
               encoding: str = "utf-8") -> dict[str, Path]:
    """Write each table to ``folder/<name>.csv`` (names made safe and unique); returns name -> path.

    Each file goes through ``write_table_csv`` (a meaningful index is kept as columns). With
    ``escape_formulas`` (the default) text starting with = + - @ gets a leading apostrophe, so a
    spreadsheet shows it instead of running it; pass False for files only programs will read.
    """
    tables = _check_tables(tables)
    folder = Path(folder)
    out: dict[str, Path] = {}
    for (name, frame), file_name in zip(tables.items(), file_names(list(tables))):
        out[name] = write_table_csv(frame, folder / file_name, escape_formulas=escape_formulas, encoding=encoding,
                                    index=True)
    return out
