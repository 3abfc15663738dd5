"""What each unit of a document is: a title, heading, paragraph, list item, lead-in, quote, stage note,
boilerplate or front matter; and, for every content block, its section (the heading path above it) and,
for list items, the line that introduces their list.

Readers hand over units (spans of the document's text) with what their format says about them (a
Markdown ``#``, a Word heading style, an HTML ``<li>``); plain text and PDF text layers come as lines
joined by :mod:`workbench.corpus.lines`. The rules:

- a **list item** has a marker (-, *, •, –, 1., a), (i)) or its format says so; lines without markers
  are items when they follow a lead-in ("The main challenges were as follows", "What helped:") and are
  short, or when several short lines in a row start in lower case or end with ";" or ",";
- a **heading** is a short line (at most 12 words) that starts with a capital, a digit or a symbol and
  has no final punctuation, or a line of up to four words ending in ":" ("What helped:"); the first one,
  before any text, is the title (which may be longer, or end with "?");
- a **lead-in** introduces a list: a line ending in ":" or "as follows" just above it, or a short
  paragraph right above a list with markers; a lead-in of five words or more is content (kind
  ``lead_in``), a shorter one is a heading. A long line ending in ":" with no list after it is a paragraph;
- a **quote** is a line in quotation marks;
- a **stage note** is a line in brackets ("[Introduction]", "(laughter)");
- **front matter** is a block of "Key: value" lines (title, date, author, ...) or a ``---`` YAML block at
  the top of a plain-text file; **boilerplate** comes from :mod:`workbench.corpus.boilerplate`;
- everything else is a **paragraph**.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from statistics import median

from .boilerplate import DATE, is_boilerplate_line, is_boilerplate_sentence
from .lines import line_units
from .model import SECTION_SEPARATOR, Block

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 100
MAX_ITEM_WORDS = 40
SHORT_LEAD_IN_WORDS = 4  # a lead-in this short ("What helped:") is a heading, not content

_FINAL = re.compile(r"[.!?;,…][\"'”’)\]]*$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_LEAD_IN = re.compile(r"(?::|\bas follows[.:]?|\b(?:the|these) following[.:]?|\bfollowing:?|\binclude[ds]?:?)"
                      r"[\"'”’)]*$", re.IGNORECASE)
_STAGE_NOTE = re.compile(r"[\[(][^\])\n]{1,120}[\])]")
_QUOTED = re.compile(r"[“\"‘'][^\s\"“”‘’'].*[”\"’'][.,;:!?]*(?:\s*[-–—]\s*\S.{0,60})?", re.S)
_FRONT_KEY = re.compile(
    r"(?i:title|subtitle|date|author|authors|by|published|updated|tags?|categories|category|source|url|link|"
    r"location|venue|place|duration|length|recorded|recording|interviewer|interviewee|participants?|attendees|"
    r"language|type|kind|summary|description|keywords|episode|series|season|host|guest|transcribed by|"
    r"transcript)\s*:\s*\S.*")
_DATE = re.compile(rf"\b{DATE}\b", re.IGNORECASE)
_TIMESTAMP = re.compile(r"[\[(]?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?")


@dataclass(frozen=True)
class Unit:
    """A span of a document's text that a reader offers as one unit, with what its format says."""

    start: int
    end: int
    hint: str | None = None  # title | heading | list_item | quote | code | row | paragraph (weak) | None
    level: int | None = None  # heading level from the format (1 = top)
    gap: int = 0  # blank lines (or empty paragraphs) before the unit
    marker_start: int | None = None  # a list marker's span, when the text has one
    marker_end: int | None = None

    @property
    def marked(self) -> bool:
        return self.marker_start is not None


def text_units(text: str, start: int = 0, end: int | None = None, hint: str | None = None,
               level: int | None = None, gap: int = 0) -> list[Unit]:
    """Units of a stretch of plain text (wrapped lines joined), all with the same format hint."""
    units = []
    for i, u in enumerate(line_units(text, start, end)):
        marked_hint = "list_item" if u.marker_start is not None else hint
        units.append(Unit(u.start, u.end, marked_hint, level, gap if i == 0 else u.gap, u.marker_start,
                          u.marker_end))
    return units


def _words(body: str) -> int:
    return len(body.split())


def heading_like(body: str) -> bool:
    """A short line starting with a capital or digit, without final punctuation (":" allowed)."""
    if not body or len(body) > MAX_HEADING_CHARS or _words(body) > MAX_HEADING_WORDS:
        return False
    if not _capital_start(body):
        return False
    return not _FINAL.search(body)


def _capital_start(body: str) -> bool:
    """Starts with a capital, a digit or a symbol (an emoji, "£"), not a lower-case word or a mark."""
    first = body.lstrip("\"'“‘([")[:1]
    return bool(first) and not first.islower() and (first.isalnum() or unicodedata.category(first)[0] == "S")


def title_like(body: str) -> bool:
    """A document's first line may be a longer heading, and may end with "?" or "!" ("Who decides?")."""
    if not body or len(body) > 160 or _words(body) > 20 or "\n" in body.strip():
        return False
    return _capital_start(body) and not re.search(r"[.;,…][\"'”’\]]*$", body)


def lead_in_like(body: str) -> bool:
    return bool(_LEAD_IN.search(body[-40:]))


def _stage_note(body: str) -> bool:
    return bool(_STAGE_NOTE.fullmatch(body))


def _quoted(body: str) -> bool:
    return bool(_QUOTED.fullmatch(body)) and "\n\n" not in body


def _style(body: str) -> str:
    letters = [c for c in body if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return "upper"
    return "colon" if body.endswith(":") else "plain"


def section_name(heading: str) -> str:
    """A heading as it appears in a section path: markup and a final colon taken off, spaces folded."""
    return " ".join(heading.strip().lstrip("#").strip().rstrip(":").split())


class _Doc:
    """The units of one document with their bodies and the kinds decided so far."""

    def __init__(self, text: str, units: list[Unit]):
        self.text = text
        self.units = units
        self.bodies = [text[u.start:u.end] for u in units]
        self.words = [_words(b) for b in self.bodies]
        self.kinds: list[str | None] = [None] * len(units)
        self.lead_ins: dict[int, int] = {}  # unit index of a list item -> unit index of its lead-in

    def free(self, i: int) -> bool:
        """Not decided yet, and the format only weakly says what it is (a paragraph, or nothing)."""
        return self.kinds[i] is None and self.units[i].hint in (None, "paragraph")


def classify(text: str, units: list[Unit], *, title: bool = True, front_matter: bool = True,
             more_follows: bool = False, dated_front_matter: bool = False) -> list[Block]:
    """Blocks for ``units`` (in document order): content blocks with section and lead-in, and the
    headings, notes, boilerplate, front matter and list markers between them.

    ``title``: the first heading before any text may be the document's title. ``front_matter``: look for
    "Key: value" lines at the top (plain text). ``more_follows``: the document goes on after these units
    (a transcript's turns), so a lone first line may be its title. ``dated_front_matter``: a short line
    with a date before any text is front matter too (the place and date before a transcript's turns)."""
    doc = _Doc(text, units)
    _fixed_kinds(doc, front_matter, dated_front_matter)
    if title:
        _title(doc, more_follows)
    _lists_after_lead_ins(doc)
    _marked_list_lead_ins(doc)
    _bare_lists(doc)
    _headings_and_rest(doc)
    if not more_follows and not any(k in ("paragraph", "list_item", "quote", "lead_in") for k in doc.kinds):
        # Nothing but lines that look like headings: short lines of notes or a schedule, not a document of
        # empty sections (headings the format marks as such stay headings).
        doc.kinds = ["paragraph" if k in ("title", "heading") and u.hint in (None, "paragraph") else k
                     for k, u in zip(doc.kinds, doc.units)]
    return _blocks(doc)


def _fixed_kinds(doc: _Doc, front_matter: bool, dated: bool = False) -> None:
    seen_content = False
    in_yaml = False
    for i, (unit, body) in enumerate(zip(doc.units, doc.bodies)):
        if unit.hint == "title":
            doc.kinds[i] = "title"
            continue
        if front_matter and not seen_content:
            if i == 0 and body.strip() == "---" and any(b.strip() in ("---", "...") for b in doc.bodies[1:40]):
                in_yaml = True
                doc.kinds[i] = "front_matter"
                continue
            if in_yaml:
                doc.kinds[i] = "front_matter"
                in_yaml = body.strip() not in ("---", "...")
                continue
            if unit.hint is None and not unit.marked and "\n" not in body and _FRONT_KEY.fullmatch(body):
                doc.kinds[i] = "front_matter"
                continue
            if dated and unit.hint is None and len(body) < 400 and not (i == 0 and title_like(body)) and \
                    _words(body) <= 30 and _DATE.search(body):
                doc.kinds[i] = "front_matter"
                continue
        if unit.hint in (None, "paragraph") and _TIMESTAMP.fullmatch(body):
            doc.kinds[i] = "label"  # a timestamp alone on a line: it dates the next unit
        elif is_boilerplate_line(body):
            doc.kinds[i] = "boilerplate"
        elif _stage_note(body) and unit.hint in (None, "paragraph"):
            doc.kinds[i] = "note"
        elif unit.marked or unit.hint == "list_item":
            doc.kinds[i] = "list_item"
        elif unit.hint == "heading":
            doc.kinds[i] = "heading"
        elif unit.hint == "quote":
            doc.kinds[i] = "quote"
        elif unit.hint in ("code", "row"):
            doc.kinds[i] = "paragraph"
        if doc.kinds[i] is None and not heading_like(body) and not (i == 0 and title_like(body)):
            seen_content = True
        elif doc.kinds[i] in ("list_item", "quote"):
            seen_content = True


def _title(doc: _Doc, more_follows: bool = False) -> None:
    """The first unit that is a heading (or heading-like) before any content is the title."""
    if "title" in doc.kinds:
        return
    for i, body in enumerate(doc.bodies):
        kind = doc.kinds[i]
        if kind in ("boilerplate", "front_matter", "note"):
            continue
        if kind == "heading" and (doc.units[i].level or 1) <= 1:
            doc.kinds[i] = "title"
        elif doc.free(i) and title_like(body) and not lead_in_like(body) and (i + 1 < len(doc.units) or more_follows):
            doc.kinds[i] = "title"
        return


def _item_like(doc: _Doc, j: int, items: list[int]) -> bool:
    """Could unit ``j`` be the next item of a list without markers that holds ``items``?"""
    if not doc.free(j):
        return False
    body, unit = doc.bodies[j], doc.units[j]
    words = doc.words[j]
    if words > MAX_ITEM_WORDS or (lead_in_like(body) and words > SHORT_LEAD_IN_WORDS):
        return False
    if not items:
        return words <= MAX_ITEM_WORDS
    rhythm = doc.units[items[1 if len(items) > 1 else 0]].gap  # the first item may follow a blank line
    if unit.gap > rhythm:
        return False  # the list's lines were closer together than this
    sizes = [doc.words[k] for k in items]
    typical = median(sizes)
    if words > max(3 * typical, 12):
        return False  # a paragraph after a list of short items
    item_sentences = sum(1 for k in items if _SENTENCE_END.search(doc.bodies[k]))
    if _sentences(body) >= 2 and all(_sentences(doc.bodies[k]) <= 1 for k in items) and words > 2 * typical:
        return False
    if heading_like(body) and item_sentences == len(items) and words <= MAX_HEADING_WORDS and \
            _next_is_paragraph(doc, j):
        return False  # items end with punctuation, this does not, and text follows: a heading
    if heading_like(body) and all(doc.bodies[k][:1].islower() for k in items) and _next_is_paragraph(doc, j):
        return False  # items in lower case, this capitalised, and text follows: a heading
    return True


def _sentences(body: str) -> int:
    return max(1, len(re.findall(r"[.!?…][\"'”’)\]]*(?:\s+|$)", body)))


def _next_is_paragraph(doc: _Doc, j: int) -> bool:
    """True if the unit after ``j`` is prose (a paragraph of several words ending a sentence)."""
    k = j + 1
    while k < len(doc.units) and doc.kinds[k] in ("boilerplate", "note"):
        k += 1
    if k >= len(doc.units):
        return False
    body = doc.bodies[k]
    return doc.free(k) and doc.words[k] > MAX_HEADING_WORDS and bool(re.search(r"[.!?…:][\"'”’)\]]*$", body[-8:]))


def _lists_after_lead_ins(doc: _Doc) -> None:
    """Lines without markers after a lead-in are list items while they look like items."""
    i = 0
    n = len(doc.units)
    while i < n:
        body = doc.bodies[i]
        is_lead = (doc.free(i) or doc.kinds[i] == "heading") and lead_in_like(body)
        if not is_lead:
            i += 1
            continue
        j = i + 1
        while j < n and doc.kinds[j] in ("boilerplate", "note"):
            j += 1
        if j < n and doc.kinds[j] == "list_item":
            i = j  # a list with markers: its lead-in is found later
            continue
        items: list[int] = []
        while j < n and _item_like(doc, j, items):
            items.append(j)
            j += 1
        if len(items) == 1 and _SENTENCE_END.search(doc.bodies[items[0]]):
            items = []  # one sentence after "Findings:" is a paragraph under a heading, not a list
        if items:
            for k in items:
                doc.kinds[k] = "list_item"
                doc.lead_ins[k] = i
            _mark_lead_in(doc, i)
            i = j
        else:
            i += 1


def _mark_lead_in(doc: _Doc, i: int) -> None:
    if doc.kinds[i] == "heading":
        return
    doc.kinds[i] = "heading" if doc.words[i] <= SHORT_LEAD_IN_WORDS and heading_like(doc.bodies[i]) \
        else "lead_in"


def _marked_list_lead_ins(doc: _Doc) -> None:
    """The unit just before a list (with markers, or list items by format) introduces it when it ends in
    ":" or "as follows", or is a short paragraph right above the list."""
    n = len(doc.units)
    i = 0
    while i < n:
        if doc.kinds[i] != "list_item" or i in doc.lead_ins:
            i += 1
            continue
        j = i
        while j < n and (doc.kinds[j] == "list_item" and j not in doc.lead_ins or doc.kinds[j] in ("note",)):
            j += 1
        p = i - 1
        while p >= 0 and doc.kinds[p] in ("boilerplate", "note"):
            p -= 1
        lead = None
        if p >= 0:
            body = doc.bodies[p]
            if (doc.free(p) or doc.kinds[p] in ("heading", "lead_in", "paragraph")) and lead_in_like(body):
                lead = p
            elif doc.free(p) and doc.units[i].gap == 0 and doc.words[p] <= MAX_ITEM_WORDS and \
                    _sentences(body) <= 1 and not heading_like(body):
                lead = p
        if lead is not None:
            if doc.kinds[lead] is None and lead_in_like(doc.bodies[lead]):
                _mark_lead_in(doc, lead)  # an explicit lead-in ("as follows:"); a plain sentence stays a paragraph
            for k in range(i, j):
                if doc.kinds[k] == "list_item":
                    doc.lead_ins[k] = lead
        i = j


def _bare_lists(doc: _Doc) -> None:
    """Several short lines in a row that start in lower case, or end with ";" or ",", are list items;
    so are three or more short capitalised lines in a row (bare noun phrases), except a last one that
    heads the paragraph after it."""
    n = len(doc.units)
    i = 0
    while i < n:
        j = i
        while j < n and doc.free(j) and doc.words[j] <= MAX_HEADING_WORDS and \
                (j == i or doc.units[j].gap == 0) and _bare_item(doc.bodies[j]):
            j += 1
        if j - i >= 2:
            for k in range(i, j):
                doc.kinds[k] = "list_item"
            i = j
            continue
        j = i
        while j < n and doc.free(j) and heading_like(doc.bodies[j]) and not lead_in_like(doc.bodies[j]) and \
                doc.words[j] <= 6 and (j == i or doc.units[j].gap == 0):
            j += 1
        if j - i >= 3:
            last = j - 1 if _next_is_paragraph(doc, j - 1) else j
            for k in range(i, last):
                doc.kinds[k] = "list_item"
            i = max(j, i + 1)
            continue
        i += 1


def _bare_item(body: str) -> bool:
    return body[:1].islower() and not _SENTENCE_END.search(body) or body.rstrip().endswith((";", ","))


def _headings_and_rest(doc: _Doc) -> None:
    for i, body in enumerate(doc.bodies):
        if doc.kinds[i] is not None:
            continue
        hint = doc.units[i].hint
        if hint == "paragraph" and not heading_like(body):
            doc.kinds[i] = "quote" if _quoted(body) else "paragraph"
        elif lead_in_like(body) and doc.words[i] > SHORT_LEAD_IN_WORDS:
            doc.kinds[i] = "paragraph"  # "Nesta set out six principles:" with no list after it: a sentence
        elif heading_like(body):
            doc.kinds[i] = "heading"
        elif _quoted(body):
            doc.kinds[i] = "quote"
        else:
            doc.kinds[i] = "paragraph"


def _blocks(doc: _Doc) -> list[Block]:
    """Blocks in document order, with the section path and lead-in of every content block."""
    blocks: list[Block] = []
    stack: list[tuple[int, str]] = []
    style_levels: dict[str, int] = {}
    last_level: int | None = None
    timestamp: str | None = None
    for i, (unit, body, kind) in enumerate(zip(doc.units, doc.bodies, doc.kinds)):
        if kind == "label":
            timestamp = _TIMESTAMP.fullmatch(body).group(1)
            blocks.append(Block(unit.start, unit.end, "label", timestamp=timestamp))
            continue
        if kind == "heading":
            if unit.level is not None:
                level = last_level = unit.level
            elif last_level is not None:
                level = last_level  # a heading the format does not mark, among ones it does: a sibling
            else:
                level = 10 + style_levels.setdefault(_style(body), len(style_levels))
            while stack and stack[-1][0] >= level:
                stack.pop()
            name = section_name(body)
            if name:
                stack.append((level, name))
        if unit.marked:
            blocks.append(Block(unit.marker_start, unit.marker_end, "marker"))
        section = SECTION_SEPARATOR.join(name for _, name in stack) or None
        lead = doc.lead_ins.get(i)
        lead_in = " ".join(doc.bodies[lead].split()) if lead is not None else None
        if kind in ("paragraph", "list_item", "quote", "lead_in"):
            blocks.append(Block(unit.start, unit.end, kind, timestamp=timestamp, section=section, lead_in=lead_in))
            timestamp = None
        else:
            blocks.append(Block(unit.start, unit.end, kind or "paragraph"))
    return blocks


def trim_boilerplate(text: str, blocks: list[Block], extra=()) -> list[Block]:
    """Content blocks whose first or last sentences are boilerplate (a podcast's welcome, a sign-off) lose
    them to boilerplate blocks; content blocks that are boilerplate as a whole become boilerplate."""
    from .segment import sentence_spans

    out: list[Block] = []
    for block in blocks:
        if block.kind not in ("paragraph", "turn", "quote", "list_item", "lead_in"):
            if extra and block.kind in ("heading", "title") and \
                    is_boilerplate_line(text[block.start_char:block.end_char], extra):
                block = replace(block, kind="boilerplate", speaker=None, section=None, lead_in=None)
            out.append(block)
            continue
        body = text[block.start_char:block.end_char]
        if len(body) > 20000 or not _may_have_edge_boilerplate(body, extra):
            out.append(block)
            continue
        if is_boilerplate_sentence(body, extra) or (extra and is_boilerplate_line(body, extra)):
            out.append(Block(block.start_char, block.end_char, "boilerplate"))
            continue
        spans = sentence_spans(text, block.start_char, block.end_char)
        first, last = 0, len(spans)
        while first < last and is_boilerplate_sentence(text[spans[first][0]:spans[first][1]], extra):
            first += 1
        while last > first and is_boilerplate_sentence(text[spans[last - 1][0]:spans[last - 1][1]], extra):
            last -= 1
        if first == 0 and last == len(spans):
            out.append(block)
            continue
        if first:
            out.append(Block(spans[0][0], spans[first - 1][1], "boilerplate"))
        if last > first:
            out.append(replace(block, start_char=spans[first][0], end_char=spans[last - 1][1]))
        if last < len(spans):
            out.append(Block(spans[last][0], spans[-1][1], "boilerplate"))
    return out


_EDGE_HINT = re.compile(r"podcast|listening|subscribe|helpful|useful|episode|show notes|see you|tuning in|"
                        r"joining us", re.IGNORECASE)


def _may_have_edge_boilerplate(body: str, extra) -> bool:
    return bool(extra) or bool(_EDGE_HINT.search(body))


def classify_text(text: str, start: int = 0, end: int | None = None, **kwargs) -> list[Block]:
    """Blocks of a stretch of plain text (lines joined where wrapped, then classified)."""
    return classify(text, text_units(text, start, end), **kwargs)
