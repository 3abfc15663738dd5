"""Which corpus the notebooks and the dashboard read: one setting for all of them.

The setting is the environment variable ``WORKBENCH_CORPUS``; ``make lab CORPUS=corpora/mine`` and
``make dashboard CORPUS=...`` set it for every notebook and kernel they start. A notebook's first cell
(tagged ``parameters``) may name a folder instead (``CORPUS = "corpora/mine"``); with neither, the bundled
demo corpus is used, which is what the stored notebooks show and nbval checks.

A value is a folder path (absolute, or relative to the working directory or to the project, the folder that
holds ``corpora/``) or the name of a folder in ``corpora/``. ``CorpusPicker`` is the widget that chooses
among the folders in ``corpora/`` (and the current choice); its state is plain Python (``path``,
``choose()``), the widgets are a thin layer, and ``on_change`` callbacks let a view reload itself.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ..errors import CorpusError, Errors
from .corpus_browser import find_corpora_root
from .html import escape

ENV = "WORKBENCH_CORPUS"
DEMO = "coproduction"


def available_corpora(corpora_root: Path | None = None) -> list[str]:
    """Names of the folders in ``corpora/`` (hidden ones left out)."""
    root = corpora_root or find_corpora_root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def resolve_corpus(value: str | os.PathLike, source: str = "given", corpora_root: Path | None = None) -> Path:
    """The folder ``value`` names (see the module docstring); E057 when there is none."""
    root = corpora_root or find_corpora_root()
    text = str(value).strip()
    path = Path(text).expanduser()
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, root.parent / path, root / path]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    known = ", ".join(available_corpora(root)) or "none"
    tried = ", ".join(str(c) for c in dict.fromkeys(candidates))
    raise CorpusError(Errors.E057.format(value=text, source=source, tried=tried, known=known))


def chosen_corpus(value: str | os.PathLike | None = None, corpora_root: Path | None = None) -> Path:
    """``value`` if given, else ``$WORKBENCH_CORPUS`` if set, else the demo corpus ``corpora/coproduction``."""
    root = corpora_root or find_corpora_root()
    if value is not None and str(value).strip():
        return resolve_corpus(value, "the notebook's CORPUS setting", root)
    env = os.environ.get(ENV, "").strip()
    if env:
        return resolve_corpus(env, f"the {ENV} setting", root)
    return resolve_corpus(DEMO, "the demo corpus", root)


def corpus_title(path: Path) -> str:
    """A plain title from a corpus folder's name: 'my-project' -> 'My project'."""
    name = path.name.replace("_", " ").replace("-", " ").strip()
    return (name[:1].upper() + name[1:]) if name else str(path)


class CorpusPicker:
    """The chosen corpus and the other folders in ``corpora/``. ``choose(name_or_path)`` changes it and
    calls every ``on_change(path)`` callback; ``.box`` (built on first use) is the widget."""

    def __init__(self, value: str | os.PathLike | None = None, corpora_root: Path | None = None):
        self.corpora_root = corpora_root or find_corpora_root()
        self.path = chosen_corpus(value, self.corpora_root)
        self._callbacks: list[Callable[[Path], None]] = []
        self._box = None

    def options(self) -> list[tuple[str, str]]:
        """(label, path) pairs: each folder in ``corpora/``, and the current choice if it is elsewhere."""
        pairs = [(name, str((self.corpora_root / name).resolve())) for name in available_corpora(self.corpora_root)]
        if str(self.path) not in {p for _, p in pairs}:
            pairs.insert(0, (f"{self.path.name} ({self.path.parent})", str(self.path)))
        return pairs

    def on_change(self, callback: Callable[[Path], None]) -> None:
        self._callbacks.append(callback)

    def choose(self, value: str | os.PathLike) -> Path:
        path = resolve_corpus(value, "the corpus picker", self.corpora_root)
        if path != self.path:
            self.path = path
            for callback in self._callbacks:
                callback(path)
        return path

    def note_html(self) -> str:
        return (f"<small>Reading <code>{escape(str(self.path))}</code>. To use your own folder in every notebook "
                f"and the dashboard: <code>make lab CORPUS=corpora/mine</code> (or set {ENV}).</small>")

    @property
    def box(self):
        """A dropdown of corpora with a note on how to choose one for every notebook."""
        if self._box is None:
            import ipywidgets as w

            self.dropdown = w.Dropdown(options=self.options(), value=str(self.path), description="Corpus",
                                       layout=w.Layout(width="60%"))
            self.dropdown.add_class("wb-corpus-picker")
            self.note = w.HTML(self.note_html())

            def changed(change):
                self.choose(change["new"])
                self.note.value = self.note_html()

            self.dropdown.observe(changed, names="value")
            self._box = w.VBox([self.dropdown, self.note])
        return self._box
