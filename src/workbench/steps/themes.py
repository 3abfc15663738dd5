"""Themes (``themes.csv``), each segment's theme (``segment_themes.csv``) and representative quotes
(``theme_quotes.csv``). The corpus's ThemeStore fits, curates, saves and reuses them, so this step keeps no
results of its own; a corpus too small for themes is skipped with the store's reason (E362)."""
from __future__ import annotations

from ..embed import make_embedder
from ..errors import WorkbenchError
from .base import StepSkipped, Table, step

THEME_CSV_COLUMNS = ["theme_id", "label", "keywords", "size", "doc_count", "stability", "representative"]


def _manifest(bench, result) -> dict:
    model = bench.themes
    return {"models": {"embedding": make_embedder(bench.config.themes.embedding, bench.models_dir).model_id},
            "seeds": {"themes": bench.config.themes.seed},
            "themes": {"model_folder": str(bench.theme_store.model_folder),
                       "outlier_share": round(model.outlier_share_, 4),
                       "curation_pending": list(bench.curation_pending_),
                       "reused_saved_model": bool(getattr(model, "from_cache_", False)),
                       # New and changed segments assigned to the saved themes (no refit), or why it was refitted:
                       "extended": getattr(model, "transformed_", None), "refit_reason": bench.theme_store.refit_reason,
                       "refit_share": bench.config.themes.refit_share, "history": getattr(model, "history_", {})}}


@step("themes", tables=[Table("themes", "themes", THEME_CSV_COLUMNS),
                        Table("segment_themes", "assignments", ["seg_id", "doc_id", "start_char", "end_char", "theme_id",
                                                                  "probability"]),
                        Table("theme_quotes", "quotes")],
      cache=False, off=lambda config: None if config.themes.enabled else
      "Themes were switched off in the settings (themes.enabled = false).", manifest=_manifest, report=False)
def themes(bench) -> dict:
    from ..compute import embed_segments

    if bench.config.themes.enabled and len(bench.corpus.segments) and not bench.theme_store.reusable(bench.corpus):
        # Each document's new segments are embedded together, here or on Dask workers alike, so the vectors
        # (and the themes) do not depend on where they ran; the fit then finds every vector in the cache.
        embed_segments(bench.corpus, bench.config.themes.embedding, bench.runner.executor,
                       models_dir=bench.models_dir, cache_dir=bench.annotator.cache_dir)
    try:
        model = bench.themes
    except WorkbenchError as err:
        if err.code != "E362":  # too few segments: the rest of the analysis goes on
            raise
        raise StepSkipped(str(err)) from None
    return {"themes": model.themes_, "assignments": model.assignments_, "quotes": model.quotes_}
