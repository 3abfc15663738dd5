"""spaCy annotation as tasks: documents not in the annotation cache go to the workers in runs of documents;
each worker parses them with its own (once-loaded) pipeline, writes the same cache entries the in-process
Annotator writes (one DocBin per document, by content), and sends the DocBin bytes back.

The result is the ``AnnotatedCorpus`` the in-process ``Annotator.annotate`` gives: the same Docs (same
DocBin bytes), in corpus order, with a document spaCy cannot take listed as a load problem (E018)."""
from __future__ import annotations

import warnings
from functools import partial

from ..annotate import AnnotatedCorpus, Annotator, msgpack_hooks_looked_up_once, pipeline_id
from ..corpus.model import Corpus, LoadProblem
from ..errors import ComputeError, Errors
from .chunks import chunked
from .executor import Executor, InProcess
from .worker import AnnotateSpec, annotator_for

PARSED, CACHED, FAILED = "parsed", "cached", "failed"


def annotate_run(spec: AnnotateSpec, run: list[tuple[str, str, list[str]]]) -> tuple[str, list[tuple]]:
    """On a worker: for each (doc_id, cache key, segment texts), ``(status, DocBin bytes or error)``; the
    worker's pipeline fingerprint first, so the client can tell a worker with another pipeline."""
    from spacy.tokens import DocBin

    annotator = annotator_for(spec)
    nlp = annotator.nlp
    out = []
    with msgpack_hooks_looked_up_once():
        for doc_id, key, texts in run:
            raw = annotator.entries.read(key, ".spacy")
            if raw is not None and _matches(raw, texts, nlp):  # another worker (or run) made it meanwhile
                out.append((CACHED, raw))
                continue
            try:
                docs = list(nlp.pipe(texts, batch_size=spec.batch_size))
            except Exception as err:  # one document spaCy cannot take must not stop the others
                out.append((FAILED, Errors.E018.format(path=doc_id, detail=f"{type(err).__name__}: {err}"[:500])))
                continue
            raw = DocBin(docs=docs, store_user_data=False).to_bytes()
            annotator.entries.write(key, ".spacy", raw)
            out.append((PARSED, raw))
    return annotator.fingerprint(), out


def _matches(raw: bytes, texts: list[str], nlp) -> bool:
    from spacy.tokens import DocBin

    try:
        docs = list(DocBin().from_bytes(raw).get_docs(nlp.vocab))
    except Exception:
        return False
    return len(docs) == len(texts) and all(d.text == t for d, t in zip(docs, texts))


def annotate_documents(corpus: Corpus, annotator: Annotator, executor: Executor | None = None) -> AnnotatedCorpus:
    """Annotate ``corpus`` like ``annotator.annotate(corpus)``; on a Dask executor the documents that are not
    in the cache are parsed by the workers. In process (the default) it *is* ``annotator.annotate``."""
    if executor is None or isinstance(executor, InProcess):
        return annotator.annotate(corpus)
    with msgpack_hooks_looked_up_once():
        return _annotate(corpus, annotator, executor)


def _annotate(corpus: Corpus, annotator: Annotator, executor: Executor) -> AnnotatedCorpus:
    from spacy.tokens import DocBin

    nlp = annotator.nlp
    result = AnnotatedCorpus(corpus, {}, pipeline_id(nlp), tuple(nlp.pipe_names))
    todo = []
    for doc in corpus.documents:
        segments = corpus.segments_of(doc.doc_id)
        if not segments:
            continue
        key = annotator._key(segments)
        cached = annotator._read_entry(key, segments)
        if cached is None:
            if annotator.entries.path(key, ".spacy").exists():
                result.cache_rebuilt.append(doc.doc_id)
            todo.append((doc.doc_id, key, segments))
        else:
            result.docs.update((s.seg_id, d) for s, d in zip(segments, cached))
            result.n_cached += len(segments)
    runs = chunked(todo, [sum(len(s.text) for s in segs) // 6 + 1 for _, _, segs in todo], executor.n_workers)
    payload = [[(doc_id, key, [s.text for s in segs]) for doc_id, key, segs in run] for run in runs]
    answers = executor.map(partial(annotate_run, AnnotateSpec.of(annotator)), payload, name="annotate")
    fingerprint = annotator.fingerprint()
    for run, (worker_fingerprint, outputs) in zip(runs, answers):
        if worker_fingerprint != fingerprint:
            raise ComputeError(Errors.E542.format(differences=f"  a worker annotates with pipeline "
                                                              f"{worker_fingerprint}, this machine with {fingerprint}"))
        for (doc_id, key, segments), (status, value) in zip(run, outputs):
            if status == FAILED:
                corpus.drop_document(doc_id, LoadProblem(doc_id, "E018", value))
                result.failed.append(doc_id)
                warnings.warn(value, stacklevel=3)
                continue
            docs = list(DocBin().from_bytes(value).get_docs(nlp.vocab))
            if len(docs) != len(segments) or any(d.text != s.text for d, s in zip(docs, segments)):
                raise ComputeError(Errors.E545.format(task="annotate", detail=f"the Docs of '{doc_id}' came back "
                                                                               "for other texts"))
            result.docs.update((s.seg_id, d) for s, d in zip(segments, docs))
            if not annotator.entries.path(key, ".spacy").exists():  # the workers' cache is not this one
                annotator.entries.write(key, ".spacy", value)
            if status == PARSED:
                result.n_parsed += len(segments)
            else:
                result.n_cached += len(segments)
    return result
