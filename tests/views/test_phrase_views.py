"""Headless tests of the phrase explorer and concordance view (controllers and their widgets)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.project import Workbench
from workbench.views.concordance_view import ConcordanceView, ConcordanceWidget
from workbench.views.phrase_explorer import PhraseExplorer, PhraseExplorerWidget

TRANSCRIPT = """Workshop notes

Ana: We work with people, not for them. That is the deal.

Ben: Yes, with people, not for them. And <script>alert(1)</script> is just text here.

Ana: I said it before: with people, not for them.

Ben: The budget is the problem. The budget always wins.
"""
BLOG = """---
title: A blog
kind: blog
---
# A blog

The budget decides everything. We want to work with people, not for them, and to be equal partners.
"""


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> Workbench:
    root = tmp_path_factory.mktemp("phrase-views")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "meeting.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (corpus / "blog.md").write_text(BLOG, encoding="utf-8")
    return Workbench(corpus, cache_dir=root / "cache", progress=False)


def test_table_filters_by_kind_and_min_docs(bench):
    explorer = PhraseExplorer(bench)
    families = explorer.table(kind="family")
    assert set(families["kind"]) == {"family"}
    assert "with, not for" in set(families["phrase"])
    wide = explorer.table(min_docs=2)
    assert (wide["doc_count"] >= 2).all()
    assert len(explorer.table(search="with people")) >= 1


def test_select_gives_lines_that_trace_to_the_text(bench):
    explorer = PhraseExplorer(bench)
    lines = explorer.select("family", "with, not for")
    assert len(lines) == 4
    for row in lines.itertuples(index=False):
        text = bench.corpus.document(row.doc_id).text
        assert text[row.start_char:row.end_char] == row.match
        assert "with" in row.match.lower()


def test_line_html_highlights_and_escapes(bench):
    explorer = PhraseExplorer(bench)
    lines = explorer.select("family", "with, not for")
    row = next(i for i, r in enumerate(lines.itertuples()) if r.speaker == "Ben")
    html = explorer.line_html(row)
    assert '<mark class="wb-match">with people, not for them</mark>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_sort_lines_by_right_context(bench):
    explorer = PhraseExplorer(bench)
    explorer.select("family", "with, not for")
    right = list(explorer.sort_lines("right")["right"])
    assert right == sorted(right, key=lambda t: t.lower().strip())


def test_phrase_widget_pick_and_read(bench):
    ui = PhraseExplorerWidget(PhraseExplorer(bench))
    ui.kind.value = "family"
    ui.min_docs.value = 1
    keys = [value for _, value in ui.phrase.options]
    assert ("family", "with, not for") in keys
    ui.phrase.value = ("family", "with, not for")
    assert ui.lines_html.value.count('class="wb-kwic-line"') == 4
    assert "Variants" in ui.summary.value
    ui.line.value = 0
    assert 'class="wb-match"' in ui.reader.value


def test_concordance_view_search_filters_and_export(bench, tmp_path):
    view = ConcordanceView(bench)
    hits = view.search("budget", "word")
    assert len(hits) == 3
    assert set(view.search("budget", "word", kind="blog")["kind"]) == {"blog"}
    assert len(view.search("budget", "word", kind="blog")) == 1
    view.search("budget", "word")
    path = view.export_csv(tmp_path / "out" / "kwic.csv")
    exported = pd.read_csv(path)
    assert list(exported.columns[:4]) == ["doc_id", "seg_id", "speaker", "speaker_role"]
    assert len(exported) == 3


def test_concordance_widget_typing_runs_query_and_errors_are_shown(bench, tmp_path):
    ui = ConcordanceWidget(ConcordanceView(bench))
    ui.query.value = "budget"
    assert "<b>3</b> lines" in ui.status.value
    assert ui.results.value.count('class="wb-kwic-line"') == 3
    ui.kind.value = "blog"
    assert "<b>1</b> lines" in ui.status.value
    ui.lines.value = 0
    assert "wb-match" in ui.reader.value
    ui.mode.value = "regex"
    ui.query.value = "("
    assert "[E303]" in ui.status.value and ui.results.value == ""
    ui.mode.value = "word"
    ui.query.value = "budget"
    ui.export_path.value = str(tmp_path / "lines.csv")
    ui.export_button.click()
    assert Path(ui.export_path.value).exists()
    assert "Saved 1 lines" in ui.status.value
