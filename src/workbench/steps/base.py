"""What an analysis step is: its settings, its inputs, its compute function and its output tables.

A step is declared once, with the ``step`` decorator around its compute function, and registered in
``workbench.registry.steps`` (spaCy's ``Language.factory`` is the model). The runner (``workbench.runner``)
does the rest for every step alike: it keys the results cache on the step's inputs, computes what changed,
writes the tables through ``workbench.export``, records the step in the manifest (and why it was skipped),
and hands the results to the report and the dashboard. A new analysis is one new file plus its tests::

    from workbench.steps import Table, step

    @step("word_counts", tables=[Table("word_counts", "counts")], title="Words per document")
    def word_counts(bench):
        frame = bench.corpus.documents_df()[["doc_id", "words"]]
        return {"counts": frame}

``bench`` is the ``Workbench``: the corpus, config, annotations (``bench.annotated``, ``bench.tokens``) and
other steps' results (``bench.result("phrases")``, for steps named in ``needs``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import pandas as pd

from .. import registry

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..project import Workbench

Frames = dict[str, pd.DataFrame]


class StepSkipped(Exception):
    """Raised by a compute function when its step does not apply to this corpus; the message says why in
    plain words (it goes to the manifest and the report). The rest of the analysis goes on."""


@dataclass(frozen=True)
class Table:
    """An output table: written as ``<name>.csv`` (and a sheet of the workbook) from the step's ``frame``,
    with ``columns`` in that order (None: all of them). ``when_empty=False``: not written without rows."""

    name: str
    frame: str
    columns: Sequence[str] | None = None
    when_empty: bool = True

    def of(self, frames: Frames) -> pd.DataFrame | None:
        frame = frames.get(self.frame)
        if frame is None or (not self.when_empty and frame.empty):
            return None
        return frame[list(self.columns)] if self.columns is not None else frame


def _no_files(config: Config) -> list:
    return []


def _always_on(config: Config) -> str | None:
    return None


@dataclass(frozen=True)
class Step:
    """One analysis, as the runner sees it.

    - ``compute(bench) -> {name: DataFrame}``: the result (raise ``StepSkipped`` when it does not apply).
    - ``tables``: which frames are written as output tables.
    - ``settings``: the config sections that shape the result (``corpus``, ``annotate`` and ``analysis`` always
      do); ``options``: a step's own settings with their defaults, set in ``[steps.<name>]`` of the config and
      read with ``bench.runner.options(name)``. With ``files(config)`` (files it reads: families, codebook),
      ``key(bench)`` (anything else: an embedding model's id), the corpus files, package versions and the
      workbench code, they key the results cache.
    - ``needs``: steps whose results ``compute`` reads; they run first.
    - ``cache``: keep results by that key (False for cheap steps, and for steps that keep their own state).
    - ``off(config)``: why the step is switched off by the settings, or None.
    - ``manifest(bench, result)``: what the step adds to manifest.json (merged into it).
    - ``title``, ``description``: how the report names a step it has no section of its own for;
      ``report=False`` for steps the report shows in its own sections (or not at all).
    """

    name: str
    compute: Callable[[Workbench], Frames]
    tables: tuple[Table, ...] = ()
    settings: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    files: Callable[[Config], Iterable[Any]] = _no_files
    key: Callable[[Workbench], dict] | None = None
    needs: tuple[str, ...] = ()
    cache: bool = True
    off: Callable[[Config], str | None] = _always_on
    manifest: Callable[[Workbench, StepResult], dict] | None = None
    title: str = ""
    description: str = ""
    report: bool = True


@dataclass
class StepResult:
    """A step's frames, or why it was skipped; ``reused`` when they came from the results cache."""

    step: Step
    frames: Frames = field(default_factory=dict)
    skipped: str | None = None
    reused: bool = False

    @property
    def name(self) -> str:
        return self.step.name

    def tables(self) -> Frames:
        """The step's output tables by name (those it has frames for), in the order the step declares."""
        out = {}
        for table in self.step.tables:
            frame = table.of(self.frames)
            if frame is not None:
                out[table.name] = frame
        return out

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


def step(name: str, *, tables: Iterable[Table] = (), **declared: Any) -> Callable:
    """Declare and register a step whose compute function is the decorated one (see ``Step``)."""
    def register(compute: Callable[[Workbench], Frames]) -> Callable[[Workbench], Frames]:
        registry.steps.register(name, func=Step(name, compute, tables=tuple(tables), **declared))
        return compute
    return register
