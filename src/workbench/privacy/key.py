"""The key file (real name, e-mail or phone -> pseudonym): JSON written atomically, readable by its owner
only, and refused inside the corpus, the copy or any pseudonymised copy."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import Errors
from ..safe_files import replace_atomic
from .errors import PseudonymisationError
from .folders import inside, marked_folder

KEY_FORMAT = "workbench-pseudonym-key"


def load_key(path: str | Path) -> dict[str, str]:
    """Read a key written by ``Pseudonymiser.save_key``: real name (or e-mail, phone) -> pseudonym."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PseudonymisationError(Errors.E500.format(path=path, detail=f"{type(err).__name__}: {err}")) from None
    key = data.get("key") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("format") != KEY_FORMAT or not isinstance(key, dict):
        raise PseudonymisationError(Errors.E500.format(
            path=path, detail=f"it is not a pseudonym key (expected \"format\": \"{KEY_FORMAT}\" and a \"key\" object)"))
    if not all(isinstance(k, str) and isinstance(v, str) and k and v for k, v in key.items()):
        raise PseudonymisationError(Errors.E500.format(path=path, detail="every entry must map a text to a text"))
    return dict(key)


def write_key(path: str | Path, key: Mapping[str, str], reasons: Mapping[str, str], *,
              forbidden: Iterable[str | Path] = ()) -> Path:
    """Write ``key`` (with each entry's reason) as JSON, atomically and readable by its owner only.
    Refuses a path inside a pseudonymised copy or inside any ``forbidden`` folder; returns the path."""
    path = Path(path).expanduser().resolve()
    check_key_path(path, [Path(f) for f in forbidden])
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": KEY_FORMAT, "version": 1,
               "note": "Private: this file turns pseudonyms back into real names. Do not share it.",
               "key": dict(key), "reasons": {k: reasons.get(k, "key") for k in key}}
    replace_atomic(path, (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), private=True)
    return path


def check_key_path(path: Path, forbidden: list[Path]) -> None:
    """Raise E501 if the (resolved) key ``path`` is inside a ``forbidden`` folder or a pseudonymised
    copy, or is a folder."""
    for folder in forbidden:
        folder = folder.expanduser().resolve()
        if inside(path, folder):
            raise PseudonymisationError(Errors.E501.format(
                path=path, detail=f"it is inside '{folder}'", suggestion=default_key_path(folder)))
    marked = marked_folder(path.parent)
    if marked is not None:
        raise PseudonymisationError(Errors.E501.format(
            path=path, detail=f"it is inside the pseudonymised copy '{marked}'", suggestion=default_key_path(marked)))
    if path.exists() and path.is_dir():
        raise PseudonymisationError(Errors.E501.format(
            path=path, detail="it is a folder", suggestion=Path.home() / "private" / "pseudonym-key.json"))


def default_key_path(out_dir: str | Path) -> Path:
    """Where the key goes when none is given: beside the copy, never inside it (``<out>-key.json``)."""
    out = Path(out_dir).expanduser().resolve()
    return out.parent / f"{out.name}-key.json"
