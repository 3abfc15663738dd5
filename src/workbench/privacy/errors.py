"""The error the privacy tools raise (its messages are E500-E504 in ``workbench.errors``)."""
from __future__ import annotations

from ..errors import WorkbenchError


class PseudonymisationError(WorkbenchError):
    """The key, the list of names or the output folder cannot be used."""
