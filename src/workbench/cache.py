"""The caches' storage layer: one hash, one kind of entry on disk, one default folder.

- ``digest`` is the one hash (SHA-256, hex, cut to ``length``); ``stable_hash`` hashes a JSON-able value,
  ``file_hash`` a file's bytes, ``code_fingerprint`` the workbench package itself.
- ``default_cache_dir``: ``$WORKBENCH_CACHE_DIR``, else the user's cache folder (platformdirs:
  ``~/.cache/workbench`` on Linux, ``%LOCALAPPDATA%\\workbench\\Cache`` on Windows).
- ``DiskCache``: entries ``<folder>/<key><suffix>``, written atomically (``safe_files.replace_atomic``); an
  entry that cannot be read or parsed is treated as missing, so it is rebuilt, never trusted.
- ``ResultCache``: finished tables by fingerprint (``<cache_dir>/results/<step>/<key>.json``), stored as JSON
  columns with their dtypes, which gives back exactly the same frame (no pickle), and files (the XLSX
  workbook, the REFI-QDA project) by the hash of their inputs.

The annotation cache (annotate.py) and the embedding cache (embed.py) are DiskCaches too.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from .safe_files import replace_atomic

logger = logging.getLogger(__name__)
FORMAT = 1


# -- the one hash ------------------------------------------------------------------------------------
def digest(data: bytes | str, length: int = 24) -> str:
    """SHA-256 of ``data`` (text as UTF-8) as hex, cut to ``length`` characters (64 = all of it)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()[:length]


def stable_hash(value: Any, length: int = 24) -> str:
    """``digest`` of a JSON-able value (keys sorted, anything else as its ``str``)."""
    return digest(json.dumps(value, sort_keys=True, default=str), length)


def file_hash(path: str | Path | None) -> str:
    """``digest`` of a file's bytes ("" for None, "missing" when it cannot be read)."""
    if not path:
        return ""
    try:
        return digest(Path(path).read_bytes())
    except OSError:
        return "missing"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the workbench package's own files (code, templates and shipped data): results computed
    by other code are never reused, even without a version change."""
    root = Path(__file__).resolve().parent
    parts = []
    for file in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        parts.append(digest(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes(), 64))
    return digest("".join(parts))


def default_cache_dir() -> Path:
    """``$WORKBENCH_CACHE_DIR``, else the user's cache folder for the workbench."""
    env = os.environ.get("WORKBENCH_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path("workbench", appauthor=False)


# -- entries on disk ---------------------------------------------------------------------------------
class DiskCache:
    """Entries by key in one folder. ``read`` gives None for a missing or damaged entry (and says which
    was damaged); ``write`` is atomic and a full disk only logs: a cache never stops an analysis."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def path(self, key: str, suffix: str = "") -> Path:
        return self.folder / f"{key}{suffix}"

    def keys(self, suffix: str = "") -> list[str]:
        """Keys of the entries with ``suffix``, sorted."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name[:len(p.name) - len(suffix)] for p in self.folder.glob(f"*{suffix}")
                      if not p.name.startswith("."))

    def read(self, key: str, suffix: str = "", parse: Callable[[bytes], Any] | None = None,
             warning: str | None = None) -> Any | None:
        """``parse(bytes)`` of the entry (the bytes themselves without ``parse``), or None when it is missing
        or ``parse`` fails. A failure is reported with ``warning`` (a message with ``{path}`` and ``{detail}``)
        or logged."""
        path = self.path(key, suffix)
        if not path.exists():
            return None
        try:
            raw = path.read_bytes()
            return parse(raw) if parse is not None else raw
        except Exception as err:  # whatever a damaged entry raises, it is made again
            detail = f"{type(err).__name__}: {err}"
            if warning:
                warnings.warn(warning.format(path=path, detail=detail), stacklevel=3)
            else:
                logger.warning("Cache entry %s is damaged (%s); it will be made again.", path, detail)
            return None

    def write(self, key: str, suffix: str, payload: bytes) -> bool:
        """Store ``payload`` atomically; False (and a log line) when the disk refuses."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            replace_atomic(self.path(key, suffix), payload)
        except OSError as err:
            logger.warning("Could not keep %s in the cache (%s); the analysis goes on.", self.path(key, suffix), err)
            return False
        return True

    def remove(self, key: str, suffix: str = "") -> None:
        self.path(key, suffix).unlink(missing_ok=True)


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

    def _entries(self, step: str) -> DiskCache:
        return DiskCache(self.root / step)

    def get(self, step: str, key: str) -> tuple[dict[str, pd.DataFrame], dict] | None:
        """(frames by name, meta) stored for ``step`` under ``key``, or None."""
        def parse(raw: bytes) -> tuple[dict[str, pd.DataFrame], dict] | None:
            stored = json.loads(raw.decode("utf-8"))
            if stored.get("format") != FORMAT or stored.get("key") != key:
                raise ValueError("it was written for another key or format")
            return {name: frame_from_dict(f) for name, f in stored["frames"].items()}, stored.get("meta", {})

        return self._entries(step).read(key, ".json", parse)

    def put(self, step: str, key: str, frames: dict[str, pd.DataFrame], meta: dict | None = None) -> None:
        """Store ``frames`` (atomically: a reader never sees half an entry). A full disk is only logged."""
        payload = {"format": FORMAT, "key": key, "meta": meta or {},
                   "frames": {name: frame_to_dict(f) for name, f in frames.items()}}
        self._entries(step).write(key, ".json", json.dumps(payload, allow_nan=True).encode("utf-8"))

    def get_file(self, step: str, key: str, suffix: str, dest: Path) -> bool:
        """Copy the cached file for ``key`` to ``dest``; False when there is none."""
        payload = self._entries(step).read(key, suffix)
        if payload is None:
            return False
        try:
            replace_atomic(dest, payload)
        except OSError:
            return False
        return True

    def put_file(self, step: str, key: str, suffix: str, source: Path) -> None:
        """Keep a copy of ``source`` for ``key``."""
        try:
            payload = source.read_bytes()
        except OSError as err:
            logger.warning("Could not keep %s in the cache (%s).", source.name, err)
            return
        self._entries(step).write(key, suffix, payload)
