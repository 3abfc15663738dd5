"""Edge cases found in review: odd links, schedule-like notes, lone first speakers, metadata clashes."""
from __future__ import annotations

import os

import pytest

from workbench.corpus import load_corpus
from workbench.corpus.structure import parse_transcript
from workbench.errors import ConfigError


def test_link_to_filesystem_root_is_a_loop_not_a_walk(tmp_path):
    (tmp_path / "a.txt").write_text("Some words here.", encoding="utf-8")
    os.symlink("/", tmp_path / "everything")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["a.txt"]
    assert [(p.path, p.code) for p in corpus.problems] == [("everything", "E011")]


def test_link_to_folder_outside_corpus_is_followed_once(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.txt").write_text("Outside words.", encoding="utf-8")
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    os.symlink(outside, corpus_dir / "one")
    os.symlink(outside, corpus_dir / "two")
    corpus = load_corpus(corpus_dir)
    assert [d.doc_id for d in corpus.documents] == ["one/b.txt"]
    assert corpus.problems == []


def test_schedule_lines_are_not_an_otter_transcript(tmp_path):
    (tmp_path / "notes.txt").write_text("Monday 9:30\nTuesday 9:30\nMonday 14:00\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.problems == []
    assert corpus.documents[0].kind == "notes"


def test_first_speaker_who_speaks_once_is_kept():
    text = "Rose: Hello everyone.\nDev: Hi.\nTom: Hi.\nDev: So.\nTom: Yes."
    blocks, _ = parse_transcript(text)
    turns = [(b.speaker, text[b.start_char:b.end_char]) for b in blocks if b.kind == "turn"]
    assert turns[0] == ("Rose", "Hello everyone.")
    assert len(turns) == 5


def test_title_line_with_label_shape_is_still_a_title():
    text = "Focus Group Transcript: March\n\nAna: One.\n\nBo: Two.\n\nAna: Three.\n"
    blocks, _ = parse_transcript(text)
    assert blocks[0].kind == "title"
    assert {b.speaker for b in blocks if b.kind == "turn"} == {"Ana", "Bo"}


def test_metadata_cannot_overwrite_computed_columns(tmp_path):
    (tmp_path / "a.txt").write_text("Some words here.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,format,words\na.txt,online,lots\n", encoding="utf-8")
    docs = load_corpus(tmp_path).documents_df()
    assert docs.loc[0, "format"] == "txt" and docs.loc[0, "words"] == 3
    assert docs.loc[0, "attr_format"] == "online" and docs.loc[0, "attr_words"] == "lots"


def test_cp1252_fallback_is_reported_as_a_warning(tmp_path):
    (tmp_path / "old.txt").write_bytes("Caf\u00e9 \u201cquoted\u201d".encode("cp1252"))
    corpus = load_corpus(tmp_path)
    assert corpus.documents[0].text == "Café “quoted”"
    assert any(w.startswith("[W003]") and "old.txt" in w for w in corpus.warnings)


def test_unknown_unit_is_rejected_even_for_an_empty_folder(tmp_path):
    with pytest.raises(ConfigError, match=r"^\[E054\]"):
        load_corpus(tmp_path, unit="chapter")


def test_size_limit_message_shows_meaningful_numbers(tmp_path):
    (tmp_path / "big.txt").write_text("word " * 1000, encoding="utf-8")
    problem = load_corpus(tmp_path, max_file_mb=0.001).problems[0]
    assert problem.code == "E004" and "0.00477 MB" in problem.reason and "0.001 MB" in problem.reason
