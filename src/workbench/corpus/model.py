"""The corpus data model: documents, blocks, segments and load problems (pure Python, no spaCy).

Invariant: ``corpus.document(seg.doc_id).text[seg.start_char:seg.end_char] == seg.text``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Iterator

import pandas as pd

from ..errors import Errors, CorpusError

KINDS = ("transcript", "blog", "notes")
# Block kinds a reader may produce; only CONTENT_BLOCKS become segments. The others are kept out of the
# analysis and listed as exclusions, with the reason in EXCLUSION_REASONS.
CONTENT_BLOCKS = ("paragraph", "list_item", "quote", "turn", "lead_in")
EXCLUSION_REASONS = {
    "title": "heading", "heading": "heading", "note": "stage note", "boilerplate": "boilerplate",
    "front_matter": "front matter", "label": "speaker label", "marker": "list marker",
}
BLOCK_KINDS = CONTENT_BLOCKS + tuple(EXCLUSION_REASONS)
# Reasons of text outside every segment: the ones above, white space between units, and text no reader
# accounted for (never expected; it lowers a document's coverage and is warned about).
BLANK, UNREAD = "blank", "unread"
SECTION_SEPARATOR = " > "


@dataclass(frozen=True)
class Block:
    """A structural span of a document's text as a reader found it (a turn, a paragraph, a heading)."""

    start_char: int
    end_char: int
    kind: str
    speaker: str | None = None
    timestamp: str | None = None
    section: str | None = None  # the heading path above the block ("Findings > Barriers")
    lead_in: str | None = None  # for a list item: the line that introduces its list


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
    lead_in: str | None = None


@dataclass(frozen=True)
class Exclusion:
    """Text of a document outside every segment, with the reason (heading, stage note, boilerplate, ...)."""

    doc_id: str
    start_char: int
    end_char: int
    reason: str
    text: str


@dataclass(frozen=True)
class LoadProblem:
    """A file that could not be loaded, and why."""

    path: str
    code: str
    reason: str


# Columns of documents_df() that metadata attributes may not overwrite (they become attr_<name>).
_COMPUTED = {"doc_id", "format", "segments", "words", "speakers", "coverage"}
SEGMENT_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "speaker", "timestamp", "kind", "section",
                   "lead_in", "text"]
EXCLUSION_COLUMNS = ["doc_id", "start_char", "end_char", "reason", "text"]
COVERAGE_COLUMNS = ["doc_id", "characters", "in_segments", "coverage", "analysed", "heading", "speaker label",
                    "list marker", "stage note", "boilerplate", "front matter", "unread"]


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
        self._exclusions: list[Exclusion] | None = None
        self._coverage: dict[str, Any] | None = None

    # -- text accounting ---------------------------------------------------------------------------
    def _account(self) -> None:
        from .accounting import account

        exclusions: list[Exclusion] = []
        coverage = {}
        for doc in self.documents:
            found, cover = account(doc, self.segments_of(doc.doc_id))
            exclusions += found
            coverage[doc.doc_id] = cover
        self._exclusions, self._coverage = exclusions, coverage

    @property
    def exclusions(self) -> list[Exclusion]:
        """Text outside every segment, with the reason; with the segments it tiles every document."""
        if self._exclusions is None:
            self._account()
        return self._exclusions

    @exclusions.setter
    def exclusions(self, value: list[Exclusion]) -> None:
        self._exclusions = list(value)

    @property
    def coverage(self) -> dict[str, Any]:
        """doc_id -> Coverage: how each document's visible characters are accounted for."""
        if self._coverage is None:
            self._account()
        return self._coverage

    @coverage.setter
    def coverage(self, value: dict[str, Any]) -> None:
        self._coverage = dict(value)

    def exclusions_df(self, blank: bool = False) -> pd.DataFrame:
        """One row per exclusion (``exclusions.csv``); white space between units left out unless ``blank``."""
        rows = [asdict(e) for e in self.exclusions if blank or e.reason != BLANK]
        return pd.DataFrame(rows, columns=EXCLUSION_COLUMNS)

    def coverage_df(self) -> pd.DataFrame:
        """One row per document: visible characters, the share in segments or listed exclusions
        (``coverage``), the share analysed, and visible characters set aside by reason."""
        rows = []
        for doc in self.documents:
            cover = self.coverage[doc.doc_id]
            rows.append({"doc_id": doc.doc_id, "characters": cover.characters, "in_segments": cover.in_segments,
                         "coverage": round(cover.coverage, 4), "analysed": round(cover.analysed, 4),
                         **{reason: cover.excluded.get(reason, 0) for reason in COVERAGE_COLUMNS[5:]}})
        return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)

    def drop_document(self, doc_id: str, problem: LoadProblem) -> None:
        """Take a document out of the corpus (its segments and exclusions too) and record why."""
        self.documents = [d for d in self.documents if d.doc_id != doc_id]
        self.segments = [s for s in self.segments if s.doc_id != doc_id]
        self._by_id.pop(doc_id, None)
        if self._exclusions is not None:
            self._exclusions = [e for e in self._exclusions if e.doc_id != doc_id]
        if self._coverage is not None:
            self._coverage.pop(doc_id, None)
        self._seg_by_id = None
        self._segs_by_doc = None
        self.problems.append(problem)

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
                "coverage": round(self.coverage[doc.doc_id].coverage, 4) if doc.doc_id in self.coverage else None,
                **{(f"attr_{k}" if k in _COMPUTED else k): v for k, v in doc.attributes.items()
                   if k not in ("kind", "title", "date")},
            })
        columns = ["doc_id", "kind", "title", "date", "format", "segments", "words", "speakers", "coverage"]
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
                "kind": doc.kind, "section": seg.section, "lead_in": seg.lead_in, "text": seg.text,
                "speaker_role": doc.speaker_roles.get(seg.speaker) if seg.speaker else None, "block": seg.block,
            })
        return pd.DataFrame(rows, columns=SEGMENT_COLUMNS + ["speaker_role", "block"])

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
        characters = sum(c.characters for c in self.coverage.values())
        unread = sum(c.excluded.get(UNREAD, 0) for c in self.coverage.values())
        return {
            "documents": len(self.documents), "kinds": dict(sorted(kinds.items())),
            "segments": len(self.segments), "words": sum(d.n_words for d in self.documents),
            "speakers": len({s for _, s in speakers}), "problems": len(self.problems),
            "coverage": round(1 - unread / characters, 4) if characters else 1.0,
        }
