"""New wordings for a phrase family, proposed from the corpus by embedding similarity to its members.

The family's members are the wordings it already found in the corpus plus the plain phrases of its spec (or its
label and description when it has neither). Candidates are stretches of 2-12 words inside one sentence that share
most of their words with the members (so "from doing things for people to doing things with them" is a candidate
for "with, not for", and a sentence about the weather is not). Each candidate is embedded with the workbench's
embedder (offline, cached on disk), scored by its best cosine similarity to a member, and the best ones are
proposed, one per place in the text, with where they are. Nothing is added to a family until the researcher
accepts a wording into their families file (``views.variant_suggester``).
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Sequence

import numpy as np
import pandas as pd

from ..corpus.model import Corpus
from ..corpus.segment import sentence_spans
from ..embed import Embedder, EmbeddingCache
from ..errors import Errors, WorkbenchError
from .families import FamilySpec, PhraseFamilies
from .phrase_table import example_quote, wording_key

COLUMNS = ["family", "wording", "similarity", "closest", "count", "doc_count", "example",
           "doc_id", "seg_id", "start_char", "end_char"]
_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|[^\w\s]")
_HARD = set(".!?;:()[]{}…—–/")


def family_members(families: PhraseFamilies, label: str) -> list[str]:
    """The wordings a family stands for: those found in the corpus, then its spec's plain phrases (or its label
    and description when it has neither)."""
    spec = _spec(families, label)
    found = families.matches_[families.matches_["family"] == label]["surface"].tolist()
    members = list(dict.fromkeys([*found, *spec.phrases]))
    if not members:
        members = [spec.label] + ([spec.description] if spec.description else [])
    seen, out = set(), []
    for m in members:  # one text per wording, whatever its case or punctuation
        key = wording_key(m)
        if key and key not in seen:
            seen.add(key)
            out.append(" ".join(m.split()))
    return out


def _spec(families: PhraseFamilies, label: str) -> FamilySpec:
    families.check_fitted("matches_")
    for spec in families.specs_:
        if spec.label == label:
            return spec
    raise WorkbenchError(Errors.E305.format(family=label, known=", ".join(s.label for s in families.specs_)))


def candidate_wordings(corpus: Corpus, vocabulary: set[str], min_words: int = 2, max_words: int = 12,
                       min_overlap: float = 0.5) -> pd.DataFrame:
    """Stretches of ``min_words``-``max_words`` words inside one sentence (commas and quotation marks may sit
    inside; other punctuation ends them) of which at least ``min_overlap`` of the words are in ``vocabulary``.
    Columns: wording, doc_id, seg_id, start_char, end_char (document offsets)."""
    rows = []
    for seg in corpus.segments:
        text = corpus.document(seg.doc_id).text
        for s, e in sentence_spans(text, seg.start_char, seg.end_char):
            runs: list[list[tuple[str, int, int]]] = [[]]
            for m in _TOKEN.finditer(text, s, e):
                tok = m.group()
                if tok in _HARD:
                    runs.append([])
                elif tok[0].isalnum() or tok[0] == "_":
                    runs[-1].append((tok.lower().replace("’", "'"), m.start(), m.end()))
            for run in runs:
                inside = [w in vocabulary for w, _, _ in run]
                for i in range(len(run)):
                    hits = 0
                    for j in range(i, min(len(run), i + max_words)):
                        hits += inside[j]
                        n = j - i + 1
                        if n >= min_words and inside[i] and inside[j] and hits >= min_overlap * n:
                            start, end = run[i][1], run[j][2]
                            rows.append((text[start:end], seg.doc_id, seg.seg_id, start, end))
    return pd.DataFrame(rows, columns=["wording", "doc_id", "seg_id", "start_char", "end_char"])


def suggest_variants(families: PhraseFamilies, label: str, corpus: Corpus, embedder: Embedder,
                     cache: EmbeddingCache | None = None, top: int = 10, min_similarity: float = 0.5,
                     max_candidates: int = 5000, margin: float = 0.1) -> pd.DataFrame:
    """Up to ``top`` wordings from the corpus that the family does not find yet, most similar first.

    A wording already found by the family, overlapping one of its matches or inside one of its members ("not
    for them"), or starting or ending with a small word where no member does ("for people with"), is left out;
    so is a wording overlapping a better suggestion in the same place. Of the wordings around one place, the widest whose
    similarity is within ``margin`` of the best is proposed (the whole "with the carers and not just for them", not
    its piece "not for them"). Columns: COLUMNS (``closest``: the member it is nearest
    to; ``count``/``doc_count``: how often this wording occurs; the trace columns point at its first use).
    """
    members = family_members(families, label)
    vocabulary = {w.replace("’", "'") for m in members for w in re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", m.lower())}
    found = families.matches_[families.matches_["family"] == label]
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for seg_id, s, e in found[["seg_id", "start_char", "end_char"]].itertuples(index=False):
        taken[seg_id].append((int(s), int(e)))
    member_keys = [wording_key(m) for m in members]
    edges = ({k.split()[0] for k in member_keys if k}, {k.split()[-1] for k in member_keys if k})
    cands = candidate_wordings(corpus, vocabulary)
    if cands.empty:
        return pd.DataFrame(columns=COLUMNS)
    cands["key"] = cands["wording"].map(wording_key)
    free = [not any(s < b and a < e for a, b in taken.get(seg, ())) and not _piece_of(key, member_keys)
            and _framed(key, edges)
            for seg, s, e, key in cands[["seg_id", "start_char", "end_char", "key"]].itertuples(index=False)]
    cands = cands[free]
    if cands.empty:
        return pd.DataFrame(columns=COLUMNS)
    uses = cands.groupby("key", sort=False).agg(count=("seg_id", "size"), doc_count=("doc_id", "nunique"))
    texts = list(dict.fromkeys(cands["key"]))[:max_candidates]
    vectors = _embed(embedder, cache, [*members, *texts])
    sims = vectors[len(members):] @ vectors[:len(members)].T
    best = sims.max(axis=1)
    closest = sims.argmax(axis=1)
    score = dict(zip(texts, best.tolist()))
    nearest = {t: members[int(c)] for t, c in zip(texts, closest)}
    ranked = cands[cands["key"].isin(score)].assign(similarity=lambda f: f["key"].map(score))
    ranked = ranked[ranked["similarity"] >= min_similarity]
    # Best first; on a tie the shorter wording, then the first in the corpus (stable).
    ranked = ranked.assign(n=ranked["key"].str.count(" ")).sort_values(
        ["similarity", "n"], ascending=[False, True], kind="mergesort")
    by_seg = {seg: group for seg, group in ranked.groupby("seg_id", sort=False)}
    chosen, used_keys, spans = [], set(), defaultdict(list)
    for r in ranked.itertuples(index=False):
        if r.key in used_keys or any(r.start_char < b and a < r.end_char for a, b in spans[r.seg_id]):
            continue
        r = _widest(r, by_seg[r.seg_id], margin, edges)
        if r.key in used_keys or any(r.start_char < b and a < r.end_char for a, b in spans[r.seg_id]):
            continue
        used_keys.add(r.key)
        spans[r.seg_id].append((r.start_char, r.end_char))
        chosen.append({
            "family": label, "wording": " ".join(r.wording.split()), "similarity": round(float(r.similarity), 4),
            "closest": nearest[r.key], "count": int(uses.loc[r.key, "count"]),
            "doc_count": int(uses.loc[r.key, "doc_count"]),
            "example": example_quote(corpus, r.seg_id, int(r.start_char), int(r.end_char)),
            "doc_id": r.doc_id, "seg_id": r.seg_id, "start_char": int(r.start_char), "end_char": int(r.end_char),
        })
        if len(chosen) >= top:
            break
    return pd.DataFrame(chosen, columns=COLUMNS)


def _framed(key: str, edges: tuple[set[str], set[str]]) -> bool:
    """A wording may start or end with a small word ("for", "as", "than") only where a member does: "as quoted
    below as" and "for people with" are pieces of sentences, "with the carers and not just for them" is a wording."""
    from .phrases import stop_words

    words = key.split()
    if not words:
        return False
    first, last = words[0], words[-1]
    return (first not in stop_words() or first in edges[0]) and (last not in stop_words() or last in edges[1])


def _piece_of(key: str, member_keys: list[str]) -> bool:
    """A wording that is one of the members or a run of words inside one ("not for them" in "with people, not
    for them") is not a new wording."""
    return any(f" {key} " in f" {m} " for m in member_keys)


def _widest(best, group: pd.DataFrame, margin: float, edges: tuple[set[str], set[str]]):
    """The widest candidate in ``group`` (one segment) around ``best`` scoring within ``margin`` of it,
    preferring those that start with a word a member starts with and end with one a member ends with
    ("with the carers and not just for them", not "to be with the carers and not just for")."""
    around = group[(group["start_char"] <= best.start_char) & (group["end_char"] >= best.end_char)
                   & (group["similarity"] >= best.similarity - margin)]
    if around.empty:
        return best
    starts, ends = edges
    keys = around["key"].str.split()
    framed = around[[k[0] in starts and k[-1] in ends for k in keys]]
    around = framed if not framed.empty else around
    widths = (around["end_char"] - around["start_char"]).tolist()
    return next(around.iloc[[widths.index(max(widths))]].itertuples(index=False))


def _embed(embedder: Embedder, cache: EmbeddingCache | None, texts: Sequence[str]) -> np.ndarray:
    vectors = cache.embed(embedder, list(texts)) if cache is not None else embedder.encode(list(texts))
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
