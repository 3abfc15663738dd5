"""The corpus data model: documents, blocks, segments and load problems (pure Python, no spaCy).

Invariant: ``corpus.document(seg.doc_id).text[seg.start_char:seg.end_char] == seg.text``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Iterator

import pandas as pd

from ..errors import Errors, CorpusError

KINDS = ("transcript", "blog", "notes")
# Block kinds a reader may produce; only CONTENT_BLOCKS become segments.
BLOCK_KINDS = ("title", "heading", "paragraph", "list_item", "quote", "turn", "note")
CONTENT_BLOCKS = ("paragraph", "list_item", "quote", "turn")


@dataclass(frozen=True)
class Block:
    """A structural span of a document's text as a reader found it (a turn, a paragraph, a heading)."""

    start_char: int
    end_char: int
    kind: str
    speaker: str | None = None
    timestamp: str | None = None
    section: str | None = None


@dataclass
class Document:
    """One source file, its normalised text and its metadata."""

    doc_id: str
    text: str
    kind: str
    source_format: str
    title: str = ""
    date: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    speaker_roles: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    sha256: str = ""
    encoding: str | None = None

    @property
    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for block in self.blocks:
            if block.speaker:
                seen.setdefault(block.speaker, None)
        return list(seen)

    @property
    def n_words(self) -> int:
        return sum(len(self.text[b.start_char:b.end_char].split())
                   for b in self.blocks if b.kind in CONTENT_BLOCKS)


@dataclass(frozen=True)
class Segment:
    """A unit of analysis: a speaker turn, a paragraph or a sentence, with exact offsets."""

    seg_id: str
    doc_id: str
    start_char: int
    end_char: int
    text: str
    speaker: str | None = None
    timestamp: str | None = None
    section: str | None = None
    block: str = "paragraph"


@dataclass(frozen=True)
class LoadProblem:
    """A file that could not be loaded, and why."""

    path: str
    code: str
    reason: str


# Columns of documents_df() that metadata attributes may not overwrite (they become attr_<name>).
_COMPUTED = {"doc_id", "format", "segments", "words", "speakers"}
SEGMENT_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "timestamp", "kind", "text"]


class Corpus:
    """Documents and their segments, plus the problems met while loading."""

    def __init__(self, root: str, documents: Iterable[Document], segments: Iterable[Segment],
                 problems: Iterable[LoadProblem] = (), unit: str = "auto",
                 extra_files: dict[str, str] | None = None, warnings: Iterable[str] = ()):
        self.root = root
        self.documents: list[Document] = list(documents)
        self.segments: list[Segment] = list(segments)
        self.problems: list[LoadProblem] = list(problems)
        self.unit = unit
        # Files that are part of the corpus but not documents (metadata.csv), path -> sha256.
        self.extra_files = dict(extra_files or {})
        self.warnings: list[str] = list(warnings)
        self._by_id = {doc.doc_id: doc for doc in self.documents}

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def document(self, doc_id: str) -> Document:
        try:
            return self._by_id[doc_id]
        except KeyError:
            known = ", ".join(sorted(self._by_id)[:10]) or "none"
            raise CorpusError(Errors.E055.format(doc_id=doc_id, known=known)) from None

    def segment(self, seg_id: str) -> Segment:
        """The segment with this id (KeyError if there is none)."""
        if getattr(self, "_seg_by_id", None) is None or len(self._seg_by_id) != len(self.segments):
            self._seg_by_id = {seg.seg_id: seg for seg in self.segments}
        return self._seg_by_id[seg_id]

    def segments_of(self, doc_id: str) -> list[Segment]:
        """The segments of one document, in order."""
        if getattr(self, "_segs_by_doc", None) is None or self._segs_count != len(self.segments):
            grouped: dict[str, list[Segment]] = {}
            for seg in self.segments:
                grouped.setdefault(seg.doc_id, []).append(seg)
            self._segs_by_doc, self._segs_count = grouped, len(self.segments)
        return list(self._segs_by_doc.get(doc_id, []))

    def file_hashes(self) -> dict[str, str]:
        """sha256 of every input file (documents and metadata), by path relative to the root."""
        hashes = {doc.doc_id: doc.sha256 for doc in self.documents}
        hashes.update(self.extra_files)
        return dict(sorted(hashes.items()))

    # -- DataFrames -------------------------------------------------------------------------
    def documents_df(self) -> pd.DataFrame:
        """One row per document: id, kind, title, date, format, counts and attributes."""
        seg_counts: dict[str, int] = {}
        for seg in self.segments:
            seg_counts[seg.doc_id] = seg_counts.get(seg.doc_id, 0) + 1
        rows = []
        for doc in self.documents:
            rows.append({
                "doc_id": doc.doc_id, "kind": doc.kind, "title": doc.title, "date": doc.date,
                "format": doc.source_format, "segments": seg_counts.get(doc.doc_id, 0),
                "words": doc.n_words, "speakers": len(doc.speakers),
                **{(f"attr_{k}" if k in _COMPUTED else k): v for k, v in doc.attributes.items()
                   if k not in ("kind", "title", "date")},
            })
        columns = ["doc_id", "kind", "title", "date", "format", "segments", "words", "speakers"]
        return pd.DataFrame(rows, columns=columns + sorted(
            {k for r in rows for k in r} - set(columns)))

    def segments_df(self) -> pd.DataFrame:
        """One row per segment, with the columns of ``segments.csv`` plus speaker role and section."""
        rows = []
        for seg in self.segments:
            doc = self._by_id[seg.doc_id]
            rows.append({
                "doc_id": seg.doc_id, "seg_id": seg.seg_id, "start_char": seg.start_char,
                "end_char": seg.end_char, "speaker": seg.speaker, "timestamp": seg.timestamp,
                "kind": doc.kind, "text": seg.text,
                "speaker_role": doc.speaker_roles.get(seg.speaker) if seg.speaker else None,
                "section": seg.section, "block": seg.block,
            })
        return pd.DataFrame(rows, columns=SEGMENT_COLUMNS + ["speaker_role", "section", "block"])

    def problems_df(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(p) for p in self.problems], columns=["path", "code", "reason"])

    def speakers_df(self) -> pd.DataFrame:
        """One row per (document, speaker) with role and number of segments."""
        counts: dict[tuple[str, str], int] = {}
        for seg in self.segments:
            if seg.speaker:
                counts[(seg.doc_id, seg.speaker)] = counts.get((seg.doc_id, seg.speaker), 0) + 1
        rows = [{"doc_id": d, "speaker": s, "role": self._by_id[d].speaker_roles.get(s), "segments": n}
                for (d, s), n in counts.items()]
        return pd.DataFrame(rows, columns=["doc_id", "speaker", "role", "segments"])

    def summary(self) -> dict[str, Any]:
        """Counts for `workbench corpus info`."""
        kinds: dict[str, int] = {}
        for doc in self.documents:
            kinds[doc.kind] = kinds.get(doc.kind, 0) + 1
        speakers = {(d.doc_id, s) for d in self.documents for s in d.speakers}
        return {
            "documents": len(self.documents), "kinds": dict(sorted(kinds.items())),
            "segments": len(self.segments), "words": sum(d.n_words for d in self.documents),
            "speakers": len({s for _, s in speakers}), "problems": len(self.problems),
        }
