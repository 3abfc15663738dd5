"""Load a folder of documents into a Corpus: walk, read each file, apply metadata, segment.

One bad file never sinks the corpus: it becomes a LoadProblem with its path and reason.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from ..errors import ConfigError, CorpusError, Errors, FileReadError, Warnings
from .metadata import METADATA_FILE, parse_roles, read_metadata
from .model import CONTENT_BLOCKS, KINDS, Corpus, Document, LoadProblem
from .readers import DEFAULT_KINDS, READERS
from .segment import UNITS, segment_document
from .text import is_blank

DEFAULT_MAX_FILE_MB = 50.0
_IGNORED_NAMES = {METADATA_FILE, "Thumbs.db", "desktop.ini"}


def display_path(name: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 (which the OS hands over as lone
    surrogates) are written as ``\\xNN``, so ids print, hash and export everywhere."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _is_within(path: str, folder: str) -> bool:
    folder = folder.rstrip(os.sep)
    return path == folder or path.startswith(folder + os.sep) or folder == ""


def _walk(root: Path, problems: list[LoadProblem]) -> list[Path]:
    """Files below root in a stable order. Linked folders outside the corpus are followed once;
    a link back to a folder above it is a loop (reported); a link to a folder inside the corpus is
    skipped, since that folder is read anyway."""
    files: list[Path] = []
    root_real = os.path.realpath(root)
    followed: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        here_real = os.path.realpath(dirpath)
        kept = []
        for name in sorted(dirnames):
            if name.startswith((".", "__")):
                continue
            full = Path(dirpath) / name
            if full.is_symlink():
                real = os.path.realpath(full)
                if _is_within(here_real, real):
                    rel = display_path(full.relative_to(root).as_posix())
                    problems.append(LoadProblem(rel, "E011", Errors.E011.format(path=rel, target=display_path(real))))
                    continue
                if _is_within(real, root_real) or real in followed:
                    continue
                followed.add(real)
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith((".", "~$")) or name in _IGNORED_NAMES and Path(dirpath) == root:
                continue
            files.append(Path(dirpath) / name)
    return files


def _is_link_loop(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as err:
        return err.errno == errno.ELOOP
    return False


def _problem(rel: str, message: str) -> LoadProblem:
    code = message[1:5] if message.startswith("[E") else "E012"
    return LoadProblem(rel, code, message)


def read_document(path: Path, rel: str, max_file_mb: float = DEFAULT_MAX_FILE_MB) -> Document:
    """Read one file into a Document (blocks, no segments yet). Raises FileReadError."""
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise FileReadError(Errors.E003.format(path=rel, suffix=suffix or "(none)",
                                               supported=", ".join(sorted(READERS))))
    try:
        if path.is_symlink() and not path.exists():
            if _is_link_loop(path):
                raise FileReadError(Errors.E011.format(path=rel, target=display_path(os.readlink(path))))
            raise FileReadError(Errors.E012.format(path=rel, detail="it is a link to a file that does not exist"))
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe or device would block or never end
            raise FileReadError(Errors.E012.format(path=rel, detail="it is not a regular file (a pipe, device "
                                                   "or socket)"))
        limit = int(max_file_mb * 1024 * 1024)
        if info.st_size > limit:
            raise FileReadError(Errors.E004.format(path=rel, size_mb=info.st_size / 1024 / 1024, limit_mb=max_file_mb))
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # the size on disk may be wrong (/proc) or growing
        if len(data) > limit:
            raise FileReadError(Errors.E004.format(path=rel, size_mb=len(data) / 1024 / 1024, limit_mb=max_file_mb))
    except OSError as err:
        raise FileReadError(Errors.E012.format(path=rel, detail=err.strerror or err)) from None
    if not data.strip():
        raise FileReadError(Errors.E001.format(path=rel))
    result = reader(data, rel)
    if not any(b.kind in CONTENT_BLOCKS for b in result.blocks):
        if is_blank(result.text):
            raise FileReadError(Errors.E001.format(path=rel))
        raise FileReadError(Errors.E013.format(path=rel, detail="only titles or headings were found"))
    kind = result.kind if result.kind in KINDS else DEFAULT_KINDS.get(result.source_format, "notes")
    attributes = {k: v for k, v in result.metadata.items() if k not in ("title", "kind", "date")}
    return Document(
        doc_id=rel, text=result.text, kind=kind, source_format=result.source_format,
        title=result.title or display_path(path.stem),
        date=str(result.metadata["date"]) if result.metadata.get("date") else None,
        attributes=attributes, speaker_roles=dict(result.speaker_roles), blocks=result.blocks,
        sha256=hashlib.sha256(data).hexdigest(), encoding=result.encoding,
    )


def _apply_metadata(doc: Document, row: dict) -> None:
    row = dict(row)
    if row.get("kind") in KINDS:
        doc.kind = row.pop("kind")
    if row.get("title"):
        doc.title = row.pop("title")
    if row.get("date"):
        doc.date = row.pop("date")
    if "speaker_roles" in row:
        doc.speaker_roles.update(parse_roles(row.pop("speaker_roles")))
    doc.attributes.update(row)


def load_corpus(path: str | os.PathLike, *, unit: str = "auto", max_turn_words: int = 250,
                max_file_mb: float = DEFAULT_MAX_FILE_MB, strict: bool = False) -> Corpus:
    """Load every supported file below ``path``. Problems are recorded, not raised (unless ``strict``)."""
    if unit not in UNITS:
        raise ConfigError(Errors.E054.format(unit=unit, options=", ".join(UNITS)))
    root = Path(path)
    if not root.exists():
        raise CorpusError(Errors.E050.format(path=path))
    if root.is_file():
        raise CorpusError(Errors.E056.format(path=path))
    problems: list[LoadProblem] = []
    metadata, metadata_hash = read_metadata(root)
    documents: list[Document] = []
    for file in _walk(root, problems):
        rel = display_path(file.relative_to(root).as_posix())
        try:
            doc = read_document(file, rel, max_file_mb)
        except FileReadError as err:
            problems.append(_problem(rel, str(err)))
            continue
        except RecursionError:
            problems.append(_problem(rel, Errors.E013.format(path=rel, detail="it is nested too deeply to read")))
            continue
        except Exception as err:  # a reader bug must not sink the corpus either
            problems.append(_problem(rel, Errors.E012.format(path=rel, detail=f"{type(err).__name__}: {err}")))
            continue
        if rel in metadata:
            _apply_metadata(doc, metadata[rel])
        documents.append(doc)
    if strict and problems:
        raise CorpusError(Errors.E052.format(n_problems=len(problems), path=path))
    known = {doc.doc_id for doc in documents} | {p.path for p in problems}
    warnings = [Warnings.W003.format(path=doc.doc_id) for doc in documents if doc.encoding == "cp1252"]
    warnings += [Warnings.W002.format(doc_id=d) for d in metadata if d not in known]
    segments = [seg for doc in documents for seg in segment_document(doc, unit, max_turn_words)]
    return Corpus(str(root), documents, segments, problems, unit=unit, warnings=warnings,
                  extra_files={METADATA_FILE: metadata_hash} if metadata_hash else None)
