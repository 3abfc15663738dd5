"""Codings: codes a person (or a rule or model) attached to a span of a segment, saved as they happen.

Each coder has one file ``<folder>/<coder>.json`` (``{"version": 1, "codings": [...]}``, one coding per
line). A file is only ever replaced whole (temp file + fsync + ``os.replace``), the previous version is
kept as ``<coder>.json.bak``, and a corrupt file is copied to ``<coder>.corrupt-<time>.json`` and
reported (E411), never reset. Every save takes an exclusive lock (``<coder>.json.lock``), re-reads the
file and merges by ``coding_id`` (the later ``updated`` wins), so two stores on one folder - in two
processes or two threads - never lose each other's codings.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pandas as pd

from ..safe_files import keep_corrupt_copy, replace_atomic
from ..errors import Errors, WorkbenchError

SOURCES = ("rule", "model", "human")
STATUSES = ("accepted", "pending", "rejected")
ACTIONS = ("accept", "reject", "correct")
MACHINE_CODER = "workbench"
CODINGS_VERSION = 1
FRAME_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "codes", "coder", "source", "status", "memo",
                 "score", "evidence", "created", "coding_id", "updated", "reviewed_by", "text"]


class CodingError(WorkbenchError, ValueError):
    """A coding, coding file or request that cannot be used."""


def _now() -> str:
    # Microseconds: "the later `updated` wins" must separate edits made within one second.
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _new_id() -> str:
    return uuid.uuid4().hex


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class Coding:
    """One or more codes on document characters ``start_char:end_char`` (inside segment ``seg_id``).

    ``text`` is the coded text when the coding was made (filled by ``code_span``); ``verify_offsets``
    compares it with the document to find codings a later edit of the document has moved.
    """

    doc_id: str
    seg_id: str
    start_char: int
    end_char: int
    codes: list[str]
    coder: str
    source: str
    status: str = "accepted"
    memo: str = ""
    score: float | None = None
    evidence: str = ""
    created: str = field(default_factory=_now)
    updated: str = ""
    reviewed_by: str | None = None
    text: str = ""
    coding_id: str = field(default_factory=_new_id)

    def __post_init__(self) -> None:
        def bad(detail: str) -> CodingError:
            return CodingError(Errors.E412.format(detail=detail))

        for name in ("doc_id", "seg_id", "coder", "coding_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise bad(f"{name} must be non-empty text, got {value!r}")
        if not (_is_int(self.start_char) and _is_int(self.end_char)) or not 0 <= self.start_char < self.end_char:
            raise bad(f"the span {self.start_char!r}-{self.end_char!r} must be whole numbers with "
                      f"0 <= start_char < end_char")
        if isinstance(self.codes, str):
            self.codes = [self.codes]
        if not isinstance(self.codes, (list, tuple)) or not all(isinstance(c, str) for c in self.codes):
            raise bad(f"codes must be a list of code names, got {self.codes!r}")
        codes = list(dict.fromkeys(c.strip() for c in self.codes))
        if not codes or not all(codes):
            raise bad("codes must hold at least one non-empty code name")
        if any(";" in c for c in codes):
            raise bad(f"a code name may not contain ';' (tables join codes with '; '): {codes!r}")
        self.codes = codes
        if self.source not in SOURCES:
            raise bad(f"source {self.source!r} is unknown; use one of {', '.join(SOURCES)}")
        if self.status not in STATUSES:
            raise bad(f"status {self.status!r} is unknown; use one of {', '.join(STATUSES)}")
        if self.score is not None:
            if isinstance(self.score, bool) or not isinstance(self.score, (int, float)):
                raise bad(f"score must be a number or None, got {self.score!r}")
            self.score = float(self.score)
        for name in ("memo", "evidence", "created", "updated", "text"):
            if not isinstance(getattr(self, name), str):
                raise bad(f"{name} must be text")
        if self.reviewed_by is not None and not isinstance(self.reviewed_by, str):
            raise bad("reviewed_by must be text or None")
        if not self.updated:
            self.updated = self.created

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Coding:
        if not isinstance(data, dict):
            raise CodingError(Errors.E412.format(detail=f"a coding must be an object, got {type(data).__name__}"))
        known = {f.name for f in fields(cls)}
        required = {"doc_id", "seg_id", "start_char", "end_char", "codes", "coder", "source", "coding_id"}
        missing, unknown = required - set(data), set(data) - known
        if missing or unknown:
            raise CodingError(Errors.E412.format(
                detail=f"missing keys {sorted(missing)}, unknown keys {sorted(unknown)}"))
        return cls(**data)

    def key(self) -> tuple:
        """What makes two suggestions duplicates: same segment, span, codes and source."""
        return self.seg_id, self.start_char, self.end_char, tuple(sorted(self.codes)), self.source


# -- files ---------------------------------------------------------------------------------------
def _coder_file(folder: Path, coder: str) -> Path:
    # Percent-encode everything but letters, digits, '_', '-' (dots too), so a coder file's stem never
    # contains '.', which tells it apart from '<coder>.corrupt-<time>.json' copies.
    return folder / (quote(coder, safe="").replace(".", "%2E") + ".json")


def _is_coder_file(path: Path) -> bool:
    return path.suffix == ".json" and not path.name.startswith(".") and "." not in path.stem


def _backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Exclusive lock on ``path`` (flock on ``<path>.lock``). flock belongs to the open file, so it also
    keeps apart two threads of one process; the kernel releases it if the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _read_file(path: Path) -> dict[str, Coding]:
    """The codings in one coder file by coding_id ({} if it does not exist); E411 if it is corrupt."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or set(data) != {"version", "codings"}:
            raise CodingError('expected an object with exactly the keys "version" and "codings"')
        if data["version"] != CODINGS_VERSION:
            raise CodingError(f"unsupported version {data['version']!r} (this workbench reads {CODINGS_VERSION})")
        if not isinstance(data["codings"], list):
            raise CodingError('"codings" must be a list')
        out: dict[str, Coding] = {}
        for item in data["codings"]:
            coding = Coding.from_dict(item)
            out[coding.coding_id] = _newer(out.get(coding.coding_id), coding)
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError and CodingError are ValueErrors
        backup = keep_corrupt_copy(path, raw)
        raise CodingError(Errors.E411.format(path=path, detail=exc, backup=backup,
                                             previous=_backup_path(path))) from exc
    return out


def _newer(old: Coding | None, new: Coding) -> Coding:
    """The later-updated of two versions of one coding; ``new`` on a tie."""
    if old is None:
        return new
    return old if old.updated > new.updated else new


def _union(into: dict[str, Coding], codings: Iterable[Coding]) -> dict[str, Coding]:
    for coding in codings:
        into[coding.coding_id] = _newer(into.get(coding.coding_id), coding)
    return into


def _write_merged(path: Path, codings: Iterable[Coding]) -> dict[str, Coding]:
    """Under the lock: re-read ``path``, merge ``codings`` in by coding_id, and replace it atomically."""
    codings = list(codings)
    with _locked(path):
        merged = _union(_read_file(path), codings)
        ordered = sorted(merged.values(), key=lambda c: (c.created, c.coding_id))
        lines = ",\n".join(json.dumps(c.to_dict(), ensure_ascii=False) for c in ordered)
        text = (f'{{"version": {CODINGS_VERSION}, "codings": [\n{lines}\n]}}\n' if lines
                else f'{{"version": {CODINGS_VERSION}, "codings": []}}\n')
        if path.exists():
            replace_atomic(_backup_path(path), path.read_bytes())
        replace_atomic(path, text.encode("utf-8"))
    return merged


# -- the store -----------------------------------------------------------------------------------
class CodingStore:
    """All coders' codings in ``folder`` (e.g. ``<corpus>/.workbench/codings/``), one file per coder.

    Every change is saved at once. Reads (``all``, ``frame``, ``queue``, ``coders``) re-read the files,
    so they see what other stores on the same folder saved.
    """

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self._codings: dict[str, Coding] = {}
        self._files: dict[str, Path] = {}  # coding_id -> the file it lives in
        self.load()

    def path_for(self, coder: str) -> Path:
        """The file that holds ``coder``'s codings."""
        return _coder_file(self.folder, coder)

    def _coder_files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if _is_coder_file(p) and p.is_file())

    def load(self) -> CodingStore:
        """Re-read every coder file (E411 if one is corrupt; that file is kept and copied)."""
        codings: dict[str, Coding] = {}
        files: dict[str, Path] = {}
        for path in self._coder_files():
            for coding_id, coding in _read_file(path).items():
                best = _newer(codings.get(coding_id), coding)
                if best is coding:
                    files[coding_id] = path
                codings[coding_id] = best
        self._codings, self._files = codings, files
        return self

    def _save(self, codings: list[Coding]) -> None:
        by_file: dict[Path, list[Coding]] = {}
        for coding in codings:
            path = self._files.get(coding.coding_id) or self.path_for(coding.coder)
            by_file.setdefault(path, []).append(coding)
        for path, group in by_file.items():
            merged = _write_merged(path, group)
            _union(self._codings, merged.values())
            self._files.update(dict.fromkeys(merged, path))

    # -- changes ---------------------------------------------------------------------------------
    def add(self, coding: Coding) -> Coding:
        """Save ``coding`` in its coder's file (at once, atomically) and return it."""
        if not isinstance(coding, Coding):
            raise CodingError(Errors.E412.format(detail=f"expected a Coding, got {type(coding).__name__}"))
        self._save([coding])
        return coding

    def code_span(self, corpus, seg_id: str, codes: Iterable[str] | str, coder: str,
                  start_char: int | None = None, end_char: int | None = None, memo: str = "") -> Coding:
        """A person codes segment ``seg_id`` (whole, or document offsets ``start_char:end_char`` inside it)."""
        try:
            seg = corpus.segment(seg_id)
        except KeyError:
            example = corpus.segments[0].seg_id if corpus.segments else "none"
            raise CodingError(Errors.E413.format(seg_id=seg_id, example=example)) from None
        start = seg.start_char if start_char is None else start_char
        end = seg.end_char if end_char is None else end_char
        if not (_is_int(start) and _is_int(end)) or not seg.start_char <= start < end <= seg.end_char:
            raise CodingError(Errors.E410.format(start_char=start, end_char=end, seg_id=seg_id, doc_id=seg.doc_id,
                                                 seg_start=seg.start_char, seg_end=seg.end_char))
        text = corpus.document(seg.doc_id).text[start:end]
        codes = [codes] if isinstance(codes, str) else list(codes)
        return self.add(Coding(doc_id=seg.doc_id, seg_id=seg_id, start_char=start, end_char=end, codes=codes,
                               coder=coder, source="human", status="accepted", memo=memo, text=text))

    def suggest(self, codings: Iterable[Coding]) -> int:
        """Save machine suggestions as pending; returns how many were new.

        A suggestion is skipped if the store (any coder, any status - so a rejected suggestion is not
        offered again) or the same batch already has one with the same segment, span, codes and source.
        """
        self.load()
        seen = {c.key() for c in self._codings.values()}
        fresh: list[Coding] = []
        for coding in codings:
            if not isinstance(coding, Coding):
                raise CodingError(Errors.E412.format(detail=f"expected a Coding, got {type(coding).__name__}"))
            if coding.source == "human":
                raise CodingError(Errors.E412.format(
                    detail="suggestions come from a rule or a model; save a person's coding with add()"))
            if coding.key() in seen or coding.coding_id in self._codings:
                continue
            seen.add(coding.key())
            fresh.append(replace(coding, status="pending", reviewed_by=None))
        if fresh:
            self._save(fresh)
        return len(fresh)

    def review(self, coding_id: str, reviewer: str, action: str, codes: Iterable[str] | None = None,
               memo: str | None = None) -> Coding:
        """Accept, reject or correct (accept with new ``codes``) a coding; saved at once."""
        self.load()
        if coding_id not in self._codings:
            raise CodingError(Errors.E414.format(coding_id=coding_id, folder=self.folder))
        if action not in ACTIONS:
            raise CodingError(Errors.E415.format(coding_id=coding_id, detail=f"unknown action {action!r}"))
        if not isinstance(reviewer, str) or not reviewer.strip():
            raise CodingError(Errors.E415.format(coding_id=coding_id, detail="the reviewer's name is missing"))
        if action == "correct" and not codes:
            raise CodingError(Errors.E415.format(coding_id=coding_id, detail="'correct' needs the new codes"))
        if action != "correct" and codes is not None:
            raise CodingError(Errors.E415.format(coding_id=coding_id, detail=f"'{action}' takes no codes"))
        changes: dict[str, Any] = {"status": "rejected" if action == "reject" else "accepted",
                                   "reviewed_by": reviewer, "updated": _now()}
        if action == "correct":
            changes["codes"] = [codes] if isinstance(codes, str) else list(codes)
        if memo is not None:
            changes["memo"] = memo
        coding = Coding(**{**self._codings[coding_id].to_dict(), **changes})  # validated again
        self._save([coding])
        return coding

    # -- reading ---------------------------------------------------------------------------------
    def all(self, coder: str | None = None, status: str | None = None) -> list[Coding]:
        """Codings (optionally of one coder and/or status), oldest first."""
        self.load()
        out = [c for c in self._codings.values()
               if (coder is None or c.coder == coder) and (status is None or c.status == status)]
        return sorted(out, key=lambda c: (c.created, c.coding_id))

    def frame(self, coder: str | None = None, status: str | None = None) -> pd.DataFrame:
        """``all(...)`` as a DataFrame; ``codes`` joined with '; '."""
        return codings_frame(self.all(coder=coder, status=status))

    def queue(self) -> list[Coding]:
        """Pending suggestions to review, highest score first (unscored last); equal scores in document order."""
        pending = self.all(status="pending")
        return sorted(pending, key=lambda c: (c.score is None, -(c.score or 0.0), c.doc_id, c.start_char,
                                              c.end_char, c.codes))

    def coders(self) -> list[str]:
        """Coders with a file in the folder."""
        return sorted(unquote(p.stem) for p in self._coder_files())

    def __len__(self) -> int:
        return len(self.all())

    def __repr__(self) -> str:
        return f"CodingStore({str(self.folder)!r}, codings={len(self._codings)})"

    @staticmethod
    def merge(a: Path | str, b: Path | str, out: Path | str) -> dict[str, Any]:
        """Merge two coders' stores (folders or single coder files) into ``out``; returns counts.

        Union by coding_id; for a coding_id in both, the later ``updated`` wins. Nothing is dropped:
        codings already in ``out`` are kept too. ``out`` is a single file if it ends in '.json'
        (then every merged coding goes into it), otherwise a folder with one file per coder.
        """
        sides = []
        for path in (Path(a), Path(b)):
            if path.is_dir():
                files = [p for p in sorted(path.iterdir()) if _is_coder_file(p) and p.is_file()]
            elif path.is_file():
                files = [path]
            else:
                raise CodingError(Errors.E416.format(path=path, detail="does not exist"))
            side: dict[str, Coding] = {}
            for file in files:
                _union(side, _read_file(file).values())
            sides.append(side)
        left, right = sides
        both = set(left) & set(right)
        differ = {i for i in both if left[i].to_dict() != right[i].to_dict()}
        merged = _union(dict(left), right.values())
        out = Path(out)
        if out.suffix == ".json":
            total = len(_write_merged(out, merged.values()))
        else:
            store = CodingStore(out)
            store._save(list(merged.values()))
            total = len(store.all())
        return {"a": len(left), "b": len(right), "only_a": len(set(left) - set(right)),
                "only_b": len(set(right) - set(left)), "both": len(both), "conflicts": len(differ),
                "conflicts_won_by_b": sum(merged[i] is right[i] for i in differ),
                "merged": len(merged), "total_in_out": total}


def codings_frame(codings: Iterable[Coding]) -> pd.DataFrame:
    """Codings as a DataFrame with FRAME_COLUMNS (``codes`` joined with '; ')."""
    rows = [{**c.to_dict(), "codes": "; ".join(c.codes)} for c in codings]
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    return frame.astype({"start_char": "int64", "end_char": "int64", "score": "float64"})


def verify_offsets(corpus, codings: Iterable[Coding] | CodingStore) -> list[str]:
    """coding_ids of codings that no longer fit the corpus: the document or segment is gone, the span
    is no longer inside the segment or the document, or the text at the offsets differs from the text
    saved when the coding was made (the document was edited)."""
    if isinstance(codings, CodingStore):
        codings = codings.all()
    docs = {doc.doc_id: doc for doc in corpus.documents}
    bad: list[str] = []
    for coding in codings:
        doc = docs.get(coding.doc_id)
        try:
            seg = corpus.segment(coding.seg_id)
        except KeyError:
            seg = None
        if (doc is None or seg is None or seg.doc_id != coding.doc_id
                or not seg.start_char <= coding.start_char < coding.end_char <= seg.end_char
                or (coding.text and doc.text[coding.start_char:coding.end_char] != coding.text)):
            bad.append(coding.coding_id)
    return bad
