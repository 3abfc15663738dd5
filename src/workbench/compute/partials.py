"""Per-document partial results as tasks: ``map_documents`` for any picklable function over picklable
items, ``map_annotated`` for a function of one document's segments and spaCy Docs, with the Docs read
from the annotation cache on the worker (nothing but ids and texts travel)."""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Sequence, TypeVar

from ..annotate import Annotator
from ..corpus.model import Corpus, Segment
from .chunks import chunked
from .executor import Executor, InProcess
from .worker import AnnotateSpec, annotator_for

T = TypeVar("T")
R = TypeVar("R")


def _apply(func: Callable[[T], R], run: list[T]) -> list[R]:
    return [func(item) for item in run]


def map_documents(func: Callable[[T], R], items: Sequence[T], executor: Executor | None = None, *,
                  sizes: Sequence[int] | None = None, name: str = "partials") -> list[R]:
    """``[func(item) for item in items]``, in that order, as tasks of several items each (``sizes``, e.g. words
    per document, balance them). ``func`` must be pure and picklable (a module-level function or a
    ``functools.partial`` of one) and so must the items and results; an exception in ``func`` is raised here."""
    executor = executor or InProcess()
    if isinstance(executor, InProcess):
        return [func(item) for item in items]
    runs = chunked(list(items), list(sizes) if sizes is not None else [1] * len(items), executor.n_workers)
    return [r for results in executor.map(partial(_apply, func), runs, name=name) for r in results]


def _annotated_run(func: Callable[[list[Segment], list], R], spec: AnnotateSpec,
                   run: list[list[Segment]]) -> list[R]:
    """On a worker: each document's Docs from the cache (parsed again when missing), then ``func``."""
    annotator = annotator_for(spec)
    out = []
    for segments in run:
        key = annotator._key(segments)
        docs = annotator._read_entry(key, segments)
        if docs is None:
            from spacy.tokens import DocBin

            docs = list(annotator.nlp.pipe([s.text for s in segments], batch_size=spec.batch_size))
            annotator.entries.write(key, ".spacy", DocBin(docs=docs, store_user_data=False).to_bytes())
        out.append(func(segments, docs))
    return out


def map_annotated(func: Callable[[list[Segment], list], R], corpus: Corpus, annotator: Annotator,
                  executor: Executor | None = None, *, name: str = "partials") -> dict[str, R]:
    """``{doc_id: func(segments, docs)}`` for every document with segments, in corpus order; ``docs`` are the
    document's spaCy Docs (one per segment). Run ``annotate_documents`` first so the workers read the
    Docs from the (shared) cache instead of parsing them again."""
    executor = executor or InProcess()
    doc_ids = [d.doc_id for d in corpus.documents if corpus.segments_of(d.doc_id)]
    groups = [corpus.segments_of(d) for d in doc_ids]
    sizes = [sum(len(s.text) for s in segs) // 6 + 1 for segs in groups]
    runs = chunked(groups, sizes, executor.n_workers)
    task = partial(_annotated_run, func, AnnotateSpec.of(annotator))
    results = executor.map(task, runs, name=name) if not isinstance(executor, InProcess) else [task(r) for r in runs]
    return dict(zip(doc_ids, (r for rs in results for r in rs)))


def _identity(value: Any) -> Any:  # for tests and warm-ups
    return value
