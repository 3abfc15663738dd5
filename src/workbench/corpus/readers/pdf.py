"""PDF reader (.pdf): the text layer of each page; scanned PDFs without one are reported."""
from __future__ import annotations

import io
import logging

from ...errors import Errors, FileReadError
from ..text import normalise
from .base import ReadResult, blocks_for_text, title_from_blocks


def read_pdf(data: bytes, path: str) -> ReadResult:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise FileReadError(Errors.E006.format(path=path, detail="it does not start with '%PDF'"))
    try:
        from pypdf import PdfReader

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise FileReadError(Errors.E006.format(path=path, detail="it is password-protected"))
        pages = [page.extract_text() or "" for page in reader.pages]
    except FileReadError:
        raise
    except Exception as err:
        raise FileReadError(Errors.E006.format(path=path, detail=f"{type(err).__name__}: {err}")) from None
    text = normalise("\n\n".join(p.strip() for p in pages if p.strip()))
    if not text.strip():
        raise FileReadError(Errors.E013.format(
            path=path, detail="the PDF has no text layer; it may be a scan, which needs OCR first"))
    blocks, roles, is_transcript = blocks_for_text(text)
    return ReadResult(text, blocks, "pdf", kind="transcript" if is_transcript else None,
                      title=title_from_blocks(text, blocks), speaker_roles=roles)
