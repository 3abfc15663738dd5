"""The in-process figures of one corpus, measured side by side in one process (run it as a child).

- annotation: our Annotator (cold cache, then warm) against plain ``nlp.pipe`` on the same texts
  with the same components, n_process and batch size, in the order plain, ours, ours, plain so that
  a noisy neighbour hits both alike; tokens per second and the ratio ours / plain;
- embeddings per second for each backend (static on every segment, MiniLM on a sample);
- token table, phrase mining, theme fit (on precomputed static embeddings) and one stability refit;
- concordance index build and word-query latency (p50 / p95 over random vocabulary words).

Run: .venv/bin/python -m benchmarks.inprocess CORPUS --models-dir DIR --json OUT.json
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from workbench.config import PROFILES
from workbench.corpus import load_corpus
from workbench.corpus.model import Corpus

from .measure import median, percentile

ANALYSIS_COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")  # as Workbench adds them


def fast_components() -> list[str]:
    """The components the fast profile runs (its own plus those the analyses need), as Workbench does."""
    return list(dict.fromkeys([*PROFILES["fast"]["annotate"]["components"], *ANALYSIS_COMPONENTS]))


def sub_corpus(corpus: Corpus, max_words: int | None) -> Corpus:
    """The first documents of ``corpus`` up to about ``max_words`` words (all of it when None)."""
    if not max_words:
        return corpus
    chosen, words = [], 0
    for doc in corpus.documents:
        if words >= max_words:
            break
        chosen.append(doc)
        words += doc.n_words
    ids = {d.doc_id for d in chosen}
    return Corpus(corpus.root, chosen, [s for s in corpus.segments if s.doc_id in ids], unit=corpus.unit)


def plain_pipeline(components: Sequence[str]):
    """spaCy loaded the plain way: ``spacy.load(name, exclude=...)`` with the same components enabled."""
    import spacy

    from workbench.annotate import FALLBACK_MODELS, with_requirements

    wanted = with_requirements(components)
    others = [c for c in ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner", "senter")
              if c not in wanted]
    for name in FALLBACK_MODELS:
        try:
            nlp = spacy.load(name, exclude=others)
        except (OSError, ImportError):
            continue
        for component in wanted:
            if component in nlp.disabled:
                nlp.enable_pipe(component)
        return nlp
    raise RuntimeError("no spaCy English pipeline installed")


def annotation(corpus: Corpus, components: Sequence[str], n_process: int, batch_size: int, work: Path,
               max_words: int | None) -> dict:
    """Tokens per second of plain ``nlp.pipe`` and of our Annotator (cold and warm cache)."""
    from workbench.annotate import Annotator

    sub = sub_corpus(corpus, max_words)
    texts = [s.text for s in sub.segments]
    t = time.perf_counter()
    plain = plain_pipeline(components)
    plain_load = time.perf_counter() - t
    t = time.perf_counter()
    ours = Annotator(None, components, n_process=n_process, batch_size=batch_size, progress=False,
                     cache_dir=work / "annotate-0")
    ours.nlp
    ours_load = time.perf_counter() - t
    assert plain.pipe_names == ours.nlp.pipe_names, (plain.pipe_names, ours.nlp.pipe_names)
    seconds = {"plain": 0.0, "ours": 0.0}
    tokens = {"plain": 0, "ours": 0}
    for k, who in enumerate(("plain", "ours", "ours", "plain")):
        t = time.perf_counter()
        if who == "plain":
            docs = list(plain.pipe(texts, batch_size=batch_size, n_process=n_process))
            n = sum(len(d) for d in docs)
        else:
            ours.cache_dir = work / f"annotate-{k}"
            annotated = ours.annotate(sub)
            n = sum(len(d) for d in annotated.docs.values())
        seconds[who] += time.perf_counter() - t
        tokens[who] += n
        docs = annotated = None  # noqa: F841 - free the docs before the next run
    t = time.perf_counter()
    warm = ours.annotate(sub)
    warm_s = time.perf_counter() - t
    n_warm = sum(len(d) for d in warm.docs.values())
    for k in range(4):
        shutil.rmtree(work / f"annotate-{k}", ignore_errors=True)
    plain_tps, ours_tps = tokens["plain"] / seconds["plain"], tokens["ours"] / seconds["ours"]
    return {"annotate_words": sum(d.n_words for d in sub.documents), "annotate_segments": len(texts),
            "components": list(ours.nlp.pipe_names), "n_process": n_process, "batch_size": batch_size,
            "plain_load_seconds": round(plain_load, 2), "ours_load_seconds": round(ours_load, 2),
            "plain_tokens_per_s": round(plain_tps), "ours_tokens_per_s": round(ours_tps),
            "ours_vs_plain": round(ours_tps / plain_tps, 3), "warm_tokens_per_s": round(n_warm / warm_s),
            "warm_parsed_segments": warm.n_parsed}


def embeddings(texts: list[str], models_dir: Path, backends: Sequence[str], minilm_sample: int,
               seed: int) -> tuple[dict, object]:
    """Texts per second of each backend (model load timed apart); returns the static vectors too."""
    from workbench.embed import make_embedder

    out: dict = {}
    vectors = None
    for backend in backends:
        sample = texts if backend == "static" else random.Random(seed).sample(texts, min(minilm_sample, len(texts)))
        t = time.perf_counter()
        embedder = make_embedder(backend, models_dir)
        embedder.model
        load = time.perf_counter() - t
        t = time.perf_counter()
        encoded = embedder.encode(sample)
        seconds = time.perf_counter() - t
        out[backend] = {"texts": len(sample), "load_seconds": round(load, 2), "seconds": round(seconds, 3),
                        "texts_per_s": round(len(sample) / seconds, 1)}
        if backend == "static" or vectors is None and len(sample) == len(texts):
            vectors = encoded
    return out, vectors


def concordance_latency(concordance, queries: int, seed: int) -> dict:
    """Word-query latency in ms over random vocabulary words, and the most common word's."""
    vocabulary = sorted(w for w in concordance.index_["lower"] if w.isalpha())
    sample = random.Random(seed).sample(vocabulary, k=min(queries, len(vocabulary)))
    concordance.query(sample[0], "word")  # the query tokenizer is loaded once, not timed
    latencies = []
    for word in sample:
        t = time.perf_counter()
        concordance.query(word, "word")
        latencies.append((time.perf_counter() - t) * 1000)
    common = max(vocabulary, key=lambda w: len(concordance.index_["lower"][w]))
    t = time.perf_counter()
    hits = len(concordance.query(common, "word"))
    common_ms = (time.perf_counter() - t) * 1000
    return {"queries": len(latencies), "vocabulary": len(vocabulary),
            "word_query_ms_p50": round(median(latencies), 3), "word_query_ms_p95": round(percentile(latencies, 0.95), 3),
            "most_common_word": common, "most_common_word_hits": hits, "most_common_word_ms": round(common_ms, 1)}


def run(corpus_path: Path, models_dir: Path, *, n_process: int = 2, batch_size: int = 256,
        annotate_max_words: int | None = 150_000, backends: Sequence[str] = ("static", "minilm"),
        minilm_sample: int = 128, queries: int = 300, seed: int = 13, themes: bool = True,
        annotation_cache: Path | None = None) -> dict:
    """Every in-process figure of the corpus at ``corpus_path``. ``annotation_cache``: an annotation cache
    to read the whole corpus from (e.g. the one a cold ``workbench analyse`` filled), else parsed here."""
    from workbench.analysis.concordance import Concordance
    from workbench.analysis.phrases import PhraseMiner
    from workbench.analysis.themes import ThemeModel
    from workbench.analysis.tokens import TokenTable
    from workbench.annotate import Annotator

    result: dict = {}
    t = time.perf_counter()
    corpus = load_corpus(corpus_path)
    result["load_seconds"] = round(time.perf_counter() - t, 3)
    result["documents"], result["segments"] = len(corpus.documents), len(corpus.segments)
    result["words"] = sum(d.n_words for d in corpus.documents)
    components = fast_components()
    with tempfile.TemporaryDirectory(prefix="wb-inproc-") as tmp:
        work = Path(tmp)
        result["annotation"] = annotation(corpus, components, n_process, batch_size, work, annotate_max_words)
        annotated = Annotator(None, components, n_process=n_process, batch_size=batch_size, progress=False,
                              cache_dir=annotation_cache or work / "full").annotate(corpus)
        result["tokens"] = sum(len(d) for d in annotated.docs.values())
        t = time.perf_counter()
        table = TokenTable.from_annotated(annotated)
        result["token_table_seconds"] = round(time.perf_counter() - t, 3)
        del annotated
    t = time.perf_counter()
    miner = PhraseMiner(2, 8, 3, 1).fit(table)
    result["phrases_seconds"] = round(time.perf_counter() - t, 3)
    result["phrases_found"] = len(miner.phrases_)
    del miner
    t = time.perf_counter()
    concordance = Concordance().fit(table)
    result["concordance_index_seconds"] = round(time.perf_counter() - t, 3)
    result["concordance"] = concordance_latency(concordance, queries, seed)
    del concordance
    texts = [st.segment.text for st in table.segments]
    result["embeddings"], vectors = embeddings(texts, models_dir, backends, minilm_sample, seed)
    if themes and vectors is not None:
        backend = "static" if "static" in backends else backends[0]
        model = ThemeModel(backend, seed=42, models_dir=models_dir)
        t = time.perf_counter()
        model.fit(table, embeddings=vectors)
        result["theme_fit_seconds"] = round(time.perf_counter() - t, 3)
        result["themes_found"] = len(model.themes_)
        t = time.perf_counter()
        rows = np.flatnonzero(model.long_enough(texts))
        model.cluster_labels(model.embeddings_[rows[: int(len(rows) * 0.8)]])  # one stability refit's work
        result["theme_refit_seconds"] = round(time.perf_counter() - t, 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--json", required=True)
    parser.add_argument("--annotate-max-words", type=int, default=150_000,
                        help="words of the corpus for the ours-vs-plain comparison (0: all)")
    parser.add_argument("--annotation-cache", help="read the whole corpus's annotations from this cache")
    parser.add_argument("--backends", default="static,minilm")
    parser.add_argument("--minilm-sample", type=int, default=128)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--no-themes", action="store_true")
    args = parser.parse_args()
    result = run(Path(args.corpus), Path(args.models_dir), n_process=args.n_process,
                 annotate_max_words=args.annotate_max_words or None,
                 backends=[b for b in args.backends.split(",") if b], minilm_sample=args.minilm_sample,
                 queries=args.queries, themes=not args.no_themes,
                 annotation_cache=Path(args.annotation_cache) if args.annotation_cache else None)
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
