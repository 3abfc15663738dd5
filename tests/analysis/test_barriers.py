"""Barrier and enabler detection: evidence, categories and offsets on small texts, and the figures on the
labelled set in tests/data (the issue's 0.8 targets are not met yet; see the floors below)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.analysis.barriers import COLUMNS, BarrierDetector, precision_recall
from workbench.project import Workbench

LABELS = Path(__file__).resolve().parents[1] / "data" / "barrier_labels.csv"
BLOG = """---
title: Notes
kind: blog
---
# Notes

We met on Tuesday in the library and talked about the new leaflet.

## What gets in the way

- Meetings are always in working hours, so carers can't come.
- The papers are full of acronyms.

## What helped

- Paying people a proper hourly rate, the same as staff.
"""


@pytest.fixture(scope="module")
def bar_bench(tmp_path_factory):
    root = tmp_path_factory.mktemp("barriers")
    (root / "corpus").mkdir()
    (root / "corpus" / "notes.md").write_text(BLOG, encoding="utf-8")
    return Workbench(root / "corpus", cache_dir=root / "cache", progress=False)


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


def test_labelled_set_figures(tmp_path):
    """Regression floors on the labelled set, measured 2026-11-22: barriers P 0.96 R 0.65, enablers
    P 0.69 R 0.9. The issue's target (both >= 0.8) is work still to do."""
    labels = pd.read_csv(LABELS)
    barrier = BarrierDetector(cache_dir=tmp_path).detect_texts(labels["text"].tolist())
    p, r = precision_recall(barrier["is_hit"], labels["label"] == "barrier")
    assert p >= 0.9 and r >= 0.6
    enabler = BarrierDetector(kind="enabler", cache_dir=tmp_path).detect_texts(labels["text"].tolist())
    p, r = precision_recall(enabler["is_hit"], labels["label"] == "enabler")
    assert p >= 0.6 and r >= 0.8
