"""HTML reader (.html, .htm): the main text of a page, not its navigation, scripts or footers."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

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


_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_HINTS = {"li": "list_item", "blockquote": "quote", "pre": "code", "dt": "heading"}
# Elements whose text flows inside a line (everything else starts a new unit).
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "label", "mark",
           "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "ins", "del",
           "big", "tt", "strike", "acronym"}
_LINE_SPACE = re.compile(r"[^\S\n]+")


def _flow_text(el: Tag) -> str:
    """The text of an element: white space folded, ``<br>`` kept as a line break."""
    parts: list[str] = []
    for node in el.descendants:
        if isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            parts.append(_SPACE.sub(" ", str(node)))
        elif isinstance(node, Tag) and node.name == "br":
            parts.append("\n")
    lines = [_LINE_SPACE.sub(" ", line).strip() for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _units(el: Tag, out: list[tuple[str, Tag | str]]) -> None:
    """(tag name, element) for every block element, ("li", text) for the own text of an item with a nested
    list, and ("", text) for runs of text that sit directly in other containers (a list made of ``<div>`` items, text in a ``<section>`` without ``<p>``), in order."""
    run: list[str] = []

    def flush() -> None:
        text = "".join(run)
        lines = [_LINE_SPACE.sub(" ", _SPACE.sub(" ", line)).strip() for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            out.append(("", text))
        run.clear()

    for child in el.children:
        if isinstance(child, PreformattedString):  # comments, doctypes, CDATA
            continue
        if isinstance(child, NavigableString):
            run.append(str(child))
        elif not isinstance(child, Tag):
            continue
        elif child.name == "br":
            run.append("\n")
        elif child.name == "li" and child.find(["ul", "ol"]) is not None:
            flush()  # an item with a nested list: its own text, then the nested items
            own = [c for c in child.children if not (isinstance(c, Tag) and c.name in ("ul", "ol"))]
            text = " ".join(_SPACE.sub(" ", c.get_text("") if isinstance(c, Tag) else str(c))
                            for c in own if not isinstance(c, PreformattedString))
            out.append(("li", " ".join(text.split())))
            for nested in child.find_all(["ul", "ol"], recursive=False):
                _units(nested, out)
        elif child.name in _BLOCKS:
            flush()
            out.append((child.name, child))
        elif child.name in _INLINE and child.find(lambda t: t.name not in _INLINE and t.name != "br") is None:
            run.append(_flow_text(child))
        else:
            flush()
            _units(child, out)
    flush()


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

    found: list[tuple[str, Tag | str]] = []
    _units(root, found)
    builder = TextBuilder()
    title: str | None = None
    for name, el in found:
        if isinstance(el, str):
            builder.add(el, "list_item" if name == "li" else None, lines=name != "li")
            continue
        if name == "tr":
            text = " | ".join(t for t in (_text_of(c) for c in el.find_all(["td", "th"])) if t)
            builder.add(text, "row")
        elif name in _HEADINGS:
            text = _text_of(el)
            if title is None and name == "h1":
                title = text
                builder.add(text, "title")
            else:
                builder.add(text, "heading", level=_HEADINGS[name])
        elif name in ("li", "blockquote", "dt"):
            builder.add(_text_of(el), _HINTS[name])
        elif name == "pre":
            builder.add(el.get_text(""), "code")
        else:
            builder.add(_flow_text(el), "paragraph", lines=True)
    return ReadResult(builder.text, builder.layout(), "html", title=title or page_title, metadata=metadata,
                      encoding=decoded.encoding)
