"""Barrier and enabler detection: evidence, categories and offsets on small texts, negation, the targets on
the labelled set (tests/data/barrier_labels.csv), floors on two held-out sets (tests/data/
barrier_labels_heldout.csv, barrier_labels_heldout2.csv), and the categories found in the demo corpus."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.analysis.barriers import COLUMNS, BarrierDetector, _negated, precision_recall
from workbench.annotate import load_pipeline
from workbench.project import Workbench

DATA = Path(__file__).resolve().parents[1] / "data"
LABELS = DATA / "barrier_labels.csv"
HELDOUT = DATA / "barrier_labels_heldout.csv"
HELDOUT2 = DATA / "barrier_labels_heldout2.csv"
BLOG = (DATA / "barrier_blog.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def bar_bench(tmp_path_factory):
    root = tmp_path_factory.mktemp("barriers")
    (root / "corpus").mkdir()
    (root / "corpus" / "notes.md").write_text(BLOG, encoding="utf-8")
    return Workbench(root / "corpus", cache_dir=root / "cache", progress=False)


@pytest.fixture(scope="module")
def bar_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("barrier_embeddings")


def judge(path: Path, cache) -> dict:
    """Figures of both detectors on a labelled file: P and R per kind, and category accuracy (the share
    of true items of a kind given their labelled category)."""
    labels = pd.read_csv(path)
    texts = labels["text"].tolist()
    out = {}
    for kind in ("barrier", "enabler"):
        found = BarrierDetector(kind=kind, cache_dir=cache).detect_texts(texts)
        truth = labels["label"] == kind
        p, r = precision_recall(found["is_hit"], truth)
        accuracy = float((found.loc[truth, "category"] == labels.loc[truth, "category"]).mean())
        out[kind] = (p, r, accuracy)
    return out


def test_list_items_under_a_barrier_heading_are_found_with_evidence(bar_bench):
    hits = BarrierDetector(cache_dir=bar_bench.annotator.cache_dir).fit(bar_bench.annotated).hits_
    assert list(hits.columns) == COLUMNS
    texts = " ".join(hits["text"])
    assert "can't come" in texts and "acronyms" in texts
    assert "library" not in texts
    assert all("structure: list under 'What gets in the way'" in e for e in hits["evidence"])
    acronyms = hits[hits["text"].str.contains("acronyms")].iloc[0]
    assert acronyms["category"] == "jargon and accessibility"
    for row in hits.itertuples(index=False):
        assert bar_bench.corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.text
        assert 0 <= row.score <= 1


def test_enablers_are_found_under_what_helped(bar_bench):
    hits = BarrierDetector(kind="enabler", cache_dir=bar_bench.annotator.cache_dir).fit(bar_bench.annotated).hits_
    assert list(hits["text"]) == ["Paying people a proper hourly rate, the same as staff."]
    assert hits.iloc[0]["category"] == "paying people properly"


def test_precision_recall_helper():
    assert precision_recall([True, True, False, False], [True, False, True, False]) == (0.5, 0.5)
    assert precision_recall([], []) == (0.0, 0.0)


@pytest.mark.parametrize("sentence, cue, negated", [
    ("I wasn't out of pocket at all.", "out of pocket", True),
    ("I was out of pocket again.", "out of pocket", False),
    ("We never had to wait for anything.", "wait", True),
    ("Nobody used any jargon.", "jargon", True),
    ("There was no jargon.", "jargon", True),
    ("There's no budget for it.", "no budget", False),  # the cue carries its own negation
    ("The papers were full of jargon I didn't understand.", "jargon", False),
])
def test_negation_scope(sentence, cue, negated):
    doc = load_pipeline()(sentence)
    start = next(t.i for t in doc if doc[t.i:].text.startswith(cue))
    end = start + len(load_pipeline().make_doc(cue))
    assert _negated(doc, start, end) is negated


def test_negated_obstacle_reads_as_enabler_and_not_as_barrier(bar_cache):
    texts = ["This time nobody was left out of pocket, because the fares were paid up front.",
             "Once again people were left out of pocket for their fares."]
    barrier = BarrierDetector(cache_dir=bar_cache).detect_texts(texts)
    enabler = BarrierDetector(kind="enabler", cache_dir=bar_cache).detect_texts(texts)
    assert list(barrier["is_hit"]) == [False, True]
    assert list(enabler["is_hit"]) == [True, False]
    assert ", negated: 'left out'" in enabler.loc[0, "evidence"]  # "nobody was left out of pocket"


def test_evidence_names_what_fired(bar_cache):
    found = BarrierDetector(cache_dir=bar_cache).detect_texts([
        "We were only brought in at the end to rubber-stamp the plan.",
        "The lunch was soup and sandwiches."])
    assert list(found.columns) == COLUMNS + ["is_hit"]
    first = found.iloc[0]
    assert first["is_hit"] and first["category"] == "tokenism and late consultation"
    assert "cue (tokenism and late consultation)" in first["evidence"]
    assert "similar to 'tokenism and late consultation'" in first["evidence"]
    assert not found.iloc[1]["is_hit"] and found.iloc[1]["evidence"] == ""


def test_labelled_set_meets_the_targets(bar_cache):
    """The issue's targets on tests/data/barrier_labels.csv (129 sentences: 48 barriers, 36 enablers, 45
    'none', many of them hard: barrier words used plainly, enablers said with a negation). Measured:
    barriers P 0.94 R 0.96, enablers P 0.91 R 0.89; category accuracy 0.85 (barriers), 0.83 (enablers).
    This set was used to write the cues and set the weights, so these figures flatter the detector: see
    the held-out tests below for what to expect on new text."""
    figures = judge(LABELS, bar_cache)
    for kind, (p, r, accuracy) in figures.items():
        assert p >= 0.8 and r >= 0.8, (kind, p, r)
        assert accuracy >= 0.75, (kind, accuracy)


def test_first_heldout_set_floors(bar_cache):
    """tests/data/barrier_labels_heldout.csv (56 sentences: 22 barriers, 14 enablers, 20 none) was written
    before any tuning. Its first and only clean reading was poor and below the 0.8 targets: barriers P 0.70
    R 0.32, enablers P 0.90 R 0.64 (the cues had been fitted to the main set). After that reading its
    sentences were used, with the main set, to set the similarity weights (never to write cues or
    examples), so it is no longer held out: now barriers P 0.68 R 0.59, enablers P 0.67 R 0.71. The floors
    sit a little under those figures, to catch regressions."""
    figures = judge(HELDOUT, bar_cache)
    p, r, _ = figures["barrier"]
    assert p >= 0.6 and r >= 0.5, figures
    p, r, _ = figures["enabler"]
    assert p >= 0.6 and r >= 0.6, figures


def test_second_heldout_set_floors(bar_cache):
    """tests/data/barrier_labels_heldout2.csv (46 sentences: 18 barriers, 13 enablers, 15 none) was written
    after the first held-out set had been used, and read once, after the last change: barriers P 0.93
    R 0.78, enablers P 0.75 R 0.92; category accuracy 0.72 (barriers), 0.92 (enablers). Barrier recall and
    enabler precision are below the 0.8 targets here; the floors sit a little under the measured figures.
    Small sets: one sentence moves a figure by 0.05-0.08."""
    figures = judge(HELDOUT2, bar_cache)
    p, r, _ = figures["barrier"]
    assert p >= 0.85 and r >= 0.7, figures
    p, r, _ = figures["enabler"]
    assert p >= 0.65 and r >= 0.85, figures


@pytest.mark.slow
def test_demo_corpus_has_quotes_for_every_barrier_category(an_demo):
    """The demo texts discuss all eight barrier categories (workshop 3 and the blog 'What gets in the way'
    list them one by one): each must have at least one quote, and each quote must slice back to its
    document."""
    detector = BarrierDetector(cache_dir=an_demo.annotator.cache_dir).fit(an_demo.annotated)
    hits = detector.hits_
    assert list(hits.columns) == COLUMNS
    assert set(hits["category"]) == {c.name for c in detector.categories()}
    for row in hits.itertuples(index=False):
        assert an_demo.corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.text
        assert row.evidence


@pytest.mark.slow
def test_the_other_kind_reuses_the_evidence_and_finds_the_same_hits(an_demo):
    """Cues and similarities are the same for both kinds: an enabler detector given a fitted barrier
    detector reuses its evidence and finds exactly what it finds on its own."""
    cache = an_demo.annotator.cache_dir
    barriers = BarrierDetector(cache_dir=cache).fit(an_demo.annotated)
    alone = BarrierDetector(kind="enabler", cache_dir=cache).fit(an_demo.annotated)
    shared = BarrierDetector(kind="enabler", cache_dir=cache).fit(an_demo.annotated, evidence_from=barriers)
    assert shared.evidence_ is barriers.evidence_
    pd.testing.assert_frame_equal(shared.hits_, alone.hits_)
    # Other settings that shape the evidence: computed again.
    segment_units = BarrierDetector(kind="enabler", unit="segment", cache_dir=cache).fit(
        an_demo.annotated, evidence_from=barriers)
    assert segment_units.evidence_ is not barriers.evidence_
