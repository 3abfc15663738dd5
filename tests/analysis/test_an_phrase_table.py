"""build_phrase_table: n-grams, quoted phrases and families in one table (phrase corpus, see conftest)."""
from __future__ import annotations

import re

import pytest

from workbench.analysis.families import PhraseFamilies, variant_of
from workbench.analysis.phrase_table import (OCCURRENCE_COLUMNS, PHRASE_COLUMNS, build_phrase_table,
                                             distinct_wordings, wording_key)
from workbench.analysis.phrases import normalise_surface

from an_helpers import an_words

EXPECTED_COLUMNS = ["phrase", "family", "kind", "count", "doc_count", "speaker_count", "score", "variants", "example"]
EXAMPLE = re.compile(r"^“.+” \((?P<seg>[^()]+), (?P<start>\d+)-(?P<end>\d+)\)$", re.S)


@pytest.fixture(scope="module")
def an_table(an_phr, an_miner, an_phr_quoted, an_phr_families):
    return build_phrase_table(an_phr.corpus, an_miner, an_phr_quoted, an_phr_families)


def rows(table, kind, phrase=None):
    t = table[table["kind"] == kind]
    return t if phrase is None else t[t["phrase"] == phrase]


def test_columns_start_with_the_phrase_columns(an_table):
    phrases, occurrences = an_table
    assert PHRASE_COLUMNS == EXPECTED_COLUMNS
    assert list(phrases.columns[:9]) == EXPECTED_COLUMNS
    assert list(phrases.columns[9:]) == ["doc_id", "seg_id", "start_char", "end_char"]
    assert list(occurrences.columns) == OCCURRENCE_COLUMNS


def test_kinds_and_row_counts(an_table, an_miner, an_phr_quoted, an_phr_families):
    phrases, _ = an_table
    assert set(phrases["kind"]) == {"ngram", "quoted", "family"}
    assert len(rows(phrases, "ngram")) == len(an_miner.phrases_) == 5
    assert len(rows(phrases, "quoted")) == len(an_phr_quoted.phrases_) == 1
    assert len(rows(phrases, "family")) == len(an_phr_families.families_) == 3
    # Families first, then quoted phrases, then n-grams.
    order = {"family": 0, "quoted": 1, "ngram": 2}
    assert list(phrases["kind"].map(order)) == sorted(phrases["kind"].map(order))


def test_ngrams_inside_family_matches_get_the_family_label(an_table):
    phrases, _ = an_table
    label = dict(zip(rows(phrases, "ngram")["phrase"], rows(phrases, "ngram")["family"]))
    assert label["lived experience"] == "lived experience as expertise"
    assert label["peer support"] == "" and label["budget holder"] == "" and label["tea trolley"] == ""
    quoted = rows(phrases, "quoted", "nothing about us without us")
    assert list(quoted["family"]) == ["nothing about us without us"]
    assert list(quoted["count"]) == [2]


def test_family_rows_carry_family_counts(an_table):
    phrases, _ = an_table
    fam = rows(phrases, "family").set_index("phrase")
    assert fam.loc["with, not for", ["count", "doc_count", "speaker_count"]].tolist() == [3, 3, 3]
    assert fam.loc["lived experience as expertise", ["count", "doc_count", "speaker_count"]].tolist() == [4, 3, 4]
    assert (fam.index == fam["family"]).all()


def test_example_names_its_segment_and_offsets_which_give_the_phrase(an_table, an_phr):
    phrases, _ = an_table
    for r in phrases.itertuples(index=False):
        m = EXAMPLE.match(r.example)
        assert m, r.example
        seg_id, start, end = m["seg"], int(m["start"]), int(m["end"])
        assert (seg_id, start, end) == (r.seg_id, r.start_char, r.end_char)
        seg = an_phr.seg(seg_id)
        assert seg.doc_id == r.doc_id and seg.start_char <= start < end <= seg.end_char
        found = an_phr.text(seg.doc_id)[start:end]
        assert found in r.example  # the quoted sentence contains the match
        if r.kind == "family":
            assert variant_of(found) in {variant_of(v) for v in r.variants.split("; ")}
        else:
            assert an_words(found) == an_words(r.phrase), (r.phrase, found)


def test_occurrence_offsets_are_exact(an_table, an_phr):
    phrases, occurrences = an_table
    assert len(occurrences) == int(phrases["count"].sum())
    for o in occurrences.itertuples(index=False):
        assert an_phr.text(o.doc_id)[o.start_char:o.end_char] == o.surface
        seg = an_phr.seg(o.seg_id)
        assert seg.doc_id == o.doc_id and seg.start_char <= o.start_char < o.end_char <= seg.end_char
    for r in phrases.itertuples(index=False):
        mine = occurrences[(occurrences["phrase"] == r.phrase) & (occurrences["kind"] == r.kind)]
        assert len(mine) == r.count, r.phrase
        assert set(mine["family"]) == {r.family}
        if r.kind != "family":
            assert {normalise_surface(s) for s in mine["surface"]} <= set(r.variants.split("; "))


def test_without_families_no_row_has_a_family(an_phr, an_miner, an_phr_quoted):
    phrases, occurrences = build_phrase_table(an_phr.corpus, an_miner, an_phr_quoted, None)
    assert set(phrases["kind"]) == {"ngram", "quoted"}
    assert (phrases["family"] == "").all() and (occurrences["family"] == "").all()


SPLIT_FAMILIES = """families:
  - label: trolley talk
    phrases: [tea trolley was, tea trolley came, tea trolley is]
  - label: early asks
    phrases: [budget holder early]
"""


def test_family_label_needs_at_least_half_of_the_occurrences(tmp_path, an_phr, an_miner):
    path = tmp_path / "split.yml"
    path.write_text(SPLIT_FAMILIES, encoding="utf-8")
    families = PhraseFamilies(families_file=path).fit(an_phr.annotated)
    assert len(families.matches_[families.matches_["family"] == "trolley talk"]) == 3
    assert len(families.matches_[families.matches_["family"] == "early asks"]) == 1
    phrases, _ = build_phrase_table(an_phr.corpus, an_miner, None, families)
    label = dict(zip(rows(phrases, "ngram")["phrase"], rows(phrases, "ngram")["family"]))
    assert label["tea trolley"] == "trolley talk"  # 3 of its 5 occurrences
    assert label["budget holder"] == ""  # 1 of its 3 occurrences


def test_distinct_wordings_shows_each_wording_once(an_table):
    phrases, _ = an_table
    shown = distinct_wordings(phrases)
    # The quoted "nothing about us without us" is one of its family's wordings: only the family row stays.
    assert len(rows(phrases, "quoted", "nothing about us without us")) == 1
    assert rows(shown, "quoted", "nothing about us without us").empty
    assert len(rows(shown, "family", "nothing about us without us")) == 1
    # "lived experience" is the wording of "lived experience as expertise".
    assert rows(shown, "ngram", "lived experience").empty
    assert set(rows(shown, "ngram")["phrase"]) == {"peer support", "budget holder", "peer support workers",
                                                   "tea trolley"}
    keys = [wording_key(p) for p in shown["phrase"]]
    family_wordings = {wording_key(v) for r in rows(shown, "family").itertuples(index=False)
                       for v in r.variants.split("; ")}
    assert not [k for k, kind in zip(keys, shown["kind"]) if kind != "family" and k in family_wordings]
    assert len(keys) == len(set(keys))


def test_a_wording_both_quoted_and_recurring_is_shown_once_with_the_larger_count():
    import pandas as pd

    def row(phrase, kind, count, family="", variants=""):
        return {"phrase": phrase, "family": family, "kind": kind, "count": count, "doc_count": 1,
                "speaker_count": 1, "score": 1.0, "variants": variants or phrase, "example": ""}

    table = pd.DataFrame([
        row("with, not for", "family", 5, "with, not for", "with not for; with people, not for them"),
        row("With people, not for them", "quoted", 2, "with, not for"),
        row("with people not for them and their carers", "quoted", 1, "with, not for"),
        row("service users", "quoted", 1), row("service users", "ngram", 9),
        row("tick-box", "quoted", 3), row("tick box", "ngram", 3),
    ])
    shown = distinct_wordings(table)
    assert list(zip(shown["kind"], shown["phrase"])) == [
        ("family", "with, not for"), ("quoted", "with people not for them and their carers"),
        ("ngram", "service users"), ("quoted", "tick-box")]
    assert wording_key("“With, not-for’s”") == "with not fors"


def test_a_quoted_statement_carries_a_family_only_when_it_is_one_of_its_wordings(an_build):
    from workbench.analysis.quotes import QuotedPhrases

    bench = an_build("quoted_family", {"transcripts/q.txt": (
        "Ana: The banner said “with us, not for us” in red.\n\n"
        "Ben: The plan says it was “co-produced with people with lived experience” on page one.\n\n"
        "Ana: And the poster said “Nothing about us without us, ever”.\n")})
    families = PhraseFamilies().fit(bench.annotated)
    table, _ = build_phrase_table(bench.corpus, None, QuotedPhrases().fit(bench.corpus), families)
    label = dict(zip(rows(table, "quoted")["phrase"], rows(table, "quoted")["family"]))
    assert label == {"with us, not for us": "with, not for",
                     "co-produced with people with lived experience": "",  # mentions "lived experience"
                     "nothing about us without us, ever": "nothing about us without us"}
    assert "lived experience as expertise" in set(families.matches_["family"])
