"""Writing files the user must never lose: atomic replace, and a kept copy of a corrupt file."""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timezone
from pathlib import Path


def _new_temp_file(folder: Path, name: str, private: bool = False) -> tuple[int, str]:
    """A new, empty temp file in ``folder``, opened for writing. Unlike ``tempfile.mkstemp`` (always
    0600) it gets the mode any new file gets (0666 less the umask: 0644 usually), so a file replaced
    through it has the same permissions as the user's other files; ``private``: owner only (0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o600 if private else 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {name} in {folder}")


def replace_atomic(path: Path, payload: bytes, *, private: bool = False) -> None:
    """Write to a temp file in the same folder, flush it to disk, then os.replace it over ``path``.
    The new file has the usual mode of new files (0644 under the usual umask), or with ``private``
    owner-only permissions (0600), e.g. for a pseudonymisation key."""
    fd, tmp = _new_temp_file(Path(path).parent, Path(path).name, private)
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
