"""Measure the barrier/enabler/benefit detector on a labelled document set, read the normal way.

A labelled set is a folder of documents and a ``labels.csv`` with one row per unit of every document, in
document order (columns ``doc, text, label, category``; ``label`` is barrier, enabler, benefit or neither;
see the labelling guide in the README). The documents are read as any corpus is (``Workbench``), the
detector runs on them, and each labelled unit is found in its document by its text (in order, so a
repeated sentence finds its own place) and takes the stance of the hit that covers most of it, or neither.
Precision and recall per kind are counted over labelled units.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from ..errors import Errors, WorkbenchError

LABELS = ("barrier", "enabler", "benefit", "neither")
_SPACE = re.compile(r"\s+")


def read_labels(path: str | Path, columns: Sequence[str] = ("doc", "text", "label")) -> pd.DataFrame:
    """A labels file, with ``none`` read as neither and a ``category`` column even when missing."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as err:
        raise WorkbenchError(Errors.E406.format(path=path, detail=str(err))) from None
    missing = set(columns) - set(frame.columns)
    if missing:
        raise WorkbenchError(Errors.E406.format(path=path, detail=f"the columns {sorted(missing)} are missing"))
    frame["label"] = frame["label"].str.strip().str.lower().replace({"none": "neither"})
    if "category" not in frame.columns:
        frame["category"] = ""
    return frame


def read_labels_loose(path: str | Path) -> pd.DataFrame:
    """A file of loose labelled sentences (``text, label, category``)."""
    return read_labels(path, columns=("text", "label"))


def _find(text: str, needle: str, start: int) -> tuple[int, int] | None:
    """Where ``needle`` is in ``text`` at or after ``start``: exactly, else with any white space between
    its words, else without Markdown links and emphasis."""
    at = text.find(needle, start)
    if at >= 0:
        return at, at + len(needle)
    for words in (needle.split(), _without_markdown(needle).split()):
        if not words:
            return None
        found = re.compile(r"\s+".join(re.escape(w) for w in words)).search(text, start)
        if found:
            return found.start(), found.end()
    return None


MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def _without_markdown(needle: str) -> str:
    """A unit labelled from a Markdown file's source, as the Markdown reader gives its text: links as their
    text, no emphasis marks."""
    return MARKDOWN_EMPHASIS.sub("", MARKDOWN_LINK.sub(r"\1", needle))


def locate(corpus, labels: pd.DataFrame) -> pd.DataFrame:
    """The labelled units with their document (``doc_id``) and offsets (``start_char``, ``end_char``);
    a unit that cannot be found keeps offsets -1 (and counts as not detected)."""
    ids = {d.doc_id: d for d in corpus.documents}
    by_name = {}
    for doc_id in ids:
        by_name.setdefault(Path(doc_id).name, doc_id)
    rows, cursor = [], {}
    for row in labels.itertuples(index=False):
        doc_id = row.doc if row.doc in ids else by_name.get(Path(row.doc).name)
        start = end = -1
        if doc_id is not None:
            text = ids[doc_id].text
            found = _find(text, row.text.strip(), cursor.get(doc_id, 0)) or _find(text, row.text.strip(), 0)
            if found:
                start, end = found
                cursor[doc_id] = end
        rows.append({"doc": row.doc, "doc_id": doc_id or "", "start_char": start, "end_char": end,
                     "text": row.text, "label": row.label, "category": row.category})
    return pd.DataFrame(rows)


def assign(located: pd.DataFrame, spans: Sequence[tuple[str, int, int, str]], min_share: float = 0.5) -> list[str]:
    """For each located unit, the label of the span (doc_id, start, end, label) that covers most of it, when
    it covers at least ``min_share`` of the unit or the unit covers at least ``min_share`` of the span;
    else "neither"."""
    by_doc: dict[str, list[tuple[int, int, str]]] = {}
    for doc_id, start, end, label in spans:
        by_doc.setdefault(doc_id, []).append((int(start), int(end), label))
    out = []
    for row in located.itertuples(index=False):
        best, best_overlap = "neither", 0
        length = max(1, row.end_char - row.start_char)
        for start, end, label in by_doc.get(row.doc_id, ()):
            overlap = min(end, row.end_char) - max(start, row.start_char)
            if overlap <= 0:
                continue
            if (overlap >= min_share * length or overlap >= min_share * (end - start)) and overlap > best_overlap:
                best, best_overlap = label, overlap
        out.append(best)
    return out


def figures(truth: Sequence[str], predicted: Sequence[str], kinds: Sequence[str] = ("barrier", "enabler", "benefit")
            ) -> pd.DataFrame:
    """Precision, recall and counts per kind (``tp``, ``predicted``, ``labelled``)."""
    rows = []
    for kind in kinds:
        tp = sum(1 for t, p in zip(truth, predicted) if t == kind and p == kind)
        n_pred = sum(1 for p in predicted if p == kind)
        n_true = sum(1 for t in truth if t == kind)
        rows.append({"kind": kind, "precision": round(tp / n_pred, 3) if n_pred else 0.0,
                     "recall": round(tp / n_true, 3) if n_true else 0.0, "tp": tp, "predicted": n_pred,
                     "labelled": n_true})
    return pd.DataFrame(rows)


@dataclass
class Evaluation:
    """The figures per kind and the labelled units with what the detector said (``predicted``, ``category_found``)."""

    figures: pd.DataFrame
    units: pd.DataFrame
    hits: dict[str, pd.DataFrame]

    def figure(self, kind: str, measure: str) -> float:
        return float(self.figures.set_index("kind").loc[kind, measure])


def evaluate_documents(folder: str | Path, labels: str | Path | pd.DataFrame, cache_dir=None,
                       config=None) -> Evaluation:
    """Run the detector (as ``workbench analyse`` would, with ``config``) on the documents in ``folder`` and
    compare it with the labels."""
    from ..project import Workbench

    frame = labels if isinstance(labels, pd.DataFrame) else read_labels(labels)
    bench = Workbench(folder, config=config, cache_dir=cache_dir, progress=False)
    located = locate(bench.corpus, frame)
    hits = {kind: bench.barrier_hits(kind) for kind in ("barrier", "enabler", "benefit")}
    spans = [(r.doc_id, r.start_char, r.end_char, kind) for kind, h in hits.items() for r in h.itertuples(index=False)]
    categories = [(r.doc_id, r.start_char, r.end_char, r.category) for h in hits.values()
                  for r in h.itertuples(index=False)]
    located["predicted"] = assign(located, spans)
    found = assign(located, categories)
    located["category_found"] = [c if p != "neither" else "" for c, p in zip(found, located["predicted"])]
    return Evaluation(figures(located["label"].tolist(), located["predicted"].tolist()), located, hits)
