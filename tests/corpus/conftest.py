"""Fixtures for the corpus tests: every input file is built here, in tmp_path.

Helpers are exposed as fixtures that return factory functions, so test modules never import
from conftest:

- ``write_files(root, {"a.txt": "text" or b"bytes"})`` writes a folder of files;
- ``docx_bytes(...)`` builds a Word file with python-docx (headings, bold ``Name:`` runs, tables);
- ``pdf_bytes(lines)`` hand-writes a one-page Helvetica PDF with a correct xref table;
- ``xlsx_bytes(rows)`` builds a workbook with openpyxl;
- ``assert_offsets(corpus)`` checks the offset invariant for every segment.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO_CORPUS = REPO / "corpora" / "coproduction"


# -- file builders --------------------------------------------------------------------------------
def build_docx(*, heading: str | None = None, turns: Sequence[tuple[str, str]] = (),
               paragraphs: Sequence[str] = (), table_rows: Sequence[Sequence[str]] = (),
               sections: Sequence[tuple[str, Sequence[str]]] = (), bullets: Sequence[str] = (),
               created: dt.datetime | None = dt.datetime(2024, 6, 1, 10, 0, 0),
               core_title: str | None = None) -> bytes:
    """A .docx: an optional Heading 1, turns with a bold ``Name:`` run, plain paragraphs,
    Heading 2 sections with their paragraphs, List Bullet items and a table (one row per item)."""
    import docx

    document = docx.Document()
    if created is not None:
        document.core_properties.created = created
    if core_title is not None:
        document.core_properties.title = core_title
    if heading is not None:
        document.add_heading(heading, level=1)
    for name, text in turns:
        para = document.add_paragraph()
        label = para.add_run(f"{name}:")
        label.bold = True
        para.add_run(f" {text}")
    for text in paragraphs:
        document.add_paragraph(text)
    for title, paras in sections:
        document.add_heading(title, level=2)
        for text in paras:
            document.add_paragraph(text)
    for text in bullets:
        document.add_paragraph(text, style="List Bullet")
    if table_rows:
        table = document.add_table(rows=0, cols=len(table_rows[0]))
        for row in table_rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def build_pdf(lines: Sequence[str], font_size: int = 12) -> bytes:
    """A minimal valid one-page PDF whose text layer is ``lines`` (Helvetica, WinAnsi).

    Objects: 1 catalog, 2 pages, 3 page, 4 font, 5 content stream. The xref table records the
    exact byte offset of each object, so strict parsers accept it.
    """
    def escape(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", f"/F1 {font_size} Tf", f"{font_size + 4} TL", "72 720 Td"]
    for i, line in enumerate(lines):
        ops.append(f"({escape(line)}) Tj" if i == 0 else f"T* ({escape(line)}) Tj")
    ops.append("ET")
    stream = "\n".join(ops).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref_at}\n%%EOF\n").encode()
    return bytes(out)


def build_xlsx(rows: Iterable[Sequence[object]]) -> bytes:
    """An .xlsx whose first sheet holds ``rows`` (the first row is the header)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes; text is written as UTF-8) below root."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        else:
            path.write_bytes(content)
    return root


def check_offsets(corpus) -> None:
    """Every segment's text is exactly its span of its document's text (and is non-empty)."""
    assert corpus.segments, "expected at least one segment"
    for seg in corpus.segments:
        doc = corpus.document(seg.doc_id)
        assert 0 <= seg.start_char < seg.end_char <= len(doc.text), seg
        assert doc.text[seg.start_char:seg.end_char] == seg.text, seg


# -- fixtures ---------------------------------------------------------------------------------------
@pytest.fixture
def docx_bytes() -> Callable[..., bytes]:
    return build_docx


@pytest.fixture
def pdf_bytes() -> Callable[..., bytes]:
    return build_pdf


@pytest.fixture
def xlsx_bytes() -> Callable[..., bytes]:
    return build_xlsx


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    return root


@pytest.fixture
def write_files(corpus_dir: Path) -> Callable[..., Path]:
    """``write_files({...})`` writes into ``corpus_dir`` (or ``write_files({...}, root=...)``)."""
    def write(files: dict[str, str | bytes], root: Path | None = None) -> Path:
        return write_tree(root or corpus_dir, files)
    return write


@pytest.fixture
def assert_offsets() -> Callable[..., None]:
    return check_offsets


@pytest.fixture(scope="session")
def demo_corpus_path() -> Path:
    assert DEMO_CORPUS.is_dir(), f"demo corpus missing at {DEMO_CORPUS}"
    return DEMO_CORPUS


@pytest.fixture(scope="session")
def demo_corpus(demo_corpus_path: Path):
    from workbench.corpus import load_corpus

    return load_corpus(demo_corpus_path)


# Small texts shared by several modules.
THREE_TURNS = "Rose: Hello there.\nDev: Hi Rose.\nRose: Shall we start?\n"


@pytest.fixture
def three_turns() -> str:
    return THREE_TURNS
