"""Text accounting: every character of a document lies in a segment or in an exclusion with a reason.

Segments and exclusions tile the document's normalised text, in order, without gaps or overlaps.
The reason of an exclusion comes from the block a reader marked there (heading, stage note,
boilerplate, front matter, speaker label, list marker); white space between units is ``blank``;
visible text that no reader accounted for is ``unread`` (never expected: it lowers the document's
coverage and is warned about).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterable

from .model import BLANK, CONTENT_BLOCKS, EXCLUSION_REASONS, UNREAD, Document, Exclusion, Segment


def visible(text: str) -> int:
    """Number of characters that are not white space."""
    return len("".join(text.split()))


@dataclass
class Coverage:
    """How a document's visible characters (not white space) are accounted for."""

    doc_id: str
    characters: int  # visible characters of the document
    in_segments: int
    excluded: dict[str, int] = field(default_factory=dict)  # reason -> visible characters

    @property
    def coverage(self) -> float:
        """Share of the visible characters in a segment or in an exclusion with a known reason."""
        return 1.0 if not self.characters else 1.0 - self.excluded.get(UNREAD, 0) / self.characters

    @property
    def analysed(self) -> float:
        """Share of the visible characters that reach the analyses (in a segment)."""
        return 1.0 if not self.characters else self.in_segments / self.characters


def _pieces(doc: Document, start: int, end: int, blocks: list, starts: list[int]) -> Iterable[tuple[int, int, str]]:
    """(start, end, reason) pieces of ``doc.text[start:end]``, a stretch outside every segment."""
    text = doc.text
    cursor = start
    i = max(bisect_right(starts, start) - 1, 0)
    while cursor < end:
        block = None
        while i < len(blocks) and blocks[i].end_char <= cursor:
            i += 1
        if i < len(blocks) and blocks[i].start_char <= cursor:
            block = blocks[i]
        if block is not None:
            stop = min(block.end_char, end)
            reason = EXCLUSION_REASONS.get(block.kind, UNREAD)
        else:
            stop = min(blocks[i].start_char, end) if i < len(blocks) else end
            reason = UNREAD
        if reason == UNREAD or block is None:
            yield from _split_blank(text, cursor, stop)
        else:
            yield cursor, stop, reason
        cursor = stop


def _split_blank(text: str, start: int, end: int) -> Iterable[tuple[int, int, str]]:
    """White space runs are ``blank``; the visible text between them is ``unread``."""
    cursor = start
    while cursor < end:
        stop = cursor
        blank = text[cursor].isspace()
        while stop < end and text[stop].isspace() == blank:
            stop += 1
        yield cursor, stop, BLANK if blank else UNREAD
        cursor = stop


def account(doc: Document, segments: list[Segment]) -> tuple[list[Exclusion], Coverage]:
    """The exclusions that, with ``segments`` (the document's, in order), tile its text; and its coverage."""
    blocks = sorted((b for b in doc.blocks if b.kind not in CONTENT_BLOCKS), key=lambda b: b.start_char)
    starts = [b.start_char for b in blocks]
    exclusions: list[Exclusion] = []
    cover = Coverage(doc.doc_id, visible(doc.text), 0)
    cursor = 0
    text = doc.text
    for seg in sorted(segments, key=lambda s: s.start_char):
        gaps = _pieces(doc, cursor, seg.start_char, blocks, starts) if seg.start_char > cursor else ()
        for s, e, reason in gaps:
            exclusions.append(Exclusion(doc.doc_id, s, e, reason, text[s:e]))
        cover.in_segments += visible(seg.text)
        cursor = max(cursor, seg.end_char)
    for s, e, reason in _pieces(doc, cursor, len(text), blocks, starts):
        exclusions.append(Exclusion(doc.doc_id, s, e, reason, text[s:e]))
    for exc in exclusions:
        if exc.reason != BLANK:
            n = visible(exc.text)
            if n:
                cover.excluded[exc.reason] = cover.excluded.get(exc.reason, 0) + n
    return _merged(exclusions), cover


def _merged(exclusions: list[Exclusion]) -> list[Exclusion]:
    """Adjacent exclusions with the same reason joined (two blank runs, or a heading split by nothing)."""
    out: list[Exclusion] = []
    for exc in exclusions:
        if out and out[-1].end_char == exc.start_char and out[-1].reason == exc.reason == BLANK:
            last = out[-1]
            out[-1] = Exclusion(last.doc_id, last.start_char, exc.end_char, BLANK, last.text + exc.text)
        else:
            out.append(exc)
    return out


def check_tiling(doc: Document, segments: list[Segment], exclusions: list[Exclusion]) -> None:
    """Raise AssertionError unless segments and exclusions tile ``doc.text`` exactly (for tests and checks)."""
    spans = sorted([(s.start_char, s.end_char, "segment") for s in segments]
                   + [(e.start_char, e.end_char, e.reason) for e in exclusions])
    cursor = 0
    for start, end, what in spans:
        assert start == cursor, f"{doc.doc_id}: gap or overlap at {cursor}-{start} before {what}"
        assert end > start, f"{doc.doc_id}: empty {what} at {start}"
        cursor = end
    assert cursor == len(doc.text), f"{doc.doc_id}: text after {cursor} is not accounted for"
