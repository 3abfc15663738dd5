"""workbench: a Jupyter-based workbench for qualitative analysis of co-production texts."""
from __future__ import annotations

import os

# Nothing may download a model at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

__version__ = "0.1.0"

from .corpus import Corpus, Document, Segment, load_corpus  # noqa: E402

__all__ = ["Corpus", "Document", "Segment", "load_corpus", "__version__"]
