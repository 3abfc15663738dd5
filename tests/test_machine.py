"""Machine facts for manifests and verify: present, JSON-ready, and compared side by side."""
from __future__ import annotations

import json

from workbench.machine import flatten, machine_info, side_by_side


def test_machine_info_names_cpu_blas_threads_and_torch(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    info = machine_info()
    json.dumps(info)  # JSON-ready
    assert info["cpu"]["model"] and info["cpu"]["machine"]
    assert info["thread_settings"]["OMP_NUM_THREADS"] == "1"
    assert isinstance(info["blas"], list) and "loaded" in info["torch"]


def test_torch_capability_is_recorded_once_torch_is_loaded():
    import torch  # noqa: F401

    info = machine_info()["torch"]
    assert info["loaded"] and info["cpu_capability"] and info["num_threads"] >= 1


def test_side_by_side_puts_differences_first():
    recorded = {"cpu": {"model": "Xeon", "kernel_flags": ["avx2", "avx512f"]}, "blas": [{"architecture": "SkylakeX"}]}
    here = {"cpu": {"model": "Xeon", "kernel_flags": ["avx2"]}, "blas": [{"architecture": "Haswell"}]}
    rows = side_by_side(recorded, here)
    assert rows[0] == ("blas.0.architecture", "SkylakeX", "Haswell")
    assert rows[1] == ("cpu.kernel_flags", "avx2 avx512f", "avx2")
    assert rows[-1] == ("cpu.model", "Xeon", "Xeon")
    assert flatten({"a": {"b": None}}) == {"a.b": ""}
    assert side_by_side({}, {"x": 1}) == [("x", "-", "1")]
