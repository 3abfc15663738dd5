"""Cell values every part shows the same way: what counts as missing, and how stable a theme is.

A cell is missing when it is None, NaN, ``pd.NA`` or ``pd.NaT`` (a table read back from CSV or JSON may hold
any of them). A theme's stability (0..1, the mean best-match overlap over refits with other seeds, see
``analysis.theme_stability``) reads as *stable* from ``STABLE_FROM``, *unstable* below ``UNSTABLE_BELOW``.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .analysis.theme_stability import UNSTABLE_BELOW

STABLE_FROM = 0.8


def is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA and pd.NaT."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def text(value: Any) -> str:
    """The text of a cell: '' when it is missing."""
    return "" if is_missing(value) else str(value)


def stability_level(value: Any) -> str:
    """'stable', 'fair', 'unstable', or 'unknown' when the stability was not measured."""
    if is_missing(value):
        return "unknown"
    value = float(value)
    return "stable" if value >= STABLE_FROM else "fair" if value >= UNSTABLE_BELOW else "unstable"


__all__ = ["STABLE_FROM", "UNSTABLE_BELOW", "is_missing", "stability_level", "text"]
