"""The coding panel, headless: the CodingPanel controller and the ipywidgets layer over it, on a small
corpus written to a temporary folder (a transcript with a hostile line and a blog with a barrier list)."""
from __future__ import annotations

import threading
from collections import namedtuple
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from workbench.analysis.barriers import COLUMNS as BARRIER_COLUMNS
from workbench.analysis.themes import ASSIGNMENT_COLUMNS, QUOTE_COLUMNS
from workbench.coding import CodingError, CodingStore
from workbench.config import Config
from workbench.project import Workbench
from workbench.views.coding_panel import CodingPanel, CodingPanelWidget, check_codes, marked_text_html

TRANSCRIPT = """Rose: I think the agenda was already written before we arrived.

Dev Patel: That's fair. The timeline was set by the contract, not by us. The contract said so.

Rose: Someone typed <script>alert("x")</script> & <b>bold</b> into the form.

Dev Patel: I'll take that back to the board next week.
"""
# A blog with a barrier list and an enabler list, shared with the barrier tests.
BLOG = (Path(__file__).resolve().parents[1] / "data" / "barrier_blog.md").read_text(encoding="utf-8")
FILES = {"workshop.txt": TRANSCRIPT, "blog.md": BLOG}
# A codebook of our own, so these tests do not change when the shipped codebook does.
CODEBOOK = """codes:
  - {name: power and hierarchy, kind: barrier}
  - {name: tokenism and late consultation, kind: barrier}
  - {name: jargon and accessibility, kind: barrier}
  - {name: trust, kind: barrier}
  - {name: early involvement, kind: enabler}
  - {name: with not for, kind: principle}
  - {name: better services, kind: benefit}
"""


def make_config(folder) -> Config:
    """A config whose codebook is CODEBOOK (written into ``folder``)."""
    path = folder / "codebook.yml"
    path.write_text(CODEBOOK, encoding="utf-8")
    config = Config()
    config.coding.codebook_file = str(path)
    return config


def write_corpus(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A read-only bench whose concordance and barrier hits are the 'other views' rows; its annotation
    and embedding cache is shared with every test's own bench, so those are fast."""
    root = tmp_path_factory.mktemp("coding_panel")
    bench = Workbench(write_corpus(root / "corpus"), cache_dir=root / "cache", progress=False,
                      models_dir=root / "models")
    return bench


@pytest.fixture
def bench(tmp_path, shared):
    """A fresh copy of the corpus (so its codings folder is empty) with the shared cache."""
    return Workbench(write_corpus(tmp_path / "corpus"), make_config(tmp_path), cache_dir=shared.cache_dir,
                     progress=False, models_dir=shared.models_dir)


def seg_with(bench, words: str):
    return next(s for s in bench.corpus.segments if words in s.text)


def doc_text(bench, doc_id):
    return bench.corpus.document(doc_id).text


# -- picking ----------------------------------------------------------------------------------------

def test_pick_selects_the_whole_segment(bench):
    seg = seg_with(bench, "agenda")
    panel = CodingPanel(bench, "Sam").pick(seg.seg_id)
    assert panel.seg_id == seg.seg_id
    assert panel.selection == (seg.start_char, seg.end_char)
    assert panel.whole_segment and panel.selected_text == seg.text


def test_pick_unknown_segment_is_a_numbered_error(bench):
    with pytest.raises(CodingError, match=r"\[E413\].*'nope'"):
        CodingPanel(bench, "Sam").pick("nope")


def test_pick_from_a_corpus_browser_segment_row(bench):
    row = bench.corpus.segments_df().iloc[1]  # a pandas Series
    panel = CodingPanel(bench, "Sam").pick_from(row)
    assert panel.seg_id == row["seg_id"]
    assert panel.selection == (row["start_char"], row["end_char"]) and panel.whole_segment


def test_pick_from_a_concordance_hit_selects_the_match(shared, bench):
    hits = shared.concordance.query("contract")
    assert len(hits) == 2
    panel = CodingPanel(bench, "Sam")
    for hit in hits.itertuples(index=False):  # namedtuples
        panel.pick_from(hit)
        assert panel.seg_id == hit.seg_id
        assert panel.selection == (hit.start_char, hit.end_char)
        assert panel.selected_text == "contract" and not panel.whole_segment
    second = hits.iloc[1]
    assert panel.start_char == second["start_char"]  # the second "contract", not the first


def test_pick_from_a_barrier_hit_selects_its_sentence(bench):
    # A row shaped like BarrierDetector.hits_ (running the detector here would only slow the test down;
    # test_review_queue.py runs it once for fill()).
    seg = seg_with(bench, "acronyms")
    sentence = "The papers are full of acronyms."
    start = bench.corpus.document(seg.doc_id).text.index(sentence)
    hits = pd.DataFrame([{"doc_id": seg.doc_id, "seg_id": seg.seg_id, "start_char": start,
                          "end_char": start + len(sentence), "speaker": "", "category": "jargon and accessibility",
                          "score": 0.9, "evidence": "structure: list under 'What gets in the way'",
                          "text": sentence}], columns=BARRIER_COLUMNS)
    row = hits.iloc[0].to_dict()  # a dict
    panel = CodingPanel(bench, "Sam").pick_from(row)
    assert panel.seg_id == row["seg_id"]
    assert panel.selected_text == row["text"]
    assert (panel.start_char, panel.end_char) == (row["start_char"], row["end_char"])


def test_pick_from_theme_quotes_and_assignments(bench):
    seg = seg_with(bench, "board")
    base = {"seg_id": seg.seg_id, "doc_id": seg.doc_id, "start_char": seg.start_char, "end_char": seg.end_char,
            "speaker": seg.speaker, "text": seg.text}
    quotes = pd.DataFrame([{**base, "theme_id": 0, "rank": 1, "similarity": 0.9}], columns=QUOTE_COLUMNS)
    assignments = pd.DataFrame([{**base, "theme_id": 0, "probability": 0.8}], columns=ASSIGNMENT_COLUMNS)
    panel = CodingPanel(bench, "Sam")
    for row in (next(quotes.itertuples(index=False)), assignments.iloc[0]):
        panel.pick(bench.corpus.segments[0].seg_id).pick_from(row)
        assert panel.seg_id == seg.seg_id and panel.whole_segment


def test_pick_from_a_row_with_an_outside_or_missing_span_selects_the_whole_segment(bench):
    seg = seg_with(bench, "board")
    panel = CodingPanel(bench, "Sam")
    Row = namedtuple("Row", "seg_id start_char end_char")
    panel.pick_from(Row(seg.seg_id, 0, seg.end_char + 5))
    assert panel.whole_segment
    panel.pick_from({"seg_id": seg.seg_id, "start_char": float("nan"), "end_char": None})
    assert panel.whole_segment
    panel.pick_from(seg.seg_id)  # a plain seg_id works too
    assert panel.seg_id == seg.seg_id


def test_pick_from_a_row_without_seg_id_is_a_numbered_error(bench):
    with pytest.raises(CodingError, match=r"\[E431\].*dict"):
        CodingPanel(bench, "Sam").pick_from({"doc_id": "workshop.txt"})


# -- selecting ------------------------------------------------------------------------------------

def test_select_text_finds_words_in_the_segment(bench):
    seg = seg_with(bench, "timeline")
    panel = CodingPanel(bench, "Sam").pick(seg.seg_id)
    panel.select_text("timeline was set")
    start, end = panel.selection
    assert doc_text(bench, seg.doc_id)[start:end] == "timeline was set"
    # case, extra spaces and a curly apostrophe are forgiven; offsets are the document's
    panel.select_text("  THAT’S   fair ")
    assert panel.selected_text == "That's fair"
    # the second occurrence
    panel.select_text("the contract", occurrence=1)
    assert panel.selected_text == "The contract" and panel.start_char > seg.text.index("the contract") + seg.start_char


def test_select_text_not_found_or_missing_occurrence(bench):
    panel = CodingPanel(bench, "Sam").pick(seg_with(bench, "timeline").seg_id)
    with pytest.raises(CodingError, match=r"\[E433\].*'budget'"):
        panel.select_text("budget")
    with pytest.raises(CodingError, match=r"\[E433\].*occurs 2 time"):
        panel.select_text("contract", occurrence=2)
    with pytest.raises(CodingError, match=r"\[E433\].*no words"):
        panel.select_text("   ")


def test_select_offsets_must_lie_inside_the_segment(bench):
    seg = seg_with(bench, "timeline")
    panel = CodingPanel(bench, "Sam").pick(seg.seg_id)
    panel.select(seg.start_char + 1, seg.start_char + 4)
    assert panel.selected_text == seg.text[1:4]
    for start, end in ((seg.start_char - 1, seg.start_char + 3), (seg.start_char + 4, seg.start_char + 4),
                       (seg.start_char, seg.end_char + 1)):
        with pytest.raises(CodingError, match=r"\[E410\]"):
            panel.select(start, end)
    assert panel.selected_text == seg.text[1:4]  # a failed select changes nothing
    panel.select_all()
    assert panel.whole_segment


def test_nothing_picked_yet_is_a_numbered_error(bench):
    panel = CodingPanel(bench, "Sam")
    for action in (lambda: panel.select_all(), lambda: panel.select_text("x"), lambda: panel.code(["trust"])):
        with pytest.raises(CodingError, match=r"\[E434\]"):
            action()
    assert "Pick a segment" in panel.segment_html()


# -- coding ----------------------------------------------------------------------------------------

def test_code_two_codes_with_memo_is_saved_on_disk(bench):
    seg = seg_with(bench, "timeline")
    panel = CodingPanel(bench, "Sam Jones").pick(seg.seg_id).select_text("set by the contract")
    before = datetime.now().astimezone()
    coding = panel.code(["power and hierarchy", "Tokenism and late consultation"], memo="decided elsewhere")
    assert bench.codings.path == bench.corpus_path / ".workbench" / "codings" / "codings.sqlite3"
    assert bench.codings.path.is_file()
    saved = [c.to_dict() for c in CodingStore(bench.codings_dir).all(coder="Sam Jones")]  # a fresh store
    assert len(saved) == 1
    row = saved[0]
    assert row["coder"] == "Sam Jones" and row["source"] == "human" and row["status"] == "accepted"
    assert row["codes"] == ["power and hierarchy", "tokenism and late consultation"]  # codebook spelling
    assert row["memo"] == "decided elsewhere"
    assert row["doc_id"] == seg.doc_id and row["seg_id"] == seg.seg_id
    text = doc_text(bench, seg.doc_id)
    assert text[row["start_char"]:row["end_char"]] == "set by the contract" == row["text"]
    created = datetime.fromisoformat(row["created"])
    assert abs((created - before).total_seconds()) < 60
    assert row["coding_id"] == coding.coding_id
    # the whole segment, and a fresh store on the folder sees both
    panel.select_all().code("trust")
    again = CodingStore(bench.codings_dir).all(coder="Sam Jones")
    assert [(c.start_char, c.end_char) for c in again] == [(row["start_char"], row["end_char"]),
                                                          (seg.start_char, seg.end_char)]


def test_unknown_code_names_close_matches(bench):
    panel = CodingPanel(bench, "Sam").pick(seg_with(bench, "timeline").seg_id)
    with pytest.raises(CodingError, match=r"\[E432\] Unknown code 'jargon and acessibility'; did you mean "
                                          r"'jargon and accessibility'"):
        panel.code(["trust", "jargon and acessibility"])
    with pytest.raises(CodingError, match=r"\[E432\] Unknown code 'zzqx'\. Choose"):
        panel.code("zzqx")
    assert len(bench.codings) == 0  # nothing saved
    coding = panel.code(["a brand new code"], allow_new=True)
    assert coding.codes == ["a brand new code"]


def test_no_codes_is_a_numbered_error(bench):
    panel = CodingPanel(bench, "Sam").pick(seg_with(bench, "timeline").seg_id)
    for codes in ([], ["  "], ""):
        with pytest.raises(CodingError, match=r"\[E435\]"):
            panel.code(codes)


@pytest.mark.parametrize("coder", ["", "   ", None])
def test_coder_name_is_required(bench, coder):
    with pytest.raises(CodingError, match=r"\[E430\] The coder's name is missing"):
        CodingPanel(bench, coder)


def test_check_codes_keeps_order_and_drops_duplicates(bench):
    assert check_codes(bench.codebook, ["Trust", "trust", " power  and hierarchy "]) == ["trust",
                                                                                        "power and hierarchy"]


def test_codings_here_lists_this_segment_only(bench):
    panel = CodingPanel(bench, "Sam")
    a, b = seg_with(bench, "timeline"), seg_with(bench, "board")
    panel.pick(a.seg_id).code(["trust"])
    panel.pick(b.seg_id).select_text("the board").code(["power and hierarchy"], memo="who decides")
    here = panel.codings_here()
    assert list(here["seg_id"]) == [b.seg_id] and list(here["codes"]) == ["power and hierarchy"]
    assert {"doc_id", "seg_id", "start_char", "end_char", "coder", "source", "memo"} <= set(here.columns)
    panel.pick(a.seg_id)
    assert list(panel.codings_here()["codes"]) == ["trust"]


def test_segment_html_escapes_corpus_text_and_marks_codings(bench):
    seg = seg_with(bench, "<script>")
    panel = CodingPanel(bench, "<b>Sam</b>").pick(seg.seg_id)
    panel.select_text('<script>alert("x")</script>').code(["trust"], memo="<img src=x onerror=alert(1)>")
    panel.select_text("& <b>bold</b>")
    html = panel.segment_html()
    assert "<script>" not in html and "<b>bold</b>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html and "&amp; " in html
    assert '<mark class="wb-coding-selection">&amp; &lt;b&gt;bold&lt;/b&gt;</mark>' in html
    assert 'class="wb-coded"' in html and '<sup class="wb-coding-ref">1</sup>' in html
    assert "&lt;b&gt;Sam&lt;/b&gt;" in html and "&lt;img src=x" in html


def test_marked_text_html_overlapping_spans():
    html = marked_text_html("abcdef", 10, [(11, 14, "A"), (13, 16, "B <x>")], (12, 13))
    assert html == ('a<span class="wb-coded" data-codings="1" title="A">b</span>'
                    '<mark class="wb-coding-selection"><span class="wb-coded" data-codings="1" title="A">c</span></mark>'
                    '<span class="wb-coded" data-codings="1 2" title="A | B &lt;x&gt;">d</span>'
                    '<sup class="wb-coding-ref">1</sup>'
                    '<span class="wb-coded" data-codings="2" title="B &lt;x&gt;">ef</span>'
                    '<sup class="wb-coding-ref">2</sup>')


def test_listeners_hear_every_change(bench):
    panel = CodingPanel(bench, "Sam")
    heard = []
    panel.on_change(lambda p: heard.append(p.selection))
    seg = seg_with(bench, "board")
    panel.pick(seg.seg_id).select_text("board").code(["trust"])
    assert len(heard) == 3 and heard[0] == (seg.start_char, seg.end_char)


# -- the widget ------------------------------------------------------------------------------------

def test_widget_codes_a_typed_span_with_the_save_button(bench):
    panel = CodingPanel(bench, "Sam")
    ui = CodingPanelWidget(panel)
    assert "wb-coding" in ui.box._dom_classes and "wb-coding-save" in ui.save._dom_classes
    assert set(ui.code_lists) == {"barrier", "enabler", "principle", "benefit"}
    assert "wb-coding-codes-barrier" in ui.code_lists["barrier"]._dom_classes
    seg = seg_with(bench, "timeline")
    ui.segment.value = seg.seg_id
    assert panel.seg_id == seg.seg_id and "timeline" in ui.view.value
    ui.span_text.value = "the timeline"
    assert panel.selected_text == "The timeline"
    assert '<mark class="wb-coding-selection">The timeline</mark>' in ui.view.value
    ui.code_lists["barrier"].value = ("power and hierarchy",)
    ui.code_lists["principle"].value = ("with not for",)
    ui.memo.value = "set by others"
    ui.save.click()
    assert "wb-ok" in ui.status.value and "Saved" in ui.status.value and "The timeline" in ui.status.value
    saved = bench.codings.all()
    assert len(saved) == 1
    c = saved[0]
    assert c.codes == ["power and hierarchy", "with not for"] and c.memo == "set by others"
    assert c.coder == "Sam" and c.source == "human" and c.text == "The timeline"
    assert doc_text(bench, c.doc_id)[c.start_char:c.end_char] == "The timeline"
    assert ui.chosen_codes() == [] and ui.memo.value == ""  # cleared for the next coding
    assert "power and hierarchy" in ui.codings.value and "set by others" in ui.codings.value
    # the whole segment button
    ui.whole.click()
    assert panel.whole_segment and ui.span_text.value == ""
    ui.code_lists["enabler"].value = ("early involvement",)
    ui.save.click()
    assert [c.end_char - c.start_char for c in bench.codings.all()][-1] == len(seg.text)


def test_widget_save_uses_words_typed_but_not_yet_confirmed(bench):
    panel = CodingPanel(bench, "Sam").pick(seg_with(bench, "board").seg_id)
    ui = CodingPanelWidget(panel)
    ui._updating = True  # as if the Text had not sent its value before the click
    ui.span_text.value = "back to the board"
    ui._updating = False
    assert panel.whole_segment
    ui.code_lists["barrier"].value = ("trust",)
    ui.save.click()
    assert bench.codings.all()[0].text == "back to the board"


def test_widget_shows_errors_in_the_status_line(bench):
    ui = CodingPanelWidget(CodingPanel(bench, "Sam"))
    ui.save.click()
    assert "[E434]" in ui.status.value and "wb-error" in ui.status.value
    ui.segment.value = "not-a-segment"
    assert "[E413]" in ui.status.value
    ui.segment.value = seg_with(bench, "board").seg_id
    ui.span_text.value = "<script>nowhere</script>"
    assert "[E433]" in ui.status.value and "<script>" not in ui.status.value
    ui.span_text.value = ""
    ui.save.click()  # no codes chosen
    assert "[E435]" in ui.status.value
    assert len(bench.codings) == 0


def test_widget_follows_picks_made_by_other_views(shared, bench):
    panel = CodingPanel(bench, "Sam")
    ui = CodingPanelWidget(panel)
    hit = shared.concordance.query("contract").iloc[0]
    panel.pick_from(hit)  # what another view's click handler calls
    assert ui.segment.value == hit["seg_id"] and ui.span_text.value == "contract"
    assert '<mark class="wb-coding-selection">contract</mark>' in ui.view.value
    ui.pick_from({"nothing": 1})
    assert "[E431]" in ui.status.value


def test_widget_follows_a_concordance_widget(shared, bench):
    from workbench.views.concordance_view import ConcordanceView, ConcordanceWidget

    concordance = ConcordanceWidget(ConcordanceView(shared), query="contract")
    ui = CodingPanelWidget(CodingPanel(bench, "Sam"))
    ui.follow_concordance(concordance)
    concordance.lines.value = 1
    hit = concordance.view.hits.iloc[1]
    assert ui.panel.selection == (hit["start_char"], hit["end_char"])


# -- two panels at once ----------------------------------------------------------------------------

def test_two_widgets_saving_at_the_same_time_keep_both_codings(tmp_path, shared):
    """Two notebooks (two benches, two stores) on one corpus folder save at the same moment, as the same
    coder (one file, so the lock matters) and as two coders; every coding survives."""
    folder = write_corpus(tmp_path / "corpus")
    benches = [Workbench(folder, make_config(tmp_path), cache_dir=shared.cache_dir, progress=False)
               for _ in range(3)]
    seg = seg_with(benches[0], "timeline")
    widgets = []
    for bench, coder in zip(benches, ("Sam", "Sam", "Kim")):
        ui = CodingPanelWidget(CodingPanel(bench, coder))
        ui.segment.value = seg.seg_id
        widgets.append(ui)
    rounds = 8
    start = threading.Barrier(len(widgets))
    errors: list[BaseException] = []

    def save_many(i: int, ui: CodingPanelWidget) -> None:
        try:
            start.wait()
            for k in range(rounds):
                ui.code_lists["barrier"].value = ("trust",)
                ui.memo.value = f"widget {i} round {k}"
                ui.save.click()
                assert "Saved" in ui.status.value, ui.status.value
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=save_many, args=(i, ui)) for i, ui in enumerate(widgets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    memos = sorted(c.memo for c in CodingStore(folder / ".workbench" / "codings").all())
    assert memos == sorted(f"widget {i} round {k}" for i in range(3) for k in range(rounds))
    assert sorted(CodingStore(folder / ".workbench" / "codings").coders()) == ["Kim", "Sam"]
