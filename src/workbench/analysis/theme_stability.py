"""Theme stability: do the themes come back when the model is refitted (other seeds, subsamples)?

A theme is a set of items. For every theme of a base fit we take the best Jaccard overlap with any theme
of a refit (theme ids may be renumbered freely) and average over refits: 1.0 means it came back exactly,
values below ``UNSTABLE_BELOW`` mean it mostly did not (it split, merged or dissolved). Pure numpy.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from ..errors import Errors, WorkbenchError

UNSTABLE_BELOW = 0.5


class ThemeStabilityError(WorkbenchError, ValueError):
    """Labelings or subsamples that cannot be compared."""


def jaccard(a: set, b: set) -> float:
    """|a & b| / |a | b|; two empty sets are identical (1.0), one empty set shares nothing (0.0)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _as_labels(labels: Sequence[int]) -> np.ndarray:
    return np.asarray(list(labels), dtype=np.int64).reshape(-1)


def best_match_jaccard(base: Sequence[int], other: Sequence[int], ignore: int = -1) -> dict[int, float]:
    """For each theme of ``base`` (not ``ignore``), the best Jaccard with any theme of ``other``.

    Both are per-item theme ids aligned by position. A theme with no counterpart scores 0.0.
    """
    b, o = _as_labels(base), _as_labels(other)
    if len(b) != len(o):
        raise ThemeStabilityError(Errors.E353.format(what="the other labeling", n_other=len(o), n_base=len(b)))
    in_b, in_o = b != ignore, o != ignore
    themes = np.unique(b[in_b])
    other_themes = np.unique(o[in_o])
    if themes.size == 0:
        return {}
    if other_themes.size == 0:
        return {int(t): 0.0 for t in themes}
    bi = np.searchsorted(themes, b)
    oi = np.searchsorted(other_themes, o)
    both = in_b & in_o
    inter = np.zeros((themes.size, other_themes.size), dtype=np.int64)
    np.add.at(inter, (bi[both], oi[both]), 1)
    size_b = np.bincount(bi[in_b], minlength=themes.size)
    size_o = np.bincount(oi[in_o], minlength=other_themes.size)
    union = size_b[:, None] + size_o[None, :] - inter  # >= 1: every theme has a member
    best = (inter / union).max(axis=1)
    return {int(t): float(s) for t, s in zip(themes, best)}


def stability_scores(base: Sequence[int], others: Sequence[Sequence[int]], ignore: int = -1) -> dict[int, float]:
    """Mean best-match Jaccard of every base theme over the refits ``others`` (each in [0, 1])."""
    if len(others) == 0:
        raise ThemeStabilityError(Errors.E356)
    b = _as_labels(base)
    totals: dict[int, float] = {}
    for i, other in enumerate(others):
        o = _as_labels(other)
        if len(o) != len(b):
            raise ThemeStabilityError(Errors.E353.format(what=f"refit {i}", n_other=len(o), n_base=len(b)))
        for theme, score in best_match_jaccard(b, o, ignore).items():
            totals[theme] = totals.get(theme, 0.0) + score
    return {theme: total / len(others) for theme, total in sorted(totals.items())}


def subsample_indices(n: int, fraction: float, seed: int) -> np.ndarray:
    """Sorted indices of ``round(n * fraction)`` (at least one) of ``n`` items, without replacement.

    The same ``seed`` always gives the same indices.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ThemeStabilityError(Errors.E354.format(detail=f"n must be a whole number >= 0, got {n!r}"))
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float, np.number)) \
            or math.isnan(fraction) or not 0 < fraction <= 1:
        raise ThemeStabilityError(Errors.E354.format(detail=f"fraction must be in (0, 1], got {fraction!r}"))
    if n == 0:
        return np.empty(0, dtype=np.int64)
    size = min(n, max(1, int(round(n * float(fraction)))))
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=size, replace=False)).astype(np.int64)


def stability_with_subsamples(base: Sequence[int], refits: Sequence[tuple[np.ndarray, Sequence[int]]],
                              ignore: int = -1) -> dict[int, float]:
    """Stability when each refit saw only a subsample: ``refits`` are (indices into base, their labels).

    Jaccard is computed on the shared items only (base themes restricted to each subsample). A theme is
    averaged over the refits whose subsample contains it; a theme in none of them scores 0.0.
    """
    if len(refits) == 0:
        raise ThemeStabilityError(Errors.E356)
    b = _as_labels(base)
    totals: dict[int, float] = {}
    counts: dict[int, int] = {}
    for i, refit in enumerate(refits):
        try:
            indices, labels = refit
        except (TypeError, ValueError):
            raise ThemeStabilityError(Errors.E355.format(index=i, detail="it is not a pair")) from None
        idx = np.asarray(indices).reshape(-1)
        if idx.size and not np.issubdtype(idx.dtype, np.integer):
            raise ThemeStabilityError(Errors.E355.format(index=i, detail="the indices are not whole numbers"))
        idx = idx.astype(np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= len(b)):
            raise ThemeStabilityError(Errors.E355.format(
                index=i, detail=f"indices must lie in [0, {len(b)}), got {idx.min()}..{idx.max()}"))
        if np.unique(idx).size != idx.size:
            raise ThemeStabilityError(Errors.E355.format(index=i, detail="an index occurs more than once"))
        lab = _as_labels(labels)
        if lab.size != idx.size:
            raise ThemeStabilityError(Errors.E355.format(
                index=i, detail=f"{idx.size} indices but {lab.size} labels"))
        for theme, score in best_match_jaccard(b[idx], lab, ignore).items():
            totals[theme] = totals.get(theme, 0.0) + score
            counts[theme] = counts.get(theme, 0) + 1
    all_themes = np.unique(b[b != ignore])
    return {int(t): (totals[int(t)] / counts[int(t)] if int(t) in counts else 0.0) for t in all_themes}


def flag_unstable(scores: Mapping[int, float], threshold: float = UNSTABLE_BELOW) -> dict[int, bool]:
    """True for every theme whose stability is below ``threshold``."""
    return {theme: score < threshold for theme, score in scores.items()}
