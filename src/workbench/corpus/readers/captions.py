"""Caption readers (.vtt, .srt): cues become speaker turns; cue times become timestamps.

Consecutive cues by the same speaker are joined into one turn. The speaker comes from a WebVTT
voice tag (``<v Rose>``) or a ``Name:`` prefix in the cue text.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ...errors import Errors, FileReadError
from ..structure import split_label
from ..text import decode_bytes
from .base import ReadResult, TextBuilder

_VTT_TIME = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
# Neither pattern may run past the next '<': text of thousands of '<' would take quadratic time.
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?[ \t]+([^<>]+)>")
_TAG = re.compile(r"</?[^<>\n]*>")
_SPEAKERLESS_WORDS = 120  # a run of cues without speakers is cut into paragraphs of about this size


@dataclass
class Cue:
    start: str
    speaker: str | None
    text: str


def _clock(stamp: str) -> str:
    """'1:02.5' or '00:01:02,500' -> '00:01:02'."""
    whole = re.split(r"[.,]", stamp)[0]
    parts = [int(p) for p in whole.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    return f"{h:02d}:{m:02d}:{s:02d}"


def _cue_text(lines: list[str]) -> tuple[str | None, str]:
    raw = " ".join(line.strip() for line in lines if line.strip())
    voice = _VOICE.search(raw)
    speaker = None
    if voice:  # one line of plain text, however the tag was written
        speaker = re.sub(r"\s+", " ", html.unescape(voice.group(1))).strip() or None
    text = html.unescape(_TAG.sub("", raw))
    text = re.sub(r"\s+", " ", text).strip()
    if speaker is None:
        speaker, offset = split_label(text)
        text = text[offset:]
    return speaker, text


def _turns(cues: list[Cue]) -> TextBuilder:
    builder = TextBuilder()
    current: list[Cue] = []

    def flush() -> None:
        if current:
            first = current[0]
            text = " ".join(c.text for c in current)
            label = f"{first.speaker}: " if first.speaker else ""
            builder.add(text, "turn", speaker=first.speaker, timestamp=_clock(first.start), label=label)
            current.clear()

    for cue in cues:
        if not cue.text:
            continue
        if current:
            same = cue.speaker == current[0].speaker or cue.speaker is None and current[0].speaker is not None
            long_anonymous = (current[0].speaker is None and
                              sum(len(c.text.split()) for c in current) >= _SPEAKERLESS_WORDS and
                              current[-1].text.endswith((".", "?", "!")))
            if not same or long_anonymous:
                flush()
        if cue.speaker is None and current and current[0].speaker:
            cue = Cue(cue.start, current[0].speaker, cue.text)  # an unlabelled cue continues the turn
        current.append(cue)
    flush()
    return builder


def _blocks_of(text: str) -> list[list[str]]:
    return [b.split("\n") for b in re.split(r"\n[ \t]*\n", text.strip()) if b.strip()]


def _cues(blocks: list[list[str]]) -> list[Cue]:
    """Cues from blank-line-separated blocks: an optional id line, a timing line, the text lines.
    Blocks without a timing line (WebVTT NOTE, STYLE, REGION) are passed over."""
    cues: list[Cue] = []
    for lines in blocks:
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, line in enumerate(lines[:2]) if _VTT_TIME.match(line)), None)
        if timing is not None:
            speaker, text = _cue_text(lines[timing + 1:])
            cues.append(Cue(_VTT_TIME.match(lines[timing]).group(1), speaker, text))
    return cues


def read_vtt(data: bytes, path: str) -> ReadResult:
    decoded = decode_bytes(data, path)
    if not decoded.text.startswith("WEBVTT"):
        raise FileReadError(Errors.E007.format(path=path, detail="the first line is not 'WEBVTT'"))
    cues = _cues(_blocks_of(decoded.text)[1:] if "\n" in decoded.text else [])
    if not any(c.text for c in cues):
        raise FileReadError(Errors.E007.format(path=path, detail="no cues with text were found"))
    builder = _turns(cues)
    return ReadResult(builder.text, builder.blocks, "vtt", kind="transcript", encoding=decoded.encoding)


def read_srt(data: bytes, path: str) -> ReadResult:
    decoded = decode_bytes(data, path)
    cues = _cues(_blocks_of(decoded.text))
    if not any(c.text for c in cues):
        raise FileReadError(Errors.E008.format(path=path, detail="no cues with text were found"))
    builder = _turns(cues)
    return ReadResult(builder.text, builder.blocks, "srt", kind="transcript", encoding=decoded.encoding)
