"""Recurring phrases: n-grams of 2-8 tokens on lower-cased lemmas, ranked by association and spread.

- Matched on lemmas, so inflections merge ("lived experiences" -> "lived experience"); the most
  frequent surface form is shown.
- A phrase starts and ends with a content word: a noun, verb, adjective or adverb that is not a function
  word in disguise (``content_word``), and does not end on a verb cut off from its object or particle
  ("people who use [services]", "old hierarchies creep [back]"). Fragments such as "need to", "range of", "people with" or "of co-production" are not
  phrases; slogans made of small words ("nothing about us without us") are
  found as quoted statements and phrase families instead.
- Commas and hyphens may sit inside a phrase ("people, not budgets"); sentence punctuation, quotes and
  brackets end it; a phrase never crosses a segment boundary.
- score = association (PMI per link between words) x log2(1 + documents) x log2(1 + speakers) x the share
  of content words, so a phrase that recurs across documents and speakers beats one speaker repeating
  themselves, and "lived experience" beats "people with lived experience".
- A sub-phrase is dropped when longer kept phrases cover (nearly) all its occurrences.

How: the words become numpy arrays (lemma ids, run ids, flags), n-grams of each length are counted with one
stable sort of exact integer codes, and filters, cover pruning and document/speaker counts are array
operations; Python builds tuples, surfaces and rows only for n-grams that reach the cover test. The result is
the same, row for row and byte for byte, as the plain-Python miner it replaced (tests/analysis/phrase_oracle.py,
compared in tests/analysis/test_phrases_fast.py).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat

import numpy as np
import pandas as pd

from ..annotate import AnnotatedCorpus
from ..corpus.model import Segment
from .base import Analysis
from .lexicon import CONTENT_STOP_WORDS, FILLER_PHRASES, FILLER_WORDS, FUNCTION_POS, LIGHT_VERBS, LIGHT_WORDS
from .tokens import TokenTable, speaker_key

# A phrase ending on a verb followed by the start of its object, or by its particle ("old hierarchies creep
# [back]"), is cut short.
OBJECT_START = frozenset({"NOUN", "PROPN", "PRON", "DET", "NUM", "ADJ"})
PARTICLES = frozenset({"back", "up", "out", "off", "down", "away", "over"})
SOFT, PARTICLE = 1, 2  # kinds of lower-case forms that matter to runs and open verbs

OCCURRENCE_COLUMNS = ["phrase_key", "doc_id", "seg_id", "start_char", "end_char", "speaker", "surface"]
NGRAM_COLUMNS = ["phrase", "phrase_key", "n", "count", "doc_count", "speaker_count", "pmi", "score",
                 "variants", "example", "doc_id", "seg_id", "start_char", "end_char"]


def normalise_surface(text: str) -> str:
    """Lower-case, curly quotes straightened, runs of white space folded."""
    return " ".join(text.replace("’", "'").replace("‘", "'").lower().split())


class PhraseMiner(Analysis):
    """Find recurring n-grams. Results: ``phrases_`` (one row per phrase), ``occurrences_``."""

    def __init__(self, min_n: int = 2, max_n: int = 8, min_count: int = 3, min_docs: int = 1,
                 cover_ratio: float = 0.9, max_phrases: int | None = None):
        self.min_n = min_n
        self.max_n = max_n
        self.min_count = min_count
        self.min_docs = min_docs
        self.cover_ratio = cover_ratio
        self.max_phrases = max_phrases

    def fit(self, data: AnnotatedCorpus | TokenTable) -> "PhraseMiner":
        table = data if isinstance(data, TokenTable) else TokenTable.from_annotated(data)
        self.table_ = table
        words = word_arrays(table)
        unigram = np.bincount(words.lemma, minlength=len(words.vocab))
        as_content = np.bincount(words.lemma[words.content], minlength=len(words.vocab))
        total = max(len(words.lemma), 1)
        # Content words by lemma, for the score's share of content words: used as one at least half the time.
        is_content_word = (unigram > 0) & (2 * as_content >= unigram)
        self.content_words_ = frozenset(words.vocab[i] for i in np.flatnonzero(is_content_word).tolist())
        sometimes = as_content > 0
        spans = _SpanLookup(table, words)

        rows: list[dict] = []
        blocks: list[tuple[str, _Occurrences]] = []  # phrase key and occurrences of each phrase that got a row
        # Longest first: drop a phrase when kept longer phrases cover (nearly) all its occurrences. cover_end[a]:
        # the furthest end (word index, exclusive) of a kept phrase starting at word a, -1 if none.
        cover_end = np.full(len(words.lemma), -1, dtype=np.int64)
        low, high = max(2, self.min_n), max(2, self.max_n)
        levels = [level for level in frequent_ngrams(words, self.min_count, high) if level.n >= low]
        for level in reversed(levels):
            cands = self._candidates(level, words, sometimes)
            covered = _covered_counts(cands, cover_end, self.max_n)
            docs = _distinct_counts(cands, spans.seg_doc[words.seg[cands.starts]])
            speakers = _distinct_counts(cands, spans.seg_speaker[words.seg[cands.starts]])
            kept_starts = []
            for g, key in enumerate(cands.keys):
                count = int(cands.counts[g])
                if covered[g] >= self.cover_ratio * count or docs[g] < self.min_docs:
                    continue
                occ = spans.occurrences(cands.starts[cands.bounds[g]:cands.bounds[g + 1]], level.n)
                blocks.append((" ".join(key), occ))
                row = self._row(key, occ, count, int(docs[g]), int(speakers[g]), unigram, total, is_content_word,
                                words)
                if row is not None:
                    rows.append(row)
                    kept_starts.append(cands.starts[cands.bounds[g]:cands.bounds[g + 1]])
            if kept_starts:
                at = np.concatenate(kept_starts)
                cover_end[at] = np.maximum(cover_end[at], at + level.n)
        frame = pd.DataFrame(rows, columns=NGRAM_COLUMNS)
        frame = frame.sort_values(["score", "count", "phrase"], ascending=[False, False, True], kind="mergesort")
        if self.max_phrases:
            frame = frame.head(self.max_phrases)
        self.phrases_ = frame.reset_index(drop=True)
        self.occurrences_ = spans.frame(blocks, set(self.phrases_["phrase_key"]))
        return self

    def _candidates(self, level: "NgramLevel", words: "WordArrays", sometimes: np.ndarray) -> "Candidates":
        """The n-grams of one length that may be phrases, sorted by their lemmas.

        A phrase starts and ends with a content word in at least half of its occurrences, judged on each
        occurrence's own part of speech ("access needs" yes, "people need [to]" no), and does not end on a
        verb cut off from its object ("people who use [services]", "co-production means [different things]").
        """
        n, first = level.n, level.first_starts
        last = first + n - 1
        ok = sometimes[words.lemma[first]] & sometimes[words.lemma[last]]
        good = (words.content[level.starts] & words.content[level.starts + n - 1]
                & ~words.open_verb[level.starts + n - 1])
        ok &= 2 * np.bincount(level.grams[good], minlength=len(first)) >= level.counts
        keys = {}
        for g in np.flatnonzero(ok).tolist():
            key = tuple(words.vocab[i] for i in words.lemma[first[g]:first[g] + n].tolist())
            if self._allowed(key):
                keys[key] = g
        ordered = sorted(keys)
        return Candidates.of(level, [keys[k] for k in ordered], ordered)

    def _row(self, key: tuple[str, ...], occ: "_Occurrences", count: int, n_docs: int, n_speakers: int,
             unigram: np.ndarray, total: int, is_content_word: np.ndarray, words: "WordArrays") -> dict | None:
        """The table row of a phrase, or None when it is one written word split by the tokenizer."""
        n = len(key)
        surfaces = Counter(occ.surfaces())
        ids = words.lemma[occ.first_start:occ.first_start + n].tolist()
        expected = n and math.prod(int(unigram[i]) for i in ids) / total ** (n - 1)
        pmi = math.log2(count / expected) / (n - 1) if expected > 0 else 0.0
        share = sum(bool(is_content_word[i]) for i in ids) / n
        score = max(pmi, 0.0) * math.log2(1 + n_docs) * math.log2(1 + n_speakers) * share
        common = surfaces.most_common()
        if " " not in common[0][0]:
            return None  # one written word split by the tokenizer ("co-production", "let's")
        seg, start, end, text = occ.first()
        return {
            "phrase": common[0][0], "phrase_key": " ".join(key), "n": n,
            "count": count, "doc_count": n_docs, "speaker_count": n_speakers,
            "pmi": round(pmi, 4), "score": round(score, 4),
            "variants": "; ".join(s for s, _ in common),
            "example": text, "doc_id": seg.doc_id, "seg_id": seg.seg_id, "start_char": start, "end_char": end,
        }

    @staticmethod
    def _allowed(key: tuple[str, ...]) -> bool:
        """Not a filler ("you know") nor one word repeated."""
        if key in FILLER_PHRASES:
            return False
        return not (len(set(key)) == 1)  # "very very"


@dataclass
class WordArrays:
    """Every word of a token table (punctuation left out) in corpus order, as numpy arrays.

    Lemmas are ids into ``vocab`` (built per fit). ``run``: words with the same run id may sit in one phrase;
    a run ends at hard punctuation, a sentence start and a segment boundary, so the ids only grow.
    """

    vocab: list[str]
    lemma: np.ndarray  # int64 lemma id
    run: np.ndarray  # int64, non-decreasing
    seg: np.ndarray  # int64 index of the segment in table.segments
    start: np.ndarray  # int64 document offsets of the word
    end: np.ndarray
    content: np.ndarray  # bool: used as a content word here (``content_word`` of its lemma and tag)
    open_verb: np.ndarray  # bool: a verb whose object or particle follows right after it


def word_arrays(table: TokenTable) -> WordArrays:
    """The words of ``table`` as arrays (one pass over its lists, the rest in numpy)."""
    segments = table.segments
    lengths = np.fromiter((len(st.lemma) for st in segments), dtype=np.int64, count=len(segments))
    size = int(lengths.sum())
    lemma, vocab = _ids(segments, "lemma", size)
    pos, tags = _ids(segments, "pos", size)
    # Lower-case forms matter only as soft punctuation (inside a phrase) or as a particle after a verb.
    kind = {**{w: SOFT for w in (",", "-")}, **{w: PARTICLE for w in PARTICLES}}
    lower = np.fromiter(map(kind.get, chain.from_iterable(st.lower for st in segments), repeat(0)),
                        dtype=np.int8, count=size)
    punct = _flat(segments, "is_punct", size, bool)
    sent_start = _flat(segments, "sent_start", size, bool)
    seg = np.repeat(np.arange(len(segments), dtype=np.int64), lengths)
    first = np.zeros(size, dtype=bool)
    first[(np.cumsum(lengths) - lengths)[lengths > 0]] = True
    # Run breaks: a new segment, a sentence start, hard punctuation (which breaks after itself).
    run = np.cumsum(first.astype(np.int64) + (sent_start & ~first) + (punct & (lower != SOFT)))
    # A verb is open when the next token of its segment is a word (no sentence start) that starts its object
    # or is its particle.
    follows = np.isin(pos, [i for i, t in enumerate(tags) if t in OBJECT_START]) | (lower == PARTICLE)
    open_verb = np.zeros(size, dtype=bool)
    open_verb[:-1] = (pos[:-1] == _id_of(tags, "VERB")) & ~first[1:] & ~punct[1:] & ~sent_start[1:] & follows[1:]
    # content_word once per distinct (lemma, tag) pair.
    pair = lemma * max(len(tags), 1) + pos
    flags = np.zeros(len(vocab) * max(len(tags), 1), dtype=bool)
    pairs = np.unique(pair).tolist()
    flags[pairs] = [content_word(vocab[p // len(tags)], tags[p % len(tags)]) for p in pairs]
    content = flags[pair]
    word = ~punct
    return WordArrays(vocab, lemma[word], run[word], seg[word], _flat(segments, "start", size, np.int64)[word],
                      _flat(segments, "end", size, np.int64)[word], content[word], open_verb[word])


def _flat(segments: list, name: str, size: int, dtype) -> np.ndarray:
    """One attribute of every segment's tokens, end to end."""
    return np.fromiter(chain.from_iterable(getattr(st, name) for st in segments), dtype=dtype, count=size)


def _ids(segments: list, name: str, size: int) -> tuple[np.ndarray, list[str]]:
    """One string attribute of every token as ids, and the strings by id (in order of first use)."""
    values = list(chain.from_iterable(getattr(st, name) for st in segments))
    index = {value: i for i, value in enumerate(dict.fromkeys(values))}
    return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=size), list(index)


def _id_of(vocab: list[str], value: str) -> int:
    return vocab.index(value) if value in vocab else -1


@dataclass
class NgramLevel:
    """The n-grams of one length that occur at least ``min_count`` times.

    Occurrences are grouped by n-gram, each group in text order: n-gram ``g`` (0..G-1) starts at the words
    ``starts[bounds[g]:bounds[g + 1]]``; ``grams`` says whose each occurrence is.
    """

    n: int
    starts: np.ndarray
    grams: np.ndarray
    bounds: np.ndarray

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.bounds)

    @property
    def first_starts(self) -> np.ndarray:
        return self.starts[self.bounds[:-1]]


def frequent_ngrams(words: WordArrays, min_count: int, max_n: int) -> list[NgramLevel]:
    """Every n-gram of 2..max_n words inside one run that occurs at least ``min_count`` times, by length.

    An n-gram occurs only where its first n-1 words do, so each length extends only the occurrences of
    frequent shorter n-grams (as apriori does). N-grams are numbered exactly, without hashing: an n-gram's
    code is (number of its first n-1 words) x vocabulary size + its last word, below words x vocabulary.
    A stable sort of the codes groups the occurrences; n-grams in one group share their first n-1 words,
    so each group stays in text order from one length to the next.
    """
    lemma, run, size = words.lemma, words.run, len(words.lemma)
    vocab_size = max(len(words.vocab), 1)
    if (max(size, vocab_size) + 1) * vocab_size >= 2 ** 63:
        raise OverflowError(f"{size} words and {vocab_size} lemmas are too many to number n-grams in 64 bits")
    levels: list[NgramLevel] = []
    starts = np.flatnonzero(run[:-1] == run[1:]) if size > 1 else np.zeros(0, dtype=np.int64)
    prefix = lemma[starts]  # the number of each occurrence's first n-1 words
    for n in range(2, max_n + 1):
        if not len(starts):
            break
        codes = prefix * vocab_size + lemma[starts + n - 1]
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        head = np.ones(len(codes), dtype=bool)
        head[1:] = codes[1:] != codes[:-1]
        group = np.cumsum(head) - 1
        counts = np.diff(np.append(np.flatnonzero(head), len(codes)))
        frequent = counts >= min_count
        keep = frequent[group]
        starts, grams = starts[order[keep]], (np.cumsum(frequent) - 1)[group[keep]]
        if not len(starts):
            break
        levels.append(NgramLevel(n, starts, grams, np.concatenate([[0], np.cumsum(counts[frequent])])))
        # Grow by one word where the next word is in the same run.
        grow = starts + n < size
        grow[grow] = run[starts[grow] + n] == run[starts[grow]]
        starts, prefix = starts[grow], grams[grow]
    return levels


@dataclass
class Candidates:
    """Some n-grams of one level in a chosen order, with their occurrences grouped: n-gram ``g`` has the
    occurrences ``starts[bounds[g]:bounds[g + 1]]`` (in text order), and ``gram`` says whose each is."""

    n: int
    keys: list[tuple[str, ...]]
    counts: np.ndarray
    starts: np.ndarray
    gram: np.ndarray
    bounds: np.ndarray

    @classmethod
    def of(cls, level: NgramLevel, chosen: list[int], keys: list[tuple[str, ...]]) -> "Candidates":
        chosen_ = np.asarray(chosen, dtype=np.int64)
        counts = level.counts[chosen_]
        bounds = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        gram = np.repeat(np.arange(len(chosen_), dtype=np.int64), counts)
        index = np.repeat(level.bounds[chosen_], counts) + np.arange(bounds[-1]) - np.repeat(bounds[:-1], counts)
        return cls(level.n, keys, counts, level.starts[index], gram, bounds)


def _covered_counts(cands: Candidates, cover_end: np.ndarray, longest: int) -> list[int]:
    """Per candidate, how many of its occurrences a kept longer phrase covers: one starting at most
    ``longest - n`` words before it and ending at or after its end."""
    starts, n = cands.starts, cands.n
    covered = np.zeros(len(starts), dtype=bool)
    for back in range(0, longest - n + 1):
        at = starts - back
        covered |= (at >= 0) & (cover_end[np.maximum(at, 0)] >= starts + n)
    return np.bincount(cands.gram[covered], minlength=len(cands.keys)).tolist()


def _distinct_counts(cands: Candidates, values: np.ndarray) -> list[int]:
    """Per candidate, the number of distinct ``values`` (one per occurrence, small non-negative ints)."""
    if not len(values):
        return [0] * len(cands.keys)
    pairs = np.unique(cands.gram * (int(values.max()) + 1) + values)
    return np.bincount(pairs // (int(values.max()) + 1), minlength=len(cands.keys)).tolist()


class _SpanLookup:
    """From word indices to segments, documents, speakers and the text of an occurrence."""

    def __init__(self, table: TokenTable, words: WordArrays):
        self.words = words
        self.segments = [st.segment for st in table.segments]
        self.texts = [table.corpus.document(s.doc_id).text for s in self.segments]
        self.seg_doc = _numbered([s.doc_id for s in self.segments])
        self.seg_speaker = _numbered([speaker_key(table.corpus, s) for s in self.segments])
        self.normalised: dict[str, str] = {}

    def occurrences(self, starts: np.ndarray, n: int) -> "_Occurrences":
        """The occurrences of an n-gram starting at the words ``starts``."""
        seg, start, end = self.words.seg[starts], self.words.start[starts], self.words.end[starts + n - 1]
        texts = [self.texts[s][a:b] for s, a, b in zip(seg.tolist(), start.tolist(), end.tolist())]
        return _Occurrences(self, int(starts[0]), seg, start, end, texts)

    def frame(self, blocks: list[tuple[str, "_Occurrences"]], keys: set[str]) -> pd.DataFrame:
        """The occurrences table (OCCURRENCE_COLUMNS) of the blocks whose phrase key is in ``keys``.

        Built from every block, then filtered, so pandas infers each column's type from the same values as
        the one-tuple-per-row table of the reference miner (string columns are lists, as tuples would be).
        """
        if not blocks:
            return pd.DataFrame([], columns=OCCURRENCE_COLUMNS)
        seg = np.concatenate([occ.seg for _, occ in blocks]).tolist()
        segments = self.segments
        column = {
            "phrase_key": [key for key, occ in blocks for _ in occ.texts],
            "doc_id": list(map([s.doc_id for s in segments].__getitem__, seg)),
            "seg_id": list(map([s.seg_id for s in segments].__getitem__, seg)),
            "start_char": np.concatenate([occ.start for _, occ in blocks]),
            "end_char": np.concatenate([occ.end for _, occ in blocks]),
            "speaker": list(map([s.speaker for s in segments].__getitem__, seg)),
            "surface": [t for _, occ in blocks for t in occ.texts],
        }
        frame = pd.DataFrame(column, columns=OCCURRENCE_COLUMNS)
        return frame[frame["phrase_key"].isin(keys)].reset_index(drop=True)


def _numbered(values: list[str]) -> np.ndarray:
    """Equal strings get equal small ints."""
    index: dict[str, int] = {}
    return np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))


@dataclass
class _Occurrences:
    """The occurrences of one phrase: segment index, document offsets and text of each, in text order."""

    lookup: _SpanLookup
    first_start: int  # word index of the first occurrence
    seg: np.ndarray
    start: np.ndarray
    end: np.ndarray
    texts: list[str]

    def surfaces(self) -> list[str]:
        """The normalised text of each occurrence."""
        cache = self.lookup.normalised
        return [cache[t] if t in cache else cache.setdefault(t, normalise_surface(t)) for t in self.texts]

    def first(self) -> tuple[Segment, int, int, str]:
        return self.lookup.segments[int(self.seg[0])], int(self.start[0]), int(self.end[0]), self.texts[0]


def content_word(lemma: str, pos: str) -> bool:
    """A word that carries meaning: not a function part of speech (determiner, preposition, pronoun,
    auxiliary, conjunction, particle, number, ...), not a filler, not a light word ("thing", "ago") or a
    light verb ("get", "need" as verbs), not a spaCy stop word unless it is a content word in its own right
    ("together", "take")."""
    if pos in FUNCTION_POS or lemma in FILLER_WORDS or lemma in LIGHT_WORDS:
        return False
    if pos == "VERB" and lemma in LIGHT_VERBS:
        return False
    if not any(c.isalpha() for c in lemma) or lemma.startswith("'"):
        return False
    return lemma not in stop_words() or lemma in CONTENT_STOP_WORDS


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, lower-cased, plus contractions (imported when first needed: importing
    spaCy takes seconds, and a re-run that reuses its results never needs it)."""
    from spacy.lang.en.stop_words import STOP_WORDS as SPACY_STOP_WORDS

    return frozenset(w.lower() for w in SPACY_STOP_WORDS) | {"-pron-", "'s", "n't", "not"}
