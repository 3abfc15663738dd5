"""Applying replacements to a text and mapping offsets from the original text to the new one."""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable, Sequence

from ..corpus.model import Corpus


@dataclass(frozen=True)
class Hit:
    """One replacement (or, in review lists, one occurrence that was kept)."""

    start: int
    end: int
    original: str
    replacement: str
    reason: str


def apply(text: str, hits: Sequence[Hit]) -> str:
    """``text`` with each hit (sorted, not overlapping) replaced by its replacement."""
    parts, cursor = [], 0
    for hit in hits:
        parts += [text[cursor:hit.start], hit.replacement]
        cursor = hit.end
    parts.append(text[cursor:])
    return "".join(parts)


def new_spans(hits: Sequence[Hit]) -> list[tuple[int, int, int, int]]:
    """(old_start, old_end, new_start, new_end) of each hit (sorted, not overlapping) once all are applied."""
    out, shift = [], 0
    for hit in hits:
        new_start = hit.start + shift
        out.append((hit.start, hit.end, new_start, new_start + len(hit.replacement)))
        shift += len(hit.replacement) - (hit.end - hit.start)
    return out


def offset_mapper(spans: list[tuple[int, int, int, int]]) -> Callable[[int], int]:
    """old offset -> new offset, given (old_start, old_end, new_start, new_end) of each replacement.
    An offset inside a replaced span maps to the end of its replacement."""
    spans = sorted(spans)
    ends = [s[1] for s in spans]

    def mapped(offset: int) -> int:
        i = bisect.bisect_right(ends, offset)  # spans that end at or before the offset
        if i < len(spans) and spans[i][0] < offset:
            return spans[i][3]
        if i == 0:
            return offset
        return offset - spans[i - 1][1] + spans[i - 1][3]

    return mapped


def segment_finder(corpus: Corpus, doc_id: str) -> Callable[[int, int], str | None]:
    """(start, end) -> the seg_id of the segment of ``doc_id`` that holds that span, or None."""
    segments = corpus.segments_of(doc_id)
    starts = [s.start_char for s in segments]

    def find(start: int, end: int) -> str | None:
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and segments[i].start_char <= start and end <= segments[i].end_char:
            return segments[i].seg_id
        return None

    return find
