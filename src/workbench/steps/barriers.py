"""Sentences that state a barrier (``barriers.csv``), an enabler (``enablers.csv``) or a benefit
(``benefits.csv``), by codebook category, with the evidence that fired. Every sentence has one stance (the
stance model, ``analysis.stance_model``), so the three kinds' hits never share a sentence; the detectors share
one pass of evidence (cues and similarities)."""
from __future__ import annotations

from ..analysis.barriers import BarrierDetector
from ..embed import make_embedder
from ..incremental import annotations_of, stance_parts
from .base import Table, step

KINDS = ("barrier", "enabler", "benefit")


def detector(bench, kind: str = "barrier") -> BarrierDetector:
    """The fitted barrier (or ``kind="enabler"``, ``"benefit"``) detector; its ``hits_`` has BARRIER_COLUMNS.
    Every sentence is judged once for all three kinds, document by document, and kept per document
    (``incremental.stance_parts``): only new and changed documents are judged again."""
    detectors = bench.runner.fitted("detectors", dict)
    if kind not in detectors:
        cfg = bench.config.barriers
        made = BarrierDetector(bench.codebook, kind=kind, unit=cfg.unit, threshold=cfg.threshold,
                               embedding=cfg.embedding, cache_dir=bench.annotator.cache_dir,
                               models_dir=bench.models_dir, model_file=cfg.model_file)
        parts = bench.runner.fitted("stance_parts", lambda: stance_parts(
            annotations_of(bench), made, bench.annotator.cache_dir, bench.config.coding.codebook_file)[0])
        detectors[kind] = made.fit_from_parts(parts)
    return detectors[kind]


def _embedding(bench) -> str:
    return make_embedder(bench.config.barriers.embedding, bench.models_dir).model_id


def _declare(kind: str) -> None:
    def compute(bench) -> dict:
        return {"hits": detector(bench, kind).hits_}

    def manifest(bench, result) -> dict:
        counts = result["hits"]["category"].value_counts().sort_index().to_dict()
        return {"models": {"barrier_embedding": _embedding(bench)}, "barriers": {f"{kind}s": counts}}

    step(f"{kind}s", tables=[Table(f"{kind}s", "hits")], settings=("barriers",),
         files=lambda config: [config.coding.codebook_file, config.barriers.model_file],
         key=lambda bench: {"kind": kind, "embedding": _embedding(bench)}, manifest=manifest, report=False,
         off=lambda config: None if config.barriers.enabled else
         "Barriers, enablers and benefits were switched off in the settings (barriers.enabled = false).")(compute)


for _kind in KINDS:
    _declare(_kind)
