"""One reader per file format. Each takes the file's bytes and its display path, returns a ReadResult,
and raises FileReadError (never anything else on purpose) when the file cannot be used.

Readers are found by file suffix in ``workbench.registry.readers``: the built-in ones are registered here,
and another package adds one for a new format through the ``workbench_readers`` entry point."""
from __future__ import annotations

from typing import Callable

from ... import registry
from .base import ReadResult
from .captions import read_srt, read_vtt
from .docx import read_docx
from .html import read_html
from .markdown import read_md
from .pdf import read_pdf
from .plain import read_txt
from .tabular import read_csv, read_xlsx

Reader = Callable[[bytes, str], ReadResult]

BUILT_IN: dict[str, Reader] = {
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
for _suffix, _reader in BUILT_IN.items():
    registry.readers.register(_suffix, func=_reader)


def available_readers() -> dict[str, Reader]:
    """Every registered reader by lower-case file suffix (``.txt``): built in or from an installed package.
    Looking up entry points takes a millisecond or two: a corpus asks once, not once per file."""
    return registry.readers.get_all()


# Default document kind by format when neither metadata nor the reader says.
DEFAULT_KINDS = {"md": "blog", "html": "blog", "vtt": "transcript", "srt": "transcript",
                 "csv": "transcript", "xlsx": "transcript"}

__all__ = ["BUILT_IN", "DEFAULT_KINDS", "ReadResult", "Reader", "available_readers"]
