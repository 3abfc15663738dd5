"""Concordance view: query box, mode, context width, sort, group filters, export to CSV.
``ConcordanceView`` holds the state; ``ConcordanceWidget`` is a thin ipywidgets layer over it."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.concordance import MODES
from ..errors import WorkbenchError
from .html import escape, kwic_html, segment_html

ALL = "(all)"


class ConcordanceView:
    """Run queries and keep the current hits (a DataFrame with offsets)."""

    def __init__(self, bench):
        self.bench = bench
        self.hits = pd.DataFrame()
        self.last_query: tuple[str, str] | None = None

    def filter_options(self) -> dict[str, list[str]]:
        meta = self.bench.concordance.segment_meta_
        return {column: sorted(v for v in meta[column].dropna().unique() if v)
                for column in ("kind", "speaker_role", "speaker")}

    def search(self, query: str, mode: str = "word", width: int = 40, sort: str | None = None,
               kind: str | None = None, speaker_role: str | None = None, speaker: str | None = None) -> pd.DataFrame:
        filters = {k: v for k, v in (("kind", kind), ("speaker_role", speaker_role), ("speaker", speaker))
                   if v and v != ALL}
        self.hits = self.bench.concordance.query(query, mode, width=width, sort=sort or None, filters=filters)
        self.last_query = (query, mode)
        return self.hits

    def line_html(self, row: int) -> str:
        hit = self.hits.iloc[row]
        return segment_html(self.bench.corpus, hit["seg_id"], int(hit["start_char"]), int(hit["end_char"]))

    def export_csv(self, path: str | Path) -> Path:
        """The hits as a formula-safe CSV (``export.tables.read_table_csv`` reads it back exactly)."""
        from ..export.tables import write_table_csv

        return write_table_csv(self.hits, path)


class ConcordanceWidget:
    """ipywidgets for a ConcordanceView. ``.box`` is the widget to display."""

    def __init__(self, view: ConcordanceView, query: str = ""):
        import ipywidgets as w

        self.view = view
        options = view.filter_options()
        self.query = w.Text(value=query, placeholder="a word, phrase, lemma, regex or pattern",
                            description="Search", continuous_update=False)
        self.mode = w.Dropdown(options=list(MODES), value="word", description="Mode")
        self.width = w.IntSlider(value=40, min=10, max=120, step=5, description="Context")
        self.sort = w.Dropdown(options=[("as found", ""), ("left context", "left"), ("right context", "right")],
                               value="", description="Sort")
        self.kind = w.Dropdown(options=[ALL, *options["kind"]], description="Kind")
        self.role = w.Dropdown(options=[ALL, *options["speaker_role"]], description="Role")
        self.button = w.Button(description="Search", button_style="primary")
        self.status = w.HTML()
        self.results = w.HTML()
        self.lines = w.Dropdown(options=[], description="Read line")
        self.reader = w.HTML()
        self.export_path = w.Text(value="concordance.csv", description="CSV file")
        self.export_button = w.Button(description="Export")
        for widget, name in ((self.query, "query"), (self.mode, "mode"), (self.width, "width"),
                             (self.sort, "sort"), (self.kind, "kind"), (self.role, "role"),
                             (self.button, "search"), (self.status, "status"), (self.results, "results"),
                             (self.lines, "lines"), (self.reader, "reader"), (self.export_button, "export")):
            widget.add_class(f"wb-concordance-{name}")
        self.button.on_click(lambda _: self.run())
        self.query.observe(lambda _: self.run(), names="value")
        for control in (self.mode, self.width, self.sort, self.kind, self.role):
            control.observe(lambda _: self.run() if self.query.value.strip() else None, names="value")
        self.lines.observe(lambda change: self.show_line(change["new"]), names="value")
        self.export_button.on_click(lambda _: self.export())
        self.box = w.VBox([
            w.HBox([self.query, self.mode, self.button]),
            w.HBox([self.width, self.sort, self.kind, self.role]),
            self.status, self.results, self.lines, self.reader,
            w.HBox([self.export_path, self.export_button]),
        ])
        self.box.add_class("wb-concordance")
        if query:
            self.run()

    def run(self) -> None:
        if not self.query.value.strip():
            return
        try:
            hits = self.view.search(self.query.value, self.mode.value, self.width.value, self.sort.value,
                                    self.kind.value, self.role.value)
        except WorkbenchError as err:
            self.status.value = f'<p class="wb-error">{escape(str(err))}</p>'
            self.results.value = ""
            self.lines.options = []
            return
        self.status.value = f"<p><b>{len(hits)}</b> lines for <i>{escape(self.query.value)}</i></p>"
        self.results.value = kwic_html(hits)
        self.lines.options = [(f"{i + 1}. {h.match} — {h.seg_id}", i) for i, h in
                              enumerate(hits.head(200).itertuples(index=False))]
        self.reader.value = ""

    def show_line(self, row: int | None) -> None:
        self.reader.value = "" if row is None else self.view.line_html(row)

    def export(self) -> None:
        try:
            path = self.view.export_csv(self.export_path.value)
        except OSError as err:
            self.status.value = f'<p class="wb-error">Could not write {escape(self.export_path.value)}: {escape(str(err))}</p>'
            return
        self.status.value = f"<p>Saved {len(self.view.hits)} lines to <code>{escape(str(path))}</code></p>"
