"""Recurring phrases start and end with a content word: function-word fragments never rank.

The corpus below is written so that the fragments of issue 14 ("need to", "work in", "range of", "people with",
"of co-production", "co-production can") recur more often, and across more people, than the real phrases."""
from __future__ import annotations

import pytest

from workbench.analysis.phrases import PhraseMiner, content_word

# Fragments that must never be among the top 50 recurring phrases, on any corpus.
FRAGMENTS = ["need to", "work in", "range of", "people with", "of co-production", "co-production can",
             "want to", "talk about", "at the end", "people who", "a couple of", "instead of", "with people",
             "told us", "years ago", "six months", "months later", "of the", "in the", "it is", "there is"]

T1 = """Ana: We need to talk about co-production. The value of co-production can be huge, and people with
lived experience need to be paid. I work in a day centre.

Ben: People with lived experience should lead. We need to fix the easy read versions first. A range of groups
work in the area, and a range of views came up.

Cara: Co-production can feel slow. The spirit of co-production can get lost, and we need to say so. People with
learning disabilities work in our team, and we need to pay them.

Ana: The easy read versions were late again. Pay us in money, not vouchers. Peer support helps. A range of people came, and people with
caring roles need to be heard.
"""

T2 = """Dev: I work in housing. People with lived experience know what works, and we need to listen. A range of
options is on the table. Co-production can change that.

Esme: Peer support matters. Money, not vouchers, is respect. The easy read versions helped. The heart of co-production can be lost when people
with power work in silos, and we need to notice.

Finn: Lived experience is expertise. We need to budget for peer support. Co-production can take time. A range of things got in the way of
co-production, and people with lived experience said so.
"""

BLOG = """---
title: Notes on working together
kind: blog
author: Gail Osei
---

# Notes on working together

People with lived experience need to be at the table from the start. Co-production can only work in a place
that pays people in money, not vouchers. A range of barriers got in the way, and the promise of co-production can fade. Peer support
and easy read versions are small things that change a lot. We need to remember that people with lived
experience are the experts, and we need to work in partnership. Lived experience is knowledge.
"""

FILES = {"transcripts/t1.txt": T1, "transcripts/t2.txt": T2, "blogs/notes.md": BLOG}


@pytest.fixture(scope="module")
def frag(an_build):
    return an_build("fragments", FILES)


@pytest.fixture(scope="module")
def frag_miner(frag):
    return PhraseMiner(min_count=2).fit(frag.table)


def test_the_fragments_do_recur_in_the_text(frag):
    text = " ".join(frag.text(d) for d in FILES).lower().replace("\n", " ")
    for fragment in ("need to", "work in", "range of", "people with", "of co-production", "co-production can"):
        assert text.count(fragment) >= 4, fragment


def test_no_fragment_reaches_the_top_50(frag_miner):
    top = [p.lower() for p in frag_miner.phrases_["phrase"].head(50)]
    assert top, "nothing was found"
    assert not [f for f in FRAGMENTS if f in top]


@pytest.mark.parametrize("miner", ["an_miner", "an_miner_2", "an_key_miner"])
def test_no_fragment_reaches_the_top_50_on_the_other_fixtures(request, miner):
    phrases = request.getfixturevalue(miner).phrases_
    top = [p.lower() for p in phrases["phrase"].head(50)]
    assert top, "nothing was found"
    assert not [f for f in FRAGMENTS if f in top]


# "people who use" recurs six times, with six different objects; "old hierarchies creep" always before "back".
OPEN_A = """Ida: People who use services should chair it. People who use wheelchairs could not get in. The old
hierarchies creep back in when nobody is looking.

Joe: People who use buses came late. Old hierarchies creep back in, slowly.
"""
OPEN_B = """Kay: People who use libraries know. People who use services know too. Old hierarchies creep back in.

Lev: People who use services were not asked.
"""


@pytest.fixture(scope="module")
def open_miner(an_build):
    return PhraseMiner(min_count=2).fit(an_build("open_ends", {"transcripts/a.txt": OPEN_A,
                                                                "transcripts/b.txt": OPEN_B}).table)


def test_a_verb_cut_off_from_its_object_or_particle_does_not_end_a_phrase(open_miner):
    phrases = set(open_miner.phrases_["phrase"].str.lower())
    assert "people who use services" in phrases and "old hierarchies" in phrases, phrases
    assert "people who use" not in phrases and "old hierarchies creep" not in phrases, phrases


def test_every_phrase_starts_and_ends_with_a_content_word(frag, frag_miner):
    content = frag_miner.content_words_
    for key in frag_miner.phrases_["phrase_key"]:
        words = key.split()
        assert words[0] in content and words[-1] in content, key
    assert not [p for p in frag_miner.phrases_["phrase"] if p.endswith(" need")]  # "people ... need [to]"


def test_real_phrases_rank(frag_miner):
    phrases = list(frag_miner.phrases_["phrase"])
    for wanted in ("lived experience", "easy read versions", "peer support"):
        assert wanted in phrases, phrases


def test_a_phrase_with_a_function_word_inside_scores_below_its_core(frag_miner):
    rows = frag_miner.phrases_.set_index("phrase")
    assert "people with lived experience" in rows.index
    assert rows.loc["people with lived experience", "score"] < rows.loc["lived experience", "score"]


@pytest.mark.parametrize("lemma,pos,expected", [
    ("experience", "NOUN", True), ("pay", "VERB", True), ("easy", "ADJ", True), ("together", "ADV", True),
    ("take", "VERB", True), ("co-production", "NOUN", True),
    ("to", "PART", False), ("of", "ADP", False), ("the", "DET", False), ("can", "AUX", False),
    ("they", "PRON", False), ("six", "NUM", False), ("ago", "ADV", False), ("thing", "NOUN", False),
    ("really", "ADV", False), ("yeah", "INTJ", False), ("back", "ADV", False), ("'s", "VERB", False),
    ("need", "VERB", False), ("need", "NOUN", True),
])
def test_content_word(lemma, pos, expected):
    assert content_word(lemma, pos) is expected


def test_a_comma_may_sit_inside_a_phrase(frag_miner):
    rows = frag_miner.phrases_[frag_miner.phrases_["phrase"] == "money, not vouchers"]
    assert len(rows) == 1 and rows.iloc[0]["count"] == 3
