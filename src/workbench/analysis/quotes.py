"""Quoted statements: everything people put in quotation marks ('...', "...", ‘...’, “...”) of 2 to 25
words, even when quoted once: slogans, things people were told, words held at a distance ("co-production").
Ranked by use: how often, in how many documents, by how many people."""
from __future__ import annotations

import math
import re
from collections import defaultdict

import pandas as pd

from ..corpus.model import Corpus
from .base import Analysis
from .tokens import speaker_key

QUOTE_PATTERNS = (
    re.compile(r"“([^“”\n]+?)”"),
    re.compile(r"‘([^‘\n]+?)’(?![A-Za-z])"),
    re.compile(r"(?<![\w\"])\"(?=\S)([^\"\n]+?)(?<=\S)\"(?!\w)"),
    re.compile(r"(?<![\w'])'(?=[^\s'])([^'\n]+?)(?<=[^\s'])'(?![\w])"),
)
_WORDS = re.compile(r"[\w£$€%]+(?:['’][\w]+)*")
COLUMNS = ["phrase", "count", "doc_count", "speaker_count", "score", "variants", "example",
           "doc_id", "seg_id", "start_char", "end_char"]
OCCURRENCE_COLUMNS = ["phrase", "doc_id", "seg_id", "start_char", "end_char", "speaker", "surface"]


def quote_key(text: str) -> str:
    """Words only, lower-cased, so 'With, not for' and "with not for" count together."""
    return " ".join(w.replace("’", "'") for w in _WORDS.findall(text.lower()))


def find_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks, without overlaps."""
    spans: list[tuple[int, int]] = []
    for pattern in QUOTE_PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span(1)
            if not any(s < b and a < e for a, b in spans):
                spans.append((s, e))
    return sorted(spans)


class QuotedPhrases(Analysis):
    """Count quoted statements of ``min_words``-``max_words`` words used at least ``min_count`` times.
    Results: ``phrases_`` (most used first), ``occurrences_``."""

    def __init__(self, min_words: int = 2, max_words: int = 25, min_count: int = 1):
        self.min_words = min_words
        self.max_words = max_words
        self.min_count = min_count

    def fit(self, corpus: Corpus) -> "QuotedPhrases":
        from .phrases import normalise_surface

        found: dict[str, list[tuple]] = defaultdict(list)
        for seg in corpus.segments:
            for s, e in find_quotes(seg.text):
                inner = seg.text[s:e].strip(" ,.;:!?")
                lead = seg.text[s:e].find(inner)
                key = quote_key(inner)
                if not key or not self.min_words <= len(key.split()) <= self.max_words:
                    continue
                start = seg.start_char + s + lead
                found[key].append((seg, start, start + len(inner), inner))
        rows, occ_rows = [], []
        for key, occ in found.items():
            if len(occ) < self.min_count:
                continue
            docs = {seg.doc_id for seg, *_ in occ}
            speakers = {speaker_key(corpus, seg) for seg, *_ in occ}
            surfaces: dict[str, int] = defaultdict(int)
            for seg, start, end, text in occ:
                surfaces[normalise_surface(text)] += 1
                occ_rows.append((key, seg.doc_id, seg.seg_id, start, end, seg.speaker, text))
            seg, start, end, text = occ[0]
            ordered = sorted(surfaces, key=lambda v: (-surfaces[v], v))
            rows.append({
                "phrase": ordered[0], "count": len(occ), "doc_count": len(docs), "speaker_count": len(speakers),
                "score": round(math.log2(1 + len(occ)) * math.log2(1 + len(docs)) * math.log2(1 + len(speakers)), 4),
                "variants": "; ".join(ordered), "example": text, "doc_id": seg.doc_id, "seg_id": seg.seg_id,
                "start_char": start, "end_char": end,
            })
        frame = pd.DataFrame(rows, columns=COLUMNS)
        # Most used first; statements used as often keep the order they first appear in (a stable sort).
        self.phrases_ = frame.sort_values(["count", "doc_count", "speaker_count"],
                                          ascending=[False, False, False], kind="mergesort") \
            .reset_index(drop=True)
        self.occurrences_ = pd.DataFrame(occ_rows, columns=OCCURRENCE_COLUMNS)
        return self
