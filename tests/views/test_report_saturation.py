"""The report's saturation section: the reading, pseudonymised and escaped, and the chart; a note without it."""
from __future__ import annotations

import pandas as pd

from workbench.views.report import ReportData, build_report


def table() -> pd.DataFrame:
    return pd.DataFrame({"position": [1, 2, 3], "doc_id": ["a.txt", "b.txt", "c.txt"],
                         "order_value": ["2025-01-01", "2025-02-01", "2025-03-01"],
                         "new_barriers": [2, 1, 0], "total_barriers": [2, 3, 3]})


def test_the_reading_and_chart_are_in_the_report_escaped_and_pseudonymised():
    data = ReportData(name="x", saturation=table(),
                      saturation_reading=["3 documents, read in date order.",
                                          "Rose said <script>alert(1)</script> first; the last document added no new "
                                          "barrier category (3 in all)."])
    html = build_report(data, pseudonymise={"Rose": "Person A"})
    section = html[html.index('<section id="saturation"'):]
    section = section[:section.index("</section>")]
    assert "the last document added no new barrier category (3 in all)." in section
    assert "<script>alert" not in html and "&lt;script&gt;" in section
    assert "Rose" not in section and "Person A" in section
    assert "<svg" in section  # the curves


def test_without_saturation_the_section_says_why():
    html = build_report(ReportData(name="x", skipped={"saturation": "no documents <b>"}))
    section = html[html.index('<section id="saturation"'):]
    assert "No saturation in this report: no documents &lt;b&gt;" in section
