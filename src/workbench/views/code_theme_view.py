"""Codes against themes as a clickable grid: one row per code, one column per theme, each number a button
that shows the quotes behind it. A thin ipywidgets layer over a fitted ``CodeThemeMatrix``; corpus text
is escaped, and every quote shows its seg_id and character offsets."""
from __future__ import annotations

from typing import Any

from ..analysis.code_themes import CodeThemeMatrix
from .html import escape

STYLE = """<style>
.wb-ct .wb-ct-head { font-weight: 600; font-size: 13px; white-space: normal; line-height: 1.2; }
.wb-ct .wb-ct-code { font-weight: 600; }
.wb-ct .wb-ct-quote { border-left: 4px solid #4e79a7; background: #f4f8fb; margin: 6px 0; padding: 4px 10px; }
.wb-ct .wb-ct-where { color: #555; font-size: 12px; }
</style>"""


class CodeThemeWidget:
    """``.box`` shows the grid and a quotes panel; ``show(code, theme_id)`` fills the panel (what a click does)."""

    def __init__(self, matrix: CodeThemeMatrix, max_quotes: int = 10, max_chars: int = 300):
        import ipywidgets as w

        matrix.check_fitted("matrix_")
        self.matrix, self.max_quotes, self.max_chars = matrix, max_quotes, max_chars
        codes = list(matrix.matrix_.index)
        themes = [int(t) for t in matrix.matrix_.columns]
        self.buttons: dict[tuple[str, int], Any] = {}
        cells: list[Any] = [w.HTML("")]
        cells += [w.HTML(f'<div class="wb-ct-head">{escape(matrix.names_[t])}</div>') for t in themes]
        relation = {(c.code, int(c.theme_id)): c.relation for c in matrix.cells_.itertuples(index=False)}
        for code in codes:
            cells.append(w.HTML(f'<div class="wb-ct-code">{escape(code)}</div>'))
            for t in themes:
                n = int(matrix.matrix_.at[code, t])
                if n == 0:
                    cells.append(w.HTML('<div style="text-align:center;color:#aaa">·</div>'))
                    continue
                button = w.Button(description=str(n), tooltip=f"{code} × {matrix.names_[t]}: {relation[(code, t)]}",
                                  layout=w.Layout(width="auto"))
                button.add_class("wb-ct-cell")
                button.on_click(lambda _, c=code, tid=t: self.show(c, tid))
                self.buttons[(code, t)] = button
                cells.append(button)
        self.grid = w.GridBox(cells, layout=w.Layout(
            grid_template_columns=f"minmax(160px, 1.5fr) repeat({len(themes)}, minmax(70px, 1fr))", grid_gap="4px"))
        self.quotes = w.HTML('<p>Click a number to read the quotes behind it.</p>')
        self.quotes.add_class("wb-ct-quotes")
        self.box = w.VBox([w.HTML(STYLE), self.grid, self.quotes])
        self.box.add_class("wb-ct")

    def show(self, code: str, theme_id: int) -> None:
        rows = self.matrix.quotes(code, theme_id)
        cell = self.matrix.cells_[(self.matrix.cells_["code"] == code) & (self.matrix.cells_["theme_id"] == theme_id)]
        how = f" · {escape(cell.iloc[0].relation)}" if len(cell) else ""
        items = []
        for q in rows.head(self.max_quotes).itertuples(index=False):
            text = " ".join(str(q.text).split())
            text = text if len(text) <= self.max_chars else text[:self.max_chars].rsplit(" ", 1)[0] + " …"
            items.append(f'<div class="wb-ct-quote" data-seg-id="{escape(q.seg_id)}">“{escape(text)}”'
                         f'<div class="wb-ct-where">{escape(q.coders)} · <code>{escape(q.seg_id)}</code> '
                         f"[{int(q.start_char)}-{int(q.end_char)}]</div></div>")
        more = f"<p>… and {len(rows) - self.max_quotes} more.</p>" if len(rows) > self.max_quotes else ""
        self.quotes.value = (f"<h4>{escape(code)} × {escape(self.matrix.names_[int(theme_id)])}: "
                             f"{len(rows)} coded passages{how}</h4>{''.join(items)}{more}")
        for key, button in self.buttons.items():
            button.button_style = "info" if key == (code, int(theme_id)) else ""
