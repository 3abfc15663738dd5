"""The learned part of the barrier/enabler/benefit detector: one stance per sentence.

A multinomial logistic regression over the sentence embedding plus named features (cues of each stance,
framing such as negation, definitions and questions, and document structure) gives the probability of
each stance: neither, barrier, enabler, benefit. The most likely stance is kept when its probability
reaches that stance's threshold (set by cross-validation on the tuning sets); otherwise the sentence is
neither (abstention). A second, per-stance regression over the embedding and the categories' cues picks
the category.

The weights are plain JSON (``data/stance_model.json``, written by ``tools/train_stance.py``): no pickle,
nothing downloaded. A model has one variant per embedding model it was trained with (matched on the
embedder's model id, e.g. ``st:all-MiniLM-L6-v2``) and a ``features`` variant without the embedding,
used with any other embedder.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from . import stance_framing, stance_structure
from .stance_cues import STANCES, Cue, distinct

MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "stance_model.json"
CLASSES = ("neither", *STANCES)
CUE_FEATURES = tuple(f"{kind}_{what}" for kind in STANCES for what in ("category", "generic", "negated")) + \
    ("principle",)
FEATURES = CUE_FEATURES + stance_framing.FEATURES + stance_structure.FEATURES
FEATURES_VARIANT = "features"  # the variant without the embedding


def cue_features(cues: Sequence[Cue]) -> dict[str, float]:
    """Counts (capped at 2) of distinct category cues, general cues and negated (flipped) cues per stance,
    and of principle cues ("with, not for")."""
    out = {name: 0.0 for name in CUE_FEATURES}
    for kind in STANCES:
        own = [c for c in cues if c.kind == kind]
        out[f"{kind}_category"] = float(min(2, len(distinct([c for c in own if not c.generic and
                                                              c.label != "__principle__"]))))
        out[f"{kind}_generic"] = float(min(2, len(distinct([c for c in own if c.generic]))))
        out[f"{kind}_negated"] = float(min(2, sum(1 for c in own if c.negated)))
    out["principle"] = float(min(2, sum(1 for c in cues if c.label == "__principle__")))
    return out


def feature_row(span, place: stance_structure.Place, cues: Sequence[Cue]) -> dict[str, float]:
    """Every named feature of one unit."""
    row = cue_features(cues)
    row.update(stance_framing.framing(span))
    row.update(stance_structure.structure_features(place))
    return row


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class Linear:
    """A fitted multinomial logistic regression: standardise, then softmax(W x + b)."""

    classes: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # classes x inputs
    intercept: np.ndarray

    @classmethod
    def from_dict(cls, data: dict) -> "Linear":
        return cls(list(data["classes"]), np.asarray(data["mean"], dtype=np.float64),
                   np.asarray(data["scale"], dtype=np.float64), np.asarray(data["coef"], dtype=np.float64),
                   np.asarray(data["intercept"], dtype=np.float64))

    def to_dict(self) -> dict:
        return {"classes": list(self.classes), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept.tolist()}

    def proba(self, x: np.ndarray) -> np.ndarray:
        x = (np.asarray(x, dtype=np.float64) - self.mean) / self.scale
        if len(self.classes) == 2 and self.coef.shape[0] == 1:  # scikit-learn's binary form
            z = x @ self.coef[0] + self.intercept[0]
            p = 1.0 / (1.0 + np.exp(-z))
            return np.column_stack([1 - p, p])
        return _softmax(x @ self.coef.T + self.intercept)


@dataclass
class Variant:
    """The stance model for one embedding model (or none), with its thresholds and category models."""

    embedding: str  # embedder model id prefix, or FEATURES_VARIANT
    features: list[str]
    stance: Linear
    thresholds: dict[str, float]
    categories: dict[str, Linear]  # stance -> category model over [embedding, category cue counts]
    category_cues: dict[str, list[str]]  # stance -> category names whose cue counts follow the embedding

    @property
    def uses_embedding(self) -> bool:
        return self.embedding != FEATURES_VARIANT

    def inputs(self, vectors: np.ndarray | None, rows: Sequence[dict[str, float]]) -> np.ndarray:
        named = np.array([[row[name] for name in self.features] for row in rows], dtype=np.float64)
        named = named.reshape(len(rows), len(self.features))
        if not self.uses_embedding:
            return named
        return np.hstack([np.asarray(vectors, dtype=np.float64), named])

    def stance_proba(self, vectors: np.ndarray | None, rows: Sequence[dict[str, float]]) -> np.ndarray:
        """Probabilities of CLASSES, one row per unit."""
        if not rows:
            return np.zeros((0, len(CLASSES)))
        p = self.stance.proba(self.inputs(vectors, rows))
        order = [self.stance.classes.index(c) for c in CLASSES]
        return p[:, order]

    def decide(self, proba: np.ndarray) -> list[tuple[str, float]]:
        """(stance, its probability) per unit: the most likely stance when it reaches its threshold, else
        ("neither", probability of neither)."""
        out = []
        for row in proba:
            best = int(np.argmax(row))
            stance = CLASSES[best]
            if stance != "neither" and row[best] >= self.thresholds.get(stance, 0.5):
                out.append((stance, float(row[best])))
            else:
                out.append(("neither", float(row[0])))
        return out

    def category_proba(self, stance: str, vectors: np.ndarray | None,
                       counts: Sequence[dict[str, float]]) -> tuple[list[str], np.ndarray] | None:
        """(category names, probabilities) for units of ``stance``; None without a category model."""
        model = self.categories.get(stance)
        if model is None:
            return None
        names = self.category_cues[stance]
        cue_part = np.array([[row.get(n, 0.0) for n in names] for row in counts], dtype=np.float64)
        cue_part = cue_part.reshape(len(counts), len(names))
        x = np.hstack([np.asarray(vectors, dtype=np.float64), cue_part]) if self.uses_embedding else cue_part
        return list(model.classes), model.proba(x)

    @classmethod
    def from_dict(cls, data: dict) -> "Variant":
        return cls(data["embedding"], list(data["features"]), Linear.from_dict(data["stance"]),
                   {k: float(v) for k, v in data["thresholds"].items()},
                   {k: Linear.from_dict(v) for k, v in data.get("categories", {}).items()},
                   {k: list(v) for k, v in data.get("category_cues", {}).items()})

    def to_dict(self) -> dict:
        return {"embedding": self.embedding, "features": list(self.features), "stance": self.stance.to_dict(),
                "thresholds": dict(self.thresholds),
                "categories": {k: v.to_dict() for k, v in self.categories.items()},
                "category_cues": {k: list(v) for k, v in self.category_cues.items()}}


class StanceModel:
    """The variants of a trained stance model, and what they were trained on (``about``)."""

    def __init__(self, variants: list[Variant], about: dict | None = None):
        self.variants = variants
        self.about = about or {}

    def variant_for(self, model_id: str) -> Variant:
        """The variant trained with this embedder (matched on the id's name part), else the one without
        the embedding."""
        for variant in self.variants:
            if variant.uses_embedding and (model_id == variant.embedding or
                                           model_id.startswith(variant.embedding + ":")):
                return variant
        return next(v for v in self.variants if not v.uses_embedding)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "StanceModel":
        path = Path(path) if path else MODEL_FILE
        return _load(str(path), path.stat().st_mtime_ns)

    def save(self, path: str | Path) -> None:
        from ..safe_files import replace_atomic

        data = {"about": self.about, "variants": [v.to_dict() for v in self.variants]}
        replace_atomic(Path(path), (json.dumps(data, indent=1) + "\n").encode("utf-8"))


@lru_cache(maxsize=4)
def _load(path: str, mtime: int) -> StanceModel:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return StanceModel([Variant.from_dict(v) for v in data["variants"]], data.get("about", {}))
