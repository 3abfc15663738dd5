"""Load a folder of documents into a Corpus: walk, read each file, apply metadata, segment.

One bad file never sinks the corpus: it becomes a LoadProblem with its path and reason.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path

from ..errors import ConfigError, CorpusError, Errors, FileReadError, Warnings
from .accounting import Coverage, account
from .boilerplate import compile_patterns
from .layout import trim_boilerplate
from .metadata import METADATA_FILE, parse_roles, read_metadata
from .model import CONTENT_BLOCKS, KINDS, UNREAD, Corpus, Document, Exclusion, LoadProblem, Segment
from .readers import DEFAULT_KINDS, Reader, available_readers
from .segment import MAX_UNIT_CHARS, UNITS, segment_document
from .structure import interview_like, parse_transcript
from .text import is_blank

DEFAULT_MAX_FILE_MB = 50.0
DEFAULT_MAX_DOCUMENT_WORDS = 1_000_000
MIN_COVERAGE = 0.99  # below this share of accounted-for text, a document gets a warning
MAX_SET_ASIDE = 0.25  # more than this share as boilerplate, front matter or stage notes: a warning too
MIN_SET_ASIDE_CHARS = 1000  # (and more than this many characters: a short page with a byline is fine)
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


_PLAIN_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".vtt", ".srt", ".csv"}


def _check_words(rel: str, text: str | bytes, limit: int) -> None:
    """FileReadError E016 if ``text`` has more than ``limit`` words."""
    if len(text.split(None, limit)) > limit:
        words = len(text.split())
        blank = b"\n\n" if isinstance(text, bytes) else "\n\n"
        longest = max((len(p) for p in text.replace(b"\r" if isinstance(text, bytes) else "\r", blank[:1])
                       .split(blank)), default=0)
        raise FileReadError(Errors.E016.format(path=rel, words=words, limit=limit, longest=longest))


def read_document(path: Path, rel: str, max_file_mb: float = DEFAULT_MAX_FILE_MB,
                  max_document_words: int = DEFAULT_MAX_DOCUMENT_WORDS,
                  readers: dict[str, Reader] | None = None) -> Document:
    """Read one file into a Document (blocks, no segments yet). Raises FileReadError.
    ``readers``: suffix -> reader (default: every registered reader)."""
    readers = available_readers() if readers is None else readers
    suffix = path.suffix.lower()
    reader = readers.get(suffix)
    if reader is None:
        raise FileReadError(Errors.E003.format(path=rel, suffix=suffix or "(none)",
                                               supported=", ".join(sorted(readers))))
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
    if suffix in _PLAIN_SUFFIXES:  # counted on the bytes, before parsing millions of lines for nothing
        _check_words(rel, data, max_document_words)
    result = reader(data, rel)
    _check_words(rel, result.text, max_document_words)
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


def _speakers_by_metadata(doc: Document, guessed_kind: bool, boilerplate) -> str | None:
    """Speaker turns for a document that has none yet: forced when metadata says it is a transcript.
    Returns why it reads like an interview when it still has no speakers (for a warning), else None."""
    if any(b.kind == "turn" for b in doc.blocks):
        return None
    if doc.kind == "transcript" and doc.source_format in ("txt", "md", "docx", "pdf", "html"):
        found = parse_transcript(doc.text, force=True, boilerplate=boilerplate)
        if found is not None:
            doc.blocks = found[0]
            for name, role in found[1].items():
                doc.speaker_roles.setdefault(name, role)
            return None
    why = interview_like(doc.text)
    if why is not None and guessed_kind:
        doc.kind = "transcript"
    if why is None and doc.kind == "transcript" and doc.source_format in ("txt", "md", "docx", "pdf", "html"):
        why = "its kind is transcript"
    return why


def _coverage_warnings(doc: Document, cover: Coverage, exclusions: list[Exclusion]) -> list[str]:
    warnings = []
    if cover.coverage < MIN_COVERAGE:
        unread = [e for e in exclusions if e.reason == UNREAD]
        where = ", ".join(f"{e.start_char}-{e.end_char}" for e in unread[:5]) + (" ..." if len(unread) > 5 else "")
        warnings.append(Warnings.W004.format(coverage=cover.coverage, doc_id=doc.doc_id,
                                             unread=cover.excluded.get(UNREAD, 0), where=where))
    set_aside = {r: n for r, n in cover.excluded.items() if r in ("boilerplate", "front matter", "stage note")}
    if cover.characters and sum(set_aside.values()) > max(MAX_SET_ASIDE * cover.characters, MIN_SET_ASIDE_CHARS):
        reasons = " and ".join(f"{r} ({n / cover.characters:.0%})" for r, n in sorted(set_aside.items()))
        warnings.append(Warnings.W006.format(share=sum(set_aside.values()) / cover.characters, doc_id=doc.doc_id,
                                             reasons=reasons))
    return warnings


def load_corpus(path: str | os.PathLike, *, unit: str = "auto", max_turn_words: int = 250,
                max_file_mb: float = DEFAULT_MAX_FILE_MB, strict: bool = False,
                max_unit_chars: int = MAX_UNIT_CHARS, max_document_words: int = DEFAULT_MAX_DOCUMENT_WORDS,
                boilerplate: list[str] | tuple[str, ...] = ()) -> Corpus:
    """Load every supported file below ``path``. Problems are recorded, not raised (unless ``strict``).

    ``boilerplate``: extra patterns (regular expressions) for lines and edge sentences to set aside."""
    if unit not in UNITS:
        raise ConfigError(Errors.E054.format(unit=unit, options=", ".join(UNITS)))
    extra = compile_patterns(boilerplate)
    root = Path(path)
    if not root.exists():
        raise CorpusError(Errors.E050.format(path=path))
    if root.is_file():
        raise CorpusError(Errors.E056.format(path=path))
    problems: list[LoadProblem] = []
    metadata, metadata_hash = read_metadata(root)
    documents: list[Document] = []
    guessed: dict[str, bool] = {}
    readers = available_readers()
    for file in _walk(root, problems):
        rel = display_path(file.relative_to(root).as_posix())
        try:
            doc = read_document(file, rel, max_file_mb, max_document_words, readers)
            guessed[rel] = doc.kind == DEFAULT_KINDS.get(doc.source_format, "notes") and not any(
                b.kind == "turn" for b in doc.blocks) and doc.source_format in ("txt", "docx", "pdf")
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
            if metadata[rel].get("kind") in KINDS:
                guessed[rel] = False
            _apply_metadata(doc, metadata[rel])
        documents.append(doc)
    if strict and problems:
        raise CorpusError(Errors.E052.format(n_problems=len(problems), path=path))
    known = {doc.doc_id for doc in documents} | {p.path for p in problems}
    warnings = [Warnings.W003.format(path=doc.doc_id) for doc in documents if doc.encoding == "cp1252"]
    warnings += [Warnings.W002.format(doc_id=d) for d in metadata if d not in known]
    segments: list[Segment] = []
    exclusions: list[Exclusion] = []
    coverage: dict[str, Coverage] = {}
    kept: list[Document] = []
    for doc in documents:
        try:
            why = _speakers_by_metadata(doc, guessed.get(doc.doc_id, False), extra)
            if extra:
                doc.blocks = trim_boilerplate(doc.text, doc.blocks, extra)
            doc_segments = segment_document(doc, unit, max_turn_words, max_unit_chars)
            doc_exclusions, cover = account(doc, doc_segments)
        except (RecursionError, ValueError, IndexError, TypeError, KeyError, AttributeError, re.error) as err:
            problems.append(_problem(doc.doc_id, Errors.E017.format(path=doc.doc_id,
                                                                    detail=f"{type(err).__name__}: {err}")))
            continue
        if why is not None:
            warnings.append(Warnings.W005.format(doc_id=doc.doc_id, why=why))
        warnings += _coverage_warnings(doc, cover, doc_exclusions)
        kept.append(doc)
        segments += doc_segments
        exclusions += doc_exclusions
        coverage[doc.doc_id] = cover
    if strict and problems:
        raise CorpusError(Errors.E052.format(n_problems=len(problems), path=path))
    corpus = Corpus(str(root), kept, segments, problems, unit=unit, warnings=warnings,
                    extra_files={METADATA_FILE: metadata_hash} if metadata_hash else None)
    corpus.exclusions, corpus.coverage = exclusions, coverage
    return corpus
