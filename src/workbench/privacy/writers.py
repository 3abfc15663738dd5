"""Writing a pseudonymised document in its own format, so that ``load_corpus`` reads the copy back.

.txt as normalised text; .vtt/.srt regenerated from the turns; .md/.html as the source with
replacements; .docx paragraph by paragraph (headers, footers, tables, comments, properties too);
.csv/.xlsx cell by cell; .pdf and anything else as ``<name>.txt``; metadata.csv with pseudonymised
speaker roles and authors.
"""
from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from typing import Callable

import pandas as pd

from ..corpus.metadata import parse_roles
from ..corpus.model import CONTENT_BLOCKS, Document
from ..corpus.text import decode_bytes
from .folders import write_shared
from .matching import Matcher
from .offsets import new_spans, offset_mapper


def write_document(doc: Document, text: str, source: Path, out: Path, ids: set[str],
                   matcher: Matcher) -> tuple[str, str]:
    """Write ``doc`` (pseudonymised ``text``) below ``out``; returns (doc_id in the copy, how it was written).
    ``source`` is the corpus folder, ``ids`` the corpus's doc_ids (a .pdf's .txt must not clash)."""
    suffix = Path(doc.doc_id).suffix.lower()
    new_id = doc.doc_id
    if suffix in (".txt", ".text"):
        payload, how = text.encode("utf-8"), "normalised text"
    elif suffix in (".vtt", ".srt"):
        payload, how = captions(doc, text, suffix, matcher).encode("utf-8"), "regenerated captions"
    elif suffix in (".md", ".markdown", ".html", ".htm"):
        raw = decode_bytes((source / doc.doc_id).read_bytes(), doc.doc_id).text
        markup = suffix in (".html", ".htm")
        payload, how = matcher.replace(raw, markup=markup, multiline=True).encode("utf-8"), "source with replacements"
    elif suffix == ".docx":
        payload = docx_bytes((source / doc.doc_id).read_bytes(), matcher.replace)
        how = "Word document, paragraphs replaced"
    elif suffix in (".csv", ".xlsx"):
        payload, how = table_bytes((source / doc.doc_id).read_bytes(), suffix, matcher.replace), "table, cells replaced"
    else:  # .pdf and anything without a writer: the normalised text
        new_id = str(Path(doc.doc_id).with_suffix(".txt").as_posix())
        if new_id in ids:
            new_id = doc.doc_id + ".txt"
        payload, how = text.encode("utf-8"), "normalised text (.txt)"
    write_shared(out / new_id, payload)
    return new_id, how


def captions(doc: Document, text: str, suffix: str, matcher: Matcher) -> str:
    """WebVTT or SubRip rebuilt from the document's turns: one cue per turn."""
    mapped = offset_mapper(new_spans(matcher.scan(doc.text)[0]))
    turns = [b for b in doc.blocks if b.kind in CONTENT_BLOCKS]
    stamps = [_seconds(b.timestamp) for b in turns]
    for i in range(len(stamps)):
        if stamps[i] is None:
            stamps[i] = stamps[i - 1] if i else 0.0
    lines = ["WEBVTT", ""] if suffix == ".vtt" else []
    for i, block in enumerate(turns):
        body = " ".join(text[mapped(block.start_char):mapped(block.end_char)].split())
        start = stamps[i]
        end = stamps[i + 1] if i + 1 < len(stamps) and stamps[i + 1] > start else start + 1.0
        speaker = matcher.speaker(block.speaker)
        if suffix == ".vtt":
            voice = f"<v {speaker}>" if speaker else ""
            lines += [str(i + 1), f"{_clock(start, '.')} --> {_clock(end, '.')}",
                      voice + html.escape(body, quote=False), ""]
        else:
            label = f"{speaker}: " if speaker else ""
            lines += [str(i + 1), f"{_clock(start, ',')} --> {_clock(end, ',')}", label + body, ""]
    return "\n".join(lines)


def _seconds(stamp: str | None) -> float | None:
    if not stamp:
        return None
    try:
        parts = [float(p) for p in re.split(r"[:]", stamp.replace(",", "."))]
    except ValueError:
        return None
    total = 0.0
    for p in parts:
        total = total * 60 + p
    return total


def _clock(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def docx_bytes(data: bytes, transform: Callable[[str], str]) -> bytes:
    """A Word document with ``transform`` applied to every paragraph and property; reviewers and
    authors of comments and tracked changes become 'Reviewer'."""
    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = list(document.paragraphs)
    tables = list(document.tables)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            if part.is_linked_to_previous:
                continue
            paragraphs += part.paragraphs
            tables += part.tables
    while tables:
        table = tables.pop()
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
                tables += cell.tables
    for comment in getattr(document, "comments", []):  # reviewers' names are not in the key
        comment.author, comment.initials = "Reviewer", ""
        paragraphs += comment.paragraphs
    author_attr = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}author"
    for element in document.element.body.iter():  # tracked changes name their author too
        if author_attr in element.attrib:
            element.set(author_attr, "Reviewer")
    seen: set[int] = set()
    for para in paragraphs:
        if id(para._p) in seen:  # merged cells repeat the same paragraph
            continue
        seen.add(id(para._p))
        new = transform(para.text)
        if new != para.text:
            para.text = new
    props = document.core_properties
    props.last_modified_by = ""
    for attr in ("author", "title", "subject", "keywords", "comments", "category"):
        value = getattr(props, attr)
        if value:
            setattr(props, attr, transform(value))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _cells(frame: pd.DataFrame | pd.Series, transform: Callable[[str], str]) -> pd.DataFrame | pd.Series:
    """``transform`` applied to every text cell."""
    return frame.map(lambda v: transform(v) if isinstance(v, str) else v)


def table_bytes(data: bytes, suffix: str, transform: Callable[[str], str]) -> bytes:
    """A .csv (its delimiter kept) or .xlsx table with ``transform`` applied to every text cell."""
    if suffix == ".csv":
        text = decode_bytes(data, "table.csv").text
        try:
            sep = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            sep = ","
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        return _cells(frame, transform).to_csv(index=False, sep=sep).encode("utf-8")
    frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl").fillna("")
    buffer = io.BytesIO()
    _cells(frame, transform).to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def write_metadata(source: Path, target: Path, doc_ids: dict[str, str], matcher: Matcher) -> None:
    """metadata.csv with the copy's doc_ids, pseudonymised speaker roles and every other text cell
    pseudonymised (kind and date kept)."""
    frame = pd.read_csv(io.StringIO(decode_bytes(source.read_bytes(), str(source)).text), dtype=str,
                        keep_default_na=False)
    for column in frame.columns:
        lowered = str(column).strip().lower()
        if lowered in ("doc_id", "file", "path", "filename"):
            frame[column] = frame[column].map(lambda v: doc_ids.get(str(v).strip().replace("\\", "/"), v))
        elif lowered == "speaker_roles":
            frame[column] = frame[column].map(
                lambda v: "; ".join(f"{matcher.speaker(n)}={r}" for n, r in parse_roles(v).items()))
        elif lowered not in ("kind", "date"):
            frame[column] = _cells(frame[column], matcher.replace)
    write_shared(target, frame.to_csv(index=False).encode("utf-8"))
