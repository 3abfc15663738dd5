"""Barriers and enablers: sentences (or segments) that state one, with a category, a score and the
evidence that fired. Three kinds of evidence are combined:

- structure: a list item under a heading such as "Barriers", "Challenges", "What gets in the way";
- cues: the codebook's cue phrases and token patterns (spaCy Matcher), plus general obstacle cues
  ("can't", "not allowed", "hard to") that say *that* something is a barrier but not which kind;
- meaning: cosine similarity of the sentence to each category's description and examples.

score = structure + cues + similarity bonus, capped at 1; a hit needs ``threshold``. The category is the
one with the strongest own evidence (its cues, then its similarity).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..embed import EmbeddingCache, make_embedder
from .base import Analysis

COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "category", "score", "evidence", "text"]
HEADINGS = {
    "barrier": re.compile(r"\b(barriers?|challenges?|obstacles?|difficult(y|ies)|problems?|gets? in the way|"
                          r"what went wrong|what didn.?t work|frustrations?)\b", re.I),
    "enabler": re.compile(r"\b(enablers?|what helped|what helps|what works|what worked|made a difference|"
                          r"helped|tips|lessons|good practice)\b", re.I),
}
# Cues that something is in the way (or helped), without saying which category it is.
GENERIC = {
    "barrier": [
        [{"LOWER": {"IN": ["can't", "cannot", "couldn't", "ca", "could"]}}, {"LOWER": {"IN": ["n't", "not"]}, "OP": "?"},
         {"POS": "VERB"}],
        [{"LOWER": {"IN": ["not", "n't", "never"]}}, {"LEMMA": {"IN": ["allow", "let", "able", "listen", "ask",
                                                                        "pay", "explain", "involve", "afford"]}}],
        [{"LOWER": {"IN": ["hard", "difficult", "impossible"]}}, {"LOWER": "to"}],
        [{"LEMMA": {"IN": ["barrier", "obstacle", "struggle", "problem", "frustration"]}}],
        [{"LOWER": "no"}, {"POS": {"IN": ["NOUN", "ADJ"]}}],
        [{"LOWER": "lack"}, {"LOWER": "of"}],
    ],
    "enabler": [
        [{"LEMMA": {"IN": ["help", "enable", "support", "make"]}}, {"OP": "?"}, {"LOWER": {"IN": ["difference", "us", "me",
                                                                                             "people", "everyone"]}}],
        [{"LEMMA": {"IN": ["work", "help"]}}, {"LOWER": "well"}],
        [{"LOWER": {"IN": ["made", "makes"]}}, {"LOWER": "all"}, {"LOWER": "the"}, {"LOWER": "difference"}],
    ],
}


@dataclass
class Unit:
    """A sentence or segment to judge, with where it is."""

    doc_id: str
    seg_id: str
    start_char: int
    end_char: int
    speaker: str | None
    text: str
    span: object  # spaCy Span or Doc
    structure: str = ""  # the heading when it is a list item under a barrier/enabler heading


class BarrierDetector(Analysis):
    """Find barriers (``kind="barrier"``) or enablers (``kind="enabler"``). Result: ``hits_``."""

    def __init__(self, codebook=None, kind: str = "barrier", unit: str = "sentence", threshold: float = 0.5,
                 min_similarity: float = 0.3, embedding: str = "minilm", cache_dir=None, models_dir=None):
        self.codebook = codebook
        self.kind = kind
        self.unit = unit
        self.threshold = threshold
        self.min_similarity = min_similarity
        self.embedding = embedding
        self.cache_dir = cache_dir
        self.models_dir = models_dir

    # -- parts -------------------------------------------------------------------------------
    def _codebook(self):
        from .codebook import Codebook

        return self.codebook if self.codebook is not None else Codebook.default()

    def categories(self) -> list:
        """The codebook's codes of this kind that are categories (they have a parent)."""
        return [c for c in self._codebook().of_kind(self.kind) if c.parent]

    def _matcher(self, vocab):
        from spacy.matcher import Matcher

        matcher = Matcher(vocab)
        patterns = self._codebook().matcher_patterns()
        for code in self.categories():
            if patterns.get(code.name):
                matcher.add(code.name, patterns[code.name])
        matcher.add("__generic__", GENERIC[self.kind])
        other = "enabler" if self.kind == "barrier" else "barrier"
        matcher.add("__other__", GENERIC[other])
        return matcher

    def _prototypes(self, embed) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Per category, the mean embedding of its description and examples; and the opposite kind's."""
        def mean_vectors(codes) -> np.ndarray:
            rows = []
            for code in codes:
                texts = [code.description, *code.examples] or [code.name]
                vectors = embed([t for t in texts if t])
                v = vectors.mean(axis=0)
                rows.append(v / max(np.linalg.norm(v), 1e-12))
            return np.stack(rows) if rows else np.zeros((0, 1))

        own = self.categories()
        other_kind = "enabler" if self.kind == "barrier" else "barrier"
        others = [c for c in self._codebook().of_kind(other_kind) if c.parent]
        return [c.name for c in own], mean_vectors(own), mean_vectors(others)

    # -- detection ---------------------------------------------------------------------------
    def _units(self, annotated) -> list[Unit]:
        units = []
        corpus = annotated.corpus
        for seg, doc in annotated:
            heading = seg.section if seg.block == "list_item" and seg.section and \
                HEADINGS[self.kind].search(seg.section) else ""
            spans = list(doc.sents) if self.unit == "sentence" and doc.has_annotation("SENT_START") else [doc[:]]
            for span in spans:
                text = span.text.strip()
                if len(text.split()) < 3:
                    continue
                start = seg.start_char + span.start_char
                end = seg.start_char + span.end_char
                units.append(Unit(seg.doc_id, seg.seg_id, start, end, seg.speaker,
                                  corpus.document(seg.doc_id).text[start:end], span, heading))
        return units

    def fit(self, annotated) -> "BarrierDetector":
        units = self._units(annotated)
        vocab = next(iter(annotated.docs.values())).vocab if annotated.docs else None
        self.hits_ = self._judge(units, vocab)
        return self

    def detect_texts(self, texts: Sequence[str], nlp=None) -> pd.DataFrame:
        """Judge loose texts (e.g. a labelled evaluation set): one row per text with score and category."""
        from ..annotate import load_pipeline

        nlp = nlp or load_pipeline()
        units = [Unit("", f"text-{i}", 0, len(t), None, t, doc[:]) for i, (t, doc) in enumerate(zip(texts, nlp.pipe(texts)))]
        return self._judge(units, nlp.vocab, keep_all=True)

    def _judge(self, units: list[Unit], vocab, keep_all: bool = False) -> pd.DataFrame:
        if not units or vocab is None:
            return pd.DataFrame(columns=COLUMNS)
        embedder = make_embedder(self.embedding, self.models_dir)
        cache = EmbeddingCache(self.cache_dir) if self.cache_dir else None

        def embed(texts: list[str]) -> np.ndarray:
            return cache.embed(embedder, texts) if cache else embedder.encode(texts)

        names, own, other = self._prototypes(embed)
        vectors = embed([u.text for u in units])
        sims = vectors @ own.T
        other_sims = vectors @ other.T if len(other) else np.zeros((len(units), 1))
        matcher = self._matcher(vocab)
        rows = []
        for i, unit in enumerate(units):
            found: dict[str, list[str]] = {}
            span = unit.span
            doc = span.doc if hasattr(span, "doc") else span
            for match_id, start, end in matcher(doc):
                if start < span.start or end > span.end:
                    continue
                label = vocab.strings[match_id]
                found.setdefault(label, []).append(doc[start:end].text)
            cue_categories = [n for n in names if n in found]
            best = int(sims[i].argmax())
            best_sim, best_other = float(sims[i, best]), float(other_sims[i].max())
            evidence = []
            score = 0.0
            if unit.structure:
                score += 0.5
                evidence.append(f"structure: list under '{unit.structure}'")
            if cue_categories:
                score += 0.45
                evidence += [f"cue ({n}): '{found[n][0]}'" for n in cue_categories]
            if "__generic__" in found:
                score += 0.25
                evidence.append(f"cue: '{found['__generic__'][0]}'")
            bonus = min(0.6, max(0.0, (best_sim - self.min_similarity) * 3.5))
            if best_other > best_sim + 0.05 and not cue_categories and not unit.structure:
                bonus = 0.0  # reads more like the opposite kind
            if "__other__" in found and not cue_categories and "__generic__" not in found:
                score -= 0.2
            if bonus:
                score += bonus
                evidence.append(f"similar to '{names[best]}' ({best_sim:.2f})")
            if cue_categories:
                category = max(cue_categories, key=lambda n: float(sims[i, names.index(n)]))
            else:
                category = names[best]
            score = round(min(1.0, max(0.0, score)), 3)
            if keep_all or score >= self.threshold:
                rows.append({"doc_id": unit.doc_id, "seg_id": unit.seg_id, "start_char": unit.start_char,
                             "end_char": unit.end_char, "speaker": unit.speaker, "category": category,
                             "score": score, "evidence": "; ".join(evidence), "text": unit.text,
                             "is_hit": score >= self.threshold})
        frame = pd.DataFrame(rows, columns=COLUMNS + ["is_hit"])
        if not keep_all:
            frame = frame.drop(columns="is_hit")
        return frame.reset_index(drop=True)


def precision_recall(predicted: Iterable[bool], actual: Iterable[bool]) -> tuple[float, float]:
    """Precision and recall of binary predictions."""
    pairs = list(zip(predicted, actual))
    tp = sum(1 for p, a in pairs if p and a)
    fp = sum(1 for p, a in pairs if p and not a)
    fn = sum(1 for p, a in pairs if a and not p)
    return (tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)
