"""Train the stance model of the barrier/enabler/benefit detector (src/workbench/data/stance_model.json).

Training data, all of it tuning set (a), all written for this project:
- tests/data/tuning_a2/ (20 documents) and tests/data/tuning_a3/ (60 documents by six other writers), each
  with labels.csv, read the normal way (Workbench), so the units and their structure (section, lead-in) are the
  ones the detector sees; each unit takes the label of the labelled unit it overlaps most;
- tests/data/barrier_labels.csv, barrier_labels_heldout.csv, barrier_labels_heldout2.csv: loose sentences;
- the example sentences of data/barrier_examples.yml (exemplars per category, neutral talk) and the
  codebook's own examples.

Steps: features for every unit (barriers.gather) and MiniLM embeddings; the regularisation C by grouped
cross-validation (folds by document, so no document is in its own validation fold); each stance's threshold
from the out-of-fold probabilities (the lowest that keeps precision at or above recall, within the F1
plateau); then the final fit on everything. A ``features`` variant without the embedding is fitted the same
way. Deterministic: lbfgs from zeros on the same data gives the same weights.

    PYTHONPATH=src python tools/train_stance.py [--out src/workbench/data/stance_model.json] [--report]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from workbench.analysis import barrier_eval, barriers  # noqa: E402
from workbench.analysis.barriers import EXEMPLARS, NEUTRAL, _default_codebook, gather, units_of, units_of_texts  # noqa: E402
from workbench.analysis.barriers import category_counts  # noqa: E402
from workbench.analysis.stance_model import (CLASSES, FEATURES, FEATURES_VARIANT, MODEL_FILE, Linear,  # noqa: E402
                                             StanceModel, Variant)

DATA = ROOT / "tests" / "data"
SENTENCE_SETS = ["barrier_labels.csv", "barrier_labels_heldout.csv", "barrier_labels_heldout2.csv"]
DOCUMENT_SETS = ["tuning_a2", "tuning_a3"]
EMBEDDING = "st:all-MiniLM-L6-v2"
CS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
FOLDS = 5


def label_units(units, located: pd.DataFrame) -> list[tuple[str, str]]:
    """(label, category) of each detector unit: the labelled unit it overlaps most ("neither" if none)."""
    by_doc: dict[str, list] = {}
    for row in located.itertuples(index=False):
        if row.start_char >= 0:
            by_doc.setdefault(row.doc_id, []).append(row)
    out = []
    for unit in units:
        best, best_overlap = ("neither", ""), 0
        for row in by_doc.get(unit.doc_id, ()):
            overlap = min(row.end_char, unit.end_char) - max(row.start_char, unit.start_char)
            if overlap > best_overlap:
                best, best_overlap = (row.label, row.category), overlap
        out.append(best)
    return out


def collect(cache_dir: Path):
    """Units, their evidence, labels, categories, groups (for folds) and sources of all tuning data."""
    from workbench.annotate import load_pipeline
    from workbench.project import Workbench

    codebook = _default_codebook()
    units, labels, categories, groups, sources = [], [], [], [], []
    for name in DOCUMENT_SETS:
        folder = DATA / name
        bench = Workbench(folder / "docs", cache_dir=cache_dir, progress=False)
        located = barrier_eval.locate(bench.corpus, barrier_eval.read_labels(folder / "labels.csv"))
        missing = located[located["start_char"] < 0]
        if len(missing):
            raise SystemExit(f"{name}: {len(missing)} labelled units not found, e.g. {missing.iloc[0]['text']!r}")
        doc_units = units_of(bench.annotated)
        for unit, (label, category) in zip(doc_units, label_units(doc_units, located)):
            units.append(unit)
            labels.append(label)
            categories.append(category)
            groups.append(f"{name}/{unit.doc_id}")
            sources.append(name)
    nlp = load_pipeline()
    for name in SENTENCE_SETS:
        frame = barrier_eval.read_labels_loose(DATA / name)
        loose = units_of_texts(frame["text"].tolist(), nlp)
        for i, (unit, row) in enumerate(zip(loose, frame.itertuples(index=False))):
            units.append(unit)
            labels.append(row.label)
            categories.append(row.category)
            groups.append(f"{name}/{i % FOLDS}")
            sources.append(name)
    examples: list[tuple[str, str, str]] = []
    for code in codebook.codes:
        if not code.parent:
            continue
        stance = code.kind if code.kind in ("barrier", "enabler", "benefit") else "neither"
        for text in [*code.examples, *EXEMPLARS.get(code.name, [])]:
            examples.append((text, stance, code.name if stance != "neither" else ""))
    examples += [(text, "neither", "") for text in NEUTRAL]
    loose = units_of_texts([t for t, _, _ in examples], nlp)
    for i, (unit, (_, stance, category)) in enumerate(zip(loose, examples)):
        units.append(unit)
        labels.append(stance)
        categories.append(category)
        groups.append(f"examples/{i % FOLDS}")
        sources.append("examples")
    vocab = nlp.vocab
    evidence = gather(units, codebook, vocab)
    return units, evidence, labels, categories, groups, sources


def embed(texts: list[str], cache_dir: Path) -> np.ndarray:
    from workbench.embed import EmbeddingCache, make_embedder

    embedder = make_embedder("minilm")
    return np.round(np.asarray(EmbeddingCache(cache_dir).embed(embedder, texts), dtype=np.float32), 4)


def fit_linear(x: np.ndarray, y: list[str], c: float) -> Linear:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit((x - mean) / scale, y)
    return Linear(list(model.classes_), mean, scale, model.coef_, model.intercept_)


def folds(groups: list[str], k: int = FOLDS) -> list[np.ndarray]:
    """Validation indices of k folds; a group (a document, or a slice of a sentence set) stays in one fold.
    Groups are dealt to folds by a hash of their name, so the folds do not depend on the order."""
    fold_of = {g: int(hashlib.sha256(g.encode()).hexdigest(), 16) % k for g in set(groups)}
    return [np.array([i for i, g in enumerate(groups) if fold_of[g] == f]) for f in range(k)]


def out_of_fold(x: np.ndarray, y: list[str], groups: list[str], c: float) -> np.ndarray:
    proba = np.zeros((len(y), len(CLASSES)))
    for valid in folds(groups):
        train = np.setdiff1d(np.arange(len(y)), valid)
        model = fit_linear(x[train], [y[i] for i in train], c)
        p = model.proba(x[valid])
        proba[valid] = p[:, [model.classes.index(k) for k in CLASSES]]
    return proba


def decide(proba: np.ndarray, thresholds: dict[str, float], places=None, rows=None) -> list[str]:
    """Stances from probabilities alone (no places), or with the detector's rules (places and rows)."""
    if places is not None:
        return [barriers.decide(p, thresholds, place, row) for p, place, row in zip(proba, places, rows)]
    out = []
    for row in proba:
        best = int(np.argmax(row))
        stance = CLASSES[best]
        out.append(stance if stance != "neither" and row[best] >= thresholds.get(stance, 0.5) else "neither")
    return out


def pr(y: list[str], predicted: list[str], kind: str) -> tuple[float, float]:
    tp = sum(1 for a, b in zip(y, predicted) if a == kind and b == kind)
    n_pred = sum(1 for b in predicted if b == kind)
    n_true = sum(1 for a in y if a == kind)
    return (tp / n_pred if n_pred else 0.0, tp / n_true if n_true else 0.0)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def calibrate(proba: np.ndarray, y: list[str]) -> dict[str, float]:
    """Per stance, the threshold with the best F1 on the out-of-fold probabilities (ties: the higher)."""
    thresholds = {k: 0.5 for k in CLASSES[1:]}
    for kind in CLASSES[1:]:
        best = (-1.0, 0.5)
        for t in np.round(np.arange(0.30, 0.81, 0.025), 3):
            trial = {**thresholds, kind: float(t)}
            score = f1(*pr(y, decide(proba, trial), kind))
            if score >= best[0]:
                best = (score, float(t))
        thresholds[kind] = best[1]
    return thresholds


def score_of(y, predicted) -> float:
    return float(np.mean([f1(*pr(y, predicted, k)) for k in ("barrier", "enabler")]))


def train_variant(name: str, x: np.ndarray, y: list[str], groups: list[str], places, rows, sources,
                  report: list[str]):
    """The C with the best out-of-fold mean F1 (barriers, enablers), its thresholds, the final fit on all
    data, and the out-of-fold figures with the detector's rules (overall and per source)."""
    results = []
    for c in CS:
        proba = out_of_fold(x, y, groups, c)
        thresholds = calibrate(proba, y)
        results.append((score_of(y, decide(proba, thresholds)), c, thresholds, proba))
        report.append(f"{name}: C={c} mean F1 (barrier, enabler) {results[-1][0]:.3f}")
    best_score, c, thresholds, proba = max(results, key=lambda r: (round(r[0], 3), -r[1]))
    predicted = decide(proba, thresholds, places, rows)
    figures = {}
    for source in ["all", *sorted(set(sources))]:
        idx = [i for i, s in enumerate(sources) if source in ("all", s)]
        ys, ps = [y[i] for i in idx], [predicted[i] for i in idx]
        figures[source] = {kind: {"precision": round(pr(ys, ps, kind)[0], 3), "recall": round(pr(ys, ps, kind)[1], 3),
                                  "labelled": ys.count(kind), "predicted": ps.count(kind)}
                           for kind in CLASSES[1:]}
        report.append(f"{name}: out-of-fold with rules, {source}: " + "; ".join(
            f"{k} P {v['precision']:.2f} R {v['recall']:.2f} (n={v['labelled']})" for k, v in figures[source].items()))
    report.append(f"{name}: C={c}, thresholds {thresholds}")
    return fit_linear(x, y, c), thresholds, c, figures


def category_models(vectors: np.ndarray, evidence, labels, categories, report: list[str]):
    codebook = _default_codebook()
    models, cue_names = {}, {}
    for stance in ("barrier", "enabler", "benefit"):
        names = [c.name for c in codebook.of_kind(stance) if c.parent]
        idx = [i for i, (lab, cat) in enumerate(zip(labels, categories)) if lab == stance and cat in names]
        counts = [category_counts(evidence[i].cues) for i in idx]
        cue_part = np.array([[row.get(f"{stance}:{n}", 0.0) for n in names] for row in counts])
        x = np.hstack([vectors[idx].astype(np.float64), cue_part])
        y = [categories[i] for i in idx]
        model = fit_linear(x, y, 0.1)
        accuracy = float(np.mean([model.classes[j] == t for j, t in zip(model.proba(x).argmax(axis=1), y)]))
        report.append(f"categories of {stance}: {len(idx)} training rows, training accuracy {accuracy:.3f}")
        models[stance], cue_names[stance] = model, names
    return models, cue_names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(MODEL_FILE))
    parser.add_argument("--cache", default=str(ROOT / ".cache" / "workbench"))
    parser.add_argument("--report", action="store_true", help="print the cross-validation figures")
    args = parser.parse_args(argv)
    cache = Path(args.cache)
    units, evidence, labels, categories, groups, sources = collect(cache)
    vectors = embed([u.text for u in units], cache)
    named = np.array([[e.row[f] for f in FEATURES] for e in evidence], dtype=np.float64)
    report = [f"{len(units)} units: " + ", ".join(f"{k} {labels.count(k)}" for k in CLASSES)]
    variants = []
    full = np.hstack([vectors.astype(np.float64), named])
    places, rows = [u.place for u in units], [e.row for e in evidence]
    stance, thresholds, c, oof = train_variant("minilm", full, labels, groups, places, rows, sources, report)
    cats, cue_names = category_models(vectors, evidence, labels, categories, report)
    variants.append(Variant(EMBEDDING, list(FEATURES), stance, thresholds, cats, cue_names))
    stance_f, thresholds_f, c_f, oof_f = train_variant("features", named, labels, groups, places, rows, sources,
                                                       report)
    variants.append(Variant(FEATURES_VARIANT, list(FEATURES), stance_f, thresholds_f, {}, {}))
    about = {"trained_on": sorted(set(sources)), "units": len(units),
             "labels": {k: labels.count(k) for k in CLASSES}, "C": {"minilm": c, "features": c_f},
             "out_of_fold": {"minilm": oof, "features": oof_f}, "folds": FOLDS,
             "tool": "tools/train_stance.py"}
    StanceModel(variants, about).save(args.out)
    if args.report:
        print("\n".join(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
