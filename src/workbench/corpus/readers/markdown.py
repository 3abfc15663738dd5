"""Markdown reader (.md): optional YAML front matter for metadata; the body becomes plain text."""
from __future__ import annotations

import re
from typing import Any

import yaml

from ...errors import Errors, FileReadError
from ..text import decode_bytes
from .base import ReadResult, TextBuilder

_FRONT = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
_QUOTE = re.compile(r"^[ \t]*>[ \t]?")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),          # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),        # links
    (re.compile(r"<[^>\n]+>"), ""),                        # inline HTML
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\w)"), r"\1"),  # *em*
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),    # _em_
    (re.compile(r"`([^`]+)`"), r"\1"),
]


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
                                               detail=getattr(err, "problem", None) or str(err)))
    if not isinstance(meta, dict):
        raise FileReadError(Errors.E014.format(path=path, line=2, detail="it is not a list of 'key: value' lines"))
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
            heading_text = strip_inline(heading.group(2))
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
