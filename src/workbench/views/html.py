"""Small HTML helpers for views. Corpus text is data: it is always escaped."""
from __future__ import annotations

from html import escape

import pandas as pd


def table_html(frame: pd.DataFrame, css_class: str = "wb-table", max_rows: int = 200) -> str:
    """An escaped HTML table (pandas escapes cell text)."""
    if frame.empty:
        return '<p class="wb-empty">Nothing to show.</p>'
    shown = frame.head(max_rows)
    note = f'<p class="wb-note">Showing {max_rows} of {len(frame)} rows.</p>' if len(frame) > max_rows else ""
    return shown.to_html(index=False, escape=True, classes=css_class, border=0, na_rep="") + note


def text_html(text: str) -> str:
    """Escaped text with line breaks kept."""
    return escape(text).replace("\n", "<br>")


__all__ = ["escape", "table_html", "text_html"]
