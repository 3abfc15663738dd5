"""The whole analysis on a 2-worker LocalCluster gives the same tables as in this process (issue 18)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.compute import from_options
from workbench.config import Config
from workbench.project import Workbench

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "corpora" / "coproduction"

pytestmark = pytest.mark.slow


def analyse(corpus: Path, cache: Path, out: Path, workers: int | None) -> dict:
    config = Config()
    bench = Workbench(corpus, config, cache_dir=cache, progress=False, models_dir=cache / "models")
    with from_options(None, workers, config) as executor:
        bench.runner.executor = executor
        bench.analyse(out)
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_demo_tables_on_a_local_cluster_are_those_made_in_process(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO, corpus, ignore=shutil.ignore_patterns("models"))
    here = analyse(corpus, tmp_path / "cache-here", tmp_path / "here", None)
    there = analyse(corpus, tmp_path / "cache-dask", tmp_path / "dask", 2)
    assert here["compute"]["kind"] == "in_process" and there["compute"]["kind"] != "in_process"
    assert there["annotation_cache"]["document_parts"]["stances"]["computed"] == 9  # every document, on the workers
    tables = sorted(p.name for p in (tmp_path / "here").glob("*.csv"))
    assert "barriers.csv" in tables and "segment_themes.csv" in tables and "saturation.csv" in tables
    assert tables == sorted(p.name for p in (tmp_path / "dask").glob("*.csv"))
    for name in tables:
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
