"""The folder a shared copy goes to: the marker file that identifies a pseudonymised copy, the checks
before one is written (never into or around the corpus, never over other files) and writing its files."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import Errors
from ..safe_files import replace_atomic
from .errors import PseudonymisationError

MARKER_FILE = ".workbench-pseudonymised.json"  # the loader skips dot files, so it never becomes a document


def inside(path: Path, folder: Path) -> bool:
    """True if ``path`` is ``folder`` or lies below it (both resolved)."""
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def marked_folder(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that holds a pseudonymised copy's marker file."""
    for folder in [path, *path.parents]:
        if (folder / MARKER_FILE).is_file():
            return folder
    return None


def check_out_dir(out_dir: str | Path, corpus_dir: str | Path, overwrite: bool = False) -> None:
    """Raise E502 unless ``out_dir`` may receive a copy: new or empty, or (with ``overwrite``) an earlier
    copy, and neither inside nor around the corpus folder. Changes nothing."""
    out = Path(out_dir).expanduser().resolve()
    source = Path(corpus_dir).expanduser().resolve()
    if out == source or inside(out, source) or inside(source, out):
        raise PseudonymisationError(Errors.E502.format(
            path=out, detail=f"it overlaps the corpus folder '{source}'"))
    if out.exists() and not out.is_dir():
        raise PseudonymisationError(Errors.E502.format(path=out, detail="it is a file"))
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER_FILE).is_file():
            raise PseudonymisationError(Errors.E502.format(
                path=out, detail="it is not empty and is not an earlier pseudonymised copy"))
        if not overwrite:
            raise PseudonymisationError(Errors.E502.format(path=out, detail="it already holds a pseudonymised copy"))


def prepare_out_dir(out: Path, source: Path, overwrite: bool) -> None:
    """Check ``out`` (see ``check_out_dir``), empty it if it holds an earlier copy, and create it."""
    check_out_dir(out, source, overwrite)
    if out.is_dir() and any(out.iterdir()):
        shutil.rmtree(out)  # only an earlier copy (it has the marker file) is ever removed
    out.mkdir(parents=True, exist_ok=True)


def write_shared(path: Path, payload: bytes) -> None:
    """Write a file of the copy atomically, readable as the user's umask allows (unlike the key)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_atomic(path, payload)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
