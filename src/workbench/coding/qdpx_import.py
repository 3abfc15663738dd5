"""Codings made in another program come back: a REFI-QDA project (``.qdpx``) into the coding store.

Each coded ``PlainTextSelection`` becomes one coding per coder (all the codes that coder put on it), as an
accepted human coding, so the code tables and agreement work on it. Its offsets must match the corpus
exactly: every selection is checked against the corpus text before anything is saved, and if one does
not match, nothing is imported (E456 lists the sources and selections). Sources are matched to corpus
documents by the GUID the workbench gave them, then by the "Corpus path:" line of their description,
then by file name or corpus path.

A selection that spans several segments is saved as one coding per segment (the text between them -
speaker labels, notes left out of the analysis - is not coded); one that covers no segment text at all
is listed in the report, not saved. Suggestions the workbench exported itself (user "workbench (machine
suggestion)") are skipped: they are in the review queue already. Importing the same file twice changes
nothing: each coding's id comes from the selection's GUID, and a coding the store already has (same
span, codes and coder) is not added again.
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import Errors
from ..export.refi import CORPUS_PATH_LABEL, MACHINE_USER, guid, source_names
from ..export.refi_read import QdpxProject, QdpxSelection, QdpxSource, read_qdpx
from .store import Coding, CodingError, CodingStore

IMPORT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "workbench:import-qdpx:1")
MAX_LISTED = 8


@dataclass
class ImportReport:
    """What ``import_qdpx`` did."""

    path: Path
    origin: str
    imported: int = 0  # codings saved (a selection split over segments counts once per segment)
    by_coder: Counter = field(default_factory=Counter)
    already_there: int = 0  # the store had the same span, codes and coder
    skipped_suggestions: int = 0  # the workbench's own machine suggestions
    split: int = 0  # selections saved as several codings, one per segment
    not_imported: list[tuple[str, str, str]] = field(default_factory=list)  # (source, selection, why)
    other_sources: int = 0  # pictures, PDFs, audio, video: not read

    def summary(self) -> str:
        coders = ", ".join(f"{name} {n}" for name, n in sorted(self.by_coder.items())) or "none"
        lines = [f"Imported {self.imported} codings from {self.path} (made with {self.origin or 'an unnamed program'}): "
                 f"{coders}."]
        if self.already_there:
            lines.append(f"{self.already_there} codings were already in the store and were not added again.")
        if self.split:
            lines.append(f"{self.split} selections spanned several segments and were saved once per segment.")
        if self.skipped_suggestions:
            lines.append(f"{self.skipped_suggestions} machine suggestions exported by the workbench were skipped "
                         "(they are in the review queue).")
        if self.other_sources:
            lines.append(f"{self.other_sources} picture, PDF, audio or video sources were not read.")
        for source, selection, why in self.not_imported:
            lines.append(f"Not imported: {selection} in '{source}': {why}.")
        return "\n".join(lines)


def _described_path(description: str) -> str | None:
    first = description.strip().splitlines()[0] if description.strip() else ""
    return first[len(CORPUS_PATH_LABEL):].strip() if first.startswith(CORPUS_PATH_LABEL) else None


def match_sources(project: QdpxProject, corpus) -> dict[str, str | None]:
    """source guid -> the doc_id it is (None when no document matches)."""
    docs = {doc.doc_id for doc in corpus.documents}
    by_guid = {guid("source", d): d for d in docs}
    by_name = {name: d for d, name in source_names(corpus).items()}
    out: dict[str, str | None] = {}
    for source in project.sources:
        described = _described_path(source.description)
        out[source.guid] = (by_guid.get(source.guid) or (described if described in docs else None)
                            or by_name.get(source.name) or (source.name if source.name in docs else None))
    return out


def _label(selection: QdpxSelection) -> str:
    shown = f"'{selection.name[:60]}'" if selection.name else "selection"
    return f"{shown} ({selection.guid or 'no guid'}) at {selection.start}-{selection.end}"


def _problems(project: QdpxProject, corpus, docs: dict[str, str | None]) -> list[str]:
    """Why coded selections do not match the corpus: one line per source or selection."""
    problems: list[str] = []
    for source in project.sources:
        coded = [s for s in source.selections if s.codings]
        if not coded:
            continue
        doc_id = docs[source.guid]
        if doc_id is None:
            problems.append(f"source '{source.name}' ({len(coded)} coded selections) matches no document of the "
                            "corpus (by GUID, corpus path or file name)")
            continue
        if source.text is None:
            problems.append(f"source '{source.name}' (corpus path {doc_id}): {source.text_problem}, so its "
                            "offsets cannot be checked")
            continue
        text = corpus.document(doc_id).text
        for selection in coded:
            where = f"source '{source.name}' (corpus path {doc_id}), selection {_label(selection)}"
            if not 0 <= selection.start < selection.end <= len(text):
                problems.append(f"{where}: the span is outside the document ({len(text)} characters)")
            elif source.text[selection.start:selection.end] != text[selection.start:selection.end]:
                theirs = source.text[selection.start:selection.end][:50]
                ours = text[selection.start:selection.end][:50]
                problems.append(f"{where}: the project has {theirs!r} there, the corpus {ours!r}")
            for coding in selection.codings:
                if coding.code is None:
                    problems.append(f"{where}: a coding points at code GUID {coding.code_guid!r}, which is not in "
                                    "the project's codebook")
    return problems


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _codings_of(selection: QdpxSelection, source: QdpxSource, doc_id: str, corpus, origin: str,
                report: ImportReport) -> list[Coding]:
    """The selection as codings: one per coder and overlapped segment."""
    by_user: dict[str, list] = {}
    for coding in selection.codings:
        if coding.user == MACHINE_USER:
            report.skipped_suggestions += 1
            continue
        by_user.setdefault(coding.user, []).append(coding)
    if not by_user:
        return []
    pieces = [(max(selection.start, seg.start_char), min(selection.end, seg.end_char), seg)
              for seg in corpus.segments_of(doc_id)
              if seg.start_char < selection.end and selection.start < seg.end_char]
    if not pieces:
        report.not_imported.append((source.name, _label(selection),
                                    "it covers no segment text (only text the analysis leaves out, such as a "
                                    "speaker label or a note)"))
        return []
    if len(pieces) > 1:
        report.split += 1
    text = corpus.document(doc_id).text
    out = []
    for user, codings in by_user.items():
        codes = list(dict.fromkeys(c.code for c in codings if c.code))
        created = _iso(min((c.created or "" for c in codings), default="")) or _iso(selection.created)
        for k, (start, end, seg) in enumerate(pieces):
            memo = selection.description.strip()
            if len(pieces) > 1:
                note = f"Part {k + 1} of {len(pieces)} of one selection made in {origin or 'another program'}."
                memo = f"{memo}\n\n{note}" if memo else note
            coding_id = uuid.uuid5(IMPORT_NAMESPACE, f"{selection.guid}/{user}/{k}").hex
            extra = {"created": created} if created else {}
            out.append(Coding(doc_id=doc_id, seg_id=seg.seg_id, start_char=start, end_char=end, codes=codes,
                              coder=user, source="human", status="accepted", memo=memo, text=text[start:end],
                              coding_id=coding_id, **extra))
    return out


def import_qdpx(path: str | Path, corpus, store: CodingStore) -> ImportReport:
    """Read the codings of a ``.qdpx`` into ``store`` (E455: unreadable file; E456: selections that do not
    match ``corpus``, and then nothing is saved). Returns what was imported and what was not."""
    project = read_qdpx(path)
    docs = match_sources(project, corpus)
    problems = _problems(project, corpus, docs)
    if problems:
        listing = " ".join(f"({i}) {p}." for i, p in enumerate(problems[:MAX_LISTED], start=1))
        if len(problems) > MAX_LISTED:
            listing += f" ... and {len(problems) - MAX_LISTED} more."
        raise CodingError(Errors.E456.format(path=project.path, n=len(problems), corpus=corpus.root,
                                             listing=listing))
    report = ImportReport(path=project.path, origin=project.origin, other_sources=project.other_sources)
    existing = {(c.doc_id, c.start_char, c.end_char, c.coder, tuple(sorted(c.codes))): c.coding_id
                for c in store.all()}
    fresh: list[Coding] = []
    for source in project.sources:
        for selection in source.selections:
            if not selection.codings:
                continue
            for coding in _codings_of(selection, source, docs[source.guid], corpus, project.origin, report):
                key = (coding.doc_id, coding.start_char, coding.end_char, coding.coder, tuple(sorted(coding.codes)))
                if key in existing:
                    report.already_there += 1
                    continue
                existing[key] = coding.coding_id
                fresh.append(coding)
                report.by_coder[coding.coder] += 1
    report.imported = store.add_many(fresh)
    return report
