"""The bundled demo corpus, corpora/coproduction, loads completely and consistently."""
from __future__ import annotations

import pytest

from workbench.corpus.model import SEGMENT_COLUMNS

TRANSCRIPTS = ["transcripts/workshop-01-power-and-decisions.txt", "transcripts/workshop-02-lived-experience.vtt",
               "transcripts/workshop-03-barriers.docx", "transcripts/workshop-04-recognition-and-payment.txt"]
BLOGS = ["blogs/carers-at-the-table.md", "blogs/commissioning-differently.md", "blogs/paying-people-properly.html",
         "blogs/what-gets-in-the-way.html", "blogs/why-with-not-for.md"]


def test_demo_has_nine_documents(demo_corpus):
    assert sorted(d.doc_id for d in demo_corpus) == sorted(TRANSCRIPTS + BLOGS)


def test_demo_has_no_problems_or_warnings(demo_corpus):
    assert demo_corpus.problems == []
    assert demo_corpus.warnings == []


def test_demo_kinds(demo_corpus):
    assert {d.doc_id for d in demo_corpus if d.kind == "transcript"} == set(TRANSCRIPTS)
    assert {d.doc_id for d in demo_corpus if d.kind == "blog"} == set(BLOGS)


@pytest.mark.parametrize("doc_id", TRANSCRIPTS)
def test_demo_transcript_has_at_least_five_speakers(demo_corpus, doc_id):
    assert len(demo_corpus.document(doc_id).speakers) >= 5


@pytest.mark.parametrize("doc_id", TRANSCRIPTS)
def test_demo_transcript_every_speaker_has_a_role_from_metadata(demo_corpus, doc_id):
    doc = demo_corpus.document(doc_id)
    assert doc.speaker_roles
    assert set(doc.speakers) <= set(doc.speaker_roles)


@pytest.mark.parametrize("doc_id", TRANSCRIPTS)
def test_demo_transcript_segments_all_have_speakers(demo_corpus, doc_id):
    segments = demo_corpus.segments_of(doc_id)
    assert segments and all(s.speaker for s in segments)
    assert len(demo_corpus.document(doc_id).speakers) >= 5


def test_demo_every_segment_passes_invariant(demo_corpus, assert_offsets):
    assert_offsets(demo_corpus)


def test_demo_every_document_has_segments(demo_corpus):
    assert {s.doc_id for s in demo_corpus.segments} == {d.doc_id for d in demo_corpus}


def test_demo_seg_ids_unique(demo_corpus):
    ids = [s.seg_id for s in demo_corpus.segments]
    assert len(ids) == len(set(ids))


def test_demo_segments_df_columns_in_order(demo_corpus):
    assert list(demo_corpus.segments_df().columns[:len(SEGMENT_COLUMNS)]) == SEGMENT_COLUMNS


def test_demo_titles_and_dates_from_metadata(demo_corpus):
    doc = demo_corpus.document("transcripts/workshop-03-barriers.docx")
    assert (doc.title, doc.date) == ("Co-production workshop 3: What gets in the way?", "2025-05-14")


def test_demo_event_attribute_in_documents_df(demo_corpus):
    frame = demo_corpus.documents_df().set_index("doc_id")
    assert frame.loc["transcripts/workshop-01-power-and-decisions.txt", "event"] == \
        "Working Together Differently session 1"


def test_demo_timestamps_from_bracketed_transcript(demo_corpus):
    segments = demo_corpus.segments_of("transcripts/workshop-04-recognition-and-payment.txt")
    assert segments[0].timestamp == "00:00:12"
    assert all(s.timestamp for s in segments)


@pytest.mark.parametrize("doc_id", ["blogs/paying-people-properly.html", "blogs/what-gets-in-the-way.html"])
def test_demo_html_boilerplate_dropped(demo_corpus, demo_corpus_path, doc_id):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((demo_corpus_path / doc_id).read_bytes(), "html.parser")
    lines = [" ".join(piece.split()) for name in ("nav", "footer", "aside", "script", "style")
             for el in soup.find_all(name) for piece in el.stripped_strings if len(piece) > 12]
    assert lines, "expected boilerplate in the source page"
    text = " ".join(demo_corpus.document(doc_id).text.split())
    assert [line for line in lines if line in text] == []


def test_demo_metadata_is_an_extra_file(demo_corpus):
    assert "metadata.csv" in demo_corpus.file_hashes()
