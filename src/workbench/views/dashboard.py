"""The trainers' dashboard: phrases, themes, and barriers, enablers and benefits, for projecting to a room.

``Dashboard`` is plain Python over the Workbench facade (lists and quotes as DataFrames);
``DashboardWidget`` is a thin ipywidgets layer over it: three tabs, each a column of large buttons
and a quotes panel; on the theme and barrier/enabler tabs the buttons are a bar chart (``dashboard_bars``).
Served with Voila from ``notebooks/dashboard.ipynb`` (``make dashboard``, through ``dashboard_app``).
Every quote row keeps doc_id, seg_id, start_char, end_char; corpus text is always escaped.
"""
from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from ..analysis.phrase_table import distinct_wordings
from ..corpus.segment import sentence_spans
from ..errors import Errors, WorkbenchError
from ..values import stability_level
from .dashboard_bars import attach_bars, bars
from .dashboard_bars import hint as bar_hint
from .html import escape, text_html

QUOTE_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "text"]
PHRASE_LIST_COLUMNS = ["phrase", "kind", "family", "count", "doc_count", "speaker_count"]
THEME_LIST_COLUMNS = ["theme_id", "label", "size", "doc_count", "stability", "keywords"]
CATEGORY_COLUMNS = ["kind", "category", "count", "doc_count"]
KINDS = ("barrier", "enabler", "benefit")
KIND_HEADINGS = {"barrier": ("Barriers", "Barrier"), "enabler": ("Enablers", "Enabler"),
                 "benefit": ("Benefits", "Benefit")}
CATEGORIES_TAB = "Barriers, enablers, benefits"
KIND_NAMES = {"family": "Ways of saying one idea", "quoted": "Words people put in quotes",
              "ngram": "Phrases people keep using"}
UNASSIGNED = -1


def _speaker(value: Any) -> str:
    return value if isinstance(value, str) else ""


def spread(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the order within each document but take turns between documents, so the first quotes on
    screen come from different documents (a room hears many voices, not one blog)."""
    turn = frame.groupby("doc_id", sort=False).cumcount()
    return frame.assign(_turn=turn.to_numpy()).sort_values("_turn", kind="mergesort").drop(columns="_turn")


def _stability_words(value: Any) -> str:
    """Stability in plain words for a room (1 = found again with the same members in every re-run)."""
    level = stability_level(value)
    if level == "unknown":
        return "stability not measured"
    words = {"stable": "holds up well", "fair": "fairly stable", "unstable": "unstable: read with care"}[level]
    return f"stability {float(value):.2f} ({words})"


class Dashboard:
    """What the dashboard shows, as DataFrames: phrases, themes, barrier, enabler and benefit categories,
    and the quotes behind each of them."""

    def __init__(self, bench, max_phrases: int = 20):
        self.bench = bench
        self.max_phrases = max_phrases

    def summary(self) -> str:
        """One line for the room: how much material, and how many phrases, themes and categories."""
        n = self.categories()["kind"].value_counts()
        n_docs = len(self.bench.corpus.documents)
        return (f"{n_docs} documents · {len(self.phrases())} phrases · {len(self.themes())} themes · "
                f"{n.get('barrier', 0)} barriers, {n.get('enabler', 0)} enablers and {n.get('benefit', 0)} benefits")

    # -- phrases ------------------------------------------------------------------------------
    @cached_property
    def _phrase_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return self.bench.phrase_tables

    def phrases(self) -> pd.DataFrame:
        """Families (most used first), quoted statements used more than once (most used first, at most a third
        of the list), then the top recurring phrases by score, at most ``max_phrases`` in all; every wording
        once. A room sees what recurs; statements quoted once are in the report and notebook 02."""
        table = distinct_wordings(self._phrase_tables[0])
        quoted = table[(table["kind"] == "quoted") & (table["count"] >= 2)]
        quoted = quoted.sort_values(["count", "doc_count", "phrase"], ascending=[False, False, True])
        parts = [table[table["kind"] == "family"].sort_values(["count", "phrase"], ascending=[False, True]),
                 quoted.head(max(1, self.max_phrases // 3)),
                 table[table["kind"] == "ngram"].sort_values(["score", "phrase"], ascending=[False, True])]
        frame = pd.concat(parts, ignore_index=True).head(self.max_phrases)
        return frame[PHRASE_LIST_COLUMNS].reset_index(drop=True)

    def families(self) -> pd.DataFrame:
        """The wordings found for each phrase family: family, variant, count, doc_count."""
        variants = self.bench.family_tables[1]
        return variants[["family", "variant", "count", "doc_count"]].reset_index(drop=True)

    def quotes_for_phrase(self, phrase: str, kind: str | None = None) -> pd.DataFrame:
        """The sentences where a phrase (or a family's wordings) occurs, one row per sentence, taking
        turns between documents.
        ``start_char``/``end_char`` are the sentence's document offsets; ``match_start``/``match_end``
        the first match in it."""
        occ = self._phrase_tables[1]
        occ = occ[occ["phrase"] == phrase]
        if kind:
            occ = occ[occ["kind"] == kind]
        if occ.empty:
            raise WorkbenchError(Errors.E480.format(phrase=phrase, kind=f" of kind '{kind}'" if kind else ""))
        corpus = self.bench.corpus
        rows, seen = [], set()
        for o in occ.sort_values(["doc_id", "start_char"], kind="mergesort").itertuples(index=False):
            seg = corpus.segment(o.seg_id)
            text = corpus.document(o.doc_id).text
            start, end = int(o.start_char), int(o.end_char)
            spans = [(s, e) for s, e in sentence_spans(text, seg.start_char, seg.end_char) if s < end and start < e]
            s, e = (spans[0][0], spans[-1][1]) if spans else (seg.start_char, seg.end_char)
            if (o.seg_id, s) in seen:
                continue
            seen.add((o.seg_id, s))
            rows.append({"doc_id": o.doc_id, "seg_id": o.seg_id, "start_char": s, "end_char": e,
                         "speaker": _speaker(o.speaker), "text": text[s:e], "match_start": start, "match_end": end})
        frame = pd.DataFrame(rows, columns=QUOTE_COLUMNS + ["match_start", "match_end"])
        return spread(frame).reset_index(drop=True)

    # -- themes -------------------------------------------------------------------------------
    @property
    def themes_note(self) -> str:
        """Why there are no themes (switched off, or a corpus too small for them), else ''."""
        return self.bench.result("themes").skipped or ""

    def _theme_frames(self) -> dict[str, pd.DataFrame] | None:
        """The themes step's frames (themes, assignments, quotes), or None when it was skipped."""
        result = self.bench.result("themes")
        return None if result.skipped else result.frames

    def themes(self) -> pd.DataFrame:
        """Themes, largest first: theme_id, label, size, doc_count, stability, keywords."""
        found = self._theme_frames()
        if found is None:
            return pd.DataFrame(columns=THEME_LIST_COLUMNS)
        frame = found["themes"][found["themes"]["theme_id"] != UNASSIGNED]
        frame = frame.sort_values(["size", "theme_id"], ascending=[False, True], kind="mergesort")
        return frame[THEME_LIST_COLUMNS].reset_index(drop=True)

    def quotes_for_theme(self, theme_id: int, limit: int = 8) -> pd.DataFrame:
        """The theme's representative quotes, then its other segments closest to its centre."""
        ids = [int(t) for t in self.themes()["theme_id"]]
        if int(theme_id) not in ids:
            raise WorkbenchError(Errors.E481.format(theme_id=theme_id, known=", ".join(map(str, ids)) or "none"))
        found = self._theme_frames()
        quotes = found["quotes"][found["quotes"]["theme_id"] == theme_id].sort_values("rank", kind="mergesort")
        members = found["assignments"][found["assignments"]["theme_id"] == theme_id]
        members = members[~members["seg_id"].isin(quotes["seg_id"])]
        members = members.sort_values(["probability", "seg_id"], ascending=[False, True], kind="mergesort")
        frame = pd.concat([quotes[QUOTE_COLUMNS], members[QUOTE_COLUMNS]], ignore_index=True).head(limit)
        frame["speaker"] = [_speaker(s) for s in frame["speaker"]]
        if frame["text"].isna().any():  # a saved model loaded without the corpus has no texts
            frame["text"] = [self.bench.corpus.segment(s).text for s in frame["seg_id"]]
        return frame.reset_index(drop=True)

    # -- barriers, enablers and benefits ----------------------------------------------------
    def hits(self, kind: str) -> pd.DataFrame:
        if kind not in KINDS:
            raise WorkbenchError(Errors.E483.format(kind=kind))
        result = self.bench.result(f"{kind}s")
        if result.skipped:
            return pd.DataFrame(columns=QUOTE_COLUMNS + ["category", "score", "evidence"])
        return result["hits"]

    def categories(self, kind: str | None = None) -> pd.DataFrame:
        """Barrier, enabler and benefit categories with hits, most hits first within each kind: kind, category,
        count, doc_count."""
        rows = []
        for k in ([kind] if kind else KINDS):
            hits = self.hits(k)
            for category, group in hits.groupby("category", sort=True):
                rows.append({"kind": k, "category": category, "count": len(group),
                             "doc_count": group["doc_id"].nunique()})
        frame = pd.DataFrame(rows, columns=CATEGORY_COLUMNS)
        order = {k: i for i, k in enumerate(KINDS)}
        frame = frame.assign(_k=frame["kind"].map(order)).sort_values(["_k", "count", "category"],
                                                                      ascending=[True, False, True], kind="mergesort")
        return frame.drop(columns="_k").reset_index(drop=True)

    def quotes_for_category(self, kind: str, category: str) -> pd.DataFrame:
        """The passages found for a barrier, enabler or benefit category: strongest first in each document,
        taking turns between documents."""
        hits = self.hits(kind)
        chosen = hits[hits["category"] == category]
        if chosen.empty:
            known = ", ".join(sorted(hits["category"].unique())) or "none"
            raise WorkbenchError(Errors.E482.format(kind=kind, category=category, known=known))
        chosen = chosen.sort_values(["score", "doc_id", "start_char"], ascending=[False, True, True], kind="mergesort")
        frame = spread(chosen[QUOTE_COLUMNS + ["score", "evidence"]]).reset_index(drop=True)
        frame["speaker"] = [_speaker(s) for s in frame["speaker"]]
        return frame


STYLE = """<style>
.wb-dash { font-size: 20px; line-height: 1.4; }
.wb-dash .wb-dash-title { font-size: 34px; font-weight: bold; margin: 8px 0 12px 0; }
.wb-dash .wb-dash-tabs .lm-TabBar-tab, .wb-dash .wb-dash-tabs .p-TabBar-tab { font-size: 22px !important;
  min-height: 44px !important; line-height: 44px !important; flex: 0 0 auto !important; max-width: none !important;
  padding: 0 24px !important; }
.wb-dash .wb-dash-tabs .lm-TabBar-content, .wb-dash .wb-dash-tabs .p-TabBar-content { min-height: 46px; }
.wb-dash .wb-dash-list { width: 34%; min-width: 240px; }
.wb-dash .wb-dash-list .jupyter-button { font-size: 20px; height: auto; min-height: 44px; width: 100%;
  white-space: normal; text-align: left; padding: 6px 12px; margin: 3px 0; line-height: 1.3; }
.wb-dash .wb-dash-group { font-size: 18px; color: #555; margin: 12px 0 2px 0; text-transform: uppercase; }
.wb-dash .wb-dash-quotes { width: 64%; font-size: 24px; line-height: 1.45; padding-left: 16px; }
.wb-dash .wb-dash-quotes h2 { font-size: 30px; margin: 4px 0 6px 0; }
.wb-dash .wb-dash-sub { font-size: 20px; color: #444; margin: 0 0 10px 0; }
.wb-dash .wb-dash-quote { border-left: 6px solid #2a7ab0; background: #f4f8fb; margin: 10px 0;
  padding: 8px 14px; list-style: none; }
.wb-dash .wb-dash-quote mark { background: #ffe27a; }
.wb-dash .wb-dash-source { font-size: 17px; color: #555; margin-top: 4px; }
.wb-dash .wb-dash-hint { font-size: 22px; color: #555; }
.wb-dash .wb-dash-bar-hint { font-size: 18px; color: #444; margin: 4px 0 6px 0; }
.wb-dash .wb-dash-list .wb-bar { font-size: 22px; min-height: 52px; font-weight: 600; color: #1a1a1a; }
.wb-dash .wb-dash-list .wb-bar.mod-info { color: #1a1a1a; background-color: #fff1a8; outline: 4px solid #1a1a1a; }
</style>"""


class DashboardWidget:
    """ipywidgets for a Dashboard. ``.box`` is the widget to display."""

    def __init__(self, dashboard: Dashboard, title: str = "What people said", max_quotes: int = 8,
                 max_chars: int = 600):
        import ipywidgets as w

        self.dashboard = dashboard
        self.max_quotes = max_quotes
        self.max_chars = max_chars
        self._w = w
        hint = '<p class="wb-dash-hint">Choose {} on the left to read what people said.</p>'
        self.phrase_quotes = self._panel("phrase", hint.format("a phrase"))
        self.theme_quotes = self._panel("theme", hint.format("a theme"))
        self.category_quotes = self._panel("category", hint.format("a barrier, an enabler or a benefit"))

        self.phrase_buttons: dict[tuple[str, str], Any] = {}
        items = []
        for kind, group in dashboard.phrases().groupby("kind", sort=False):
            items.append(self._group_heading(KIND_NAMES.get(kind, kind)))
            for row in group.itertuples(index=False):
                button = self._button(f"{row.phrase} ({row.count})", "wb-dash-phrase",
                                      lambda _, k=kind, p=row.phrase: self.show_phrase(p, k))
                self.phrase_buttons[(kind, row.phrase)] = button
                items.append(button)

        self.theme_buttons: dict[int, Any] = {}
        themes = dashboard.themes()
        for row in themes.itertuples(index=False):
            tid = int(row.theme_id)
            button = self._button(f"{row.label} ({row.size})", "wb-dash-theme",
                                  lambda _, t=tid: self.show_theme(t))
            button.add_class(f"wb-dash-theme-{tid}")
            self.theme_buttons[tid] = button
        theme_items = list(self.theme_buttons.values())
        if themes.empty:
            note = dashboard.themes_note or "No themes were found."
            self.theme_quotes.value = f'<p class="wb-dash-hint">{escape(note)}</p>'
        else:  # the list as a bar chart (dashboard_bars): each button filled in proportion to its count
            chart = bars((int(r.theme_id), r.label, r.size) for r in themes.itertuples(index=False))
            theme_items = [bar_hint(w), attach_bars(w, self.theme_buttons, chart, "theme"), *theme_items]

        self.category_buttons: dict[tuple[str, str], Any] = {}
        cat_items = []
        for kind, group in dashboard.categories().groupby("kind", sort=False):
            cat_items.append(self._group_heading(KIND_HEADINGS[kind][0]))
            for row in group.itertuples(index=False):
                button = self._button(f"{row.category} ({row.count})", "wb-dash-category",
                                      lambda _, k=kind, c=row.category: self.show_category(k, c))
                button.add_class(f"wb-dash-{kind}")
                self.category_buttons[(kind, row.category)] = button
                cat_items.append(button)
            chart = bars(((kind, r.category), r.category, r.count) for r in group.itertuples(index=False))
            cat_items.append(attach_bars(w, self.category_buttons, chart, kind))
        if self.category_buttons:
            cat_items.insert(0, bar_hint(w))

        self.tabs = w.Tab(children=[self._page(items, self.phrase_quotes),
                                    self._page(theme_items, self.theme_quotes),
                                    self._page(cat_items, self.category_quotes)],
                          titles=("Phrases", "Themes", CATEGORIES_TAB))
        self.tabs.add_class("wb-dash-tabs")
        heading = w.HTML(f'<div class="wb-dash-title">{escape(title)}</div>')
        self.box = w.VBox([w.HTML(STYLE), heading, self.tabs])
        self.box.add_class("wb-dash")

    # -- building blocks --------------------------------------------------------------------
    def _panel(self, name: str, value: str):
        panel = self._w.HTML(value=value)
        panel.add_class("wb-dash-quotes")
        panel.add_class(f"wb-dash-{name}-quotes")
        return panel

    def _group_heading(self, text: str):
        return self._w.HTML(f'<div class="wb-dash-group">{escape(text)}</div>')

    def _button(self, description: str, css_class: str, callback):
        button = self._w.Button(description=description, tooltip=description,
                                layout=self._w.Layout(width="100%", height="auto"))
        button.add_class(css_class)
        button.on_click(callback)
        return button

    def _page(self, items: list, panel):
        column = self._w.VBox(items)
        column.add_class("wb-dash-list")
        return self._w.HBox([column, panel])

    @staticmethod
    def _highlight(buttons: dict, chosen) -> None:
        for key, button in buttons.items():
            button.button_style = "info" if key == chosen else ""

    def _source(self, row) -> str:
        doc = self.dashboard.bench.corpus.document(row.doc_id)
        who = escape(row.speaker) if row.speaker else escape(doc.kind)
        return (f'<div class="wb-dash-source">{who} · {escape(doc.title)} · <code>{escape(row.seg_id)}</code> '
                f"[{int(row.start_char)}-{int(row.end_char)}]</div>")

    def _clip(self, text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= self.max_chars else text[:self.max_chars].rsplit(" ", 1)[0] + " …"

    def _quotes_html(self, heading: str, sub: str, quotes: pd.DataFrame, highlight: bool = False) -> str:
        items = []
        for row in quotes.head(self.max_quotes).itertuples(index=False):
            if highlight:
                s, e = int(row.match_start) - int(row.start_char), int(row.match_end) - int(row.start_char)
                body = (text_html(row.text[:s]) + f'<mark class="wb-match">{text_html(row.text[s:e])}</mark>'
                        + text_html(row.text[e:]))
            else:
                body = escape(self._clip(row.text))
            items.append(f'<li class="wb-dash-quote" data-seg-id="{escape(row.seg_id)}">'
                         f'<div class="wb-dash-quote-text">“{body}”</div>{self._source(row)}</li>')
        more = (f'<p class="wb-dash-sub">… and {len(quotes) - self.max_quotes} more.</p>'
                if len(quotes) > self.max_quotes else "")
        return (f'<h2>{escape(heading)}</h2><p class="wb-dash-sub">{escape(sub)}</p>'
                f'<ul class="wb-dash-quote-list">{"".join(items)}</ul>{more}')

    # -- actions -----------------------------------------------------------------------------
    def show_phrase(self, phrase: str, kind: str | None = None) -> None:
        quotes = self.dashboard.quotes_for_phrase(phrase, kind)
        docs = quotes["doc_id"].nunique()
        sub = f"{len(quotes)} passages in {docs} document{'s' if docs != 1 else ''}"
        if kind == "family":
            wordings = self.dashboard.families()
            wordings = wordings[wordings["family"] == phrase]["variant"].head(6).tolist()
            if wordings:
                sub += " · said as: " + "; ".join(wordings)
        self.phrase_quotes.value = self._quotes_html(phrase, sub, quotes, highlight=True)
        self._highlight(self.phrase_buttons, (kind, phrase))

    def show_theme(self, theme_id: int) -> None:
        quotes = self.dashboard.quotes_for_theme(theme_id, limit=self.max_quotes)
        theme = self.dashboard.themes().set_index("theme_id").loc[theme_id]
        sub = (f"{int(theme['size'])} passages in {int(theme['doc_count'])} documents · "
               f"{_stability_words(theme['stability'])}")
        self.theme_quotes.value = self._quotes_html(str(theme["label"]), sub, quotes)
        self._highlight(self.theme_buttons, theme_id)

    def show_category(self, kind: str, category: str) -> None:
        quotes = self.dashboard.quotes_for_category(kind, category)
        docs = quotes["doc_id"].nunique()
        sub = f"{KIND_HEADINGS[kind][1]} · {len(quotes)} passages in {docs} documents"
        self.category_quotes.value = self._quotes_html(category, sub, quotes)
        self._highlight(self.category_buttons, (kind, category))
