"""One table of recurring phrases for reports and ``phrases.csv``: n-grams, quoted phrases and families,
each with the family it belongs to, its variants and one example quote that points at its source."""
from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from ..corpus.model import Corpus
from ..corpus.segment import sentence_spans
from .families import PhraseFamilies
from .phrases import PhraseMiner
from .quotes import QuotedPhrases, quote_key

PHRASE_COLUMNS = ["phrase", "family", "kind", "count", "doc_count", "speaker_count", "score", "variants", "example"]
TRACE_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char"]
OCCURRENCE_COLUMNS = ["phrase", "kind", "family", "doc_id", "seg_id", "start_char", "end_char", "speaker", "surface"]
KIND_ORDER = {"family": 0, "quoted": 1, "ngram": 2}
# A quoted statement carries a family when the family's match covers at least this share of it.
QUOTE_FAMILY_COVER = 0.6


def example_quote(corpus: Corpus, seg_id: str, start: int, end: int, max_chars: int = 240,
                  sentences: dict[str, list[tuple[int, int]]] | None = None) -> str:
    """The sentence around a match, quoted, with where it is: “…” (doc#0003, 120-135).
    ``sentences`` keeps each segment's sentence spans between calls."""
    seg = corpus.segment(seg_id)
    text = corpus.document(seg.doc_id).text
    if sentences is None or seg_id not in sentences:
        found = sentence_spans(text, seg.start_char, seg.end_char)
        if sentences is None:
            sentences = {}
        sentences[seg_id] = found
    around = [(s, e) for s, e in sentences[seg_id] if s <= start and end <= e + 1]
    s, e = around[0] if around else (seg.start_char, seg.end_char)
    snippet = " ".join(text[s:e].split())
    if len(snippet) > max_chars:
        middle = " ".join(text[max(s, start - max_chars // 2):min(e, end + max_chars // 2)].split())
        snippet = f"…{middle}…"
    return f"“{snippet}” ({seg_id}, {start}-{end})"


def _family_of(families: PhraseFamilies | None) -> dict[str, list[tuple[int, int, str]]]:
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    if families is not None:
        for seg_id, start, end, label in families.matches_[["seg_id", "start_char", "end_char", "family"]] \
                .itertuples(index=False):
            spans[seg_id].append((int(start), int(end), label))
    return spans


def _family_for(occurrences: list[tuple], spans: dict[str, list[tuple[int, int, str]]],
                min_cover: float = 0.0) -> str:
    """The family most of a phrase's occurrences overlap (at least half of them), else "". With ``min_cover``,
    an occurrence counts only when the family's match covers that share of it: a quoted statement belongs to a
    family when it is one of its wordings (“with us, not for us”), not when it merely mentions one
    (“co-produced with people with lived experience”)."""
    votes: dict[str, int] = defaultdict(int)
    for _, seg_id, start, end, *_ in occurrences:
        for s, e, label in spans.get(seg_id, ()):
            if s < end and start < e and min(e, end) - max(s, start) >= min_cover * (end - start):
                votes[label] += 1
    if not votes:
        return ""
    best = max(votes, key=lambda k: (votes[k], k))
    return best if votes[best] * 2 >= len(occurrences) else ""


def _row(result, phrase: str, kind: str, family: str) -> dict:
    """A phrase-table row from an analysis result row (same count, spread, score and trace fields)."""
    return {"phrase": phrase, "family": family, "kind": kind,
            **{name: getattr(result, name) for name in ("count", "doc_count", "speaker_count", "score",
                                                       "variants", *TRACE_COLUMNS)}}


def _grouped(occurrences: pd.DataFrame, key: str) -> dict[str, list[tuple]]:
    """Occurrence rows (doc_id, seg_id, start_char, end_char, speaker, surface) by phrase key, in table
    order, read in one pass (a large corpus has tens of thousands of phrases)."""
    columns = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "surface"]
    groups: dict[str, list[tuple]] = defaultdict(list)
    for k, *rest in zip(occurrences[key].tolist(), *(occurrences[c].tolist() for c in columns)):
        groups[k].append(tuple(rest))
    return groups


def build_phrase_table(corpus: Corpus, ngrams: PhraseMiner | None = None, quoted: QuotedPhrases | None = None,
                       families: PhraseFamilies | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(phrases, occurrences). ``phrases`` has PHRASE_COLUMNS then the example's TRACE_COLUMNS."""
    spans = _family_of(families)
    rows, occ = [], []
    if families is not None:
        for f in families.families_.itertuples(index=False):
            rows.append(_row(f, f.family, "family", f.family))
        m = families.matches_
        occ += [(fam, "family", fam, *rest) for fam, *rest in
                m[["family", "doc_id", "seg_id", "start_char", "end_char", "speaker", "surface"]].itertuples(index=False)]
    if quoted is not None:
        by_key = _grouped(quoted.occurrences_, "phrase")
        for q in quoted.phrases_.itertuples(index=False):
            group = by_key[quote_key(q.example)]
            family = _family_for(group, spans, min_cover=QUOTE_FAMILY_COVER)
            rows.append(_row(q, q.phrase, "quoted", family))
            occ += [(q.phrase, "quoted", family, *rest) for rest in group]
    if ngrams is not None:
        by_key = _grouped(ngrams.occurrences_, "phrase_key")
        for p in ngrams.phrases_.itertuples(index=False):
            group = by_key[p.phrase_key]
            family = _family_for(group, spans)
            rows.append(_row(p, p.phrase, "ngram", family))
            occ += [(p.phrase, "ngram", family, *rest) for rest in group]
    table = pd.DataFrame(rows, columns=[c for c in PHRASE_COLUMNS if c != "example"] + TRACE_COLUMNS)
    sentences: dict[str, list[tuple[int, int]]] = {}
    table["example"] = [example_quote(corpus, s, int(a), int(b), sentences=sentences) for s, a, b in
                        table[["seg_id", "start_char", "end_char"]].itertuples(index=False)]
    table["_order"] = table["kind"].map(KIND_ORDER)
    table = table.sort_values(["_order", "score", "count", "phrase"], ascending=[True, False, False, True],
                              kind="mergesort").drop(columns="_order").reset_index(drop=True)
    occurrences = pd.DataFrame(occ, columns=OCCURRENCE_COLUMNS)
    return table[PHRASE_COLUMNS + TRACE_COLUMNS], occurrences


def wording_key(text: str) -> str:
    """The words of a wording, lower-cased, without punctuation or quotation marks, hyphens or apostrophes:
    "With, not for", “with not for” and 'with not-for' are one wording."""
    return " ".join(re.findall(r"[^\W_]+", text.lower().replace("’", "'").replace("'", "")))


def distinct_wordings(table: pd.DataFrame) -> pd.DataFrame:
    """The phrase table with every wording once, for reports and the dashboard: a quoted or n-gram row whose
    wording is one of its family's wordings is left to the family row; when a wording is both a quoted
    statement and a recurring n-gram, the row that counts more uses stays (the quoted one on a tie).
    Rows keep their order; ``phrases.csv`` keeps every row."""
    if table is None or table.empty:
        return table
    def text(value) -> str:
        return value if isinstance(value, str) else ""

    kinds = table["kind"].map(text).tolist()
    phrases = table["phrase"].map(text).tolist()
    families = table["family"].map(text).tolist() if "family" in table else [""] * len(table)
    variants = table["variants"].map(text).tolist() if "variants" in table else [""] * len(table)
    family_words: dict[str, set[str]] = defaultdict(set)
    for kind, phrase, wordings in zip(kinds, phrases, variants):
        if kind == "family":
            family_words[phrase] |= {wording_key(v) for v in wordings.split("; ") if v} | {wording_key(phrase)}
    counts = [_count(c) for c in table["count"]]
    quoted = {wording_key(p): c for k, p, c in zip(kinds, phrases, counts) if k == "quoted"}
    ngram = {wording_key(p): c for k, p, c in zip(kinds, phrases, counts) if k == "ngram"}
    keep = []
    for kind, phrase, family in zip(kinds, phrases, families):
        key = wording_key(phrase)
        if kind == "family":
            keep.append(True)
        elif family and key in family_words.get(family, ()):
            keep.append(False)
        elif kind == "ngram" and key in quoted:
            keep.append(ngram[key] > quoted[key])
        elif kind == "quoted" and key in ngram:
            keep.append(quoted[key] >= ngram[key])
        else:
            keep.append(True)
    return table[keep].reset_index(drop=True)


def _count(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
