"""Measuring helpers: a child process's wall time, CPU time and peak memory, and latency percentiles.

Peak memory of a child is taken two ways: ``ru_maxrss`` from ``os.wait4`` (the largest single process
of the child and its waited-for descendants, e.g. spaCy's worker processes), and the sum of the
proportional set size (PSS, shared pages split between processes) over the whole process tree,
sampled every ``interval`` seconds with psutil when it is installed.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from pathlib import Path
from typing import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-quantile (0..1) of ``values``, nearest-rank on the sorted values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


class _TreeSampler(threading.Thread):
    """Samples the summed PSS (else RSS) of a process and its descendants; keeps the peak."""

    def __init__(self, pid: int, interval: float):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_bytes = 0
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            import psutil
        except ImportError:  # pragma: no cover - psutil is optional
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.stop.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for proc in procs:
                try:
                    info = proc.memory_full_info()
                    total += getattr(info, "pss", 0) or info.rss
                except psutil.Error:
                    continue
            self.peak_bytes = max(self.peak_bytes, total)
            self.stop.wait(self.interval)


def run_measured(cmd: Sequence[str], env: dict[str, str] | None = None, log: Path | None = None,
                 interval: float = 0.5, cwd: str | Path | None = None) -> dict:
    """Run ``cmd``; return its exit code, wall and CPU seconds and peak memory in MB. Output goes to ``log``."""
    handle = open(log, "wb") if log else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=cwd)
        sampler = _TreeSampler(proc.pid, interval)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            handle.close()
    return {"returncode": proc.returncode, "seconds": round(seconds, 3),
            "max_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
            "peak_tree_pss_mb": round(sampler.peak_bytes / 1024 / 1024, 1) if sampler.peak_bytes else None,
            "user_cpu_seconds": round(usage.ru_utime, 2), "system_cpu_seconds": round(usage.ru_stime, 2)}
