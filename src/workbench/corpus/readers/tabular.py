"""Table readers (.csv, .xlsx): one row per turn, with text, speaker and timestamp columns."""
from __future__ import annotations

import csv
import io

import pandas as pd

from ...errors import Errors, FileReadError
from ..text import decode_bytes
from .archive import check_zip
from .base import ReadResult, TextBuilder

TEXT_COLUMNS = ("text", "utterance", "transcript", "content", "speech", "turn", "what was said", "words")
SPEAKER_COLUMNS = ("speaker", "name", "participant", "who", "speaker name", "speaker_name")
TIME_COLUMNS = ("timestamp", "time", "start", "start time", "start_time", "timecode")
ROLE_COLUMNS = ("role", "speaker role", "speaker_role")
# Cells (rows x columns, gaps included) the first sheet may span: a tiny .xlsx whose one cell sits at
# XFD1048576 would otherwise be laid out as a table of 17 billion cells and exhaust memory.
MAX_SHEET_CELLS = 2_000_000


def _pick(columns: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {c.strip().lower(): c for c in columns}
    return next((lowered[n] for n in names if n in lowered), None)


def _turns_from_frame(frame: pd.DataFrame, path: str, fmt: str) -> ReadResult:
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    text_col = _pick(columns, TEXT_COLUMNS)
    if text_col is None:
        raise FileReadError(Errors.E009.format(path=path, columns=", ".join(columns) or "none"))
    speaker_col = _pick(columns, SPEAKER_COLUMNS)
    time_col = _pick(columns, TIME_COLUMNS)
    role_col = _pick(columns, ROLE_COLUMNS)
    builder = TextBuilder()
    roles: dict[str, str] = {}
    for _, row in frame.iterrows():
        text = str(row[text_col] or "").strip()
        speaker = str(row[speaker_col]).strip() if speaker_col and str(row[speaker_col]).strip() else None
        timestamp = str(row[time_col]).strip() if time_col and str(row[time_col]).strip() else None
        if speaker and role_col and str(row[role_col]).strip():
            roles.setdefault(speaker, str(row[role_col]).strip())
        builder.add(text, "turn", speaker=speaker, timestamp=timestamp,
                    label=f"{speaker}: " if speaker else "")
    return ReadResult(builder.text, builder.blocks, fmt, kind="transcript", speaker_roles=roles)


def read_csv(data: bytes, path: str) -> ReadResult:
    decoded = decode_bytes(data, path)
    try:
        dialect = csv.Sniffer().sniff(decoded.text[:4096], delimiters=",;\t|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        frame = pd.read_csv(io.StringIO(decoded.text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        raise FileReadError(Errors.E010.format(path=path, detail=str(err).strip())) from None
    result = _turns_from_frame(frame, path, "csv")
    result.encoding = decoded.encoding
    return result


def _sheet_too_large(data: bytes) -> str | None:
    """A reason the first sheet is too large to lay out as a table, or None. Stops early."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the declared size may lie; count what is really there
        rows = width = 0
        for row in sheet.iter_rows(values_only=True):
            rows, width = rows + 1, max(width, len(row))
            if rows * width > MAX_SHEET_CELLS:
                return (f"its first sheet spans more than {MAX_SHEET_CELLS:,} cells (at least {rows:,} rows x "
                        f"{width:,} columns); a transcript table needs far fewer")
    finally:
        book.close()
    return None


def read_xlsx(data: bytes, path: str) -> ReadResult:
    reason = check_zip(data)
    if reason:
        raise FileReadError(Errors.E010.format(path=path, detail=reason))
    try:
        reason = _sheet_too_large(data)
    except Exception as err:
        raise FileReadError(Errors.E010.format(path=path, detail=f"{type(err).__name__}: {err}")) from None
    if reason:
        raise FileReadError(Errors.E010.format(path=path, detail=reason))
    try:
        frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl").fillna("")
    except Exception as err:
        raise FileReadError(Errors.E010.format(path=path, detail=f"{type(err).__name__}: {err}")) from None
    return _turns_from_frame(frame, path, "xlsx")
