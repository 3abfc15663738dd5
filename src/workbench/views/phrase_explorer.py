"""Phrase explorer: the table of phrases and families with filters; pick a phrase to see its lines,
pick a line to read the whole segment with the match highlighted.
``PhraseExplorer`` holds the state; ``PhraseExplorerWidget`` is a thin ipywidgets layer over it."""
from __future__ import annotations

import pandas as pd

from ..analysis.concordance import sort_hits
from .html import escape, kwic_html, segment_html, table_html

ALL = "(all)"
SHOWN_COLUMNS = ["phrase", "family", "kind", "count", "doc_count", "speaker_count", "score", "variants"]


class PhraseExplorer:
    """Filter phrases and drill down to their occurrences (with document offsets)."""

    def __init__(self, bench, width: int = 50):
        self.bench = bench
        self.width = width
        self.phrases, self.occurrences = bench.phrase_tables
        self.selected: pd.Series | None = None
        self.lines = pd.DataFrame()

    def table(self, kind: str | None = None, min_docs: int = 1, family: str | None = None,
              search: str | None = None) -> pd.DataFrame:
        frame = self.phrases
        if kind and kind != ALL:
            frame = frame[frame["kind"] == kind]
        if family and family != ALL:
            frame = frame[frame["family"] == family]
        if search:
            frame = frame[frame["phrase"].str.contains(search, case=False, regex=False) |
                          frame["variants"].str.contains(search, case=False, regex=False)]
        return frame[frame["doc_count"] >= min_docs].reset_index(drop=True)

    def families(self) -> list[str]:
        return sorted(f for f in self.phrases["family"].unique() if f)

    def select(self, kind: str, phrase: str) -> pd.DataFrame:
        """Choose a phrase; returns its concordance lines (document, speaker, offsets, context)."""
        match = self.phrases[(self.phrases["kind"] == kind) & (self.phrases["phrase"] == phrase)]
        if match.empty:
            raise KeyError(f"No {kind} phrase {phrase!r}")
        self.selected = match.iloc[0]
        occ = self.occurrences[(self.occurrences["kind"] == kind) & (self.occurrences["phrase"] == phrase)]
        corpus = self.bench.corpus
        rows = []
        for o in occ.itertuples(index=False):
            seg = corpus.segment(o.seg_id)
            text = corpus.document(o.doc_id).text
            start, end = int(o.start_char), int(o.end_char)
            rows.append({"doc_id": o.doc_id, "seg_id": o.seg_id, "speaker": o.speaker,
                         "kind": corpus.document(o.doc_id).kind, "start_char": start, "end_char": end,
                         "left": " ".join(text[max(seg.start_char, start - self.width):start].split()),
                         "match": text[start:end],
                         "right": " ".join(text[end:min(seg.end_char, end + self.width)].split())})
        self.lines = pd.DataFrame(rows, columns=["doc_id", "seg_id", "speaker", "kind", "start_char", "end_char",
                                                 "left", "match", "right"])
        return self.lines

    def sort_lines(self, by: str | None) -> pd.DataFrame:
        self.lines = sort_hits(self.lines, by).reset_index(drop=True)
        return self.lines

    def line_html(self, row: int) -> str:
        hit = self.lines.iloc[row]
        return segment_html(self.bench.corpus, hit["seg_id"], int(hit["start_char"]), int(hit["end_char"]))

    def variants(self, family: str) -> pd.DataFrame:
        v = self.bench.phrase_families.variants_
        return v[v["family"] == family].reset_index(drop=True)


class PhraseExplorerWidget:
    """ipywidgets for a PhraseExplorer. ``.box`` is the widget to display."""

    def __init__(self, explorer: PhraseExplorer):
        import ipywidgets as w

        self.explorer = explorer
        self.kind = w.Dropdown(options=[ALL, "family", "quoted", "ngram"], value=ALL, description="Kind")
        self.min_docs = w.IntSlider(value=2, min=1, max=max(2, len(explorer.bench.corpus.documents)),
                                    description="Min docs")
        self.family = w.Dropdown(options=[ALL, *explorer.families()], value=ALL, description="Family")
        self.search = w.Text(placeholder="filter phrases", description="Contains", continuous_update=False)
        self.phrase = w.Select(options=[], rows=12, description="Phrase", layout=w.Layout(width="95%"))
        self.summary = w.HTML()
        self.lines_html = w.HTML()
        self.line = w.Dropdown(options=[], description="Read line")
        self.reader = w.HTML()
        for widget, name in ((self.kind, "kind"), (self.min_docs, "min-docs"), (self.family, "family"),
                             (self.search, "search"), (self.phrase, "phrase"), (self.summary, "summary"),
                             (self.lines_html, "lines"), (self.line, "line"), (self.reader, "reader")):
            widget.add_class(f"wb-phrases-{name}")
        for control in (self.kind, self.min_docs, self.family, self.search):
            control.observe(lambda _: self.refresh(), names="value")
        self.phrase.observe(lambda change: self.pick(change["new"]), names="value")
        self.line.observe(lambda change: self.read(change["new"]), names="value")
        self.box = w.VBox([w.HBox([self.kind, self.min_docs]), w.HBox([self.family, self.search]),
                           self.phrase, self.summary, self.lines_html, self.line, self.reader])
        self.box.add_class("wb-phrases")
        self.refresh()

    def refresh(self) -> None:
        frame = self.explorer.table(self.kind.value, self.min_docs.value, self.family.value, self.search.value)
        self.phrase.options = [(f"{r.phrase}  ·  {r.kind}, {r.count}× in {r.doc_count} docs", (r.kind, r.phrase))
                               for r in frame.head(300).itertuples(index=False)]
        self.summary.value = f"<p>{len(frame)} phrases</p>"

    def pick(self, key) -> None:
        if not key:
            self.lines_html.value = ""
            self.line.options = []
            return
        kind, phrase = key
        lines = self.explorer.select(kind, phrase)
        row = self.explorer.selected
        variants = ""
        if kind == "family":
            variants = "<h4>Variants</h4>" + table_html(self.explorer.variants(phrase))
        self.summary.value = (f"<h3>{escape(phrase)}</h3><p>{row['count']} times in {row['doc_count']} documents, "
                              f"{row['speaker_count']} speakers. Variants: {escape(row['variants'])}</p>{variants}")
        self.lines_html.value = kwic_html(lines)
        self.line.options = [(f"{i + 1}. {h.match} — {h.seg_id}", i) for i, h in
                             enumerate(lines.head(200).itertuples(index=False))]

    def read(self, row: int | None) -> None:
        self.reader.value = "" if row is None else self.explorer.line_html(row)
