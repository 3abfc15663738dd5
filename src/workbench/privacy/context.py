"""Where an occurrence stands in its text: at a sentence start, what follows it, next to a date.

Works on plain text and on Markdown/HTML source (``markup``: tags and entities are looked through),
on one line or across single line breaks (``multiline``).
"""
from __future__ import annotations

import html
import re

MONTHS = frozenset("january february march april may june july august september october november "
                   "december".split())
_DATE_WORDS = frozenset("in of on since until till by from before after during last next early late mid "
                        "this every each".split())
_BLOCK_TAGS = frozenset("p li h1 h2 h3 h4 h5 h6 blockquote div tr td th br dd dt dl ul ol figcaption pre "
                        "section article main header footer body table title html head nav aside".split())
TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^<>]*>")
_ENTITY_END = re.compile(r"&#?\w{1,10};$")
_OPENERS = frozenset(" \t\"“‘'([{*_#>-–—•")
_SENTENCE_END = frozenset(".!?…:;")


def sentence_start(text: str, pos: int, markup: bool) -> bool:
    """True if only opening quotes, brackets or markup stand between ``pos`` and a sentence end,
    a blank line, a block-level HTML tag or the start of the text."""
    i = pos
    while i > 0:
        ch = text[i - 1]
        if ch == "\n":
            j = i - 1
            while j > 0 and text[j - 1] in " \t":
                j -= 1
            if j == 0 or text[j - 1] == "\n":
                return True
            i -= 1
            continue
        if markup and ch == ">":
            lt = text.rfind("<", 0, i - 1)
            m = TAG.fullmatch(text, lt, i) if lt != -1 else None
            if m:
                if m.group(2).lower() in _BLOCK_TAGS:
                    return True
                i = lt
                continue
        if markup and ch == ";":
            m = _ENTITY_END.search(text, max(0, i - 12), i)
            if m:
                entity = html.unescape(m.group())
                if entity in _OPENERS or entity == "\u00a0":
                    i = m.start()
                    continue
                return entity in _SENTENCE_END
        if ch in _OPENERS:
            i -= 1
            continue
        return ch in _SENTENCE_END
    return True


def following(text: str, end: int, markup: bool, multiline: bool) -> str:
    """Up to 200 characters after a name, inline tags skipped; '' when a block or the text ends."""
    i = end
    if markup:
        while i < len(text) and text[i] == "<":
            m = TAG.match(text, i)
            if not m:
                break
            if m.group(2).lower() in _BLOCK_TAGS:
                return ""
            i = m.end()
    after = text[i:i + 200]
    if markup:
        after = html.unescape(TAG.sub("", after))
    if multiline:
        m = re.match(r"[ \t]*\n(?![ \t]*\n)", after)
        if m:
            after = " " + after[m.end():]
    return after


def is_date(text: str, start: int, end: int, markup: bool) -> bool:
    """True if the word at ``start:end`` (a month name) stands next to a day, a year or a date word."""
    before = text[max(0, start - 20):start]
    after = following(text, end, markup, True)
    if re.search(r"\d{1,2}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?$", before) or re.match(r"[ \t]+\d", after):
        return True
    prev = re.search(r"([^\W\d_]+)[ \t]+$", before)
    return bool(prev and prev.group(1).lower() in _DATE_WORDS)
