"""The corpus browser, headless: the CorpusBrowser controller and the ipywidgets layer over it."""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest

from workbench.views.corpus_browser import ALL, CorpusBrowser, CorpusBrowserWidget

CORPORA_ROOT = Path(__file__).resolve().parents[2] / "corpora"
DEMO = "coproduction"
W1 = "transcripts/workshop-01-power-and-decisions.txt"
W2 = "transcripts/workshop-02-lived-experience.vtt"

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TRANSCRIPT = f"""Rose: Before we start, {HOSTILE_SCRIPT} is what I typed into the form.

Dev Patel: And the form showed {HOSTILE_IMG} back to me, with "quotes" & ampersands.

Rose: Which is exactly the problem with these systems.
"""
HOSTILE_METADATA = f"""doc_id,kind,title,date
hostile.txt,transcript,Title {HOSTILE_SCRIPT},{HOSTILE_IMG}
"""


def segment_count(html: str) -> int:
    match = re.search(r"<p>(\d+) segments</p>", html)
    assert match, html[:200]
    return int(match.group(1))


@pytest.fixture(scope="module")
def browser() -> CorpusBrowser:
    b = CorpusBrowser(corpora_root=CORPORA_ROOT)
    b.load(DEMO)
    return b


@pytest.fixture
def hostile_browser(tmp_path) -> CorpusBrowser:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "hostile.txt").write_text(HOSTILE_TRANSCRIPT, encoding="utf-8")
    (folder / "metadata.csv").write_text(HOSTILE_METADATA, encoding="utf-8")
    b = CorpusBrowser(corpora_root=tmp_path)
    b.load("hostile")
    return b


# -- CorpusBrowser -----------------------------------------------------------------------------------

def test_available_corpora_finds_the_demo():
    assert DEMO in CorpusBrowser(corpora_root=CORPORA_ROOT).available_corpora()


def test_available_corpora_lists_folders_only(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a-file.txt").write_text("x", encoding="utf-8")
    assert CorpusBrowser(corpora_root=tmp_path).available_corpora() == ["one"]
    assert CorpusBrowser(corpora_root=tmp_path / "missing").available_corpora() == []


def test_load_by_name_and_by_path(browser):
    assert len(browser.corpus.documents) == 9
    assert browser.source == DEMO
    assert browser.summary().startswith("9 documents (5 blog, 4 transcript)")
    by_path = CorpusBrowser(corpora_root=CORPORA_ROOT / "missing")
    by_path.load(CORPORA_ROOT / DEMO)
    assert len(by_path.corpus.documents) == 9


def test_queries_before_loading_raise_a_helpful_error():
    with pytest.raises(RuntimeError, match="No corpus loaded"):
        CorpusBrowser(corpora_root=CORPORA_ROOT).filter()


def test_filter_by_kind_doc_speaker_and_text(browser):
    everything = browser.filter()
    assert len(everything) == len(browser.corpus.segments)
    assert len(browser.filter(kind=ALL, doc_id=ALL, speaker=ALL)) == len(everything)

    transcripts = browser.filter(kind="transcript")
    blogs = browser.filter(kind="blog")
    assert set(transcripts["kind"]) == {"transcript"} and set(blogs["kind"]) == {"blog"}
    assert len(transcripts) + len(blogs) == len(everything)

    w1 = browser.filter(doc_id=W1)
    assert set(w1["doc_id"]) == {W1}
    assert len(w1) == len(browser.corpus.segments_of(W1))

    rose = browser.filter(doc_id=W1, speaker="Rose")
    assert len(rose) > 0 and set(rose["speaker"]) == {"Rose"}
    assert len(rose) == sum(1 for s in browser.corpus.segments_of(W1) if s.speaker == "Rose")
    assert browser.filter(kind="blog", speaker="Rose").empty

    text = browser.filter(text="RUBBER-STAMP")
    assert len(text) >= 1
    assert all("rubber-stamp" in t.lower() for t in text["text"])
    # Text is matched literally, not as a regular expression.
    assert browser.filter(text="(.*)").empty
    both = browser.filter(kind="transcript", text="rubber-stamp")
    assert len(both) >= 1 and set(both["kind"]) == {"transcript"}
    assert both["seg_id"].tolist() == text[text["kind"] == "transcript"]["seg_id"].tolist()
    assert list(browser.filter(kind="blog").index) == list(range(len(blogs)))


def test_filter_options_narrow(browser):
    corpus = browser.corpus
    options = browser.filter_options()
    assert options["kind"] == ["blog", "transcript"]
    assert options["doc_id"] == sorted(d.doc_id for d in corpus.documents)
    all_speakers = {s.speaker for s in corpus.segments if s.speaker}
    assert options["speaker"] == sorted(all_speakers)

    blogs = browser.filter_options(kind="blog")
    assert blogs["doc_id"] == sorted(d.doc_id for d in corpus.documents if d.kind == "blog")
    assert blogs["speaker"] == []
    assert blogs["kind"] == ["blog", "transcript"]  # the kind choice itself never narrows

    w1 = browser.filter_options(kind="transcript", doc_id=W1)
    assert w1["doc_id"] == sorted(d.doc_id for d in corpus.documents if d.kind == "transcript")
    assert w1["speaker"] == sorted(corpus.document(W1).speakers)
    assert "Priya" not in w1["speaker"]  # workshop 2's facilitator
    assert browser.filter_options(doc_id=ALL)["speaker"] == options["speaker"]


def test_document_html_marks_every_segment(browser):
    html = browser.document_html(W1)
    segments = browser.corpus.segments_of(W1)
    assert html.count("data-seg-id=") == len(segments)
    for seg in segments:
        assert f'data-seg-id="{seg.seg_id}"' in html


def test_document_html_escapes_hostile_text(hostile_browser):
    corpus = hostile_browser.corpus
    assert [d.doc_id for d in corpus.documents] == ["hostile.txt"]
    html = hostile_browser.document_html("hostile.txt")
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("data-seg-id=") == len(corpus.segments_of("hostile.txt")) == 3
    assert "&quot;quotes&quot; &amp; ampersands" in html


def test_widget_tables_escape_hostile_text(hostile_browser):
    widget = CorpusBrowserWidget(hostile_browser)
    widget.reader_choice.value = "hostile.txt"
    assert "data-seg-id=" in widget.reader.value
    shown = widget.documents.value + widget.segments.value + widget.reader.value + widget.status.value
    assert "<script" not in shown.lower() and "<img" not in shown.lower()
    assert "&lt;script&gt;" in widget.segments.value


def test_load_uploads_writes_only_inside_its_temp_dir(tmp_path, monkeypatch):
    sandbox = tmp_path / "tmp"
    sandbox.mkdir()
    workdir = tmp_path / "cwd" / "deeper"
    workdir.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(sandbox))
    monkeypatch.chdir(workdir)
    transcript = HOSTILE_TRANSCRIPT.encode("utf-8")
    blog = b"# A blog\n\nFirst paragraph of the blog.\n\nSecond paragraph of the blog.\n"
    uploads = (
        {"name": "../../evil.txt", "type": "text/plain", "size": len(transcript), "content": memoryview(transcript)},
        {"name": "..\\..\\windows-evil.md", "content": blog},
        {"name": str(tmp_path / "absolute.md"), "content": blog},
    )
    b = CorpusBrowser(corpora_root=tmp_path / "corpora")
    corpus = b.load_uploads(uploads)
    upload_dir = Path(b._upload_dir.name)
    assert upload_dir.parent == sandbox
    assert sorted(p.name for p in upload_dir.iterdir()) == ["absolute.md", "evil.txt", "windows-evil.md"]
    assert sorted(d.doc_id for d in corpus.documents) == ["absolute.md", "evil.txt", "windows-evil.md"]
    assert corpus.document("evil.txt").kind == "transcript"
    assert b.source == "3 uploaded file(s)"
    # Nothing landed outside the upload folder.
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and upload_dir not in p.parents]
    assert outside == []

    b.load_uploads([{"name": "again.txt", "content": transcript}])
    assert not upload_dir.exists(), "the previous upload folder is cleaned up"
    assert [d.doc_id for d in b.corpus.documents] == ["again.txt"]


# -- CorpusBrowserWidget ---------------------------------------------------------------------------

def test_widget_load_and_filter_updates_segment_count():
    b = CorpusBrowser(corpora_root=CORPORA_ROOT)
    widget = CorpusBrowserWidget(b)
    assert DEMO in widget.corpus_choice.options
    widget.corpus_choice.value = DEMO
    widget.load_selected()
    assert "9 documents" in widget.status.value
    assert segment_count(widget.segments.value) == len(b.corpus.segments)
    assert widget.documents.value.count("<tr>") >= 9
    assert list(widget.kind.options) == [ALL, "blog", "transcript"]

    widget.kind.value = "transcript"
    assert segment_count(widget.segments.value) == len(b.filter(kind="transcript"))
    assert set(widget.doc.options) - {ALL} == {d.doc_id for d in b.corpus.documents if d.kind == "transcript"}

    widget.speaker.value = "Rose"
    assert segment_count(widget.segments.value) == len(b.filter(kind="transcript", speaker="Rose")) > 0

    widget.kind.value = "blog"
    assert widget.speaker.value == ALL and list(widget.speaker.options) == [ALL]
    assert segment_count(widget.segments.value) == len(b.filter(kind="blog"))


def test_widget_shows_the_first_document_after_loading():
    b = CorpusBrowser(corpora_root=CORPORA_ROOT)
    widget = CorpusBrowserWidget(b)
    widget.corpus_choice.value = DEMO
    widget.load_selected()
    first = b.corpus.documents[0].doc_id
    assert list(widget.reader_choice.options)[0] == first
    assert widget.reader_choice.value == first
    assert widget.reader.value == b.document_html(first)
    widget.reader_choice.value = W1
    assert widget.reader.value.count("data-seg-id=") == len(b.corpus.segments_of(W1))


def test_widget_speaker_options_narrow_to_the_chosen_document():
    b = CorpusBrowser(corpora_root=CORPORA_ROOT)
    widget = CorpusBrowserWidget(b)
    widget.corpus_choice.value = DEMO
    widget.load_selected()
    assert len(widget.speaker.options) - 1 == len({s.speaker for s in b.corpus.segments if s.speaker})

    widget.doc.value = W1
    assert list(widget.speaker.options) == [ALL, *sorted(b.corpus.document(W1).speakers)]
    assert segment_count(widget.segments.value) == len(b.corpus.segments_of(W1))
    widget.speaker.value = "Rose"
    assert segment_count(widget.segments.value) == len(b.filter(doc_id=W1, speaker="Rose"))

    widget.doc.value = W2  # Rose did not speak in workshop 2: the speaker filter resets
    assert "Rose" not in widget.speaker.options
    assert widget.speaker.value == ALL
    assert list(widget.speaker.options) == [ALL, *sorted(b.corpus.document(W2).speakers)]
    assert segment_count(widget.segments.value) == len(b.corpus.segments_of(W2))


def test_widget_shows_a_numbered_error_instead_of_raising(tmp_path, wb_small_corpus):
    shutil.copytree(wb_small_corpus, tmp_path / "ghost")
    widget = CorpusBrowserWidget(CorpusBrowser(corpora_root=tmp_path))
    assert widget.corpus_choice.value == "ghost"
    shutil.rmtree(tmp_path / "ghost")
    widget.load_selected()  # must not raise
    assert "[E050]" in widget.status.value
    assert "wb-error" in widget.status.value
    assert widget.browser.corpus is None
