"""Lines into units: which line breaks end a unit (a paragraph, list item, heading) and which only wrap one.

Text pasted from web pages has one line per paragraph, heading or list item; text typed in an editor or
taken from a PDF is wrapped at a width. A break between two lines is kept when nothing says the first
line was wrapped. It was wrapped when:

- the document is wrapped at a width (several long lines end mid-sentence and the next starts in lower
  case) and the first line is full: the next line's first word would not have fitted on it;
- the first line is long and stops mid-sentence: in wrapped text, no final punctuation and the next line
  goes on in lower case; elsewhere, it ends with a comma or a word such as "and" or "the" and the next
  line goes on in lower case;
- the next line is indented under the text of a list item (a hanging indent);
- paragraphs are separated by blank lines and both lines are sentences of prose.

Short lines without final punctuation are never joined: they are list items or headings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A list marker: -, *, •, –, other bullets, 1. 1) (1), a) (a) a., i. ii) (iv), and the space after it (any
# space but a line break: web pages often put a no-break space after a bullet).
_SPACE = r"[^\S\n]"
MARKER = re.compile(rf"{_SPACE}*(?:[-*+•‣◦·▪●○■□➢►✓–](?={_SPACE})|\(?\d{{1,3}}[.)](?={_SPACE})|\(?[A-Za-z]\)(?={_SPACE})"
                    rf"|[a-z]\.(?={_SPACE})|\([ivxIVX]{{1,5}}\)(?={_SPACE})|[ivx]{{1,5}}[.)](?={_SPACE})){_SPACE}+")
_END_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
_END_PUNCT = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_GOES_ON = re.compile(r"(?:,|\b(?:the|a|an|of|to|and|or|but|with|for|in|on|at|by|from|that|which|who|is|are|was|"
                      r"were|be|as|into|about|than|their|our|my|your|its|this|these|those|not|so|if|when)|-)$",
                      re.IGNORECASE)
LONG_LINE = 40  # characters: a line this long that stops mid-sentence was wrapped


@dataclass(frozen=True)
class Line:
    """One non-blank line: where it is, its list marker if any, and how many blank lines come before it."""

    start: int  # offset of the line's first character (indentation included)
    end: int  # offset after its last visible character
    text_start: int  # offset of the text after indentation and marker
    marker: bool
    gap: int  # blank lines before this line (since the previous non-blank line)

    def indent(self, text: str) -> int:
        return len(text[self.start:self.end]) - len(text[self.start:self.end].lstrip())


@dataclass(frozen=True)
class LineUnit:
    """Consecutive lines that form one unit; ``start`` is after any list marker."""

    start: int
    end: int
    marker_start: int | None  # the list marker's span, when the unit starts with one
    marker_end: int | None
    gap: int  # blank lines before the unit
    lines: int


def split_lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The non-blank lines of ``text[start:end]``."""
    end = len(text) if end is None else end
    lines: list[Line] = []
    gap = 0
    pos = start
    while pos <= end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        raw = text[pos:stop]
        visible_end = pos + len(raw.rstrip())
        if raw.strip():
            m = MARKER.match(text, pos, visible_end)
            text_start = m.end() if m and m.end() < visible_end else pos + len(raw) - len(raw.lstrip())
            lines.append(Line(pos, visible_end, text_start, bool(m and m.end() < visible_end), gap))
            gap = 0
        else:
            gap += 1
        pos = stop + 1
    if lines:  # the first line's gap counts from the start of the range, not a line before it
        first = lines[0]
        lines[0] = Line(first.start, first.end, first.text_start, first.marker, 0)
    return lines


_FIRST_WORD = re.compile(r"\S+")


def _first_word(text: str, line: Line) -> str:
    m = _FIRST_WORD.match(text, line.text_start, line.end)
    return m.group() if m else ""


def _tail(text: str, line: Line, n: int = 16) -> str:
    """The last characters of a line (enough for the end-of-line patterns, without scanning it all)."""
    return text[max(line.start, line.end - n):line.end]


_INNER_END = re.compile(r"[.!?…][\"'”’)\]]*\s+[\"'“‘(]?[A-Z]")


def wrap_width(text: str, lines: list[Line]) -> int | None:
    """The width the text was wrapped at, or None when it does not look wrapped.

    Evidence: long lines that stop mid-sentence (no final punctuation) with the next line going on in
    lower case, in paragraphs of prose (a sentence ends inside one of the two lines: long list items
    without punctuation are not evidence). The width is the longest such line that at least half of them
    come close to.
    """
    found: list[int] = []
    prose = 0
    for a, b in zip(lines, lines[1:]):
        if b.gap or b.marker:
            continue
        length = a.end - a.start
        if length >= LONG_LINE and text[b.text_start:b.text_start + 1].islower() and \
                not _END_PUNCT.search(_tail(text, a)):
            found.append(length)
            if _INNER_END.search(text, a.text_start, a.end) or _INNER_END.search(text, b.text_start, b.end):
                prose += 1
    if len(found) < 2 or not prose:
        return None
    for width in sorted(set(found), reverse=True):
        if sum(1 for n in found if n >= 0.7 * width) * 2 >= len(found):
            return width
    return None


def _blank_separated(text: str, lines: list[Line]) -> bool:
    """True when paragraphs of prose are separated by blank lines (then one newline inside them is a wrap)."""
    by_blank = by_newline = 0
    for a, b in zip(lines, lines[1:]):
        if b.end - b.text_start < 60 or not _END_SENTENCE.search(_tail(text, b)):
            continue
        if b.gap:
            by_blank += 1
        elif a.end - a.text_start >= 60 and _END_SENTENCE.search(_tail(text, a)):
            by_newline += 1
    return by_blank >= 2 and by_blank >= 3 * by_newline


def _prose(text: str, line: Line) -> bool:
    """A line that reads as a sentence of prose: it ends a sentence and is not short."""
    return line.end - line.text_start >= 30 and bool(_END_SENTENCE.search(_tail(text, line))) and \
        text.count(" ", line.text_start, line.end) >= 5


def joins(text: str, a: Line, b: Line, width: int | None, item_col: int | None, blank_separated: bool) -> bool:
    """True if line ``b`` continues the unit that line ``a`` belongs to."""
    if b.gap or b.marker:
        return False
    line_a = _tail(text, a)
    first = _first_word(text, b)
    length = a.end - a.start
    if item_col is not None and b.indent(text) >= item_col > 0:
        return True  # a hanging indent under a list item's text
    if width is not None and length <= 1.1 * width:
        strictly_full = length + 1 + len(first) > width
        nearly_full = length + 1 + len(first) > 0.9 * width
        sentence_ends = bool(_END_SENTENCE.search(line_a)) and first[:1].isupper()
        if strictly_full or (nearly_full and not sentence_ends):
            return True
    # In wrapped text a line that stops well short of the width was not wrapped (the next word would have
    # fitted): short lines without punctuation there are list items, not wrapped sentences.
    # Without a width, only a line that ends with a comma or a word like "and" or "the" goes on.
    if width is not None and length >= 0.75 * width and not _END_PUNCT.search(line_a) and \
            (first[:1].islower() or _GOES_ON.search(line_a)):
        return True
    if width is None and length >= LONG_LINE and _GOES_ON.search(line_a) and first[:1].islower():
        return True
    if blank_separated and _prose(text, a) and _prose(text, b):
        return True
    return False


def layout_params(text: str) -> tuple[int | None, bool]:
    """(wrap width, paragraphs separated by blank lines) of a whole text, for line_units over parts of it."""
    lines = split_lines(text)
    return wrap_width(text, lines), _blank_separated(text, lines)


_UNSET = object()


def line_units(text: str, start: int = 0, end: int | None = None, *, width=_UNSET,
               blank_separated=_UNSET, soft_breaks: bool = False) -> list[LineUnit]:
    """The units of ``text[start:end]``: wrapped lines joined, every other line break kept. The wrap width
    and paragraph style are found in the range unless given (see ``layout_params``). ``soft_breaks``: every
    line break inside a run of lines is a wrap (Markdown written with blank lines between paragraphs),
    except before a list marker."""
    lines = split_lines(text, start, end)
    if not lines:
        return []
    if width is _UNSET:
        width = wrap_width(text, lines)
    if blank_separated is _UNSET:
        blank_separated = _blank_separated(text, lines)
    units: list[LineUnit] = []
    first = lines[0]
    last = first
    count = 1
    item_col = (first.text_start - first.start) if first.marker else None
    for line in lines[1:]:
        if (soft_breaks and not line.gap and not line.marker) or \
                joins(text, last, line, width, item_col, blank_separated):
            last, count = line, count + 1
            continue
        units.append(_unit(text, first, last, count))
        first = last = line
        count = 1
        item_col = (line.text_start - line.start) if line.marker else None
    units.append(_unit(text, first, last, count))
    return units


def _unit(text: str, first: Line, last: Line, count: int) -> LineUnit:
    if first.marker:
        marker_start = first.start + first.indent(text)
        marker_end = marker_start + len(text[marker_start:first.text_start].rstrip())
        return LineUnit(first.text_start, last.end, marker_start, marker_end, first.gap, count)
    return LineUnit(first.text_start, last.end, None, None, first.gap, count)
