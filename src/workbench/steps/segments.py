"""The corpus as segments: one row per segment with its offsets (``segments.csv``), and the text outside
every segment with the reason it was set aside (``exclusions.csv``), so no character goes unlisted."""
from __future__ import annotations

from ..corpus.model import SEGMENT_COLUMNS
from .base import Table, step


@step("segments", tables=[Table("segments", "segments", SEGMENT_COLUMNS), Table("exclusions", "exclusions")],
      cache=False, report=False)
def segments(bench) -> dict:
    return {"segments": bench.corpus.segments_df(), "exclusions": bench.corpus.exclusions_df()}
