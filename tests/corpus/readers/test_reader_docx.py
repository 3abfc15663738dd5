""".docx reader: bold speaker labels, headings, tables, prose; corrupt files become E005."""
from __future__ import annotations

import datetime as dt
import io
import random
import zipfile

import pytest

from workbench.corpus import load_corpus
from workbench.corpus.readers.docx import read_docx
from workbench.errors import FileReadError

TURNS = [("Rose", "I think so."), ("Dev Patel", "Maybe not."), ("Rose", "Why not?"), ("Dev Patel", "Because.")]


def load_one(write_files, corpus_dir, name, data):
    write_files({name: data})
    corpus = load_corpus(corpus_dir)
    assert corpus.problems == []
    return corpus, corpus.document(name)


def test_bold_label_transcript_speakers_and_text(docx_bytes, write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "w.docx",
                           docx_bytes(heading="Workshop 9: Testing", turns=TURNS))
    assert doc.kind == "transcript"
    assert doc.source_format == "docx"
    assert doc.speakers == ["Rose", "Dev Patel"]
    assert [(s.speaker, s.text) for s in corpus.segments] == TURNS
    assert_offsets(corpus)


def test_heading_1_is_the_transcript_title(docx_bytes, write_files, corpus_dir):
    corpus, doc = load_one(write_files, corpus_dir, "w.docx",
                           docx_bytes(heading="Workshop 9: Testing", turns=TURNS))
    assert doc.title == "Workshop 9: Testing"
    assert all("Workshop 9" not in s.text for s in corpus.segments)


def test_unlabelled_paragraph_continues_previous_turn(docx_bytes, write_files, corpus_dir, assert_offsets):
    corpus, _ = load_one(write_files, corpus_dir, "w.docx",
                         docx_bytes(turns=TURNS, paragraphs=["And a continuation paragraph."]))
    last = corpus.segments[-1]
    assert (last.speaker, last.text) == ("Dev Patel", "Because.\n\nAnd a continuation paragraph.")
    assert_offsets(corpus)


def test_table_transcript_rows_become_turns(docx_bytes, write_files, corpus_dir, assert_offsets):
    rows = [("Speaker", "What was said"), ("Rose", "Hello."), ("Tom", "Hi Rose."),
            ("Rose", "How are you?"), ("Tom", "Fine.")]
    corpus, doc = load_one(write_files, corpus_dir, "table.docx",
                           docx_bytes(heading="Table transcript", table_rows=rows))
    assert doc.kind == "transcript"
    assert doc.speakers == ["Rose", "Tom"]
    assert [(s.speaker, s.text) for s in corpus.segments] == list(rows[1:])
    assert_offsets(corpus)


def test_table_with_three_columns_is_joined_with_bars(docx_bytes):
    result = read_docx(docx_bytes(table_rows=[("a1", "b1", "c1"), ("a2", "b2", "c2")]), "t.docx")
    assert result.text == "a1 | b1 | c1\n\na2 | b2 | c2"


def test_prose_docx_headings_sections_and_list_items(docx_bytes, write_files, corpus_dir, assert_offsets):
    data = docx_bytes(heading="My essay", paragraphs=["Intro paragraph."],
                      sections=[("Part two", ["Second paragraph."])], bullets=["A list item"])
    corpus, doc = load_one(write_files, corpus_dir, "essay.docx", data)
    assert doc.kind == "notes"
    assert doc.title == "My essay"
    assert doc.speakers == []
    assert [(s.block, s.section, s.text) for s in corpus.segments] == [
        ("paragraph", None, "Intro paragraph."),  # the title heads the document, not a section
        ("paragraph", "Part two", "Second paragraph."),
        ("list_item", "Part two", "A list item"),
    ]
    assert_offsets(corpus)


def test_file_creation_date_is_not_taken_as_the_document_date(docx_bytes, write_files, corpus_dir):
    # A .docx's "created" property says when the file was made (python-docx's template says 2013),
    # not when the workshop happened; dates come from metadata.csv instead.
    data = docx_bytes(paragraphs=["Some prose here."], created=dt.datetime(2024, 6, 1, 10, 0))
    _, doc = load_one(write_files, corpus_dir, "p.docx", data)
    assert doc.date is None


def test_core_title_used_when_no_heading(docx_bytes):
    result = read_docx(docx_bytes(paragraphs=["Some prose here."], core_title="From properties"), "p.docx")
    assert result.title == "From properties"


# -- corrupt files ------------------------------------------------------------------------------
def _corrupt_member(data: bytes, member: str = "word/document.xml") -> bytes:
    """Same archive, but the deflate stream of ``member`` starts with an invalid block type."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    out = bytearray(data)
    name_len = int.from_bytes(out[info.header_offset + 26:info.header_offset + 28], "little")
    extra_len = int.from_bytes(out[info.header_offset + 28:info.header_offset + 30], "little")
    first = info.header_offset + 30 + name_len + extra_len
    out[first] = 0xFF  # BFINAL=1, BTYPE=11 (reserved): zlib refuses it
    return bytes(out)


def test_random_bytes_raise_e005():
    with pytest.raises(FileReadError) as info:
        read_docx(random.Random(7).randbytes(300), "r.docx")
    assert info.value.code == "E005"


def test_truncated_docx_raises_e005(docx_bytes):
    data = docx_bytes(paragraphs=["Hello world."])
    with pytest.raises(FileReadError) as info:
        read_docx(data[: len(data) // 2], "t.docx")
    assert info.value.code == "E005"


def test_zip_that_is_not_a_word_document_raises_e005():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(FileReadError) as info:
        read_docx(buf.getvalue(), "z.docx")
    assert info.value.code == "E005"


def test_docx_with_corrupt_compressed_member_raises_e005(docx_bytes):
    data = _corrupt_member(docx_bytes(paragraphs=["Hello world. " * 40]))
    with pytest.raises(FileReadError) as info:
        read_docx(data, "c.docx")
    assert info.value.code == "E005"


def test_docx_with_corrupt_compressed_member_is_load_problem_e005(docx_bytes, write_files, corpus_dir):
    write_files({"c.docx": _corrupt_member(docx_bytes(paragraphs=["Hello world. " * 40])), "ok.txt": "Fine."})
    corpus = load_corpus(corpus_dir)
    assert [(p.path, p.code) for p in corpus.problems] == [("c.docx", "E005")]
