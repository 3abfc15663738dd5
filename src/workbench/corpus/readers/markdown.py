"""Markdown reader (.md): optional YAML front matter for metadata; the body becomes plain text."""
from __future__ import annotations

import re
from typing import Any

import yaml

from ...errors import Errors, FileReadError
from ..text import decode_bytes
from .base import ReadResult, TextBuilder

_FRONT = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*)$")  # closing '#'s are stripped in code: a lazy match took N^2
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
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
    section: str | None = None
    title: str | None = None
    para: list[str] = []
    para_kind = "paragraph"
    in_fence = False

    def flush() -> None:
        nonlocal para_kind
        if para:
            builder.add(strip_inline(" ".join(line.strip() for line in para)), para_kind, section=section)
            para.clear()
        para_kind = "paragraph"

    for line in body.split("\n"):
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            para.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            heading_text = strip_inline(heading.group(2).rstrip(" \t#"))
            if title is None and len(heading.group(1)) == 1:
                title = heading_text
                builder.add(heading_text, "title")
            else:
                builder.add(heading_text, "heading")
                section = heading_text
            continue
        if not line.strip():
            flush()
            continue
        bullet = _BULLET.match(line)
        quote = _QUOTE.match(line)
        if bullet:
            flush()
            para.append(line[bullet.end():])
            para_kind = "list_item"
        elif quote:
            if para_kind != "quote":
                flush()
            para.append(line[quote.end():])
            para_kind = "quote"
        else:
            para.append(line)
    flush()
    title = str(meta.get("title") or title or "") or None
    return ReadResult(builder.text, builder.blocks, "md", kind=meta.get("kind"), title=title,
                      metadata=meta, encoding=decoded.encoding)
