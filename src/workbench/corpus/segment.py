"""Cut documents into segments (turns, paragraphs or sentences) with stable ids and exact offsets.

seg_id = ``<doc_id>#<n>`` for the n-th content block of the document (zero-padded), and
``<doc_id>#<n>.<k>`` for the k-th piece when a block is split. Ids depend only on the
document's path and the segment's position, never on other files.
"""
from __future__ import annotations

import re

from ..errors import ConfigError, Errors
from .model import CONTENT_BLOCKS, Document, Segment

UNITS = ("auto", "turn", "paragraph", "sentence")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "e.g", "i.e", "etc", "vs", "no", "cf", "approx",
                  "dept", "fig", "jr", "sr", "mt", "p", "pp"}
# The look-behind makes a run of punctuation start a match only at its first mark, so a run of
# thousands of dots is tried once, not once per dot (which took quadratic time).
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-Ý])|\n\s*\n")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence boundaries in ``text[start:end]`` as absolute (start, end) pairs, whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in _SENTENCE_END.finditer(text, start, end):
        word = re.search(r"(\S+)$", text[max(cursor, m.start() - 40):m.start()] + text[m.start():m.end()].rstrip())
        token = (word.group(1) if word else "").lower().rstrip(".!?…\"'”’)]")
        if text[m.start()] == "." and (token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token)):
            continue
        spans.append((cursor, m.end()))
        cursor = m.end()
    spans.append((cursor, end))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def _paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for m in re.finditer(r"\n[ \t]*\n", text[start:end]):
        spans.append((cursor, start + m.start()))
        cursor = start + m.end()
    spans.append((cursor, end))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _more_words_than(text: str, start: int, end: int, n: int) -> bool:
    """True if ``text[start:end]`` has more than ``n`` words (without splitting a long text whole)."""
    return end - start > n and len(text[start:end].split(None, n)) > n


def _chunks(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Group consecutive sentences into pieces of at most ``max_words`` words (a longer sentence stays whole)."""
    pieces: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, start, end):
        if pieces and len(text[pieces[-1][0]:e].split()) <= max_words:
            pieces[-1] = (pieces[-1][0], e)
        else:
            pieces.append((s, e))
    return pieces


def _packed(spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Consecutive spans joined while the result stays within ``max_chars``."""
    pieces: list[tuple[int, int]] = []
    for s, e in spans:
        if pieces and e - pieces[-1][0] <= max_chars:
            pieces[-1] = (pieces[-1][0], e)
        else:
            pieces.append((s, e))
    return pieces


def _word_cuts(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut into pieces of at most ``max_chars`` at white space (anywhere, if a stretch
    of ``max_chars`` has none), white space trimmed."""
    pieces: list[tuple[int, int]] = []
    while start < end:
        while start < end and text[start].isspace():
            start += 1
        if end - start <= max_chars:
            stop = end
        else:
            low, high = start + max_chars // 2, start + max_chars
            stop = max(text.rfind(c, low, high) for c in (" ", "\n", "\t", "\u00a0"))
            stop = high if stop <= start else stop
        s, e = start, stop
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            pieces.append((s, e))
        start = stop
    return pieces


def cut_long(text: str, spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Spans longer than ``max_chars`` cut at sentence boundaries, and a sentence still too long at white
    space, so no unit over the limit reaches spaCy. Offsets stay exact."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if e - s <= max_chars:
            out.append((s, e))
            continue
        for ps, pe in _packed(sentence_spans(text, s, e), max_chars):
            out.extend([(ps, pe)] if pe - ps <= max_chars else _word_cuts(text, ps, pe, max_chars))
    return out


MAX_UNIT_CHARS = 5000


def segment_document(doc: Document, unit: str = "auto", max_turn_words: int = 250,
                     max_unit_chars: int = MAX_UNIT_CHARS) -> list[Segment]:
    """Segments of one document. ``auto``: one per turn or paragraph, long turns cut at sentences.
    Whatever the unit, no segment is longer than ``max_unit_chars`` characters."""
    if unit not in UNITS:
        raise ConfigError(Errors.E054.format(unit=unit, options=", ".join(UNITS)))
    segments: list[Segment] = []
    content = [b for b in doc.blocks if b.kind in CONTENT_BLOCKS]
    for n, block in enumerate(content):
        if unit == "sentence":
            spans = sentence_spans(doc.text, block.start_char, block.end_char)
        elif unit == "paragraph":
            spans = _paragraph_spans(doc.text, block.start_char, block.end_char)
        elif unit == "auto" and _more_words_than(doc.text, block.start_char, block.end_char, max_turn_words):
            spans = _chunks(doc.text, block.start_char, block.end_char, max_turn_words)
        else:
            spans = [(block.start_char, block.end_char)]
        spans = cut_long(doc.text, spans, max_unit_chars)
        for k, (s, e) in enumerate(spans, start=1):
            seg_id = f"{doc.doc_id}#{n:04d}" if len(spans) == 1 else f"{doc.doc_id}#{n:04d}.{k}"
            segments.append(Segment(seg_id, doc.doc_id, s, e, doc.text[s:e], block.speaker,
                                    block.timestamp, block.section, block.kind, block.lead_in))
    return segments
