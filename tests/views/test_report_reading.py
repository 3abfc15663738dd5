"""report.html tells the reader how the documents were read: coverage per document, what was set aside
(boilerplate listed with counts), plurals that read right, people counted only where speakers were found,
and "every file could be read" only when nothing was dropped."""
from __future__ import annotations

import pandas as pd

from workbench.views.report import ReportData, build_report

D1, D2 = "notes/a.txt", "notes/b.txt"


def data(**changes) -> ReportData:
    docs = pd.DataFrame([{"doc_id": D, "kind": "notes", "title": D, "words": 12, "coverage": 1.0} for D in (D1, D2)])
    segments = pd.DataFrame([
        {"doc_id": D1, "seg_id": f"{D1}#0000", "start_char": 20, "end_char": 70, "speaker": None,
         "text": "Pay people for their time. Nothing else comes close."},
        {"doc_id": D2, "seg_id": f"{D2}#0000", "start_char": 0, "end_char": 40, "speaker": None,
         "text": "We should pay people for their time too."}])
    phrases = pd.DataFrame([{"phrase": "pay people for their time", "kind": "ngram", "count": 2, "doc_count": 2,
                             "speaker_count": 2, "score": 1.0, "doc_id": D1, "seg_id": f"{D1}#0000",
                             "start_char": 20, "end_char": 45}])
    exclusions = pd.DataFrame([
        {"doc_id": D1, "start_char": 0, "end_char": 12, "reason": "heading", "text": "Our meeting"},
        {"doc_id": D1, "start_char": 13, "end_char": 19, "reason": "boilerplate", "text": "Share"},
        {"doc_id": D2, "start_char": 41, "end_char": 47, "reason": "boilerplate", "text": "Share"},
        {"doc_id": D2, "start_char": 48, "end_char": 70, "reason": "boilerplate", "text": "Was this page helpful?"}])
    values = dict(name="x", documents=docs, segments=segments, speakers=pd.DataFrame(columns=["doc_id", "speaker",
                  "role"]), problems=pd.DataFrame(columns=["path", "reason"]), phrases=phrases,
                  occurrences=pd.DataFrame(columns=["phrase", "kind", "doc_id", "seg_id", "start_char", "end_char",
                                                    "speaker", "surface"]), exclusions=exclusions)
    values.update(changes)
    return ReportData(**values)


def test_kinds_read_as_words_not_notess():
    html = build_report(data())
    assert "2 sets of notes" in html and "notess" not in html


def test_no_people_column_or_count_without_speakers():
    html = build_report(data())
    assert "<th class=\"num\">People</th>" not in html and "by 2 people" not in html


def test_people_are_counted_when_speakers_were_found():
    speakers = pd.DataFrame([{"doc_id": D1, "speaker": "Rose", "role": "carer"}])
    assert "<th class=\"num\">People</th>" in build_report(data(speakers=speakers))


def test_coverage_per_document_and_what_was_set_aside_with_counts():
    html = build_report(data())
    assert "<th class=\"num\">Text read</th>" in html and "<td class=\"num\">100.0%</td>" in html
    assert "Kept out of the analysis: 3 lines of page or show boilerplate, 1 heading." in html
    assert "<li>“Share” (2 times)</li>" in html and "<li>“Was this page helpful?”</li>" in html


def test_every_file_could_be_read_only_when_nothing_was_dropped():
    assert "Every file in the folder could be read" in build_report(data())
    problems = pd.DataFrame([{"path": "c.docx", "reason": "[E005] broken"}])
    html = build_report(data(problems=problems))
    assert "Every file in the folder could be read" not in html and "1 file could not be read" in html
    unread = pd.concat([data().exclusions, pd.DataFrame([{"doc_id": D2, "start_char": 71, "end_char": 80,
                                                          "reason": "unread", "text": "lost text"}])])
    html = build_report(data(exclusions=unread))
    assert "Every file in the folder could be read" not in html
    assert "8 characters of text could not be placed" in html


def test_a_phrase_example_is_the_sentence_around_it():
    html = build_report(data())
    assert "“<mark>Pay people for their time</mark>. …”" in html  # not the next sentence of the segment
