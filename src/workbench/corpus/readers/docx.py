"""Word reader (.docx): paragraphs and tables in order; transcripts keep their speaker labels."""
from __future__ import annotations

import io

from ...errors import Errors, FileReadError
from ..model import Block
from ..text import normalise
from .archive import check_zip
from .base import ReadResult, TextBuilder, blocks_for_text
from .tabular import ROLE_COLUMNS, SPEAKER_COLUMNS, TEXT_COLUMNS, TIME_COLUMNS

HEADER_WORDS = set(TEXT_COLUMNS + SPEAKER_COLUMNS + TIME_COLUMNS + ROLE_COLUMNS)


def _paragraphs(data: bytes, path: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(style kind, text) for every paragraph and table row, and core properties."""
    reason = check_zip(data)
    if reason:
        raise FileReadError(Errors.E005.format(path=path, detail=reason))
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        items: list[tuple[str, str]] = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(child, document)
                style = (para.style.name if para.style is not None else "") or ""
                kind = ("title" if style == "Title" else "heading" if style.startswith("Heading")
                        else "list_item" if style.startswith("List") else "paragraph")
                items.append((kind, para.text))
            elif tag == "tbl":
                for r, row in enumerate(Table(child, document).rows):
                    cells = [c.text.strip() for c in row.cells]
                    cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                    if r == 0 and cells and all(c.lower() in HEADER_WORDS for c in cells):
                        continue  # a header row such as "Speaker | Text"
                    if len(cells) == 2 and len(cells[0]) <= 40 and ":" not in cells[0]:
                        items.append(("paragraph", f"{cells[0]}: {cells[1]}"))
                    elif cells:
                        items.append(("paragraph", " | ".join(cells)))
        props = document.core_properties
        # The file's creation date is not the event's date, so it is not used as one.
        meta = {k: v for k, v in {"title": props.title, "author": props.author}.items() if v}
    except FileReadError:
        raise
    except Exception as err:
        raise FileReadError(Errors.E005.format(path=path, detail=f"{type(err).__name__}: {err}")) from None
    return items, meta


def read_docx(data: bytes, path: str) -> ReadResult:
    items, meta = _paragraphs(data, path)
    builder = TextBuilder()
    section = None
    for kind, text in items:
        builder.add(text, kind, section=section if kind in ("paragraph", "list_item") else None)
        if kind == "heading" and text.strip():
            section = normalise(text).strip()
    text = builder.text
    blocks: list[Block] = builder.blocks
    found, roles, is_transcript = blocks_for_text(text)
    if is_transcript:
        blocks = found
    else:
        roles = {}
        if blocks and blocks[0].kind == "heading" and not any(b.kind == "title" for b in blocks):
            first = blocks[0]
            blocks[0] = Block(first.start_char, first.end_char, "title")
    title = next((text[b.start_char:b.end_char] for b in blocks if b.kind == "title"), None)
    return ReadResult(text, blocks, "docx", kind="transcript" if is_transcript else None,
                      title=title or meta.get("title"), metadata={k: v for k, v in meta.items() if k != "title"},
                      speaker_roles=roles)
