"""Digest of every table ``workbench analyse`` writes for the demo corpus, to prove a refactoring changed
no result.

The digest holds a SHA-256 of each CSV file's bytes, of each workbook sheet's cell values (with their
types: 1 and 1.0 differ), of the codebook ``.qdc`` and of each member of the REFI-QDA ``.qdpx``.
``report.html`` and ``manifest.json`` are left out: they hold timings and dates.

    .venv/bin/python tools/demo_digest.py            # run the demo analysis, compare with the stored digest
    .venv/bin/python tools/demo_digest.py --write    # store the digest (only from main's behaviour)

tests/test_demo_digest.py runs the same comparison.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_CORPUS = ROOT / "corpora" / "coproduction"
DIGEST_FILE = ROOT / "tests" / "data" / "demo_digest.json"


def _sha(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _sheets(path: Path) -> dict[str, str]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return {sheet.title: _sha(json.dumps([list(row) for row in sheet.iter_rows(values_only=True)],
                                             ensure_ascii=False, default=repr).encode())
                for sheet in book.worksheets}
    finally:
        book.close()


def digest_folder(out: Path) -> dict[str, str]:
    """``file`` or ``file:part`` -> SHA-256 for every table in an analyse output folder."""
    digest = {path.name: _sha(path.read_bytes()) for path in sorted(out.glob("*.csv"))}
    if (out / "codebook.qdc").exists():
        digest["codebook.qdc"] = _sha((out / "codebook.qdc").read_bytes())
    if (out / "tables.xlsx").exists():
        digest.update({f"tables.xlsx:{name}": sha for name, sha in _sheets(out / "tables.xlsx").items()})
    if (out / "project.qdpx").exists():
        with zipfile.ZipFile(out / "project.qdpx") as archive:
            digest.update({f"project.qdpx:{name}": _sha(archive.read(name)) for name in sorted(archive.namelist())})
    return digest


def run_demo(out: Path, models_dir: Path, cache_dir: Path | None = None) -> dict[str, str]:
    """Analyse the demo corpus with the default config (nothing reused: no saved themes, no finished
    tables) into ``out`` and return its digest."""
    from workbench.project import Workbench

    bench = Workbench(DEMO_CORPUS, cache_dir=cache_dir, progress=False, models_dir=models_dir,
                      reuse_models=False, reuse_results=False)
    bench.analyse(out)
    return digest_folder(out)


def compare(stored: dict[str, str], now: dict[str, str]) -> list[str]:
    """What differs, one line per file or part; empty when every table is identical."""
    lines = [f"{name}: missing now" for name in sorted(set(stored) - set(now))]
    lines += [f"{name}: new (not in the stored digest)" for name in sorted(set(now) - set(stored))]
    lines += [f"{name}: differs" for name in sorted(set(stored) & set(now)) if stored[name] != now[name]]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="store the digest instead of comparing")
    parser.add_argument("--out", type=Path, help="keep the outputs here (default: a temporary folder)")
    parser.add_argument("--note", default="", help="with --write: where the digest comes from")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "out"
        now = run_demo(out, Path(tmp) / "models")
    if args.write:
        DIGEST_FILE.parent.mkdir(parents=True, exist_ok=True)
        DIGEST_FILE.write_text(json.dumps({"note": args.note, "tables": now}, indent=1, sort_keys=True) + "\n",
                               encoding="utf-8")
        print(f"wrote {len(now)} digests to {DIGEST_FILE}")
        return 0
    differences = compare(json.loads(DIGEST_FILE.read_text(encoding="utf-8"))["tables"], now)
    print("\n".join(differences) or f"all {len(now)} tables identical")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
