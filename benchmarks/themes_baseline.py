"""Our themes against a plain BERTopic baseline, on labelled corpora: expected-theme coverage and the
largest theme's share, side by side in one run.

A labelled corpus is a folder with ``docs/`` (the documents; or a ``corpus:`` path in expected_themes.yml,
relative to the folder, for a corpus kept elsewhere, such as the demo corpus), ``labels.csv`` (``doc, text, label, category,
theme, note``: every unit of every document, ``theme`` one of the expected themes or empty) and
``expected_themes.yml`` (``themes: [{name, description}]``). Each labelled unit is found in its document's
text (in order) and given the theme of the segment (ours) or line (baseline) that holds most of it.

An expected theme counts as **covered** when one found theme is mostly about it and holds a fair part of it:
at least ``MIN_PRECISION`` of the found theme's theme-labelled units carry the expected theme, and the found
theme holds at least ``MIN_RECALL`` of the expected theme's units (and at least 2 of them). The same rule
scores both systems.

The baseline is what a new user would try first: BERTopic with MiniLM embeddings, ``min_topic_size=3``,
English stop words, 1-2-word n-grams, one line of the file per unit (UMAP and HDBSCAN as BERTopic sets them,
seeded).

Run: .venv/bin/python -m benchmarks.themes_baseline LABELLED_DIR [LABELLED_DIR ...] [--json OUT]
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

MIN_PRECISION = 0.4
MIN_RECALL = 0.25


@dataclass
class LabelledUnit:
    doc: str
    start: int
    end: int
    theme: str


def read_labelled(folder: Path, texts: dict[str, str]) -> tuple[list[LabelledUnit], list[str]]:
    """The theme-labelled units with their offsets in ``texts`` (doc name -> document text), and the
    expected theme names."""
    expected = [t["name"] for t in yaml.safe_load((folder / "expected_themes.yml").read_text(encoding="utf-8"))["themes"]]
    units: list[LabelledUnit] = []
    cursor: dict[str, int] = {}
    with open(folder / "labels.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            doc, text = row["doc"], row["text"]
            if doc not in texts:
                continue
            at = texts[doc].find(text, cursor.get(doc, 0))
            if at < 0:
                at = texts[doc].find(text)
            if at < 0:
                continue  # a unit the reader normalised differently: left out of the score, counted below
            cursor[doc] = at + len(text)
            if row.get("theme"):
                units.append(LabelledUnit(doc, at, at + len(text), row["theme"]))
    return units, expected


def assign(units: list[LabelledUnit], spans: dict[str, list[tuple[int, int, int]]]) -> np.ndarray:
    """The theme of each unit: that of the span (start, end, theme) overlapping it most; -1 if none."""
    out = np.full(len(units), -1)
    for i, u in enumerate(units):
        best = 0
        for start, end, theme in spans.get(u.doc, ()):
            overlap = min(end, u.end) - max(start, u.start)
            if overlap > best:
                best, out[i] = overlap, theme
    return out


def coverage(units: list[LabelledUnit], found: np.ndarray, expected: list[str]) -> dict:
    """Which expected themes are covered (see the module's rule), and each one's best match."""
    names = np.array([u.theme for u in units])
    detail = {}
    for name in expected:
        members = names == name
        best = {"covered": False, "precision": 0.0, "recall": 0.0, "theme": None}
        for theme in sorted(set(found[members].tolist()) - {-1}):
            inside = found == theme
            hit = int((inside & members).sum())
            precision, recall = hit / int(inside.sum()), hit / max(1, int(members.sum()))
            covered = hit >= 2 and precision >= MIN_PRECISION and recall >= MIN_RECALL
            if (covered, precision * recall) > (best["covered"], best["precision"] * best["recall"]):
                best = {"covered": covered, "precision": round(precision, 3), "recall": round(recall, 3),
                        "theme": int(theme)}
        detail[name] = best
    return {"covered": sum(d["covered"] for d in detail.values()), "expected": len(expected), "detail": detail}


def largest_share(themes: np.ndarray) -> float:
    """The largest theme's share of the assigned units (unassigned left out)."""
    assigned = themes[themes >= 0]
    return float(np.bincount(assigned).max() / len(assigned)) if len(assigned) else 0.0


def largest_pile(themes: np.ndarray) -> float:
    """The largest group's share of all units, unassigned counted as one group: BERTopic's outlier topic
    (-1) is a catch-all a reader sees too."""
    themes = np.asarray(themes)
    return float(np.unique(themes, return_counts=True)[1].max() / len(themes)) if len(themes) else 0.0


def docs_of(folder: Path) -> Path:
    """The labelled corpus's documents: ``folder/docs``, or the ``corpus:`` path its expected_themes.yml names."""
    if (folder / "docs").is_dir():
        return folder / "docs"
    named = yaml.safe_load((folder / "expected_themes.yml").read_text(encoding="utf-8")).get("corpus")
    if not named:
        raise SystemExit(f"{folder}: no docs/ folder and no 'corpus:' in expected_themes.yml")
    return (folder / named).resolve()


def ours(folder: Path, cache: Path) -> tuple[dict, dict[str, list[tuple[int, int, int]]], np.ndarray, dict]:
    """Our themes on the folder's documents (``docs_of``): (document texts, spans by doc, segment themes, theme labels)."""
    from workbench.config import Config
    from workbench.project import Workbench

    bench = Workbench(docs_of(folder), Config(), cache_dir=cache, models_dir=cache / "models", progress=False,
                      reuse_models=False)
    model = bench.themes
    texts = {d.doc_id: d.text for d in bench.corpus.documents}
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for row in model.assignments_.itertuples(index=False):
        spans.setdefault(row.doc_id, []).append((row.start_char, row.end_char, int(row.theme_id)))
    labels = dict(zip(model.themes_["theme_id"].astype(int), model.themes_["label"]))
    return texts, spans, model.assignments_["theme_id"].to_numpy(), labels


def baseline(texts: dict[str, str], seed: int = 42) -> tuple[dict[str, list[tuple[int, int, int]]], np.ndarray, dict]:
    """Plain BERTopic on one line per unit: (spans by doc, line themes, topic labels)."""
    from bertopic import BERTopic
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    from workbench.embed import make_embedder

    lines, where = [], []
    for doc, text in sorted(texts.items()):
        at = 0
        for line in text.split("\n"):
            if line.strip():
                lines.append(line.strip())
                where.append((doc, at, at + len(line)))
            at += len(line) + 1
    embeddings = make_embedder("minilm").encode(lines)
    model = BERTopic(min_topic_size=3, vectorizer_model=CountVectorizer(stop_words="english", ngram_range=(1, 2)),
                     umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed),
                     calculate_probabilities=False, verbose=False)
    topics = np.asarray(model.fit_transform(lines, embeddings)[0])
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for (doc, start, end), topic in zip(where, topics):
        spans.setdefault(doc, []).append((start, end, int(topic)))
    labels = {int(t): " · ".join(w for w, _ in (model.get_topic(t) or [])[:3]) for t in set(topics.tolist()) if t >= 0}
    return spans, topics, labels


def compare(folder: Path, cache: Path) -> dict:
    """Both systems on one labelled corpus."""
    texts, our_spans, our_themes, our_labels = ours(folder, cache)
    units, expected = read_labelled(folder, texts)
    base_spans, base_topics, base_labels = baseline(texts)
    result = {"corpus": folder.name, "labelled_units": len(units)}
    for name, spans, themes, labels in (("ours", our_spans, our_themes, our_labels),
                                        ("baseline", base_spans, base_topics, base_labels)):
        found = assign(units, spans)
        cov = coverage(units, found, expected)
        for d in cov["detail"].values():
            d["label"] = labels.get(d["theme"]) if d["theme"] is not None else None
        result[name] = {"coverage": cov["covered"], "expected": cov["expected"], "themes": len(labels),
                        "largest_share": round(largest_share(themes), 3),
                        "largest_pile": round(largest_pile(themes), 3), "detail": cov["detail"]}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="themes-baseline-") as tmp:
        cache = args.cache or Path(tmp)
        for folder in args.folders:
            r = compare(folder, cache)
            results.append(r)
            o, b = r["ours"], r["baseline"]
            print(f"{r['corpus']}: covered ours {o['coverage']}/{o['expected']} vs baseline "
                  f"{b['coverage']}/{b['expected']}; largest theme ours {o['largest_share']:.0%} vs baseline "
                  f"{b['largest_share']:.0%} (with unassigned as a group {o['largest_pile']:.0%} vs "
                  f"{b['largest_pile']:.0%}); themes {o['themes']} vs {b['themes']}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
