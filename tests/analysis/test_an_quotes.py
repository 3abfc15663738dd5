"""QuotedPhrases: words in “…”, "…", ‘…’ and '…', never apostrophes (no spaCy needed)."""
from __future__ import annotations

import pytest

from workbench.analysis.quotes import COLUMNS, OCCURRENCE_COLUMNS, QuotedPhrases, find_quotes, quote_key
from workbench.corpus import load_corpus

from an_helpers import an_write

Q1 = """Rose: They keep saying “with not for” at every meeting.

Dev: The poster says "With, not for." in big letters.

Rose: I don't buy it. It’s the carers’ view that counts, and Tom's too.

Dev: Our motto is ‘with not for’, apparently. And the leaflet says 'with not for' as well.

Rose: Somebody wrote "a very long slogan that goes on and on for twelve words in total" on the wall.

Dev: Yes, "a very long slogan that goes on and on for twelve words in total" again.

Rose: She said “only once here” and left.
"""

Q2 = """---
title: Lanyards
kind: blog
---

# Lanyards

Councils print “with not for” on lanyards. The carers’ forum doesn’t mind.
"""

LONG = "a very long slogan that goes on and on for twelve words in total"
T, B = "transcripts/q1.txt", "blogs/q2.md"


@pytest.fixture(scope="module")
def an_qcorpus(tmp_path_factory):
    root = an_write(tmp_path_factory.mktemp("an_quotes") / "quotes", {T: Q1, B: Q2})
    corpus = load_corpus(root)
    assert not corpus.problems
    return corpus


@pytest.fixture(scope="module")
def an_quoted(an_qcorpus):
    return QuotedPhrases().fit(an_qcorpus)


def phrase_row(q: QuotedPhrases, key: str):
    rows = q.phrases_[q.phrases_["phrase"].map(quote_key) == key]
    assert len(rows) == 1, list(q.phrases_["phrase"])
    return rows.iloc[0]


def test_columns(an_quoted):
    assert list(an_quoted.phrases_.columns) == COLUMNS
    assert list(an_quoted.occurrences_.columns) == OCCURRENCE_COLUMNS


def test_all_four_kinds_of_quotation_marks_count_together(an_quoted, an_qcorpus):
    r = phrase_row(an_quoted, "with not for")
    assert (r["count"], r["doc_count"], r["speaker_count"]) == (5, 2, 3)
    assert r["phrase"] == "with not for"
    assert r["variants"] == "with not for; with, not for"
    occ = an_quoted.occurrences_[an_quoted.occurrences_["phrase"] == "with not for"]
    marks = []
    for o in occ.itertuples(index=False):
        text = an_qcorpus.document(o.doc_id).text
        closing = text[o.end_char:].lstrip(" ,.;:!?")[0]  # stripped punctuation may sit before the mark
        marks.append(text[o.start_char - 1] + closing)
    assert sorted(marks) == sorted(["“”", '""', "‘’", "''", "“”"])


def test_straight_and_curly_single_quotes_found_inside_one_segment():
    text = "Our motto is ‘with not for’, and the leaflet says 'with not for' as well."
    spans = find_quotes(text)
    assert [text[s:e] for s, e in spans] == ["with not for", "with not for"]


@pytest.mark.parametrize("text", [
    "I don't buy it. It’s the carers’ view that counts, and Tom's too.",
    "The carers’ forum doesn’t mind; it’s fine and we're fine.",
    "Carers' meetings aren't paid and the Smiths' house isn't near.",
])
def test_apostrophes_are_not_quotation_marks(text):
    assert find_quotes(text) == []


def test_apostrophes_next_to_a_real_quote_are_left_alone():
    text = "It’s the carers’ view that ‘with not for’ matters, and we don't disagree."
    assert [text[s:e] for s, e in find_quotes(text)] == ["with not for"]


def test_no_quoted_phrase_comes_from_the_apostrophe_turn(an_qcorpus):
    everything = QuotedPhrases(min_words=1, max_words=50, min_count=1).fit(an_qcorpus)
    turn = next(s for s in an_qcorpus.segments if "carers’ view" in s.text)
    assert turn.seg_id not in set(everything.occurrences_["seg_id"])
    assert set(everything.occurrences_["phrase"]) == {"with not for", quote_key(LONG), "only once here"}


def test_comma_and_case_do_not_split_the_count():
    assert quote_key("With, not for") == quote_key("with not for") == "with not for"
    assert quote_key("It’s ours") == quote_key("it's ours")


def test_offsets_are_exact_and_exclude_marks_and_trailing_punctuation(an_quoted, an_qcorpus):
    for o in an_quoted.occurrences_.itertuples(index=False):
        text = an_qcorpus.document(o.doc_id).text
        assert text[o.start_char:o.end_char] == o.surface
        seg = an_qcorpus.segment(o.seg_id)
        assert seg.start_char <= o.start_char < o.end_char <= seg.end_char
        assert o.surface == o.surface.strip(" ,.;:!?\"'“”‘’")
    poster = an_quoted.occurrences_[an_quoted.occurrences_["surface"] == "With, not for"]
    assert len(poster) == 1
    text = an_qcorpus.document(T).text
    start = text.index('"With, not for."') + 1
    assert (poster.iloc[0]["start_char"], poster.iloc[0]["end_char"]) == (start, start + len("With, not for"))
    for r in an_quoted.phrases_.itertuples(index=False):
        assert an_qcorpus.document(r.doc_id).text[r.start_char:r.end_char] == r.example


def test_max_words_is_honoured(an_qcorpus):
    assert len(LONG.split()) == 14
    assert phrase_row(QuotedPhrases().fit(an_qcorpus), quote_key(LONG))["count"] == 2  # up to 25 by default
    assert quote_key(LONG) not in set(QuotedPhrases(max_words=13).fit(an_qcorpus).phrases_["phrase"].map(quote_key))
    r = phrase_row(QuotedPhrases(max_words=14).fit(an_qcorpus), quote_key(LONG))
    assert (r["count"], r["doc_count"], r["speaker_count"]) == (2, 1, 2)


def test_min_count_is_honoured(an_quoted, an_qcorpus):
    assert phrase_row(an_quoted, "only once here")["count"] == 1  # quoted once is enough by default
    assert "only once here" not in set(QuotedPhrases(min_count=2).fit(an_qcorpus).phrases_["phrase"])
    assert (QuotedPhrases(min_count=2).fit(an_qcorpus).phrases_["count"] >= 2).all()
    assert "with not for" not in set(QuotedPhrases(min_count=6).fit(an_qcorpus).phrases_["phrase"])
    assert phrase_row(QuotedPhrases(min_count=5).fit(an_qcorpus), "with not for")["count"] == 5


def test_ranked_by_use(an_quoted):
    assert list(an_quoted.phrases_["phrase"].map(quote_key)) == ["with not for", quote_key(LONG), "only once here"]
    counts = list(an_quoted.phrases_["count"])
    assert counts == sorted(counts, reverse=True)


def words(n: int) -> str:
    return " ".join(f"word{i}" for i in range(1, n + 1))


@pytest.mark.parametrize("n,kept", [(1, False), (2, True), (10, True), (25, True), (26, False)])
def test_statements_of_2_to_25_words_quoted_once_are_rows(tmp_path, n, kept):
    text = f"Dev: The trainer wrote “{words(n)}” on the board, and 'tea break' on the door.\n"
    root = an_write(tmp_path / "c", {"transcripts/one.txt": text})
    found = QuotedPhrases().fit(load_corpus(root))
    assert (words(n) in set(found.phrases_["phrase"])) is kept
    assert "tea break" in set(found.phrases_["phrase"])


def test_a_ten_word_slogan_quoted_once_with_straight_or_curly_marks(tmp_path):
    slogan = "if it is about us it has to include us"
    text = (f'Sheila: The banner said "{slogan.capitalize()}." and nobody argued.\n\n'
            f"Tom: Our chair’s rule, ‘no jargon without a glossary’, holds. The carers’ forum agreed.\n")
    root = an_write(tmp_path / "c", {"transcripts/one.txt": text})
    corpus = load_corpus(root)
    found = QuotedPhrases().fit(corpus)
    assert set(found.phrases_["phrase"]) == {slogan, "no jargon without a glossary"}
    for r in found.phrases_.itertuples(index=False):
        assert r.count == 1
        assert corpus.document(r.doc_id).text[r.start_char:r.end_char].lower() == r.phrase
