"""Embedding backends and their on-disk cache."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from workbench.embed import (EmbeddingCache, Embedder, SentenceTransformerEmbedder, StaticEmbedder,
                             default_models_dir, make_embedder)
from workbench.errors import WorkbenchError


class CountingEmbedder(Embedder):
    """Deterministic fake vectors from the text hash; counts how many texts it was asked to encode."""

    def __init__(self, model_id: str = "fake:1"):
        self.model_id = model_id
        self.encoded = 0

    def encode(self, texts):
        self.encoded += len(texts)
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8)[:8].astype(np.float32)
                for t in texts]
        return np.stack(rows) / 255.0


def test_cache_computes_each_text_once(tmp_path):
    cache, embedder = EmbeddingCache(tmp_path), CountingEmbedder()
    first = cache.embed(embedder, ["a", "b", "a"])
    assert embedder.encoded == 2 and cache.last_stats == {"cached": 0, "computed": 2}
    again = EmbeddingCache(tmp_path).embed(embedder, ["b", "a", "c"])
    assert embedder.encoded == 3  # only "c" was new
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[1], first[0])


def test_cache_keeps_models_apart(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.embed(CountingEmbedder("fake:1"), ["a"])
    other = CountingEmbedder("fake:2")
    cache.embed(other, ["a"])
    assert other.encoded == 1


def test_corrupt_shard_is_removed_and_rebuilt(tmp_path):
    cache, embedder = EmbeddingCache(tmp_path), CountingEmbedder()
    expected = cache.embed(embedder, ["a", "b"])
    for shard in tmp_path.rglob("*.vectors.npy"):
        shard.write_bytes(b"not a numpy file")
    with pytest.warns(UserWarning, match=r"\[W360\]"):
        rebuilt = EmbeddingCache(tmp_path).embed(embedder, ["a", "b"])
    assert embedder.encoded == 4 and np.array_equal(rebuilt, expected)


def test_unknown_backend_is_a_numbered_error(tmp_path):
    with pytest.raises(WorkbenchError, match=r"^\[E361\]"):
        make_embedder(str(tmp_path / "nothing-here"))


def test_models_dir_is_found_beside_corpora(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBENCH_MODELS_DIR", raising=False)
    (tmp_path / "models").mkdir()
    (tmp_path / "corpora" / "x").mkdir(parents=True)
    assert default_models_dir(tmp_path / "corpora" / "x") == tmp_path / "models"
    monkeypatch.setenv("WORKBENCH_MODELS_DIR", str(tmp_path / "elsewhere"))
    assert default_models_dir(tmp_path / "corpora" / "x") == tmp_path / "elsewhere"


@pytest.mark.slow
def test_minilm_loads_offline_and_gives_unit_vectors(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = SentenceTransformerEmbedder()
    vectors = embedder.encode(["with people, not for them", "doing things with people rather than to them",
                               "the car park was full"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert embedder.model_id.startswith("st:all-MiniLM-L6-v2:")


@pytest.mark.slow
def test_static_model_is_distilled_once_and_then_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = StaticEmbedder(models_dir=tmp_path)
    vectors = embedder.encode(["payment and vouchers", "paying people properly", "the weather today"])
    assert (tmp_path / "static").is_dir() and vectors.shape == (3, 256)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    import workbench.embed as embed_module

    monkeypatch.setattr(embed_module, "distil_static_model", lambda *a, **k: pytest.fail("distilled twice"))
    reloaded = StaticEmbedder(models_dir=tmp_path)
    assert np.allclose(reloaded.encode(["payment and vouchers"])[0], vectors[0])
    assert reloaded.model_id == embedder.model_id
    assert make_embedder("static", tmp_path).model_id == embedder.model_id
