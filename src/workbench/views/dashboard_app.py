"""The dashboard as served to a room: a corpus picker above the ``DashboardWidget`` of the chosen corpus.

``DashboardApp(corpus)`` reads ``corpus`` if given, else the ``WORKBENCH_CORPUS`` setting (``make dashboard
CORPUS=...``), else the demo (see ``corpus_choice``). Choosing another corpus in the picker builds the
dashboard on it; a corpus that cannot be used leaves the current dashboard in place and says why.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import WorkbenchError
from .corpus_choice import DEMO, CorpusPicker, corpus_title
from .dashboard import Dashboard, DashboardWidget
from .html import escape

TITLES = {DEMO: "Co-production workshops: what people said"}


def default_title(path: Path) -> str:
    return TITLES.get(path.name, f"{corpus_title(path)}: what people said")


class DashboardApp:
    """A corpus picker and the dashboard of the chosen corpus; ``.box`` is the widget to display.
    ``make_bench(path)`` builds the Workbench (default: the default settings, no progress bars)."""

    def __init__(self, corpus=None, title: str | None = None,
                 make_bench: Callable[[Path], object] | None = None, corpora_root: Path | None = None):
        import ipywidgets as w

        self.title = title
        self.make_bench = make_bench or _default_bench
        self.picker = CorpusPicker(corpus, corpora_root)
        self.status = w.HTML()
        self.status.add_class("wb-dash-status")
        self.holder = w.VBox()
        self.load(self.picker.path)
        self.picker.on_change(self._changed)
        self.box = w.VBox([self.holder, self.status, self.picker.box])
        self.box.add_class("wb-dash-app")

    def load(self, path: Path) -> None:
        """Build the dashboard of ``path`` and show it."""
        bench = self.make_bench(Path(path))
        self.bench = bench
        self.dashboard = Dashboard(bench)
        self.widget = DashboardWidget(self.dashboard, title=self.title or default_title(Path(path)))
        self.holder.children = (self.widget.box,)
        self.path = Path(path)

    def _changed(self, path: Path) -> None:
        self.status.value = f'<p class="wb-dash-hint">Reading {escape(path.name)} …</p>'
        try:
            self.load(path)
        except WorkbenchError as err:
            self.status.value = f'<p class="wb-dash-hint">Could not show {escape(path.name)}: {escape(str(err))}</p>'
            return
        self.status.value = ""


def _default_bench(path: Path):
    from ..project import Workbench

    return Workbench(path, progress=False)
