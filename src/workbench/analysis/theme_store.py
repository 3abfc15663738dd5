"""Where a corpus's themes live: fitted once, curated by the user, saved, and reused.

A ``ThemeStore`` owns everything about themes that outlives one fit: the folder with the saved model,
the user's curation (renames, merges, splits), the steps of it that no longer match, and the
fingerprint that says when a saved model may be reused (same corpus files, same settings, same
curation, same workbench). The facade asks it for themes; nothing else touches a model's state.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable

from ..errors import Errors, WorkbenchError
from .theme_curation import Curation
from .themes import MIN_SEGMENTS, ThemeModel, guided_from_codebook, load_guided_themes
from .tokens import TokenTable


class ThemeStore:
    """Themes of one corpus kept in ``folder`` (``model/`` and ``curation.json``).

    ``settings`` is the ``[themes]`` config section; ``inputs`` is everything else the themes depend
    on (the corpus file hashes and a hash of the settings that shape segments and tokens); it goes into
    the fingerprint together with the curation and the workbench version.
    """

    def __init__(self, folder: str | Path, settings: Any, inputs: dict[str, Any], *, cache_dir: str | Path | None,
                 models_dir: str | Path | None, reuse: bool = True):
        self.folder = Path(folder)
        self.settings = settings
        self.inputs = inputs
        self.cache_dir = cache_dir
        self.models_dir = models_dir
        self.reuse = reuse  # False: fit again even when a saved model fits
        self.pending: list[str] = []  # curation steps that matched no current theme, with the reason
        self.refit_reason: str | None = None  # why a saved model was fitted again instead of extended
        self._model: ThemeModel | None = None
        self._curation: Curation | None = None

    @property
    def model_folder(self) -> Path:
        return self.folder / "model"

    @property
    def curation(self) -> Curation:
        """The user's renames, merges and splits, kept beside the saved model."""
        if self._curation is None:
            self._curation = Curation(self.folder / "curation.json").load()
        return self._curation

    def fingerprint(self) -> dict[str, Any]:
        """What fitted themes depend on; a saved model with the same fingerprint is reused."""
        from .. import __version__
        from ..cache import code_fingerprint

        settings = json.dumps({**self.inputs.get("settings", {}), "themes": self.settings.__dict__},
                              sort_keys=True, default=str)
        curation = self.folder / "curation.json"
        return {"settings": hashlib.sha256(settings.encode()).hexdigest()[:16],
                "corpus": self.inputs.get("corpus", {}),
                "curation": hashlib.sha256(curation.read_bytes()).hexdigest()[:16] if curation.exists() else "",
                "workbench": __version__, "code": code_fingerprint()}

    # -- getting themes ----------------------------------------------------------------------------
    def get(self, corpus, tokens: Callable[[], TokenTable]) -> ThemeModel:
        """The themes: the saved model when it still fits, else a new fit (curated and saved).
        ``tokens`` is called only when a fit is needed, so a reused model never starts spaCy."""
        if self._model is None:
            self._model = self._saved(corpus)
        if self._model is None:
            self._model = self._transformed(corpus)
        if self._model is None:
            if len(corpus.segments) < MIN_SEGMENTS:  # known before annotating
                raise WorkbenchError(Errors.E362.format(n=len(corpus.segments), minimum=MIN_SEGMENTS))
            self._model = self._fit(tokens())
            self._curate_and_save(self._model, tokens())
        return self._model

    def reusable(self, corpus) -> bool:
        """True when the saved model still fits as it is (nothing to embed or fit)."""
        if self._model is None:
            self._model = self._saved(corpus)
        return self._model is not None

    def fitted(self, corpus, tokens: Callable[[], TokenTable]) -> ThemeModel:
        """The themes with their BERTopic model (needed by curation and the hierarchy): a model reused
        from disk has none, so it is fitted again once (deterministically: the same themes)."""
        model = self.get(corpus, tokens)
        if getattr(model, "from_cache_", False):
            self._model = self._fit(tokens())
            self._curate_and_save(self._model, tokens())
        return self._model

    def reapply_curation(self, corpus, tokens: Callable[[], TokenTable]) -> ThemeModel:
        """After a rename, merge or split: the fit plus every saved curation step, saved again."""
        model = self.fitted(corpus, tokens)
        self._curate_and_save(model, tokens())
        return model

    def refit(self, corpus, tokens: Callable[[], TokenTable], n_themes: int | None) -> ThemeModel:
        """Fit again with a chosen number of themes (None: found from the data)."""
        self.settings.n_themes = n_themes
        self._model = None
        reuse, self.reuse = self.reuse, False
        try:
            return self.get(corpus, tokens)
        finally:
            self.reuse = reuse

    # -- internals ---------------------------------------------------------------------------------
    def _saved(self, corpus) -> ThemeModel | None:
        """The saved model if it was fitted on this corpus with these settings and curation, else None."""
        folder = self.model_folder
        if not self.reuse or not (folder / "model.json").exists():
            return None
        try:
            model = ThemeModel.load(folder, corpus)
        except (WorkbenchError, OSError, ValueError, KeyError, TypeError):
            return None  # stale, damaged or saved by other code: fit again (and overwrite it)
        if model.fingerprint_ != self.fingerprint():
            return None
        pending = folder / "curation_pending.json"
        self.pending = json.loads(pending.read_text(encoding="utf-8")) if pending.exists() else []
        return model

    def _transformed(self, corpus) -> ThemeModel | None:
        """The saved model with the corpus's new and changed segments assigned to its themes, when only the
        corpus changed (same settings, curation and code) and the segments changed since the last fit are at
        most ``refit_share`` of the segments fitted then; None (fit again) otherwise."""
        folder = self.model_folder
        share = getattr(self.settings, "refit_share", 0.0) or 0.0
        if not self.reuse or share <= 0 or not (folder / "segment_hashes.json").exists():
            return None
        try:
            model = ThemeModel.load(folder)
            hashes = json.loads((folder / "segment_hashes.json").read_text(encoding="utf-8"))
        except (WorkbenchError, OSError, ValueError, KeyError, TypeError):
            return None
        now = self.fingerprint()
        if {k: v for k, v in model.fingerprint_.items() if k != "corpus"} != {k: v for k, v in now.items() if k != "corpus"}:
            return None
        fitted = int(model.history_.get("fit_segments", 0))
        new, removed = ThemeModel.changed_segments(corpus.segments, hashes)
        changed = int(model.history_.get("changed_since_fit", 0)) + new + removed
        if not fitted or changed > share * fitted or len(corpus.segments) < MIN_SEGMENTS:
            self.refit_reason = (f"{changed} segments changed since the themes were fitted on {fitted}: more than "
                                 f"refit_share = {share:g} of them, so the themes were fitted again")
            return None
        model.transform_corpus(corpus.segments, hashes)
        pending = folder / "curation_pending.json"
        self.pending = json.loads(pending.read_text(encoding="utf-8")) if pending.exists() else []
        model.save(folder, fingerprint=now)
        return model

    def _fit(self, tokens: TokenTable) -> ThemeModel:
        cfg = self.settings
        guided = load_guided_themes(cfg.guided_file) if cfg.guided_file else []
        if cfg.guided_from_codebook:
            guided += guided_from_codebook(None if cfg.guided_from_codebook is True else cfg.guided_from_codebook)
        guided = guided or None
        return ThemeModel(cfg.embedding, cfg.n_themes, cfg.seed, cfg.max_outlier_share, guided=guided,
                          min_words=cfg.min_words, stability_runs=cfg.stability_runs, procedural=cfg.procedural,
                          max_theme_share=cfg.max_theme_share, cache_dir=self.cache_dir,
                          models_dir=self.models_dir).fit(tokens)

    def _curate_and_save(self, model: ThemeModel, tokens: TokenTable) -> None:
        from ..manifest import write_json_atomic

        self.pending = model.curate(tokens, self.curation.ops if len(self.curation) else [])
        folder = model.save(self.model_folder, fingerprint=self.fingerprint())
        write_json_atomic(folder / "curation_pending.json", self.pending)
