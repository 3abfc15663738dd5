"""Tables over codings: code frequencies by group, co-occurrence, code x document counts, quotes.

Every function takes ``CodingStore.frame()`` and by default uses accepted codings only
(``status=None`` uses all). Counts are numbers of distinct *segments* (or documents) coded with a code,
so a segment two coders (or two spans) coded with the same code counts once.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import Errors
from .store import CodingError

GROUPS = ("doc_id", "kind", "speaker_role")
NO_GROUP = "(none)"


def _exploded(store_frame: pd.DataFrame, status: str | None, need: tuple[str, ...] = ("seg_id", "doc_id")
              ) -> pd.DataFrame:
    """One row per (coding, code), filtered by status."""
    missing = {"codes", "status", *need} - set(store_frame.columns)
    if missing:
        raise CodingError(Errors.E417.format(
            detail=f"the codings frame lacks the column(s) {sorted(missing)}; pass CodingStore.frame()"))
    frame = store_frame if status is None else store_frame[store_frame["status"] == status]
    frame = frame.assign(code=frame["codes"].astype(str).str.split("; ")).explode("code")
    return frame[frame["code"].notna() & (frame["code"] != "")]


def code_frequencies(store_frame: pd.DataFrame, segments: pd.DataFrame, by: str = "doc_id",
                     status: str | None = "accepted") -> pd.DataFrame:
    """Codes x groups: how many segments of each group (``by`` = doc_id, kind or speaker_role of
    ``corpus.segments_df()``) carry each code. Every group of ``segments`` is a column, even if empty;
    segments without a speaker role fall in the group '(none)'."""
    if by not in GROUPS:
        raise CodingError(Errors.E417.format(detail=f"unknown group {by!r}; use one of {', '.join(GROUPS)}"))
    if not {"seg_id", by} <= set(segments.columns):
        raise CodingError(Errors.E417.format(detail=f"segments needs the columns 'seg_id' and {by!r}; "
                                                    "pass corpus.segments_df()"))
    groups = segments[["seg_id", by]].drop_duplicates("seg_id").copy()
    groups[by] = groups[by].fillna(NO_GROUP).astype(str)
    coded = _exploded(store_frame, status)[["seg_id", "code"]].drop_duplicates()
    coded = coded.merge(groups, on="seg_id", how="inner")  # codings of segments not in `segments` are left out
    table = pd.crosstab(coded["code"], coded[by]) if len(coded) else pd.DataFrame()
    table = table.reindex(columns=sorted(groups[by].unique()), fill_value=0).sort_index()
    table = table.fillna(0).astype("int64")
    table.index.name, table.columns.name = "code", by
    return table


def co_occurrence(store_frame: pd.DataFrame, level: str = "segment",
                  status: str | None = "accepted") -> pd.DataFrame:
    """Symmetric codes x codes: the number of segments (``level="document"``: documents) coded with
    both codes; the diagonal is the number coded with that code."""
    levels = {"segment": "seg_id", "document": "doc_id"}
    if level not in levels:
        raise CodingError(Errors.E417.format(detail=f"unknown level {level!r}; use 'segment' or 'document'"))
    unit = levels[level]
    coded = _exploded(store_frame, status)[[unit, "code"]].drop_duplicates()
    if coded.empty:
        return pd.DataFrame(dtype="int64")
    indicator = pd.crosstab(coded[unit], coded["code"]).clip(upper=1)
    values = indicator.to_numpy(dtype=np.int64)
    table = pd.DataFrame(values.T @ values, index=indicator.columns, columns=indicator.columns)
    table.index.name, table.columns.name = "code", "code"
    return table


def code_document_matrix(store_frame: pd.DataFrame, status: str | None = "accepted") -> pd.DataFrame:
    """Codes x documents: how many segments of each document carry each code (coded documents only)."""
    coded = _exploded(store_frame, status)[["doc_id", "seg_id", "code"]].drop_duplicates()
    if coded.empty:
        return pd.DataFrame(dtype="int64")
    table = pd.crosstab(coded["code"], coded["doc_id"]).astype("int64")
    table.index.name, table.columns.name = "code", "doc_id"
    return table


QUOTE_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "text", "coders", "coding_ids"]


def quotes_for(store_frame: pd.DataFrame, corpus, code: str, doc_id: str | None = None,
               status: str | None = "accepted") -> pd.DataFrame:
    """The spans coded ``code`` (optionally in one document), in document order, each with the document
    text at its offsets; a span several coders chose is one row (``coders`` / ``coding_ids`` joined '; ')."""
    coded = _exploded(store_frame, status, need=("seg_id", "doc_id", "start_char", "end_char", "coder",
                                                 "coding_id"))
    coded = coded[coded["code"] == code]
    if doc_id is not None:
        coded = coded[coded["doc_id"] == doc_id]
    order = {doc.doc_id: i for i, doc in enumerate(corpus.documents)}
    rows = []
    for (doc, seg_id, start, end), group in coded.groupby(["doc_id", "seg_id", "start_char", "end_char"],
                                                          sort=False):
        try:
            speaker = corpus.segment(seg_id).speaker
        except KeyError:
            speaker = None
        text = corpus.document(doc).text[int(start):int(end)] if doc in order else None
        rows.append({"doc_id": doc, "seg_id": seg_id, "start_char": int(start), "end_char": int(end),
                     "speaker": speaker, "text": text,
                     "coders": "; ".join(sorted(set(group["coder"]))),
                     "coding_ids": "; ".join(group["coding_id"]), "_order": order.get(doc, len(order))})
    frame = pd.DataFrame(rows, columns=QUOTE_COLUMNS + ["_order"])
    frame = frame.sort_values(["_order", "doc_id", "start_char", "end_char"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)
