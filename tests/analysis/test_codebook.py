"""Codebook: the shipped codebook, hierarchy helpers, Matcher patterns, numbered errors with lines."""
from __future__ import annotations

import textwrap

import pytest

from workbench.analysis.codebook import FRAME_COLUMNS, KINDS, Code, Codebook, UnknownCodeError, cue_pattern
from workbench.analysis.families import compile_pattern
from workbench.errors import ConfigError

BARRIERS = ["power and hierarchy", "time and resources", "culture and engrained systems",
            "tokenism and late consultation", "jargon and accessibility", "recognition and payment", "trust",
            "confidence and training"]


@pytest.fixture(scope="module")
def book() -> Codebook:
    return Codebook.default()


@pytest.fixture(scope="module")
def nlp():
    from workbench.annotate import load_pipeline

    return load_pipeline()


def labels_in(nlp, patterns: dict, text: str) -> set[str]:
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab, validate=True)
    for name, pats in patterns.items():
        matcher.add(name, pats)
    return {nlp.vocab.strings[match_id] for match_id, _, _ in matcher(nlp(text))}


def write(tmp_path, text: str):
    path = tmp_path / "codebook.yml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load_error(tmp_path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        Codebook.load(path)
    assert info.value.code == "E400"
    assert str(path) in str(info.value)
    return str(info.value)


# -- the shipped codebook -----------------------------------------------------------------------------

def test_default_has_the_top_level_codes(book):
    top = [c.name for c in book.codes if c.parent is None]
    assert top == ["barriers", "enablers", "principles", "benefits"]
    assert book.source.endswith("codebook.yml")


def test_default_has_exactly_the_eight_barriers(book):
    assert [c.name for c in book.children("barriers")] == BARRIERS
    assert all(c.kind == "barrier" for c in book.children("barriers"))


@pytest.mark.parametrize("parent, some", [
    ("enablers", ["early involvement", "paying people properly", "plain language and accessible meetings",
                  "shared power and budgets", "good facilitation", "training and support", "building trust"]),
    ("principles", ["with not for", "lived experience as expertise", "equal partnership",
                    "nothing about us without us"]),
    ("benefits", ["better services", "confidence and skills", "relationships and trust"]),
])
def test_default_has_the_other_categories(book, parent, some):
    names = [c.name for c in book.children(parent)]
    assert set(some) <= set(names)
    assert {book.get(n).kind for n in names} == {book.get(parent).kind}


def test_every_category_is_described_and_cued(book):
    for code in book.codes:
        if code.parent is None:
            continue
        assert code.description and code.description.count(".") <= 2, code.name
        assert 5 <= len(code.cues) <= 15, code.name
        assert 1 <= len(code.examples) <= 2, code.name


def test_every_cue_and_pattern_compiles(book, nlp):
    from spacy.matcher import Matcher

    patterns = book.matcher_patterns()
    assert set(patterns) == {c.name for c in book.codes if c.cues or c.patterns}
    matcher = Matcher(nlp.vocab, validate=True)
    for name, pats in patterns.items():
        assert len(pats) == len(book.get(name).cues) + len(book.get(name).patterns)
        matcher.add(name, pats)  # raises on an invalid pattern
    assert len(matcher) == len(patterns)


def test_each_category_matches_its_own_examples(book, nlp):
    patterns = book.matcher_patterns()
    missed = [(c.name, ex) for c in book.codes for ex in c.examples
              if c.name not in labels_in(nlp, patterns, ex)]
    assert missed == []


@pytest.mark.parametrize("sentence, code", [
    ("Patients are not allowed to join.", "power and hierarchy"),
    ("We weren’t allowed in the room.", "power and hierarchy"),
    ("They don't let us decide anything.", "power and hierarchy"),
    ("We can't afford the venue.", "time and resources"),
    ("We cannot get the money in time.", "time and resources"),
    ("There is a lack of proper funding.", "time and resources"),
    ("It was a tick box exercise.", "tokenism and late consultation"),
    ("It had already been agreed.", "tokenism and late consultation"),
    ("I couldn’t understand the report.", "jargon and accessibility"),
    ("We were not paid for months.", "recognition and payment"),
    ("People don’t believe a word.", "trust"),
    ("I didn't feel ready.", "confidence and training"),
])
def test_patterns_alone_find_negated_ability_and_permission(book, nlp, sentence, code):
    only_patterns = {c.name: [compile_pattern(p, c.name) for p in c.patterns] for c in book.codes if c.patterns}
    assert code in labels_in(nlp, only_patterns, sentence)


def test_patterns_do_not_fire_on_plain_statements(book, nlp):
    only_patterns = {c.name: [compile_pattern(p, c.name) for p in c.patterns] for c in book.codes if c.patterns}
    assert not {"power and hierarchy", "time and resources"} & labels_in(
        nlp, only_patterns, "We were allowed to vote and we can get the money.")


def test_cues_split_like_spacy_and_accept_curly_apostrophes():
    assert [t["LOWER"] for t in cue_pattern("rubber-stamp") if "LOWER" in t] == ["rubber", "stamp"]
    assert cue_pattern("can't")[-1]["LOWER"] == {"IN": ["n't", "n’t"]}
    assert cue_pattern("Don’t trust")[0] == {"LOWER": "do"}


def test_repeated_attribute_prefix_is_accepted(nlp):
    book = Codebook([Code("money", "barrier", patterns=[["lemma:lack", "of", "lemma:time|lemma:money"]])])
    assert "money" in labels_in(nlp, book.matcher_patterns(), "A lack of money.")


# -- hierarchy helpers ------------------------------------------------------------------------------

def test_hierarchy_helpers(book):
    assert book.get("trust").parent == "barriers"
    assert book.ancestors("trust") == ["barriers"]
    assert book.ancestors("barriers") == []
    assert book.children("trust") == []
    assert [c.name for c in book.of_kind("barrier")] == ["barriers"] + BARRIERS
    assert book.of_kind("other") == []
    deep = Codebook([Code("a", "other"), Code("b", "other", parent="a"), Code("c", "other", parent="b")])
    assert deep.ancestors("c") == ["b", "a"]
    assert [c.name for c in deep.children("a")] == ["b"]


def test_unknown_kind_in_of_kind(book):
    with pytest.raises(ConfigError, match=r"\[E404\].*barier.*barrier"):
        book.of_kind("barier")


def test_get_unknown_is_e401(book):
    with pytest.raises(UnknownCodeError) as info:
        book.get("trsut")
    assert isinstance(info.value, KeyError)
    assert info.value.code == "E401"
    assert str(info.value).startswith("[E401] Unknown code 'trsut'. Known codes: barriers, power and hierarchy")
    with pytest.raises(KeyError):
        book.children("nope")


def test_to_frame(book):
    frame = book.to_frame()
    assert list(frame.columns) == FRAME_COLUMNS
    assert len(frame) == len(book.codes)
    row = frame.set_index("name").loc["trust"]
    assert (row["kind"], row["parent"], row["n_cues"]) == ("barrier", "barriers", len(book.get("trust").cues))


def test_in_memory_codebook_is_checked():
    with pytest.raises(ConfigError, match=r"\[E403\].*duplicate code name 'a'"):
        Codebook([Code("a", "other"), Code("a", "other")])
    with pytest.raises(ConfigError, match=r"\[E403\].*unknown kind"):
        Codebook([Code("a", "theme")])


# -- save / load --------------------------------------------------------------------------------------

def test_save_load_round_trip(book, tmp_path):
    path = book.save(tmp_path / "out" / "book.yml")
    again = Codebook.load(path)
    assert again == book
    assert again.codes == book.codes and again.source == str(path)


def test_round_trip_keeps_awkward_values(tmp_path):
    book = Codebook([Code("yes", "other", description="no: really", cues=["no", "on", "n't"],
                          patterns=[["no", ["on", "off"], {"LOWER": "x", "OP": "?"}, "lemma:be?"]],
                          examples=["Line one\nline two"])])
    assert Codebook.load(book.save(tmp_path / "b.yml")) == book


def test_load_accepts_a_plain_list(tmp_path):
    book = Codebook.load(write(tmp_path, """
        - name: a
          kind: other
        """))
    assert [c.name for c in book.codes] == ["a"]


# -- malformed files: E400 with the line ---------------------------------------------------------------

def test_yaml_syntax_error_gives_its_line(tmp_path):
    message = load_error(tmp_path, """
        codes:
          - name: a
            kind: other
            cues: ["unclosed, "x"]
        """)
    assert " line 4: " in message


def test_bad_indentation_gives_its_line(tmp_path):
    message = load_error(tmp_path, """
        codes:
          - name: a
            kind: other
           description: oops
        """)
    assert " line 4: " in message


@pytest.mark.parametrize("text, line, detail", [
    ("""
     codes:
       - name: a
         kind: other
       - kind: barrier
         description: no name here
     """, 4, "code 2 has no 'name'"),
    ("""
     codes:
       - name: a
         kind: other
       - name: b
         kind: other
       - name: a
         kind: barrier
     """, 6, "duplicate code name 'a'"),
    ("""
     codes:
       - name: a
         kind: other
         parent: nowhere
     """, 4, "unknown parent 'nowhere'"),
    ("""
     codes:
       - name: a
         kind: other
         parent: c
       - name: b
         kind: other
         parent: a
       - name: c
         kind: other
         parent: b
     """, 4, "parent cycle: a -> c -> b -> a"),
    ("""
     codes:
       - name: a
         kind: other
       - name: b
         kind: barier
     """, 5, "unknown kind 'barier'"),
    ("""
     codes:
       - name: a
         kind: other
         patterns:
           - [lack, of, "lemma:time"]
           - - ok
             - ""
     """, 7, "pattern item is empty"),
    ("""
     codes:
       - name: a
         kind: other
         patterns: [[lack, of], [lack, no]]
     """, 4, "not a word: put it in quotes"),
    ("""
     codes:
       - name: a
         kind: other
         patterns:
           - [lack, {LOWR: x}]
     """, 5, "not a valid spaCy token"),
    ("""
     codes:
       - name: a
         kind: other
         patterns:
           - [lack, "lemma:time|pos:NOUN"]
     """, 5, "mixes 'lemma:' and 'pos:'"),
    ("""
     codes:
       - name: a
         kind: other
         patterns: [lack, of]
     """, 4, "pattern 1 must be a non-empty list"),
    ("""
     codes:
       - name: a
         kind: other
         cue: [x]
     """, 4, "unknown key 'cue'"),
    ("""
     codes:
       - name: a
     """, 2, "has no 'kind'"),
    ("""
     codes: {name: a}
     """, 1, "expected a list of codes"),
    ("", 1, "the file is empty"),
])
def test_semantic_errors_give_the_line(tmp_path, text, line, detail):
    message = load_error(tmp_path, text)
    assert f" line {line}: " in message
    assert detail in message


def test_unreadable_file_is_e402(tmp_path):
    with pytest.raises(ConfigError, match=r"\[E402\]"):
        Codebook.load(tmp_path / "missing.yml")


def test_kinds():
    assert KINDS == ("barrier", "enabler", "principle", "benefit", "other")
