"""The optional ``metadata.csv`` beside the documents: kind, title, date, event, speaker roles, ...

Columns: ``doc_id`` (or ``file``/``path``: the path relative to the corpus folder), then any of
``kind``, ``title``, ``date``, ``speaker_roles`` (``Name=role; Name=role``), and free attributes.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import CorpusError, Errors
from .text import decode_bytes

METADATA_FILE = "metadata.csv"
_KEYS = ("doc_id", "file", "path", "filename")


def parse_roles(value: str) -> dict[str, str]:
    """``"Rose=carer; Dev Patel=practitioner"`` -> ``{"Rose": "carer", "Dev Patel": "practitioner"}``."""
    roles: dict[str, str] = {}
    for part in str(value or "").split(";"):
        if "=" in part:
            name, role = part.split("=", 1)
            if name.strip() and role.strip():
                roles[name.strip()] = role.strip()
    return roles


def read_metadata(root: Path) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Rows of metadata.csv by doc_id, and the file's sha256 (None when there is no file)."""
    path = root / METADATA_FILE
    if not path.is_file():
        return {}, None
    data = path.read_bytes()
    try:
        import io

        frame = pd.read_csv(io.StringIO(decode_bytes(data, str(path)).text), dtype=str, keep_default_na=False)
    except Exception as err:
        raise CorpusError(Errors.E053.format(path=root, detail=f"{type(err).__name__}: {err}")) from None
    lowered = {c.strip().lower(): c for c in frame.columns}
    key = next((lowered[k] for k in _KEYS if k in lowered), None)
    if key is None:
        raise CorpusError(Errors.E053.format(path=root, detail=f"found columns {', '.join(frame.columns)}"))
    rows: dict[str, dict[str, Any]] = {}
    for record in frame.to_dict("records"):
        doc_id = str(record.pop(key)).strip().replace("\\", "/")
        if doc_id:
            rows[doc_id] = {str(k).strip().lower(): str(v).strip() for k, v in record.items() if str(v).strip()}
    return rows, hashlib.sha256(data).hexdigest()
