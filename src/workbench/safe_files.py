"""Writing files the user must never lose: atomic replace, and a kept copy of a corrupt file."""
from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path


def replace_atomic(path: Path, payload: bytes) -> None:
    """Write to a temp file in the same folder, flush it to disk, then os.replace it over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable where the OS allows it
        try:
            dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


def keep_corrupt_copy(path: Path, raw: bytes, reuse_identical: bool = True) -> Path:
    """Copy a corrupt file to ``<stem>.corrupt-<time>.json``; never overwrites an earlier copy, and
    with ``reuse_identical`` returns an earlier copy of the same bytes instead of making another."""
    for earlier in sorted(path.parent.glob(f"{path.stem}.corrupt-*.json")) if reuse_identical else []:
        try:
            if earlier.read_bytes() == raw:
                return earlier
        except OSError:
            continue
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for i in range(1000):
        suffix = f"-{i}" if i else ""
        target = path.with_name(f"{path.stem}.corrupt-{stamp}{suffix}.json")
        try:
            with open(target, "xb") as handle:
                handle.write(raw)
            return target
        except FileExistsError:
            continue
    raise FileExistsError(f"too many corrupt backups of {path}")
