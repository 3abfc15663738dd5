"""PhraseMiner on a hand-written corpus (see conftest: AN_PHR_*), with exact counts."""
from __future__ import annotations

import re

import pandas as pd

from workbench.analysis.phrases import NGRAM_COLUMNS, OCCURRENCE_COLUMNS, PhraseMiner, normalise_surface

W1, W2, BLOG = "transcripts/w1.txt", "transcripts/w2.txt", "blogs/b.md"


def row(miner: PhraseMiner, key: str) -> pd.Series:
    rows = miner.phrases_[miner.phrases_["phrase_key"] == key]
    assert len(rows) == 1, f"{key!r} not found once in {list(miner.phrases_['phrase_key'])}"
    return rows.iloc[0]


def occurrences(miner: PhraseMiner, key: str) -> pd.DataFrame:
    return miner.occurrences_[miner.occurrences_["phrase_key"] == key]


def test_result_columns(an_miner):
    assert list(an_miner.phrases_.columns) == NGRAM_COLUMNS
    assert list(an_miner.occurrences_.columns) == OCCURRENCE_COLUMNS


def test_known_bigram_counts_are_exact(an_miner):
    r = row(an_miner, "budget holder")
    assert (r["phrase"], r["n"], r["count"], r["doc_count"], r["speaker_count"]) == ("budget holder", 2, 3, 3, 3)
    occ = occurrences(an_miner, "budget holder")
    assert sorted(occ["seg_id"]) == [f"{BLOG}#0002", f"{W1}#0005", f"{W2}#0002"]
    assert sorted(occ["speaker"].fillna("-")) == ["-", "Rose", "Sheila"]


def test_known_trigram_counts_are_exact(an_miner):
    r = row(an_miner, "peer support worker")
    assert (r["n"], r["count"], r["doc_count"], r["speaker_count"]) == (3, 3, 3, 3)
    occ = occurrences(an_miner, "peer support worker")
    assert sorted(occ["seg_id"]) == [f"{BLOG}#0000", f"{W1}#0001", f"{W2}#0001"]
    assert sorted(occ["speaker"].fillna("-")) == ["-", "Dev", "Tom"]


def test_inflections_merge_and_the_most_frequent_surface_is_shown(an_miner):
    # "peer support workers" twice, "peer support worker" once: one key, the plural shown.
    r = row(an_miner, "peer support worker")
    assert r["phrase"] == "peer support workers"
    assert r["variants"] == "peer support workers; peer support worker"
    # "lived experiences" (plural) is counted under the same key as "lived experience".
    occ = an_miner.occurrences_
    key = occ.loc[occ["surface"] == "lived experiences", "phrase_key"]
    assert len(key) == 1
    merged = occurrences(an_miner, key.iloc[0])
    assert "lived experience" in {normalise_surface(s) for s in merged["surface"]}
    assert row(an_miner, key.iloc[0])["phrase"] == "lived experience"


def test_every_lived_experience_is_counted_whatever_its_pos_tag(an_phr, an_miner):
    # The corpus says "lived experience(s)" 4 times: one of them starts a sentence ("Lived experience
    # should shape ..."), where the tagger reads "Lived" as an adjective (lemma "lived") instead of a
    # verb (lemma "live"). The same words must still count as one phrase.
    said = sum(len(re.findall(r"\blived experiences?\b", s.text, re.I)) for s in an_phr.corpus.segments)
    assert said == 4
    rows = an_miner.phrases_[an_miner.phrases_["phrase"] == "lived experience"]
    assert len(rows) == 1
    assert rows.iloc[0]["count"] == said
    assert rows.iloc[0]["doc_count"] == 3 and rows.iloc[0]["speaker_count"] == 4


def test_no_phrase_crosses_a_full_stop_or_a_segment_boundary(an_phr, an_miner_2):
    # Setup: "care" is followed by "plan" only across a full stop or a turn boundary (twice each), or
    # across a semicolon and an ellipsis (once each), never directly.
    assert an_phr.text(W2).count("about care\n\nSheila: Plan") == 1
    assert an_phr.text(W1).count("better care\n\nRose: Plan") == 1
    assert an_phr.text(W2).count("care. Plan") == 1 and an_phr.text(BLOG).count("care. Plan") == 1
    assert an_phr.text(W2).count("care; plan") == 1 and an_phr.text(W2).count("care... plan") == 1
    keys = list(an_miner_2.phrases_["phrase_key"])
    assert keys, "the min_count=2 miner found nothing"
    assert not [k for k in keys if "care plan" in k]
    for occ in an_miner_2.occurrences_.itertuples(index=False):
        seg = an_phr.seg(occ.seg_id)
        assert seg.start_char <= occ.start_char < occ.end_char <= seg.end_char, occ
        assert not set(occ.surface) & set(".!?;:\n"), occ


def test_slogans_of_small_words_are_not_ngrams(an_miner, an_miner_2):
    # "with people, not for them" (3x) and "nothing about us without us" (3x) start or end with a function
    # word: they are found as phrase families and quoted statements, not as recurring n-grams.
    for miner in (an_miner, an_miner_2):
        keys = set(miner.phrases_["phrase_key"])
        assert not keys & {"with people not for they", "nothing about we without we", "people not for they"}


def test_sub_phrases_found_only_inside_a_longer_phrase_are_dropped(an_miner):
    keys = set(an_miner.phrases_["phrase_key"])
    r = row(an_miner, "peer support worker")
    assert r["count"] == 3
    # "support worker" only ever occurs inside "peer support worker(s)".
    assert "support worker" not in keys


def test_a_sub_phrase_that_also_occurs_alone_is_kept(an_miner):
    # "peer support" occurs 3 times inside "peer support worker(s)" and 3 times on its own.
    r = row(an_miner, "peer support")
    assert (r["count"], r["doc_count"], r["speaker_count"]) == (6, 3, 4)


def test_filler_phrases_are_not_reported(an_phr, an_miner, an_miner_2):
    said = sum(len(re.findall(r"\byou know\b", s.text, re.I)) for s in an_phr.corpus.segments)
    assert said == 4
    for miner in (an_miner, an_miner_2):
        assert "you know" not in set(miner.phrases_["phrase_key"])
        assert not any(k.startswith("you know ") or k.endswith(" you know") for k in miner.phrases_["phrase_key"])


def test_lived_experience_outranks_of_the(an_miner):
    phrases = list(an_miner.phrases_["phrase"])
    assert "lived experience" in phrases
    if "of the" in phrases:
        assert phrases.index("lived experience") < phrases.index("of the")


def test_spread_across_documents_and_speakers_beats_one_speaker_repeating(an_miner):
    trolley = row(an_miner, "tea trolley")  # 5 times, Rose in w1 only
    holder = row(an_miner, "budget holder")  # 3 times, 3 speakers in 3 documents
    assert (trolley["count"], trolley["doc_count"], trolley["speaker_count"]) == (5, 1, 1)
    assert abs(trolley["pmi"] - holder["pmi"]) < 0.5  # similar association
    assert holder["score"] > trolley["score"]
    phrases = list(an_miner.phrases_["phrase_key"])
    assert phrases.index("budget holder") < phrases.index("tea trolley")


def test_phrases_are_sorted_by_score(an_miner):
    scores = list(an_miner.phrases_["score"])
    assert scores == sorted(scores, reverse=True)


def test_every_occurrence_and_example_traces_back_to_the_document(an_phr, an_miner, an_miner_2):
    for miner in (an_miner, an_miner_2):
        for occ in miner.occurrences_.itertuples(index=False):
            assert an_phr.text(occ.doc_id)[occ.start_char:occ.end_char] == occ.surface
            assert an_phr.seg(occ.seg_id).doc_id == occ.doc_id
        counts = miner.occurrences_.groupby("phrase_key").size()
        for r in miner.phrases_.itertuples(index=False):
            text = an_phr.text(r.doc_id)[r.start_char:r.end_char]
            assert text.lower() == r.example.lower()
            assert normalise_surface(text) in r.variants.split("; ")
            assert r.phrase in r.variants.split("; ")
            seg = an_phr.seg(r.seg_id)
            assert seg.doc_id == r.doc_id and seg.start_char <= r.start_char < r.end_char <= seg.end_char
            assert counts[r.phrase_key] == r.count


def test_min_count_is_respected(an_miner, an_miner_2):
    assert (an_miner.phrases_["count"] >= 3).all()
    assert (an_miner_2.phrases_["count"] >= 2).all()
    # "work with people" occurs exactly twice.
    assert row(an_miner_2, "work with people")["count"] == 2
    assert "work with people" not in set(an_miner.phrases_["phrase_key"])


def test_fit_on_annotated_corpus_equals_fit_on_token_table(an_phr, an_miner):
    again = PhraseMiner().fit(an_phr.annotated)
    pd.testing.assert_frame_equal(again.phrases_, an_miner.phrases_)
    pd.testing.assert_frame_equal(again.occurrences_, an_miner.occurrences_)
