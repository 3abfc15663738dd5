"""A small smoke run of the benchmark code (the real benchmark is `make bench`, not part of the tests)."""
from __future__ import annotations

from pathlib import Path

from benchmarks.bench_concordance import run
from benchmarks.corpus_gen import generate
from workbench.corpus import load_corpus


def test_generator_is_deterministic_and_varied(tmp_path):
    a = generate(3000, tmp_path / "a", seed=5)
    b = generate(3000, tmp_path / "b", seed=5)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.*"))
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*.*"))
    assert all((a / f).read_text() == (b / f).read_text() for f in files_a)
    texts = [(a / f).read_text() for f in files_a]
    assert len(set(texts)) == len(texts)
    corpus = load_corpus(a)
    assert corpus.problems == [] and sum(d.n_words for d in corpus.documents) >= 2500


def test_benchmark_runs_on_a_tiny_corpus(tmp_path):
    result = run(2000, queries=20, n_process=1, cache_dir=Path(tmp_path))
    assert result["tokens"] > 1500 and result["queries"] == 20
    assert result["word_query_ms_p95"] >= result["word_query_ms_p50"] > 0
