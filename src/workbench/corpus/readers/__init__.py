"""One reader per file format. Each takes the file's bytes and its display path, returns a ReadResult,
and raises FileReadError (never anything else on purpose) when the file cannot be used."""
from __future__ import annotations

from typing import Callable

from .base import ReadResult
from .captions import read_srt, read_vtt
from .docx import read_docx
from .html import read_html
from .markdown import read_md
from .pdf import read_pdf
from .plain import read_txt
from .tabular import read_csv, read_xlsx

Reader = Callable[[bytes, str], ReadResult]

READERS: dict[str, Reader] = {
    ".txt": read_txt, ".text": read_txt,
    ".md": read_md, ".markdown": read_md,
    ".docx": read_docx,
    ".html": read_html, ".htm": read_html,
    ".pdf": read_pdf,
    ".vtt": read_vtt,
    ".srt": read_srt,
    ".csv": read_csv,
    ".xlsx": read_xlsx,
}
# Default document kind by format when neither metadata nor the reader says.
DEFAULT_KINDS = {"md": "blog", "html": "blog", "vtt": "transcript", "srt": "transcript",
                 "csv": "transcript", "xlsx": "transcript"}

__all__ = ["READERS", "DEFAULT_KINDS", "ReadResult", "Reader"]
