"""A flat token table built once from annotated segments, shared by phrases, concordance and keyness.

Offsets are document offsets: ``start_char = segment.start_char + token.idx``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..annotate import AnnotatedCorpus
from ..corpus.model import Corpus, Segment

# Contractions that spaCy leaves unlemmatised when written with a curly apostrophe.
CONTRACTIONS = {"'ve": "have", "'re": "be", "'m": "be", "'ll": "will", "'d": "would", "n't": "not", "'s": "'s"}
# Punctuation that ends a phrase (commas and hyphens may sit inside one: "with people, not for them").
HARD_BREAKS = {".", "!", "?", ";", ":", "…", "(", ")", "[", "]", "\"", "“", "”", "‘", "’", "'", "—", "–", "/"}


@dataclass
class SegmentTokens:
    """The tokens of one segment as parallel lists."""

    segment: Segment
    lower: list[str]
    lemma: list[str]
    pos: list[str]
    is_punct: list[bool]
    is_stop: list[bool]
    sent_start: list[bool]
    start: list[int]  # document offsets
    end: list[int]


class TokenTable:
    """Tokens of every segment, in corpus order, with document offsets."""

    def __init__(self, corpus: Corpus, segments: list[SegmentTokens]):
        self.corpus = corpus
        self.segments = segments
        self.by_seg_id = {s.segment.seg_id: i for i, s in enumerate(segments)}

    @classmethod
    def from_annotated(cls, annotated: AnnotatedCorpus) -> "TokenTable":
        rows: list[SegmentTokens] = []
        for seg, doc in annotated:
            toks = [t for t in doc if not t.is_space]
            base = seg.start_char
            has_sents = doc.has_annotation("SENT_START")
            rows.append(SegmentTokens(
                seg,
                [t.lower_.replace("’", "'") for t in toks],
                [_lemma(t) for t in toks],
                [t.pos_ for t in toks],
                [t.is_punct or t.text in HARD_BREAKS for t in toks],
                [t.is_stop for t in toks],
                [bool(t.is_sent_start) if has_sents else t.i == 0 for t in toks],
                [base + t.idx for t in toks],
                [base + t.idx + len(t.text) for t in toks],
            ))
        _canonical_lemmas(rows)
        return cls(annotated.corpus, rows)

    def n_tokens(self) -> int:
        return sum(len(s.lower) for s in self.segments)


def _lemma(token) -> str:
    lemma = (token.lemma_ or token.text).lower().replace("’", "'")
    return CONTRACTIONS.get(lemma, lemma)


def _canonical_lemmas(rows: list[SegmentTokens]) -> None:
    """Give each word form one lemma: the one the tagger chose most often for it in this corpus.

    The lemmatizer follows the part-of-speech tag, so "lived" is "lived" as an adjective and "live"
    as a verb; without this, "lived experience" would be split in two phrases.
    """
    from collections import Counter, defaultdict

    seen: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        for lower, lemma in zip(row.lower, row.lemma):
            seen[lower][lemma] += 1
    best = {lower: max(c.items(), key=lambda kv: (kv[1], kv[0]))[0] for lower, c in seen.items() if len(c) > 1}
    for row in rows:
        row.lemma = [best.get(lower, lemma) for lower, lemma in zip(row.lower, row.lemma)]


def speaker_key(corpus: Corpus, seg: Segment) -> str:
    """Who said it, for counting speakers: the speaker; "Speaker 1" labels count per document;
    prose counts as its author (else its document)."""
    if seg.speaker:
        return f"{seg.doc_id}|{seg.speaker}" if seg.speaker.lower().startswith("speaker") else seg.speaker
    return str(corpus.document(seg.doc_id).attributes.get("author") or f"doc:{seg.doc_id}")
