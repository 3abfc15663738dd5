"""The report's "Codes and themes" section: the matrix, links from each number to its quotes, exact
traceable quotes, escaping and pseudonyms; left out without codes or themes."""
from __future__ import annotations

import re

import pandas as pd

from test_report import SEGMENTS, TEXTS, Page, make_data, said, span, trace  # the same hand-made tables
from workbench.views.report import build_report


def coding(seg_no: int, needle: str, code: str, coder: str = "ann") -> dict:
    return {**span(seg_no, needle), "code": code, "text": needle, "coder": coder}


CODES = pd.DataFrame([
    coding(2, "Pay carers for their time.", "payment"),           # theme 0
    coding(4, "Paying people a fair day rate helped a lot.", "payment"),  # theme 0
    coding(5, "Nothing about us without us.", "payment"),         # in no theme
    coding(1, "The budget was fixed before we arrived.", "<b>power</b>"),  # theme 1
    coding(1, "The budget was fixed before we arrived.", "<b>power</b>", coder="ben"),
])


def section(html: str) -> str:
    start = html.index('<section id="codes-themes">')
    return html[start:html.index("</section><section id=", start)]


def test_the_matrix_counts_coded_parts_per_theme_and_each_number_links_to_its_quotes():
    html = build_report(make_data(codes=CODES))
    page = Page(html)
    assert "codes-themes" in page.ids and ("a", "href", "#codes-themes") in page.attrs
    part = section(html)
    table = part[part.index("<table"):part.index("</table>")]
    assert re.findall(r"<th class=\"num\">([^<]*)</th>", table) == [
        "Paying carers", "Theme 1", "Partners", "Not in any theme", "All"]  # largest first, ties by id
    links = re.findall(r'<a href="#(ct-\d+)">(\d+)</a>', table)
    assert [n for _, n in links] == ["1", "2", "1"]  # power x Theme 1; payment x Paying carers, x no theme
    for target, n in links:  # every number leads to a section with that many quotes
        assert target in page.ids
        body = part[part.index(f'id="{target}"'):]
        body = body[:body.index("</section>")]
        assert len(Page(body).quotes) == int(n)
    assert "&lt;b&gt;power&lt;/b&gt;" in part and "<b>power</b>" not in part
    assert "2 of the 3 parts coded “payment”" in part
    assert "mostly in one theme" in part and "No part of these themes was coded: “Partners”" in part


def test_its_quotes_are_exact_and_traceable():
    quotes = Page(section(build_report(make_data(codes=CODES)))).quotes
    assert len(quotes) == 4  # two coders of one span: one quote
    for q in quotes:
        doc_id, seg_id, start, end = trace(q["where"])
        assert said(q) == TEXTS[doc_id][start:end]
        assert seg_id in set(SEGMENTS["seg_id"])


def test_names_are_pseudonymised_in_the_section():
    codes = pd.DataFrame([coding(0, "We should be partners from the start", "partnership")])
    html = build_report(make_data(codes=codes), pseudonymise={"Rose Martin": "Speaker A"})
    part = section(html)
    assert "Speaker A" in part and "Rose Martin" not in part


def test_left_out_without_codes_or_without_themes():
    assert 'id="codes-themes"' not in build_report(make_data(codes=CODES.iloc[0:0]))
    no_themes = build_report(make_data(codes=CODES, themes=None, theme_assignments=None, theme_quotes=None))
    assert 'id="codes-themes"' not in no_themes and 'id="codes"' in no_themes
