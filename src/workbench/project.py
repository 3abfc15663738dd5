"""The facade: a corpus, its config and its results in one place. The CLI and notebooks call this."""
from __future__ import annotations

import time
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Iterator

from .annotate import AnnotatedCorpus, Annotator
from .config import Config
from .corpus import Corpus, load_corpus
from .corpus.model import SEGMENT_COLUMNS
from .errors import CorpusError, Errors, WorkbenchError
from .manifest import build_manifest, write_json_atomic


class Workbench:
    """Load a corpus once, annotate it once (cached), run analyses and write their outputs."""

    def __init__(self, corpus_path: str | Path, config: Config | None = None, *, strict: bool = False,
                 cache_dir: str | Path | None = None, progress: bool = True):
        self.corpus_path = Path(corpus_path)
        self.config = config or Config()
        self.strict = strict
        self.cache_dir = cache_dir
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - start

    @cached_property
    def corpus(self) -> Corpus:
        with self._timed("load"):
            cfg = self.config.corpus
            corpus = load_corpus(self.corpus_path, unit=cfg.unit, max_turn_words=cfg.max_turn_words,
                                 max_file_mb=cfg.max_file_mb, strict=self.strict)
        if not corpus.documents:
            raise CorpusError(Errors.E051.format(path=self.corpus_path, n_problems=len(corpus.problems)))
        return corpus

    @cached_property
    def annotator(self) -> Annotator:
        cfg = self.config.annotate
        return Annotator(cfg.model, cfg.components, n_process=cfg.n_process, batch_size=cfg.batch_size,
                         cache_dir=self.cache_dir, progress=self.progress)

    @cached_property
    def annotated(self) -> AnnotatedCorpus:
        corpus = self.corpus
        with self._timed("annotate"):
            return self.annotator.annotate(corpus)

    def analyse(self, out_dir: str | Path) -> dict[str, Path]:
        """Run every analysis and write its tables and ``manifest.json`` into ``out_dir``."""
        out = Path(out_dir)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise WorkbenchError(Errors.E200.format(path=out, detail=err.strerror or err)) from None
        annotated = self.annotated
        written: dict[str, Path] = {}
        with self._timed("write"):
            segments = self.corpus.segments_df()[SEGMENT_COLUMNS]
            written["segments"] = out / "segments.csv"
            segments.to_csv(written["segments"], index=False)
        manifest = build_manifest(
            self.corpus, self.config.to_dict(),
            models={"spacy_pipeline": annotated.pipeline, "spacy_components": ",".join(annotated.components)},
            seeds={"analysis": self.config.analysis.seed},
            timings=self.timings, outputs=[p.name for p in written.values()] + ["manifest.json"],
        )
        manifest["annotation_cache"] = {"parsed_segments": annotated.n_parsed,
                                        "cached_segments": annotated.n_cached,
                                        "rebuilt_entries": annotated.cache_rebuilt}
        written["manifest"] = out / "manifest.json"
        write_json_atomic(written["manifest"], manifest)
        return written
