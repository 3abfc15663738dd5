"""Tables from per-document parts: tokens, phrase families and stances (barriers, enablers, benefits).

Each is computed for the documents without a cached part only (``workbench.partials``), from annotations
loaded for those documents only (``LazyAnnotations``), and combined in corpus order. Adding a transcript to
a large corpus then annotates, matches and judges that transcript alone; the combined tables are the same as
from scratch (tests/test_incremental.py runs add, change and remove sequences both ways).
"""
from __future__ import annotations

from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Any, Callable, Collection

from .annotate import AnnotatedCorpus, Annotator, pipeline_id
from .analysis.barriers import BarrierDetector
from .analysis.families import PhraseFamilies
from .analysis.tokens import TokenTable, rows_from_part, rows_to_part, segment_tokens
from .cache import file_hash
from .compute.executor import Executor, InProcess
from .compute.partials import map_documents
from .compute.worker import AnnotateSpec, annotator_for
from .corpus.model import Corpus
from .partials import DocumentParts


class LazyAnnotations:
    """Annotations of a corpus, loaded (or parsed) document by document as parts need them, each once.
    With a Dask ``executor``, parts are computed on the workers (``remote``), which read or parse the
    annotations themselves through the shared cache."""

    def __init__(self, annotator: Annotator, corpus: Corpus, executor: Executor | None = None, timings=None,
                 reuse: bool = True):
        self.annotator = annotator
        self.corpus = corpus
        self.executor = executor or InProcess()
        self.timings = timings  # a runner.Timings: annotating is timed as "annotate"
        self.reuse = reuse  # False: every document's parts are computed again (``analyse --recompute``)
        self.docs: dict[str, object] = {}
        self.loaded: set[str] = set()
        self.n_parsed = self.n_cached = 0
        self.rebuilt: list[str] = []
        self.failed: list[str] = []
        self.parts: dict[str, dict[str, int]] = {}  # step -> documents computed and reused (see ``record``)

    def of(self, doc_ids: Collection[str]) -> AnnotatedCorpus:
        """The annotated segments of ``doc_ids`` (in corpus order)."""
        todo = [d for d in doc_ids if d not in self.loaded]
        if todo:
            with self.timings.measure("annotate") if self.timings is not None else nullcontext():
                annotated = self.annotator.annotate(self.corpus, only=set(todo))
            self.docs.update(annotated.docs)
            self.loaded.update(todo)
            self.n_parsed += annotated.n_parsed
            self.n_cached += annotated.n_cached
            self.rebuilt += annotated.cache_rebuilt
            self.failed += annotated.failed
        wanted = set(doc_ids)
        docs = {seg.seg_id: self.docs[seg.seg_id] for seg in self.corpus.segments
                if seg.doc_id in wanted and seg.seg_id in self.docs}
        nlp = self.annotator.nlp
        return AnnotatedCorpus(self.corpus, docs, pipeline_id(nlp), tuple(nlp.pipe_names))

    def record(self, parts: DocumentParts) -> None:
        """Note how many documents a step computed and reused (for the manifest)."""
        self.parts[parts.step] = parts.stats.as_dict()

    def stats(self) -> dict[str, Any]:
        return {"parsed_segments": self.n_parsed, "cached_segments": self.n_cached,
                "rebuilt_entries": list(self.rebuilt), "documents_annotated": len(self.loaded),
                "document_parts": dict(self.parts)}


def annotations_of(bench) -> LazyAnnotations:
    """The bench's annotations, loaded document by document as the parts need them (one per bench)."""
    return bench.runner.fitted("annotations",
                               lambda: LazyAnnotations(bench.annotator, bench.corpus, bench.runner.executor,
                                                       bench.timings, bench.reuse_results))


def _on_worker(func: Callable[[AnnotatedCorpus], dict], spec: AnnotateSpec, item: tuple) -> Any:
    """On a worker: one document's Docs from the shared annotation cache (parsed and kept when missing), then
    its part: ``func`` of that document as a one-document annotated corpus."""
    from spacy.tokens import DocBin

    document, segments = item
    annotator = annotator_for(spec)
    key = annotator._key(segments)
    docs = annotator._read_entry(key, segments)
    if docs is None:
        docs = list(annotator.nlp.pipe([s.text for s in segments], batch_size=spec.batch_size))
        annotator.entries.write(key, ".spacy", DocBin(docs=docs, store_user_data=False).to_bytes())
    one = Corpus(document.doc_id, [document], segments)
    return func(AnnotatedCorpus(one, {s.seg_id: d for s, d in zip(segments, docs)}, "", ())).get(document.doc_id, [])


def parts_of(annotations: LazyAnnotations, func: Callable[[AnnotatedCorpus], dict], doc_ids: list[str]) -> dict:
    """``{doc_id: part}`` of these documents, ``func`` giving the parts of an annotated corpus by document: here
    (annotating only these documents), or as Dask tasks of a few documents each on the executor's workers."""
    if isinstance(annotations.executor, InProcess):
        found = func(annotations.of(doc_ids))
        return {doc_id: found.get(doc_id, []) for doc_id in doc_ids if doc_id not in annotations.failed}
    corpus = annotations.corpus
    items = [(corpus.document(d), corpus.segments_of(d)) for d in doc_ids]
    sizes = [sum(len(s.text) for s in segs) // 6 + 1 for _, segs in items]
    done = map_documents(partial(_on_worker, func, AnnotateSpec.of(annotations.annotator)), items,
                         annotations.executor, sizes=sizes, name="document parts")
    return dict(zip(doc_ids, done))


def _token_parts(annotated: AnnotatedCorpus) -> dict[str, list]:
    rows: dict[str, list] = {}
    for seg, doc in annotated:
        rows.setdefault(seg.doc_id, []).append(segment_tokens(seg, doc))
    return {doc_id: rows_to_part(doc_rows) for doc_id, doc_rows in rows.items()}


def _parts(cache_dir: str | Path, step: str, annotator: Annotator, settings: Any) -> DocumentParts:
    return DocumentParts(cache_dir, step, {"annotation": annotator.fingerprint(), "settings": settings})


def token_table(annotations: LazyAnnotations, cache_dir: str | Path) -> tuple[TokenTable, DocumentParts]:
    """The corpus's token table from per-document token rows (lemmas made canonical over the whole corpus
    afterwards, as ``TokenTable.from_annotated`` does)."""
    corpus = annotations.corpus
    parts = _parts(cache_dir, "tokens", annotations.annotator, None)

    def compute(doc_ids: list[str]) -> dict[str, list]:
        return parts_of(annotations, _token_parts, doc_ids)

    collected = parts.collect(corpus, compute, reuse=annotations.reuse)
    rows = [row for _, part in collected for row in rows_from_part(corpus, part)]
    annotations.record(parts)
    return TokenTable.from_rows(corpus, rows), parts


def phrase_families(annotations: LazyAnnotations, families: PhraseFamilies,
                    cache_dir: str | Path) -> tuple[PhraseFamilies, DocumentParts]:
    """``families`` fitted from per-document matches."""
    settings = {"specs": [[s.label, s.description, s.patterns, s.phrases] for s in families.specs()]}
    parts = _parts(cache_dir, "families", annotations.annotator, settings)

    def compute(doc_ids: list[str]) -> dict[str, list]:
        return parts_of(annotations, families.document_parts, doc_ids)

    collected = parts.collect(annotations.corpus, compute, reuse=annotations.reuse)
    fitted = families.from_parts(annotations.corpus, collected)
    annotations.record(parts)
    return fitted, parts


def stance_parts(annotations: LazyAnnotations, detector: BarrierDetector, cache_dir: str | Path,
                 codebook_file: str | Path | None = None) -> tuple[list[tuple[str, list[dict]]], DocumentParts]:
    """Every unit of every document with its stance judgement, per document; ``BarrierDetector.hits_from_parts``
    makes the barrier, enabler and benefit tables from them."""
    settings = {"unit": detector.unit, "threshold": detector.threshold, "embedding": detector.embedding,
                "model_file": file_hash(detector.model_file) if detector.model_file else "shipped",
                "codebook": file_hash(codebook_file) if codebook_file else "default",
                "exemplars": detector.exemplars}

    parts = _parts(cache_dir, "stances", annotations.annotator, settings)

    def compute(doc_ids: list[str]) -> dict[str, list]:
        return parts_of(annotations, detector.document_parts, doc_ids)

    collected = parts.collect(annotations.corpus, compute, reuse=annotations.reuse)
    annotations.record(parts)
    return collected, parts
