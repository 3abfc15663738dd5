"""suggest_variants: new wordings for a family from the corpus, by embedding similarity to its members.

A bag-of-words embedder stands in for MiniLM (same interface, offline, instant): similarity is then word
overlap, so which wording wins is known by hand."""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from workbench.analysis.families import PhraseFamilies
from workbench.analysis.variant_suggestions import COLUMNS, candidate_wordings, family_members, suggest_variants
from workbench.embed import Embedder, EmbeddingCache
from workbench.errors import WorkbenchError


class BagOfWords(Embedder):
    """Each word adds 1 to one of 512 dimensions (CRC32 of the word): cosine similarity = word overlap."""

    model_id = "test-bag-of-words"

    def encode(self, texts):
        out = np.zeros((len(texts), 512), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().replace(",", " ").split():
                out[i, zlib.crc32(word.encode()) % 512] += 1
        return out


# "with the carers and not just for them" is the new wording: the "with, not for" patterns do not find it (a
# word between "not" and "for"). The other sentences have nothing to do with the family.
AN_SUG_T = """Rose: We work with people, not for them. That is the deal.

Dev: It has to be with the carers and not just for them, every single time.

Rose: The tea trolley came late. Nobody minded the biscuits.

Dev: We moved from doing for to doing with last year.
"""
AN_SUG_BLOG = """---
title: A note
kind: blog
author: Nadia Brennan
---

# A note

Councils say with not for on every poster. The car park was full on Monday.
"""
NEW = "with the carers and not just for them"


@pytest.fixture(scope="module")
def an_sug(an_build):
    return an_build("suggest", {"transcripts/s1.txt": AN_SUG_T, "blogs/s2.md": AN_SUG_BLOG})


@pytest.fixture(scope="module")
def an_sug_families(an_sug):
    return PhraseFamilies().fit(an_sug.annotated)


@pytest.fixture(scope="module")
def an_suggested(an_sug, an_sug_families, tmp_path_factory):
    cache = EmbeddingCache(tmp_path_factory.mktemp("sug_cache"))
    return suggest_variants(an_sug_families, "with, not for", an_sug.corpus, BagOfWords(), cache, top=5)


def test_the_new_wording_is_not_found_by_the_family(an_sug, an_sug_families):
    surfaces = set(an_sug_families.matches_.query("family == 'with, not for'")["surface"])
    assert surfaces == {"with people, not for them", "from doing for to doing with", "with not for"}
    assert NEW in an_sug.text("transcripts/s1.txt")


def test_members_are_the_found_wordings(an_sug_families):
    members = family_members(an_sug_families, "with, not for")
    assert set(members) == {"with people, not for them", "from doing for to doing with", "with not for"}


def test_the_new_wording_is_suggested_first_and_whole(an_suggested):
    assert list(an_suggested.columns) == COLUMNS
    first = an_suggested.iloc[0]
    assert first["wording"] == NEW
    assert first["closest"] == "with people, not for them"
    assert first["family"] == "with, not for" and first["count"] == 1 and first["doc_count"] == 1
    assert 0.5 <= first["similarity"] <= 1.0


def test_suggestions_trace_to_the_text_and_never_repeat_a_found_wording(an_sug, an_sug_families, an_suggested):
    found = an_sug_families.matches_.query("family == 'with, not for'")
    for r in an_suggested.itertuples(index=False):
        assert an_sug.text(r.doc_id)[r.start_char:r.end_char] == r.wording
        seg = an_sug.seg(r.seg_id)
        assert seg.doc_id == r.doc_id and seg.start_char <= r.start_char < r.end_char <= seg.end_char
        assert f"({r.seg_id}, {r.start_char}-{r.end_char})" in r.example
        for m in found.itertuples(index=False):
            assert not (m.seg_id == r.seg_id and m.start_char < r.end_char and r.start_char < m.end_char)
    spans = [(r.seg_id, r.start_char, r.end_char) for r in an_suggested.itertuples(index=False)]
    for i, (seg, a, b) in enumerate(spans):  # one suggestion per place
        assert not [1 for seg2, c, d in spans[i + 1:] if seg2 == seg and a < d and c < b]
    assert not an_suggested["wording"].str.contains("biscuits|car park|tea trolley").any()
    assert (an_suggested["similarity"].diff().dropna() <= 0).all()


def test_candidates_stay_inside_a_sentence(an_sug):
    cands = candidate_wordings(an_sug.corpus, {"not", "for", "them", "the", "with"})
    assert len(cands) and not cands["wording"].str.contains(r"[.!?]").any()


def test_unknown_family_is_E305(an_sug, an_sug_families):
    with pytest.raises(WorkbenchError, match=r"^\[E305\].*'with not four'.*with, not for"):
        suggest_variants(an_sug_families, "with not four", an_sug.corpus, BagOfWords())



def test_a_suggestion_starts_and_ends_with_a_small_word_only_where_a_member_does(an_build):
    from workbench.analysis.phrase_table import wording_key
    from workbench.analysis.phrases import stop_words

    bench = an_build("suggest_edges", {"transcripts/e.txt": (
        "Rose: We work with people, not for them.\n\nDev: It was all done for people with good intentions.\n")})
    families = PhraseFamilies().fit(bench.annotated)
    found = suggest_variants(families, "with, not for", bench.corpus, BagOfWords(), top=50, min_similarity=0.0)
    members = [wording_key(m).split() for m in family_members(families, "with, not for")]
    starts, ends = {m[0] for m in members}, {m[-1] for m in members}
    assert "for people with" not in set(found["wording"])  # the best match for the family without this rule
    for wording in found["wording"]:
        words = wording_key(wording).split()
        assert words[0] not in stop_words() or words[0] in starts, wording
        assert words[-1] not in stop_words() or words[-1] in ends, wording
