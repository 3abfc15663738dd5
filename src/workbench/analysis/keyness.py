"""Keyness: which words and phrases one group uses distinctively compared with another
(e.g. transcripts vs blogs, people with lived experience vs practitioners).

Log-likelihood (Dunning's G2) says how sure we are of a difference; log ratio (binary log of the
ratio of relative frequencies, Hardie 2014) says how big it is.
"""
from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from ..annotate import AnnotatedCorpus
from ..errors import Errors, WorkbenchError
from .base import Analysis
from .tokens import TokenTable

COLUMNS = ["term", "feature", "target", "reference", "target_count", "reference_count", "target_per_10k",
           "reference_per_10k", "log_likelihood", "log_ratio", "p_value", "distinctive_of",
           "doc_id", "seg_id", "start_char", "end_char"]


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """G2 for a term seen ``a`` times in ``c`` target tokens and ``b`` times in ``d`` reference tokens."""
    total = c + d
    e1, e2 = c * (a + b) / total, d * (a + b) / total
    return 2 * sum(o * math.log(o / e) for o, e in ((a, e1), (b, e2)) if o > 0 and e > 0)


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    """log2 of the ratio of relative frequencies, with 0.5 added to zero counts."""
    return math.log2(((a or 0.5) / c) / ((b or 0.5) / d))


def group_values(table: TokenTable, group_by: str) -> list[str | None]:
    """The group of every segment: a segment attribute (speaker, speaker_role) or a document one."""
    corpus = table.corpus
    values: list[str | None] = []
    for st in table.segments:
        seg = st.segment
        doc = corpus.document(seg.doc_id)
        if group_by == "speaker_role":
            value = doc.speaker_roles.get(seg.speaker) if seg.speaker else None
        elif group_by == "speaker":
            value = seg.speaker
        elif group_by == "kind":
            value = doc.kind
        elif group_by == "doc_id":
            value = doc.doc_id
        else:
            value = doc.attributes.get(group_by)
        values.append(None if value in (None, "") else str(value))
    return values


class Keyness(Analysis):
    """Compare ``target`` with ``reference`` (default: all other groups) on ``group_by``.

    Results: ``keyness_`` (one row per term with counts, G2, log ratio and an example's offsets).
    """

    def __init__(self, group_by: str = "kind", target: str | None = None, reference: str | None = None,
                 min_count: int = 5, features: tuple[str, ...] = ("word", "phrase"),
                 stop_words: bool = False):
        self.group_by = group_by
        self.target = target
        self.reference = reference
        self.min_count = min_count
        self.features = features
        self.stop_words = stop_words

    def fit(self, data: AnnotatedCorpus | TokenTable, phrases=None) -> "Keyness":
        """Count words (lemmas) per side; with a fitted PhraseMiner, count its phrases too."""
        table = data if isinstance(data, TokenTable) else TokenTable.from_annotated(data)
        groups = group_values(table, self.group_by)
        present = sorted({g for g in groups if g is not None})
        if len(present) < 2:
            raise WorkbenchError(Errors.E304.format(group=self.group_by, detail=f"it has {len(present)} value(s)",
                                                    available=", ".join(_attributes(table))))
        target = self.target
        if target is None:
            if len(present) > 2 and self.reference is None:
                raise WorkbenchError(Errors.E304.format(
                    group=self.group_by, detail=f"choose a target among {', '.join(present)}",
                    available=", ".join(_attributes(table))))
            target = present[0]
        if target not in present or (self.reference is not None and self.reference not in present):
            raise WorkbenchError(Errors.E304.format(group=self.group_by,
                                                    detail=f"values are {', '.join(present)}",
                                                    available=", ".join(_attributes(table))))
        reference = self.reference
        if reference is None and len(present) == 2:
            reference = present[1] if present[0] == target else present[0]
        side = ["t" if g == target else "r" if (g is not None and (reference is None or g == reference)) else None
                for g in groups]
        self.target_, self.reference_ = target, reference or f"not {target}"

        counts = {"t": Counter(), "r": Counter()}
        first: dict[tuple[str, str, str], tuple] = {}
        totals = {"t": 0, "r": 0}
        for si, st in enumerate(table.segments):
            s = side[si]
            if s is None:
                continue
            for ti, lemma in enumerate(st.lemma):
                if st.is_punct[ti]:
                    continue
                totals[s] += 1
                if "word" in self.features and (self.stop_words or not st.is_stop[ti]):
                    counts[s][("word", lemma)] += 1
                    first.setdefault(("word", lemma, s), (st.segment, st.start[ti], st.end[ti]))
        labels: dict[str, str] = {}
        phrase_occurrences = getattr(phrases, "occurrences_", None)
        if phrases is not None:
            labels = dict(zip(phrases.phrases_["phrase_key"], phrases.phrases_["phrase"]))
        if "phrase" in self.features and phrase_occurrences is not None and not phrase_occurrences.empty:
            seg_side = {st.segment.seg_id: side[i] for i, st in enumerate(table.segments)}
            segs = {st.segment.seg_id: st.segment for st in table.segments}
            for key, seg_id, start, end in phrase_occurrences[["phrase_key", "seg_id", "start_char", "end_char"]] \
                    .itertuples(index=False):
                s = seg_side.get(seg_id)
                if s is not None:
                    counts[s][("phrase", key)] += 1
                    first.setdefault(("phrase", key, s), (segs[seg_id], int(start), int(end)))
        c, d = max(totals["t"], 1), max(totals["r"], 1)
        rows = []
        for term in set(counts["t"]) | set(counts["r"]):
            a, b = counts["t"][term], counts["r"][term]
            if a + b < self.min_count:
                continue
            g2 = log_likelihood(a, b, c, d)
            distinctive = "t" if a / c >= b / d else "r"
            seg, start, end = first.get((term[0], term[1], distinctive)) or first[(term[0], term[1], "t" if a else "r")]
            rows.append({
                "term": labels.get(term[1], term[1]) if term[0] == "phrase" else term[1], "feature": term[0], "target": target, "reference": self.reference_,
                "target_count": a, "reference_count": b,
                "target_per_10k": round(a / c * 10_000, 3), "reference_per_10k": round(b / d * 10_000, 3),
                "log_likelihood": round(g2, 4), "log_ratio": round(log_ratio(a, b, c, d), 4),
                "p_value": _chi2_sf(g2),
                "distinctive_of": target if distinctive == "t" else self.reference_,
                "doc_id": seg.doc_id, "seg_id": seg.seg_id, "start_char": start, "end_char": end,
            })
        frame = pd.DataFrame(rows, columns=COLUMNS)
        self.keyness_ = frame.sort_values(["log_likelihood", "term"], ascending=[False, True], kind="mergesort") \
            .reset_index(drop=True)
        self.totals_ = {"target_tokens": totals["t"], "reference_tokens": totals["r"]}
        return self

    def distinctive(self, of: str | None = None, top: int = 20, max_p: float = 0.01) -> pd.DataFrame:
        """The ``top`` significant terms distinctive of one side (default: the target)."""
        self.check_fitted("keyness_")
        side = of or self.target_
        k = self.keyness_
        return k[(k["distinctive_of"] == side) & (k["p_value"] <= max_p)].head(top).reset_index(drop=True)


def _chi2_sf(g2: float) -> float:
    """p-value of G2 with one degree of freedom."""
    return round(math.erfc(math.sqrt(max(g2, 0.0) / 2)), 8)


def _attributes(table: TokenTable) -> list[str]:
    attrs = {"kind", "speaker", "speaker_role", "doc_id"}
    for doc in table.corpus.documents:
        attrs.update(doc.attributes)
    return sorted(attrs)
