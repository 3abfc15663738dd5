"""Concordance benchmark: index build time and word-query latency (p50/p95) on a generated corpus.

Run: .venv/bin/python -m benchmarks.bench_concordance [--words 1000000]   (or `make bench`)
Latency is measured here, not in tests: these machines are shared and noisy.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from workbench.analysis.concordance import Concordance
from workbench.analysis.tokens import TokenTable
from workbench.annotate import Annotator
from workbench.corpus import load_corpus

from .corpus_gen import generate
from .inprocess import concordance_latency

COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")


def run(words: int, queries: int = 300, seed: int = 13, n_process: int = 2, cache_dir: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        folder = generate(words, Path(tmp) / "corpus", seed=seed)
        corpus = load_corpus(folder)
        t = time.perf_counter()
        annotated = Annotator(None, COMPONENTS, n_process=n_process, batch_size=256,
                              cache_dir=cache_dir or Path(tmp) / "cache", progress=False).annotate(corpus)
        annotate_s = time.perf_counter() - t
        t = time.perf_counter()
        table = TokenTable.from_annotated(annotated)
        concordance = Concordance().fit(table)
        index_s = time.perf_counter() - t
        latency = concordance_latency(concordance, queries, seed)
    return {
        "words_generated": words, "documents": len(corpus.documents), "segments": len(corpus.segments),
        "tokens": table.n_tokens(), "annotate_seconds": round(annotate_s, 2),
        "index_build_seconds": round(index_s, 2), **latency,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results_concordance.json")))
    args = parser.parse_args()
    result = run(args.words, args.queries, cache_dir=Path(__file__).with_name(".cache"))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    target = "< 50 ms at 1M words"
    print(f"\nword query p95 {result['word_query_ms_p95']} ms (target: {target})")


if __name__ == "__main__":
    main()
