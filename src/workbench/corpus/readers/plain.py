"""Plain-text reader (.txt): transcripts with speaker labels, or prose."""
from __future__ import annotations

from ..text import decode_bytes
from .base import ReadResult, blocks_for_text, title_from_blocks


def read_txt(data: bytes, path: str) -> ReadResult:
    decoded = decode_bytes(data, path)
    blocks, roles, is_transcript = blocks_for_text(decoded.text)
    return ReadResult(decoded.text, blocks, "txt", kind="transcript" if is_transcript else None,
                      title=title_from_blocks(decoded.text, blocks), speaker_roles=roles,
                      encoding=decoded.encoding)
