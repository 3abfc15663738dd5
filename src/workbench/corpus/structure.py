"""Find the structure of plain text: speaker turns in transcripts, or paragraphs, headings and lists.

These functions take normalised text and return ``Block`` spans into it, so offsets stay exact.
Recognised speaker forms (one turn starts on each such line):

- ``Name: text`` and ``NAME: text`` (one to four words, each capitalised, or a number: ``Speaker 1``),
  optionally with a role in brackets: ``Rose (carer): text``;
- ``[00:01:02] Name: text`` or ``00:01:02 Name: text``;
- ``Speaker 1  0:03`` alone on a line, the turn's text on the following lines (Otter-style).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .model import Block

_WORD = r"[^\W\d_][\w'’.\-]*|\d+"
_NAME = rf"(?:{_WORD})(?:[ \t]+(?:{_WORD})){{0,3}}"
_ROLE = r"(?:[ \t]*\((?P<role>[^()\n]{1,40})\))?"
_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TS_LABEL = re.compile(rf"^[ \t]*[\[(]?(?P<ts>{_TS})[\])]?[ \t]*(?:-[ \t]*)?(?P<name>{_NAME}){_ROLE}[ \t]*:[ \t]*")
_LABEL = re.compile(rf"^[ \t]*(?P<name>{_NAME}){_ROLE}[ \t]*:(?:[ \t]+|$)")
_OTTER = re.compile(rf"^[ \t]*(?P<name>{_NAME}){_ROLE}[ \t]+(?P<ts>{_TS})[ \t]*$")
_STAGE_NOTE = re.compile(r"^[ \t]*[\[(][^\])\n]{1,120}[\])][ \t]*$")
_BULLET = re.compile(r"^[ \t]*(?:[-*•‣◦–]|\d{1,2}[.)])[ \t]+")
_PARTICLES = {"of", "de", "da", "van", "von", "la", "le", "del", "bin", "al"}
# Labels that introduce content rather than a speaker ("Note: ...").
_NOT_SPEAKERS = {
    "note", "notes", "nb", "ps", "update", "summary", "example", "examples", "step", "warning", "source",
    "sources", "date", "time", "location", "venue", "title", "subject", "re", "tip", "important", "question",
    "questions", "answer", "action", "actions", "agenda", "outcome", "outcomes", "key", "theme", "themes",
    "barriers", "enablers", "challenges", "attendees", "present", "apologies", "minutes", "transcript",
    "recording", "duration", "file", "http", "https", "www", "email", "tel", "phone", "see", "also",
    "caption", "figure", "table", "chapter", "part", "section", "session", "workshop", "day",
    "interview", "focus", "meeting", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
}
MIN_TURNS = 3


@dataclass(frozen=True)
class Header:
    """A speaker label found at the start of a line."""

    name: str
    role: str | None
    timestamp: str | None
    text_start: int  # offset of the turn's text within the line (end of line if none follows)


def _valid_name(name: str) -> bool:
    words = name.split()
    if not words or len(name) > 40 or any(w.lower().strip(".") in _NOT_SPEAKERS for w in words):
        return False
    if not (words[0][0].isupper() or words[0].isdigit()):
        return False
    return all(w[0].isupper() or w.isdigit() or w.lower() in _PARTICLES for w in words)


def match_header(line: str) -> Header | None:
    """Return the speaker label at the start of ``line``, if there is one."""
    for pattern in (_TS_LABEL, _OTTER, _LABEL):
        m = pattern.match(line)
        if m and _valid_name(m.group("name")):
            ts = m.groupdict().get("ts")
            start = m.end() if pattern is not _OTTER else len(line)
            return Header(m.group("name").strip(), (m.group("role") or "").strip() or None, ts, start)
    return None


def split_label(text: str) -> tuple[str | None, int]:
    """Split a ``Name: text`` prefix off a caption or cell: (speaker or None, offset of the text)."""
    header = match_header(text)
    if header and header.text_start < len(text):
        return header.name, header.text_start
    return None, 0


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (start offset, line without its newline) for every line."""
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parse_transcript(text: str) -> tuple[list[Block], dict[str, str]] | None:
    """Turn blocks of a speaker-labelled transcript, or None if the text is not one.

    Returns the blocks and the roles given in labels such as ``Rose (carer):``.
    """
    lines = list(iter_lines(text))
    headers = [(i, match_header(line)) for i, (_, line) in enumerate(lines)]
    found = [(i, h) for i, h in headers if h is not None and _has_words(lines, i, h, headers)]
    counts: dict[str, int] = {}
    for _, h in found:
        counts[h.name] = counts.get(h.name, 0) + 1
    recurring = {n for n, c in counts.items() if c >= 2}
    if len(found) < MIN_TURNS or len(counts) < 2 or not recurring:
        return None
    # A once-only label on the first line, followed by a blank line, is a title, not a speaker.
    first_line = next((i for i, (_, line) in enumerate(lines) if line.strip()), 0)
    header_at = {i: h for i, h in found
                 if not (i == first_line and counts[h.name] == 1 and i + 1 < len(lines)
                         and not lines[i + 1][1].strip())}
    nonblank = sum(1 for _, line in lines if line.strip())
    if len(header_at) / max(nonblank, 1) < 0.2:
        return None

    blocks: list[Block] = []
    roles: dict[str, str] = {}
    turn: tuple[Header, int] | None = None  # the open turn and the offset its text starts at
    turn_end = 0
    loose: list[int] = []  # [start, end] of unlabelled text outside any turn

    def close_turn() -> None:
        nonlocal turn
        if turn is not None:
            start, end = _strip_span(text, turn[1], turn_end)
            if end > start:
                blocks.append(Block(start, end, "turn", turn[0].name, turn[0].timestamp))
            turn = None

    def close_loose() -> None:
        if loose:
            start, end = _strip_span(text, loose[0], loose[1])
            if not blocks:
                kind = "title"
            elif any(b.kind == "turn" for b in blocks):
                kind = "paragraph"  # text after a stage note: content, speaker unknown
            else:
                kind = "note"  # preamble before the first turn
            blocks.append(Block(start, end, kind))
            loose.clear()

    for i, (offset, line) in enumerate(lines):
        header = header_at.get(i)
        if header is not None:
            close_turn()
            close_loose()
            if header.role:
                roles.setdefault(header.name, header.role)
            turn = (header, offset + header.text_start)
            turn_end = offset + len(line)
        elif _STAGE_NOTE.match(line):
            close_turn()
            close_loose()
            start, end = _strip_span(text, offset, offset + len(line))
            blocks.append(Block(start, end, "note"))
        elif line.strip():
            if turn is not None:
                turn_end = offset + len(line)
            elif loose:
                loose[1] = offset + len(line)
            else:
                loose.extend([offset, offset + len(line)])
        elif turn is None:
            close_loose()  # a blank line ends a loose paragraph
    close_turn()
    close_loose()
    if not any(b.kind == "turn" for b in blocks):
        return None
    return blocks, roles


def _has_words(lines: list[tuple[int, str]], i: int, header: Header, headers: list) -> bool:
    """A label with no words after it must be followed by a line of text that is not a label."""
    if header.text_start < len(lines[i][1]) and lines[i][1][header.text_start:].strip():
        return True
    for j in range(i + 1, len(lines)):
        if lines[j][1].strip():
            return headers[j][1] is None and not _STAGE_NOTE.match(lines[j][1])
    return False


def parse_plain(text: str) -> list[Block]:
    """Blocks of plain prose: a title line, headings, paragraphs and list items."""
    blocks: list[Block] = []
    section: str | None = None
    para: list[tuple[int, str]] = []

    def flush() -> None:
        nonlocal section
        if not para:
            return
        first_off, first_line = para[0]
        if len(para) == 1 and _looks_like_heading(first_line) and not _BULLET.match(first_line):
            start, end = _strip_span(text, first_off, first_off + len(first_line))
            kind = "title" if not blocks else "heading"
            blocks.append(Block(start, end, kind))
            if kind == "heading":
                section = _section_name(text[start:end])
        elif any(_BULLET.match(line) for _, line in para):
            section = _list_blocks(text, para, blocks, section)
        else:
            start, end = _strip_span(text, first_off, para[-1][0] + len(para[-1][1]))
            blocks.append(Block(start, end, "paragraph", section=section))
        para.clear()

    for offset, line in iter_lines(text):
        if line.strip():
            para.append((offset, line))
        else:
            flush()
    flush()
    return blocks


def _list_blocks(text: str, para: list[tuple[int, str]], blocks: list[Block],
                 section: str | None) -> str | None:
    """Blocks for a paragraph with bullet lines; lines before the first bullet are a heading.

    Returns the section the items belong to.
    """
    items: list[list[tuple[int, str]]] = []
    for offset, line in para:
        m = _BULLET.match(line)
        if m:
            items.append([(offset + m.end(), line[m.end():])])
        elif items:
            items[-1].append((offset, line))  # a wrapped item line
        else:
            start, end = _strip_span(text, offset, offset + len(line))
            blocks.append(Block(start, end, "heading"))
            section = _section_name(text[start:end])
    for item in items:
        start, end = _strip_span(text, item[0][0], item[-1][0] + len(item[-1][1]))
        if end > start:
            blocks.append(Block(start, end, "list_item", section=section))
    return section


def _looks_like_heading(line: str) -> bool:
    stripped = line.strip()
    short = len(stripped) <= 80 and len(stripped.split()) <= 12
    return short and (stripped.endswith(":") or not stripped.endswith((".", "?", "!", "\"", "”", ",", ";")))


def _section_name(heading: str) -> str:
    return heading.strip().lstrip("#").strip().rstrip(":").strip()
