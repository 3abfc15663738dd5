"""Find the structure of plain text: speaker turns in transcripts, or paragraphs, headings and lists.

These functions take normalised text and return ``Block`` spans into it, so offsets stay exact.
Recognised speaker forms (one turn starts on each such line):

- ``Name: text`` and ``NAME: text`` (one to four words, each capitalised, or a number: ``Speaker 1``),
  optionally with a role in brackets: ``Rose (carer): text``;
- ``[00:01:02] Name: text`` or ``00:01:02 Name: text``;
- ``Speaker 1  0:03`` alone on a line, the turn's text on the following lines (Otter-style);
- a name alone on a line (``Sam Jones``, ``Sam Jones (host)``, ``Sam Jones 00:01:12``), the turn's text
  on the following lines, when the names recur (a podcast transcript).

Labels count from two labelled turns; ``kind = transcript`` in metadata.csv forces speaker parsing.
Text that is not a turn (a title, headings, a byline before the first turn) is laid out as prose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator

from .layout import classify_text, trim_boilerplate
from .model import Block

_WORD = r"[^\W\d_][\w'’.\-]*|\d+"
_NAME = rf"(?:{_WORD})(?:[ \t]+(?:{_WORD})){{0,3}}"
_ROLE = r"(?:[ \t]*\((?P<role>[^()\n]{1,40})\))?"
_TS = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TS_LABEL = re.compile(rf"^[ \t]*[\[(]?(?P<ts>{_TS})[\])]?[ \t]*(?:-[ \t]*)?(?P<name>{_NAME}){_ROLE}[ \t]*:[ \t]*")
_LABEL = re.compile(rf"^[ \t]*(?P<name>{_NAME}){_ROLE}[ \t]*:(?:[ \t]+|$)")
_OTTER = re.compile(rf"^[ \t]*(?P<name>{_NAME}){_ROLE}[ \t]+(?P<ts>{_TS})[ \t]*$")
# A name alone on a line, optionally with a role and a timestamp before or after it.
_ALONE = re.compile(rf"^[ \t]*(?:[\[(]?(?P<ts1>{_TS})[\])]?[ \t]+(?:-[ \t]*)?)?(?P<name>{_NAME}){_ROLE}"
                    rf"(?:[ \t]+(?:-[ \t]*)?[\[(]?(?P<ts2>{_TS})[\])]?)?[ \t]*$")
_STAGE_NOTE = re.compile(r"^[ \t]*[\[(][^\])\n]{1,120}[\])][ \t]*$")
# A timestamp alone on a line, as podcast transcripts put it under the speaker's name ("Kemi\n00:00:06\n...").
_TS_ALONE = re.compile(rf"^[ \t]*[\[(]?(?P<ts>{_TS})[\])]?[ \t]*$")
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
    "saturday", "sunday", "pay", "cost", "costs", "money", "trust", "why", "how", "what", "who", "when",
    "where", "background", "context", "aim", "aims", "goal", "goals", "purpose", "result", "results", "lesson",
    "lessons", "tips", "problem", "problems", "solution", "solutions", "challenge", "barrier", "enabler",
    "impact", "benefit", "benefits", "risk", "risks", "definition", "objective", "objectives", "method",
    "methods", "finding", "findings", "conclusion", "conclusions", "recommendation", "recommendations",
    "next", "steps", "status", "by", "published", "updated", "posted", "tags", "category",
    "categories", "read", "share", "contents", "introduction", "overview", "resources", "references",
    "contact", "address", "website", "price", "audience", "format", "from", "to", "cc", "via",
    "fig", "image", "photo", "credit", "credits",
}
# Labels that name a role in an interview rather than a person: they count as speakers on their own.
SPEAKER_WORDS = {
    "q", "a", "interviewer", "interviewee", "respondent", "participant", "facilitator", "moderator", "host",
    "guest", "chair", "presenter", "panellist", "panelist", "speaker", "audience", "researcher", "caller",
    "unknown", "unidentified", "inaudible",
}
MIN_TURNS = 2


@dataclass(frozen=True)
class Header:
    """A speaker label found at the start of a line."""

    name: str
    role: str | None
    timestamp: str | None
    text_start: int  # offset of the turn's text within the line (end of line if none follows)


def _valid_name(name: str) -> bool:
    words = name.split()
    if words and name.lower().rstrip(".") in SPEAKER_WORDS | {"host", "guest"}:
        return True
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


def _alone(line: str) -> Header | None:
    """A speaker's name alone on a line (with an optional role and timestamp), if the line is one."""
    m = _ALONE.match(line)
    if not m or len(m.group("name").split()) > 3 or not _valid_name(m.group("name")):
        return None
    return Header(m.group("name").strip(), (m.group("role") or "").strip() or None,
                  m.group("ts1") or m.group("ts2"), len(line))


def _next_text(lines: list[tuple[int, str]], i: int, headers: dict[int, Header]) -> bool:
    """True if the next non-blank line after ``i`` is text (not a label or a stage note); a timestamp alone on
    the next line belongs to the label and is skipped."""
    for j in range(i + 1, len(lines)):
        if lines[j][1].strip() and not (j == i + 1 and _TS_ALONE.match(lines[j][1])):
            return j not in headers and not _STAGE_NOTE.match(lines[j][1])
    return False


def _speaker_headers(lines: list[tuple[int, str]], force: bool) -> dict[int, Header]:
    """Line index -> speaker label, for the lines that start a turn (empty if the text is no transcript)."""
    labelled = {i: h for i, (_, line) in enumerate(lines) if (h := match_header(line)) is not None}
    labelled = {i: h for i, h in labelled.items()
                if h.text_start < len(lines[i][1]) and lines[i][1][h.text_start:].strip()
                or _next_text(lines, i, labelled)}
    alone = {i: h for i, (_, line) in enumerate(lines) if i not in labelled and (h := _alone(line)) is not None}
    alone = {i: h for i, h in alone.items() if _next_text(lines, i, {**labelled, **alone})}
    # Names alone on a line (with or without a timestamp): they count as speakers when they recur.
    on_own_line = {**alone, **{i: h for i, h in labelled.items() if h.text_start >= len(lines[i][1].rstrip())}}
    counts: dict[str, int] = {}
    for h in on_own_line.values():
        counts[h.name] = counts.get(h.name, 0) + 1
    recurring = sum(1 for h in on_own_line.values() if counts[h.name] >= 2)
    names_ok = len(counts) >= 2 and len(on_own_line) >= 4 and recurring >= 0.75 * len(on_own_line)
    alone = {i: h for i, h in alone.items() if h.timestamp or (names_ok and counts[h.name] >= 2)
             or (force and counts[h.name] >= 2)}
    headers = {**labelled, **alone}
    if force:
        return headers
    names: dict[str, int] = {}
    for h in headers.values():
        names[h.name] = names.get(h.name, 0) + 1
    nonblank = sum(1 for _, line in lines if line.strip())
    share = len(headers) / max(nonblank, 1)
    if len(headers) < MIN_TURNS:
        return {}
    if len(names) < 2:  # one person speaking: only when the labels carry the text (or timestamps)
        return headers if all(h.timestamp for h in headers.values()) or share >= 0.5 else {}
    if any(c >= 2 for c in names.values()):
        return headers if share >= 0.2 else {}
    # Every label occurs once: people's names, or roles, or the labelled lines make most of the text.
    speakerish = any(h.timestamp or h.name.lower().rstrip(".") in SPEAKER_WORDS or len(h.name.split()) >= 2
                     for h in headers.values())
    return headers if (speakerish and share >= 0.2) or share >= 0.5 else {}


def parse_transcript(text: str, *, force: bool = False,
                     boilerplate=()) -> tuple[list[Block], dict[str, str]] | None:
    """Blocks of a speaker-labelled transcript, or None if the text is not one.

    Returns the blocks (turns, speaker labels, stage notes, and the prose around them laid out as
    headings and paragraphs) and the roles given in labels such as ``Rose (carer):``. ``force``: the
    metadata says this is a transcript; any label counts.
    """
    lines = list(iter_lines(text))
    headers = _speaker_headers(lines, force)
    if not headers:
        return None
    # A once-only label on the first line, followed by a blank line, is a title, not a speaker.
    names = [h.name for h in headers.values()]
    first_line = next((i for i, (_, line) in enumerate(lines) if line.strip()), 0)
    if first_line in headers and names.count(headers[first_line].name) == 1 and first_line + 1 < len(lines) \
            and not lines[first_line + 1][1].strip() and len(headers) > 2:
        del headers[first_line]

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
            preamble = not any(b.kind == "turn" for b in blocks)
            blocks.extend(classify_text(text, loose[0], loose[1], title=preamble and not blocks,
                                        front_matter=preamble, more_follows=True, dated_front_matter=preamble))
            loose.clear()

    for i, (offset, line) in enumerate(lines):
        header = headers.get(i)
        if header is not None:
            close_turn()
            close_loose()
            if header.role:
                roles.setdefault(header.name, header.role)
            start, end = _strip_span(text, offset, offset + min(header.text_start, len(line)))
            if end > start:
                blocks.append(Block(start, end, "label", header.name, header.timestamp))
            turn = (header, offset + header.text_start)
            turn_end = offset + len(line)
        elif turn is not None and turn[1] >= turn_end and (alone_ts := _TS_ALONE.match(line)):
            # the timestamp line under a name alone on its line belongs to the label, not to the turn's text
            start, end = _strip_span(text, offset, offset + len(line))
            timestamp = turn[0].timestamp or alone_ts.group("ts")
            blocks.append(Block(start, end, "label", turn[0].name, timestamp))
            turn = (replace(turn[0], timestamp=timestamp), offset + len(line))
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
    close_turn()
    close_loose()
    if not any(b.kind == "turn" for b in blocks):
        return None
    return trim_boilerplate(text, blocks, boilerplate), roles


_FILLERS = re.compile(r"\b(?:um+|uh+|erm+|er|mm+|mhm|hmm+|yeah|you know|i mean|sort of|kind of|like,)\b",
                      re.IGNORECASE)
_YOU_QUESTION = re.compile(r"\b(?:you|your|yourself)\b[^?\n]*\?", re.IGNORECASE)


def interview_like(text: str) -> str | None:
    """Why unlabelled text reads like an interview or a recording (fillers, questions put to "you"),
    or None."""
    words = len(text.split())
    if words < 80:
        return None
    fillers = len(_FILLERS.findall(text))
    if fillers * 100 / words >= 1.5 and fillers >= 5:
        return f"{fillers} spoken fillers such as 'um', 'yeah', 'you know' in {words:,} words"
    questions = [line for _, line in iter_lines(text) if line.rstrip().endswith("?")]
    put_to_you = sum(1 for q in questions if _YOU_QUESTION.search(q))
    if len(questions) >= 3 and put_to_you >= 2 and put_to_you * 3 >= len(questions):
        return f"{len(questions)} questions on lines of their own, {put_to_you} of them put to 'you'"
    return None


def parse_plain(text: str, boilerplate=()) -> list[Block]:
    """Blocks of plain prose: a title line, headings, paragraphs, list items (with or without markers),
    lead-ins and quotes, each content block with its section and lead-in."""
    return trim_boilerplate(text, classify_text(text), boilerplate)
