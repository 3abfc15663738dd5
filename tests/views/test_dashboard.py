"""Headless tests of the trainers' dashboard: the Dashboard controller and its widget, on a small corpus."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from workbench.config import Config
from workbench.errors import WorkbenchError
from workbench.project import Workbench
from workbench.views.dashboard import QUOTE_COLUMNS, Dashboard, DashboardWidget
from workbench.views.dashboard_bars import MIN_WIDTH, bars, style_rules

MEETING = """Workshop on payment and trust

Ana: We work with people, not for them <script>alert(1)</script> and that is the deal we made.

Ben: Carers are never paid for their time at these meetings, only given vouchers, and that is not fair.

Ana: Nobody explained how the council makes decisions, so we could not tell which meetings mattered.

Ben: People don't trust the council after so many broken promises over the years.

Ana: The budget was already decided before we arrived, so the consultation was just a tick-box exercise.

Ben: When they paid us a proper day rate, promptly, it showed that our time and expertise were valued.

Ana: The papers were full of jargon and acronyms, so half the room could not follow the discussion.

Ben: Plain language and papers sent a week early made the meeting accessible for everyone there.
"""

NOTES = """Follow-up session

Cara: Paying people properly for their time matters more than any thank-you letter or voucher.

Dev: With people, not for them: that is what co-production should mean in every project we run.

Cara: Trust takes years to build and one broken promise to lose, so keep every promise you make.

Dev: We should share the budget and the decisions, not just ask for comments at the end of the process.

Cara: Training for staff on how to share power would help the meetings feel more equal and honest.

Dev: Good facilitation meant every person in the room had a turn to speak and was really listened to.

Cara: Since we started working together, the clinic has changed its opening hours and fits our lives much better.

Dev: Being on the panel gave me the confidence to go back to college and train as a peer support worker.
"""

BLOG = """---
title: Why with, not for
kind: blog
---
# Why with, not for

Working with people, not for them, means paying them properly and sharing the budget from the start.
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("dashboard")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "meeting.txt").write_text(MEETING, encoding="utf-8")
    (corpus / "notes.txt").write_text(NOTES, encoding="utf-8")
    (corpus / "blog.md").write_text(BLOG, encoding="utf-8")
    return root


def make_bench(root, **themes) -> Workbench:
    config = Config()
    config.themes.n_themes = 2
    config.themes.stability_runs = 1
    for key, value in themes.items():
        setattr(config.themes, key, value)
    return Workbench(root / "corpus", config, cache_dir=root / "cache", models_dir=root / "models", progress=False)


@pytest.fixture(scope="module")
def dash(root) -> Dashboard:
    return Dashboard(make_bench(root))


def assert_traceable(bench, quotes: pd.DataFrame) -> None:
    assert list(quotes.columns[:len(QUOTE_COLUMNS)]) == QUOTE_COLUMNS
    assert len(quotes) > 0
    for row in quotes.itertuples(index=False):
        assert bench.corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.text
        seg = bench.corpus.segment(row.seg_id)
        assert seg.doc_id == row.doc_id
        assert seg.start_char <= row.start_char < row.end_char <= seg.end_char


def test_phrases_put_families_first_and_respect_the_limit(root, dash):
    phrases = dash.phrases()
    assert phrases.iloc[0]["kind"] == "family"
    assert ("family", "with, not for") in set(zip(phrases["kind"], phrases["phrase"]))
    assert list(phrases["kind"]) == sorted(phrases["kind"], key=["family", "quoted", "ngram"].index)
    assert len(Dashboard(dash.bench, max_phrases=2).phrases()) == 2
    assert {"family", "variant", "count"} <= set(dash.families().columns)


def test_phrases_show_every_wording_once(dash):
    """A family's wording quoted or recurring is left to the family; a wording quoted and recurring is shown
    once, in the row that counts more; a statement quoted once is left to the report."""
    fam = "with, not for"
    row = {"doc_count": 1, "speaker_count": 1, "score": 1.0, "example": "", "doc_id": "d", "seg_id": "d#0000",
           "start_char": 0, "end_char": 1}
    table = pd.DataFrame([
        {**row, "phrase": fam, "kind": "family", "family": fam, "count": 5, "variants": "with people not for them"},
        {**row, "phrase": "with people, not for them", "kind": "quoted", "family": fam, "count": 2, "variants": ""},
        {**row, "phrase": "with people not for them", "kind": "ngram", "family": fam, "count": 3, "variants": ""},
        {**row, "phrase": "logic model", "kind": "quoted", "family": "", "count": 2, "variants": ""},
        {**row, "phrase": "logic model", "kind": "ngram", "family": "", "count": 4, "variants": ""},
        {**row, "phrase": "tea trolley", "kind": "quoted", "family": "", "count": 2, "variants": ""},
        {**row, "phrase": "ask june", "kind": "quoted", "family": "", "count": 1, "variants": ""}])
    mine = Dashboard(dash.bench)
    mine.__dict__["_phrase_tables"] = (table, pd.DataFrame())
    shown = list(zip(mine.phrases()["kind"], mine.phrases()["phrase"]))
    assert shown == [("family", fam), ("quoted", "tea trolley"), ("ngram", "logic model")]


def test_quotes_for_phrase_are_sentences_with_the_match(dash):
    quotes = dash.quotes_for_phrase("with, not for", "family")
    assert_traceable(dash.bench, quotes)
    assert {"meeting.txt", "notes.txt", "blog.md"} <= set(quotes["doc_id"])
    for row in quotes.itertuples(index=False):
        assert row.start_char <= row.match_start < row.match_end <= row.end_char
        match = dash.bench.corpus.document(row.doc_id).text[row.match_start:row.match_end].lower()
        assert match.startswith("with") and "not for" in match
    assert quotes[quotes["doc_id"] == "meeting.txt"].iloc[0]["speaker"] == "Ana"
    assert quotes["doc_id"].head(3).nunique() == 3  # one quote from each document before any repeats
    with pytest.raises(WorkbenchError, match=r"^\[E480\]"):
        dash.quotes_for_phrase("no such phrase")


def test_themes_list_and_quotes(dash):
    themes = dash.themes()
    assert list(themes.columns) == ["theme_id", "label", "size", "doc_count", "stability", "keywords"]
    assert len(themes) == 2
    assert list(themes["size"]) == sorted(themes["size"], reverse=True)
    assert themes["stability"].between(0, 1).all()
    model = dash.bench.themes
    for tid, size in zip(themes["theme_id"], themes["size"]):
        quotes = dash.quotes_for_theme(int(tid), limit=50)
        assert_traceable(dash.bench, quotes)
        members = set(model.assignments_.loc[model.assignments_["theme_id"] == tid, "seg_id"])
        assert set(quotes["seg_id"]) <= members and len(quotes) == size
        ranked = model.quotes_[model.quotes_["theme_id"] == tid].sort_values("rank")["seg_id"].tolist()
        assert quotes["seg_id"].tolist()[:len(ranked)] == ranked  # representative quotes come first
    assert len(dash.quotes_for_theme(int(themes.iloc[0]["theme_id"]), limit=2)) == 2
    with pytest.raises(WorkbenchError, match=r"^\[E481\]"):
        dash.quotes_for_theme(99)


def test_categories_and_their_quotes(dash):
    cats = dash.categories()
    assert list(cats.columns) == ["kind", "category", "count", "doc_count"]
    assert {"barrier", "enabler", "benefit"} <= set(cats["kind"])
    order = ["barrier", "enabler", "benefit"]
    assert list(cats["kind"]) == sorted(cats["kind"], key=order.index)  # barriers, then enablers, then benefits
    for row in cats.itertuples(index=False):
        quotes = dash.quotes_for_category(row.kind, row.category)
        assert_traceable(dash.bench, quotes)
        assert len(quotes) == row.count
        first_round = quotes.drop_duplicates("doc_id")
        assert list(first_round.index) == list(range(len(first_round)))  # each document once before repeats
        for _, group in quotes.groupby("doc_id"):
            assert list(group["score"]) == sorted(group["score"], reverse=True)
    with pytest.raises(WorkbenchError, match=r"^\[E482\]"):
        dash.quotes_for_category("barrier", "no such category")
    with pytest.raises(WorkbenchError, match=r"^\[E483\]"):
        dash.categories("obstacle")


def test_widget_has_three_tabs_and_stable_classes(dash):
    ui = DashboardWidget(dash)
    assert [ui.tabs.get_title(i) for i in range(3)] == ["Phrases", "Themes", "Barriers, enablers, benefits"]
    assert "wb-dash" in ui.box._dom_classes
    assert len(ui.theme_buttons) == 2
    for tid, button in ui.theme_buttons.items():
        assert {"wb-dash-theme", f"wb-dash-theme-{tid}"} <= set(button._dom_classes)
    assert all("wb-dash-phrase" in b._dom_classes for b in ui.phrase_buttons.values())
    assert all("wb-dash-category" in b._dom_classes for b in ui.category_buttons.values())
    for panel in (ui.phrase_quotes, ui.theme_quotes, ui.category_quotes):
        assert "wb-dash-quotes" in panel._dom_classes
    assert "font-size" in ui.box.children[0].value  # large fonts for a room


def test_clicking_a_theme_shows_its_quotes_escaped(dash):
    ui = DashboardWidget(dash)
    ui.max_quotes = 100  # every member of each theme, so the one with <script> is shown whichever theme holds it
    seen = []
    for tid, button in ui.theme_buttons.items():
        button.click()
        html = ui.theme_quotes.value
        seen.append(html)
        assert button.button_style == "info"
        assert all(b.button_style == "" for t, b in ui.theme_buttons.items() if t != tid)
        quotes = dash.quotes_for_theme(tid, limit=ui.max_quotes)
        assert html.count('class="wb-dash-quote"') == len(quotes)
        for seg_id in quotes["seg_id"]:
            assert f"<code>{seg_id}</code>" in html
        assert "<script>" not in html
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in html for html in seen)


def test_clicking_a_phrase_and_a_category(dash):
    ui = DashboardWidget(dash)
    ui.phrase_buttons[("family", "with, not for")].click()
    html = ui.phrase_quotes.value
    script_seg = next(q.seg_id for q in dash.quotes_for_phrase("with, not for", "family").itertuples()
                      if "<script>" in q.text)
    assert '<mark class="wb-match">' in html and f"<code>{script_seg}</code>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    kind, category = next(iter(ui.category_buttons))
    ui.category_buttons[(kind, category)].click()
    first = dash.quotes_for_category(kind, category).iloc[0]
    assert f"<code>{first.seg_id}</code>" in ui.category_quotes.value
    assert ui.category_buttons[(kind, category)].button_style == "info"


def test_themes_and_barriers_switched_off(root):
    bench = make_bench(root, enabled=False)
    bench.config.barriers.enabled = False
    dash = Dashboard(bench)
    assert dash.themes().empty and dash.categories().empty
    ui = DashboardWidget(dash)
    assert not ui.theme_buttons and not ui.category_buttons
    assert "switched off" in ui.theme_quotes.value
    assert dash.summary().endswith("0 themes · 0 barriers, 0 enablers and 0 benefits")


def test_a_second_dashboard_shows_the_same_themes_and_quotes(root, dash):
    fitted = dash.themes()
    again = Dashboard(make_bench(root))  # a new session: the bench reuses the saved theme model
    pd.testing.assert_frame_equal(again.themes(), fitted)
    for tid in fitted["theme_id"]:
        pd.testing.assert_frame_equal(again.quotes_for_theme(int(tid)), dash.quotes_for_theme(int(tid)))


# -- the bar charts on the theme and barrier/enabler tabs ---------------------------------------------
def bar_width(style_html: str, name: str, index: int) -> float:
    m = re.search(rf"\.wb-bar-{name}-{index} \{{ background-image: linear-gradient\(to right, \S+ 0%, \S+ "
                  rf"([\d.]+)%, transparent", style_html)
    assert m, (name, index)
    return float(m.group(1))


def test_bars_are_proportional_to_the_counts():
    chart = bars([("a", "A", 40), ("b", "B", 10), ("c", "C", 1), ("d", "D", 0)])
    assert [b.width for b in chart] == [100.0, 25.0, MIN_WIDTH, 0.0]  # a count of 1 still shows
    assert [b.key for b in chart] == ["a", "b", "c", "d"]
    assert bars([]) == []


def test_theme_and_category_buttons_are_bars_of_their_counts(dash):
    ui = DashboardWidget(dash)
    theme_page = ui.tabs.children[1].children[0]
    style = next(c.value for c in theme_page.children if "wb-bar-style-theme" in c._dom_classes)
    themes = dash.themes()
    biggest = themes["size"].max()
    for i, row in enumerate(themes.itertuples(index=False)):
        button = ui.theme_buttons[int(row.theme_id)]
        assert {"wb-bar", "wb-bar-theme", f"wb-bar-theme-{i}"} <= set(button._dom_classes)
        assert bar_width(style, "theme", i) == pytest.approx(max(MIN_WIDTH, 100 * row.size / biggest), abs=0.05)
        assert button.description == f"{row.label} ({row.size})"
    cat_page = ui.tabs.children[2].children[0]
    assert "Click a bar" in cat_page.children[0].value
    cats = dash.categories()
    for kind, group in cats.groupby("kind", sort=False):
        style = next(c.value for c in cat_page.children if f"wb-bar-style-{kind}" in c._dom_classes)
        for i, row in enumerate(group.itertuples(index=False)):
            button = ui.category_buttons[(kind, row.category)]
            assert f"wb-bar-{kind}-{i}" in button._dom_classes
            assert bar_width(style, kind, i) == pytest.approx(max(MIN_WIDTH, 100 * row.count / group["count"].max()),
                                                              abs=0.05)
        assert bar_width(style, kind, 0) == 100.0  # the most frequent category fills the width


def test_clicking_a_bar_shows_that_items_quotes(dash):
    ui = DashboardWidget(dash)
    tid = int(dash.themes().iloc[-1]["theme_id"])
    bar = next(b for b in ui.theme_buttons.values() if f"wb-dash-theme-{tid}" in b._dom_classes)
    bar.click()
    for seg_id in dash.quotes_for_theme(tid, limit=ui.max_quotes)["seg_id"]:
        assert f"<code>{seg_id}</code>" in ui.theme_quotes.value
    for kind in ("barrier", "enabler", "benefit"):
        key = next(k for k in ui.category_buttons if k[0] == kind)
        ui.category_buttons[key].click()
        first = dash.quotes_for_category(*key).iloc[0]
        assert f"<code>{first.seg_id}</code>" in ui.category_quotes.value
        assert ui.category_buttons[key].button_style == "info"


def test_corpus_text_in_bar_labels_cannot_break_the_style(dash):
    chart = bars([(0, "</style><script>alert(1)</script>", 3)])
    rules = style_rules("theme", chart, "#fff", "#000")
    assert "<script>" not in rules and rules.count("</style>") == 1  # labels never go into the CSS
