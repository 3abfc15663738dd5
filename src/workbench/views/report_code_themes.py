"""The report's "Codes and themes" section: people's codes against the machine's themes, as a table whose
cells link to the quotes behind them. Kept apart from report.py so it can move with the report as a unit.

``section_html(data, quote, text)`` takes the ``ReportData`` and two functions of the report renderer:
``quote(text, doc_id, seg_id, start_char, speaker)`` (a traceable, pseudonymised, escaped quote) and
``text(value)`` (pseudonymised and escaped text). It returns "" when there are no codes or no themes.
"""
from __future__ import annotations

from html import escape
from typing import Any, Callable

from ..analysis.code_themes import UNASSIGNED, CodeThemeMatrix

RELATION_WORDS = {
    "agree": "agree: the code and the theme mark mostly the same parts",
    "code inside theme": "the code sits inside this theme, which is broader",
    "theme inside code": "this theme is one part of the code, which reaches further",
    "partial": "some overlap",
    "outside themes": "parts the machine put in no theme",
}
SHADES = ["#ffffff", "#eef3f9", "#d6e3f1", "#b5cce6", "#8fb1d8", "#6a95c9"]


def fit_from_report_data(data) -> CodeThemeMatrix | None:
    """The matrix from the report's codes, theme assignments and themes, or None if one is missing."""
    if data.codes is None or not len(data.codes) or data.themes is None or data.theme_assignments is None:
        return None
    return CodeThemeMatrix().fit(data.codes, data.theme_assignments, data.themes)


def _shade(share: float) -> str:
    return SHADES[min(len(SHADES) - 1, int(round(share * (len(SHADES) - 1))))]


def section_html(data, quote: Callable[..., str], text: Callable[[Any], str], max_quotes: int = 3) -> str:
    """The section's HTML (see the module docstring)."""
    matrix = fit_from_report_data(data)
    if matrix is None or matrix.matrix_.empty:
        return ""
    cells = matrix.cells_.reset_index(drop=True)
    anchor = {(c.code, int(c.theme_id)): f"ct-{i + 1}" for i, c in enumerate(cells.itertuples(index=False))}
    relations = {(c.code, int(c.theme_id)): c for c in cells.itertuples(index=False)}
    columns = [int(t) for t in matrix.matrix_.columns]
    out = ["<p>The codes people gave (accepted codings) set against the themes the computer found. Each number "
           "counts the coded parts of a code that fall in a theme; a darker cell holds more of the code. "
           "Where a code sits in one theme, the person and the computer <em>agree</em>; where a code spreads over "
           "several themes, or a theme holds several codes, they <em>part</em>, and the quotes show why. "
           "Click a number to read its quotes.</p>",
           '<div class="wide"><table class="code-themes"><thead><tr><th>Code</th>'
           + "".join(f'<th class="num">{text(matrix.names_[t])}</th>' for t in columns)
           + '<th class="num">All</th></tr></thead><tbody>']
    totals = matrix.codes_.set_index("code")["segments"]
    for code in matrix.matrix_.index:
        row = [f"<tr><th>{text(code)}</th>"]
        for t in columns:
            n = int(matrix.matrix_.at[code, t])
            if n == 0:
                row.append('<td class="num muted">·</td>')
                continue
            cell = relations[(code, t)]
            row.append(f'<td class="num" style="background:{_shade(float(cell.code_share))}" '
                       f'title="{escape(RELATION_WORDS[cell.relation])}">'
                       f'<a href="#{anchor[(code, t)]}">{n}</a></td>')
        row.append(f'<td class="num">{int(totals[code])}</td></tr>')
        out.append("".join(row))
    out.append("</tbody></table></div>")

    out.append("<h3>What the table says</h3><ul>")
    for r in matrix.codes_.itertuples(index=False):
        where = (f"{round(100 * r.main_share)}% of its parts are in “{text(r.main_theme)}”"
                 if r.main_theme_id != UNASSIGNED else f"{round(100 * r.outside_share)}% of its parts are in no theme")
        out.append(f"<li><strong>{text(r.code)}</strong> ({r.segments} parts): {escape(r.reading)}; {where}.</li>")
    silent = matrix.themes_[(matrix.themes_["coded_segments"] == 0) & (matrix.themes_["theme_id"] != UNASSIGNED)]
    if len(silent):
        names = ", ".join(f"“{text(n)}”" for n in silent["theme"])
        out.append(f"<li>No part of these themes was coded: {names}. The computer found something no code names "
                   "yet, or the coding has not reached them.</li>")
    out.append("</ul>")

    for c in cells.itertuples(index=False):
        out.append(f'<section class="item" id="{anchor[(c.code, int(c.theme_id))]}">'
                   f"<h3>{text(c.code)} × {text(c.theme)}</h3>"
                   f'<p class="facts">{c.segments} of the {c.code_segments} parts coded “{text(c.code)}” · '
                   f"{escape(RELATION_WORDS[c.relation])}.</p>")
        for q in matrix.quotes(c.code, int(c.theme_id)).head(max_quotes).itertuples(index=False):
            out.append(quote(q.text, q.doc_id, q.seg_id, q.start_char, q.speaker))
        out.append("</section>")
    return "".join(out)
