"""The user's curation of themes (rename, merge, split), saved as it happens and re-applied on every run.

Theme ids change when themes are refitted, so each step records the segments (``seg_id``) every theme it
touched had at the time. On the next run a step is matched to the current theme with the most similar
members (Jaccard); a step that matches nothing well enough is kept in the file and reported as pending,
never dropped. The file is only ever replaced whole (temp file + ``os.replace``), the previous version
is kept as ``<name>.bak``, and a corrupt file is backed up and reported, never reset.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Errors, WorkbenchError
from ..safe_files import keep_corrupt_copy, replace_atomic

OPS = ("rename", "merge", "split")
CURATION_VERSION = 1
UNASSIGNED = -1
OP_KEYS = {"op", "themes", "label", "members", "n", "created"}


class CurationError(WorkbenchError, ValueError):
    """A curation file, step or input that cannot be used."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


@dataclass
class CurationOp:
    """One curation step. ``members[i]`` are the sorted seg_ids theme ``themes[i]`` had when the user acted."""

    op: str
    themes: list[int]
    label: str | None
    members: list[list[str]]
    n: int | None = None
    created: str = field(default_factory=_now)

    def __post_init__(self) -> None:
        def bad(detail: str) -> CurationError:
            return CurationError(Errors.E352.format(op=self.op, detail=detail))

        if self.op not in OPS:
            raise bad(f"unknown step; use one of {', '.join(OPS)}")
        if not isinstance(self.themes, list) or not all(_is_int(t) for t in self.themes):
            raise bad("themes must be a list of theme ids")
        self.themes = [int(t) for t in self.themes]
        wanted = "at least 2" if self.op == "merge" else "exactly 1"
        if (len(self.themes) < 2) if self.op == "merge" else (len(self.themes) != 1):
            raise bad(f"it needs {wanted} theme(s), got {len(self.themes)}")
        if len(set(self.themes)) != len(self.themes):
            raise bad("a theme is listed twice")
        if not isinstance(self.members, list) or len(self.members) != len(self.themes):
            raise bad("members must hold one list of seg_ids per theme")
        for theme, seg_ids in zip(self.themes, self.members):
            if not isinstance(seg_ids, list) or not all(isinstance(s, str) for s in seg_ids):
                raise bad(f"the members of theme {theme} must be a list of seg_id strings")
            if not seg_ids:
                raise bad(f"theme {theme} has no members, so it could never be found again")
        self.members = [sorted(set(seg_ids)) for seg_ids in self.members]
        if self.label is not None and not isinstance(self.label, str):
            raise bad("label must be text")
        if self.op == "rename" and not (self.label or "").strip():
            raise bad("a rename needs a non-empty label")
        if self.op == "split":
            if not _is_int(self.n) or self.n < 2:
                raise bad(f"a split needs n >= 2 new themes, got {self.n!r}")
            self.n = int(self.n)
            if self.label is not None:
                raise bad("a split takes no label (new themes are named '<old label> (1)', '(2)', ...)")
        elif self.n is not None:
            raise bad("only a split takes n")
        if not isinstance(self.created, str):
            raise bad("created must be an ISO time string")

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "themes": list(self.themes), "label": self.label,
                "members": [list(m) for m in self.members], "n": self.n, "created": self.created}

    @classmethod
    def from_dict(cls, data: Any) -> CurationOp:
        """Build a step from its saved form; raises CurationError if the shape is wrong."""
        if not isinstance(data, dict):
            detail = f"a step must be an object, got {type(data).__name__}"
            raise CurationError(Errors.E352.format(op="?", detail=detail))
        keys = set(data)
        missing, unknown = {"op", "themes", "members", "created"} - keys, keys - OP_KEYS
        if missing or unknown:
            raise CurationError(Errors.E352.format(
                op=data.get("op", "?"), detail=f"missing keys {sorted(missing)}, unknown keys {sorted(unknown)}"))
        return cls(**{"label": None, "n": None, **data})


def _members(seg_ids: Iterable[str]) -> list[str]:
    if isinstance(seg_ids, str):  # a single seg_id would otherwise become a list of characters
        return [seg_ids]
    return list(seg_ids)


class Curation:
    """The curation steps saved in ``path`` (JSON ``{"version": 1, "ops": [...]}``); loaded on creation.

    Every change is saved at once. A missing file is an empty curation; a corrupt one raises E350.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.ops: list[CurationOp] = []
        self.load()

    @property
    def backup_path(self) -> Path:
        """Where the previous save is kept."""
        return self.path.with_name(self.path.name + ".bak")

    def load(self) -> Curation:
        if not self.path.exists():
            self.ops = []
            return self
        raw = self.path.read_bytes()
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or set(data) != {"version", "ops"}:
                raise CurationError('expected an object with exactly the keys "version" and "ops"')
            if data["version"] != CURATION_VERSION:
                raise CurationError(f"unsupported version {data['version']!r} "
                                    f"(this workbench reads {CURATION_VERSION})")
            if not isinstance(data["ops"], list):
                raise CurationError('"ops" must be a list')
            ops = [CurationOp.from_dict(item) for item in data["ops"]]
        except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError and CurationError are ValueErrors
            backup = keep_corrupt_copy(self.path, raw, reuse_identical=False)
            raise CurationError(Errors.E350.format(path=self.path, detail=exc, backup=backup,
                                                   previous=self.backup_path)) from exc
        self.ops = ops
        return self

    def save(self) -> None:
        """Replace the file atomically, keeping the previous version as ``<name>.bak``."""
        # One step per line: readable, easy to diff, and fast (json's C encoder needs indent=None).
        lines = ",\n".join(json.dumps(op.to_dict(), ensure_ascii=False) for op in self.ops)
        text = f'{{"version": {CURATION_VERSION}, "ops": [\n{lines}\n]}}\n' if lines else \
            f'{{"version": {CURATION_VERSION}, "ops": []}}\n'
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            replace_atomic(self.backup_path, self.path.read_bytes())
        replace_atomic(self.path, text.encode("utf-8"))

    def _record(self, op: CurationOp) -> CurationOp:
        self.ops.append(op)
        try:
            self.save()
        except Exception:
            self.ops.pop()  # memory agrees with the file, which is unchanged
            raise
        return op

    def rename(self, theme_id: int, label: str, members: Iterable[str]) -> CurationOp:
        return self._record(CurationOp("rename", [theme_id], label, [_members(members)]))

    def merge(self, theme_ids: Sequence[int], label: str | None,
              members_per_theme: Sequence[Iterable[str]]) -> CurationOp:
        return self._record(CurationOp("merge", list(theme_ids), label, [_members(m) for m in members_per_theme]))

    def split(self, theme_id: int, n: int, members: Iterable[str]) -> CurationOp:
        return self._record(CurationOp("split", [theme_id], None, [_members(members)], n=n))

    def undo(self) -> CurationOp | None:
        """Remove the last step and save; None if there is nothing to undo."""
        if not self.ops:
            return None
        op = self.ops.pop()
        try:
            self.save()
        except Exception:
            self.ops.append(op)
            raise
        return op

    def __len__(self) -> int:
        return len(self.ops)

    def __repr__(self) -> str:
        return f"Curation({str(self.path)!r}, ops={len(self.ops)})"


@dataclass
class CurationResult:
    """Themes after curation. ``pending`` holds the steps that matched no current theme, with the reason."""

    assignments: pd.DataFrame
    labels: dict[int, str]
    applied: list[CurationOp]
    pending: list[tuple[CurationOp, str]]


def _match(members: list[str], seg_ids: np.ndarray, theme: np.ndarray) -> tuple[int | None, float]:
    """The current theme whose seg_ids overlap ``members`` most (Jaccard; ties -> lowest id)."""
    assigned = theme != UNASSIGNED
    hit = assigned & np.isin(seg_ids, members)
    if not hit.any():
        return None, 0.0
    ids, sizes = np.unique(theme[assigned], return_counts=True)
    inter = np.bincount(np.searchsorted(ids, theme[hit]), minlength=ids.size)
    scores = inter / (len(members) + sizes - inter)
    best = int(np.argmax(scores))  # first maximum = lowest theme id
    return int(ids[best]), float(scores[best])


def _split(rows: np.ndarray, vectors: np.ndarray, n: int, seed: int) -> list[np.ndarray]:
    """KMeans partition of ``rows``, numbered by first appearance (rows come sorted by seg_id)."""
    from sklearn.cluster import KMeans  # imported here: sklearn is slow to import

    clusters = KMeans(n_clusters=n, random_state=seed, n_init=10).fit_predict(vectors)
    order = list(dict.fromkeys(int(c) for c in clusters))
    return [rows[clusters == c] for c in order]


def apply_curation(assignments: pd.DataFrame, labels: dict[int, str], ops: Sequence[CurationOp],
                   embeddings: np.ndarray | None = None, seed: int = 42,
                   min_jaccard: float = 0.5) -> CurationResult:
    """Apply ``ops`` in order to ``assignments`` (columns seg_id, theme_id; -1 = unassigned).

    ``embeddings`` (one row per assignments row) is needed only for splits. Inputs are not changed.
    """
    missing = {"seg_id", "theme_id"} - set(assignments.columns)
    if missing:
        raise CurationError(Errors.E357.format(detail=f"assignments lacks the column(s) {sorted(missing)}"))
    seg_ids = assignments["seg_id"].astype(str).to_numpy()
    if len(set(seg_ids)) != len(seg_ids):
        raise CurationError(Errors.E357.format(detail="a seg_id occurs more than once in assignments"))
    theme = assignments["theme_id"].to_numpy(dtype=np.int64, copy=True)
    vectors = None
    if embeddings is not None:
        vectors = np.asarray(embeddings)
        if vectors.ndim != 2 or len(vectors) != len(assignments):
            raise CurationError(Errors.E357.format(
                detail=f"embeddings has shape {vectors.shape} but assignments has {len(assignments)} rows"))
    if not 0 <= min_jaccard <= 1:
        raise CurationError(Errors.E357.format(detail=f"min_jaccard must be in [0, 1], got {min_jaccard!r}"))
    out_labels = {int(k): str(v) for k, v in labels.items()}
    applied: list[CurationOp] = []
    pending: list[tuple[CurationOp, str]] = []

    for op in ops:
        matched: list[int] = []
        reason = None
        for recorded, members in zip(op.themes, op.members):
            current, score = _match(members, seg_ids, theme)
            if current is None:
                reason = (f"none of the {len(members)} segments theme {recorded} had when curated is in a "
                          f"theme now")
            elif score < min_jaccard:
                reason = (f"theme {recorded} ({len(members)} segments when curated) best matches current "
                          f"theme {current} with Jaccard {score:.2f}, below min_jaccard {min_jaccard:.2f}")
            if reason:
                break
            matched.append(current)
        if reason:
            pending.append((op, reason))
            continue
        if op.op == "rename":
            out_labels[matched[0]] = op.label
        elif op.op == "merge":
            target = min(matched)
            for other in set(matched) - {target}:
                theme[theme == other] = target
                out_labels.pop(other, None)
            if op.label is not None:
                out_labels[target] = op.label
        else:  # split
            old = matched[0]
            if vectors is None:
                raise CurationError(Errors.E351.format(theme=old))
            rows = np.flatnonzero(theme == old)
            if len(rows) < op.n:
                pending.append((op, f"current theme {old} has {len(rows)} segment(s), too few to split into {op.n}"))
                continue
            rows = rows[np.argsort(seg_ids[rows], kind="stable")]
            parts = _split(rows, vectors[rows], op.n, seed)
            first = max([int(theme.max(initial=UNASSIGNED)), *out_labels]) + 1
            old_label = out_labels.pop(old, f"Theme {old}")
            for k, part in enumerate(parts):
                theme[part] = first + k
                out_labels[first + k] = f"{old_label} ({k + 1})"
        applied.append(op)

    result = assignments.copy()
    result["theme_id"] = theme
    return CurationResult(result, out_labels, applied, pending)
