"""What about this machine can explain a numeric difference: CPU, vector extensions, BLAS, threads, torch.

Recorded in every manifest and printed side by side by ``workbench verify`` when tables differ. None of it
changes results by design (themes do not depend on the last bits of floating point), but when something
does differ, these are the first suspects.
"""
from __future__ import annotations

import os
import platform
import sys
from typing import Any

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "ATEN_CPU_CAPABILITY",
                    "OPENBLAS_CORETYPE", "MKL_ENABLE_INSTRUCTIONS")
# The CPU flags that decide which kernels numeric libraries pick (x86-64 and arm64).
KERNEL_FLAGS = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
                "avx512_bf16", "amx_tile", "amx_bf16", "asimd", "asimddp", "sve", "sve2", "bf16", "i8mm")


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields from /proc/cpuinfo (Linux), else empty."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return {}
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if fields:
                break
            continue
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


def cpu_info() -> dict[str, Any]:
    """CPU model and the kernel-relevant flags."""
    info = _cpuinfo()
    model = info.get("model name") or info.get("Model") or info.get("CPU part") or platform.processor() or "unknown"
    flags = set((info.get("flags") or info.get("Features") or "").split())
    return {"model": model, "machine": platform.machine(), "cores": os.cpu_count(),
            "kernel_flags": [f for f in KERNEL_FLAGS if f in flags]}


def blas_info() -> list[dict[str, Any]]:
    """The BLAS/OpenMP libraries loaded in this process, with their kernel (e.g. OpenBLAS 'SkylakeX')."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keep = ("user_api", "internal_api", "version", "architecture", "threading_layer", "num_threads")
    return [{k: lib.get(k) for k in keep if lib.get(k) is not None} for lib in threadpool_info()]


def torch_info() -> dict[str, Any]:
    """torch's CPU capability (its kernel choice) and threads, if torch was used in this process."""
    torch = sys.modules.get("torch")
    if torch is None:
        return {"loaded": False}
    try:
        return {"loaded": True, "version": torch.__version__, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
                "num_threads": torch.get_num_threads()}
    except Exception as err:  # noqa: BLE001 - an odd build must not stop a manifest
        return {"loaded": True, "error": str(err)}


def machine_info() -> dict[str, Any]:
    """Everything above in one dictionary (JSON-ready)."""
    return {"cpu": cpu_info(), "blas": blas_info(), "torch": torch_info(),
            "thread_settings": {name: os.environ.get(name) for name in THREAD_VARIABLES},
            "python": platform.python_version(), "system": platform.system()}


def flatten(info: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"cpu.model": "...", "blas.0.architecture": "SkylakeX", ...}`` for side-by-side printing."""
    flat: dict[str, str] = {}
    items = info.items() if isinstance(info, dict) else enumerate(info)
    for key, value in items:
        name = f"{prefix}{key}"
        if (isinstance(value, dict) and value) or (isinstance(value, list) and value
                                                   and not all(isinstance(v, str) for v in value)):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, list):
            flat[name] = " ".join(value)
        else:
            flat[name] = "" if value is None else str(value)
    return flat


def side_by_side(recorded: dict[str, Any], current: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, recorded value, value here) for every field; differing fields first."""
    a, b = flatten(recorded or {}), flatten(current or {})
    names = sorted(set(a) | set(b), key=lambda n: (a.get(n) == b.get(n), n))
    return [(n, a.get(n, "-"), b.get(n, "-")) for n in names]
