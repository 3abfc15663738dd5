"""Coding: codes on spans of segments by people, rules and models, with review, tables and agreement."""
from .agreement import agreement
from .store import ACTIONS, SOURCES, STATUSES, Coding, CodingError, CodingStore, codings_frame, verify_offsets
from .tables import co_occurrence, code_document_matrix, code_frequencies, quotes_for

__all__ = ["ACTIONS", "SOURCES", "STATUSES", "Coding", "CodingError", "CodingStore", "agreement",
           "co_occurrence", "code_document_matrix", "code_frequencies", "codings_frame", "quotes_for",
           "verify_offsets"]
