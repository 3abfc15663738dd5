"""What every reader returns, and a builder that lays out extracted text with exact block offsets."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..layout import Unit, classify, text_units, trim_boilerplate
from ..model import Block
from ..structure import parse_plain, parse_transcript
from ..text import normalise


@dataclass
class ReadResult:
    """A reader's output: normalised text, its blocks, and whatever metadata the file carried."""

    text: str
    blocks: list[Block]
    source_format: str
    kind: str | None = None
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    speaker_roles: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None


class TextBuilder:
    """Append pieces of text, separated by blank lines; each becomes a unit (laid out later) or a turn.

    ``label`` is written before the piece (e.g. ``"Rose: "``) but is not part of it: it becomes a
    speaker-label block, so a segment's text is what was said, while the document still reads naturally.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []  # turns and their labels
        self.units: list[Unit] = []  # everything else, for the layout
        self._gap = 0

    def _write(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)

    def skip(self) -> None:
        """An empty paragraph in the source: the next unit has a gap before it."""
        self._gap += 1

    def add(self, piece: str, kind: str | None, *, speaker: str | None = None, timestamp: str | None = None,
            label: str = "", level: int | None = None, lines: bool = False, gap: int = 0) -> None:
        """Add a piece. ``kind``: "turn", or a hint for the layout (title, heading, list_item, quote,
        paragraph, or None). ``lines``: the piece may hold several lines, each a unit unless wrapped."""
        piece = normalise(piece).strip()
        self._gap += gap
        if not piece:
            return
        if self._length:
            self._write("\n\n")
        if label:
            label = normalise(label)
            self.blocks.append(Block(self._length, self._length + len(label.rstrip()), "label", speaker, timestamp))
            self._write(label)
        start = self._length
        self._write(piece)
        gap, self._gap = self._gap, 0
        if kind == "turn":
            self.blocks.append(Block(start, self._length, "turn", speaker, timestamp))
        elif lines and "\n" in piece:
            self.units.extend(_shifted(u, start) for u in text_units(piece, hint=kind, level=level, gap=gap))
        else:
            self.units.append(Unit(start, self._length, kind, level, gap))

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def layout(self, *, title: bool = True) -> list[Block]:
        """Every block: turns and labels as added, the other units laid out (headings, lists, sections)."""
        text = self.text
        laid = trim_boilerplate(text, classify(text, self.units, title=title, front_matter=False))
        return sorted(self.blocks + laid, key=lambda b: b.start_char)


def _shifted(unit: Unit, by: int) -> Unit:
    return replace(unit, start=unit.start + by, end=unit.end + by,
                   marker_start=None if unit.marker_start is None else unit.marker_start + by,
                   marker_end=None if unit.marker_end is None else unit.marker_end + by)


def blocks_for_text(text: str) -> tuple[list[Block], dict[str, str], bool]:
    """Blocks of text that may be a transcript: (blocks, roles from labels, is_transcript)."""
    found = parse_transcript(text)
    if found is not None:
        return found[0], found[1], True
    return parse_plain(text), {}, False


def title_from_blocks(text: str, blocks: list[Block]) -> str | None:
    for block in blocks:
        if block.kind == "title":
            return text[block.start_char:block.end_char].lstrip("#").strip()
    return None
