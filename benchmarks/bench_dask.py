"""Dask against one process (issue 18): a cold run of annotation and embeddings of a generated corpus,
in this process and on a LocalCluster of 2 worker processes, measured in the same run.

Both runs use the fast profile's settings (its components, ``n_process``, batch size and the static
embedding model), each with an empty cache and with the spaCy pipeline and sentence model loaded afresh,
so the cluster's start-up (processes, imports, one model load per worker) is part of its time. The
results are compared too: the annotation cache entries (one DocBin per document) byte for byte, and the
embeddings with ``np.array_equal``.

Run: .venv/bin/python -m benchmarks.bench_dask --words 300000 [--workers 2] [--work /tmp/wb-bench-dask]
(``make bench`` runs it through benchmarks/suite.py, ``--dask-words``).
"""
from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import numpy as np

from .corpus_gen import generate

WORKERS = 2
DEFAULT_WORDS = 300_000


def _fresh_process_state() -> None:
    """Forget the pipelines and models loaded in this process, so each run loads them (a cold run)."""
    from workbench import annotate, embed

    annotate._PIPELINES.clear()
    embed._LOADED.clear()


def _cache_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "annotations").rglob("*.spacy"))}


def _one_run(corpus_dir: Path, cache: Path, models_dir: Path | None, executor_options: dict) -> dict:
    from workbench import compute
    from workbench.annotate import Annotator
    from workbench.config import Config
    from workbench.corpus import load_corpus
    from workbench.project import ANALYSIS_COMPONENTS

    config = Config.from_dict({"profile": "fast"})
    components = list(dict.fromkeys([*config.annotate.components, *ANALYSIS_COMPONENTS]))
    shutil.rmtree(cache, ignore_errors=True)
    _fresh_process_state()
    corpus = load_corpus(corpus_dir, **config.corpus.load_options())
    timings: dict[str, float] = {}
    start = time.perf_counter()
    with compute.open_executor(**executor_options) as executor:
        timings["start_seconds"] = time.perf_counter() - start
        t = time.perf_counter()
        annotator = Annotator(None, components, n_process=config.annotate.n_process,
                              batch_size=config.annotate.batch_size, cache_dir=cache, progress=False)
        annotated = compute.annotate_documents(corpus, annotator, executor)
        timings["annotate_seconds"] = time.perf_counter() - t
        t = time.perf_counter()
        embedded = compute.embed_segments(corpus, config.themes.embedding, executor, models_dir=models_dir,
                                          cache_dir=cache)
        timings["embed_seconds"] = time.perf_counter() - t
        described = executor.describe()
    timings["total_seconds"] = time.perf_counter() - start  # start-up and shut-down included
    return {**{k: round(v, 2) for k, v in timings.items()}, "executor": described,
            "parsed_segments": annotated.n_parsed, "embedded_texts": embedded.n_computed,
            "n_process": config.annotate.n_process if described["kind"] == "in_process" else 1,
            "components": list(annotator.nlp.pipe_names), "embedding": embedded.model_id,
            "_vectors": embedded.vectors, "_segments": len(corpus.segments), "_documents": len(corpus.documents),
            "_words": sum(len(s.text.split()) for s in corpus.segments)}


def run(words: int, work: Path, *, workers: int = WORKERS, seed: int = 13, models_dir: Path | None = None) -> dict:
    """Generate ``words`` words, then the in-process and the LocalCluster cold runs; the ratio of their times."""
    work.mkdir(parents=True, exist_ok=True)
    corpus_dir = work / "corpus"
    shutil.rmtree(corpus_dir, ignore_errors=True)
    generate(words, corpus_dir, seed=seed)
    here = _one_run(corpus_dir, work / "cache-in-process", models_dir, {})
    there = _one_run(corpus_dir, work / "cache-dask", models_dir, {"workers": workers, "workers_timeout": 300})
    same_annotations = _cache_files(work / "cache-in-process") == _cache_files(work / "cache-dask")
    same_embeddings = bool(np.array_equal(here.pop("_vectors"), there.pop("_vectors")))
    result = {"words_target": words, "words": here.pop("_words"), "documents": here.pop("_documents"),
              "segments": here.pop("_segments"), "workers": workers, "in_process": here,
              "dask": {k: v for k, v in there.items() if not k.startswith("_")},
              "ratio_dask_to_in_process": round(there["total_seconds"] / here["total_seconds"], 3),
              "ratio_without_start": round((there["annotate_seconds"] + there["embed_seconds"])
                                           / (here["annotate_seconds"] + here["embed_seconds"]), 3),
              "identical_annotations": same_annotations, "identical_embeddings": same_embeddings}
    for name in ("corpus", "cache-in-process", "cache-dask"):
        shutil.rmtree(work / name, ignore_errors=True)
    return result


def checks(result: dict | None) -> list[dict]:
    """The rows for benchmarks/results.json (``suite.checks`` format): the ratio (no target: INFO) and the
    identity of the results (a target: PASS or FAIL)."""
    if not result or "dask" not in result:
        return []
    from .suite import _row, label

    size = label(int(result["words_target"]))
    here, there = result["in_process"], result["dask"]
    rows = [_row(f"cold annotate+embed: LocalCluster({result['workers']} workers) / in-process (s)", size,
                 f"{there['total_seconds']} / {here['total_seconds']} = {result['ratio_dask_to_in_process']}", "", None),
            _row("  without the cluster's start-up (s)", size,
                 f"{round(there['annotate_seconds'] + there['embed_seconds'], 2)} / "
                 f"{round(here['annotate_seconds'] + here['embed_seconds'], 2)} = {result['ratio_without_start']}",
                 "", None),
            _row("  LocalCluster start-up (s)", size, there["start_seconds"], "", None),
            _row("Dask results identical to in-process (DocBin bytes, embeddings bit for bit)", size,
                 f"annotations {result['identical_annotations']}, embeddings {result['identical_embeddings']}",
                 "identical", result["identical_annotations"] and result["identical_embeddings"])]
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=DEFAULT_WORDS)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--work", default="/tmp/wb-bench-dask")
    parser.add_argument("--models-dir", default=None, help="the models folder (default: models/ of this checkout)")
    parser.add_argument("--json", default=None, help="write the result here")
    args = parser.parse_args(argv)
    result = run(args.words, Path(args.work), workers=args.workers,
                 models_dir=Path(args.models_dir) if args.models_dir else None)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    from .suite import table

    print(table(checks(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
