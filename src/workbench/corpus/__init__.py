"""Corpus model and loading: documents, segments with exact offsets, load problems."""
from .loader import load_corpus, read_document
from .model import Block, Corpus, Document, LoadProblem, Segment
from .segment import UNITS, segment_document, sentence_spans

__all__ = ["Block", "Corpus", "Document", "LoadProblem", "Segment", "UNITS", "load_corpus",
           "read_document", "segment_document", "sentence_spans"]
