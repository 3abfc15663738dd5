"""PhraseFamilies: shipped and user families on hand-written text (see conftest: AN_FAM_*)."""
from __future__ import annotations

import pytest

from workbench.analysis.families import (FAMILY_COLUMNS, MATCH_COLUMNS, VARIANT_COLUMNS, PhraseFamilies,
                                         compile_pattern, load_families, variant_of)
from workbench.errors import ConfigError

T, B = "transcripts/f1.txt", "blogs/f2.md"
WITH_NOT_FOR = "with, not for"
NOTHING = "nothing about us without us"


def matches(fam: PhraseFamilies, label: str):
    return fam.matches_[fam.matches_["family"] == label]


def family_row(fam: PhraseFamilies, label: str):
    rows = fam.families_[fam.families_["family"] == label]
    assert len(rows) == 1, list(fam.families_["family"])
    return rows.iloc[0]


def test_columns(an_families):
    assert list(an_families.matches_.columns) == MATCH_COLUMNS
    assert list(an_families.families_.columns) == FAMILY_COLUMNS
    assert list(an_families.variants_.columns) == VARIANT_COLUMNS


def test_variant_of_names_variants_by_their_words():
    assert variant_of("With people, not for them") == "with people not for them"
    assert variant_of("with us, not for us!") == "with us not for us"
    assert variant_of("rubber-stamp") == "rubber-stamp"
    assert variant_of("doesn’t") == "doesn't"


def test_with_not_for_variants_are_all_found(an_families):
    m = matches(an_families, WITH_NOT_FOR)
    assert sorted(m["variant"]) == sorted([
        "with not for", "with not for", "with not for",
        "with people not for them",
        "with us not for us",
        "doing with rather than doing for",
        "from doing for to doing with",
        "doing things with people rather than to them",
    ])
    assert set(m["variant"]) == {variant_of(s) for s in m["surface"]}
    by_variant = dict(zip(m["variant"], m["surface"]))
    assert by_variant["with people not for them"] == "with people, not for them"
    assert by_variant["with us not for us"] == "with us, not for us"


@pytest.mark.parametrize("sentence", ["I agree with that, not allowed to", "with you, not sent to you",
                                      "with them. Not for long"])
def test_look_alikes_are_not_with_not_for(an_fam, an_families, sentence):
    seg = next(s for s in an_fam.corpus.segments if sentence in s.text)
    assert seg.seg_id not in set(an_families.matches_["seg_id"])


def test_nothing_about_us_and_about_me_are_one_family(an_families):
    m = matches(an_families, NOTHING)
    assert sorted(m["variant"]) == ["nothing about me without me", "nothing about us without us",
                                    "nothing about us without us"]
    assert sorted(m["doc_id"]) == [B, T, T]


def test_family_and_variant_counts_and_documents_are_exact(an_families):
    r = family_row(an_families, WITH_NOT_FOR)
    assert (r["count"], r["doc_count"], r["speaker_count"], r["n_variants"]) == (8, 2, 3, 6)
    r = family_row(an_families, NOTHING)
    assert (r["count"], r["doc_count"], r["speaker_count"], r["n_variants"]) == (3, 2, 2, 2)
    r = family_row(an_families, "equal partners")
    assert (r["count"], r["doc_count"], r["speaker_count"], r["n_variants"]) == (1, 1, 1, 1)
    v = an_families.variants_
    got = {(f, var): (c, d, docs) for f, var, c, d, docs in v.itertuples(index=False)}
    assert got[(WITH_NOT_FOR, "with not for")] == (3, 2, f"{B}; {T}")
    assert got[(WITH_NOT_FOR, "with people not for them")] == (1, 1, T)
    assert got[(NOTHING, "nothing about us without us")] == (2, 2, f"{B}; {T}")
    assert got[(NOTHING, "nothing about me without me")] == (1, 1, T)
    assert len(v[v["family"] == WITH_NOT_FOR]) == 6
    # The most frequent variant comes first.
    assert v[v["family"] == WITH_NOT_FOR].iloc[0]["variant"] == "with not for"


def test_match_offsets_give_back_the_surface(an_fam, an_families):
    assert len(an_families.matches_) == 12
    for m in an_families.matches_.itertuples(index=False):
        assert an_fam.text(m.doc_id)[m.start_char:m.end_char] == m.surface
        seg = an_fam.seg(m.seg_id)
        assert seg.doc_id == m.doc_id and seg.start_char <= m.start_char < m.end_char <= seg.end_char
    text = an_fam.text(T)
    start = text.index("doing things with people rather than to them")
    row = an_families.matches_[an_families.matches_["variant"] == "doing things with people rather than to them"]
    assert (row.iloc[0]["start_char"], row.iloc[0]["end_char"]) == (start, start + 44)
    for r in an_families.families_.itertuples(index=False):
        assert an_fam.text(r.doc_id)[r.start_char:r.end_char] == r.example


USER_YAML = """families:
  - label: you said, we did
    description: Feedback that leads to change.
    phrases:
      - you said, we did
  - label: equal partners
    description: Our own wording.
    phrases:
      - equal footing
"""


def test_user_file_adds_a_family_and_overrides_a_shipped_label(tmp_path, an_fam):
    path = tmp_path / "mine.yml"
    path.write_text(USER_YAML, encoding="utf-8")
    fam = PhraseFamilies(families_file=path).fit(an_fam.annotated)
    labels = [s.label for s in fam.specs_]
    assert labels.count("equal partners") == 1 and "you said, we did" in labels and WITH_NOT_FOR in labels
    said = matches(fam, "you said, we did")
    assert list(said["surface"]) == ["You said, we did"] and list(said["variant"]) == ["you said we did"]
    equal = matches(fam, "equal partners")
    assert list(equal["surface"]) == ["equal footing"]  # the shipped "equal partners" pattern is gone
    # Shipped families that were not overridden still match.
    assert family_row(fam, WITH_NOT_FOR)["count"] == 8
    only_user = PhraseFamilies(families_file=path, include_defaults=False).fit(an_fam.annotated)
    assert set(only_user.matches_["family"]) == {"you said, we did", "equal partners"}


@pytest.mark.parametrize("text, line", [
    ("families:\n  - label: ok\n    phrases: [one two]\n  - label: bad\n   phrases: [x]\n", 5),
    ("families:\n  - label: ok\n\tphrases: [x]\n", 3),
])
def test_malformed_yaml_raises_E300_naming_the_line(tmp_path, text, line):
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        PhraseFamilies(families_file=path).specs()
    message = str(info.value)
    assert message.startswith("[E300]")
    assert f"line {line}" in message and str(path) in message


def test_families_without_a_list_or_label_raise_E300(tmp_path):
    for text in ("families: 3\n", "families:\n  - description: no label\n    phrases: [a b]\n",
                 "families:\n  - label: empty\n"):
        path = tmp_path / "odd.yml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            load_families(path)
        assert str(info.value).startswith("[E300]"), text


@pytest.mark.parametrize("pattern", ["- [with, '  ']", "- with not for", "- []"])
def test_invalid_pattern_item_raises_E301(tmp_path, pattern):
    path = tmp_path / "bad.yml"
    path.write_text(f"families:\n  - label: broken\n    patterns:\n      {pattern}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        PhraseFamilies(families_file=path).specs()
    assert str(info.value).startswith("[E301]") and "broken" in str(info.value)


def test_compact_pattern_notation():
    assert compile_pattern(["lemma:do?", ["for", "TO"], "*{0,2}", "pos:PRON|NOUN"], "x") == [
        {"LEMMA": "do", "OP": "?"},
        {"LOWER": {"IN": ["for", "to"]}},
        compile_pattern(["*{0,2}"], "x")[0],
        {"POS": {"IN": ["PRON", "NOUN"]}},
    ]
    gap = compile_pattern(["*{0,2}"], "x")[0]
    assert gap["OP"] == "{0,2}" and "." in gap["TEXT"]["NOT_IN"]
