"""A small smoke run of the benchmark code (the real benchmark is `make bench`, not part of the tests).

Tiny sizes, no timing assertions: these machines are shared and noisy. No static model is needed
(themes and barriers are switched off, and MiniLM is the only embedding backend here).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from benchmarks import bench_codings, inprocess, suite
from benchmarks.bench_concordance import run as run_concordance
from benchmarks.corpus_gen import generate
from benchmarks.measure import percentile, run_measured
from workbench.corpus import load_corpus


def test_generator_is_deterministic_and_varied(tmp_path):
    a = generate(8000, tmp_path / "a", seed=5)
    b = generate(8000, tmp_path / "b", seed=5)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.*"))
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*.*"))
    assert all((a / f).read_text() == (b / f).read_text() for f in files_a)
    texts = [(a / f).read_text() for f in files_a]
    assert len(set(texts)) == len(texts)
    corpus = load_corpus(a)
    assert corpus.problems == [] and corpus.warnings == []
    assert sum(d.n_words for d in corpus.documents) >= 8000
    assert {d.kind for d in corpus.documents} == {"transcript", "blog"}
    transcripts = [d for d in corpus.documents if d.kind == "transcript"]
    assert all(len(d.speaker_roles) >= 4 for d in transcripts)  # roles from metadata.csv
    segments = [s.text for s in corpus.segments if len(s.text.split()) > 12]
    assert len(set(segments)) > 0.9 * len(segments)  # varied within documents too, not whole turns copied
    assert generate(8000, tmp_path / "c", seed=6).joinpath(files_a[-1]).read_text() != texts[-1]


def test_measure_reports_time_and_memory(tmp_path):
    result = run_measured([sys.executable, "-c", "x = bytearray(30_000_000); print('ok')"], log=tmp_path / "log")
    assert result["returncode"] == 0 and (tmp_path / "log").read_text().strip() == "ok"
    assert result["seconds"] > 0 and result["max_rss_mb"] >= 30
    assert percentile([1, 2, 3, 4, 5], 0.5) == 3 and percentile([5, 1], 0.95) == 5


def test_concordance_benchmark_runs_on_a_tiny_corpus(tmp_path):
    result = run_concordance(2000, queries=20, n_process=1, cache_dir=Path(tmp_path))
    assert result["tokens"] > 1500 and result["queries"] == 20
    assert result["word_query_ms_p95"] >= result["word_query_ms_p50"] > 0


@pytest.mark.slow
def test_suite_runs_end_to_end_on_a_tiny_corpus(tmp_path):
    config = suite.FAST_CONFIG + "[themes]\nenabled = false\n[barriers]\nenabled = false\n"
    out = tmp_path / "results.json"
    # The cold and warm `workbench analyse` runs in child processes, as in `make bench`; the in-process
    # figures are measured here directly (the suite runs benchmarks/inprocess.py as a third child).
    results = suite.run([2500], tmp_path / "work", out, config_text=config, use_static=False, inprocess_args=None,
                        keep=True, codings=300)
    assert results["coding_store"]["large"]["codings_before"] == 300
    size = results["sizes"]["2500"]
    assert size["cold"]["returncode"] == 0 and size["warm"]["returncode"] == 0, size
    # The warm re-run reused every finished table, so it did not even need the annotations.
    assert size["cold"]["annotation_cache"]["parsed_segments"] > 0 and size["cold"]["results_reused"] == []
    assert size["warm"]["results_reused"] == ["keyness", "phrases"]  # themes and barriers are off here
    assert size["warm"]["annotation_cache"]["parsed_segments"] == 0
    assert size["warm"]["annotation_cache"]["not_needed"]
    assert {"annotate", "phrases"} <= set(size["cold"]["steps"])
    assert size["cold"]["max_rss_mb"] > 50 and size["cold"]["user_cpu_seconds"] > 0
    saved = json.loads(out.read_text())["sizes"]["2500"]
    assert saved["complete"] is True and saved["cold"]["seconds"] == size["cold"]["seconds"]

    work = tmp_path / "work" / "2k"
    inproc = inprocess.run(work / "corpus", work / "models", n_process=1, backends=["minilm"], minilm_sample=4,
                           queries=10, themes=False, annotation_cache=work / "cache")
    assert inproc["annotation"]["warm_parsed_segments"] == 0 and inproc["annotation"]["ours_vs_plain"] > 0
    assert inproc["annotation"]["components"] == ["tok2vec", "tagger", "senter", "attribute_ruler", "lemmatizer"]
    assert inproc["embeddings"]["minilm"]["texts"] == 4 and inproc["concordance"]["queries"] == 10
    assert inproc["tokens"] > 2500 and inproc["phrases_found"] > 0  # generated from the demo: phrases recur

    rows = suite.checks({"2500": {**size, "inprocess": inproc}})
    assert {r["status"] for r in rows} <= {"PASS", "FAIL", "INFO"}
    figures = {r["figure"] for r in rows}
    assert {"annotation: ours vs plain nlp.pipe (tokens/s)", "concordance word query p95 (ms)",
            "warm re-run / cold", "peak memory, cold analyse (MB)", "embeddings/s: minilm"} <= figures
    assert all(r["target"] for r in rows if r["status"] != "INFO")  # every PASS/FAIL names its target
    lines = suite.table(rows).splitlines()
    assert len(lines) == len(rows) + 2  # a header, a rule, then one line per figure with its status last
    for row, line in zip(rows, lines[2:]):
        assert line.startswith(row["figure"]) and line.endswith(row["status"]), line


def test_coding_store_benchmark_runs_on_a_small_store(tmp_path):
    result = bench_codings.run(n_codings=300, saves=5, small=10, work=tmp_path)
    for label, before in (("small", 10), ("large", 300)):
        figures = result[label]
        assert figures["codings_before"] == before and figures["codings_after"] == before + 5 + 10  # + warm-up
        assert figures["save_ms_max"] >= figures["save_ms_p95"] >= figures["save_ms_p50"] > 0
    assert list(tmp_path.iterdir()) == []  # the stores were temporary
    rows = suite.checks({}, {**result, "machine": {}})
    assert [r["figure"] for r in rows][:2] == ["coding store: one save (code_span) p95 (ms)",
                                               "coding store: one save p50 / max (ms)"]
    assert rows[0]["target"] == "< 10" and rows[0]["size"] == "300 codings"
    failing = {**result, "large": {**result["large"], "save_ms_p95": 12.5}}
    assert suite.checks({}, failing)[0]["status"] == "FAIL"


def test_checks_compute_growth_and_targets():
    def size(seconds, p95):
        return {"cold": {"seconds": seconds, "steps": {"annotate": seconds / 2, "phrases": seconds / 4},
                         "peak_tree_pss_mb": 900.0, "max_rss_mb": 700.0},
                "warm": {"seconds": seconds / 20, "steps": {"annotate": 0.5}},
                "inprocess": {"concordance": {"word_query_ms_p50": 1.0, "word_query_ms_p95": p95, "queries": 5,
                                              "most_common_word": "the", "most_common_word_hits": 9,
                                              "most_common_word_ms": 3.0}}}
    rows = suite.checks({"100000": size(60.0, 5.0), "1000000": size(600.0, 80.0)})
    by = {(r["figure"], r["size"]): r for r in rows}
    assert by[("cold analyse total time growth", "100k->1M")]["status"] == "PASS"  # 10x <= 12x
    assert by[("cold analyse, fast profile (s)", "1M")]["status"] == "FAIL"  # 600 s > 360 s
    assert by[("concordance word query p95 (ms)", "1M")]["status"] == "FAIL"
    assert by[("concordance word query p95 (ms)", "100k")]["status"] == "PASS"
    assert by[("warm re-run / cold", "1M")]["status"] == "PASS"
    assert by[("peak memory, cold analyse (MB)", "1M")]["status"] == "PASS"
