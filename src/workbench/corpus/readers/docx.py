"""Word reader (.docx): paragraphs and tables in order; transcripts keep their speaker labels."""
from __future__ import annotations

import io

from ...errors import Errors, FileReadError
from .archive import check_zip
from .base import ReadResult, TextBuilder, blocks_for_text
from .tabular import ROLE_COLUMNS, SPEAKER_COLUMNS, TEXT_COLUMNS, TIME_COLUMNS

HEADER_WORDS = set(TEXT_COLUMNS + SPEAKER_COLUMNS + TIME_COLUMNS + ROLE_COLUMNS)


def _heading_level(style: str) -> int | None:
    digits = "".join(c for c in style if c.isdigit())
    return int(digits) if digits else 1


def _paragraphs(data: bytes, path: str) -> tuple[list[tuple[str | None, str, int | None]], dict[str, str]]:
    """(hint, text, heading level) for every paragraph and table row, and core properties. The hint is
    what the paragraph's style says: title, heading, list_item, or None (plain text: the layout decides)."""
    reason = check_zip(data)
    if reason:
        raise FileReadError(Errors.E005.format(path=path, detail=reason))
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        items: list[tuple[str | None, str, int | None]] = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(child, document)
                style = (para.style.name if para.style is not None else "") or ""
                kind = ("title" if style == "Title" else "heading" if style.startswith("Heading")
                        else "list_item" if style.startswith("List") or _numbered(para) else None)
                items.append((kind, para.text, _heading_level(style) if kind == "heading" else None))
            elif tag == "tbl":
                for r, row in enumerate(Table(child, document).rows):
                    cells = [c.text.strip() for c in row.cells]
                    cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                    if r == 0 and cells and all(c.lower() in HEADER_WORDS for c in cells):
                        continue  # a header row such as "Speaker | Text"
                    if len(cells) == 2 and len(cells[0]) <= 40 and ":" not in cells[0]:
                        items.append(("row", f"{cells[0]}: {cells[1]}", None))
                    elif cells:
                        items.append(("row", " | ".join(cells), None))
        props = document.core_properties
        # The file's creation date is not the event's date, so it is not used as one.
        meta = {k: v for k, v in {"title": props.title, "author": props.author}.items() if v}
    except FileReadError:
        raise
    except Exception as err:
        raise FileReadError(Errors.E005.format(path=path, detail=f"{type(err).__name__}: {err}")) from None
    return items, meta


def _numbered(para) -> bool:
    """True if the paragraph is in a Word list (numbering properties) whatever its style."""
    ppr = para._p.pPr
    return ppr is not None and ppr.numPr is not None


def read_docx(data: bytes, path: str) -> ReadResult:
    items, meta = _paragraphs(data, path)
    builder = TextBuilder()
    for kind, text, level in items:
        if not text.strip():
            builder.skip()
            continue
        builder.add(text, kind, level=level, lines=kind not in ("title", "heading"))
    text = builder.text
    found, roles, is_transcript = blocks_for_text(text)
    if is_transcript:
        blocks = found
    else:
        roles = {}
        blocks = builder.layout()
    title = next((text[b.start_char:b.end_char] for b in blocks if b.kind == "title"), None)
    return ReadResult(text, blocks, "docx", kind="transcript" if is_transcript else None,
                      title=title or meta.get("title"), metadata={k: v for k, v in meta.items() if k != "title"},
                      speaker_roles=roles)
