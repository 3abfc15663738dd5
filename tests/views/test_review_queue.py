"""The review queue, headless: the ReviewQueue controller and its ipywidgets layer. Suggestions are
hand-made Codings (so the tests do not depend on the detector's accuracy), plus one test that ``fill()``
puts the detectors' hits of a small blog in the queue."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from workbench.coding import Coding, CodingError, CodingStore
from workbench.config import Config
from workbench.project import Workbench
from workbench.views.review_queue import ReviewQueue, ReviewQueueWidget

TRANSCRIPT = """Rose: The agenda was already written before we arrived. Nobody asked us.

Dev Patel: The papers are full of acronyms like <script>alert(1)</script> & ICS.

Rose: They paid us in vouchers, months late.
"""
# A blog with a barrier list and an enabler list, shared with the barrier tests.
BLOG = (Path(__file__).resolve().parents[1] / "data" / "barrier_blog.md").read_text(encoding="utf-8")
# The cache named when the tests were started (read before conftest gives each test a throwaway one), so the
# detectors' embeddings are reused across runs; content-keyed, and a bad entry is rebuilt, never trusted.
SHARED_CACHE = os.environ.get("WORKBENCH_CACHE_DIR")
CODEBOOK = """codes:
  - {name: power and hierarchy, kind: barrier, description: Who decides.}
  - {name: tokenism and late consultation, kind: barrier}
  - {name: jargon and accessibility, kind: barrier, description: "Words & <places> that shut people out."}
  - {name: recognition and payment, kind: barrier}
  - {name: early involvement, kind: enabler}
"""


def make_bench(root, codebook: bool = True, cache_dir: Path | None = None) -> Workbench:
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "workshop.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (corpus / "blog.md").write_text(BLOG, encoding="utf-8")
    config = Config()
    if codebook:
        (root / "codebook.yml").write_text(CODEBOOK, encoding="utf-8")
        config.coding.codebook_file = str(root / "codebook.yml")
    return Workbench(corpus, config, cache_dir=cache_dir or root / "cache", progress=False,
                     models_dir=root / "models")


@pytest.fixture
def bench(tmp_path):
    return make_bench(tmp_path)


def suggestion(bench, words: str, code: str, score: float | None, source: str = "rule") -> Coding:
    """A pending machine suggestion on the document offsets of ``words``."""
    seg = next(s for s in bench.corpus.segments if words in s.text)
    start = bench.corpus.document(seg.doc_id).text.index(words, seg.start_char)
    return Coding(doc_id=seg.doc_id, seg_id=seg.seg_id, start_char=start, end_char=start + len(words),
                  codes=[code], coder="workbench", source=source, status="pending", score=score,
                  evidence=f"cue: '{words.split()[-1]}'", text=words)


@pytest.fixture
def filled(bench):
    """Four suggestions saved in the store, scores 0.4, 0.9, None, 0.7."""
    items = [suggestion(bench, "Nobody asked us.", "tokenism and late consultation", 0.4),
             suggestion(bench, "The agenda was already written before we arrived.", "power and hierarchy", 0.9),
             suggestion(bench, "They paid us in vouchers, months late.", "recognition and payment", None, "model"),
             suggestion(bench, "The papers are full of acronyms like <script>alert(1)</script> & ICS.",
                        "jargon and accessibility", 0.7)]
    assert bench.codings.suggest(items) == 4
    return items


def test_reviewer_name_is_required(bench):
    for name in ("", "  ", None):
        with pytest.raises(CodingError, match=r"\[E430\] The reviewer's name is missing"):
            ReviewQueue(bench, name)


def test_queue_is_ordered_by_score_unscored_last(bench, filled):
    queue = ReviewQueue(bench, "Kim")
    assert [c.score for c in queue.pending()] == [0.9, 0.7, 0.4, None]
    assert queue.current().codes == ["power and hierarchy"]
    assert queue.progress() == {"done": 0, "total": 4, "accepted": 0, "rejected": 0, "pending": 4, "skipped": 0}


def test_accept_correct_reject_change_status_and_reviewer(bench, filled, tmp_path):
    queue = ReviewQueue(bench, "Kim")
    accepted = queue.accept()
    assert (accepted.status, accepted.reviewed_by, accepted.codes) == ("accepted", "Kim", ["power and hierarchy"])
    assert queue.current().score == 0.7
    corrected = queue.correct(["Power and Hierarchy", "tokenism and late consultation"], memo="not jargon")
    assert corrected.status == "accepted" and corrected.reviewed_by == "Kim"
    assert corrected.codes == ["power and hierarchy", "tokenism and late consultation"]
    assert corrected.memo == "not jargon" and corrected.source == "rule"  # still known to come from a rule
    rejected = queue.reject()
    assert (rejected.status, rejected.reviewed_by) == ("rejected", "Kim")
    assert queue.progress() == {"done": 3, "total": 4, "accepted": 2, "rejected": 1, "pending": 1, "skipped": 0}
    # the changes are on disk: a fresh store agrees
    fresh = {c.coding_id: c for c in CodingStore(bench.codings_dir).all()}
    assert fresh[accepted.coding_id].status == "accepted"
    assert fresh[corrected.coding_id].codes == corrected.codes
    assert fresh[rejected.coding_id].status == "rejected" and fresh[rejected.coding_id].reviewed_by == "Kim"
    saved = json.loads(bench.codings.export_json(tmp_path / "all.json").read_text(encoding="utf-8"))["codings"]
    assert {row["reviewed_by"] for row in saved} == {"Kim", None}


def test_rejected_suggestion_is_not_offered_again(bench, filled):
    queue = ReviewQueue(bench, "Kim")
    rejected = queue.reject()
    assert rejected.coding_id not in [c.coding_id for c in queue.pending()]
    # the detector suggests the same thing again: it stays out of the queue
    again = suggestion(bench, "The agenda was already written before we arrived.", "power and hierarchy", 0.95)
    assert bench.codings.suggest([again]) == 0
    assert queue.refresh().current().coding_id != rejected.coding_id
    assert len(queue.pending()) == 3


def test_correct_with_an_unknown_code_is_a_numbered_error(bench, filled):
    queue = ReviewQueue(bench, "Kim")
    with pytest.raises(CodingError, match=r"\[E432\].*did you mean 'power and hierarchy'"):
        queue.correct(["power and hierarchie"])
    with pytest.raises(CodingError, match=r"\[E435\]"):
        queue.correct([])
    assert queue.progress()["done"] == 0


def test_skip_moves_a_suggestion_to_the_end(bench, filled):
    queue = ReviewQueue(bench, "Kim")
    first = queue.current()
    nxt = queue.skip()
    assert nxt.score == 0.7 and queue.pending()[-1].coding_id == first.coding_id
    assert queue.progress()["skipped"] == 1 and queue.progress()["done"] == 0
    for _ in range(3):
        queue.accept()
    assert queue.current().coding_id == first.coding_id  # the skipped one comes back last
    queue.reject()
    assert queue.current() is None and queue.progress()["skipped"] == 0


def test_empty_queue_is_a_numbered_error(bench):
    queue = ReviewQueue(bench, "Kim")
    assert queue.current() is None and queue.progress()["total"] == 0
    for action in (queue.accept, queue.reject, queue.skip, lambda: queue.correct(["trust"])):
        with pytest.raises(CodingError, match=r"\[E436\]"):
            action()
    assert "Nothing left to review" in queue.suggestion_html()


def test_human_codings_are_not_in_the_queue_or_progress(bench, filled):
    seg = bench.corpus.segments[0]
    bench.codings.code_span(bench.corpus, seg.seg_id, ["power and hierarchy"], "Sam")
    queue = ReviewQueue(bench, "Kim")
    assert len(queue.pending()) == 4 and queue.progress()["total"] == 4


def test_two_reviewers_see_each_others_decisions_after_refresh(bench, filled, tmp_path):
    other = Workbench(bench.corpus_path, bench.config, cache_dir=tmp_path / "cache", progress=False)
    kim, ali = ReviewQueue(bench, "Kim"), ReviewQueue(other, "Ali")
    kim.accept()
    assert len(ali.pending()) == 4
    assert len(ali.refresh().pending()) == 3 and ali.progress()["done"] == 1


def test_suggestion_html_shows_context_evidence_and_escapes(bench, filled):
    queue = ReviewQueue(bench, "Kim")
    queue.skip()  # now the 0.7 one, with <script> in the corpus text
    html = queue.suggestion_html()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; ICS." in html
    assert '<mark class="wb-review-span">The papers are full of acronyms' in html
    assert "Dev Patel" in html  # the segment around the sentence
    assert "jargon and accessibility" in html and "0.70" in html and "rule" in html
    assert "Words &amp; &lt;places&gt; that shut people out." in html  # the code's description, escaped
    assert "evidence" in html and "ICS.&#x27;" in html


def test_suggestion_for_a_segment_no_longer_in_the_corpus(bench):
    stale = Coding(doc_id="gone.txt", seg_id="gone.txt#p0001", start_char=0, end_char=5, codes=["trust"],
                   coder="workbench", source="model", status="pending", score=0.5, text="<b>x</b>")
    bench.codings.suggest([stale])
    html = ReviewQueue(bench, "Kim").suggestion_html()
    assert "no longer in the corpus" in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_fill_puts_detector_hits_of_the_blog_in_the_queue(tmp_path):
    # the shipped codebook, as the detectors need
    bench = make_bench(tmp_path, codebook=False, cache_dir=Path(SHARED_CACHE) if SHARED_CACHE else None)
    queue = ReviewQueue(bench, "Kim")
    added = queue.fill(kinds=("barrier", "enabler"))
    assert added > 0 and len(queue.pending()) == added
    texts = [c.text for c in queue.pending()]
    assert any("acronyms" in t for t in texts) and any("hourly rate" in t for t in texts)
    assert not any("library" in t for t in texts)
    for c in queue.pending():
        assert c.status == "pending" and c.source in ("rule", "model")
        assert bench.corpus.document(c.doc_id).text[c.start_char:c.end_char] == c.text
    scores = [c.score for c in queue.pending()]
    assert scores == sorted(scores, reverse=True)
    assert queue.fill() == 0  # the same hits are not added twice


# -- the widget ------------------------------------------------------------------------------------

def test_widget_buttons_drive_the_queue(bench, filled):
    queue = ReviewQueue(bench, "Kim")
    ui = ReviewQueueWidget(queue)
    assert "wb-review" in ui.box._dom_classes and "wb-review-accept" in ui.accept._dom_classes
    assert "power and hierarchy" in ui.suggestion.value and "0 of 4" in ui.progress.value
    assert ui.correct_code.value == "power and hierarchy"
    ui.memo.value = "clear case"
    ui.accept.click()
    assert "Accepted" in ui.status.value and ui.memo.value == ""
    assert "1 of 4" in ui.progress.value and ui.bar.value == 1 and ui.bar.max == 4
    assert "jargon and accessibility" in ui.suggestion.value  # moved on to the next (0.7)
    ui.correct_code.value = "power and hierarchy"
    ui.correct.click()
    assert "Corrected to" in ui.status.value
    ui.skip.click()
    assert "Skipped" in ui.status.value and "recognition and payment" in ui.suggestion.value
    ui.reject.click()
    assert "Rejected" in ui.status.value
    ui.accept.click()  # the skipped one (tokenism) came back
    assert "Nothing left to review" in ui.suggestion.value and ui.accept.disabled
    by_code = {c.text[:10]: c for c in bench.codings.all()}
    assert by_code["The agenda"].status == "accepted" and by_code["The agenda"].memo == "clear case"
    assert by_code["The papers"].codes == ["power and hierarchy"] and by_code["The papers"].status == "accepted"
    assert by_code["They paid "].status == "rejected"
    assert by_code["Nobody ask"].status == "accepted"
    assert {c.reviewed_by for c in bench.codings.all()} == {"Kim"}
    assert "4 of 4" in ui.progress.value


def test_widget_shows_errors_and_refreshes(bench, filled, tmp_path):
    queue = ReviewQueue(bench, "Kim")
    ui = ReviewQueueWidget(queue)
    other = ReviewQueue(Workbench(bench.corpus_path, bench.config, cache_dir=tmp_path / "c2", progress=False), "Ali")
    other.accept()
    ui.refresh_button.click()
    assert "1 of 4" in ui.progress.value and "jargon and accessibility" in ui.suggestion.value
    for _ in range(3):
        ui.reject.click()
    ui.skip._click_handlers(ui.skip)  # a click that arrives after the buttons were disabled
    assert "[E436]" in ui.status.value and "wb-error" in ui.status.value
