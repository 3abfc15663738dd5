"""The REFERENCE phrase miner: a verbatim copy of ``PhraseMiner.fit`` as it was before the fast rewrite
(commit 2e8f9eb), kept only as a test oracle for tests/analysis/test_phrases_fast.py. Do not use it in the
package and do not "fix" it: the fast miner must give exactly what this gives.

Original module docstring:
Recurring phrases: n-grams of 2-8 tokens on lower-cased lemmas, ranked by association and spread.

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
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from functools import lru_cache

import pandas as pd

from workbench.annotate import AnnotatedCorpus
from workbench.analysis.base import Analysis
from workbench.analysis.lexicon import CONTENT_STOP_WORDS, FILLER_PHRASES, FILLER_WORDS, FUNCTION_POS, LIGHT_VERBS, LIGHT_WORDS
from workbench.analysis.tokens import TokenTable, speaker_key

# A phrase ending on a verb followed by the start of its object, or by its particle ("old hierarchies creep
# [back]"), is cut short.
OBJECT_START = frozenset({"NOUN", "PROPN", "PRON", "DET", "NUM", "ADJ"})
PARTICLES = frozenset({"back", "up", "out", "off", "down", "away", "over"})

OCCURRENCE_COLUMNS = ["phrase_key", "doc_id", "seg_id", "start_char", "end_char", "speaker", "surface"]
NGRAM_COLUMNS = ["phrase", "phrase_key", "n", "count", "doc_count", "speaker_count", "pmi", "score",
                 "variants", "example", "doc_id", "seg_id", "start_char", "end_char"]


def normalise_surface(text: str) -> str:
    """Lower-case, curly quotes straightened, runs of white space folded."""
    return " ".join(text.replace("’", "'").replace("‘", "'").lower().split())


class ReferencePhraseMiner(Analysis):
    """Find recurring n-grams. Results: ``phrases_`` (one row per phrase), ``occurrences_``."""

    def __init__(self, min_n: int = 2, max_n: int = 8, min_count: int = 3, min_docs: int = 1,
                 cover_ratio: float = 0.9, max_phrases: int | None = None):
        self.min_n = min_n
        self.max_n = max_n
        self.min_count = min_count
        self.min_docs = min_docs
        self.cover_ratio = cover_ratio
        self.max_phrases = max_phrases

    def fit(self, data: AnnotatedCorpus | TokenTable) -> "ReferencePhraseMiner":
        table = data if isinstance(data, TokenTable) else TokenTable.from_annotated(data)
        self.table_ = table
        # Per segment: lemmas and token indices of the words (punctuation left out), and run ids
        # (a run ends at hard punctuation or a sentence start).
        seqs: list[tuple[list[str], list[int], list[int]]] = []
        is_content: list[list[bool]] = []  # per segment, per word: used as a content word here
        open_verb: list[list[bool]] = []  # per segment, per word: a verb whose object follows right after it
        unigram: Counter[str] = Counter()
        as_content: Counter[str] = Counter()  # how often each lemma is used as a content word
        for st in table.segments:
            lem, idx, run, flags = [], [], [], []
            run_id = 0
            for i, (lemma, punct, sent_start, lower) in enumerate(zip(st.lemma, st.is_punct, st.sent_start, st.lower)):
                if sent_start and i > 0:
                    run_id += 1
                if punct:
                    if lower not in (",", "-"):
                        run_id += 1
                    continue
                lem.append(lemma)
                idx.append(i)
                run.append(run_id)
                flags.append(content_word(lemma, st.pos[i]))
                as_content[lemma] += flags[-1]
            unigram.update(lem)
            seqs.append((lem, idx, run))
            is_content.append(flags)
            open_verb.append([st.pos[i] == "VERB" and i + 1 < len(st.pos) and not st.is_punct[i + 1]
                              and not st.sent_start[i + 1]
                              and (st.pos[i + 1] in OBJECT_START or st.lower[i + 1] in PARTICLES)
                              for i in idx])
        total = max(sum(unigram.values()), 1)
        # Content words by lemma, for the score's share of content words: used as one at least half the time.
        self.content_words_ = frozenset(w for w, c in as_content.items() if 2 * c >= unigram[w])
        sometimes = {w for w, c in as_content.items() if c}

        counts: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        level: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
        for si, (lem, _, run) in enumerate(seqs):
            for p in range(len(lem) - 1):
                if run[p] == run[p + 1]:
                    level[(lem[p], lem[p + 1])].append((si, p))
        n = 2
        while True:
            kept = {k: v for k, v in level.items() if len(v) >= self.min_count}
            if n >= self.min_n:
                counts.update(kept)
            if n >= self.max_n or not kept:
                break
            n += 1
            level = defaultdict(list)
            for key, occ in kept.items():
                for si, p in occ:
                    lem, _, run = seqs[si]
                    q = p + n - 1
                    if q < len(lem) and run[q] == run[p]:
                        level[key + (lem[q],)].append((si, p))

        # A phrase starts and ends with a content word in at least half of its occurrences, judged on each
        # occurrence's own part of speech ("access needs" yes, "people need [to]" no), and does not end on a
        # verb cut off from its object ("people who use [services]", "co-production means [different things]").
        candidates = {k: v for k, v in counts.items()
                      if k[0] in sometimes and k[-1] in sometimes and self._allowed(k)
                      and 2 * sum(is_content[si][p] and is_content[si][p + len(k) - 1]
                                  and not open_verb[si][p + len(k) - 1] for si, p in v) >= len(v)}
        # Longest first: drop a phrase when kept longer phrases cover (nearly) all its occurrences.
        # Per segment: start -> furthest end of a kept phrase starting there. A kept phrase is at most
        # max_n words long, so only the few starts from p + n - max_n to p can contain (p, p + n).
        cover: dict[int, dict[int, int]] = defaultdict(dict)
        longest = self.max_n
        rows, occ_rows = [], []
        for key in sorted(candidates, key=lambda k: (-len(k), k)):
            occ = candidates[key]
            n = len(key)
            covered = sum(1 for si, p in occ
                          if any(cover[si].get(a, -1) >= p + n for a in range(max(0, p + n - longest), p + 1)))
            if covered >= self.cover_ratio * len(occ):
                continue
            segs = [table.segments[si].segment for si, _ in occ]
            docs = {s.doc_id for s in segs}
            if len(docs) < self.min_docs:
                continue
            speakers = {speaker_key(table.corpus, s) for s in segs}
            surfaces: Counter[str] = Counter()
            spans = []
            for si, p in occ:
                st = table.segments[si]
                _, idx, _ = seqs[si]
                start, end = st.start[idx[p]], st.end[idx[p + n - 1]]
                text = table.corpus.document(st.segment.doc_id).text[start:end]
                surfaces[normalise_surface(text)] += 1
                spans.append((st.segment, start, end, text))
                occ_rows.append((" ".join(key), st.segment.doc_id, st.segment.seg_id, start, end,
                                 st.segment.speaker, text))
            expected = n and math.prod(unigram[w] for w in key) / total ** (n - 1)
            pmi = math.log2(len(occ) / expected) / (n - 1) if expected > 0 else 0.0
            share = sum(w in self.content_words_ for w in key) / n
            score = max(pmi, 0.0) * math.log2(1 + len(docs)) * math.log2(1 + len(speakers)) * share
            if " " not in surfaces.most_common(1)[0][0]:
                continue  # one written word split by the tokenizer ("co-production", "let's")
            for si, p in occ:
                ends = cover[si]
                ends[p] = max(ends.get(p, -1), p + n)
            seg, start, end, text = spans[0]
            rows.append({
                "phrase": surfaces.most_common(1)[0][0], "phrase_key": " ".join(key), "n": n,
                "count": len(occ), "doc_count": len(docs), "speaker_count": len(speakers),
                "pmi": round(pmi, 4), "score": round(score, 4),
                "variants": "; ".join(s for s, _ in surfaces.most_common()),
                "example": text, "doc_id": seg.doc_id, "seg_id": seg.seg_id, "start_char": start, "end_char": end,
            })
        frame = pd.DataFrame(rows, columns=NGRAM_COLUMNS)
        frame = frame.sort_values(["score", "count", "phrase"], ascending=[False, False, True], kind="mergesort")
        if self.max_phrases:
            frame = frame.head(self.max_phrases)
        self.phrases_ = frame.reset_index(drop=True)
        occurrences = pd.DataFrame(occ_rows, columns=OCCURRENCE_COLUMNS)
        self.occurrences_ = occurrences[occurrences["phrase_key"].isin(set(self.phrases_["phrase_key"]))] \
            .reset_index(drop=True)
        return self

    @staticmethod
    def _allowed(key: tuple[str, ...]) -> bool:
        """Not a filler ("you know") nor one word repeated."""
        if key in FILLER_PHRASES:
            return False
        return not (len(set(key)) == 1)  # "very very"


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
