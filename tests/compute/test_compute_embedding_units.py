"""The unit of embedding work (workbench.compute.embedding), with a stand-in model: each new text is
encoded once, with the other new texts of the first document that has it; cached texts are not encoded."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

import workbench.compute.embedding as embedding
import workbench.compute.worker as worker
import workbench.embed as embed
from workbench import compute


class _Recording(embed.Embedder):
    model_id = "recording:1"
    path = "unused"

    def __init__(self, calls: list):
        self.calls = calls
        self.model = object()

    def encode(self, texts):
        self.calls.append(list(texts))
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8)[:8] for t in texts]
        return np.array(rows, dtype=np.float32) + len(texts)  # depends on the batch, like a real model


@pytest.fixture
def calls(monkeypatch) -> list:
    calls: list = []
    monkeypatch.setattr(embed, "make_embedder", lambda *a, **k: _Recording(calls))
    monkeypatch.setattr(embedding, "make_embedder", lambda *a, **k: _Recording(calls))
    monkeypatch.setattr(worker, "_EMBEDDERS", {})
    return calls


def test_each_new_text_is_encoded_once_with_its_first_document(calls, tmp_path):
    groups = [["a", "b", "a"], ["b", "c"], [], ["a"]]
    parts = compute.embed_groups(groups, cache_dir=tmp_path)
    assert calls == [["a", "b"], ["c"]]
    assert [p.vectors.shape[0] for p in parts] == [3, 2, 0, 1]
    assert [p.n_computed for p in parts] == [2, 1, 0, 0]
    assert np.array_equal(parts[0].vectors[0], parts[3].vectors[0])  # "a" is one vector everywhere
    assert np.array_equal(parts[0].vectors[1], parts[1].vectors[0])


def test_a_second_run_reads_the_cache_and_the_themes_cache_reads_it_too(calls, tmp_path):
    first = compute.embed_groups([["x", "y"], ["z"]], cache_dir=tmp_path)
    calls.clear()
    again = compute.embed_groups([["x", "y"], ["z"]], cache_dir=tmp_path)
    assert calls == [] and [p.n_computed for p in again] == [0, 0]
    assert all(np.array_equal(a.vectors, b.vectors) for a, b in zip(first, again))
    cache = embed.EmbeddingCache(tmp_path)
    assert np.array_equal(cache.embed(_Recording(calls), ["z", "x"]), np.stack([first[1].vectors[0], first[0].vectors[0]]))
    assert calls == [] and cache.last_stats == {"cached": 2, "computed": 0}


def test_segments_come_back_in_corpus_order(calls, tmp_path, wb_small_corpus):
    from workbench.corpus import load_corpus

    corpus = load_corpus(wb_small_corpus)
    result = compute.embed_segments(corpus, cache_dir=tmp_path)
    single = compute.embed_groups([[s.text for s in corpus.segments_of(d.doc_id)] for d in corpus.documents],
                                  cache_dir=tmp_path)
    rows = {s.seg_id: v for d, part in zip(corpus.documents, single)
            for s, v in zip(corpus.segments_of(d.doc_id), part.vectors)}
    assert result.vectors.shape == (len(corpus.segments), 8)
    assert all(np.array_equal(result.vectors[i], rows[s.seg_id]) for i, s in enumerate(corpus.segments))
    assert result.n_computed == len({s.text for s in corpus.segments})


def test_a_static_model_goes_to_workers_as_a_model2vec_folder_never_distilled_there(tmp_path, monkeypatch):
    import dataclasses

    from workbench.errors import ComputeError

    folder = tmp_path / "models" / "static" / embed.STATIC_DIRNAME
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"weights")
    (folder / "modules.json").write_text("[]", encoding="utf-8")  # it looks like a sentence-transformers folder too
    monkeypatch.setattr(embed, "_loaded", lambda kind, path, load: ("loaded", kind))
    monkeypatch.setattr(worker, "_EMBEDDERS", {})
    spec = embedding._spec("static", tmp_path / "models", tmp_path / "cache")
    assert spec.kind == "m2v" and spec.name == str(folder.resolve())
    made = worker.embedder_for(spec)
    assert isinstance(made, embed.StaticEmbedder) and made.model_id == spec.model_id
    assert made.model == ("loaded", "m2v")
    gone = dataclasses.replace(spec, name=str(tmp_path / "elsewhere"))
    with pytest.raises(ComputeError) as err:
        embedding.embed_run(gone, [["a text"]])
    assert err.value.code == "E543" and "elsewhere" in str(err.value) and "this process" in str(err.value)
    assert not (tmp_path / "elsewhere").exists()
