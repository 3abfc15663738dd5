""".pdf reader, fed with hand-written PDFs (see conftest.build_pdf)."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from workbench.corpus import load_corpus
from workbench.corpus.readers.pdf import read_pdf
from workbench.errors import FileReadError

TRANSCRIPT_LINES = ["Workshop notes", "Rose: Hello there.", "Dev: Hi Rose (and all).", "Rose: Shall we start?",
                    "Dev: Yes, now."]
PROSE_LINES = ["This is prose about services.", "It has two lines of text."]


def test_hand_written_pdf_is_valid_for_a_strict_parser(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes(PROSE_LINES)), strict=True)
    assert len(reader.pages) == 1
    assert "two lines" in reader.pages[0].extract_text()


def test_pdf_transcript_speakers_and_title(pdf_bytes, write_files, corpus_dir, assert_offsets):
    write_files({"notes.pdf": pdf_bytes(TRANSCRIPT_LINES)})
    corpus = load_corpus(corpus_dir)
    assert corpus.problems == []
    doc = corpus.document("notes.pdf")
    assert (doc.kind, doc.source_format, doc.title) == ("transcript", "pdf", "Workshop notes")
    assert [(s.speaker, s.text) for s in corpus.segments] == [
        ("Rose", "Hello there."), ("Dev", "Hi Rose (and all)."), ("Rose", "Shall we start?"), ("Dev", "Yes, now.")]
    assert_offsets(corpus)


def test_pdf_prose_is_notes_with_text(pdf_bytes, write_files, corpus_dir, assert_offsets):
    write_files({"report.pdf": pdf_bytes(PROSE_LINES)})
    corpus = load_corpus(corpus_dir)
    doc = corpus.document("report.pdf")
    assert (doc.kind, doc.title) == ("notes", "report")
    assert doc.speakers == []
    joined = " ".join(s.text for s in corpus.segments)
    assert "prose about services" in joined and "two lines of text" in joined
    assert_offsets(corpus)


def test_pdf_without_text_layer_raises_e013(pdf_bytes):
    with pytest.raises(FileReadError) as info:
        read_pdf(pdf_bytes([]), "scan.pdf")
    assert info.value.code == "E013"


def test_non_pdf_bytes_raise_e006():
    with pytest.raises(FileReadError) as info:
        read_pdf(b"this is not a pdf", "x.pdf")
    assert info.value.code == "E006"


def test_garbage_after_pdf_header_raises_e006():
    with pytest.raises(FileReadError) as info:
        read_pdf(b"%PDF-1.4\ngarbage garbage\n%%EOF\n", "x.pdf")
    assert info.value.code == "E006"


def test_truncated_pdf_raises_e006(pdf_bytes):
    with pytest.raises(FileReadError) as info:
        read_pdf(pdf_bytes(PROSE_LINES)[:200], "x.pdf")
    assert info.value.code == "E006"
