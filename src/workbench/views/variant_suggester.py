"""Suggest new wordings for a phrase family and accept them into your families file.

``VariantSuggester`` holds the state (the family, its suggestions, what was accepted or rejected) and writes
accepted wordings with ``add_phrases_to_file``; ``VariantSuggesterWidget`` is a thin ipywidgets layer over it.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.families import add_phrases_to_file
from ..analysis.variant_suggestions import COLUMNS
from .html import escape


class VariantSuggester:
    """Controller: ``suggest(family)``, ``accept(rows)``, ``reject(rows)``, ``save(path)``."""

    def __init__(self, bench, top: int = 10, embedder=None):
        self.bench = bench
        self.top = top
        self.embedder = embedder
        self.family: str | None = None
        self.suggestions = pd.DataFrame(columns=COLUMNS)
        self.accepted: dict[str, list[str]] = {}
        self.rejected: dict[str, set[str]] = {}

    def families(self) -> list[str]:
        return [spec.label for spec in self.bench.phrase_families.specs_]

    def suggest(self, family: str) -> pd.DataFrame:
        """Suggestions for ``family``, without the wordings already accepted or rejected for it."""
        self.family = family
        found = self.bench.suggest_variants(family, top=self.top + len(self._decided(family)),
                                            embedder=self.embedder)
        found = found[~found["wording"].isin(self._decided(family))]
        self.suggestions = found.head(self.top).reset_index(drop=True)
        return self.suggestions

    def _decided(self, family: str) -> set[str]:
        return set(self.accepted.get(family, [])) | self.rejected.get(family, set())

    def _take(self, rows: list[int]) -> list[str]:
        if self.family is None:
            raise ValueError("Call suggest(family) first.")
        wordings = [self.suggestions.loc[i, "wording"] for i in rows if i in self.suggestions.index]
        self.suggestions = self.suggestions.drop(index=[i for i in rows if i in self.suggestions.index]) \
            .reset_index(drop=True)
        return wordings

    def accept(self, rows: list[int]) -> list[str]:
        """Keep the wordings of these suggestion rows for the current family (saved by ``save``)."""
        family = self.family
        wordings = self._take(rows)
        mine = self.accepted.setdefault(family, [])
        mine += [w for w in wordings if w not in mine]
        return wordings

    def reject(self, rows: list[int]) -> list[str]:
        """Drop these suggestions; they are not proposed again in this session."""
        family = self.family
        wordings = self._take(rows)
        self.rejected.setdefault(family, set()).update(wordings)
        return wordings

    def default_path(self) -> Path:
        """The configured families file, else ``my-families.yml`` beside the corpus folder (not inside it,
        where it would be read as a document)."""
        configured = self.bench.config.phrases.families_file
        return Path(configured) if configured else Path(self.bench.corpus_path).resolve().parent / "my-families.yml"

    def save(self, path: str | Path | None = None) -> dict[str, list[str]]:
        """Write the accepted wordings into the families file; returns what was added, by family."""
        path = Path(path) if path else self.default_path()
        specs = {spec.label: spec for spec in self.bench.phrase_families.specs_}
        added = {}
        for family, wordings in self.accepted.items():
            new = add_phrases_to_file(path, specs[family], wordings)
            if new:
                added[family] = new
        self.accepted = {}
        return added


class VariantSuggesterWidget:
    """Pick a family, ask for suggestions, tick the good ones, accept, save."""

    def __init__(self, suggester: VariantSuggester):
        import ipywidgets as w

        self.suggester = suggester
        self.family = w.Dropdown(options=suggester.families(), description="Family")
        self.suggest_button = w.Button(description="Suggest wordings")
        self.choices = w.SelectMultiple(options=[], rows=10, layout=w.Layout(width="95%"))
        self.accept_button = w.Button(description="Accept selected", button_style="success")
        self.reject_button = w.Button(description="Reject selected")
        self.path = w.Text(value=str(suggester.default_path()), description="File",
                           layout=w.Layout(width="95%"))
        self.save_button = w.Button(description="Save accepted", button_style="primary")
        self.status = w.HTML()
        self.suggest_button.on_click(lambda _: self.refresh())
        self.accept_button.on_click(lambda _: self._decide(self.suggester.accept, "Accepted"))
        self.reject_button.on_click(lambda _: self._decide(self.suggester.reject, "Rejected"))
        self.save_button.on_click(lambda _: self.save())
        self.box = w.VBox([w.HBox([self.family, self.suggest_button]), self.choices,
                           w.HBox([self.accept_button, self.reject_button]), self.path, self.save_button,
                           self.status])

    def _options(self) -> list[tuple[str, int]]:
        return [(f"{r.wording}  ·  {r.similarity:.2f} like “{r.closest}” · {r.count}×", i)
                for i, r in enumerate(self.suggester.suggestions.itertuples(index=False))]

    def refresh(self) -> None:
        found = self.suggester.suggest(self.family.value)
        self.choices.options = self._options()
        self.status.value = f"{len(found)} suggestions for <strong>{escape(self.family.value)}</strong>."

    def _decide(self, action, verb: str) -> None:
        wordings = action(list(self.choices.value))
        self.choices.options = self._options()
        self.status.value = f"{verb}: " + "; ".join(f"“{escape(x)}”" for x in wordings)

    def save(self) -> None:
        added = self.suggester.save(self.path.value)
        n = sum(len(v) for v in added.values())
        self.status.value = (f"Saved {n} wording(s) to {escape(self.path.value)}. Set <code>[phrases] "
                             f"families_file</code> to this file to use them." if n else "Nothing new to save.")
