"""The demo corpus on a LocalCluster of 2 worker processes gives the in-process results exactly, through
the same caches (workbench.compute). One cluster for the module, closed at the end."""
from __future__ import annotations

import os

import numpy as np
import pytest

from workbench import compute
from workbench.annotate import Annotator, load_pipeline
from workbench.compute.worker import loads
from workbench.config import DEFAULT_COMPONENTS
from workbench.corpus import load_corpus
from workbench.embed import EmbeddingCache, make_embedder

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow  # two worker processes load spaCy and MiniLM: about a minute and a half


@pytest.fixture(scope="module")
def cluster():
    with compute.open_executor(workers=2, workers_timeout=120) as executor:
        yield executor


@pytest.fixture(scope="module")
def caches(tmp_path_factory):
    return tmp_path_factory.mktemp("in_process"), tmp_path_factory.mktemp("on_dask")


@pytest.fixture(scope="module")
def in_process(wb_demo_corpus, caches):
    corpus = load_corpus(wb_demo_corpus)
    annotated = Annotator(None, DEFAULT_COMPONENTS, cache_dir=caches[0], progress=False).annotate(corpus)
    embedded = compute.embed_segments(corpus, "minilm", cache_dir=caches[0])
    return corpus, annotated, embedded


@pytest.fixture(scope="module")
def on_dask(wb_demo_corpus, caches, cluster):
    corpus = load_corpus(wb_demo_corpus)
    annotator = Annotator(None, DEFAULT_COMPONENTS, cache_dir=caches[1], progress=False)
    annotated = compute.annotate_documents(corpus, annotator, cluster)
    embedded = compute.embed_segments(corpus, "minilm", cluster, cache_dir=caches[1])
    return corpus, annotated, embedded


def docbin(doc) -> bytes:
    from spacy.tokens import DocBin

    return DocBin(docs=[doc], store_user_data=False).to_bytes()


def token_rows(doc) -> list[tuple]:
    return [(t.text, t.idx, t.lemma_, t.pos_, t.tag_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_, t.is_sent_start)
            for t in doc]


def test_annotations_are_the_in_process_ones(in_process, on_dask):
    corpus, here, there = in_process[0], in_process[1], on_dask[1]
    assert there.n_parsed == len(corpus.segments) == here.n_parsed and there.failed == []
    assert (there.pipeline, there.components) == (here.pipeline, here.components)
    assert [s.seg_id for s in on_dask[0].segments] == [s.seg_id for s in corpus.segments]
    for seg in corpus.segments:
        assert token_rows(there.doc(seg.seg_id)) == token_rows(here.doc(seg.seg_id)), seg.seg_id
        assert docbin(there.doc(seg.seg_id)) == docbin(here.doc(seg.seg_id)), seg.seg_id


def test_embeddings_are_the_in_process_ones_bit_for_bit(in_process, on_dask):
    here, there = in_process[2], on_dask[2]
    assert there.vectors.shape == (len(in_process[0].segments), 384) and there.vectors.dtype == np.float32
    assert np.array_equal(there.vectors, here.vectors)
    assert there.model_id == here.model_id and there.n_computed == here.n_computed > 0


def test_each_worker_loads_each_model_once_offline(cluster, on_dask, wb_small_corpus, tmp_path):
    small = load_corpus(wb_small_corpus)  # a second cold run (another corpus, an empty cache) on the same workers
    annotated = compute.annotate_documents(small, Annotator(None, DEFAULT_COMPONENTS, cache_dir=tmp_path,
                                                            progress=False), cluster)
    embedded = compute.embed_segments(small, "minilm", cluster, cache_dir=tmp_path)
    assert annotated.n_parsed == len(small.segments) and embedded.n_computed > 0
    counts = cluster.client.run(loads)
    assert len(counts) == 2
    assert all(c.get("pipeline", 0) <= 1 and c.get("sentence_model", 0) <= 1 for c in counts.values()), counts
    assert sum(c.get("pipeline", 0) for c in counts.values()) >= 1, counts
    env = cluster.client.run(lambda: (os.environ.get("HF_HUB_OFFLINE"), os.environ.get("TRANSFORMERS_OFFLINE")))
    assert set(env.values()) == {("1", "1")}


def test_a_later_in_process_run_reuses_the_workers_cache(monkeypatch, wb_demo_corpus, caches, on_dask):
    nlp = load_pipeline(None, DEFAULT_COMPONENTS)
    calls = []
    monkeypatch.setattr(nlp, "pipe", lambda texts, *a, **k: calls.extend(texts) or iter(()))
    corpus = load_corpus(wb_demo_corpus)
    again = Annotator(None, DEFAULT_COMPONENTS, cache_dir=caches[1], progress=False).annotate(corpus)
    assert calls == [] and again.n_parsed == 0  # not one text went to spaCy and again.n_cached == len(corpus.segments)
    for seg in corpus.segments:
        assert docbin(again.doc(seg.seg_id)) == docbin(on_dask[1].doc(seg.seg_id))
    cache = EmbeddingCache(caches[1])  # what the themes and barriers call
    vectors = cache.embed(make_embedder("minilm"), [s.text for s in corpus.segments])
    assert cache.last_stats["computed"] == 0
    assert np.array_equal(vectors, on_dask[2].vectors)


def _words(segments, docs) -> tuple[str, int]:
    return segments[0].doc_id, sum(len(d) for d in docs)


def test_per_document_partials_come_back_in_order(cluster, caches, on_dask):
    corpus = on_dask[0]
    annotator = Annotator(None, DEFAULT_COMPONENTS, cache_dir=caches[1], progress=False)
    doc_ids = [d.doc_id for d in corpus.documents]
    assert compute.map_documents(len, doc_ids, cluster) == [len(d) for d in doc_ids]
    here = compute.map_annotated(_words, corpus, annotator)
    there = compute.map_annotated(_words, corpus, annotator, cluster)
    assert list(there) == list(here) == doc_ids and there == here
    assert all(doc_id == value[0] for doc_id, value in there.items())
    with pytest.raises(ZeroDivisionError):
        compute.map_documents(_divide, [1, 0, 2], cluster)


def _divide(x: int) -> float:
    return 1 / x
