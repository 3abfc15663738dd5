"""Cutting per-document work into tasks: contiguous runs of documents of about the same size."""
from __future__ import annotations

from typing import Sequence, TypeVar

T = TypeVar("T")
TASKS_PER_WORKER = 4       # enough tasks to even out documents of different lengths
MAX_TASK_WORDS = 20_000    # and none so big that a lost task costs much


def chunked(items: Sequence[T], sizes: Sequence[int], n_workers: int, *, tasks_per_worker: int = TASKS_PER_WORKER,
            max_size: int = MAX_TASK_WORDS) -> list[list[T]]:
    """``items`` in order, cut into runs whose ``sizes`` add up to about total / (workers x tasks_per_worker),
    at most ``max_size`` (a single bigger item is a run of its own). Deterministic: same input, same runs."""
    if not items:
        return []
    total = sum(sizes)
    target = max(1, min(max_size, -(-total // max(1, n_workers * tasks_per_worker))))
    runs: list[list[T]] = [[]]
    filled = 0
    for item, size in zip(items, sizes):
        if runs[-1] and filled + size > target:
            runs.append([])
            filled = 0
        runs[-1].append(item)
        filled += size
    return runs
