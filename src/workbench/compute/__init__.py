"""Where the slow per-document work runs: in this process (the default), or as Dask tasks.

- ``from_options(scheduler, workers, config)`` / ``open_executor(...)``: a context manager giving an
  ``Executor``: ``InProcess`` (nothing started), a client of a running scheduler (``tcp://host:8786``; the
  scheduler and workers are left running), or a LocalCluster of N worker processes (started and stopped).
  Config keys: ``[compute] scheduler = "tcp://host:8786"`` and ``[compute] workers = N``; the command line
  (``--scheduler``, ``--workers``) wins.
- ``annotate_documents(corpus, annotator, executor)``: spaCy annotation, the same AnnotatedCorpus and the
  same annotation cache entries as ``Annotator.annotate``.
- ``embed_segments(corpus, embedding, executor)`` / ``embed_groups(...)``: sentence embeddings per document,
  the same bits in process and on workers, kept in the embedding cache.
- ``map_documents(func, items, executor)`` and ``map_annotated(func, corpus, annotator, executor)``: per-document
  partial results, in order.

Workers load the spaCy pipeline and the sentence model once per process (``worker.py``) and must have the
same packages as this machine (checked when connecting: E542).
"""
from __future__ import annotations

from .annotation import annotate_documents
from .connect import from_options, open_executor, resolve
from .embedding import Embedded, embed_groups, embed_segments
from .executor import DaskExecutor, Executor, InProcess
from .partials import map_annotated, map_documents

__all__ = ["DaskExecutor", "Embedded", "Executor", "InProcess", "annotate_documents", "embed_groups",
           "embed_segments", "from_options", "map_annotated", "map_documents", "open_executor", "resolve"]
