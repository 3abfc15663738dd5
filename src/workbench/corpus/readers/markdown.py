"""Markdown reader (.md): optional YAML front matter for metadata; the body becomes plain text."""
from __future__ import annotations

import re
from typing import Any

import yaml

from ...errors import Errors, FileReadError
from ..text import decode_bytes
from ..lines import layout_params, line_units
from .base import ReadResult, TextBuilder

_FRONT = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*)$")  # closing '#'s are stripped in code: a lazy match took N^2
_QUOTE = re.compile(r"^[ \t]*>[ \t]?")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
# No pattern may scan past the next opening mark of its kind: on hostile text (thousands of '[', '<'
# or '**' that never close) an open-ended scan from every mark took quadratic time.
_TARGET = r"\((?:[^()]|\([^()]*\))*\)"  # a link target; one level of nested brackets, as in Wikipedia URLs
_INLINE = [
    (re.compile(rf"!\[([^\[\]]*)\]{_TARGET}"), ""),          # images
    (re.compile(rf"\[([^\[\]]+)\]{_TARGET}"), r"\1"),        # links
    (re.compile(r"<[^<>\n]+>"), ""),                        # inline HTML
    (re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)"), r"\1"),  # *em*
    (re.compile(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?!\w)"), r"\1"),    # _em_
    (re.compile(r"`([^`]+)`"), r"\1"),
]


MAX_FRONT_MATTER_VALUES = 10_000


def _too_many_values(value: Any, limit: int = MAX_FRONT_MATTER_VALUES) -> bool:
    """True if ``value``, with YAML aliases expanded, holds more than ``limit`` items (a "billion
    laughs" block, or one that contains itself). Stops as soon as the limit is passed."""
    stack, seen = [value], 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return False


def strip_inline(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text


def _front_matter(text: str, path: str) -> tuple[dict[str, Any], str]:
    m = _FRONT.match(text)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1) or "") or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else "?"
        raise FileReadError(Errors.E014.format(path=path, line=line,
                                               detail=getattr(err, "problem", None) or str(err))) from None
    if not isinstance(meta, dict):
        raise FileReadError(Errors.E014.format(path=path, line=2, detail="it is not a list of 'key: value' lines"))
    if _too_many_values(meta):
        raise FileReadError(Errors.E520.format(path=path, limit=f"{MAX_FRONT_MATTER_VALUES:,}"))
    meta = {str(k): (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in meta.items()}
    return meta, text[m.end():]


def read_md(data: bytes, path: str) -> ReadResult:
    decoded = decode_bytes(data, path)
    meta, body = _front_matter(decoded.text, path)
    builder = TextBuilder()
    title: str | None = None
    width, blank_separated = layout_params(body)
    # Written with blank lines between paragraphs: a single line break is a soft break (CommonMark).
    # Without them ("Markdown without blank lines"), each line is a unit unless it was wrapped.
    blank = sum(1 for line in body.split("\n") if not line.strip())
    soft = blank >= 0.2 * max(len(body.split("\n")) - blank, 1)
    run: list[int] = []  # [start, end] in body of a run of ordinary lines (paragraphs, list items)
    quote: list[str] = []
    fence: list[str] | None = None
    gap = 0

    def flush_run() -> None:
        nonlocal gap
        if run:
            for unit in line_units(body, run[0], run[1], width=width, blank_separated=blank_separated,
                                   soft_breaks=soft):
                piece = strip_inline(" ".join(line.strip() for line in body[unit.start:unit.end].split("\n")))
                builder.add(piece, "list_item" if unit.marker_start is not None else None,
                            gap=gap if unit.gap == 0 else unit.gap)
                gap = 0
            run.clear()

    def flush_quote() -> None:
        nonlocal gap
        if quote:
            builder.add(strip_inline(" ".join(line.strip() for line in quote)), "quote", gap=gap)
            gap = 0
            quote.clear()

    offset = 0
    for line in body.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        if fence is not None:
            if _FENCE.match(line):
                builder.add("\n".join(fence), "code", gap=gap)
                gap, fence = 0, None
            else:
                fence.append(line)
            continue
        if _FENCE.match(line):
            flush_run()
            flush_quote()
            fence = []
            continue
        heading = _HEADING.match(line)
        quoted = _QUOTE.match(line)
        if heading:
            flush_run()
            flush_quote()
            heading_text = strip_inline(heading.group(2).rstrip(" \t#"))
            level = len(heading.group(1))
            if title is None and level == 1:
                title = heading_text
                builder.add(heading_text, "title", gap=gap)
            else:
                builder.add(heading_text, "heading", level=level, gap=gap)
            gap = 0
        elif not line.strip():
            flush_run()
            flush_quote()
            gap += 1
        elif quoted:
            flush_run()
            quote.append(line[quoted.end():])
        else:
            flush_quote()
            if run:
                run[1] = line_start + len(line)
            else:
                run.extend([line_start, line_start + len(line)])
    if fence is not None:  # an unclosed fence: its lines are text
        builder.add("\n".join(fence), "code", gap=gap)
    flush_run()
    flush_quote()
    title = str(meta.get("title") or title or "") or None
    return ReadResult(builder.text, builder.layout(), "md", kind=meta.get("kind"), title=title,
                      metadata=meta, encoding=decoded.encoding)
