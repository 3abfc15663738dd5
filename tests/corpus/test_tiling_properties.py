"""Property test (Hypothesis): generated line-structured documents, written in every format that has a
reader, are tiled exactly by segments and exclusions, and nothing is lost.

A document is a list of units (headings, paragraphs, lists with or without markers after a lead-in,
quoted lines; turns for the caption and table formats). For every format the test checks that
segments and exclusions tile the document's text, that no visible character is left unread, that every
paragraph, list item and quoted line is inside a segment, word for word, and that every heading is set
aside as a heading.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.corpus.accounting import account, check_tiling
from workbench.corpus.loader import read_document
from workbench.corpus.segment import segment_document

sys.path.insert(0, str(Path(__file__).parent))
from conftest import build_pdf, build_xlsx  # noqa: E402

WORDS = ["care", "carer", "people", "meeting", "money", "time", "council", "group", "voice", "support", "plan",
         "service", "trust", "power", "paid", "listen", "change", "forum", "panel", "room", "letter", "worker",
         "family", "budget", "week", "evening", "decision", "question", "answer", "partner"]
MARKERS = ["- ", "* ", "• ", "1. ", "a) ", "(i) ", ""]
NAMES = ["Rose", "Dev Patel", "Amira", "Sam Jones"]

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)


def _sentence(ws: list[str], end: str = ".") -> str:
    return " ".join([ws[0].capitalize(), *ws[1:]]) + end


heading = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(lambda ws: ("heading", _sentence(ws, "")))
paragraph = st.lists(st.lists(st.sampled_from(WORDS), min_size=6, max_size=14), min_size=1, max_size=3).map(
    lambda sents: ("paragraph", " ".join(_sentence(s) for s in sents)))
quote = st.lists(st.sampled_from(WORDS), min_size=4, max_size=10).map(lambda ws: ("quote", f"“{_sentence(ws)}”"))
items = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join), min_size=2, max_size=5)
a_list = st.tuples(st.sampled_from(MARKERS), st.lists(st.sampled_from(WORDS), min_size=6, max_size=10), items).map(
    lambda t: ("list", t[0], _sentence(t[1], ":"), t[2]))
unit = st.one_of(heading, paragraph, quote, a_list)
# A document starts with a paragraph, so its first heading is not taken for a title; no two headings in a
# row (a heading of an empty section may be read as a short list item), no heading last, and no heading after a
# list without markers until a paragraph ends that list (without blank lines or markers, a one-word heading
# there, "Care" after the items "care" and "care" or after a short quoted line, reads as one more item to a
# person too).
def _unambiguous(units: list) -> list:
    kept: list = []
    in_bare_list = False
    for i, u in enumerate(units):
        if u[0] == "paragraph":
            in_bare_list = False
        if u[0] == "heading" and (i + 1 == len(units) or units[i + 1][0] == "heading" or in_bare_list):
            continue
        if u[0] == "list" and not u[1]:
            in_bare_list = True
        kept.append(u)
    return kept


documents = st.lists(unit, min_size=1, max_size=8).map(
    lambda units: [("paragraph", "We met to talk about care and support.")] + _unambiguous(units)
    + [("paragraph", "That is all for now.")])


def _marker(style: str, n: int) -> str:
    return {"1. ": f"{n + 1}. ", "a) ": f"{'abcde'[n]}) ", "(i) ": f"({'i ii iii iv v'.split()[n]}) "}.get(style, style)


def _lines(doc: list) -> list[tuple[str, str]]:
    """(kind, line) for every line of the document as plain text."""
    out = []
    for u in doc:
        if u[0] == "list":
            _, style, lead, its = u
            out.append(("lead_in", lead))
            out += [("item", _marker(style, n) + item) for n, item in enumerate(its)]
        else:
            out.append((u[0], u[1]))
    return out


def as_txt(doc, blank: bool) -> bytes:
    return ("\n\n" if blank else "\n").join(line for _, line in _lines(doc)).encode("utf-8")


def as_md(doc) -> bytes:
    out = []
    for kind, line in _lines(doc):
        out.append(f"## {line}" if kind == "heading" else f"> {line}" if kind == "quote" else line)
    return "\n".join(out).encode("utf-8")


def as_html(doc) -> bytes:
    out = ["<html><body><main>"]
    for u in doc:
        if u[0] == "heading":
            out.append(f"<h2>{u[1]}</h2>")
        elif u[0] == "quote":
            out.append(f"<blockquote>{u[1]}</blockquote>")
        elif u[0] == "paragraph":
            out.append(f"<p>{u[1]}</p>")
        else:
            _, style, lead, its = u
            out.append(f"<div>{lead}</div>")
            if style:
                out.append("<ul>" + "".join(f"<li>{i}</li>" for i in its) + "</ul>")
            else:
                out.append("<div>" + "".join(f"<div>{i}</div>" for i in its) + "</div>")
    out.append("</main></body></html>")
    return "\n".join(out).encode("utf-8")


def as_docx(doc) -> bytes:
    import docx

    document = docx.Document()
    for u in doc:
        if u[0] == "heading":
            document.add_heading(u[1], level=2)
        elif u[0] in ("paragraph", "quote"):
            document.add_paragraph(u[1])
        else:
            _, style, lead, its = u
            document.add_paragraph(lead)
            for n, item in enumerate(its):
                if style == "- ":
                    document.add_paragraph(item, style="List Bullet")
                else:
                    document.add_paragraph(_marker(style, n) + item)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def as_pdf(doc) -> bytes:
    return build_pdf([line.replace("“", "\"").replace("”", "\"").replace("•", "-") for _, line in _lines(doc)])


def _check(data: bytes, name: str, doc: list, *, quotes_as_text: bool = False) -> None:
    from workbench.corpus.model import Document

    result = read_document_from_bytes(data, name)
    segments = segment_document(result, "auto")
    exclusions, cover = account(result, segments)
    check_tiling(result, segments, exclusions)
    assert cover.excluded.get("unread", 0) == 0
    joined = " | ".join(" ".join(s.text.split()) for s in segments)
    set_aside = {" ".join(e.text.split()) for e in exclusions}
    for kind, line in _lines(doc):
        if kind == "item":
            line = line.split(" ", 1)[1] if line.split(" ", 1)[0] in {
                _marker(m, n).strip() for m in MARKERS if m for n in range(5)} else line
        if quotes_as_text:
            line = line.replace("“", "\"").replace("”", "\"")
        if kind in ("paragraph", "item", "quote"):
            assert line in joined, (name, kind, line, joined)
        elif kind == "heading":
            assert line in set_aside, (name, line, set_aside)
    assert isinstance(result, Document)


def read_document_from_bytes(data: bytes, name: str):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return read_document(path, name)


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(documents, st.booleans())
def test_plain_text_is_tiled_and_nothing_is_lost(doc, blank):
    _check(as_txt(doc, blank), "doc.txt", doc)


@SETTINGS
@given(documents)
def test_markdown_without_blank_lines_is_tiled_and_nothing_is_lost(doc):
    _check(as_md(doc), "doc.md", doc)


@SETTINGS
@given(documents)
def test_html_with_lists_in_divs_is_tiled_and_nothing_is_lost(doc):
    _check(as_html(doc), "doc.html", doc)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_word_documents_are_tiled_and_nothing_is_lost(doc):
    _check(as_docx(doc), "doc.docx", doc)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_pdf_text_layers_are_tiled_and_nothing_is_lost(doc):
    _check(as_pdf(doc), "doc.pdf", doc, quotes_as_text=True)


turns = st.lists(st.tuples(st.sampled_from(NAMES), st.lists(st.lists(st.sampled_from(WORDS), min_size=3, max_size=9),
                                                           min_size=1, max_size=3)),
                 min_size=2, max_size=8).map(lambda ts: [(name, " ".join(_sentence(s) for s in sents))
                                                          for name, sents in ts])


def _check_turns(data: bytes, name: str, spoken: list[tuple[str, str]]) -> None:
    result = read_document_from_bytes(data, name)
    segments = segment_document(result, "auto")
    exclusions, cover = account(result, segments)
    check_tiling(result, segments, exclusions)
    assert cover.excluded.get("unread", 0) == 0
    said = " | ".join(s.text for s in segments)
    for _, text in spoken:
        assert text in said
    assert {s.speaker for s in segments} == {n for n, _ in spoken}


def _clock(n: int, sep: str) -> str:
    return f"00:{n // 60:02d}:{n % 60:02d}{sep}000"


@SETTINGS
@given(turns)
def test_captions_and_tables_are_tiled_and_nothing_is_lost(spoken):
    vtt = "WEBVTT\n\n" + "\n\n".join(f"{_clock(i, '.')} --> {_clock(i + 1, '.')}\n<v {n}>{t}" for i, (n, t)
                                     in enumerate(spoken))
    srt = "\n\n".join(f"{i + 1}\n{_clock(i, ',')} --> {_clock(i + 1, ',')}\n{n}: {t}" for i, (n, t) in enumerate(spoken))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["speaker", "text"])
    writer.writerows(spoken)
    _check_turns(vtt.encode(), "doc.vtt", spoken)
    _check_turns(srt.encode(), "doc.srt", spoken)
    _check_turns(buffer.getvalue().encode(), "doc.csv", spoken)
    _check_turns(build_xlsx([["speaker", "text"], *spoken]), "doc.xlsx", spoken)
    labelled = "\n".join(f"{n}: {t}" for n, t in spoken)
    _check_turns(labelled.encode(), "doc.txt", spoken)
