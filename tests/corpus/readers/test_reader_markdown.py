""".md reader: YAML front matter, headings, lists, quotes and inline markup."""
from __future__ import annotations

import pytest

from workbench.corpus import load_corpus
from workbench.corpus.readers.markdown import read_md, strip_inline
from workbench.errors import FileReadError

WITH_FRONT_MATTER = """---
title: "Front matter title"
date: 2025-02-10
kind: blog
author: Nadia Brennan
tags: [carers, payment]
---

# Heading one

Intro with **bold**, a [link](https://example.org) and `code`.
A wrapped line.

## Section A

- item one
- item *two*
  continued
1. numbered

> quoted line
> more quote
"""

WITHOUT_FRONT_MATTER = "# Plain title\n\nSome text.\n\n## Sub part\n\nMore text.\n"


@pytest.fixture
def md_corpus(write_files, corpus_dir):
    write_files({"fm.md": WITH_FRONT_MATTER, "plain.md": WITHOUT_FRONT_MATTER})
    corpus = load_corpus(corpus_dir)
    assert corpus.problems == []
    return corpus


def test_front_matter_sets_title_date_and_kind(md_corpus):
    doc = md_corpus.document("fm.md")
    assert (doc.title, doc.date, doc.kind) == ("Front matter title", "2025-02-10", "blog")


def test_front_matter_free_keys_become_attributes(md_corpus):
    doc = md_corpus.document("fm.md")
    assert doc.attributes == {"author": "Nadia Brennan", "tags": ["carers", "payment"]}


def test_front_matter_is_not_part_of_the_text(md_corpus):
    text = md_corpus.document("fm.md").text
    assert "---" not in text and "author:" not in text and text.startswith("Heading one")


def test_markdown_blocks_kinds_and_sections(md_corpus):
    segs = md_corpus.segments_of("fm.md")
    assert [(s.block, s.section, s.text) for s in segs] == [
        ("paragraph", None, "Intro with bold, a link and code. A wrapped line."),
        ("list_item", "Section A", "item one"),
        ("list_item", "Section A", "item two continued"),
        ("list_item", "Section A", "numbered"),
        ("quote", "Section A", "quoted line more quote"),
    ]


def test_markdown_offsets(md_corpus, assert_offsets):
    assert_offsets(md_corpus)


def test_without_front_matter_title_is_first_h1(md_corpus):
    doc = md_corpus.document("plain.md")
    assert doc.title == "Plain title"
    assert doc.date is None


def test_without_front_matter_kind_defaults_to_blog(md_corpus):
    assert md_corpus.document("plain.md").kind == "blog"


def test_without_front_matter_sections(md_corpus):
    assert [(s.section, s.text) for s in md_corpus.segments_of("plain.md")] == [
        (None, "Some text."), ("Sub part", "More text.")]


def test_headings_are_not_segments(md_corpus):
    assert all(s.text not in ("Heading one", "Section A", "Plain title", "Sub part") for s in md_corpus.segments)


def test_fenced_code_text_is_kept_as_paragraph():
    result = read_md(b"# T\n\n```\nx = 1\n```\n", "c.md")
    assert [result.text[b.start_char:b.end_char] for b in result.blocks if b.kind == "paragraph"] == ["x = 1"]


def test_strip_inline_removes_images_and_keeps_link_text():
    assert strip_inline("See ![alt](a.png)[the page](http://x) now") == "See the page now"


def test_malformed_front_matter_raises_e014_with_line():
    with pytest.raises(FileReadError) as info:
        read_md(b"---\ntitle: [unclosed\n---\nBody.\n", "bad.md")
    assert info.value.code == "E014"
    assert "bad.md" in str(info.value)


def test_front_matter_that_is_a_list_raises_e014():
    with pytest.raises(FileReadError) as info:
        read_md(b"---\n- a\n- b\n---\nBody.\n", "list.md")
    assert info.value.code == "E014"


def test_empty_front_matter_block_is_not_part_of_the_text():
    result = read_md(b"---\n---\nBody text here.\n", "empty-fm.md")
    assert result.text == "Body text here."


def test_front_matter_with_crlf_line_ends(write_files, corpus_dir):
    write_files({"crlf.md": WITH_FRONT_MATTER.replace("\n", "\r\n").encode()})
    doc = load_corpus(corpus_dir).document("crlf.md")
    assert doc.title == "Front matter title"


def test_heading_only_markdown_is_a_load_problem_e013(write_files, corpus_dir):
    write_files({"only.md": "# Just a title\n\n## And a heading\n", "ok.md": "Body.\n"})
    corpus = load_corpus(corpus_dir)
    assert [(p.path, p.code) for p in corpus.problems] == [("only.md", "E013")]
    assert [d.doc_id for d in corpus] == ["ok.md"]
