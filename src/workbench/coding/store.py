"""Codings: codes a person (or a rule or model) attached to a span of a segment, saved as they happen.

All coders' codings of a project live in one SQLite database, ``<folder>/codings.sqlite3`` (the
standard library's ``sqlite3``; WAL mode, full sync), one row per coding. A save is one small
transaction: it costs the same with 100 or 100,000 codings, two coders in two processes (or two widgets
in one) save at the same time without losing each other's work, and a process killed mid-save loses
nothing that was saved before (SQLite's journal). No file lock is needed, so it works the same on
Windows. Keep the folder on a local disk: SQLite's WAL mode does not work on network shares.

Before the database, each coder had a JSON file ``<folder>/<coder>.json``. Such files are moved into the
database the first time a store opens the folder (in one transaction, nothing lost: a coding in both
keeps its later edit), and then moved, unchanged, to ``<folder>/json-backup/``. A damaged JSON file is
refused (E411) and left where it is, and nothing is migrated until it is repaired. The plain exports
stay: ``export_json`` (the same JSON format, one file per coder or all in one) and ``export_csv``.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import numbers
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from ..errors import Errors, WorkbenchError
from ..safe_files import keep_corrupt_copy, replace_atomic

SOURCES = ("rule", "model", "human")
STATUSES = ("accepted", "pending", "rejected")
ACTIONS = ("accept", "reject", "correct")
MACHINE_CODER = "workbench"
CODINGS_VERSION = 1  # of the JSON format (export, and the files from before the database)
DB_NAME = "codings.sqlite3"
DB_SCHEMA = 1
JSON_BACKUP = "json-backup"
FRAME_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "codes", "coder", "source", "status", "memo",
                 "score", "evidence", "created", "coding_id", "updated", "reviewed_by", "text"]
_COLUMNS = ["coding_id", "doc_id", "seg_id", "start_char", "end_char", "codes", "coder", "source", "status",
            "memo", "score", "evidence", "created", "updated", "reviewed_by", "text"]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS codings (
    coding_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, seg_id TEXT NOT NULL, start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL, codes TEXT NOT NULL, coder TEXT NOT NULL, source TEXT NOT NULL,
    status TEXT NOT NULL, memo TEXT NOT NULL, score REAL, evidence TEXT NOT NULL, created TEXT NOT NULL,
    updated TEXT NOT NULL, reviewed_by TEXT, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS codings_by_created ON codings (created, coding_id);
CREATE INDEX IF NOT EXISTS codings_by_status ON codings (status);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS migrated_files (name TEXT NOT NULL, sha256 TEXT NOT NULL, codings INTEGER NOT NULL,
    migrated TEXT NOT NULL, PRIMARY KEY (name, sha256));
"""
# A newer version of a coding (by `updated`; the one saved last on a tie) replaces an older one.
_UPSERT = (f"INSERT INTO codings ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
           f"ON CONFLICT (coding_id) DO UPDATE SET "
           + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])
           + " WHERE excluded.updated >= codings.updated")


class CodingError(WorkbenchError, ValueError):
    """A coding, coding file or request that cannot be used."""


def _now() -> str:
    # Microseconds: "the later `updated` wins" must separate edits made within one second.
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _new_id() -> str:
    return uuid.uuid4().hex


def as_offset(value: Any) -> int | None:
    """``value`` as a Python int if it is a whole number - an int or a numpy integer (as in a pandas
    row), not a bool - else None."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return None
    return int(value) if isinstance(value, numbers.Integral) else None


def _describe(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def check_span(seg, start_char: Any, end_char: Any) -> tuple[int, int]:
    """``(start_char, end_char)`` as ints if they are a span inside segment ``seg`` (document offsets),
    else E410 saying which check failed."""
    start, end = as_offset(start_char), as_offset(end_char)
    if start is None:
        detail = f"start_char must be a whole number (int or numpy integer), got {_describe(start_char)}"
    elif end is None:
        detail = f"end_char must be a whole number (int or numpy integer), got {_describe(end_char)}"
    elif start >= end:
        detail = f"start_char ({start}) must be less than end_char ({end})"
    elif start < seg.start_char:
        detail = f"start_char {start} is before the segment's first character {seg.start_char}"
    elif end > seg.end_char:
        detail = f"end_char {end} is past the segment's end {seg.end_char}"
    else:
        return start, end
    raise CodingError(Errors.E410.format(start_char=start_char, end_char=end_char, seg_id=seg.seg_id,
                                         doc_id=seg.doc_id, seg_start=seg.start_char, seg_end=seg.end_char,
                                         detail=detail))


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
        start, end = as_offset(self.start_char), as_offset(self.end_char)
        if start is None or end is None or not 0 <= start < end:
            raise bad(f"the span {self.start_char!r}-{self.end_char!r} must be whole numbers with "
                      f"0 <= start_char < end_char")
        self.start_char, self.end_char = start, end  # numpy integers become ints
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
            if isinstance(self.score, bool) or not isinstance(self.score, numbers.Real):
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


def _newer(old: Coding | None, new: Coding) -> Coding:
    """The later-updated of two versions of one coding; ``new`` on a tie."""
    if old is None:
        return new
    return old if old.updated > new.updated else new


def _union(into: dict[str, Coding], codings: Iterable[Coding]) -> dict[str, Coding]:
    for coding in codings:
        into[coding.coding_id] = _newer(into.get(coding.coding_id), coding)
    return into


def _ordered(codings: Iterable[Coding]) -> list[Coding]:
    return sorted(codings, key=lambda c: (c.created, c.coding_id))


# -- JSON files: the export format, and the coder files from before the database -------------------
def coder_file_name(coder: str) -> str:
    """``<coder>.json`` with the name percent-encoded (letters, digits, '_' and '-' kept; dots too are
    encoded, so a coder file's stem never contains '.', which tells it apart from other JSON files)."""
    return quote(coder, safe="").replace(".", "%2E") + ".json"


def _is_coder_file(path: Path) -> bool:
    return path.suffix == ".json" and not path.name.startswith(".") and "." not in path.stem


def read_json_codings(path: Path) -> dict[str, Coding]:
    """The codings in one JSON coder file by coding_id ({} if it does not exist); E411 if it is damaged
    (the file is left as it is and copied to ``<coder>.corrupt-<time>.json``)."""
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
        return _union({}, (Coding.from_dict(item) for item in data["codings"]))
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError and CodingError are ValueErrors
        backup = keep_corrupt_copy(path, raw)
        raise CodingError(Errors.E411.format(path=path, detail=exc, backup=backup,
                                             previous=path.with_name(path.name + ".bak"))) from exc


def _json_bytes(codings: Iterable[Coding]) -> bytes:
    lines = ",\n".join(json.dumps(c.to_dict(), ensure_ascii=False) for c in _ordered(codings))
    text = (f'{{"version": {CODINGS_VERSION}, "codings": [\n{lines}\n]}}\n' if lines
            else f'{{"version": {CODINGS_VERSION}, "codings": []}}\n')
    return text.encode("utf-8")


def _legacy_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _is_coder_file(p) and p.is_file())


def _free_name(folder: Path, name: str) -> Path:
    target, i = folder / name, 2
    while target.exists():
        stem, dot, suffix = name.partition(".")
        target, i = folder / f"{stem} ({i}){dot}{suffix}", i + 1
    return target


# -- the database --------------------------------------------------------------------------------
def _row(coding: Coding) -> tuple:
    data = coding.to_dict()
    data["codes"] = json.dumps(coding.codes, ensure_ascii=False)
    return tuple(data[c] for c in _COLUMNS)


def _setup(conn: sqlite3.Connection, patience: float = 60.0) -> None:
    """WAL mode, full sync, the tables. Switching to WAL mode does not wait for a lock as other statements
    do (SQLite answers "database is locked" at once when two processes create the file together), so
    the set-up is tried again, a little later each time, for up to ``patience`` seconds."""
    conn.execute(f"PRAGMA busy_timeout = {int(patience * 1000)}")
    deadline, pause = time.monotonic() + patience, 0.005
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                    raise sqlite3.DatabaseError("the database could not be switched to WAL mode")
            conn.execute("PRAGMA synchronous = FULL")  # a save is on disk when add() returns
            conn.executescript(_SCHEMA)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(DB_SCHEMA),))
            break
        except sqlite3.OperationalError as err:
            if ("locked" not in str(err) and "busy" not in str(err)) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.25)
    version = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
    if int(version) > DB_SCHEMA:
        raise sqlite3.DatabaseError(f"it was written by a newer workbench (schema {version}, this one reads "
                                    f"{DB_SCHEMA}); update the workbench")


class _Database:
    """One SQLite file of codings. The connection is opened on first use (reads of a database that does
    not exist yet see no codings and create nothing) and shared by the threads of one store."""

    def __init__(self, path: Path):
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    def _error(self, err: Exception) -> CodingError:
        return CodingError(Errors.E420.format(path=self.path, detail=err))

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        if not create and not self.path.exists():
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        except (sqlite3.Error, OSError) as err:
            raise self._error(err) from None
        try:
            _setup(conn)
        except (sqlite3.Error, ValueError) as err:
            conn.close()
            raise self._error(err) from None
        self._conn = conn
        return conn

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE: one writer at a time, others wait); committed at the end,
        rolled back on any error."""
        with self._lock:
            conn = self._connect(create=True)
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                raise self._error(err) from None
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as err:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                if isinstance(err, sqlite3.Error):
                    raise self._error(err) from None
                raise

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return []
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.Error as err:
                raise self._error(err) from None

    def codings(self, where: str = "", params: tuple = ()) -> list[Coding]:
        rows = self.query(f"SELECT {', '.join(_COLUMNS)} FROM codings {where} ORDER BY created, coding_id", params)
        out = []
        for row in rows:
            data = dict(zip(_COLUMNS, row))
            try:
                data["codes"] = json.loads(data["codes"])
                out.append(Coding(**data))
            except (ValueError, TypeError) as err:
                raise self._error(f"coding {data['coding_id']!r} is not valid: {err}") from None
        return out

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


# -- the store -----------------------------------------------------------------------------------
class CodingStore:
    """All coders' codings in ``folder`` (e.g. ``<corpus>/.workbench/codings/``), in one SQLite file.

    Every change is saved at once. Reads (``all``, ``frame``, ``queue``, ``coders``) ask the database,
    so they see what other stores on the same folder saved.
    """

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME
        self._db = _Database(self.path)
        self.migrated_: list[Path] = []  # JSON coder files moved into the database by this store
        self.load()

    def load(self) -> CodingStore:
        """Move JSON coder files found in the folder into the database (E411 if one is damaged: then
        nothing is moved). The database itself needs no loading: every read asks it."""
        files = _legacy_files(self.folder)
        if not files:
            return self
        found = [(path, hashlib.sha256(path.read_bytes()).hexdigest(), read_json_codings(path)) for path in files]
        codings: dict[str, Coding] = {}
        for _, _, in_file in found:
            _union(codings, in_file.values())
        with self._db.write() as conn:
            conn.executemany(_UPSERT, [_row(c) for c in _ordered(codings.values())])
            conn.executemany("INSERT OR IGNORE INTO migrated_files VALUES (?, ?, ?, ?)",
                             [(path.name, sha, len(in_file), _now()) for path, sha, in_file in found])
        backup = self.folder / JSON_BACKUP
        backup.mkdir(exist_ok=True)
        for path, _, _ in found:  # only after the commit: a crash before it leaves every file where it was
            for old in (path, path.with_name(path.name + ".bak")):
                with contextlib.suppress(FileNotFoundError):  # another store may have moved it already
                    shutil.move(str(old), str(_free_name(backup, old.name)))
            path.with_name(path.name + ".lock").unlink(missing_ok=True)
            self.migrated_.append(path)
        return self

    def close(self) -> None:
        """Close the database connection (it opens again on the next use)."""
        self._db.close()

    def __enter__(self) -> CodingStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- changes ---------------------------------------------------------------------------------
    def add(self, coding: Coding) -> Coding:
        """Save ``coding`` (at once; a newer saved version of the same coding_id is kept) and return it."""
        self.add_many([coding])
        return coding

    def add_many(self, codings: Iterable[Coding]) -> int:
        """Save many codings in one transaction (all or none); returns how many were given."""
        codings = list(codings)
        for coding in codings:
            if not isinstance(coding, Coding):
                raise CodingError(Errors.E412.format(detail=f"expected a Coding, got {type(coding).__name__}"))
        if codings:
            with self._db.write() as conn:
                conn.executemany(_UPSERT, [_row(c) for c in codings])
        return len(codings)

    def code_span(self, corpus, seg_id: str, codes: Iterable[str] | str, coder: str,
                  start_char: int | None = None, end_char: int | None = None, memo: str = "") -> Coding:
        """A person codes segment ``seg_id`` (whole, or document offsets ``start_char:end_char`` inside it).
        Offsets may be ints or numpy integers (e.g. from a row of ``corpus.segments_df()``)."""
        try:
            seg = corpus.segment(seg_id)
        except KeyError:
            example = corpus.segments[0].seg_id if corpus.segments else "none"
            raise CodingError(Errors.E413.format(seg_id=seg_id, example=example)) from None
        start, end = check_span(seg, seg.start_char if start_char is None else start_char,
                                seg.end_char if end_char is None else end_char)
        text = corpus.document(seg.doc_id).text[start:end]
        codes = [codes] if isinstance(codes, str) else list(codes)
        return self.add(Coding(doc_id=seg.doc_id, seg_id=seg.seg_id, start_char=start, end_char=end, codes=codes,
                               coder=coder, source="human", status="accepted", memo=memo, text=text))

    def suggest(self, codings: Iterable[Coding]) -> int:
        """Save machine suggestions as pending; returns how many were new.

        A suggestion is skipped if the store (any coder, any status - so a rejected suggestion is not
        offered again) or the same batch already has one with the same segment, span, codes and source.
        The check and the save are one transaction, so two stores suggesting at once add each only once.
        """
        codings = list(codings)
        for coding in codings:
            if not isinstance(coding, Coding):
                raise CodingError(Errors.E412.format(detail=f"expected a Coding, got {type(coding).__name__}"))
            if coding.source == "human":
                raise CodingError(Errors.E412.format(
                    detail="suggestions come from a rule or a model; save a person's coding with add()"))
        with self._db.write() as conn:
            seen, ids = set(), set()
            for coding_id, seg_id, start, end, codes, source in conn.execute(
                    "SELECT coding_id, seg_id, start_char, end_char, codes, source FROM codings"):
                seen.add((seg_id, start, end, tuple(sorted(json.loads(codes))), source))
                ids.add(coding_id)
            fresh: list[Coding] = []
            for coding in codings:
                if coding.key() in seen or coding.coding_id in ids:
                    continue
                seen.add(coding.key())
                fresh.append(replace(coding, status="pending", reviewed_by=None))
            conn.executemany(_UPSERT, [_row(c) for c in fresh])
        return len(fresh)

    def review(self, coding_id: str, reviewer: str, action: str, codes: Iterable[str] | None = None,
               memo: str | None = None) -> Coding:
        """Accept, reject or correct (accept with new ``codes``) a coding; saved at once."""
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
        found = self._db.codings("WHERE coding_id = ?", (coding_id,))
        if not found:
            raise CodingError(Errors.E414.format(coding_id=coding_id, folder=self.folder))
        coding = Coding(**{**found[0].to_dict(), **changes})  # validated again
        self.add(coding)
        return coding

    # -- reading ---------------------------------------------------------------------------------
    def all(self, coder: str | None = None, status: str | None = None) -> list[Coding]:
        """Codings (optionally of one coder and/or status), oldest first."""
        conditions, params = [], []
        for column, value in (("coder", coder), ("status", status)):
            if value is not None:
                conditions.append(f"{column} = ?")
                params.append(value)
        return self._db.codings(("WHERE " + " AND ".join(conditions)) if conditions else "", tuple(params))

    def get(self, coding_id: str) -> Coding:
        """One coding by id (E414 if there is none)."""
        found = self._db.codings("WHERE coding_id = ?", (coding_id,))
        if not found:
            raise CodingError(Errors.E414.format(coding_id=coding_id, folder=self.folder))
        return found[0]

    def frame(self, coder: str | None = None, status: str | None = None) -> pd.DataFrame:
        """``all(...)`` as a DataFrame; ``codes`` joined with '; '."""
        return codings_frame(self.all(coder=coder, status=status))

    def queue(self) -> list[Coding]:
        """Pending suggestions to review, highest score first (unscored last); equal scores in document order."""
        pending = self.all(status="pending")
        return sorted(pending, key=lambda c: (c.score is None, -(c.score or 0.0), c.doc_id, c.start_char,
                                              c.end_char, c.codes))

    def coders(self) -> list[str]:
        """Everyone who made a coding (a reviewer is not a coder of what they reviewed)."""
        return [row[0] for row in self._db.query("SELECT DISTINCT coder FROM codings ORDER BY coder")]

    def fingerprint(self) -> str:
        """A hash of every saved coding: it changes whenever any coding does (for caches of exports)."""
        digest = hashlib.sha256()
        for row in self._db.query(f"SELECT {', '.join(_COLUMNS)} FROM codings ORDER BY coding_id"):
            digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
        return digest.hexdigest()[:24]

    def __len__(self) -> int:
        rows = self._db.query("SELECT COUNT(*) FROM codings")
        return rows[0][0] if rows else 0

    def __repr__(self) -> str:
        return f"CodingStore({str(self.folder)!r}, codings={len(self)})"

    # -- plain exports ---------------------------------------------------------------------------
    def export_json(self, path: Path | str) -> Path:
        """The codings as plain JSON (``{"version": 1, "codings": [...]}``): all in one file if ``path`` ends in
        '.json', else one ``<coder>.json`` per coder in folder ``path``. Written atomically."""
        path = Path(path)
        codings = self.all()
        if path.suffix == ".json":
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_atomic(path, _json_bytes(codings))
            return path
        path.mkdir(parents=True, exist_ok=True)
        by_coder: dict[str, list[Coding]] = {}
        for coding in codings:
            by_coder.setdefault(coding.coder, []).append(coding)
        for coder, group in by_coder.items():
            replace_atomic(path / coder_file_name(coder), _json_bytes(group))
        return path

    def export_csv(self, path: Path | str) -> Path:
        """The codings as a CSV file (FRAME_COLUMNS; formula-safe, see ``export.tables.write_table_csv``)."""
        from ..export.tables import write_table_csv

        return write_table_csv(self.frame(), path)

    # -- merging ---------------------------------------------------------------------------------
    @staticmethod
    def read(path: Path | str) -> dict[str, Coding]:
        """Every coding in ``path`` by coding_id, without changing anything there: a codings folder (its
        database and any JSON coder files not yet moved into it), a database file or a JSON file."""
        path = Path(path)
        if path.is_dir():
            found: dict[str, Coding] = {}
            if (path / DB_NAME).is_file():
                db = _Database(path / DB_NAME)
                try:
                    _union(found, db.codings())
                finally:
                    db.close()
            for file in _legacy_files(path):
                _union(found, read_json_codings(file).values())
            return found
        if path.is_file() and path.suffix == ".json":
            return read_json_codings(path)
        if path.is_file():
            db = _Database(path)
            try:
                return _union({}, db.codings())
            finally:
                db.close()
        raise CodingError(Errors.E416.format(path=path, detail="does not exist"))

    @staticmethod
    def merge(a: Path | str, b: Path | str, out: Path | str) -> dict[str, Any]:
        """Merge two stores (codings folders, database files or JSON coder files) into ``out``; returns counts.

        Union by coding_id; for a coding_id in both, the later ``updated`` wins. Nothing is dropped:
        codings already in ``out`` are kept too. ``out`` is a single JSON file if it ends in '.json',
        otherwise a codings folder (its database). ``a`` and ``b`` are not changed.
        """
        left, right = CodingStore.read(a), CodingStore.read(b)
        both = set(left) & set(right)
        differ = {i for i in both if left[i].to_dict() != right[i].to_dict()}
        merged = _union(dict(left), right.values())
        out = Path(out)
        if out.suffix == ".json":
            everything = _union(read_json_codings(out), merged.values())
            out.parent.mkdir(parents=True, exist_ok=True)
            replace_atomic(out, _json_bytes(everything.values()))
            total = len(everything)
        else:
            with CodingStore(out) as store:
                store.add_many(_ordered(merged.values()))
                total = len(store)
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
