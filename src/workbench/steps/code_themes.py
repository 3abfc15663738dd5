"""People's accepted codes against the machine's themes (``codes_by_theme.csv``: one row per code, a column per
theme) and the coded parts behind each cell (``codes_by_theme_quotes.csv``). Written only when there are
accepted codings and themes; the report draws its "Codes and themes" section from the same tables."""
from __future__ import annotations

import pandas as pd

from ..analysis.code_themes import CodeThemeMatrix
from .base import Table, step


def matrix(bench, codes: pd.DataFrame | None = None) -> CodeThemeMatrix | None:
    """Accepted codes against the machine's themes (a fitted ``CodeThemeMatrix``), or None when there are
    no accepted codings, themes are off, or the corpus is too small for themes."""
    codes = bench.result("codes")["codes"] if codes is None else codes
    if not len(codes):
        return None
    themes = bench.result("themes")
    if themes.skipped:
        return None
    return CodeThemeMatrix().fit(codes, themes["assignments"], themes["themes"])


@step("codes_by_theme", tables=[Table("codes_by_theme", "matrix"), Table("codes_by_theme_quotes", "quotes")],
      needs=("codes", "themes"), cache=False, report=False)
def codes_by_theme(bench) -> dict:
    found = matrix(bench)
    return {} if found is None else {"matrix": found.table(), "quotes": found.segments_}
