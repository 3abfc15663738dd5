"""Hyphenated compounds ("co-production", "tick-box", "well-being") are one word for phrases, keyness and
theme keywords, while a concordance for either part still finds them."""
from __future__ import annotations

import pytest

from workbench.analysis.concordance import Concordance, query_words
from workbench.analysis.keyness import Keyness
from workbench.analysis.phrases import PhraseMiner
from workbench.analysis.themes import keyword_documents
from workbench.analysis.tokens import compound_groups

TALK = """Ana: Real co-production takes time. Co-production budgets were cut again this year.

Ben: We were asked to rubber-stamp it. Another tick-box exercise, and my well-being suffered.

Ana: Co-production budgets matter. Nobody wants a tick-box exercise.

Ben: Co-design sounds nice but co-production budgets decide it. The rubber stamp came out anyway.
"""
BLOG = """# Notes

The council promised co-production. A face-to-face meeting was held. Production of the report was slow.

Co-production budgets were agreed in the end, and staff well-being improved.
"""
META = "doc_id,kind\nt.txt,transcript\nb.md,blog\n"


@pytest.fixture(scope="module")
def comp(an_build):
    return an_build("compounds", {"t.txt": TALK, "b.md": BLOG, "metadata.csv": META})


def test_compound_groups_join_words_across_hyphens_without_spaces():
    texts = ["a", "co", "-", "production", "x", "face", "-", "to", "-", "face", "time", "-", "money"]
    glued = [False, True, True, False, False, True, True, True, True, False, False, False, False]
    assert compound_groups(texts, glued) == [(1, 3), (5, 9)]  # "time - money" has spaces: not a compound


def test_token_table_keeps_compounds_whole_with_their_parts(comp):
    rows = [(st.lower[i], st.lemma[i], st.parts.get(i)) for st in comp.table.segments for i in range(len(st.lower))
            if "-" in st.lower[i]]
    lowers = {lower for lower, _, _ in rows}
    assert {"co-production", "rubber-stamp", "tick-box", "well-being", "face-to-face", "co-design"} <= lowers
    assert ("co-production", "co-production", (["co", "production"], ["co", "production"])) in rows
    for st in comp.table.segments:  # the offsets still point at the compound in the document
        text = comp.corpus.document(st.segment.doc_id).text
        for i, lower in enumerate(st.lower):
            assert text[st.start[i]:st.end[i]].lower().replace("’", "'") == lower


def test_phrases_count_a_compound_as_one_word(comp):
    miner = PhraseMiner(min_count=3).fit(comp.table)
    assert "co-production budget" in set(miner.phrases_["phrase_key"])
    assert not any(key.startswith("co production") or " production budget" in f" {key}"
                   for key in miner.phrases_["phrase_key"])


def test_concordance_finds_a_compound_by_either_part_and_by_phrase(comp):
    conc = Concordance().fit(comp.table)
    production = set(conc.query("production")["match"])
    assert production == {"co-production", "Co-production", "Production"}
    assert set(conc.query("being")["match"]) == {"well-being"}
    assert set(conc.query("co-production")["match"]) == {"co-production", "Co-production"}
    assert list(conc.query("rubber stamp", "phrase")["match"]) == ["rubber-stamp", "rubber stamp"]
    assert set(conc.query("stamp", "lemma")["match"]) == {"rubber-stamp", "stamp"}
    assert query_words("A tick-box, co-designed") == ["a", "tick-box", "co-designed"]


def test_keyness_and_theme_keywords_keep_compounds(comp):
    keyness = Keyness("kind", "transcript", min_count=1).fit(comp.table, PhraseMiner(min_count=2).fit(comp.table))
    terms = set(keyness.keyness_["term"])
    assert "tick-box" in terms and "tick" not in terms and "box" not in terms
    words = " ".join(keyword_documents(comp.table)).split()
    assert "co-production" in words and "face-to-face" in words
    assert not {"co", "co_production", "tick_box", "well_being"} & set(words)
