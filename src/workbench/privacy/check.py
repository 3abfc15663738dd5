"""Checking a written copy: re-load it and list what differs from the pseudonymised corpus or still
names someone; ``CopyReport`` is what writing a copy returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pandas as pd

from ..corpus.loader import load_corpus
from ..corpus.model import Corpus
from .matching import Matcher

PROBLEM_COLUMNS = ["doc_id", "seg_id", "start_char", "end_char", "problem", "detail"]


@dataclass
class CopyReport:
    """What ``write_corpus`` wrote and what its check of the re-loaded copy found."""

    out_dir: Path
    files: pd.DataFrame
    problems: pd.DataFrame
    key_path: Path | None = None
    doc_ids: dict[str, str] = field(default_factory=dict)  # original doc_id -> doc_id in the copy
    names: pd.DataFrame | None = None   # the Pseudonymiser's names_ (who became whom)
    review: pd.DataFrame | None = None  # its review_ (common-word names that were kept: check them)

    @property
    def ok(self) -> bool:
        return self.problems.empty


def copy_problems(corpus: Corpus, out_dir: str | Path, doc_ids: Mapping[str, str], texts: Mapping[str, str],
                  matcher: Matcher) -> pd.DataFrame:
    """Re-load the copy in ``out_dir`` and list problems (``PROBLEM_COLUMNS``): a missing or unexpected
    document, a text that differs from ``texts`` (by original doc_id), segments or speakers that
    differ, a real name, e-mail or phone still present. ``doc_ids``: original -> copy doc_id."""
    copy = load_corpus(out_dir, unit=corpus.unit)
    by_id = {d.doc_id: d for d in copy.documents}
    real_names = matcher.real_names()
    pseudonyms = set(matcher.key.values())
    problems: list[tuple] = []
    for doc in corpus.documents:
        new_id = doc_ids.get(doc.doc_id, doc.doc_id)
        copied = by_id.get(new_id)
        if copied is None:
            problems.append((new_id, None, None, None, "document missing", f"copy of {doc.doc_id}"))
            continue
        expected = texts[doc.doc_id]
        if copied.text != expected:
            at = next((i for i, (a, b) in enumerate(zip(copied.text, expected)) if a != b),
                      min(len(copied.text), len(expected)))
            problems.append((new_id, None, at, at, "text differs", "the re-loaded text differs from "
                             "transform_corpus from this offset on"))
        old = [(s.seg_id.split("#", 1)[1], matcher.speaker(s.speaker)) for s in corpus.segments_of(doc.doc_id)]
        new = [(s.seg_id.split("#", 1)[1], s.speaker) for s in copy.segments_of(new_id)]
        if [o[0] for o in old] != [n[0] for n in new]:
            problems.append((new_id, None, None, None, "segments differ",
                             f"{len(old)} segments in the original, {len(new)} in the copy"))
        elif old != new:
            bad = next(i for i, (o, n) in enumerate(zip(old, new)) if o != n)
            problems.append((new_id, f"{new_id}#{new[bad][0]}", None, None, "speaker differs",
                             f"expected {old[bad][1]!r}, found {new[bad][1]!r}"))
        for hit in matcher.scan(copied.text)[0]:
            problems.append((new_id, None, hit.start, hit.end, f"{hit.reason} remains",
                             f"'{hit.original}' would become '{hit.replacement}'"))
        for speaker in dict.fromkeys(copied.speakers + list(copied.speaker_roles)):
            if speaker in real_names and speaker not in pseudonyms:
                problems.append((new_id, None, None, None, "speaker name remains", speaker))
    expected_ids = {doc_ids.get(d.doc_id, d.doc_id) for d in corpus.documents}
    for extra in sorted(set(by_id) - expected_ids):
        problems.append((extra, None, None, None, "unexpected document", "not in the original corpus"))
    frame = pd.DataFrame(problems, columns=PROBLEM_COLUMNS).drop_duplicates()
    return frame.reset_index(drop=True)
