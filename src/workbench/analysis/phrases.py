"""Recurring phrases: n-grams of 2-8 tokens on lower-cased lemmas, ranked by association and spread.

- Matched on lemmas, so inflections merge ("lived experiences" -> "lived experience"); the most
  frequent surface form is shown.
- Commas and hyphens may sit inside a phrase ("with people, not for them"); sentence punctuation,
  quotes and brackets end it; a phrase never crosses a segment boundary.
- score = association (PMI per link between words) x log2(1 + documents) x log2(1 + speakers),
  so a phrase that recurs across documents and speakers beats one speaker repeating themselves.
- A sub-phrase is dropped when longer kept phrases cover (nearly) all its occurrences.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from functools import lru_cache

import pandas as pd

from ..annotate import AnnotatedCorpus
from .base import Analysis
from .lexicon import FILLER_PHRASES, FILLER_WORDS
from .tokens import TokenTable, speaker_key

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
        # Per segment: lemmas and token indices of the words (punctuation left out), and run ids
        # (a run ends at hard punctuation or a sentence start).
        seqs: list[tuple[list[str], list[int], list[int]]] = []
        unigram: Counter[str] = Counter()
        for st in table.segments:
            lem, idx, run = [], [], []
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
            unigram.update(lem)
            seqs.append((lem, idx, run))
        total = max(sum(unigram.values()), 1)

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

        candidates = {k: v for k, v in counts.items() if self._allowed(k, table)}
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
            score = max(pmi, 0.0) * math.log2(1 + len(docs)) * math.log2(1 + len(speakers))
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
    def _allowed(key: tuple[str, ...], table: TokenTable) -> bool:
        if key[0] in FILLER_WORDS or key[-1] in FILLER_WORDS or key in FILLER_PHRASES:
            return False
        if any(w.isdigit() for w in (key[0], key[-1])):
            return False
        if len(key) <= 3 and all(w in stop_words() or w.startswith("'") for w in key):
            return False  # "of the", "that's a"; longer runs of small words may be slogans
        return not (len(set(key)) == 1)  # "very very"


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, lower-cased, plus contractions (imported when first needed: importing
    spaCy takes seconds, and a re-run that reuses its results never needs it)."""
    from spacy.lang.en.stop_words import STOP_WORDS as SPACY_STOP_WORDS

    return frozenset(w.lower() for w in SPACY_STOP_WORDS) | {"-pron-", "'s", "n't", "not"}
