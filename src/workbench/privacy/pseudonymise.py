"""Pseudonymise a corpus for sharing: person names, e-mail addresses and phone numbers get stable pseudonyms.

Names come from speaker labels (with their role from metadata or ``Name (role):`` labels), blog
authors in metadata, spaCy PERSON entities and a list the user gives. Each person gets a pseudonym
numbered per role in order of first appearance ("Carer 1", "Lived Experience 2", "Participant 3");
each part of a multi-word name ("June" of "June Harris") maps to the same pseudonym.

Matching is whole-word and case-sensitive, longest name first, so "I hope we will mark it" is never
touched. A name that is also a common word ("Hope", "Will", "Mark") is always replaced as a speaker
label, mid-sentence, or when followed by punctuation, a possessive or a reporting verb ("Hope said");
at the start of a sentence otherwise the tagger decides (PROPN or PERSON), and without a tagger it
is kept and listed in ``review_``. Month names next to a date ("12 June 2025") are kept.

Offsets: pseudonyms change the text's length, so offsets are recomputed, not kept. ``replacements_``
gives every replacement's offsets in the original and in the pseudonymised text (``map_offset`` uses
them), and a written copy re-loads with the same documents, seg_ids and segment texts as
``transform_corpus`` gives; ``write_corpus`` checks this and reports any difference.

The key (real -> pseudonym) is JSON written atomically with owner-only permissions, and is never
written inside the shared copy.

This module holds the ``Pseudonymiser`` and ``pseudonymise_folder``; the pieces live beside it:
``names`` (collecting and numbering), ``matching`` and ``context`` (what to replace), ``offsets``,
``key``, ``folders``, ``writers`` (one per format) and ``check`` (the re-loaded copy).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

from ..corpus.loader import load_corpus
from ..corpus.metadata import METADATA_FILE
from ..corpus.model import Corpus, Document
from ..errors import Errors, NotFittedError
from .check import PROBLEM_COLUMNS, CopyReport, copy_problems
from .context import MONTHS
from .errors import PseudonymisationError
from .folders import MARKER_FILE, check_out_dir, prepare_out_dir, write_shared
from .key import KEY_FORMAT, check_key_path, default_key_path, load_key, write_key
from .matching import Matcher, find_contacts, real_kind
from .names import (COMMON_WORD_NAMES, Numbering, author_names, common_words, entity_names, is_common,
                    load_names, lower_words, parse_name, seen_mid_sentence, speaker_names)
from .offsets import apply, new_spans, offset_mapper, segment_finder
from .writers import write_document, write_metadata

__all__ = ["COMMON_WORD_NAMES", "KEY_FORMAT", "MARKER_FILE", "MONTHS", "PROBLEM_COLUMNS", "REASONS",
           "REPLACEMENT_COLUMNS", "REVIEW_COLUMNS", "CopyReport", "PseudonymisationError", "Pseudonymiser",
           "check_out_dir", "default_key_path", "load_key", "load_names", "pseudonymise_folder"]

REASONS = ("speaker", "author", "user_name", "person_entity", "key", "email", "phone")
REPLACEMENT_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "original", "replacement", "reason",
                       "new_start_char", "new_end_char"]
REVIEW_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "text", "reason"]


class Pseudonymiser:
    """Replace person names, e-mail addresses and phone numbers with consistent pseudonyms.

    Parameters: ``names`` extra names ("Tayo" or "Tayo Adeyemi=carer"); ``roles`` number pseudonyms
    per role ("Carer 1") where a role is known, else "Participant N"; ``entities`` add spaCy PERSON
    entities; ``emails`` / ``phones`` replace those too; ``key`` an earlier key (mapping or path of
    a key file) to extend, so pseudonyms stay the same across runs; ``default_role`` the pseudonym
    prefix when the role is unknown.

    Fitted: ``key_`` (real -> pseudonym, including name parts, e-mails and phones), ``names_``
    (one row per name: pseudonym, role, reason, common_word), ``replacements_`` (every replacement in
    the fitted corpus with old and new offsets) and ``review_`` (common-word names that were kept).
    """

    def __init__(self, names: Sequence[str] = (), roles: bool = True, entities: bool = True,
                 emails: bool = True, phones: bool = True, key: Mapping[str, str] | str | Path | None = None,
                 default_role: str = "Participant"):
        self.names = names
        self.roles = roles
        self.entities = entities
        self.emails = emails
        self.phones = phones
        self.key = key
        self.default_role = default_role

    # -- fitting -------------------------------------------------------------------------------------
    def fit(self, corpus: Corpus, nlp=None, annotated=None) -> "Pseudonymiser":
        """Collect names from ``corpus`` and give each a pseudonym.

        ``nlp``: a spaCy pipeline with 'ner' (default: ``workbench.annotate.load_pipeline()``, only
        loaded when ``entities`` is on); ``annotated``: an AnnotatedCorpus of this corpus to reuse
        (e.g. ``Workbench.annotated``) instead of parsing again.
        """
        if isinstance(self.key, (str, Path)):
            key = load_key(self.key)
        else:
            key = {str(k): str(v) for k, v in dict(self.key or {}).items()}
        user = [parse_name(entry) for entry in self.names]
        common = common_words(corpus)
        book = Numbering(key, corpus, common, roles=self.roles, default_role=self.default_role)
        entity_found: list[str] = []
        tagger = None  # tags sentence-initial common-word names
        if self.entities:
            entity_found, tagger = entity_names(corpus, nlp, annotated, common, key)
        elif nlp is not None:
            tagger = nlp
        book.add_all(speaker_names(corpus) + [(name, role, "user_name") for name, role in user]
                     + author_names(corpus))
        # Entities last: "Dev" found by spaCy is already the part of the speaker "Dev Patel".
        book.add_all([(name, None, "person_entity") for name in entity_found
                      if name not in key and seen_mid_sentence(name, corpus)])
        for doc in corpus.documents:
            for kind, real, _ in find_contacts(doc.text, self.emails, self.phones):
                book.add_contact(kind, real)
        self.key_: dict[str, str] = key
        self._book = book
        self._matcher = Matcher(key, book.reasons, book.aliases, common, tagger, self.emails, self.phones)
        self._fit_results(corpus)
        return self

    def _fit_results(self, corpus: Corpus) -> None:
        rows, review = [], []
        for doc in corpus.documents:
            hits, kept = self._matcher.scan(doc.text)
            seg_of = segment_finder(corpus, doc.doc_id)
            for hit, (_, _, new_start, new_end) in zip(hits, new_spans(hits)):
                rows.append((doc.doc_id, seg_of(hit.start, hit.end), hit.start, hit.end, hit.original,
                             hit.replacement, hit.reason, new_start, new_end))
            review += [(doc.doc_id, seg_of(k.start, k.end), k.start, k.end, k.original, k.reason) for k in kept]
        self.replacements_ = pd.DataFrame(rows, columns=REPLACEMENT_COLUMNS)
        self.review_ = pd.DataFrame(review, columns=REVIEW_COLUMNS)
        book = self._book
        names = [(real, pseudo, book.roles.get(real), book.reasons.get(real, "key"), is_common(real, book.common))
                 for real, pseudo in self.key_.items() if real_kind(real) == "name"]
        self.names_ = pd.DataFrame(names, columns=["name", "pseudonym", "role", "reason", "common_word"])

    def _check_fitted(self) -> None:
        if not hasattr(self, "key_"):
            raise NotFittedError(Errors.E250.format(name=type(self).__name__))

    # -- transforming --------------------------------------------------------------------------------
    def transform_text(self, text: str) -> str:
        """Pseudonymise loose text (a quote, a speaker cell) with the fitted key."""
        self._check_fitted()
        return self._matcher.replace(text, common=self._matcher.common | lower_words(text))

    def transform_speaker(self, speaker: str | None) -> str | None:
        """The pseudonym of a speaker label (exact match), or the label itself if it is not in the key."""
        self._check_fitted()
        return self._matcher.speaker(speaker)

    def transform_corpus(self, corpus: Corpus) -> dict[str, str]:
        """The pseudonymised text of every document, by doc_id."""
        return {doc_id: text for doc_id, (text, _) in self._transform_documents(corpus).items()}

    def _transform_documents(self, corpus: Corpus) -> dict[str, tuple[str, int]]:
        """doc_id -> (pseudonymised text, number of replacements)."""
        self._check_fitted()
        out = {}
        for doc in corpus.documents:
            hits = self._matcher.scan(doc.text)[0]
            out[doc.doc_id] = (apply(doc.text, hits), len(hits))
        return out

    def map_offset(self, doc_id: str, offset: int) -> int:
        """Where a character offset of the fitted corpus's document falls in its pseudonymised text."""
        self._check_fitted()
        rows = self.replacements_[self.replacements_["doc_id"] == doc_id]
        return offset_mapper(list(zip(rows["start_char"], rows["end_char"], rows["new_start_char"],
                                      rows["new_end_char"])))(offset)

    # -- the key -------------------------------------------------------------------------------------
    def save_key(self, path: str | Path, *, forbidden: Iterable[str | Path] = ()) -> Path:
        """Write ``key_`` as JSON (atomically, readable by its owner only). Refuses a path inside a
        pseudonymised copy (a folder with the copy's marker file) or inside any ``forbidden`` folder."""
        self._check_fitted()
        return write_key(path, self.key_, self._book.reasons, forbidden=forbidden)

    # -- writing and checking a copy -----------------------------------------------------------------
    def write_corpus(self, corpus: Corpus, out_dir: str | Path, *, key_path: str | Path | None = None,
                     overwrite: bool = False) -> CopyReport:
        """Write a pseudonymised copy of the corpus folder that ``load_corpus`` reads back.

        .txt, .md, .html, .vtt, .srt, .csv, .xlsx and .docx keep their format and doc_id; a .pdf is
        written as ``<name>.txt``. metadata.csv is written with pseudonymised speaker roles and
        authors. Files that could not be loaded are not copied. The copy is re-loaded and checked
        (``CopyReport.problems``). ``key_path``, if given, receives the key; it may not be inside ``out_dir``.
        """
        self._check_fitted()
        out = Path(out_dir).expanduser().resolve()
        source = Path(corpus.root).expanduser().resolve()
        if key_path is not None:
            check_key_path(Path(key_path).expanduser().resolve(), [out, source])
        prepare_out_dir(out, source, overwrite)
        done = self._transform_documents(corpus)
        texts = {doc_id: text for doc_id, (text, _) in done.items()}
        ids = {d.doc_id for d in corpus.documents}
        doc_ids: dict[str, str] = {}
        rows = []
        for doc in corpus.documents:
            new_id, written_as = self._write_document(doc, texts[doc.doc_id], source, out, ids)
            doc_ids[doc.doc_id] = new_id
            rows.append((doc.doc_id, new_id, written_as, done[doc.doc_id][1]))
        for problem in corpus.problems:
            rows.append((problem.path, None, "not copied: it could not be read", 0))
        if METADATA_FILE in corpus.extra_files and (source / METADATA_FILE).is_file():
            write_metadata(source / METADATA_FILE, out / METADATA_FILE, doc_ids, self._matcher)
        marker = {"tool": "workbench pseudonymise", "version": 1, "documents": len(doc_ids)}
        write_shared(out / MARKER_FILE, json.dumps(marker).encode("utf-8"))
        saved = self.save_key(key_path, forbidden=[out, source]) if key_path is not None else None
        files = pd.DataFrame(rows, columns=["doc_id", "out_doc_id", "written_as", "replacements"])
        problems = self.check_copy(corpus, out, doc_ids, texts)
        return CopyReport(out, files, problems, saved, doc_ids, self.names_, self.review_)

    def _write_document(self, doc: Document, text: str, source: Path, out: Path,
                        ids: set[str]) -> tuple[str, str]:
        """Write one document of the copy (see ``writers.write_document``)."""
        return write_document(doc, text, source, out, ids, self._matcher)

    def check_copy(self, corpus: Corpus, out_dir: str | Path, doc_ids: Mapping[str, str] | None = None,
                   texts: Mapping[str, str] | None = None) -> pd.DataFrame:
        """Re-load a written copy and list problems: a missing document, a text that differs from
        ``transform_corpus``, segments or speakers that differ, a real name still present."""
        self._check_fitted()
        texts = texts if texts is not None else self.transform_corpus(corpus)
        return copy_problems(corpus, out_dir, dict(doc_ids or {}), texts, self._matcher)


def pseudonymise_folder(path: str | Path, out_dir: str | Path, *, key_path: str | Path | None = None,
                        names: Sequence[str] = (), names_file: str | Path | None = None, roles: bool = True,
                        entities: bool = True, emails: bool = True, phones: bool = True, nlp=None,
                        unit: str = "auto", max_turn_words: int = 250, overwrite: bool = False) -> CopyReport:
    """Load the corpus at ``path``, pseudonymise it into ``out_dir`` and save the key (what the CLI calls).

    An existing key at ``key_path`` is extended, so earlier pseudonyms stay the same; without a
    ``key_path`` the key goes to ``<out_dir>-key.json`` beside the copy.
    """
    key_file = Path(key_path) if key_path is not None else default_key_path(out_dir)
    check_out_dir(out_dir, path, overwrite)  # fail before the slow part
    check_key_path(key_file.expanduser().resolve(), [Path(out_dir), Path(path)])
    corpus = load_corpus(path, unit=unit, max_turn_words=max_turn_words)
    key = load_key(key_file) if key_file.is_file() else None
    all_names = list(names) + (load_names(names_file) if names_file is not None else [])
    model = Pseudonymiser(names=all_names, roles=roles, entities=entities, emails=emails, phones=phones, key=key)
    model.fit(corpus, nlp=nlp)
    return model.write_corpus(corpus, out_dir, key_path=key_file, overwrite=overwrite)
