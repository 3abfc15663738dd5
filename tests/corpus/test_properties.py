"""Property tests (Hypothesis): offsets stay exact and parsers never crash, whatever the text."""
from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from workbench.corpus import UNITS, Document, load_corpus, segment_document, sentence_spans
from workbench.corpus.readers.plain import read_txt
from workbench.corpus.structure import match_header, split_label
from workbench.errors import FileReadError

# Pieces that steer the text towards the interesting paths: speaker labels, timestamps, stage notes,
# bullets, abbreviations, line ends of every kind, emoji sequences and combining marks.
PIECES = st.sampled_from([
    "\n", "\r", "\r\n", "\n\n", ":", ": ", " ", "\t", "[", "]", "(", ")", "Rose", "DEV", "Dev Patel", "Speaker 1",
    "00:01:02", "0:03", "[00:00:12] ", "Note", "[break]", "(carer)", "- ", "1. ", "Dr.", "e.g.", ". ", "? ",
    "\U0001F44D\U0001F3FD", "\U0001F468\u200d\U0001F469\u200d\U0001F467", "e\u0301", "\ufeff", "\u00a0",
    "\u2028", "“", "”", "£", "€",
])
# Any character except surrogates and C0/C1 controls (those make a file binary); \r \n \t come from PIECES.
CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
TEXTS = st.lists(st.one_of(PIECES, st.text(CHARS, max_size=6)), max_size=50).map("".join)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXTS)
@example("\xa0- :")  # a no-break space before a bullet: the marker block started with it
def test_read_txt_blocks_are_within_bounds_and_trimmed(text):
    result = read_txt(text.encode("utf-8"), "x.txt")
    assert "\r" not in result.text
    assert unicodedata.is_normalized("NFC", result.text)
    previous_end = 0
    for block in result.blocks:
        assert 0 <= block.start_char < block.end_char <= len(result.text), block
        span = result.text[block.start_char:block.end_char]
        assert span == span.strip(), block
        assert block.start_char >= previous_end, "blocks overlap or are out of order"
        previous_end = block.end_char


@SETTINGS
@given(TEXTS)
def test_segments_keep_offsets_for_every_unit(text):
    result = read_txt(text.encode("utf-8"), "x.txt")
    doc = Document("x.txt", result.text, result.kind or "notes", "txt", blocks=result.blocks)
    for unit in UNITS:
        for seg in segment_document(doc, unit, max_turn_words=4):
            assert doc.text[seg.start_char:seg.end_char] == seg.text
            assert seg.text.strip() == seg.text != ""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "crlf"]))
def test_load_invariant_holds_for_arbitrary_text(text, encoding):
    data = (text.replace("\n", "\r\n").encode("utf-8") if encoding == "crlf" else text.encode(encoding))
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "doc.txt").write_bytes(data)
        corpus = load_corpus(tmp)
    assert len(corpus.documents) + len(corpus.problems) == 1
    for problem in corpus.problems:
        assert problem.code in ("E001", "E013")  # blank, or headings only
    for seg in corpus.segments:
        assert corpus.document(seg.doc_id).text[seg.start_char:seg.end_char] == seg.text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_match_header_never_raises_and_offset_is_in_line(line):
    header = match_header(line)
    if header is not None:
        assert 0 <= header.text_start <= len(line)
        assert header.name and header.name in line


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=12).map("".join))
def test_match_header_on_label_like_lines_never_raises(line):
    header = match_header(line)
    speaker, offset = split_label(line)
    assert 0 <= offset <= len(line)
    assert (speaker is None) or (header is not None and speaker == header.name)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_sentence_spans_are_ordered_trimmed_and_in_bounds(text):
    previous = 0
    for start, end in sentence_spans(text):
        assert previous <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous = end


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_read_txt_on_arbitrary_bytes_returns_or_raises_file_read_error(data):
    try:
        result = read_txt(data, "x.txt")
    except FileReadError as err:
        assert err.code == "E002"
        return
    for block in result.blocks:
        assert 0 <= block.start_char < block.end_char <= len(result.text)
