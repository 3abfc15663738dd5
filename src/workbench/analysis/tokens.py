"""A flat token table built once from annotated segments, shared by phrases, concordance and keyness.

Offsets are document offsets: ``start_char = segment.start_char + token.idx``.

Hyphenated compounds ("co-production", "tick-box", "well-being", "face-to-face"), which spaCy's English
tokenizer cuts at the hyphens, are one row here, so phrases, keyness and theme keywords count them as one
word; their parts are kept (``parts``) so a concordance for either part still finds them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..annotate import AnnotatedCorpus
from ..corpus.model import Corpus, Segment

# Contractions that spaCy leaves unlemmatised when written with a curly apostrophe.
CONTRACTIONS = {"'ve": "have", "'re": "be", "'m": "be", "'ll": "will", "'d": "would", "n't": "not", "'s": "'s"}
# Punctuation that ends a phrase (commas and hyphens may sit inside one: "with people, not for them").
HARD_BREAKS = {".", "!", "?", ";", ":", "…", "(", ")", "[", "]", "\"", "“", "”", "‘", "’", "'", "—", "–", "/"}
HYPHENS = {"-", "\u2010", "\u2011"}  # hyphen-minus, hyphen, non-breaking hyphen (not dashes)


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
    parts: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)  # compound -> (lowers, lemmas)


class TokenTable:
    """Tokens of every segment, in corpus order, with document offsets."""

    def __init__(self, corpus: Corpus, segments: list[SegmentTokens]):
        self.corpus = corpus
        self.segments = segments
        self.by_seg_id = {s.segment.seg_id: i for i, s in enumerate(segments)}

    @classmethod
    def from_annotated(cls, annotated: AnnotatedCorpus) -> "TokenTable":
        return cls.from_rows(annotated.corpus, [segment_tokens(seg, doc) for seg, doc in annotated])

    @classmethod
    def from_rows(cls, corpus: Corpus, rows: list[SegmentTokens]) -> "TokenTable":
        """The table of rows made by ``segment_tokens`` (in corpus order), each word form given the lemma
        the tagger chose most often for it in the whole table."""
        _canonical_lemmas(rows)
        return cls(corpus, rows)

    def n_tokens(self) -> int:
        return sum(len(s.lower) for s in self.segments)


def segment_tokens(seg: Segment, doc) -> SegmentTokens:
    """One segment's tokens (white space left out) with document offsets, compounds joined."""
    toks = [t for t in doc if not t.is_space]
    base = seg.start_char
    has_sents = doc.has_annotation("SENT_START")
    row = SegmentTokens(
        seg,
        [t.lower_.replace("’", "'") for t in toks],
        [_lemma(t) for t in toks],
        [t.pos_ for t in toks],
        [t.is_punct or t.text in HARD_BREAKS for t in toks],
        [t.is_stop for t in toks],
        [bool(t.is_sent_start) if has_sents else t.i == 0 for t in toks],
        [base + t.idx for t in toks],
        [base + t.idx + len(t.text) for t in toks],
    )
    groups = compound_groups([t.text for t in toks], [t.whitespace_ == "" for t in toks])
    return _merged(row, groups) if groups else row


ROW_FIELDS = ("lower", "lemma", "pos", "is_punct", "is_stop", "sent_start", "start", "end")


def rows_to_part(rows: list[SegmentTokens]) -> list[dict]:
    """A document's rows as plain data (a per-document part, see ``workbench.partials``)."""
    return [{"seg_id": row.segment.seg_id, **{name: getattr(row, name) for name in ROW_FIELDS},
             "parts": [[i, lowers, lemmas] for i, (lowers, lemmas) in sorted(row.parts.items())]} for row in rows]


def rows_from_part(corpus: Corpus, part: list[dict]) -> list[SegmentTokens]:
    """The rows of ``rows_to_part`` again, with their segments from ``corpus``."""
    return [SegmentTokens(corpus.segment(item["seg_id"]), *(list(item[name]) for name in ROW_FIELDS),
                          {i: (list(lowers), list(lemmas)) for i, lowers, lemmas in item["parts"]})
            for item in part]


def compound_groups(texts: list[str], glued: list[bool]) -> list[tuple[int, int]]:
    """(first, last) token index of each hyphenated compound: words joined by hyphens with no space
    around them ("co", "-", "production"). ``glued[i]``: no white space after token i."""
    groups: list[tuple[int, int]] = []
    i, n = 0, len(texts)
    while i < n:
        j = i
        while (j + 2 < n and texts[j + 1] in HYPHENS and glued[j] and glued[j + 1] and _wordlike(texts[j])
               and _wordlike(texts[j + 2])):
            j += 2
        if j > i:
            groups.append((i, j))
            i = j + 1
        else:
            i += 1
    return groups


def _wordlike(text: str) -> bool:
    return any(c.isalpha() for c in text) and all(c.isalnum() or c in "'’" for c in text)


def _merged(row: SegmentTokens, groups: list[tuple[int, int]]) -> SegmentTokens:
    """The row with each compound as one token: its words and hyphens joined, lemma from the words'
    lemmas, part of speech of its last word; the words are kept as its parts."""
    out = SegmentTokens(row.segment, [], [], [], [], [], [], [], [], {})
    starts = {first: last for first, last in groups}
    i = 0
    while i < len(row.lower):
        last = starts.get(i)
        if last is None:
            for name in ("lower", "lemma", "pos", "is_punct", "is_stop", "sent_start", "start", "end"):
                getattr(out, name).append(getattr(row, name)[i])
            i += 1
            continue
        words = range(i, last + 1, 2)
        out.parts[len(out.lower)] = ([row.lower[k] for k in words], [row.lemma[k] for k in words])
        out.lower.append("".join(row.lower[i:last + 1]))
        out.lemma.append("-".join(row.lemma[k] for k in words))
        out.pos.append(row.pos[last])
        out.is_punct.append(False)
        out.is_stop.append(False)
        out.sent_start.append(row.sent_start[i])
        out.start.append(row.start[i])
        out.end.append(row.end[last])
        i = last + 1
    return out


def _lemma(token) -> str:
    lemma = (token.lemma_ or token.text).lower().replace("’", "'")
    return CONTRACTIONS.get(lemma, lemma)


def _canonical_lemmas(rows: list[SegmentTokens]) -> None:
    """Give each word form one lemma: the one the tagger chose most often for it in this corpus.

    The lemmatizer follows the part-of-speech tag, so "lived" is "lived" as an adjective and "live"
    as a verb; without this, "lived experience" would be split in two phrases.
    """
    from collections import Counter, defaultdict
    from itertools import chain

    pairs = Counter(chain.from_iterable(zip(row.lower, row.lemma) for row in rows))  # counted in C
    seen: dict[str, dict[str, int]] = defaultdict(dict)
    for (lower, lemma), count in pairs.items():
        seen[lower][lemma] = count
    best = {lower: max(c.items(), key=lambda kv: (kv[1], kv[0]))[0] for lower, c in seen.items() if len(c) > 1}
    for row in rows:
        row.lemma = list(map(best.get, row.lower, row.lemma))


def speaker_key(corpus: Corpus, seg: Segment) -> str:
    """Who said it, for counting speakers: the speaker; "Speaker 1" labels count per document;
    prose counts as its author (else its document)."""
    if seg.speaker:
        return f"{seg.doc_id}|{seg.speaker}" if seg.speaker.lower().startswith("speaker") else seg.speaker
    return str(corpus.document(seg.doc_id).attributes.get("author") or f"doc:{seg.doc_id}")
