"""What every reader returns, and a builder that lays out extracted text with exact block offsets."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    """Append pieces of text, each becoming a block, separated by blank lines.

    ``label`` is written before the piece (e.g. ``"Rose: "``) but is not part of the block, so a
    segment's text is what was said, while the document still reads naturally.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []

    def _write(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)

    def add(self, piece: str, kind: str, *, speaker: str | None = None, timestamp: str | None = None,
            section: str | None = None, label: str = "") -> None:
        piece = normalise(piece).strip()
        if not piece:
            return
        if self._length:
            self._write("\n\n")
        if label:
            self._write(normalise(label))
        start = self._length
        self._write(piece)
        self.blocks.append(Block(start, self._length, kind, speaker, timestamp, section))

    @property
    def text(self) -> str:
        return "".join(self._parts)


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
