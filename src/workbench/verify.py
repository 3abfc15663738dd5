"""Verify a published analysis: re-run what ``DIR/manifest.json`` records and compare every table.

An evaluator gets the same numbers or a list of exactly which tables (and which cells) differ, plus any
input file whose hash changed and any package whose version differs from the recorded run.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .config import Config
from .errors import ConfigError, Errors, WorkbenchError
from .export.tables import read_table_csv
from .manifest import package_versions

# Tables compared cell by cell; other outputs (report, workbook, REFI-QDA) are views of these tables.
COMPARED_SUFFIX = ".csv"


@dataclass
class VerifyResult:
    """The outcome: one row per table (``tables``), changed inputs and package differences."""

    tables: pd.DataFrame
    changed_inputs: list[str] = field(default_factory=list)
    package_differences: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    rerun_dir: Path | None = None
    machine_recorded: dict = field(default_factory=dict)  # the recorded run's CPU, BLAS, threads, torch
    machine_now: dict = field(default_factory=dict)  # the same for this re-run

    @property
    def matched(self) -> bool:
        return bool(len(self.tables)) and bool((self.tables["status"] != "differs").all())


def read_manifest(out_dir: str | Path) -> dict:
    """The manifest of an analysis output folder, or a numbered error saying what is wrong."""
    path = Path(out_dir) / "manifest.json"
    if not path.is_file():
        raise WorkbenchError(Errors.E160.format(path=path))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise WorkbenchError(Errors.E161.format(path=path, detail=err)) from None
    missing = {"corpus", "config", "outputs"} - set(manifest)
    if missing:
        raise WorkbenchError(Errors.E161.format(path=path, detail=f"missing {sorted(missing)}"))
    return manifest


# Similarity scores (theme probability, quote similarity, detector scores) are stored with 4 decimals; the
# last bits of floating point, which differ between CPUs, can move such a value across a rounding edge.
SCORE_TOLERANCE = 1.5e-4


def compare_tables(expected: Path, actual: Path, rtol: float = 1e-9, atol: float = SCORE_TOLERANCE) -> tuple[str, str]:
    """("identical" | "equal" | "differs", detail). "equal": same text, and numbers that differ by at
    most ``atol`` (one unit in the 4th decimal) or a relative ``rtol``: float noise, not a finding."""
    if not actual.exists():
        return "differs", "not produced by the re-run"
    if expected.read_bytes() == actual.read_bytes():
        return "identical", ""
    a = read_table_csv(expected, dtype=str, na_filter=False)  # the exact text: the formula escape undone
    b = read_table_csv(actual, dtype=str, na_filter=False)
    if list(a.columns) != list(b.columns):
        return "differs", f"columns {list(a.columns)} became {list(b.columns)}"
    if len(a) != len(b):
        return "differs", f"{len(a)} rows became {len(b)}"
    for column in a.columns:
        left, right = a[column].to_numpy(), b[column].to_numpy()
        unequal = left != right
        if not unequal.any():
            continue
        x = pd.to_numeric(pd.Series(left[unequal]), errors="coerce").to_numpy()
        y = pd.to_numeric(pd.Series(right[unequal]), errors="coerce").to_numpy()
        if np.isnan(x).any() or np.isnan(y).any() or not np.allclose(x, y, rtol=rtol, atol=atol):
            row = int(np.flatnonzero(unequal)[0])
            return "differs", (f"{int(unequal.sum())} value(s) in column '{column}', first at row {row + 1}: "
                               f"{left[row][:60]!r} became {right[row][:60]!r}")
    return "equal", f"numbers equal within {atol:g} (the last digit of a score: float noise)"


def verify(out_dir: str | Path, *, corpus_path: str | Path | None = None, fresh: bool = False,
           keep: str | Path | None = None, progress: bool = False) -> VerifyResult:
    """Re-run the analysis recorded in ``out_dir/manifest.json`` and compare its tables.

    ``corpus_path`` overrides the recorded corpus folder (the evaluator's copy). ``fresh`` re-annotates and
    re-embeds in an empty cache instead of reusing cached results. Fitted themes are always fitted again.
    ``keep``: where to write the re-run's outputs (default: a temporary folder, removed afterwards).
    """
    from .project import Workbench

    out_dir = Path(out_dir)
    manifest = read_manifest(out_dir)
    try:
        config = Config.from_dict(manifest["config"])
    except ConfigError as err:
        raise WorkbenchError(Errors.E162.format(path=out_dir / "manifest.json", detail=err)) from None
    recorded = manifest["corpus"]
    if not corpus_path and not recorded.get("path"):
        raise WorkbenchError(Errors.E161.format(path=out_dir / "manifest.json", detail="no corpus path recorded"))
    corpus = Path(corpus_path or recorded["path"])
    if not corpus_path and not corpus.exists() and recorded.get("absolute_path"):
        corpus = Path(recorded["absolute_path"])
    with tempfile.TemporaryDirectory(prefix="workbench-verify-") as tmp:
        rerun_dir = Path(keep) if keep else Path(tmp) / "outputs"
        bench = Workbench(corpus, config, cache_dir=Path(tmp) / "cache" if fresh else None, progress=progress,
                          reuse_models=False, reuse_results=False)
        recorded_files = manifest["corpus"].get("files", {})
        current_files = bench.corpus.file_hashes()
        changed = sorted(name for name in set(recorded_files) | set(current_files)
                         if recorded_files.get(name) != current_files.get(name))
        bench.analyse(rerun_dir)
        rows = []
        for name in sorted(manifest["outputs"]):
            if not name.endswith(COMPARED_SUFFIX):
                continue
            expected = out_dir / name
            if not expected.exists():
                rows.append({"table": name, "status": "differs", "detail": "missing from the folder being verified"})
                continue
            status, detail = compare_tables(expected, rerun_dir / name)
            rows.append({"table": name, "status": status, "detail": detail})
        recorded_outputs = set(manifest["outputs"])
        for extra in sorted(p.name for p in rerun_dir.glob(f"*{COMPARED_SUFFIX}") if p.name not in recorded_outputs):
            rows.append({"table": extra, "status": "differs", "detail": "produced by the re-run but not recorded"})
    now = package_versions()
    packages = manifest.get("packages", {})
    differences = {name: (packages.get(name), now.get(name)) for name in sorted(set(packages) | set(now))
                   if packages.get(name) != now.get(name)}
    from .machine import machine_info

    return VerifyResult(pd.DataFrame(rows, columns=["table", "status", "detail"]), changed, differences,
                        Path(keep) if keep else None, manifest.get("machine", {}), machine_info())
