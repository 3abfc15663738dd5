"""What a worker process keeps between tasks: the spaCy pipeline and the sentence model, loaded once each.

Tasks carry small, picklable specs (``AnnotateSpec``, ``EmbedSpec``); the first task of a kind in a process
loads the model, later ones reuse it (``annotate.load_pipeline`` and ``embed``'s own memo underneath).
``loads()`` says how often each was loaded, for tests and logs.
"""
from __future__ import annotations

import os
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_LOCK = threading.Lock()   # a worker with several threads loads each model once
_ANNOTATORS: dict["AnnotateSpec", object] = {}
_EMBEDDERS: dict[tuple[str, str, str], object] = {}
_LOADS: Counter = Counter()


@dataclass(frozen=True)
class AnnotateSpec:
    """How to annotate: the same settings as the client's ``Annotator`` (and its cache folder)."""

    model: str | None
    components: tuple[str, ...]
    batch_size: int
    cache_dir: str

    @classmethod
    def of(cls, annotator) -> "AnnotateSpec":
        return cls(annotator.model, tuple(annotator.components), annotator.batch_size, str(annotator.cache_dir))


@dataclass(frozen=True)
class EmbedSpec:
    """Which sentence model: ``kind`` ``minilm`` (the packaged model), ``m2v`` (a Model2Vec folder, resolved by
    the client, so a worker never distils one) or ``st`` (a sentence-transformers folder) at ``name``;
    ``model_id`` is what the client computed."""

    kind: str
    name: str
    model_id: str
    cache_dir: str


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def annotator_for(spec: AnnotateSpec):
    """This process's Annotator for ``spec`` (its pipeline loaded on first use)."""
    with _LOCK:
        if spec not in _ANNOTATORS:
            from ..annotate import _PIPELINES, Annotator

            _offline()
            annotator = Annotator(spec.model, spec.components, n_process=1, batch_size=spec.batch_size,
                                  cache_dir=spec.cache_dir, progress=False)
            loaded = (spec.model, spec.components) in _PIPELINES
            annotator.nlp  # load now (load_pipeline's memo: once per process), under the lock
            _LOADS["pipeline"] += not loaded
            _ANNOTATORS[spec] = annotator
        return _ANNOTATORS[spec]


def embedder_for(spec: EmbedSpec):
    """This process's Embedder for ``spec``, its model loaded (ValueError when it is not the client's model)."""
    key = (spec.kind, spec.name, spec.model_id)
    with _LOCK:
        if key not in _EMBEDDERS:
            from ..embed import MINILM, SentenceTransformerEmbedder, StaticEmbedder, make_embedder

            _offline()
            if spec.kind != MINILM and not Path(spec.name).is_dir():
                raise FileNotFoundError(f"the model folder '{spec.name}' does not exist on this worker")
            if spec.kind == MINILM:
                embedder = make_embedder(MINILM)
            elif spec.kind == "m2v":
                if not (Path(spec.name) / "model.safetensors").exists():
                    raise FileNotFoundError(f"'{spec.name}' holds no model.safetensors on this worker")
                embedder = StaticEmbedder(spec.name)
            else:
                embedder = SentenceTransformerEmbedder(spec.name)
            if embedder.model_id != spec.model_id:
                raise ValueError(f"the model here is {embedder.model_id}, the client's {spec.model_id}")
            embedder.model  # load now, under the lock
            _EMBEDDERS[key] = embedder
            _LOADS["sentence_model"] += 1
        return _EMBEDDERS[key]


def loads() -> dict[str, int]:
    """How many times this process loaded a spaCy pipeline and a sentence model."""
    return dict(_LOADS)
