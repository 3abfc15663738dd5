"""HTML reader (.html, .htm): the main text of a page, not its navigation, scripts or footers."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from ...errors import Errors, FileReadError
from ..text import decode_bytes
from .base import ReadResult, TextBuilder

_DROP = ["script", "style", "noscript", "template", "nav", "footer", "aside", "form", "iframe", "svg",
         "button", "select", "object", "embed", "canvas", "audio", "video", "head"]
_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "dd", "dt", "figcaption",
           "tr"}
_SPACE = re.compile(r"\s+")


def _text_of(el: Tag) -> str:
    return _SPACE.sub(" ", el.get_text("")).strip()


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        if tag and tag.get("content"):
            return str(tag["content"]).strip()
    return None


def read_html(data: bytes, path: str) -> ReadResult:
    decoded = decode_bytes(data, path)
    try:
        # lxml, not html.parser: the latter takes quadratic time on text such as '<v <v <v ...'
        soup = BeautifulSoup(decoded.text, "lxml")
    except Exception as err:  # the parser is lenient; this is for the truly broken
        raise FileReadError(Errors.E015.format(path=path, detail=err)) from None
    page_title = soup.title.get_text(strip=True) if soup.title else None
    metadata = {k: v for k, v in {
        "author": _meta(soup, "author", "article:author"),
        "date": _meta(soup, "date", "article:published_time", "dc.date"),
        "description": _meta(soup, "description"),
    }.items() if v}
    if "date" not in metadata:
        time_tag = soup.find("time", attrs={"datetime": True})
        if time_tag:
            metadata["date"] = str(time_tag["datetime"])
    for el in soup.find_all(_DROP):  # one pass over the tree, not one per tag name
        el.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for header in root.find_all("header"):
        if not header.find_parent(["article", "main"]) and header is not root:
            header.decompose()
    for br in root.find_all("br"):
        br.replace_with("\n")

    builder = TextBuilder()
    title: str | None = None
    section: str | None = None
    for el in root.find_all(list(_BLOCKS)):
        if any(parent.name in _BLOCKS for parent in el.parents):  # find_parent() took ~1 ms a call
            continue  # nested in a block we already took (a <p> inside <li> or <blockquote>)
        if el.name == "tr":
            text = " | ".join(t for t in (_text_of(c) for c in el.find_all(["td", "th"])) if t)
        else:
            text = _text_of(el)
        if not text:
            continue
        name = el.name
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            if title is None and name == "h1":
                title = text
                builder.add(text, "title")
            else:
                builder.add(text, "heading")
                section = text
        elif name == "li":
            builder.add(text, "list_item", section=section)
        elif name == "blockquote":
            builder.add(text, "quote", section=section)
        else:
            builder.add(text, "paragraph", section=section)
    if not builder.blocks:  # a page of bare text in <div>s
        for line in root.get_text("\n").split("\n"):
            builder.add(_SPACE.sub(" ", line), "paragraph")
    return ReadResult(builder.text, builder.blocks, "html", title=title or page_title, metadata=metadata,
                      encoding=decoded.encoding)
