"""The corpus model (workbench.corpus.model): lookups, counts and DataFrames."""
from __future__ import annotations

import pytest

from workbench.corpus import Block, Corpus, Document, Segment, load_corpus
from workbench.corpus.model import SEGMENT_COLUMNS
from workbench.errors import CorpusError


@pytest.fixture
def small(write_files, corpus_dir):
    write_files({"t.txt": "Title line\n\nRose: One two three.\nDev: Four five.\nRose: Six.\n",
                 "b.md": "# Blog\n\nSeven eight nine ten.\n"})
    return load_corpus(corpus_dir)


def test_segment_columns_order():
    assert SEGMENT_COLUMNS == ["doc_id", "seg_id", "start_char", "end_char", "speaker", "timestamp", "kind", "section",
                               "lead_in", "text"]


def test_segments_df_starts_with_segment_columns(small):
    assert list(small.segments_df().columns) == SEGMENT_COLUMNS + ["speaker_role", "block"]


def test_segments_df_kind_is_document_kind(small):
    frame = small.segments_df()
    assert set(frame[frame.doc_id == "t.txt"].kind) == {"transcript"}
    assert set(frame[frame.doc_id == "b.md"].kind) == {"blog"}


def test_document_lookup_unknown_raises_e055(small):
    with pytest.raises(CorpusError) as info:
        small.document("nope.txt")
    assert info.value.code == "E055"
    assert "b.md" in str(info.value)


def test_len_and_iter(small):
    assert len(small) == 2
    assert [d.doc_id for d in small] == ["b.md", "t.txt"]


def test_segments_of(small):
    assert [s.text for s in small.segments_of("t.txt")] == ["One two three.", "Four five.", "Six."]


def test_n_words_counts_content_blocks_only(small):
    assert small.document("t.txt").n_words == 6  # "Title line" is not content


def test_speakers_in_order_of_first_appearance(small):
    assert small.document("t.txt").speakers == ["Rose", "Dev"]


def test_speakers_df_counts_segments(small):
    rows = small.speakers_df().sort_values("speaker").to_dict("records")
    assert rows == [{"doc_id": "t.txt", "speaker": "Dev", "role": None, "segments": 1},
                    {"doc_id": "t.txt", "speaker": "Rose", "role": None, "segments": 2}]


def test_summary_counts(small):
    assert small.summary() == {"documents": 2, "kinds": {"blog": 1, "transcript": 1}, "segments": 4,
                               "words": 10, "speakers": 2, "problems": 0, "coverage": 1.0}


def test_documents_df_counts(small):
    row = small.documents_df().set_index("doc_id").loc["t.txt"]
    assert (row.segments, row.words, row.speakers, row.format) == (3, 6, 2, "txt")


def test_empty_corpus_dataframes_have_columns():
    corpus = Corpus("x", [], [])
    assert list(corpus.segments_df().columns[:len(SEGMENT_COLUMNS)]) == SEGMENT_COLUMNS
    assert list(corpus.problems_df().columns) == ["path", "code", "reason"]
    assert corpus.documents_df().empty


def test_hand_built_corpus_round_trip():
    doc = Document("d", "Ann: hi", "transcript", "txt", blocks=[Block(5, 7, "turn", "Ann")])
    seg = Segment("d#0000", "d", 5, 7, "hi", "Ann")
    corpus = Corpus("root", [doc], [seg])
    assert corpus.document("d").text[seg.start_char:seg.end_char] == seg.text
    assert corpus.segments_df().iloc[0]["speaker"] == "Ann"
