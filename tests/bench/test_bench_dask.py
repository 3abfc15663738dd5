"""The Dask benchmark's rows (benchmarks/bench_dask.py): the ratio is information, identity is the target.
The benchmark itself runs in `make bench`, not here (it starts worker processes and takes minutes)."""
from __future__ import annotations

from benchmarks import bench_dask, suite


def _result(identical: bool) -> dict:
    here = {"start_seconds": 0.0, "annotate_seconds": 20.0, "embed_seconds": 2.0, "total_seconds": 22.5}
    there = {"start_seconds": 6.0, "annotate_seconds": 14.0, "embed_seconds": 1.5, "total_seconds": 22.0}
    return {"words_target": 300_000, "workers": 2, "in_process": here, "dask": there,
            "ratio_dask_to_in_process": 0.978, "ratio_without_start": 0.705,
            "identical_annotations": True, "identical_embeddings": identical}


def test_rows_give_the_ratio_as_information_and_identity_as_the_target():
    rows = bench_dask.checks(_result(True))
    assert rows[0]["size"] == "300k" and rows[0]["status"] == "INFO" and rows[0]["value"].endswith("= 0.978")
    assert rows[-1]["status"] == "PASS"
    assert bench_dask.checks(_result(False))[-1]["status"] == "FAIL"
    assert bench_dask.checks(None) == [] and bench_dask.checks({}) == []


def test_the_suite_table_shows_the_dask_rows():
    rows = suite.checks({}, None, _result(True))
    assert [r["figure"] for r in rows] == [r["figure"] for r in bench_dask.checks(_result(True))]
    assert "LocalCluster(2 workers)" in suite.table(rows)
