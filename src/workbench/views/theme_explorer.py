"""Theme explorer: the table of themes, a theme's keywords, quotes and where it occurs, renaming
and merging themes, and re-running with a different number of themes.

``ThemeExplorer`` holds the state and works on plain DataFrames (it does not import the theme
model); ``ThemeExplorerWidget`` is a thin ipywidgets layer over it. Corpus text is always escaped.
"""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from ..errors import WorkbenchError
from ..values import is_missing, stability_level
from .html import escape, table_html, text_html

UNASSIGNED = -1
MISSING_GROUP = "(not set)"
WHERE = ("doc_id", "kind", "speaker_role")
CHARTS = {"sizes": "How big each theme is", "doc_id": "Themes by document", "kind": "Themes by kind of document",
          "speaker_role": "Themes by speaker role"}

THEME_COLUMNS = ["theme_id", "label", "keywords", "size", "doc_count", "stability", "representative",
                 "doc_id", "seg_id", "start_char", "end_char"]
ASSIGNMENT_COLUMNS = ["seg_id", "doc_id", "start_char", "end_char", "speaker", "theme_id", "probability", "text"]
QUOTE_COLUMNS = ["theme_id", "rank", "seg_id", "doc_id", "start_char", "end_char", "speaker", "similarity", "text"]
META_COLUMNS = ["seg_id", "doc_id", "kind", "speaker_role"]

Tables = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]


def _check(frame: pd.DataFrame, columns: list[str], name: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing the column(s) {', '.join(missing)}; "
                         f"it has {', '.join(map(str, frame.columns)) or 'no columns'}.")
    return frame


_is_missing = is_missing


def stability_text(value: Any) -> str:
    """ "0.83", or "not measured" when the stability is unknown."""
    return "not measured" if _is_missing(value) else f"{float(value):.2f}"


def is_unstable(value: Any) -> bool:
    """True when the stability is known and below 0.5 (unknown stability is not flagged)."""
    return stability_level(value) == "unstable"


def split_keywords(keywords: Any) -> list[str]:
    if not isinstance(keywords, str):
        return []
    return [k.strip() for k in keywords.split(";") if k.strip()]


class ThemeExplorer:
    """Browse and curate themes. Every method is plain Python (no widgets).

    ``curation`` has ``rename(theme_id, label, members)`` and ``merge(theme_ids, label,
    members_per_theme)``; ``on_change()`` returns fresh ``(themes, assignments, quotes)`` after a
    change. Without ``on_change`` the tables stay as they are until ``reload`` is called."""

    def __init__(self, themes: pd.DataFrame, assignments: pd.DataFrame, quotes: pd.DataFrame,
                 segment_meta: pd.DataFrame, corpus=None, curation=None,
                 on_change: Callable[[], Tables] | None = None):
        self.segment_meta = _check(segment_meta, META_COLUMNS, "segment_meta")
        self.corpus = corpus
        self.curation = curation
        self.on_change = on_change
        self.selected: int | None = None
        self.reload(themes, assignments, quotes)

    # -- data -------------------------------------------------------------------------------
    def reload(self, themes: pd.DataFrame, assignments: pd.DataFrame, quotes: pd.DataFrame) -> None:
        """Replace the three tables (after a change to the themes); keeps the selection if it still exists."""
        self.themes = _check(themes, THEME_COLUMNS, "themes")
        self.themes = self.themes[self.themes["theme_id"] != UNASSIGNED].reset_index(drop=True)
        self.assignments = _check(assignments, ASSIGNMENT_COLUMNS, "assignments")
        self.quotes = _check(quotes, QUOTE_COLUMNS, "quotes")
        if self.selected is not None and self.selected not in self.theme_ids():
            self.selected = None

    def refresh(self) -> bool:
        """Ask ``on_change`` for fresh tables; False when there is no ``on_change``."""
        if self.on_change is None:
            return False
        result = self.on_change()
        if not (isinstance(result, tuple) and len(result) == 3):
            raise ValueError("on_change must return a tuple (themes, assignments, quotes) of DataFrames.")
        self.reload(*result)
        return True

    def theme_ids(self) -> list[int]:
        return [int(t) for t in self.themes["theme_id"]]

    def theme(self, theme_id: int) -> pd.Series:
        match = self.themes[self.themes["theme_id"] == theme_id]
        if match.empty:
            known = ", ".join(str(t) for t in sorted(self.theme_ids())[:20]) or "none"
            raise KeyError(f"There is no theme {theme_id}. Known themes: {known}.")
        return match.iloc[0]

    def members(self, theme_id: int) -> list[str]:
        """The seg_ids currently assigned to a theme, in the order of ``assignments``."""
        return [str(s) for s in self.assignments.loc[self.assignments["theme_id"] == theme_id, "seg_id"]]

    # -- views ------------------------------------------------------------------------------
    def table(self, min_stability: float = 0.0) -> pd.DataFrame:
        """Themes, largest first (ties by theme id), with an ``unstable`` column. Themes whose
        stability was not measured are kept only when ``min_stability`` is 0."""
        frame = self.themes.copy()
        if min_stability > 0:
            frame = frame[frame["stability"].notna() & (frame["stability"] >= min_stability)]
        frame["unstable"] = [is_unstable(s) for s in frame["stability"]]
        frame = frame.sort_values(["size", "theme_id"], ascending=[False, True], kind="mergesort")
        return frame.reset_index(drop=True)

    def unstable(self) -> list[int]:
        """Ids of themes with stability below 0.5, in ascending order."""
        return sorted(int(t) for t, s in zip(self.themes["theme_id"], self.themes["stability"]) if is_unstable(s))

    def where(self, theme_id: int) -> dict[str, pd.DataFrame]:
        """Segment counts of a theme by document, kind and speaker role (columns: the group, ``segments``)."""
        seg = self.assignments.loc[self.assignments["theme_id"] == theme_id, ["seg_id", "doc_id"]]
        meta = self.segment_meta[["seg_id", "kind", "speaker_role"]].drop_duplicates("seg_id")
        joined = seg.merge(meta, on="seg_id", how="left")
        out = {}
        for by in WHERE:
            groups = pd.Series([v if isinstance(v, str) and v else MISSING_GROUP for v in joined[by]], dtype=object)
            counts = groups.value_counts()
            frame = pd.DataFrame({by: [str(k) for k in counts.index], "segments": [int(v) for v in counts.values]})
            out[by] = frame.sort_values(["segments", by], ascending=[False, True], kind="mergesort").reset_index(drop=True)
        return out

    def theme_quotes(self, theme_id: int) -> pd.DataFrame:
        frame = self.quotes[self.quotes["theme_id"] == theme_id]
        return frame.sort_values("rank", kind="mergesort")[QUOTE_COLUMNS[1:]].reset_index(drop=True)

    def select(self, theme_id: int) -> dict[str, Any]:
        """Choose a theme. Returns its ``theme_id``, ``label``, ``size``, ``doc_count``, ``stability``,
        ``unstable``, ``keywords`` (list), ``members`` (seg_ids), ``quotes`` (DataFrame: rank, seg_id,
        doc_id, start_char, end_char, speaker, similarity, text) and ``where`` (see ``where``)."""
        row = self.theme(theme_id)
        self.selected = int(theme_id)
        return {
            "theme_id": int(theme_id), "label": str(row["label"]), "size": int(row["size"]),
            "doc_count": int(row["doc_count"]),
            "stability": None if _is_missing(row["stability"]) else float(row["stability"]),
            "unstable": is_unstable(row["stability"]), "keywords": split_keywords(row["keywords"]),
            "members": self.members(theme_id), "quotes": self.theme_quotes(theme_id),
            "where": self.where(theme_id),
        }

    def quote_html(self, theme_id: int, rank: int) -> str:
        """One quote, escaped, with its speaker, document, segment id and offsets. With a corpus the
        text comes from the document itself (``text[start_char:end_char]``)."""
        quotes = self.theme_quotes(theme_id)
        match = quotes[quotes["rank"] == rank]
        if match.empty:
            raise KeyError(f"Theme {theme_id} has no quote ranked {rank} (it has {len(quotes)}).")
        q = match.iloc[0]
        start, end = int(q["start_char"]), int(q["end_char"])
        text, doc_name = str(q["text"]), str(q["doc_id"])
        if self.corpus is not None:
            doc = self.corpus.document(q["doc_id"])
            text = doc.text[start:end]
            if doc.title and doc.title != doc.doc_id:
                doc_name = f"{doc.title} ({doc.doc_id})"
        speaker = q["speaker"] if isinstance(q["speaker"], str) and q["speaker"] else None
        who = f"<b>{escape(speaker)}</b>" if speaker else "<i>no speaker</i>"
        return (f'<div class="wb-themes-quote" data-theme-id="{int(theme_id)}" data-rank="{int(rank)}" '
                f'data-seg-id="{escape(str(q["seg_id"]))}">'
                f'<p class="wb-themes-quote-meta">{int(rank)}. {who} · {escape(doc_name)} · '
                f'<code>{escape(str(q["seg_id"]))}</code> [{start}:{end}]</p>'
                f'<blockquote class="wb-themes-quote-text">{text_html(text)}</blockquote></div>')

    def detail_html(self, theme_id: int) -> str:
        """Everything about one theme as escaped HTML: keywords, quotes, where it occurs."""
        info = self.select(theme_id)
        warn = (' <span class="wb-themes-unstable">⚠ unstable: this theme may not come back if the '
                'themes are found again</span>' if info["unstable"] else "")
        keywords = "".join(f'<li>{escape(k)}</li>' for k in info["keywords"]) or "<li>(none)</li>"
        quotes = "".join(self.quote_html(theme_id, int(r)) for r in info["quotes"]["rank"])
        where = "".join(f"<h5>{title}</h5>" + table_html(info["where"][by], css_class="wb-themes-where-table")
                        for by, title in (("doc_id", "By document"), ("kind", "By kind of document"),
                                          ("speaker_role", "By speaker role")))
        return (f'<div class="wb-themes-theme" data-theme-id="{info["theme_id"]}">'
                f'<h3>{escape(info["label"])}</h3>'
                f'<p class="wb-themes-facts">{info["size"]} segments in {info["doc_count"]} documents · '
                f'stability {stability_text(info["stability"])}{warn}</p>'
                f'<h4>Keywords</h4><ul class="wb-themes-keywords">{keywords}</ul>'
                f'<h4>Quotes</h4><div class="wb-themes-quotes">{quotes or "<p class=wb-empty>No quotes.</p>"}</div>'
                f'<h4>Where it occurs</h4><div class="wb-themes-where">{where}</div></div>')

    def chart(self, what: str = "sizes"):
        """A plotly Figure: ``"sizes"``, or a heatmap by ``"doc_id"``, ``"kind"`` or ``"speaker_role"``."""
        from . import charts

        if what == "sizes":
            return charts.theme_sizes(self.themes)
        return charts.themes_by_group(self.assignments, self.segment_meta, by=what, themes=self.themes)

    # -- curation ---------------------------------------------------------------------------
    def _require_curation(self, action: str):
        if self.curation is None:
            raise ValueError(f"Cannot {action}: no theme curation is connected to this explorer. "
                             "Create the explorer with curation=... to rename or merge themes.")
        return self.curation

    def rename(self, theme_id: int, label: str) -> bool:
        """Give a theme a new label (sent to the curation with its current members), then reload
        through ``on_change``. Returns True when the tables were reloaded."""
        curation = self._require_curation("rename the theme")
        label = (label or "").strip()
        if not label:
            raise ValueError("Cannot rename the theme: the new label is empty. Type a label first.")
        self.theme(theme_id)
        curation.rename(int(theme_id), label, self.members(theme_id))
        return self.refresh()

    def merge(self, theme_ids: list[int], label: str) -> bool:
        """Merge two or more themes into one with ``label`` (the curation receives each theme's
        current members), then reload through ``on_change``. Returns True when reloaded."""
        curation = self._require_curation("merge themes")
        ids = list(dict.fromkeys(int(t) for t in theme_ids))
        if len(ids) < 2:
            raise ValueError(f"Cannot merge: choose at least two different themes (got {len(ids)}).")
        label = (label or "").strip()
        if not label:
            raise ValueError("Cannot merge: the label for the merged theme is empty. Type a label first.")
        for tid in ids:
            self.theme(tid)
        curation.merge(ids, label, [self.members(t) for t in ids])
        return self.refresh()


def theme_option_label(row) -> str:
    """ "label · 12 segments · stability 0.83", with "⚠ unstable" added for unstable themes."""
    text = f"{row.label} · {int(row.size)} segments · stability {stability_text(row.stability)}"
    return text + " · ⚠ unstable" if is_unstable(row.stability) else text


class ThemeExplorerWidget:
    """ipywidgets for a ThemeExplorer. ``.box`` is the widget to display.

    ``n_themes_callback(n)`` re-runs the theme model with ``n`` themes; if it returns
    ``(themes, assignments, quotes)`` those are shown, otherwise the explorer's ``on_change`` is
    used to reload. Without a callback the "number of themes" controls are hidden and disabled."""

    def __init__(self, explorer: ThemeExplorer, n_themes_callback: Callable[[int], Any] | None = None):
        import ipywidgets as w

        self.explorer = explorer
        self.n_themes_callback = n_themes_callback
        self.figure = None  # the last chart shown
        self._updating = False
        self.min_stability = w.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="Min stability")
        self.theme = w.Select(options=[], rows=10, description="Theme", layout=w.Layout(width="95%"))
        self.summary = w.HTML()
        self.status = w.HTML()
        self.detail = w.HTML()
        self.rename_label = w.Text(placeholder="new label", description="Rename to")
        self.rename_button = w.Button(description="Rename")
        self.merge_themes = w.SelectMultiple(options=[], rows=6, description="Merge",
                                             layout=w.Layout(width="95%"))
        self.merge_label = w.Text(placeholder="label for the merged theme", description="New label")
        self.merge_button = w.Button(description="Merge")
        n = len(explorer.themes)
        self.n_themes = w.IntSlider(value=max(2, n), min=2, max=max(50, n), description="Number of themes",
                                    style={"description_width": "initial"})
        self.n_themes_button = w.Button(description="Apply")
        self.chart_choice = w.Dropdown(options=[(title, key) for key, title in CHARTS.items()], value="sizes",
                                       description="Chart")
        self.chart_button = w.Button(description="Show chart")
        self.chart_out = w.Output()  # written to only inside the "Show chart" callback
        for widget, name in ((self.min_stability, "min-stability"), (self.theme, "theme"),
                             (self.summary, "summary"), (self.status, "status"), (self.detail, "detail"),
                             (self.rename_label, "rename-label"), (self.rename_button, "rename"),
                             (self.merge_themes, "merge-themes"), (self.merge_label, "merge-label"),
                             (self.merge_button, "merge"), (self.n_themes, "n-themes"),
                             (self.n_themes_button, "n-themes-apply"), (self.chart_choice, "chart-choice"),
                             (self.chart_button, "chart"), (self.chart_out, "chart-output")):
            widget.add_class(f"wb-themes-{name}")
        can_curate = explorer.curation is not None
        for control in (self.rename_label, self.rename_button, self.merge_themes, self.merge_label,
                        self.merge_button):
            control.disabled = not can_curate
        n_row = w.HBox([self.n_themes, self.n_themes_button])
        n_row.add_class("wb-themes-n-row")
        if n_themes_callback is None:
            self.n_themes.disabled = self.n_themes_button.disabled = True
            n_row.layout.display = "none"
        self.min_stability.observe(lambda _: self.refresh(), names="value")
        self.theme.observe(lambda change: None if self._updating else self.show(change["new"]), names="value")
        self.rename_button.on_click(lambda _: self.rename())
        self.merge_button.on_click(lambda _: self.merge())
        self.n_themes_button.on_click(lambda _: self.apply_n_themes())
        self.chart_button.on_click(lambda _: self.show_chart())
        self.box = w.VBox([
            n_row, self.min_stability, self.summary, self.theme, self.status, self.detail,
            w.HBox([self.rename_label, self.rename_button]),
            w.VBox([self.merge_themes, w.HBox([self.merge_label, self.merge_button])]),
            w.HBox([self.chart_choice, self.chart_button]), self.chart_out,
        ])
        self.box.add_class("wb-themes")
        self.refresh()

    def refresh(self, select: int | None = None) -> None:
        """Redraw the theme lists from the explorer; keep (or move to) a selected theme if shown."""
        frame = self.explorer.table(self.min_stability.value)
        options = [(theme_option_label(r), int(r.theme_id)) for r in frame.itertuples(index=False)]
        ids = [v for _, v in options]
        keep = select if select in ids else self.theme.value if self.theme.value in ids else (ids[0] if ids else None)
        merge_keep = tuple(v for v in self.merge_themes.value if v in ids)
        self._updating = True
        try:
            self.theme.options = options
            self.theme.value = keep
            self.merge_themes.options = options
            self.merge_themes.value = merge_keep
        finally:
            self._updating = False
        unstable = len(self.explorer.unstable())
        note = f" · ⚠ {unstable} unstable" if unstable else ""
        self.summary.value = (f'<p class="wb-themes-count">{len(frame)} of {len(self.explorer.themes)} themes '
                              f"shown{note}</p>")
        self.show(keep)

    def show(self, theme_id: int | None) -> None:
        if theme_id is None:
            self.detail.value = '<p class="wb-empty">No theme selected.</p>'
            return
        self.detail.value = self.explorer.detail_html(theme_id)
        self.rename_label.value = str(self.explorer.theme(theme_id)["label"])

    def _run(self, action: Callable[[], Any], done: str) -> bool:
        try:
            reloaded = action()
        except (WorkbenchError, ValueError, KeyError, RuntimeError) as err:
            message = err.args[0] if isinstance(err, KeyError) and err.args else str(err)
            self.status.value = f'<p class="wb-error">{escape(str(message))}</p>'
            return False
        later = "" if reloaded else " The change is saved; reload the themes to see it."
        self.status.value = f'<p class="wb-themes-done">{escape(done)}{escape(later)}</p>'
        return True

    def _select_label(self, label: str) -> int | None:
        match = self.explorer.themes[self.explorer.themes["label"] == label]
        return int(match["theme_id"].iloc[0]) if len(match) == 1 else None

    def rename(self) -> None:
        theme_id, label = self.theme.value, self.rename_label.value.strip()
        if theme_id is None:
            self.status.value = '<p class="wb-error">Choose a theme to rename first.</p>'
            return
        if self._run(lambda: self.explorer.rename(theme_id, label), f"Renamed the theme to “{label}”."):
            self.refresh(select=theme_id)

    def merge(self) -> None:
        ids, label = list(self.merge_themes.value), self.merge_label.value.strip()
        if self._run(lambda: self.explorer.merge(ids, label), f"Merged {len(ids)} themes into “{label}”."):
            self.merge_themes.value = ()
            self.merge_label.value = ""
            self.refresh(select=self._select_label(label))

    def apply_n_themes(self) -> None:
        if self.n_themes_callback is None:
            return
        n = int(self.n_themes.value)

        def action() -> bool:
            result = self.n_themes_callback(n)
            if isinstance(result, tuple) and len(result) == 3:
                self.explorer.reload(*result)
                return True
            return self.explorer.refresh()

        if self._run(action, f"Found the themes again with {n} themes."):
            self.refresh()

    def show_chart(self) -> None:
        from IPython.display import display

        self.figure = self.explorer.chart(self.chart_choice.value)
        with self.chart_out:
            self.chart_out.clear_output(wait=True)
            display(self.figure)
