"""Coding: codes on spans of segments by people, rules and models, with review, tables and agreement."""
from .store import ACTIONS, SOURCES, STATUSES, Coding, CodingError, CodingStore, codings_frame, verify_offsets
from .tables import co_occurrence, code_document_matrix, code_frequencies, quotes_for

__all__ = ["ACTIONS", "SOURCES", "STATUSES", "Coding", "CodingError", "CodingStore", "agreement",
           "co_occurrence", "code_document_matrix", "code_frequencies", "codings_frame", "quotes_for",
           "verify_offsets"]


def __getattr__(name: str):
    if name == "agreement":  # imported when first used: it needs scikit-learn, which takes a while to import
        from .agreement import agreement

        return agreement
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
