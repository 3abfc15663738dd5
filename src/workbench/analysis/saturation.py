"""Saturation: are new documents still bringing anything new?

Documents are taken in order (their date, a metadata column, or corpus order) and, for each kind of
category (codes, themes, barrier and enabler categories, recurring phrases), we count the categories each
document is the first to bring, and the running total. A flat tail ("the last 3 documents added no new
barrier category") is what qualitative researchers call saturation. Every new category keeps its first
occurrence (doc_id, seg_id, start_char, end_char), so every point of the curve leads to a quote.

Usage::

    tables = saturation_tables(codes=bench.codes_table(), assignments=themes.assignments_,
                               themes=themes.themes_, barriers=bench.barrier_hits("barrier"),
                               enablers=bench.barrier_hits("enabler"), phrases=phrases,
                               phrase_occurrences=occurrences, segments=corpus.segments_df())
    sat = Saturation().fit(corpus.documents_df(), tables)
    sat.saturation_            # saturation.csv: one row per document
    sat.first_occurrences_     # saturation_first.csv: one row per (kind, category)
    sat.reading_               # plain-language sentences

Themes are fitted on the whole corpus, so their curve says when each theme first shows up, not what the
model would have found on the first documents alone.
"""
from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

from ..errors import Errors, Warnings, WorkbenchError
from .base import Analysis

TRACE = ["doc_id", "seg_id", "start_char", "end_char"]
# Kinds in the order tables, readings and charts show them; other kinds follow in the order given.
KIND_ORDER = ("codes", "themes", "barriers", "enablers", "benefits", "phrases")
# (singular, plural) of each kind's category, for the reading; other kinds: "<kind> category".
NOUNS = {
    "codes": ("code", "codes"),
    "themes": ("theme", "themes"),
    "barriers": ("barrier category", "barrier categories"),
    "enablers": ("enabler category", "enabler categories"),
    "benefits": ("benefit category", "benefit categories"),
    "phrases": ("recurring phrase", "recurring phrases"),
}
# The column that names the category in each kind's table when fit() is not told otherwise.
CATEGORY_COLUMNS = {"codes": "code", "themes": "theme", "phrases": "phrase"}
DEFAULT_CATEGORY_COLUMN = "category"
FIRST_COLUMNS = ["kind", "category", "position", "order_value", *TRACE, "count", "doc_count", "text"]
OUTLIER_THEME = -1
LIST_SEPARATOR = "; "
# A date needs a four-digit year ("12 June" alone would become the year 1).
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_YEAR_FIRST = re.compile(r"^\d{4}([-/.]\d{1,2}([-/.]\d{1,2})?)?([T ].*)?$")  # 2025-03-04, 2025/03/04


def nouns(kind: str) -> tuple[str, str]:
    """(singular, plural) of a kind's category: ("barrier category", "barrier categories")."""
    return NOUNS.get(kind, (f"{kind} category", f"{kind} categories"))


def parse_date(value: Any) -> pd.Timestamp | None:
    """A date from a metadata value, or None. Year-first dates (2025-03-04, 2025/03/04) read year, month,
    day; others day first (04/03/2025, 4 March 2025), as in the UK. A value without a four-digit year is
    not a date."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, (datetime, date, pd.Timestamp)):
        stamp = pd.Timestamp(value)
    else:
        text = str(value).strip()
        if not text or not _YEAR.search(text):
            return None
        stamp = None
        if _YEAR_FIRST.match(text):
            try:  # the common case (2025-03-04), about a thousand times faster than to_datetime's guessing
                stamp = pd.Timestamp(text)
            except (ValueError, OverflowError, TypeError):
                stamp = None
        if stamp is None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    stamp = pd.to_datetime(text, dayfirst=not _YEAR_FIRST.match(text))
            except (ValueError, OverflowError, TypeError):
                return None
    if stamp is pd.NaT or pd.isna(stamp):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT \
        or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat() if value == pd.Timestamp(value).normalize() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _natural(text: str) -> tuple:
    """Sort key in which "session 2" comes before "session 10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text.lower())
                 if part)


def _sort_keys(values: list[Any]) -> tuple[str, list[Any]]:
    """("date" | "number" | "text", one key per value, None where the value is blank or unreadable)."""
    present = [v for v in values if not _blank(v)]
    dates = [parse_date(v) for v in values]
    if present and all(d is not None for v, d in zip(values, dates) if not _blank(v)):
        return "date", dates
    numbers: list[float | None] = []
    for v in values:
        try:
            numbers.append(None if _blank(v) else float(v))
        except (TypeError, ValueError):
            break
    else:
        if present and not any(isinstance(n, float) and math.isnan(n) for n in numbers if n is not None):
            return "number", numbers
    return "text", [None if _blank(v) else _natural(_text(v)) for v in values]


def _documents_frame(documents: Any) -> pd.DataFrame:
    """A DataFrame with doc_id (and metadata columns) from a DataFrame, a Corpus or a list of doc_ids."""
    if isinstance(documents, pd.DataFrame):
        frame = documents
    elif hasattr(documents, "documents_df"):
        frame = documents.documents_df()
    else:
        frame = pd.DataFrame({"doc_id": [str(d) for d in documents]})
    if "doc_id" not in frame.columns:
        raise WorkbenchError(Errors.E642.format(kind="documents", detail="it has no 'doc_id' column"))
    frame = frame.reset_index(drop=True).copy()
    frame["doc_id"] = frame["doc_id"].astype(str)
    duplicated = frame.loc[frame["doc_id"].duplicated(), "doc_id"].unique().tolist()
    if duplicated:
        shown = ", ".join(f"'{d}'" for d in duplicated[:10]) + (" ..." if len(duplicated) > 10 else "")
        raise WorkbenchError(Errors.E640.format(n=len(duplicated), ids=shown))
    return frame


def _quoted(names: Sequence[str], limit: int = 5, max_chars: int = 60) -> str:
    """“A”, “B” and “C” (with "and N more" past ``limit``; a name over ``max_chars`` is cut with "…")."""
    shown = [f"“{n if len(n) <= max_chars else n[:max_chars - 1].rstrip() + '…'}”" for n in names[:limit]]
    rest = len(names) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def _quotes(first: pd.DataFrame, segments: pd.DataFrame | None) -> list[str]:
    """The words of each first occurrence, cut from its segment's text (when ``segments`` has text)."""
    if segments is None or len(first) == 0 or not {"seg_id", "start_char", "text"} <= set(segments.columns):
        return [""] * len(first)
    seg = segments.drop_duplicates("seg_id").set_index("seg_id")
    out = []
    for seg_id, start, end in first[["seg_id", "start_char", "end_char"]].itertuples(index=False):
        if seg_id not in seg.index or not isinstance(seg.at[seg_id, "text"], str):
            out.append("")
            continue
        offset = int(seg.at[seg_id, "start_char"])
        out.append(seg.at[seg_id, "text"][int(start) - offset:int(end) - offset])
    return out


class Saturation(Analysis):
    """New categories per document, in document order, for each kind of category.

    Parameters: ``order_by`` a metadata column to order the documents by (dates, numbers or text such as
    "session 2"); ``None`` (default) uses ``date_column`` when its values are dates and corpus order
    otherwise; ``"corpus"`` forces corpus order. Ties are broken by doc_id. ``min_documents``: below this
    many documents the reading says it is too early to judge saturation.

    Results: ``saturation_`` (one row per document: position, doc_id, order_value, then per kind
    ``new_<kind>``, ``total_<kind>``, ``new_<kind>_list`` and ``new_<kind>_at``, the seg_id and
    offsets of each new category's first occurrence); ``first_occurrences_`` (FIRST_COLUMNS, one row
    per kind and category, with its count, the number of documents it occurs in, and the words of the
    first occurrence when ``segments`` with text were given); ``order_used_`` (how the documents were
    ordered, e.g. "date order ('date')"), ``notes_`` (what was set aside or guessed), ``kinds_``,
    ``reading_`` (plain sentences: how the documents were ordered, then one per kind) and
    ``reading_by_kind_``.
    """

    def __init__(self, order_by: str | None = None, date_column: str = "date", min_documents: int = 3):
        self.order_by = order_by
        self.date_column = date_column
        self.min_documents = min_documents

    # -- fitting ----------------------------------------------------------------------------------
    def fit(self, documents: Any, occurrences: Mapping[str, pd.DataFrame | None],
            category_columns: Mapping[str, str] | None = None,
            segments: pd.DataFrame | None = None) -> "Saturation":
        """Count new categories per document.

        ``documents``: one row per document in corpus order with ``doc_id`` and metadata columns
        (``corpus.documents_df()``), or a Corpus, or a list of doc_ids. ``occurrences``: kind ->
        table with doc_id, seg_id, start_char, end_char and a category column (``category_columns``
        names it per kind; defaults in CATEGORY_COLUMNS, else "category"); ``None`` or an empty table
        means the kind has no data yet. ``segments`` (seg_id, doc_id, start_char, end_char, text;
        ``corpus.segments_df()``) fills missing doc_id or offsets from the seg_id (theme assignments
        cover whole segments) and gives the words of each first occurrence."""
        docs = _documents_frame(documents)
        self.notes_: list[str] = []
        docs = self._order(docs)
        position = dict(zip(docs["doc_id"], docs["position"]))
        kinds = sorted(occurrences, key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER),
                                                    list(occurrences).index(k)))
        self.kinds_ = kinds
        columns = dict(category_columns or {})
        table = docs[["position", "doc_id", "order_value"]].copy()
        firsts = []
        for kind in kinds:
            column = columns.get(kind, CATEGORY_COLUMNS.get(kind, DEFAULT_CATEGORY_COLUMN))
            rows = self._rows(kind, occurrences[kind], column, segments, position)
            first = self._firsts(kind, rows, docs)
            firsts.append(first)
            by_position: dict[int, list] = {}
            for f in first.itertuples(index=False):
                by_position.setdefault(f.position, []).append(f)
            new = [by_position.get(p, []) for p in table["position"]]
            table[f"new_{kind}"] = [len(n) for n in new]
            table[f"total_{kind}"] = table[f"new_{kind}"].cumsum().astype(int)
            table[f"new_{kind}_list"] = [LIST_SEPARATOR.join(f.category for f in n) for n in new]
            table[f"new_{kind}_at"] = [LIST_SEPARATOR.join(f"{f.seg_id} {f.start_char}-{f.end_char}" for f in n)
                                       for n in new]
        self.saturation_ = table.reset_index(drop=True)
        frames = [f for f in firsts if len(f)]
        first = (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FIRST_COLUMNS))
        first["text"] = _quotes(first, segments)
        self.first_occurrences_ = first[FIRST_COLUMNS]
        self.reading_by_kind_ = {kind: self._kind_reading(kind) for kind in kinds}
        self.reading_ = [self._order_reading(), *self.reading_by_kind_.values()]
        return self

    def _order(self, docs: pd.DataFrame) -> pd.DataFrame:
        """Sort the documents and set position (1-based), order_value and ``order_used_``."""
        docs = docs.assign(_corpus=range(len(docs)))
        column = self.order_by
        if column == "corpus":
            return self._by_corpus(docs, "asked")
        if column is not None and column not in docs.columns:
            raise WorkbenchError(Errors.E641.format(column=column, known=", ".join(map(str, docs.columns))))
        if column is None:
            column = self.date_column
            if column not in docs.columns or all(_blank(v) for v in docs[column]):
                self.notes_.append(f"The documents have no '{column}' values, so they are read in corpus order.")
                return self._by_corpus(docs, "no dates")
            kind = "date"
            keys = [parse_date(v) for v in docs[column]]
            if all(k is None for k in keys):
                shown = ", ".join(f"'{_text(v)}'" for v in docs[column].head(3))
                self.notes_.append(f"No value of '{column}' could be read as a date ({shown}), so the documents "
                                   "are read in corpus order.")
                warnings.warn(Warnings.W640.format(n=len(docs), column=column, listing=shown), stacklevel=3)
                return self._by_corpus(docs, "no dates")
            self.order_used_, self.order_reason_ = f"date order ('{column}')", "date"
        else:
            kind, keys = _sort_keys(list(docs[column]))
            self.order_used_ = f"the order of the metadata column '{column}'"
            self.order_reason_ = "column"
        missing = [d for d, k in zip(docs["doc_id"], keys) if k is None]
        if missing:
            listing = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            what = "readable date" if kind == "date" else "value"
            self.notes_.append(f"{_count(len(missing), 'document has', 'documents have')} no {what} in "
                               f"'{column}' ({listing}); they come after the others, ordered by doc_id.")
            if kind == "date":
                warnings.warn(Warnings.W640.format(n=len(missing), column=column, listing=listing), stacklevel=3)
        present = [k for k in keys if k is not None]
        self.order_range_ = (min(present), max(present)) if present else None
        order = sorted(range(len(docs)), key=lambda i: (keys[i] is None, keys[i] if keys[i] is not None else 0,
                                                        docs["doc_id"].iat[i]))
        docs = docs.iloc[order].reset_index(drop=True)
        docs["order_value"] = [_text(v) for v in docs[column]]
        docs["position"] = range(1, len(docs) + 1)
        self.order_column_ = column
        return docs.drop(columns="_corpus")

    def _by_corpus(self, docs: pd.DataFrame, reason: str) -> pd.DataFrame:
        self.order_used_, self.order_reason_ = "corpus order", reason
        self.order_column_ = None
        self.order_range_ = None
        docs = docs.sort_values("_corpus", kind="mergesort").reset_index(drop=True)
        docs["order_value"] = ""
        docs["position"] = range(1, len(docs) + 1)
        return docs.drop(columns="_corpus")

    def _rows(self, kind: str, frame: pd.DataFrame | None, column: str, segments: pd.DataFrame | None,
              position: dict[str, int]) -> pd.DataFrame:
        """The kind's occurrences as doc_id, seg_id, start_char, end_char, category, position (known documents,
        non-blank categories only; anything left out is counted in ``notes_``)."""
        empty = pd.DataFrame(columns=[*TRACE, "category", "position"])
        if frame is None or len(frame) == 0:
            return empty
        if not isinstance(frame, pd.DataFrame):
            raise WorkbenchError(Errors.E642.format(kind=kind, detail=f"it is a {type(frame).__name__}, "
                                                    "not a pandas DataFrame"))
        if column not in frame.columns:
            raise WorkbenchError(Errors.E642.format(kind=kind, detail=f"it has no category column '{column}' "
                                                    f"(columns: {', '.join(map(str, frame.columns))})"))
        rows = frame.copy()
        missing = [c for c in TRACE if c not in rows.columns]
        if missing and segments is not None and "seg_id" in rows.columns:
            seg = segments.drop_duplicates("seg_id").set_index("seg_id")
            for c in missing:
                if c in seg.columns:
                    rows[c] = rows["seg_id"].map(seg[c])
            missing = [c for c in TRACE if c not in rows.columns]
        if missing:
            raise WorkbenchError(Errors.E642.format(kind=kind, detail=f"it has no column(s) {', '.join(missing)}"))
        unplaced = rows[list(TRACE)].isna().any(axis=1)
        if unplaced.any():
            self.notes_.append(f"{kind}: {_count(int(unplaced.sum()), 'row', 'rows')} whose segment is not known "
                               f"{_was(int(unplaced.sum()))} left out.")
            rows = rows[~unplaced]
        blank = rows[column].map(_blank)
        if blank.any():
            self.notes_.append(f"{kind}: {_count(int(blank.sum()), 'row', 'rows')} without a category "
                               f"{_was(int(blank.sum()))} left out.")
            rows = rows[~blank]
        rows = pd.DataFrame({"doc_id": rows["doc_id"].astype(str), "seg_id": rows["seg_id"].astype(str),
                             "start_char": rows["start_char"].astype(int), "end_char": rows["end_char"].astype(int),
                             "category": (rows[column].astype(str).str.strip()
                                          if all(isinstance(v, str) for v in rows[column]) else
                                          rows[column].map(_text))})
        rows["position"] = rows["doc_id"].map(position)
        outside = rows["position"].isna()
        if outside.any():
            ids = sorted(rows.loc[outside, "doc_id"].unique())
            listing = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
            n = int(outside.sum())
            self.notes_.append(f"{kind}: {_count(n, 'row', 'rows')} in documents that are not in the list "
                               f"{_was(n)} left out ({listing}).")
            rows = rows[~outside]
        rows["position"] = rows["position"].astype(int)
        return rows.reset_index(drop=True)

    @staticmethod
    def _firsts(kind: str, rows: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
        """One row per category: its first occurrence in document order (then by offsets), its count and
        how many documents it occurs in."""
        if rows.empty:
            return pd.DataFrame(columns=FIRST_COLUMNS)
        ordered = rows.sort_values(["position", "start_char", "end_char", "seg_id", "category"], kind="mergesort")
        first = ordered.drop_duplicates("category", keep="first").copy()
        counts = rows.groupby("category").size()
        doc_counts = rows.groupby("category")["doc_id"].nunique()
        first["count"] = first["category"].map(counts).astype(int)
        first["doc_count"] = first["category"].map(doc_counts).astype(int)
        first["kind"] = kind
        first["order_value"] = first["position"].map(dict(zip(docs["position"], docs["order_value"])))
        first["text"] = ""
        return first[FIRST_COLUMNS].reset_index(drop=True)

    # -- reading ----------------------------------------------------------------------------------
    def _doc_label(self, row) -> str:
        value = f", {row.order_value}" if row.order_value else ""
        return f"document {row.position} ({row.doc_id}{value})"

    def _order_reading(self) -> str:
        n = len(self.saturation_)
        if n == 0:
            return "There are no documents yet, so there is nothing to read."
        if self.order_reason_ == "date":
            how = f"in date order ('{self.order_column_}')"
            if self.order_range_ is not None:
                low, high = (_text(d) for d in self.order_range_)
                how += f", from {low} to {high}" if low != high else f", all dated {low}"
        elif self.order_reason_ == "column":
            how = f"in the order of the metadata column '{self.order_column_}'"
        else:
            how = "in corpus order" + (" (they have no readable dates)" if self.order_reason_ == "no dates" else "")
        sentence = f"{_count(n, 'document', 'documents')}, read {how}."
        undated = [note for note in self.notes_ if "come after the others" in note]
        if undated:
            sentence += " " + undated[0]
        if n < self.min_documents:
            sentence += (f" With fewer than {self.min_documents} documents it is too early to judge whether "
                         "anything new is still coming up.")
        return sentence

    def _kind_reading(self, kind: str) -> str:
        singular, plural = nouns(kind)
        table = self.saturation_
        n = len(table)
        total = int(table[f"total_{kind}"].iat[-1]) if n else 0
        if total == 0:
            return f"No {plural} yet: there is nothing to count."
        news = table[f"new_{kind}"].tolist()
        first = self.first_occurrences_[self.first_occurrences_["kind"] == kind]
        rows = list(table.itertuples(index=False))
        if n < self.min_documents:
            parts = [f"{self._doc_label(r)} added {k}" for r, k in zip(rows, news)]
            joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
            return (f"Only {_count(n, 'document', 'documents')} so far, too few to judge saturation: "
                    f"{_count(total, singular, plural)} in all; {joined}.")
        tail = 0
        for k in reversed(news):
            if k:
                break
            tail += 1
        last = n - 1 - tail
        row = rows[last]
        names = first.loc[first["position"] == row.position, "category"].tolist()
        if tail == 0:
            return (f"The last document, {self._doc_label(row)}, still added "
                    f"{_count(len(names), 'new ' + singular, 'new ' + plural)}: {_quoted(names)} "
                    f"({total} in all).")
        docs = "The last document" if tail == 1 else f"The last {tail} documents"
        if last == 0:
            every = "it" if total == 1 else ("both" if total == 2 else f"all {total}")
            return (f"{docs} added no new {singular}: {every} came with the first, {self._doc_label(row)}: "
                    f"{_quoted(names)}.")
        ones = "The last new one" if len(names) == 1 else "The last new ones"
        return (f"{docs} added no new {singular} ({total} in all). {ones}, {_quoted(names)}, came with "
                f"{self._doc_label(row)}.")


def theme_rows(assignments: pd.DataFrame | None, themes: pd.DataFrame | None = None,
               segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Segment-theme assignments as saturation rows with a ``theme`` column (the theme's label).

    Left out: outliers (theme -1) and the procedural theme (thanks, welcomes, housekeeping). Procedural
    talk comes from a fixed rule, not the clustering, and occurs in nearly every meeting from the first:
    it says nothing about whether new content is still being heard, so counting it would only add one
    early step to every theme curve. ``themes`` (theme_id, label and, in memory, ``procedural``) names the
    themes; without a ``procedural`` column the theme labelled PROCEDURAL_LABEL is the procedural one.
    ``segments`` gives the segments' offsets (the assignments cover whole segments)."""
    from .procedural import PROCEDURAL_LABEL

    if assignments is None or len(assignments) == 0:
        return pd.DataFrame(columns=[*TRACE, "theme_id", "theme"])
    rows = assignments[assignments["theme_id"].astype(int) != OUTLIER_THEME].copy()
    names: dict[int, str] = {}
    procedural: set[int] = set()
    if themes is not None and len(themes):
        labels = themes["label"] if "label" in themes.columns else pd.Series([""] * len(themes))
        flags = (themes["procedural"].fillna(False).astype(bool) if "procedural" in themes.columns
                 else labels == PROCEDURAL_LABEL)
        procedural = {int(t) for t, flag in zip(themes["theme_id"], flags) if flag}
        for tid, label in zip(themes["theme_id"], labels):
            names[int(tid)] = label.strip() if isinstance(label, str) and label.strip() else f"Theme {int(tid)}"
        repeated = {v for v in names.values() if list(names.values()).count(v) > 1}
        names = {t: (f"{v} (theme {t})" if v in repeated else v) for t, v in names.items()}
    rows = rows[~rows["theme_id"].astype(int).isin(procedural)]
    rows["theme"] = [names.get(int(t), f"Theme {int(t)}") for t in rows["theme_id"]]
    if segments is not None and not all(c in rows.columns for c in TRACE):
        seg = segments.drop_duplicates("seg_id").set_index("seg_id")
        for c in TRACE:
            if c not in rows.columns:
                rows[c] = rows["seg_id"].map(seg[c])
    return rows.reset_index(drop=True)


def phrase_rows(occurrences: pd.DataFrame | None, phrases: pd.DataFrame | None = None,
                min_quoted: int = 2) -> pd.DataFrame:
    """Phrase occurrences (phrase_occurrences.csv) of the recurring phrases, as saturation rows (category
    column ``phrase``).

    Recurring: every n-gram (the miner kept only those used at least its ``min_count`` times) and every
    family; a quoted statement only when it is quoted at least ``min_quoted`` times (the phrase table lists
    quoted statements even when quoted once). With the phrase table, only its distinct wordings count
    (``distinct_wordings``, as the report shows them): a quoted statement that is also a recurring n-gram,
    or a wording of a family, is one phrase, not two."""
    from .phrase_table import distinct_wordings

    if occurrences is None or len(occurrences) == 0:
        return pd.DataFrame(columns=[*TRACE, "phrase", "kind"])
    rows = occurrences
    sizes = rows.groupby(["phrase", "kind"])["phrase"].transform("size")
    rows = rows[(rows["kind"] != "quoted") | (sizes >= min_quoted)]
    if phrases is not None and len(phrases):
        kept = distinct_wordings(phrases)
        pairs = set(zip(kept["phrase"], kept["kind"]))
        rows = rows[[pair in pairs for pair in zip(rows["phrase"], rows["kind"])]]
    return rows.reset_index(drop=True)


def saturation_tables(*, codes: pd.DataFrame | None = None, assignments: pd.DataFrame | None = None,
                      themes: pd.DataFrame | None = None, barriers: pd.DataFrame | None = None,
                      enablers: pd.DataFrame | None = None, phrases: pd.DataFrame | None = None,
                      phrase_occurrences: pd.DataFrame | None = None,
                      segments: pd.DataFrame | None = None) -> dict[str, pd.DataFrame | None]:
    """The occurrence tables ``Saturation.fit`` takes, from the tables the analyses produce:
    codes (codes.csv: one row per accepted code), theme ``assignments`` (segment_themes.csv) with
    ``themes`` (themes.csv or the model's ``themes_``), barrier and enabler hits (barriers.csv,
    enablers.csv: ``category``), the phrase table and its occurrences (phrases.csv,
    phrase_occurrences.csv). A kind passed as None is still listed (as "no data yet")."""
    return {
        "codes": codes,
        "themes": theme_rows(assignments, themes, segments),
        "barriers": barriers,
        "enablers": enablers,
        "phrases": phrase_rows(phrase_occurrences, phrases),
    }
