"""Concordance (keyword in context): find a word, lemma, phrase, regex or spaCy token pattern and show
each hit with its left and right context, document, segment, speaker and exact offsets.

``fit`` builds an index of word forms and lemmas once, so a word query is a dictionary look-up.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from typing import Any, Callable, Iterable

import pandas as pd

from ..annotate import AnnotatedCorpus
from ..errors import Errors, WorkbenchError
from .base import Analysis
from .tokens import TokenTable, compound_groups

MODES = ("word", "lemma", "phrase", "regex", "pattern")
COLUMNS = ["doc_id", "seg_id", "speaker", "speaker_role", "kind", "start_char", "end_char", "left", "match",
           "right"]
_TOKENIZER = None


def query_words(query: str) -> list[str]:
    """The query cut into words the way the corpus was ("don't" -> do, n't; a hyphenated compound such as
    "rubber-stamp" stays one word, as in the token table), lower-cased, punctuation left out."""
    global _TOKENIZER
    if _TOKENIZER is None:
        import spacy

        _TOKENIZER = spacy.blank("en").tokenizer
    tokens = [t for t in _TOKENIZER(query.replace("’", "'")) if not t.is_space]
    groups = dict(compound_groups([t.text for t in tokens], [t.whitespace_ == "" for t in tokens]))
    words, i = [], 0
    while i < len(tokens):
        last = groups.get(i, i)
        if last > i:
            words.append("".join(t.lower_ for t in tokens[i:last + 1]))
        elif not tokens[i].is_punct:
            words.append(tokens[i].lower_)
        i = last + 1
    return words


class Concordance(Analysis):
    """Keyword-in-context over annotated segments. ``query`` returns a DataFrame of hits."""

    def __init__(self, width: int = 40):
        self.width = width

    def fit(self, data: AnnotatedCorpus | TokenTable) -> "Concordance":
        self.annotated_ = data if isinstance(data, AnnotatedCorpus) else None
        table = data if isinstance(data, TokenTable) else TokenTable.from_annotated(data)
        self.table_ = table
        by_lower: dict[str, list[tuple[int, int]]] = defaultdict(list)
        by_lemma: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lemma_of: dict[str, Counter] = defaultdict(Counter)
        for si, st in enumerate(table.segments):
            for ti, (lower, lemma) in enumerate(zip(st.lower, st.lemma)):
                by_lower[lower].append((si, ti))
                by_lemma[lemma].append((si, ti))
                lemma_of[lower][lemma] += 1
            for ti, (lowers, lemmas) in st.parts.items():  # "production" finds "co-production"
                for part in set(lowers):
                    by_lower[part].append((si, ti))
                for part in set(lemmas):
                    by_lemma[part].append((si, ti))
        self.index_ = {"lower": dict(by_lower), "lemma": dict(by_lemma)}
        self.lemma_of_ = {k: v.most_common(1)[0][0] for k, v in lemma_of.items()}
        corpus = table.corpus
        meta = []
        for st in table.segments:
            seg = st.segment
            doc = corpus.document(seg.doc_id)
            meta.append({"doc_id": seg.doc_id, "seg_id": seg.seg_id, "speaker": seg.speaker,
                         "speaker_role": doc.speaker_roles.get(seg.speaker) if seg.speaker else None,
                         "kind": doc.kind, "date": doc.date, **doc.attributes})
        self.segment_meta_ = pd.DataFrame(meta)
        # Per segment, what a hit row needs, as plain tuples (fast to read for thousands of hits).
        self.segment_info_ = [
            (m["doc_id"], m["seg_id"], m["speaker"], m["speaker_role"], m["kind"], st.segment.start_char,
             st.segment.end_char, corpus.document(st.segment.doc_id).text)
            for m, st in zip(meta, table.segments)]
        return self

    # -- matching --------------------------------------------------------------------------
    def _token_hits(self, key: str, values: Iterable[str]) -> list[tuple[int, int, int]]:
        index = self.index_[key]
        found: set[tuple[int, int]] = set()
        for value in values:
            found.update(index.get(value, ()))
        return [(si, ti, ti) for si, ti in sorted(found)]

    def _flat(self, si: int) -> list[tuple[str, int, bool]]:
        """(word, token index, is punctuation) of a segment, a compound's parts in place of the compound,
        so "rubber stamp" finds "rubber-stamp" too."""
        cache = self.__dict__.setdefault("_flat_cache", {})
        if si not in cache:
            st = self.table_.segments[si]
            flat = []
            for ti, (lower, punct) in enumerate(zip(st.lower, st.is_punct)):
                if ti in st.parts:
                    flat += [(part, ti, False) for part in st.parts[ti][0]]
                else:
                    flat.append((lower, ti, punct))
            cache[si] = flat
        return cache[si]

    def _phrase_hits(self, words: list[str], allowed: set[int] | None) -> list[tuple[int, int, int]]:
        """Token spans where ``words`` follow each other (commas, hyphens and quotes may come between)."""
        hits: set[tuple[int, int, int]] = set()
        for si in sorted({si for si, _ in self.index_["lower"].get(words[0], ())}):
            if allowed is not None and si not in allowed:
                continue
            flat = self._flat(si)
            for start, (word, first_ti, _) in enumerate(flat):
                if word != words[0]:
                    continue
                pos, ok = start, True
                for wanted in words[1:]:
                    pos += 1
                    while pos < len(flat) and flat[pos][2] and flat[pos][0] in (",", "-", "—", "–", "'", "\""):
                        pos += 1
                    if pos >= len(flat) or flat[pos][0] != wanted:
                        ok = False
                        break
                if ok:
                    hits.add((si, first_ti, flat[pos][1]))
        return sorted(hits)

    def _char_hits(self, query: str, allowed: set[int] | None) -> list[tuple[int, int, int]]:
        try:
            regex = re.compile(query, re.IGNORECASE)
        except re.error as err:
            raise WorkbenchError(Errors.E303.format(query=query, mode="regex", detail=err)) from None
        hits = []
        for si, st in enumerate(self.table_.segments):
            if allowed is not None and si not in allowed:
                continue
            for m in regex.finditer(st.segment.text):
                if m.end() > m.start():
                    hits.append((si, st.segment.start_char + m.start(), st.segment.start_char + m.end()))
        return hits

    def _pattern_hits(self, query: str | list, allowed: set[int] | None) -> list[tuple[int, int, int]]:
        from spacy.matcher import Matcher

        if self.annotated_ is None:
            raise WorkbenchError(Errors.E303.format(query=query, mode="pattern",
                                                    detail="fit the concordance on annotated segments"))
        try:
            pattern = json.loads(query) if isinstance(query, str) else query
            if not pattern or not isinstance(pattern, list):
                raise ValueError("expected a list of token patterns, e.g. [{\"LEMMA\": \"pay\"}]")
            if isinstance(pattern[0], dict):
                pattern = [pattern]
            matcher = Matcher(next(iter(self.annotated_.docs.values())).vocab)
            matcher.add("QUERY", pattern)
        except (ValueError, TypeError, KeyError, IndexError) as err:
            raise WorkbenchError(Errors.E303.format(query=query, mode="pattern", detail=err)) from None
        hits = []
        for si, st in enumerate(self.table_.segments):
            if allowed is not None and si not in allowed:
                continue
            doc = self.annotated_.docs[st.segment.seg_id]
            for span in matcher(doc, as_spans=True):
                hits.append((si, st.segment.start_char + span.start_char, st.segment.start_char + span.end_char))
        return hits

    def _allowed(self, filters: dict[str, Any] | None) -> set[int] | None:
        if not filters:
            return None
        frame = self.segment_meta_
        mask = pd.Series(True, index=frame.index)
        for column, wanted in filters.items():
            if wanted is None or wanted == "" or wanted == "(all)":
                continue
            if column not in frame.columns:
                mask &= False
                continue
            values = frame[column]
            if callable(wanted):
                mask &= values.map(wanted).astype(bool)
            elif column == "date" and isinstance(wanted, tuple):
                low, high = wanted
                mask &= values.fillna("").between(low or "", high or "9999")
            elif isinstance(wanted, (list, set, frozenset)):
                mask &= values.isin(list(wanted))
            else:
                mask &= values == wanted
        return set(frame.index[mask])

    def query(self, query: str | list, mode: str = "word", *, width: int | None = None,
              sort: str | None = None, filters: dict[str, Any] | None = None,
              limit: int | None = None) -> pd.DataFrame:
        """Hits of ``query`` as rows with offsets and context. ``sort``: None, "left" or "right"."""
        self.check_fitted("index_")
        if mode not in MODES:
            raise WorkbenchError(Errors.E302.format(mode=mode, options=", ".join(MODES)))
        allowed = self._allowed(filters)
        width = self.width if width is None else width
        char_spans: list[tuple[int, int, int]]
        if mode in ("regex", "pattern"):
            char_spans = self._char_hits(query, allowed) if mode == "regex" else self._pattern_hits(query, allowed)
        else:
            words = query_words(str(query))
            if not words:
                raise WorkbenchError(Errors.E303.format(query=query, mode=mode, detail="it has no words"))
            if len(words) > 1 or "-" in words[0]:  # a compound's parts also match written apart
                words = [part for word in words for part in word.split("-") if part]
            if mode == "lemma" and len(words) == 1:
                lemmas = {words[0], self.lemma_of_.get(words[0], words[0])}
                token_hits = self._token_hits("lemma", lemmas)
            elif len(words) == 1:
                token_hits = self._token_hits("lower", words)
            else:
                token_hits = self._phrase_hits(words, allowed)
            if allowed is not None:
                token_hits = [h for h in token_hits if h[0] in allowed]
            segments = self.table_.segments
            char_spans = [(si, segments[si].start[first], segments[si].end[last]) for si, first, last in token_hits]
        return self._rows(char_spans, width, sort, limit)

    def _rows(self, spans: list[tuple[int, int, int]], width: int, sort: str | None,
              limit: int | None) -> pd.DataFrame:
        # Column by column (a word like "the" has tens of thousands of hits in a large corpus).
        spans = sorted(spans)
        info = [self.segment_info_[si] for si, _, _ in spans]
        starts = [start for _, start, _ in spans]
        ends = [end for _, _, end in spans]
        columns: dict[str, list] = {name: [row[i] for row in info] for i, name in enumerate(COLUMNS[:5])}
        columns["start_char"], columns["end_char"] = starts, ends
        # Context stays inside the segment: never another speaker's words.
        columns["left"] = [_flat(row[7][max(row[5], start - width):start]) for row, start in zip(info, starts)]
        columns["match"] = [row[7][start:end] for row, start, end in zip(info, starts, ends)]
        columns["right"] = [_flat(row[7][end:min(row[6], end + width)]) for row, end in zip(info, ends)]
        frame = pd.DataFrame(columns, columns=COLUMNS)
        frame = sort_hits(frame, sort)
        return frame.head(limit).reset_index(drop=True) if limit else frame.reset_index(drop=True)


def _flat(text: str) -> str:
    return " ".join(text.split()) if "\n" in text or "\t" in text else text


def _left_key(text: str) -> str:
    return " ".join(reversed(text.lower().split()))


def sort_hits(frame: pd.DataFrame, sort: str | None) -> pd.DataFrame:
    """Sort hits by the words just left of the match (nearest first) or just right of it."""
    if not sort or frame.empty:
        return frame
    keys: dict[str, Callable[[str], str]] = {"left": _left_key, "right": lambda t: t.lower().strip()}
    if sort not in keys:
        raise WorkbenchError(Errors.E303.format(query=sort, mode="sort", detail="sort by 'left' or 'right'"))
    column = "left" if sort == "left" else "right"
    order = frame[column].map(keys[sort])
    return frame.assign(_key=order).sort_values(["_key", "doc_id", "start_char"], kind="mergesort") \
        .drop(columns="_key")
