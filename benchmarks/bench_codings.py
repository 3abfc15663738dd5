"""The coding store's save cost: one ``code_span`` (one coding saved) with a large store behind it.

The store is filled with ``n_codings`` codings (in one transaction), then ``saves`` single codings are
made with ``code_span`` on the demo corpus, one at a time, each saved before the next, as a person coding
does. The same is measured with a small store, so the two can be compared: the cost should not depend
on the store's size. Run: ``python -m benchmarks.bench_codings [--codings 20000] [--saves 300]``.
"""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Sequence

from .measure import percentile

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "corpora" / "coproduction"


def _fill(store, corpus, n: int, rng: random.Random) -> None:
    from workbench.coding import Coding

    segments = corpus.segments
    batch = []
    for i in range(n):
        seg = segments[rng.randrange(len(segments))]
        batch.append(Coding(doc_id=seg.doc_id, seg_id=seg.seg_id, start_char=seg.start_char, end_char=seg.end_char,
                            codes=[f"code {i % 40}"], coder=f"coder {i % 3}", source="human", memo="m" * 40,
                            text=seg.text))
        if len(batch) == 5000:
            store.add_many(batch)
            batch = []
    store.add_many(batch)


def _time_saves(store, corpus, saves: int, rng: random.Random) -> list[float]:
    segments = corpus.segments
    times = []
    for i in range(saves):
        seg = segments[rng.randrange(len(segments))]
        start = time.perf_counter()
        store.code_span(corpus, seg.seg_id, ["timed"], coder="bench", memo=f"save {i}")
        times.append((time.perf_counter() - start) * 1000)
    return times


def run(n_codings: int = 20_000, saves: int = 300, small: int = 100, work: Path | None = None,
        seed: int = 3) -> dict:
    """Save times (ms) of single ``code_span`` calls with ``n_codings`` and with ``small`` codings stored."""
    from workbench.coding import CodingStore
    from workbench.corpus import load_corpus

    corpus = load_corpus(DEMO)
    rng = random.Random(seed)
    result: dict = {"saves": saves, "corpus": str(DEMO.relative_to(REPO))}
    with tempfile.TemporaryDirectory(prefix="wb-bench-codings-", dir=work) as tmp:
        for label, n in (("small", small), ("large", n_codings)):
            store = CodingStore(Path(tmp) / label)
            start = time.perf_counter()
            _fill(store, corpus, n, rng)
            fill_seconds = time.perf_counter() - start
            _time_saves(store, corpus, 10, rng)  # warm up: connection, page cache
            times = _time_saves(store, corpus, saves, rng)
            result[label] = {"codings_before": n, "fill_seconds": round(fill_seconds, 2),
                             "save_ms_p50": round(percentile(times, 0.5), 3),
                             "save_ms_p95": round(percentile(times, 0.95), 3),
                             "save_ms_max": round(max(times), 3),
                             "codings_after": len(store),
                             "database_mb": round(store.path.stat().st_size / 1e6, 2)}
            store.close()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--codings", type=int, default=20_000)
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.codings, args.saves), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
