""".csv and .xlsx readers: one row per turn; text, speaker, timestamp and role columns."""
from __future__ import annotations

import datetime as dt

import pytest

from workbench.corpus import load_corpus
from workbench.corpus.readers.tabular import read_csv, read_xlsx
from workbench.errors import FileReadError

CSV = ('speaker,timestamp,text,role\n'
       'Rose,00:00:01,"Hello, there; yes",carer\n'
       'Tom,00:00:05,Hi.,\n'
       'Rose,00:00:09,"She said ""bye"".",\n')


def load_one(write_files, corpus_dir, name, content):
    write_files({name: content})
    corpus = load_corpus(corpus_dir)
    assert corpus.problems == []
    return corpus, corpus.document(name)


# -- CSV --------------------------------------------------------------------------------------------
def test_csv_rows_become_turns(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "t.csv", CSV)
    assert (doc.kind, doc.source_format) == ("transcript", "csv")
    assert [(s.speaker, s.timestamp, s.text) for s in corpus.segments] == [
        ("Rose", "00:00:01", "Hello, there; yes"), ("Tom", "00:00:05", "Hi."), ("Rose", "00:00:09", 'She said "bye".')]
    assert_offsets(corpus)


def test_csv_role_column_gives_speaker_roles(write_files, corpus_dir):
    _, doc = load_one(write_files, corpus_dir, "t.csv", CSV)
    assert doc.speaker_roles == {"Rose": "carer"}


def test_csv_semicolon_delimiter_and_alias_columns(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "t.csv",
                           "Participant;Time;Utterance\nRose;00:01;Hello\nTom;00:02;Hi, Rose\n")
    assert [(s.speaker, s.timestamp, s.text) for s in corpus.segments] == [
        ("Rose", "00:01", "Hello"), ("Tom", "00:02", "Hi, Rose")]
    assert_offsets(corpus)


def test_csv_tab_delimiter():
    result = read_csv(b"speaker\ttext\nRose\tHello, there\nTom\tHi; ok\n", "t.csv")
    assert [result.text[b.start_char:b.end_char] for b in result.blocks if b.kind == "turn"] == [
        "Hello, there", "Hi; ok"]
    assert [result.text[b.start_char:b.end_char] for b in result.blocks if b.kind == "label"] == ["Rose:", "Tom:"]


def test_csv_text_only_column_gives_turns_without_speakers():
    result = read_csv(b'text\n"Hello, world"\nAnother row\n', "t.csv")
    assert [(b.speaker, result.text[b.start_char:b.end_char]) for b in result.blocks] == [
        (None, "Hello, world"), (None, "Another row")]


def test_csv_cp1252_bytes(write_files, corpus_dir, assert_offsets):
    corpus, doc = load_one(write_files, corpus_dir, "t.csv",
                           b"speaker,text\nRose,\x93Paid\x94 \xa3" b"20\nTom,\x80" b"5 only\n")
    assert doc.encoding == "cp1252"
    assert [s.text for s in corpus.segments] == ["“Paid” £20", "€5 only"]
    assert_offsets(corpus)


def test_csv_without_text_column_raises_e009():
    with pytest.raises(FileReadError) as info:
        read_csv(b"speaker,timestamp\nRose,00:01\n", "no-text.csv")
    assert info.value.code == "E009"
    assert "speaker, timestamp" in str(info.value)


# -- XLSX -------------------------------------------------------------------------------------------
def test_xlsx_rows_become_turns(xlsx_bytes, write_files, corpus_dir, assert_offsets):
    rows = [("Speaker", "Timestamp", "Text", "Role"),
            ("Rose", "00:00:01", "Hello from the sheet.", "carer"),
            ("Tom", dt.time(0, 0, 5), "Hi Rose.", None),
            ("Rose", "00:00:09", 42, None),
            (None, None, None, None),
            ("Tom", "00:00:12", "Bye £ 👍🏽.", None)]
    corpus, doc = load_one(write_files, corpus_dir, "t.xlsx", xlsx_bytes(rows))
    assert (doc.kind, doc.source_format) == ("transcript", "xlsx")
    assert doc.speaker_roles == {"Rose": "carer"}
    assert [(s.speaker, s.timestamp, s.text) for s in corpus.segments] == [
        ("Rose", "00:00:01", "Hello from the sheet."), ("Tom", "00:00:05", "Hi Rose."),
        ("Rose", "00:00:09", "42"), ("Tom", "00:00:12", "Bye £ 👍🏽.")]
    assert_offsets(corpus)


def test_xlsx_without_text_column_raises_e009(xlsx_bytes):
    with pytest.raises(FileReadError) as info:
        read_xlsx(xlsx_bytes([("speaker", "when"), ("Rose", "1")]), "t.xlsx")
    assert info.value.code == "E009"


def test_xlsx_corrupt_bytes_raise_e010():
    with pytest.raises(FileReadError) as info:
        read_xlsx(b"not a spreadsheet at all", "t.xlsx")
    assert info.value.code == "E010"
