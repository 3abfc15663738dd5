"""Barrier, enabler and benefit detection: one stance per sentence, structure, negation and definitions,
evidence and offsets on small texts, and the figures on the tuning set (a): the sentence files and the
documents of tests/data/tuning_a2 read the normal way. The held-out set (b) is in test_barriers_heldout.py."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.analysis import barrier_eval
from workbench.analysis.barriers import COLUMNS, BarrierDetector, precision_recall
from workbench.analysis.stance_cues import negated
from workbench.analysis.stance_model import FEATURES_VARIANT, MODEL_FILE, StanceModel
from workbench.analysis.stance_structure import kind_of
from workbench.annotate import load_pipeline
from workbench.project import Workbench

DATA = Path(__file__).resolve().parents[1] / "data"
LABELS = DATA / "barrier_labels.csv"
HELDOUT = DATA / "barrier_labels_heldout.csv"
HELDOUT2 = DATA / "barrier_labels_heldout2.csv"
TUNING = DATA / "tuning_a2"
BLOG = (DATA / "barrier_blog.md").read_text(encoding="utf-8")
WRITE_UP = """Carers' forum: notes from the May workshop

We met at the community centre to talk about how the forum is run.

The main challenges people named were as follows:
Mixed messages.
Money/staff/turnover.
Papers sent the night before.

What helped:
A named contact.
Paying people on the day, in cash.

Co-production isn't a tick-box exercise.
Co-production is more than consultation.
It is not a quick fix.
Being part of the forum has led to better services for everyone.
"""


@pytest.fixture(scope="module")
def bar_bench(tmp_path_factory):
    root = tmp_path_factory.mktemp("barriers")
    (root / "corpus").mkdir()
    (root / "corpus" / "notes.md").write_text(BLOG, encoding="utf-8")
    (root / "corpus" / "write-up.txt").write_text(WRITE_UP, encoding="utf-8")
    return Workbench(root / "corpus", cache_dir=root / "cache", progress=False)


@pytest.fixture(scope="module")
def bar_hits(bar_bench):
    return {kind: bar_bench.barrier_hits(kind) for kind in ("barrier", "enabler", "benefit")}


@pytest.fixture(scope="module")
def bar_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("barrier_embeddings")


@pytest.fixture(scope="module")
def tuning_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("tuning_a2")


@pytest.fixture(scope="module")
def tuning(tuning_cache):
    """The detector on the tuning documents, read the normal way."""
    return barrier_eval.evaluate_documents(TUNING / "docs", TUNING / "labels.csv", cache_dir=tuning_cache)


def judge(path: Path, cache) -> dict:
    """P and R per kind on a file of loose labelled sentences, and category accuracy (the share of true
    items of a kind given their labelled category)."""
    labels = pd.read_csv(path)
    found = BarrierDetector(cache_dir=cache).detect_texts(labels["text"].tolist())
    out = {}
    for kind in ("barrier", "enabler"):
        truth = labels["label"] == kind
        p, r = precision_recall(found["stance"] == kind, truth)
        hits = truth & (found["stance"] == kind)
        categories = BarrierDetector(kind=kind, cache_dir=cache).detect_texts(labels.loc[hits, "text"].tolist())
        accuracy = float((categories["category"].to_numpy() == labels.loc[hits, "category"].to_numpy()).mean())
        out[kind] = (p, r, accuracy)
    return out


def hit_texts(hits) -> list[str]:
    return [t.strip() for t in hits["text"]]


def test_bare_items_under_a_barrier_lead_in_are_barriers_with_the_structure_as_evidence(bar_bench, bar_hits):
    barriers = bar_hits["barrier"]
    assert list(barriers.columns) == COLUMNS
    texts = hit_texts(barriers)
    for item in ("Mixed messages.", "Money/staff/turnover.", "Papers sent the night before."):
        assert item in texts
        evidence = barriers.loc[barriers["text"].str.strip() == item, "evidence"].iloc[0]
        assert "structure: list item under 'The main challenges people named were as follows:'" in evidence
    assert "can't come" in " ".join(texts) and "acronyms" in " ".join(texts)
    assert not any("library" in t for t in texts)
    acronyms = barriers[barriers["text"].str.contains("acronyms")].iloc[0]
    assert acronyms["category"] == "jargon and accessibility"
    for hits in bar_hits.values():
        for row in hits.itertuples(index=False):
            assert bar_bench.corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.text
            assert 0 <= row.score <= 1 and row.evidence


def test_items_under_what_helped_are_enablers(bar_hits):
    enablers = bar_hits["enabler"]
    texts = hit_texts(enablers)
    assert "Paying people a proper hourly rate, the same as staff." in texts
    assert "A named contact." in texts and "Paying people on the day, in cash." in texts
    paying = enablers[enablers["text"].str.startswith("Paying people a proper")].iloc[0]
    assert paying["category"] == "paying people properly"
    assert "structure: list item under 'What helped'" in paying["evidence"]


def test_negations_and_definitions_are_neither_and_benefits_have_their_own_table(bar_hits):
    everything = [t for hits in bar_hits.values() for t in hit_texts(hits)]
    for sentence in ("Co-production isn't a tick-box exercise.", "Co-production is more than consultation.",
                     "It is not a quick fix."):
        assert sentence not in everything
    assert "Being part of the forum has led to better services for everyone." in hit_texts(bar_hits["benefit"])
    assert "Being part of the forum has led to better services for everyone." not in hit_texts(bar_hits["enabler"])


def test_one_stance_per_sentence(bar_hits, tuning):
    for hits in (bar_hits, tuning.hits):
        spans = [(r.doc_id, r.start_char, r.end_char) for h in hits.values() for r in h.itertuples(index=False)]
        assert len(spans) == len(set(spans))
        by_doc: dict = {}
        for doc_id, start, end in spans:
            by_doc.setdefault(doc_id, []).append((start, end))
        for found in by_doc.values():
            found.sort()
            assert all(a[1] <= b[0] for a, b in zip(found, found[1:]))  # no two hits overlap


def test_loose_sentences_get_one_stance_each(bar_cache):
    texts = ["We were only brought in at the end to rubber-stamp the plan.",
             "Paying people on the day, in cash, meant nobody was out of pocket.",
             "It leads to better services that fit people's lives.",
             "This isn't a tick-box exercise.",
             "Co-production means working with people, not for them.",
             "The lunch was soup and sandwiches."]
    found = BarrierDetector(cache_dir=bar_cache).detect_texts(texts)
    assert list(found.columns) == COLUMNS + ["stance", "is_hit"]
    assert list(found["stance"]) == ["barrier", "enabler", "benefit", "neither", "neither", "neither"]
    assert list(found["is_hit"]) == [True, False, False, False, False, False]
    first = found.iloc[0]
    assert first["category"] == "tokenism and late consultation"
    assert "cue (tokenism and late consultation): 'rubber-stamp'" in first["evidence"]
    assert "model: barrier" in first["evidence"]
    assert found.iloc[5]["evidence"] == "" and found.iloc[5]["category"] == ""


def test_negated_obstacle_reads_as_enabler_and_not_as_barrier(bar_cache):
    texts = ["This time nobody was left out of pocket, because the fares were paid up front.",
             "Once again people were left out of pocket for their fares."]
    found = BarrierDetector(kind="enabler", cache_dir=bar_cache).detect_texts(texts)
    assert list(found["stance"]) == ["enabler", "barrier"]
    assert ", negated: 'left out'" in found.loc[0, "evidence"]


@pytest.mark.parametrize("sentence, cue, is_negated", [
    ("I wasn't out of pocket at all.", "out of pocket", True),
    ("I was out of pocket again.", "out of pocket", False),
    ("We never had to wait for anything.", "wait", True),
    ("Nobody used any jargon.", "jargon", True),
    ("There was no jargon.", "jargon", True),
    ("There's no budget for it.", "no budget", False),  # the cue carries its own negation
    ("The papers were full of jargon I didn't understand.", "jargon", False),
])
def test_negation_scope(sentence, cue, is_negated):
    doc = load_pipeline()(sentence)
    start = next(t.i for t in doc if doc[t.i:].text.startswith(cue))
    end = start + len(load_pipeline().make_doc(cue))
    assert negated(doc, start, end) is is_negated


@pytest.mark.parametrize("line, kind", [
    ("What got in the way", "barrier"), ("The main challenges were as follows:", "barrier"),
    ("What didn't work", "barrier"), ("Concerns for the future", "barrier"), ("What helped", "enabler"),
    ("Keys to success", "enabler"), ("Top tips", "enabler"), ("Things that made a difference:", "enabler"),
    ("When asked what made the better panels work, people named:", "enabler"),
    ("The difference it made", "benefit"), ("Barriers and enablers", ""), ("Purpose", ""),
    ("There are several ways to work with us:", "")])
def test_what_a_heading_or_lead_in_names(line, kind):
    assert kind_of(line) == kind


def test_the_stance_model_is_json_with_a_variant_for_any_embedder():
    assert MODEL_FILE.suffix == ".json" and MODEL_FILE.read_bytes().lstrip().startswith(b"{")
    model = StanceModel.load()
    assert model.variant_for("st:all-MiniLM-L6-v2:abc123").uses_embedding
    assert model.variant_for("m2v:some-static-model").embedding == FEATURES_VARIANT
    assert model.about["out_of_fold"]["minilm"]["tuning_a2"]["barrier"]["labelled"] > 100


def test_other_embedder_uses_the_features_variant(bar_cache, monkeypatch):
    """An embedder the model was not trained with: the stance comes from cues, framing and structure."""
    def static(self, texts):
        return np.zeros((len(texts), 8), dtype=np.float32), "static:test"

    monkeypatch.setattr(BarrierDetector, "_embed", static)
    found = BarrierDetector(cache_dir=bar_cache).detect_texts(
        ["We were only brought in at the end to rubber-stamp the plan.", "This isn't a tick-box exercise."])
    assert list(found["stance"]) == ["barrier", "neither"]
    assert found.loc[0, "category"] == "tokenism and late consultation"


def test_tiny_noise_on_the_embeddings_changes_no_hit(tuning, tuning_cache, monkeypatch):
    """Relative noise of 1e-5 on every embedding (another CPU's kernels give differences of this size): the
    same stance and category for every unit of the 20 tuning documents, three times over, and the same
    probabilities to within a step of their 3 decimals. The embeddings are not rounded: rounding would turn
    a tiny difference into a step of the rounding's size whenever a value sits near a rounding boundary."""
    bench = Workbench(TUNING / "docs", cache_dir=tuning_cache, progress=False)  # annotations from the cache
    cache = bench.annotator.cache_dir
    plain = BarrierDetector(cache_dir=cache).fit(bench.annotated)
    assert len(plain.judgements_) > 700
    original = BarrierDetector._embed
    for seed in (0, 1, 2):
        rng = np.random.default_rng(seed)

        def noisy(self, texts, rng=rng):
            vectors, model_id = original(self, texts)
            noise = rng.standard_normal(vectors.shape).astype(np.float32) * 1e-5
            assert not np.array_equal(vectors * (1 + noise), vectors)
            return vectors * (1 + noise), model_id

        monkeypatch.setattr(BarrierDetector, "_embed", noisy)
        again = BarrierDetector(cache_dir=cache).fit(bench.annotated)
        assert [(j.stance, j.category) for j in again.judgements_] == \
            [(j.stance, j.category) for j in plain.judgements_]
        assert max(abs(a.proba[k] - b.proba[k]) for a, b in zip(again.judgements_, plain.judgements_)
                   for k in a.proba) <= 1.5e-3  # probabilities are kept to 3 decimals
        pd.testing.assert_frame_equal(again.hits_.drop(columns=["score", "evidence"]),
                                      plain.hits_.drop(columns=["score", "evidence"]))


def test_tuning_documents_figures(tuning):
    """The 20 tuning documents (tests/data/tuning_a2, 1,020 labelled units), read the normal way. The stance
    model was trained on them, so these figures flatter it; the model's out-of-fold figures (README) and the
    held-out set (b) say what to expect on new text. Measured: see the README table; the floors sit just
    under the measured figures, to catch regressions."""
    assert (tuning.units["start_char"] >= 0).all()  # every labelled unit was found in its document
    f = tuning.figures.set_index("kind")
    # measured with the model trained on (a) including tuning_a3: barriers 0.737 / 0.766, enablers 0.785 / 0.723,
    # benefits 0.674 / 0.698 (with tuning_a2 a quarter of the training units, the fit flatters it less)
    assert f.loc["barrier", "precision"] >= 0.71 and f.loc["barrier", "recall"] >= 0.74, f
    assert f.loc["enabler", "precision"] >= 0.76 and f.loc["enabler", "recall"] >= 0.69, f
    assert f.loc["benefit", "precision"] >= 0.64 and f.loc["benefit", "recall"] >= 0.67, f


def test_out_of_fold_figures_stored_with_the_model():
    """The cross-validated figures on (a) that the README gives, as the trainer stored them: a retrained
    model must not do worse. Measured: all tuning data (4,024 units, three quarters of them the documents of
    tuning_a3), barriers 0.635 / 0.650, enablers 0.633 / 0.653; on the 20 documents of tuning_a2, barriers
    0.635 / 0.632 and enablers 0.643 / 0.623 (before tuning_a3 was added: 0.639 / 0.606 and 0.583 / 0.553)."""
    oof = StanceModel.load().about["out_of_fold"]["minilm"]
    assert oof["all"]["barrier"]["labelled"] >= 850 and oof["tuning_a3"]["barrier"]["labelled"] >= 500, oof
    for part, floor in (("all", 0.62), ("tuning_a2", 0.60)):
        for kind in ("barrier", "enabler"):
            assert oof[part][kind]["precision"] >= floor and oof[part][kind]["recall"] >= floor, (part, oof[part])


@pytest.mark.xfail(strict=True, reason="target of issue 14 not reached: out-of-fold on (a) barriers 0.64 / 0.65, "
                                       "enablers 0.63 / 0.65; this test passes (and so fails as xfail) once it is")
def test_out_of_fold_figures_reach_the_target():
    oof = StanceModel.load().about["out_of_fold"]["minilm"]["all"]
    assert all(oof[k][m] >= 0.85 for k in ("barrier", "enabler") for m in ("precision", "recall")), oof


def test_no_category_takes_more_than_forty_percent(tuning):
    """Category balance on the tuning documents: no barrier or enabler category takes more than 40% of the
    hits; benefits (three categories, half of the labelled benefits are 'better services') no more than
    the labelled share plus 0.1."""
    for kind in ("barrier", "enabler"):
        shares = tuning.hits[kind]["category"].value_counts(normalize=True)
        assert shares.max() <= 0.4, (kind, shares)
    labelled = tuning.units.loc[tuning.units["label"] == "benefit", "category"].value_counts(normalize=True)
    found = tuning.hits["benefit"]["category"].value_counts(normalize=True)
    assert found.max() <= labelled.max() + 0.1, (found, labelled)


# Measured (precision, recall) per file and kind; the model was trained on these sentences, so they flatter it.
SENTENCE_FIGURES = {LABELS: {"barrier": (0.855, 0.979), "enabler": (0.868, 0.917)},
                    HELDOUT: {"barrier": (0.769, 0.909), "enabler": (0.714, 0.714)},
                    HELDOUT2: {"barrier": (0.762, 0.889), "enabler": (0.733, 0.846)}}


def test_labelled_sentence_files(bar_cache):
    """The loose sentence files of (a): barrier_labels.csv (129), barrier_labels_heldout.csv (56),
    barrier_labels_heldout2.csv (46). All three are training data for the stance model now: the floors are
    the measured figures minus 0.03, to catch regressions; the category of every true hit is right."""
    for path, measured in SENTENCE_FIGURES.items():
        for kind, (p, r, accuracy) in judge(path, bar_cache).items():
            assert p >= measured[kind][0] - 0.03 and r >= measured[kind][1] - 0.03, (path.name, kind, p, r)
            assert accuracy >= 0.9, (path.name, kind, accuracy)


def test_labels_are_located_in_order_and_hits_assigned_by_overlap():
    class Doc:
        def __init__(self, doc_id, text):
            self.doc_id, self.text = doc_id, text

    class Corpus:
        documents = [Doc("a.txt", "Yes. It was late.\nYes. Nobody told us.")]

    labels = pd.DataFrame({"doc": ["a.txt"] * 4, "text": ["Yes.", "It was late.", "Yes.", "Nobody  told us."],
                           "label": ["neither", "barrier", "neither", "barrier"], "category": [""] * 4})
    located = barrier_eval.locate(Corpus(), labels)
    assert list(located["start_char"]) == [0, 5, 18, 23]  # the second "Yes." finds its own place
    assert list(located["end_char"]) == [4, 17, 22, 38]  # white space may differ
    predicted = barrier_eval.assign(located, [("a.txt", 5, 17, "barrier"), ("a.txt", 18, 38, "enabler")])
    # a hit that covers all of a short unit gives it its label: the detector did put those words in its table
    assert predicted == ["neither", "barrier", "enabler", "enabler"]
    assert barrier_eval.assign(located, [("a.txt", 0, 30, "barrier")]) == ["barrier", "barrier", "barrier", "neither"]
    markdown = pd.DataFrame({"doc": ["a.txt"], "text": ["**It** was [late](#)."], "label": ["barrier"],
                             "category": [""]})
    assert list(barrier_eval.locate(Corpus(), markdown)["start_char"]) == [5]  # labelled from Markdown source
    figures = barrier_eval.figures(list(labels["label"]), predicted).set_index("kind")
    assert figures.loc["barrier", "precision"] == 1.0 and figures.loc["barrier", "recall"] == 0.5


def test_a_labels_file_without_its_columns_is_refused(tmp_path):
    from workbench.errors import WorkbenchError

    path = tmp_path / "labels.csv"
    path.write_text("text,stance\nHello,neither\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"\[E406\].*'doc'"):
        barrier_eval.read_labels(path)


def test_precision_recall_helper():
    assert precision_recall([True, True, False, False], [True, False, True, False]) == (0.5, 0.5)
    assert precision_recall([], []) == (0.0, 0.0)


@pytest.mark.slow
def test_demo_corpus_has_quotes_for_most_barrier_categories(an_demo):
    """The demo texts discuss all eight barrier categories (workshop 3 and the blog 'What gets in the way'
    list them one by one): most must have a quote, and each quote must slice back to its document."""
    detector = BarrierDetector(cache_dir=an_demo.annotator.cache_dir).fit(an_demo.annotated)
    hits = detector.hits_
    assert list(hits.columns) == COLUMNS
    assert len(set(hits["category"])) >= 6
    for row in hits.itertuples(index=False):
        assert an_demo.corpus.document(row.doc_id).text[row.start_char:row.end_char] == row.text
        assert row.evidence


@pytest.mark.slow
def test_the_other_kinds_reuse_the_judgements_and_find_the_same_hits(an_demo):
    """Stances are judged once for all kinds: an enabler detector given a fitted barrier detector reuses
    its judgements and finds exactly what it finds on its own."""
    cache = an_demo.annotator.cache_dir
    barriers = BarrierDetector(cache_dir=cache).fit(an_demo.annotated)
    alone = BarrierDetector(kind="enabler", cache_dir=cache).fit(an_demo.annotated)
    shared = BarrierDetector(kind="enabler", cache_dir=cache).fit(an_demo.annotated, evidence_from=barriers)
    assert shared.judgements_ is barriers.judgements_
    pd.testing.assert_frame_equal(shared.hits_, alone.hits_)
    segment_units = BarrierDetector(kind="enabler", unit="segment", cache_dir=cache).fit(
        an_demo.annotated, evidence_from=barriers)
    assert segment_units.judgements_ is not barriers.judgements_
