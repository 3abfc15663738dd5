"""The runner: every registered analysis step, run the same way.

For each step (``workbench.steps``) the runner checks whether the settings switch it off, keys the results
cache on what the step depends on, reuses a stored result or computes it, and records why a step was
skipped. ``analyse`` is the one output path: the tables go through ``workbench.export`` (atomic,
formula-safe CSV files, and a workbook built from the same in-memory tables), then the REFI-QDA files, the
report (from the same results) and ``manifest.json``, which lists every step, its tables, what was reused
and what was skipped, and why.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import catalogue
import pandas as pd

from . import registry
from .compute.executor import Executor, InProcess
from .cache import ResultCache, code_fingerprint, default_cache_dir, file_hash, stable_hash
from .config import check_setting
from .errors import Errors, WorkbenchError
from .steps.base import Frames, Step, StepResult, StepSkipped

if TYPE_CHECKING:  # pragma: no cover
    from .project import Workbench

# Settings that change speed but never results: left out of result keys.
SPEED_ONLY_SETTINGS = {"annotate": ("n_process", "batch_size")}


class Timings(dict):
    """Seconds per step. ``measure`` blocks may nest: time spent in an inner block (annotating, inside the
    first step that needs annotations) counts for the inner block only."""

    def __init__(self) -> None:
        super().__init__()
        self._inner: list[float] = []

    @contextmanager
    def measure(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        self._inner.append(0.0)
        try:
            yield
        finally:
            inner, elapsed = self._inner.pop(), time.perf_counter() - start
            self[name] = self.get(name, 0.0) + elapsed - inner
            if self._inner:
                self._inner[-1] += elapsed


def registered_steps() -> list[Step]:
    """Every registered step, in run order: the workbench's own in their order, then those registered in
    this process, then those of installed packages (by name); a step after the steps it needs."""
    from . import steps  # noqa: F401 -- importing it registers the built-in steps

    found = registry.steps.get_all()
    names = [n for n in found if catalogue.check_exists("workbench", "steps", n)]
    names += sorted(n for n in found if n not in names)
    for name in names:
        if not isinstance(found[name], Step):
            raise WorkbenchError(Errors.E600.format(name=name, got=type(found[name]).__name__))
        if found[name].name != name:
            raise WorkbenchError(Errors.E607.format(name=name, declared=found[name].name))
    order: list[Step] = []

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if any(s.name == name for s in order):
            return
        if name in chain:
            raise WorkbenchError(Errors.E602.format(cycle=" -> ".join((*chain[chain.index(name):], name))))
        for needed in found[name].needs:
            if needed not in found:
                raise WorkbenchError(Errors.E601.format(name=name, needed=needed, known=", ".join(names)))
            visit(needed, (*chain, name))
        order.append(found[name])

    for name in names:
        visit(name, ())
    writers: dict[str, str] = {}
    for one in order:
        for table in one.tables:
            if writers.setdefault(table.name, one.name) != one.name:
                raise WorkbenchError(Errors.E603.format(name=one.name, table=table.name, other=writers[table.name]))
    return order


def _merge(into: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


class Runner:
    """Runs the registered steps for one Workbench and keeps what they found."""

    def __init__(self, bench: Workbench):
        self.bench = bench
        self.results = ResultCache(Path(bench.cache_dir) if bench.cache_dir is not None else default_cache_dir())
        self.steps = {s.name: s for s in registered_steps()}
        self.reused: list[str] = []  # steps whose results came from the results cache
        self.skipped: dict[str, str] = {}  # step or output -> why it was not made
        self._kept: dict[str, StepResult] = {}
        self._fitted: dict[str, Any] = {}
        self._meta: dict = {}  # how reused results were made (the spaCy pipeline)
        self.executor: Executor = InProcess()  # where per-document work runs (``compute.from_options``: Dask)

    # -- pieces the steps share ---------------------------------------------------------------------
    def fitted(self, name: str, build: Callable[[], Any]) -> Any:
        """A model several steps (and the notebooks) share, built once: the phrase miner, the detectors."""
        if name not in self._fitted:
            self._fitted[name] = build()
        return self._fitted[name]

    def shared(self, name: str) -> Any | None:
        """A shared model if it was built in this session (``fitted``), else None."""
        return self._fitted.get(name)

    def options(self, name: str) -> dict[str, Any]:
        """The step's own settings: its defaults with ``[steps.<name>]`` of the config over them."""
        step = self._step(name)
        given = self.bench.config.steps.get(name, {})
        for key in given:
            if key not in step.options:
                raise WorkbenchError(Errors.E605.format(name=name, key=key, known=", ".join(step.options) or "none"))
        return {key: check_setting(f"steps.{name}", key, given.get(key, default), default)
                for key, default in step.options.items()}

    # -- results --------------------------------------------------------------------------------------
    def _step(self, name: str) -> Step:
        if name not in self.steps:
            raise WorkbenchError(Errors.E606.format(name=name, known=", ".join(self.steps)))
        return self.steps[name]

    def key(self, step: Step) -> str | None:
        """A hash of everything the step's result depends on: the corpus files, the corpus, annotation and
        ``step.settings`` sections, its options, the files it reads, ``step.key``, package versions and the
        workbench code. None when the result is not to be kept."""
        bench = self.bench
        if not step.cache or not bench.reuse_results:
            return None
        from .manifest import package_versions

        settings = {}
        for section in ("corpus", "annotate", "analysis", *step.settings):
            values = dict(getattr(bench.config, section).__dict__)
            for speed_only in SPEED_ONLY_SETTINGS.get(section, ()):
                values.pop(speed_only, None)
            settings[section] = values
        return stable_hash({"step": step.name, "settings": settings, "options": self.options(step.name),
                            "files": {str(f): file_hash(f) for f in step.files(bench.config) if f},
                            "extra": step.key(bench) if step.key else {}, "corpus": bench.corpus.file_hashes(),
                            "code": code_fingerprint(), "packages": package_versions()})

    def result(self, name: str) -> StepResult:
        """The step's result: kept from earlier in this session, reused from the results cache, or computed
        (after the steps it needs). A step switched off or not applicable says why in ``skipped``."""
        step = self._step(name)
        if name in self._kept:
            return self._kept[name]
        off = step.off(self.bench.config)
        if off:
            self.skipped[name] = off
            return StepResult(step, skipped=off)
        for needed in step.needs:
            self.result(needed)
        with self.bench.timings.measure(name):
            key = self.key(step)
            hit = self.results.get(name, key) if key else None
        if hit is not None:
            frames, meta = hit
            result = StepResult(step, frames, meta.get("skipped"), reused=True)
            self.reused.append(name)
            self._meta = {k: v for k, v in meta.items() if k != "skipped"} or self._meta
        else:
            result = self._compute(step)
            if key:
                with self.bench.timings.measure(name):
                    self.results.put(name, key, result.frames,
                                           meta={**self.pipeline_info(annotate=False), "skipped": result.skipped})
        if result.skipped:
            self.skipped[name] = result.skipped
        if step.cache:
            self._kept[name] = result
        return result

    def _compute(self, step: Step) -> StepResult:
        try:
            with self.bench.timings.measure(step.name):
                frames = step.compute(self.bench)
        except StepSkipped as why:
            return StepResult(step, skipped=str(why))
        if not isinstance(frames, dict) or not all(isinstance(f, pd.DataFrame) for f in frames.values()):
            got = f"a dict holding a {next(type(f).__name__ for f in frames.values() if not isinstance(f, pd.DataFrame))}" \
                if isinstance(frames, dict) else f"a {type(frames).__name__}"
            raise WorkbenchError(Errors.E604.format(name=step.name, got=got))
        return StepResult(step, frames)

    def run(self) -> dict[str, StepResult]:
        """Every step's result, in run order."""
        return {name: self.result(name) for name in self.steps}

    def pipeline_info(self, annotate: bool = True) -> dict[str, str]:
        """The spaCy pipeline and components the results came from: from the pipeline when documents were
        annotated in this session, else from reused results ({} when neither is there and ``annotate`` is
        False; with ``annotate``, the pipeline is loaded for its name)."""
        bench = self.bench
        lazy = self.shared("annotations")
        annotated_here = bench.has_annotations or (lazy is not None and bool(lazy.loaded))
        if not annotated_here and self._meta.get("spacy_pipeline"):
            return {k: self._meta[k] for k in ("spacy_pipeline", "spacy_components")}
        if not annotate and not annotated_here:
            return {}
        from .annotate import pipeline_id

        nlp = bench.annotator.nlp  # the pipeline itself: the documents need not be annotated for its name
        return {"spacy_pipeline": pipeline_id(nlp), "spacy_components": ",".join(nlp.pipe_names)}

    # -- the one output path --------------------------------------------------------------------------
    def analyse(self, out_dir: str | Path) -> dict[str, Path]:
        """Run every step and write its tables, the exports, ``report.html`` and ``manifest.json`` into
        ``out_dir``; returns table or file name -> path."""
        from .export.tables import write_csvs

        bench, out = self.bench, Path(out_dir)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise WorkbenchError(Errors.E200.format(path=out, detail=err.strerror or err)) from None
        self.skipped = {}
        results: dict[str, StepResult] = {}
        tables: Frames = {}
        written: dict[str, Path] = {}
        for name in self.steps:  # each step's tables are on disk as soon as it is done
            results[name] = self.result(name)
            new = results[name].tables()
            if new:
                with bench.timings.measure("write"):
                    written.update(write_csvs({n: f.reset_index(drop=True) for n, f in new.items()}, out))
                tables.update(new)
        with bench.timings.measure("export"):
            written.update(self.export(out, tables, written))
        manifest = self.manifest(results, written)
        written["report"] = out / "report.html"
        with bench.timings.measure("report"):
            bench.write_report(written["report"], results=results,
                               manifest={k: v for k, v in manifest.items() if k != "created"})
        manifest["timings_seconds"]["report"] = round(bench.timings["report"], 3)  # after the report was written
        written["manifest"] = out / "manifest.json"
        from .manifest import write_json_atomic

        write_json_atomic(written["manifest"], manifest)
        return written

    def export(self, out: Path, tables: Frames, csvs: dict[str, Path]) -> dict[str, Path]:
        """The tables as one XLSX workbook (from the in-memory tables), the codebook as REFI-QDA ``.qdc``, and a
        REFI-QDA ``.qdpx`` project (texts, codebook, accepted codings and, unless ``[export] machine_suggestions``
        is off, the barrier and enabler hits and pending suggestions). A workbook or project made from the same
        inputs before is copied from the results cache."""
        from .export import write_qdc, write_qdpx
        from .export.refi import codings_from_hits
        from .export.tables import write_workbook

        bench, cfg = self.bench, self.bench.config.export
        written = {"codebook_qdc": out / "codebook.qdc"}
        if cfg.workbook:
            key = {"max_rows": cfg.workbook_max_rows, "tables": {name: file_hash(path) for name, path in csvs.items()}}
            written["workbook"] = self._reused_file(
                "workbook", key, out / "tables.xlsx",
                lambda dest: write_workbook(tables, dest, cfg.workbook_max_rows, {n: p.name for n, p in csvs.items()}))
        else:
            (out / "tables.xlsx").unlink(missing_ok=True)  # not an older run's workbook beside new tables
            self.skipped["tables.xlsx"] = "[export] workbook = false (the CSV files hold every table)"
        write_qdc(bench.codebook, written["codebook_qdc"])
        hits = [n for n in ("barriers", "enablers") if n in tables] if cfg.machine_suggestions else []
        name = bench.corpus_path.resolve().name
        key = {"corpus": bench.corpus.file_hashes(), "name": name, "codebook": file_hash(bench.config.coding.codebook_file),
               "codings": bench.codings.load().fingerprint(), "hits": {n: file_hash(csvs[n]) for n in hits},
               "suggestions": cfg.machine_suggestions}

        def write_project(dest: Path) -> Path:
            codings = bench.codings.all() if cfg.machine_suggestions else bench.codings.all(status="accepted")
            suggested = [c for n in hits for c in codings_from_hits(tables[n])]
            return write_qdpx(bench.corpus, bench.codebook, codings, dest, suggestions=suggested, project_name=name,
                              author="workbench")

        try:
            written["project_qdpx"] = self._reused_file("project", key, out / "project.qdpx", write_project)
        except WorkbenchError as err:  # codings that no longer fit an edited document: say so, go on
            self.skipped["project.qdpx"] = str(err)
        return written

    def _reused_file(self, step: str, inputs: dict, dest: Path, write: Callable[[Path], Any]) -> Path:
        """``dest`` copied from the results cache when made from the same ``inputs`` (and workbench code)
        before, else ``write(dest)`` and kept for next time."""
        results = self.results
        key = stable_hash({"code": code_fingerprint(), **inputs}) if self.bench.reuse_results else None
        if key and results.get_file(step, key, dest.suffix, dest):
            return dest
        write(dest)
        if key:
            results.put_file(step, key, dest.suffix, dest)
        return dest

    def manifest(self, results: dict[str, StepResult], written: dict[str, Path]) -> dict:
        """manifest.json: inputs, versions, settings, seeds and timings (``build_manifest``), then what each step
        adds, every step with its tables, what was skipped and why, and what was reused."""
        from .manifest import build_manifest

        bench = self.bench
        manifest = build_manifest(bench.corpus, bench.config.to_dict(), models=self.pipeline_info(),
                                  seeds={"analysis": bench.config.analysis.seed}, timings=bench.timings,
                                  outputs=[p.name for p in written.values()] + ["manifest.json", "report.html"])
        manifest["skipped"] = dict(self.skipped)
        for result in results.values():
            if result.step.manifest and not result.skipped:
                _merge(manifest, result.step.manifest(bench, result))
        manifest["steps"] = {name: {"tables": list(r.tables()), "reused": r.reused,
                                    **({"skipped": r.skipped} if r.skipped else {})} for name, r in results.items()}
        lazy = self.shared("annotations")
        if bench.has_annotations:
            annotated = bench.annotated
            manifest["annotation_cache"] = {"parsed_segments": annotated.n_parsed, "cached_segments": annotated.n_cached,
                                            "rebuilt_entries": annotated.cache_rebuilt}
        elif lazy is not None:  # only the documents without per-document parts were annotated
            manifest["annotation_cache"] = lazy.stats()
        else:
            manifest["annotation_cache"] = {"parsed_segments": 0, "cached_segments": 0, "rebuilt_entries": [],
                                            "not_needed": "every table was reused from the results cache"}
        manifest["results_reused"] = sorted(set(self.reused))
        manifest["compute"] = self.executor.describe()
        return manifest
