""".html reader: the article text only, entities decoded, sections from headings."""
from __future__ import annotations

import pytest

from workbench.corpus import load_corpus
from workbench.corpus.readers.html import read_html

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head>
<meta charset="utf-8">
<title>Page title | Site</title>
<meta name="author" content="Ann Lee">
<meta name="date" content="2025-01-02">
<style>body { color: red; } .STYLETOKEN { margin: 0 }</style>
<script>var SCRIPTTOKEN = 1; document.write("SCRIPTTOKEN2");</script>
</head>
<body>
<nav><a href="/">NAVTOKEN Home</a> <a href="/blog">NAVTOKEN Blog</a></nav>
<header><p>HEADERTOKEN site banner</p></header>
<main>
<article>
<h1>Fish &amp; chips</h1>
<p>It&rsquo;s &pound;5 at the shop.<br>Second line.</p>
<h2>What we found</h2>
<ul><li>First point</li><li>Second <em>point</em></li></ul>
<blockquote><p>A quote here.</p></blockquote>
<h2>Costs</h2>
<table><tr><th>Item</th><th>Price</th></tr><tr><td>Tea</td><td>&pound;1</td></tr></table>
<script>var SCRIPTTOKEN3 = 2;</script>
</article>
<aside>ASIDETOKEN related posts</aside>
</main>
<footer>FOOTERTOKEN &copy; 2025</footer>
<noscript>NOSCRIPTTOKEN</noscript>
</body></html>
"""

TOKENS = ["NAVTOKEN", "SCRIPTTOKEN", "STYLETOKEN", "FOOTERTOKEN", "ASIDETOKEN", "HEADERTOKEN", "NOSCRIPTTOKEN",
          "color: red", "document.write"]


@pytest.fixture
def page(write_files, corpus_dir):
    write_files({"post.html": PAGE})
    corpus = load_corpus(corpus_dir)
    assert corpus.problems == []
    return corpus


@pytest.mark.parametrize("token", TOKENS)
def test_boilerplate_text_is_not_in_document(page, token):
    assert token not in page.document("post.html").text


def test_entities_are_decoded(page):
    text = page.document("post.html").text
    assert "Fish & chips" in text
    assert "It’s £5 at the shop." in text
    assert "&amp;" not in text and "&pound;" not in text and "&rsquo;" not in text


def test_br_starts_a_new_line_within_a_paragraph(page):
    texts = [s.text for s in page.segments]
    assert texts[:2] == ["It’s £5 at the shop.", "Second line."]


def test_h1_is_title_and_meta_gives_date_and_author(page):
    doc = page.document("post.html")
    assert (doc.title, doc.date, doc.kind, doc.source_format) == ("Fish & chips", "2025-01-02", "blog", "html")
    assert doc.attributes["author"] == "Ann Lee"


def test_list_items_under_h2_have_that_section(page):
    items = [(s.section, s.text) for s in page.segments if s.block == "list_item"]
    assert items == [("What we found", "First point"), ("What we found", "Second point")]


def test_blockquote_is_a_quote_segment(page):
    assert [(s.block, s.text) for s in page.segments if s.block == "quote"] == [("quote", "A quote here.")]


def test_table_rows_joined_under_their_section(page):
    rows = [(s.section, s.text) for s in page.segments if "|" in s.text]
    assert rows == [("Costs", "Item | Price"), ("Costs", "Tea | £1")]


def test_html_offsets(page, assert_offsets):
    assert_offsets(page)


def test_page_title_used_when_no_h1():
    result = read_html(b"<html><head><title>Only title</title></head><body><p>Text.</p></body></html>", "x.html")
    assert result.title == "Only title"


def test_time_tag_gives_date_when_no_meta():
    html = b'<html><body><article><time datetime="2024-03-05">5 March</time><p>Text.</p></article></body></html>'
    assert read_html(html, "x.html").metadata["date"] == "2024-03-05"


def test_bare_div_text_becomes_paragraphs():
    result = read_html(b"<html><body><div>Line one<br>Line two</div></body></html>", "x.html")
    assert [result.text[b.start_char:b.end_char] for b in result.blocks] == ["Line one", "Line two"]


def test_cp1252_html_is_decoded():
    result = read_html(b"<html><body><p>\x93Quoted\x94 \x80" b"5</p></body></html>", "x.html")
    assert result.text == "“Quoted” €5"
    assert result.encoding == "cp1252"


def test_body_used_when_no_main_or_article_and_body_header_dropped():
    html = (b"<html><body><header><p>HEADERTOKEN</p></header><h1>T</h1><p>Body text.</p>"
            b"<footer>FOOTERTOKEN</footer></body></html>")
    result = read_html(html, "x.html")
    assert result.text == "T\n\nBody text."
