"""Saturation (``saturation.csv``, ``saturation_first.csv``): in document order (date, a metadata column, or
corpus order), the new codes, themes, barrier and enabler categories and recurring phrases each document adds,
with the quote where each was first met, and a plain-language reading ("the last 3 documents added no new
barrier category"). Set the order in ``[steps.saturation] order_by`` ("date", a metadata column, "corpus")."""
from __future__ import annotations

import pandas as pd

from ..analysis.saturation import Saturation, saturation_tables
from .base import Table, step

KINDS = ("codes", "themes", "barriers", "enablers", "phrases")


def fitted(bench) -> Saturation:
    """The fitted Saturation of the bench's current results (the notebooks' chart takes it)."""
    def frames(name: str) -> dict:
        result = bench.result(name)
        return {} if result.skipped else result.frames

    phrases, themes = frames("phrases"), frames("themes")
    segments = bench.corpus.segments_df()
    tables = saturation_tables(
        codes=frames("codes").get("codes"), assignments=themes.get("assignments"), themes=themes.get("themes"),
        barriers=frames("barriers").get("hits"), enablers=frames("enablers").get("hits"),
        phrases=phrases.get("phrases"), phrase_occurrences=phrases.get("occurrences"), segments=segments)
    order_by = bench.runner.options("saturation")["order_by"] or None
    return Saturation(order_by=order_by).fit(bench.corpus.documents_df(), tables, segments=segments)


def _manifest(bench, result) -> dict:
    notes = result["notes"]["note"].tolist() if "notes" in result.frames else []
    return {"saturation": {"order": result["reading"]["sentence"].iloc[0] if len(result["reading"]) else "",
                           "notes": notes}}


@step("saturation", tables=[Table("saturation", "saturation"), Table("saturation_first", "first")],
      needs=("phrases", "themes", "barriers", "enablers", "codes"), options={"order_by": ""}, cache=False,
      manifest=_manifest, report=False)
def saturation(bench) -> dict:
    sat = fitted(bench)
    return {"saturation": sat.saturation_, "first": sat.first_occurrences_,
            "reading": pd.DataFrame({"sentence": list(sat.reading_)}),
            "notes": pd.DataFrame({"note": list(sat.notes_)})}
