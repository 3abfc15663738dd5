"""Segmentation (workbench.corpus.segment): units, stable ids, long turns, sentences."""
from __future__ import annotations

import re

import pytest

from workbench.corpus import UNITS, Document, load_corpus, segment_document, sentence_spans
from workbench.corpus.readers.plain import read_txt
from workbench.errors import ConfigError


def doc_from(text: str, doc_id: str = "t.txt") -> Document:
    result = read_txt(text.encode("utf-8"), doc_id)
    return Document(doc_id, result.text, result.kind or "notes", "txt", blocks=result.blocks)


def texts(segments):
    return [s.text for s in segments]


LONG_TURN = " ".join(f"This is sentence number {i} here." for i in range(30))  # 30 x 6 = 180 words
TRANSCRIPT = (f"Rose: {LONG_TURN}\n\n"
              "Dev: Short reply. Dr. Smith said so. Then we left.\n"
              "Rose: Another point.\n\nA second paragraph of Rose.\n")


# -- sentence_spans -------------------------------------------------------------------------------
def sentences(text):
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_split_at_full_stops_questions_and_exclamations():
    assert sentences("One here. Two here? Three here! Four.") == ["One here.", "Two here?", "Three here!", "Four."]


def test_sentences_do_not_split_after_dr():
    assert sentences("We saw Dr. Jones today. She was kind.") == ["We saw Dr. Jones today.", "She was kind."]


def test_sentences_do_not_split_after_eg():
    assert sentences("Ask someone, e.g. Ravi or Sam. Then decide.") == ["Ask someone, e.g. Ravi or Sam.",
                                                                         "Then decide."]


def test_sentences_do_not_split_after_initials():
    assert sentences("It was J. Smith who spoke. Then we ate.") == ["It was J. Smith who spoke.", "Then we ate."]


def test_sentences_keep_closing_quote_with_sentence():
    assert sentences("She said “stop.” Then left.") == ["She said “stop.”", "Then left."]


def test_sentences_split_at_blank_lines():
    assert sentences("no stop here\n\nnew paragraph") == ["no stop here", "new paragraph"]


def test_sentences_do_not_split_before_lower_case():
    assert sentences("It costs ten pounds. ok then.") == ["It costs ten pounds. ok then."]


def test_sentence_spans_are_absolute_within_a_range():
    text = "IGNORED. One. Two. IGNORED."
    start = text.index("One")
    end = text.index(" IGNORED", start)
    assert [text[s:e] for s, e in sentence_spans(text, start, end)] == ["One.", "Two."]


def test_sentence_spans_are_trimmed_and_non_empty():
    text = "  First one.   Second one.  "
    for s, e in sentence_spans(text):
        assert text[s:e] == text[s:e].strip() != ""


def test_sentence_spans_scale_linearly_with_many_abbreviations():
    import time

    text = "We met Dr. " * 2500  # 27,500 characters, no sentence end except abbreviations
    started = time.perf_counter()
    spans = sentence_spans(text)
    elapsed = time.perf_counter() - started
    assert [text[s:e] for s, e in spans] == [text.strip()]
    assert elapsed < 0.3, f"sentence_spans took {elapsed:.2f}s on {len(text)} characters"


# -- units ----------------------------------------------------------------------------------------
def test_units_constant():
    assert UNITS == ("auto", "turn", "paragraph", "sentence")


def test_unit_turn_gives_one_segment_per_turn():
    segs = segment_document(doc_from(TRANSCRIPT), "turn")
    assert [s.seg_id for s in segs] == ["t.txt#0000", "t.txt#0001", "t.txt#0002"]
    assert [s.speaker for s in segs] == ["Rose", "Dev", "Rose"]
    assert segs[2].text == "Another point.\n\nA second paragraph of Rose."


def test_unit_paragraph_splits_turn_at_blank_lines():
    segs = segment_document(doc_from(TRANSCRIPT), "paragraph")
    assert [(s.seg_id, s.speaker, s.text) for s in segs[2:]] == [
        ("t.txt#0002.1", "Rose", "Another point."),
        ("t.txt#0002.2", "Rose", "A second paragraph of Rose."),
    ]


def test_unit_sentence_splits_every_turn():
    segs = segment_document(doc_from(TRANSCRIPT), "sentence")
    dev = [s for s in segs if s.speaker == "Dev"]
    assert [(s.seg_id, s.text) for s in dev] == [
        ("t.txt#0001.1", "Short reply."), ("t.txt#0001.2", "Dr. Smith said so."), ("t.txt#0001.3", "Then we left.")]


def test_unit_sentence_single_sentence_block_has_plain_id():
    segs = segment_document(doc_from("Rose: Hi.\nDev: Hello.\nRose: Bye.\n"), "sentence")
    assert [s.seg_id for s in segs] == ["t.txt#0000", "t.txt#0001", "t.txt#0002"]


def test_unit_auto_keeps_short_turns_whole():
    segs = segment_document(doc_from(TRANSCRIPT), "auto")
    assert [s.seg_id for s in segs] == ["t.txt#0000", "t.txt#0001", "t.txt#0002"]


@pytest.mark.parametrize("unit", UNITS)
def test_every_unit_keeps_offsets_exact(unit):
    doc = doc_from(TRANSCRIPT)
    for seg in segment_document(doc, unit, max_turn_words=40):
        assert doc.text[seg.start_char:seg.end_char] == seg.text
        assert seg.doc_id == "t.txt"


def test_invalid_unit_raises_config_error_e054():
    with pytest.raises(ConfigError) as info:
        segment_document(doc_from(TRANSCRIPT), "word")
    assert info.value.code == "E054"
    assert "'word'" in str(info.value)


def test_load_corpus_with_invalid_unit_raises_e054(write_files, corpus_dir):
    write_files({"a.txt": TRANSCRIPT})
    with pytest.raises(ConfigError) as info:
        load_corpus(corpus_dir, unit="chapter")
    assert info.value.code == "E054"


def test_non_content_blocks_do_not_become_segments():
    text = "Workshop title\n\nRose: Hi.\nDev: Hello.\n[break]\nRose: Bye.\n"
    segs = segment_document(doc_from(text), "auto")
    assert texts(segs) == ["Hi.", "Hello.", "Bye."]


# -- long turns -----------------------------------------------------------------------------------
def test_long_turn_is_split_into_pieces_of_at_most_max_words():
    segs = segment_document(doc_from(TRANSCRIPT), "auto", max_turn_words=40)
    rose = [s for s in segs if s.seg_id.startswith("t.txt#0000")]
    assert len(rose) == 5
    assert all(len(s.text.split()) <= 40 for s in rose)


def test_long_turn_pieces_keep_the_speaker_and_timestamp():
    text = f"[00:00:01] Rose: {LONG_TURN}\n[00:02:00] Dev: Ok.\n[00:02:10] Rose: Fine.\n"
    segs = segment_document(doc_from(text), "auto", max_turn_words=40)
    pieces = [s for s in segs if s.seg_id.startswith("t.txt#0000.")]
    assert pieces and {(s.speaker, s.timestamp) for s in pieces} == {("Rose", "00:00:01")}


def test_long_turn_piece_ids_are_numbered_from_one():
    segs = segment_document(doc_from(TRANSCRIPT), "auto", max_turn_words=40)
    assert [s.seg_id for s in segs] == ["t.txt#0000.1", "t.txt#0000.2", "t.txt#0000.3", "t.txt#0000.4",
                                        "t.txt#0000.5", "t.txt#0001", "t.txt#0002"]


def test_long_turn_pieces_cover_the_turn_in_order():
    doc = doc_from(TRANSCRIPT)
    segs = segment_document(doc, "auto", max_turn_words=40)
    pieces = [s for s in segs if s.seg_id.startswith("t.txt#0000.")]
    assert " ".join(s.text for s in pieces) == LONG_TURN
    assert all(a.end_char <= b.start_char for a, b in zip(pieces, pieces[1:]))


def test_fourth_block_split_gets_ids_like_0003_dot_k():
    text = "Rose: a.\nDev: b.\nRose: c.\n" + f"Dev: {LONG_TURN}\n"
    segs = segment_document(doc_from(text, "doc"), "auto", max_turn_words=50)
    ids = [s.seg_id for s in segs]
    assert ids[:3] == ["doc#0000", "doc#0001", "doc#0002"]
    assert ids[3:] == [f"doc#0003.{k}" for k in range(1, len(ids) - 2)]
    assert all(re.fullmatch(r"doc#0003\.\d+", i) for i in ids[3:]) and len(ids) > 4


def test_single_sentence_longer_than_limit_stays_whole():
    sentence = " ".join(["word"] * 60) + "."
    segs = segment_document(doc_from(f"Rose: {sentence}\nDev: b.\nRose: c.\n"), "auto", max_turn_words=10)
    assert segs[0].text == sentence and segs[0].seg_id == "t.txt#0000"


def test_unit_turn_never_splits_long_turns():
    segs = segment_document(doc_from(TRANSCRIPT), "turn", max_turn_words=10)
    assert segs[0].text == LONG_TURN


# -- stable ids -----------------------------------------------------------------------------------
def test_seg_ids_are_identical_across_two_loads(write_files, corpus_dir):
    write_files({"a.txt": TRANSCRIPT, "b/notes.md": "# Notes\n\nOne.\n\nTwo.\n"})
    first = load_corpus(corpus_dir, max_turn_words=40)
    second = load_corpus(corpus_dir, max_turn_words=40)
    assert [s.seg_id for s in first.segments] == [s.seg_id for s in second.segments]
    assert [(s.start_char, s.end_char) for s in first.segments] == [
        (s.start_char, s.end_char) for s in second.segments]


def test_seg_ids_are_unique(write_files, corpus_dir):
    write_files({"a.txt": TRANSCRIPT, "b.txt": TRANSCRIPT})
    ids = [s.seg_id for s in load_corpus(corpus_dir, unit="sentence").segments]
    assert len(ids) == len(set(ids))


def test_adding_a_file_does_not_change_existing_seg_ids(write_files, corpus_dir):
    write_files({"m.txt": TRANSCRIPT})
    before = [(s.seg_id, s.text) for s in load_corpus(corpus_dir, max_turn_words=40).segments]
    write_files({"a-first.txt": "Ann: x.\nBo: y.\nAnn: z.\n", "z-last.md": "# Z\n\nBody.\n"})
    after = load_corpus(corpus_dir, max_turn_words=40)
    assert [(s.seg_id, s.text) for s in after.segments_of("m.txt")] == before
    assert len(after.documents) == 3


def test_seg_id_starts_with_doc_path(write_files, corpus_dir):
    write_files({"sub/dir/a.txt": TRANSCRIPT})
    corpus = load_corpus(corpus_dir)
    assert corpus.segments[0].seg_id == "sub/dir/a.txt#0000"
