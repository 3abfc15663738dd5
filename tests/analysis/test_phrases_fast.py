"""The numpy phrase miner gives exactly what the reference miner (the old pure-Python fit, kept in
phrase_oracle.py) gives: the same phrases and occurrences tables, cell for cell and byte for byte as CSV, and
the same content words, on the demo corpus, the tuning documents and generated token tables."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.analysis.phrases import PhraseMiner
from workbench.analysis.tokens import SegmentTokens, TokenTable
from workbench.annotate import Annotator
from workbench.corpus import Corpus, load_corpus
from workbench.corpus.model import Document, Segment

from an_helpers import AN_DEMO_CORPUS
from phrase_oracle import ReferencePhraseMiner

TUNING_DOCS = Path(__file__).resolve().parents[1] / "data" / "tuning_a2" / "docs"

PARAMETERS = [
    {},
    {"min_count": 2},
    {"min_n": 3, "max_n": 4, "min_count": 2},
    {"min_n": 2, "max_n": 4, "min_count": 5, "min_docs": 2},
    {"min_count": 2, "min_docs": 2, "cover_ratio": 0.5},
    {"min_count": 2, "cover_ratio": 0.0, "max_phrases": 10},
    {"min_count": 2, "cover_ratio": 1.01},
    {"min_n": 1, "max_n": 1, "min_count": 2},
    {"min_n": 4, "max_n": 3},
    {"min_count": 1, "max_n": 3},
]


def assert_same(table: TokenTable, params: dict) -> PhraseMiner:
    """Fit both miners on ``table`` and compare everything they give."""
    new, old = PhraseMiner(**params).fit(table), ReferencePhraseMiner(**params).fit(table)
    for name in ("phrases_", "occurrences_"):
        got, want = getattr(new, name), getattr(old, name)
        pd.testing.assert_frame_equal(got, want, check_exact=True, obj=f"{name} {params}")
        assert got.to_csv(index=False) == want.to_csv(index=False), (name, params)
    assert new.content_words_ == old.content_words_
    return new


def _table(root: Path, cache: Path) -> TokenTable:
    corpus = load_corpus(root)
    return TokenTable.from_annotated(Annotator(cache_dir=cache, progress=False).annotate(corpus))


@pytest.fixture(scope="module")
def demo_table(an_cache_dir) -> TokenTable:
    return _table(AN_DEMO_CORPUS, an_cache_dir)


@pytest.fixture(scope="module")
def tuning_table(an_cache_dir) -> TokenTable:
    return _table(TUNING_DOCS, an_cache_dir)


@pytest.mark.slow
@pytest.mark.parametrize("params", PARAMETERS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "default")
def test_demo_corpus_same_as_reference(demo_table, params):
    miner = assert_same(demo_table, params)
    if not params:
        assert len(miner.phrases_) > 10 and len(miner.occurrences_) > len(miner.phrases_)  # not trivially equal


@pytest.mark.slow
@pytest.mark.parametrize("params", PARAMETERS[:6], ids=str)
def test_tuning_documents_same_as_reference(tuning_table, params):
    assert_same(tuning_table, params)


# -- generated token tables ------------------------------------------------------------------------
# A small vocabulary so that n-grams recur: content words, function words, light verbs, particles, a word
# that is both, and written forms with capitals, curly apostrophes and glued parts (one written word).
WORDS = [("care", "NOUN"), ("plan", "NOUN"), ("plan", "VERB"), ("peer", "NOUN"), ("support", "NOUN"),
         ("support", "VERB"), ("lived", "ADJ"), ("experience", "NOUN"), ("the", "DET"), ("of", "ADP"),
         ("with", "ADP"), ("people", "NOUN"), ("use", "VERB"), ("get", "VERB"), ("back", "ADV"),
         ("back", "ADP"), ("you", "PRON"), ("know", "VERB"), ("very", "ADV"), ("together", "ADV"),
         ("co", "NOUN"), ("production", "NOUN"), ("'s", "PART"), ("thing", "NOUN"), ("3", "NUM")]
SURFACES = {"care": ["care", "Care", "CARE"], "'s": ["'s", "’s"], "lived": ["lived", "Lived"],
            "experience": ["experience", "experiences"]}
PUNCT = [",", "-", ".", "?", "“", ";"]
GAPS = [" ", " ", " ", "", "  \n"]

token = st.one_of(
    st.tuples(st.integers(0, len(WORDS) - 1), st.integers(0, 2), st.sampled_from(GAPS), st.booleans()),
    st.tuples(st.just(-1), st.integers(0, len(PUNCT) - 1), st.sampled_from(GAPS), st.booleans()),
)
# Word sequences used again and again, so that long n-grams recur; each use may be written another way.
chunk = st.lists(st.tuples(st.integers(0, len(WORDS) - 1), st.integers(0, 2), st.sampled_from(GAPS),
                           st.just(False)), min_size=2, max_size=9)
item = st.one_of(token.map(lambda t: [t]), st.tuples(st.integers(0, 3), st.integers(0, 2)))
segment = st.tuples(st.lists(item, max_size=12), st.sampled_from([None, "Ann", "Bo", "Speaker 1"]))
document = st.tuples(st.lists(segment, min_size=1, max_size=5), st.sampled_from([None, "Cy", "Di"]))
corpus = st.tuples(st.lists(chunk, min_size=4, max_size=4), st.lists(document, min_size=1, max_size=6))


def expand(chunks: list, docs: list) -> list:
    """Documents whose segments are token lists: (chunk number, spelling shift) items become the chunk."""
    def tokens(items: list) -> list:
        out = []
        for it in items:
            if isinstance(it, list):
                out += it
            else:
                out += [(w, (v + it[1]) % 3, gap, s) for w, v, gap, s in chunks[it[0]]]
        return out
    return [([(tokens(items), speaker) for items, speaker in segs], author) for segs, author in docs]


def build_table(docs: list) -> TokenTable:
    """A token table of generated documents: each token written out so that offsets and texts agree."""
    documents, segments, rows = [], [], []
    for d, (segs, author) in enumerate(docs):
        doc_id, text = f"d{d}.txt", ""
        for s, (tokens, speaker) in enumerate(segs):
            seg_start = len(text)
            row = SegmentTokens(None, [], [], [], [], [], [], [], [])
            for i, (word, variant, gap, sent_start) in enumerate(tokens):
                if word < 0:
                    lemma = surface = PUNCT[variant]
                    pos = "PUNCT"
                else:
                    lemma, pos = WORDS[word]
                    forms = SURFACES.get(lemma, [lemma])
                    surface = forms[variant % len(forms)]
                row.lower.append(surface.lower())
                row.lemma.append(lemma)
                row.pos.append(pos)
                row.is_punct.append(word < 0)
                row.is_stop.append(pos in ("DET", "ADP", "PRON"))
                row.sent_start.append(sent_start or i == 0)
                row.start.append(len(text))
                text += surface
                row.end.append(len(text))
                text += gap
            seg = Segment(f"{doc_id}#{s}", doc_id, seg_start, len(text), text[seg_start:], speaker)
            row.segment = seg
            segments.append(seg)
            rows.append(row)
            text += "\n\n"
        attributes = {"author": author} if author else {}
        documents.append(Document(doc_id, text, "transcript", "txt", attributes=attributes))
    return TokenTable(Corpus("generated", documents, segments), rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated=corpus, params=st.sampled_from(PARAMETERS))
def test_generated_tables_same_as_reference(generated, params):
    assert_same(build_table(expand(*generated)), params)


def test_repeated_phrase_found_in_generated_table():
    """The generator can make tables with phrases (so the property above compares more than empty tables)."""
    phrase = [(0, 0, " ", False), (1, 0, " ", False)]  # "care plan"
    docs = [([(phrase * 2, "Ann"), (phrase, "Bo")], None), ([(phrase + [(-1, 2, " ", False)], None)], "Cy")]
    miner = assert_same(build_table(docs), {})
    assert list(miner.phrases_["phrase"]) == ["care plan"]
    assert list(miner.occurrences_["doc_id"]) == ["d0.txt"] * 3 + ["d1.txt"]
