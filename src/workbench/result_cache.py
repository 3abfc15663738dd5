"""Finished analysis results kept by fingerprint, so re-running an unchanged analysis is near instant.

A result is stored under ``<cache_dir>/results/<step>/<key>.json`` where ``key`` hashes everything the
step depends on (see ``Workbench.result_key``): the corpus files, the settings that shape it, the
files it reads (families, codebook), the embedding model, and the workbench code itself. Tables are
stored as JSON columns with their dtypes, which gives back exactly the same frame (no pickle).
Files (the XLSX workbook, the REFI-QDA project) are kept the same way, by the hash of their inputs.
A damaged entry is treated as missing and written again.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)
FORMAT = 1


def stable_hash(value: Any) -> str:
    """A short sha256 of a JSON-able value (keys sorted)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:24]


def file_hash(path: str | Path | None) -> str:
    """sha256 of a file's bytes ("" for None, "missing" when it does not exist)."""
    if not path:
        return ""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:24]
    except OSError:
        return "missing"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the workbench package's own files (code and shipped data): results computed by
    other code are never reused, even without a version change."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:24]


# -- frames <-> JSON ---------------------------------------------------------------------------------
def _column_values(series: pd.Series) -> list:
    values = series.tolist()
    if series.dtype.kind == "f":
        return [None if isinstance(v, float) and math.isnan(v) else v for v in values]
    return [None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA else
            v.item() if isinstance(v, np.generic) else v for v in values]


def frame_to_dict(frame: pd.DataFrame) -> dict:
    """A frame as JSON-able columns with their dtypes (the index is dropped: results use 0..n-1)."""
    return {"columns": [str(c) for c in frame.columns], "dtypes": [str(t) for t in frame.dtypes],
            "data": [_column_values(frame[c]) for c in frame.columns]}


def frame_from_dict(data: dict) -> pd.DataFrame:
    """The frame ``frame_to_dict`` stored, with the same columns, dtypes and values."""
    columns = {}
    for name, dtype, values in zip(data["columns"], data["dtypes"], data["data"]):
        if dtype.startswith(("float", "int", "uint", "bool", "str", "string", "category")):
            series = pd.Series(values, dtype="float64" if dtype.startswith("float") and None in values else None)
            columns[name] = series.astype(dtype)
        else:
            columns[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(columns, columns=data["columns"])


class ResultCache:
    """Tables and files by step and key under ``<cache_dir>/results``; ``get`` is None when absent or damaged."""

    def __init__(self, cache_dir: str | Path):
        self.root = Path(cache_dir) / "results"

    def _path(self, step: str, key: str, suffix: str) -> Path:
        return self.root / step / f"{key}{suffix}"

    def get(self, step: str, key: str) -> tuple[dict[str, pd.DataFrame], dict] | None:
        """(frames by name, meta) stored for ``step`` under ``key``, or None."""
        path = self._path(step, key, ".json")
        if not path.exists():
            return None
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored.get("format") != FORMAT or stored.get("key") != key:
                return None
            frames = {name: frame_from_dict(f) for name, f in stored["frames"].items()}
        except (OSError, ValueError, KeyError, TypeError) as err:
            logger.warning("Cached result %s is damaged (%s); it will be computed again.", path, err)
            return None
        return frames, stored.get("meta", {})

    def put(self, step: str, key: str, frames: dict[str, pd.DataFrame], meta: dict | None = None) -> None:
        """Store ``frames`` (atomically: a reader never sees half an entry). A full disk is only logged."""
        payload = {"format": FORMAT, "key": key, "meta": meta or {},
                   "frames": {name: frame_to_dict(f) for name, f in frames.items()}}
        try:
            _write_atomic(self._path(step, key, ".json"), json.dumps(payload, allow_nan=True).encode("utf-8"))
        except OSError as err:
            logger.warning("Could not keep the %s result in the cache (%s); the analysis goes on.", step, err)

    def get_file(self, step: str, key: str, suffix: str, dest: Path) -> bool:
        """Copy the cached file for ``key`` to ``dest``; False when there is none."""
        path = self._path(step, key, suffix)
        if not path.exists():
            return False
        try:
            tmp = dest.with_name(f".{dest.name}.tmp")
            shutil.copyfile(path, tmp)
            os.replace(tmp, dest)
        except OSError:
            return False
        return True

    def put_file(self, step: str, key: str, suffix: str, source: Path) -> None:
        """Keep a copy of ``source`` for ``key``."""
        try:
            _write_atomic(self._path(step, key, suffix), source.read_bytes())
        except OSError as err:
            logger.warning("Could not keep %s in the cache (%s).", source.name, err)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
