"""Per-document partial results: what a step computes for one document alone, cached by that document.

Adding, changing or removing a document then recomputes only that document's part; the step's tables are
combined from every document's part, in corpus order. A from-scratch run goes through the same split (each
part computed, stored, read back, combined), so the tables are the same whichever parts came from the cache.

A part is keyed by the document (its id, metadata, text and segments: any change to them is a new key), the
step's settings and the workbench code, and stored as msgpack (no pickle). A damaged entry is computed again.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Collection, Mapping

import srsly

from .cache import DiskCache, code_fingerprint, digest, stable_hash
from .corpus.model import Corpus

FORMAT = 1


def document_key(corpus: Corpus, doc_id: str) -> str:
    """A hash of everything about one document a part may depend on: its id, metadata and text, and its
    segments (offsets, speakers, sections, blocks)."""
    doc = corpus.document(doc_id)
    about = {"doc": [doc.doc_id, doc.kind, doc.title, doc.date, doc.attributes, doc.speaker_roles, doc.sha256,
                     digest(doc.text, 64)],
             "segments": [dataclasses.astuple(seg) for seg in corpus.segments_of(doc_id)]}
    return stable_hash(about, 40)


@dataclass
class PartialStats:
    """What one ``collect`` did: documents computed, documents read from the cache."""

    computed: list[str] = field(default_factory=list)
    reused: int = 0

    def as_dict(self) -> dict:
        return {"computed": len(self.computed), "reused": self.reused}


class DocumentParts:
    """The per-document parts of one step under ``<cache_dir>/partials/<step>/<settings hash>/``.

    ``settings``: anything JSON-able the parts depend on besides the document (config sections, model ids,
    file hashes); the workbench code's fingerprint is added.
    """

    def __init__(self, cache_dir: str | Path, step: str, settings: Any):
        self.step = step
        self.key = stable_hash({"settings": settings, "code": code_fingerprint(), "format": FORMAT}, 24)
        self.entries = DiskCache(Path(cache_dir) / "partials" / step / self.key)
        self.stats = PartialStats()

    def collect(self, corpus: Corpus, compute: Callable[[list[str]], Mapping[str, Any]],
                doc_ids: Collection[str] | None = None, reuse: bool = True) -> list[tuple[str, Any]]:
        """``(doc_id, part)`` of every document with segments (or of ``doc_ids``), in corpus order.

        ``compute(doc_ids)`` returns ``{doc_id: part}`` for documents without a cached part; a part is made of
        msgpack types (dicts, lists, str, numbers, None: a tuple comes back as a list). Every part, new or
        cached, is what the cache gives back, so a combined table does not depend on which were cached.
        ``reuse=False``: every part is computed again (and kept)."""
        wanted = [d.doc_id for d in corpus.documents if corpus.segments_of(d.doc_id)
                  and (doc_ids is None or d.doc_id in doc_ids)]
        keys = {doc_id: document_key(corpus, doc_id) for doc_id in wanted}
        parts: dict[str, Any] = {}
        for doc_id in wanted if reuse else ():
            found = self.entries.read(keys[doc_id], ".msgpack", _unpack)
            if found is not None:
                parts[doc_id] = found
        missing = [doc_id for doc_id in wanted if doc_id not in parts]
        self.stats = PartialStats(computed=list(missing), reused=len(parts))
        if missing:
            made = compute(missing)
            for doc_id in missing:
                if doc_id not in made:  # e.g. spaCy could not take it: it left the corpus as a load problem
                    continue
                raw = srsly.msgpack_dumps({"doc_id": doc_id, "part": made[doc_id]})
                self.entries.write(keys[doc_id], ".msgpack", raw)
                parts[doc_id] = _unpack(raw)
        return [(doc_id, parts[doc_id]) for doc_id in wanted if doc_id in parts]


def _unpack(raw: bytes) -> Any:
    return srsly.msgpack_loads(raw)["part"]
