"""Helpers shared by the analysis tests and their conftest (a uniquely named module, safe to import)."""
from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
AN_DEMO_CORPUS = REPO_ROOT / "corpora" / "coproduction"


def an_write(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` below ``root`` (UTF-8) and return ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def an_words(text: str) -> list[str]:
    """Lower-cased words only: a case- and punctuation-insensitive form for comparisons."""
    return re.findall(r"[a-z0-9£$€%']+", text.lower().replace("’", "'"))
