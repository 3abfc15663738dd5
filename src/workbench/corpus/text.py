"""Decoding bytes to text and normalising it, so character offsets mean the same everywhere.

Offsets in the workbench count Unicode code points of the *normalised* text: BOM removed,
CRLF and CR turned into LF, Unicode NFC.
"""
from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

from ..errors import Errors, FileReadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters other than tab, LF, CR, FF: many of them mean "binary".
_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from a file, with the encoding that was used."""

    text: str
    encoding: str


def normalise(text: str) -> str:
    """Remove a BOM, unify line ends to LF and compose characters (NFC)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def looks_binary(data: bytes) -> str | None:
    """Return a reason if ``data`` (without a BOM) looks like a binary file, else None."""
    sample = data[:8192]
    if b"\x00" in sample:
        return "it contains NUL bytes"
    if not sample:
        return None
    controls = sum(1 for b in sample if b in _CONTROL)
    if controls / len(sample) > 0.05:
        return f"{controls} control bytes in the first {len(sample)}"
    return None


def decode_bytes(data: bytes, path: str = "<bytes>") -> DecodedText:
    """Decode file bytes: BOM first, then UTF-8, then Windows-1252. Raise FileReadError if binary."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(normalise(data[len(bom):].decode(encoding)), encoding)
            except UnicodeDecodeError as err:
                raise FileReadError(Errors.E002.format(path=path, detail=f"invalid {encoding}: {err.reason}")) from None
    reason = looks_binary(data)
    if reason:
        raise FileReadError(Errors.E002.format(path=path, detail=reason))
    try:
        return DecodedText(normalise(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; map those through Latin-1 so nothing is lost.
    return DecodedText(normalise(data.decode("cp1252", errors="workbench-latin1")), "cp1252")


def _latin1_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    return err.object[err.start:err.end].decode("latin-1"), err.end


codecs.register_error("workbench-latin1", _latin1_fallback)


def is_blank(text: str) -> bool:
    """True if the text has no visible characters."""
    return not text.strip()
