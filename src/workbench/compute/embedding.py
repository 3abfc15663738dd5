"""Sentence embeddings as tasks, document by document, through the embedding cache.

Why per document: a sentence model encodes texts in padded batches, and which texts share a batch
changes the last bits of a vector (measured on the demo corpus: up to 1e-7 between a document encoded
alone and inside the whole corpus). So the unit of work is fixed: each text not yet in the cache is
encoded with the other new texts of the first document (in corpus order) that has it, in one
``encode`` call, whichever process does it. In process and on any number of Dask workers the vectors
are then the same bit for bit, and they go into the same cache (by model and text hash), where a later
in-process run, or another worker on a shared filesystem, reads them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Sequence

import numpy as np

from ..cache import default_cache_dir
from ..corpus.model import Corpus
from ..embed import MINILM, EmbeddingCache, StaticEmbedder, make_embedder
from ..errors import ComputeError, Errors
from .chunks import chunked
from .executor import Executor, InProcess
from .worker import EmbedSpec, embedder_for


@dataclass
class Embedded:
    """Vectors (float32, one row per text, L2-normalised) and what was computed or read from the cache."""

    vectors: np.ndarray
    model_id: str
    n_computed: int
    n_cached: int


def _where() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "this process"


def embed_run(spec: EmbedSpec, run: list[list[str]]) -> list[np.ndarray]:
    """On a worker: one ``encode`` per document's new texts; the vectors are also kept in the cache."""
    try:
        embedder = embedder_for(spec)
    except Exception as err:
        raise ComputeError(Errors.E543.format(worker=_where(), detail=f"{type(err).__name__}: {err}"[:500])) from None
    vectors = [embedder.encode(texts) for texts in run]
    keys = [EmbeddingCache.key(t) for texts in run for t in texts]
    EmbeddingCache(spec.cache_dir).add(spec.model_id, keys, np.concatenate(vectors))
    return vectors


def _spec(embedding: str, models_dir, cache_dir: Path) -> EmbedSpec:
    embedder = make_embedder(embedding, models_dir)
    model_id = embedder.model_id  # a static model is distilled here (once) if missing, never on a worker
    if embedding == MINILM:
        return EmbedSpec(MINILM, MINILM, model_id, str(cache_dir))
    kind = "m2v" if isinstance(embedder, StaticEmbedder) else "st"
    return EmbedSpec(kind, str(Path(embedder.path).resolve()), model_id, str(cache_dir))


def embed_groups(groups: Sequence[Sequence[str]], embedding: str = MINILM, executor: Executor | None = None, *,
                 models_dir: str | Path | None = None, cache_dir: str | Path | None = None) -> list[Embedded]:
    """Vectors for each group of texts (a group: one document's texts, in order), computed per group as the
    module docstring says, on ``executor`` (default: this process)."""
    executor = executor or InProcess()
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    spec = _spec(embedding, models_dir, cache_dir)
    cache = EmbeddingCache(cache_dir)
    known = cache.known(spec.model_id)
    claimed = set(known)
    new: list[list[str]] = []
    for texts in groups:
        mine = []
        for text in texts:
            key = EmbeddingCache.key(text)
            if key not in claimed:
                claimed.add(key)
                mine.append(text)
        new.append(mine)
    busy = [i for i, texts in enumerate(new) if texts]
    runs = chunked(busy, [sum(len(t) for t in new[i]) // 6 + 1 for i in busy], executor.n_workers)
    answers = executor.map(partial(embed_run, spec), [[new[i] for i in run] for run in runs], name="embed")
    for run, vectors in zip(runs, answers):
        keys = [EmbeddingCache.key(t) for i in run for t in new[i]]
        rows = np.concatenate(vectors)
        if len(rows) != len(keys):
            raise ComputeError(Errors.E545.format(task="embed", detail=f"{len(rows)} vectors came back for "
                                                                       f"{len(keys)} texts"))
        cache.add(spec.model_id, keys, rows)  # when the workers' cache is not this one
        known.update(zip(keys, rows))
    out = []
    for texts, mine in zip(groups, new):
        keys = [EmbeddingCache.key(t) for t in texts]
        vectors = np.stack([known[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, 0), np.float32)
        out.append(Embedded(vectors, spec.model_id, len(mine), len(set(keys)) - len(mine)))
    return out


def embed_segments(corpus: Corpus, embedding: str = MINILM, executor: Executor | None = None, *,
                   models_dir: str | Path | None = None, cache_dir: str | Path | None = None) -> Embedded:
    """One vector per segment of ``corpus`` (rows in ``corpus.segments`` order), each document a unit of work.
    After this, ``EmbeddingCache(cache_dir).embed(embedder, texts)`` (themes, barriers) reads them."""
    doc_ids = list(dict.fromkeys(seg.doc_id for seg in corpus.segments))
    groups = [[s.text for s in corpus.segments_of(d)] for d in doc_ids]
    parts = embed_groups(groups, embedding, executor, models_dir=models_dir, cache_dir=cache_dir)
    order = {seg.seg_id: i for i, seg in enumerate(corpus.segments)}
    rows = [v for d, part in zip(doc_ids, parts) for v in part.vectors if len(part.vectors)]
    seg_ids = [s.seg_id for d in doc_ids for s in corpus.segments_of(d)]
    vectors = np.zeros((len(seg_ids), rows[0].shape[0] if rows else 0), dtype=np.float32)
    for seg_id, row in zip(seg_ids, rows):
        vectors[order[seg_id]] = row
    model_id = parts[0].model_id if parts else ""
    return Embedded(vectors, model_id, sum(p.n_computed for p in parts), sum(p.n_cached for p in parts))
