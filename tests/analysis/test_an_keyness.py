"""Keyness: G2 and log ratio by hand, and exact counts on a hand-written two-group corpus (conftest: AN_KEY_*)."""
from __future__ import annotations

import math
import re

import pytest

from workbench.analysis.keyness import COLUMNS, Keyness, log_likelihood, log_ratio
from workbench.analysis.phrases import normalise_surface
from workbench.errors import WorkbenchError

T, B = "transcripts/k1.txt", "blogs/k2.md"


def n_words(an_key, keep) -> int:
    """Tokens (words) of the segments ``keep`` accepts; the corpus has plain words only."""
    return sum(len(re.findall(r"\w+", s.text)) for s in an_key.corpus.segments if keep(s))


def term(k: Keyness, name: str, feature: str = "word"):
    rows = k.keyness_[(k.keyness_["term"] == name) & (k.keyness_["feature"] == feature)]
    assert len(rows) == 1, list(k.keyness_["term"])
    return rows.iloc[0]


# -- the statistics ----------------------------------------------------------------------------------

def test_log_likelihood_by_hand():
    # a=10, b=0, c=100, d=100: expected 5 and 5, G2 = 2 * 10 * ln(10 / 5) = 20 ln 2.
    assert log_likelihood(10, 0, 100, 100) == pytest.approx(20 * math.log(2))
    assert log_likelihood(10, 0, 100, 100) == pytest.approx(13.862944, abs=1e-6)
    # a=20, b=10, c=1000, d=2000: expected 10 and 20, G2 = 2 * (20 ln 2 + 10 ln 0.5) = 20 ln 2.
    assert log_likelihood(20, 10, 1000, 2000) == pytest.approx(20 * math.log(2))
    # Same relative frequency on both sides: no evidence at all.
    assert log_likelihood(5, 5, 100, 100) == pytest.approx(0.0)
    assert log_likelihood(3, 6, 100, 200) == pytest.approx(0.0)
    # a=30, b=10, c=100, d=100: expected 20 and 20.
    assert log_likelihood(30, 10, 100, 100) == pytest.approx(2 * (30 * math.log(1.5) + 10 * math.log(0.5)))
    # Symmetric in the two sides.
    assert log_likelihood(7, 2, 300, 500) == pytest.approx(log_likelihood(2, 7, 500, 300))


def test_log_ratio_by_hand():
    # (10/100) / (0.5/100) = 20: zero counts become 0.5.
    assert log_ratio(10, 0, 100, 100) == pytest.approx(math.log2(20))
    assert log_ratio(10, 0, 100, 100) == pytest.approx(4.321928, abs=1e-6)
    assert log_ratio(0, 10, 100, 100) == pytest.approx(-math.log2(20))
    assert log_ratio(20, 10, 1000, 2000) == pytest.approx(2.0)
    assert log_ratio(5, 5, 100, 100) == pytest.approx(0.0)


# -- two groups: transcripts vs blogs -----------------------------------------------------------------

@pytest.fixture(scope="module")
def an_by_kind(an_key, an_key_miner) -> Keyness:
    return Keyness().fit(an_key.table, an_key_miner)  # group_by="kind", target chosen as "blog"


@pytest.fixture(scope="module")
def an_transcript_target(an_key, an_key_miner) -> Keyness:
    return Keyness(target="transcript").fit(an_key.table, an_key_miner)


def test_columns(an_by_kind):
    assert list(an_by_kind.keyness_.columns) == COLUMNS


def test_totals_count_every_word(an_key, an_by_kind):
    t_words = n_words(an_key, lambda s: s.doc_id == T)
    b_words = n_words(an_key, lambda s: s.doc_id == B)
    assert (t_words, b_words) == (63, 29)
    assert an_by_kind.totals_ == {"target_tokens": b_words, "reference_tokens": t_words}
    assert (an_by_kind.target_, an_by_kind.reference_) == ("blog", "transcript")


def test_a_word_only_in_transcripts_is_distinctive_of_transcripts(an_key, an_by_kind, an_transcript_target):
    c, d = 29, 63  # blog, transcript tokens
    r = term(an_by_kind, "kettle")
    assert (r["target"], r["reference"], r["target_count"], r["reference_count"]) == ("blog", "transcript", 0, 6)
    assert r["distinctive_of"] == "transcript"
    assert r["log_likelihood"] == pytest.approx(round(log_likelihood(0, 6, c, d), 4))
    assert r["log_ratio"] == pytest.approx(round(log_ratio(0, 6, c, d), 4))
    assert r["reference_per_10k"] == pytest.approx(round(6 / d * 10_000, 3)) and r["target_per_10k"] == 0
    assert r["doc_id"] == T  # its example comes from the side it is distinctive of
    # The same with transcripts as the explicit target.
    r = term(an_transcript_target, "kettle")
    assert (r["target_count"], r["reference_count"], r["distinctive_of"]) == (6, 0, "transcript")
    assert r["log_likelihood"] == pytest.approx(round(log_likelihood(6, 0, d, c), 4))
    assert r["log_ratio"] == pytest.approx(round(log_ratio(6, 0, d, c), 4)) and r["log_ratio"] > 0
    # And the blog's own word the other way round.
    r = term(an_transcript_target, "newsletter")
    assert (r["target_count"], r["reference_count"], r["distinctive_of"]) == (0, 5, "blog")
    assert r["doc_id"] == B


def test_stop_words_and_rare_words_are_left_out(an_by_kind):
    terms = set(an_by_kind.keyness_["term"])
    assert "the" not in terms and "our" not in terms  # stop words (default stop_words=False)
    assert "budget" not in terms  # 3 uses < min_count 5
    assert (an_by_kind.keyness_[["target_count", "reference_count"]].sum(axis=1) >= 5).all()


def test_stop_words_can_be_kept(an_key):
    k = Keyness(stop_words=True).fit(an_key.table)
    r = term(k, "the")
    said = {doc: sum(len(re.findall(r"\bthe\b", s.text, re.I)) for s in an_key.corpus.segments if s.doc_id == doc)
            for doc in (T, B)}
    assert (r["target_count"], r["reference_count"]) == (said[B], said[T])


def test_phrases_appear_with_their_surface_label(an_key, an_key_miner, an_by_kind):
    mined = an_key_miner.phrases_.set_index("phrase_key")
    assert mined.loc["community garden", "phrase"] == "community gardens"
    r = term(an_by_kind, "community gardens", "phrase")
    assert (r["target_count"], r["reference_count"]) == (1, 4)
    assert "community garden" not in set(an_by_kind.keyness_.loc[an_by_kind.keyness_["feature"] == "phrase", "term"])
    phrase_rows = an_by_kind.keyness_[an_by_kind.keyness_["feature"] == "phrase"]
    assert set(phrase_rows["term"]) <= set(an_key_miner.phrases_["phrase"])
    words_only = Keyness(features=("word",)).fit(an_key.table, an_key_miner)
    assert set(words_only.keyness_["feature"]) == {"word"}


def test_grouping_by_speaker_role(an_key, an_key_miner):
    k = Keyness(group_by="speaker_role", target="lived experience", reference="practitioner") \
        .fit(an_key.table, an_key_miner)
    rose = n_words(an_key, lambda s: s.speaker == "Rose")
    dev = n_words(an_key, lambda s: s.speaker == "Dev")
    assert k.totals_ == {"target_tokens": rose, "reference_tokens": dev} == {"target_tokens": 30,
                                                                                "reference_tokens": 23}
    r = term(k, "kettle")
    assert (r["target_count"], r["reference_count"], r["distinctive_of"]) == (4, 1, "lived experience")
    assert r["log_likelihood"] == pytest.approx(round(log_likelihood(4, 1, rose, dev), 4))
    # Sheila (carer) and the blog (no speaker) are on neither side.
    assert (k.target_, k.reference_) == ("lived experience", "practitioner")


def test_target_against_all_other_groups(an_key):
    k = Keyness(group_by="speaker_role", target="lived experience").fit(an_key.table)
    assert k.reference_ == "not lived experience"
    others = n_words(an_key, lambda s: s.speaker in ("Dev", "Sheila"))
    assert k.totals_["reference_tokens"] == others
    r = term(k, "kettle")
    assert (r["target_count"], r["reference_count"]) == (4, 2)


def test_a_group_attribute_with_one_value_raises_E304(an_key):
    with pytest.raises(WorkbenchError) as info:
        Keyness(group_by="event").fit(an_key.table)
    assert str(info.value).startswith("[E304]") and "event" in str(info.value)
    with pytest.raises(WorkbenchError) as info:
        Keyness(group_by="no_such_attribute").fit(an_key.table)
    assert str(info.value).startswith("[E304]")


@pytest.mark.parametrize("group_by", ["speaker", "speaker_role"])
def test_more_than_two_groups_without_a_target_raises_E304(an_key, group_by):
    with pytest.raises(WorkbenchError) as info:
        Keyness(group_by=group_by).fit(an_key.table)
    assert str(info.value).startswith("[E304]")


def test_an_unknown_target_raises_E304(an_key):
    with pytest.raises(WorkbenchError) as info:
        Keyness(target="podcast").fit(an_key.table)
    assert str(info.value).startswith("[E304]")


def test_every_row_points_at_a_token_of_its_term(an_key, an_by_kind, an_transcript_target, an_key_miner):
    variants = dict(zip(an_key_miner.phrases_["phrase"], an_key_miner.phrases_["variants"]))
    for k in (an_by_kind, an_transcript_target):
        assert len(k.keyness_) > 0
        for r in k.keyness_.itertuples(index=False):
            seg = an_key.seg(r.seg_id)
            assert seg.doc_id == r.doc_id and seg.start_char <= r.start_char < r.end_char <= seg.end_char
            found = an_key.text(r.doc_id)[r.start_char:r.end_char]
            assert found.strip() == found and found
            if r.feature == "phrase":
                assert normalise_surface(found) in variants[r.term].split("; ")
            else:
                st = an_key.table.segments[an_key.table.by_seg_id[r.seg_id]]
                i = st.start.index(r.start_char)
                assert st.end[i] == r.end_char and st.lemma[i] == r.term
            side = r.target if r.distinctive_of == r.target else r.reference
            assert an_key.corpus.document(r.doc_id).kind == side


def test_distinctive_lists_significant_terms_of_one_side(an_by_kind):
    blog = an_by_kind.distinctive(max_p=0.01)
    assert list(blog["term"]) == ["newsletter"]
    transcript = an_by_kind.distinctive(of="transcript", max_p=0.05)
    assert list(transcript["term"]) == ["kettle"]


def test_distinctive_of_follows_relative_not_raw_frequency(an_key):
    # "budget": once in the blog's 29 words, twice in the transcript's 63 words.
    k = Keyness(min_count=3).fit(an_key.table)
    r = term(k, "budget")
    assert (r["target"], r["target_count"], r["reference_count"]) == ("blog", 1, 2)
    assert r["distinctive_of"] == "blog"
    assert r["log_ratio"] == pytest.approx(round(math.log2((1 / 29) / (2 / 63)), 4)) and r["log_ratio"] > 0
    assert r["doc_id"] == B
