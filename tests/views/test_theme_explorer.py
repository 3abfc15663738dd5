"""Headless tests of the theme explorer (controller and widget) on hand-made theme tables over a
tiny real corpus: 2 documents, 12 segments, 3 themes, one segment in no theme."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.corpus import load_corpus
from workbench.views.theme_explorer import ThemeExplorer, ThemeExplorerWidget

MEETING = """Planning meeting

Ana: We should pay carers for their time.

Ben: The budget is fixed by the contract.

Ana: Payment shows the work is valued. <script>alert(1)</script>

Ben: The contract was written before we arrived.

Ana: People want to be equal partners from the start.

Ben: I will take the budget question to the board.
"""
NOTES = """Notes from the carers group

Carers are never paid for travel.

The agenda was set before anyone asked us.

We want a fair day rate.

Partners should share decisions.

Nobody explained the budget.

Thanks to everyone who came.
"""
M, N = "meeting.txt", "notes.txt"
THEME_OF = {  # seg_id -> theme_id
    f"{M}#0000": 0, f"{M}#0001": 1, f"{M}#0002": 0, f"{M}#0003": 1, f"{M}#0004": 2, f"{M}#0005": 1,
    f"{N}#0000": 0, f"{N}#0001": 1, f"{N}#0002": 0, f"{N}#0003": 2, f"{N}#0004": 1, f"{N}#0005": -1,
}
LABELS = {0: "Paying carers", 1: "Budget and contract", 2: "Equal partners"}
KEYWORDS = {0: "pay; carers; day rate", 1: "budget; contract", 2: "partners; equal"}
STABILITY = {0: 0.83, 1: 0.41, 2: math.nan}
QUOTES = {0: [f"{M}#0002", f"{N}#0000"], 1: [f"{M}#0001", f"{N}#0001"], 2: [f"{M}#0004"]}
ROLES = {"Ana": "lived experience", "Ben": "commissioner"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("theme-views")
    (root / M).write_text(MEETING, encoding="utf-8")
    (root / N).write_text(NOTES, encoding="utf-8")
    return load_corpus(root)


def build_tables(corpus, theme_of=THEME_OF, labels=LABELS, stability=STABILITY, quotes_of=QUOTES):
    """themes, assignments, quotes and segment_meta in the theme model's shapes."""
    segs = corpus.segments_df().set_index("seg_id", drop=False)
    assignments = pd.DataFrame({
        "seg_id": list(segs["seg_id"]), "doc_id": list(segs["doc_id"]),
        "start_char": list(segs["start_char"]), "end_char": list(segs["end_char"]),
        "speaker": list(segs["speaker"]), "theme_id": [theme_of[s] for s in segs["seg_id"]],
        "probability": [0.0 if theme_of[s] == -1 else 0.9 for s in segs["seg_id"]], "text": list(segs["text"]),
    })
    quote_rows, theme_rows = [], []
    for tid, seg_ids in quotes_of.items():
        for rank, sid in enumerate(seg_ids, start=1):
            s = segs.loc[sid]
            quote_rows.append({"theme_id": tid, "rank": rank, "seg_id": sid, "doc_id": s["doc_id"],
                               "start_char": s["start_char"], "end_char": s["end_char"], "speaker": s["speaker"],
                               "similarity": 1.0 - rank / 10, "text": s["text"]})
        members = assignments[assignments["theme_id"] == tid]
        first = segs.loc[seg_ids[0]]
        theme_rows.append({"theme_id": tid, "label": labels[tid], "keywords": KEYWORDS.get(tid, ""),
                           "size": len(members), "doc_count": members["doc_id"].nunique(),
                           "stability": stability.get(tid, math.nan), "representative": first["text"],
                           "doc_id": first["doc_id"], "seg_id": first["seg_id"],
                           "start_char": first["start_char"], "end_char": first["end_char"]})
    meta = pd.DataFrame({"seg_id": list(segs["seg_id"]), "doc_id": list(segs["doc_id"]), "kind": list(segs["kind"]),
                         "speaker_role": [ROLES.get(s) for s in segs["speaker"]]})
    return pd.DataFrame(theme_rows), assignments, pd.DataFrame(quote_rows), meta


class FakeCuration:
    """Records calls and applies them, so ``refresh`` returns the changed tables like the real model."""

    def __init__(self, corpus):
        self.corpus = corpus
        self.calls: list[tuple] = []
        self.theme_of, self.labels = dict(THEME_OF), dict(LABELS)
        self.stability, self.quotes_of = dict(STABILITY), {k: list(v) for k, v in QUOTES.items()}

    def rename(self, theme_id, label, members):
        self.calls.append(("rename", theme_id, label, members))
        self.labels[theme_id] = label

    def merge(self, theme_ids, label, members_per_theme):
        self.calls.append(("merge", theme_ids, label, members_per_theme))
        keep = min(theme_ids)
        for sid, tid in self.theme_of.items():
            if tid in theme_ids:
                self.theme_of[sid] = keep
        self.quotes_of[keep] = [q for t in theme_ids for q in self.quotes_of.pop(t)]
        for t in theme_ids:
            self.labels.pop(t)
            self.stability.pop(t, None)
        self.labels[keep], self.stability[keep] = label, math.nan

    def refresh(self):
        self.calls.append(("refresh",))
        return build_tables(self.corpus, self.theme_of, self.labels, self.stability, self.quotes_of)[:3]


@pytest.fixture
def tables(corpus):
    return build_tables(corpus)


@pytest.fixture
def curation(corpus):
    return FakeCuration(corpus)


@pytest.fixture
def explorer(corpus, tables, curation):
    themes, assignments, quotes, meta = tables
    return ThemeExplorer(themes, assignments, quotes, meta, corpus=corpus, curation=curation,
                         on_change=curation.refresh)


# -- controller ---------------------------------------------------------------------------------
def test_table_sorted_by_size_and_filtered_by_stability(explorer):
    table = explorer.table()
    assert list(table["theme_id"]) == [1, 0, 2]
    assert list(table["size"]) == [5, 4, 2]
    assert list(table["unstable"]) == [True, False, False]
    assert list(explorer.table(min_stability=0.5)["theme_id"]) == [0]  # unmeasured stability is dropped
    assert list(explorer.table(min_stability=0.4)["theme_id"]) == [1, 0]


def test_unstable_lists_only_measured_low_stability(explorer):
    assert explorer.unstable() == [1]


def test_select_gives_keywords_quotes_with_offsets_and_where(explorer, corpus):
    info = explorer.select(0)
    assert explorer.selected == 0
    assert info["label"] == "Paying carers" and info["size"] == 4 and info["doc_count"] == 2
    assert info["keywords"] == ["pay", "carers", "day rate"]
    assert info["stability"] == 0.83 and info["unstable"] is False
    assert info["members"] == [f"{M}#0000", f"{M}#0002", f"{N}#0000", f"{N}#0002"]
    quotes = info["quotes"]
    assert list(quotes["rank"]) == [1, 2]
    assert list(quotes["seg_id"]) == [f"{M}#0002", f"{N}#0000"]
    for q in quotes.itertuples(index=False):
        assert corpus.document(q.doc_id).text[q.start_char:q.end_char] == q.text
    where = info["where"]
    assert where["doc_id"].to_dict("records") == [{"doc_id": M, "segments": 2}, {"doc_id": N, "segments": 2}]
    assert where["kind"].to_dict("records") == [{"kind": "notes", "segments": 2},
                                                {"kind": "transcript", "segments": 2}]
    assert where["speaker_role"].to_dict("records") == [{"speaker_role": "(not set)", "segments": 2},
                                                        {"speaker_role": "lived experience", "segments": 2}]
    budget = explorer.select(1)
    assert budget["unstable"] is True and budget["stability"] == 0.41
    assert budget["where"]["doc_id"].to_dict("records") == [{"doc_id": M, "segments": 3},
                                                            {"doc_id": N, "segments": 2}]
    assert budget["where"]["speaker_role"].to_dict("records") == [{"speaker_role": "commissioner", "segments": 3},
                                                                  {"speaker_role": "(not set)", "segments": 2}]
    assert explorer.select(2)["stability"] is None
    with pytest.raises(KeyError, match="no theme 9"):
        explorer.select(9)


def test_quote_html_escapes_and_shows_where_it_is_from(explorer, corpus):
    html = explorer.quote_html(0, 1)
    seg = corpus.segment(f"{M}#0002")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Ana</b>" in html and M in html and f"<code>{M}#0002</code>" in html
    assert f"[{seg.start_char}:{seg.end_char}]" in html
    assert "<mark" not in html  # nothing highlighted
    assert 'class="wb-themes-quote"' in html
    assert "<i>no speaker</i>" in explorer.quote_html(0, 2)
    with pytest.raises(KeyError):
        explorer.quote_html(0, 3)


def test_quote_html_without_corpus_uses_the_quote_text(tables):
    themes, assignments, quotes, meta = tables
    quotes = quotes.copy()
    quotes.loc[0, "text"] = "<img src=x onerror=alert(1)> & more"
    html = ThemeExplorer(themes, assignments, quotes, meta).quote_html(0, 1)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt; &amp; more" in html


def test_detail_html_is_escaped_and_complete(explorer):
    html = explorer.detail_html(0)
    assert "<script>" not in html
    for part in ("Paying carers", "<li>day rate</li>", "Where it occurs", "By speaker role", "stability 0.83"):
        assert part in html
    assert "⚠ unstable" in explorer.detail_html(1)
    assert "stability not measured" in explorer.detail_html(2)


def test_rename_sends_members_then_reloads(explorer, curation):
    assert explorer.rename(1, "  Money and contracts ") is True
    assert curation.calls == [("rename", 1, "Money and contracts",
                               [f"{M}#0001", f"{M}#0003", f"{M}#0005", f"{N}#0001", f"{N}#0004"]),
                              ("refresh",)]
    assert type(curation.calls[0][1]) is int
    assert explorer.theme(1)["label"] == "Money and contracts"


def test_merge_sends_members_per_theme_then_reloads(explorer, curation):
    assert explorer.merge([0, 2], "Fair pay and partnership") is True
    assert curation.calls[0] == ("merge", [0, 2], "Fair pay and partnership",
                                 [[f"{M}#0000", f"{M}#0002", f"{N}#0000", f"{N}#0002"], [f"{M}#0004", f"{N}#0003"]])
    assert curation.calls[1] == ("refresh",)
    assert all(type(t) is int for t in curation.calls[0][1])
    assert list(explorer.table()["theme_id"]) == [0, 1]
    assert explorer.theme(0)["label"] == "Fair pay and partnership"
    assert explorer.theme(0)["size"] == 6
    assert list(explorer.select(0)["quotes"]["rank"]) == [1, 2, 3]


def test_curation_errors_are_clear(explorer, curation, tables):
    with pytest.raises(ValueError, match="at least two"):
        explorer.merge([0, 0], "Same")
    with pytest.raises(ValueError, match="label"):
        explorer.merge([0, 1], "  ")
    with pytest.raises(ValueError, match="label is empty"):
        explorer.rename(0, "")
    with pytest.raises(KeyError):
        explorer.merge([0, 9], "Nope")
    assert curation.calls == []
    themes, assignments, quotes, meta = tables
    plain = ThemeExplorer(themes, assignments, quotes, meta)
    with pytest.raises(ValueError, match="no theme curation"):
        plain.rename(0, "New")
    with pytest.raises(ValueError, match="no theme curation"):
        plain.merge([0, 1], "New")


def test_without_on_change_the_tables_stay(tables, curation):
    themes, assignments, quotes, meta = tables
    explorer = ThemeExplorer(themes, assignments, quotes, meta, curation=curation)
    assert explorer.rename(0, "Pay") is False
    assert curation.calls[0][0] == "rename" and ("refresh",) not in curation.calls
    assert explorer.theme(0)["label"] == "Paying carers"


def test_missing_columns_are_reported(tables):
    themes, assignments, quotes, meta = tables
    with pytest.raises(ValueError, match="assignments is missing the column.*probability"):
        ThemeExplorer(themes, assignments.drop(columns=["probability"]), quotes, meta)


def test_chart_from_the_explorer(explorer):
    from workbench.views.charts import figure_data

    assert figure_data(explorer.chart("sizes"))[0]["x"] == [5, 4, 2]
    assert figure_data(explorer.chart("kind"))[0]["z"] == [[2, 3], [2, 2], [1, 1]]


# -- widget -------------------------------------------------------------------------------------
def test_widget_lists_themes_and_marks_unstable(explorer):
    widget = ThemeExplorerWidget(explorer)
    assert list(widget.theme.options) == [
        ("Budget and contract · 5 segments · stability 0.41 · ⚠ unstable", 1),
        ("Paying carers · 4 segments · stability 0.83", 0),
        ("Equal partners · 2 segments · stability not measured", 2),
    ]
    assert widget.theme.value == 1
    assert "⚠ unstable" in widget.detail.value
    assert "1 unstable" in widget.summary.value
    assert "wb-themes" in widget.box._dom_classes
    assert "wb-themes-theme" in widget.theme._dom_classes
    assert widget.chart_out.outputs == ()  # nothing written to the Output at construction
    widget.min_stability.value = 0.5
    assert [v for _, v in widget.theme.options] == [0]
    assert widget.theme.value == 0


def test_widget_select_shows_detail(explorer):
    widget = ThemeExplorerWidget(explorer)
    widget.theme.value = 0
    assert "Paying carers" in widget.detail.value
    assert "&lt;script&gt;" in widget.detail.value and "<script>" not in widget.detail.value
    assert widget.rename_label.value == "Paying carers"


def test_widget_rename_flow(explorer, curation):
    widget = ThemeExplorerWidget(explorer)
    widget.theme.value = 2
    widget.rename_label.value = "Partnership"
    widget.rename_button.click()
    assert curation.calls[0] == ("rename", 2, "Partnership", [f"{M}#0004", f"{N}#0003"])
    assert widget.theme.value == 2
    assert ("Partnership · 2 segments · stability not measured", 2) in widget.theme.options
    assert "Renamed" in widget.status.value and "wb-error" not in widget.status.value
    assert "<h3>Partnership</h3>" in widget.detail.value


def test_widget_merge_flow(explorer, curation):
    widget = ThemeExplorerWidget(explorer)
    widget.merge_themes.value = (0, 2)
    widget.merge_label.value = "Fair pay & partnership"
    widget.merge_button.click()
    assert curation.calls[0][0:3] == ("merge", [0, 2], "Fair pay & partnership")
    assert [v for _, v in widget.theme.options] == [0, 1]
    assert widget.theme.value == 0  # the merged theme is selected
    assert widget.merge_themes.value == () and widget.merge_label.value == ""
    assert "Merged 2 themes" in widget.status.value and "&amp;" in widget.status.value


def test_widget_shows_errors_instead_of_raising(explorer, curation, tables):
    widget = ThemeExplorerWidget(explorer)
    widget.merge_themes.value = (0,)
    widget.merge_label.value = "Alone"
    widget.merge_button.click()
    assert "wb-error" in widget.status.value and "at least two" in widget.status.value
    assert curation.calls == []
    themes, assignments, quotes, meta = tables
    plain = ThemeExplorerWidget(ThemeExplorer(themes, assignments, quotes, meta))
    assert plain.rename_button.disabled and plain.merge_button.disabled
    plain.rename_button.click()  # disabled buttons do not fire in a browser; the handler is still safe
    assert "no theme curation" in plain.status.value


def test_widget_number_of_themes(explorer, tables):
    hidden = ThemeExplorerWidget(explorer)
    assert hidden.n_themes.disabled and hidden.n_themes_button.disabled
    assert hidden.n_themes.layout.display is None  # the row around it is hidden
    assert any(getattr(child.layout, "display", None) == "none" for child in hidden.box.children)

    asked = []
    themes, assignments, quotes, _ = tables

    def rerun(n):
        asked.append(n)
        return themes[themes["theme_id"] != 2], assignments, quotes

    widget = ThemeExplorerWidget(explorer, n_themes_callback=rerun)
    assert not widget.n_themes.disabled
    widget.n_themes.value = 4
    widget.n_themes_button.click()
    assert asked == [4]
    assert [v for _, v in widget.theme.options] == [1, 0]
    assert "4 themes" in widget.status.value


def test_widget_chart_only_inside_the_callback(explorer, capsys):
    widget = ThemeExplorerWidget(explorer)
    assert widget.figure is None
    widget.chart_choice.value = "speaker_role"
    widget.chart_button.click()
    capsys.readouterr()  # outside a kernel IPython prints the figure instead of displaying it
    from workbench.views.charts import figure_data

    assert figure_data(widget.figure)[0]["x"] == ["commissioner", "lived experience", "(not set)"]
