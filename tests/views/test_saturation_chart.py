"""The saturation chart (SVG): one line per kind with data, escaped labels, deterministic bytes."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from workbench.analysis.saturation import Saturation
from workbench.views.saturation_chart import MARGIN, MAX_MARKERS, SaturationChart, _ticks, saturation_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
DOCS = pd.DataFrame({"doc_id": ["a.txt", "b.txt", "c.txt", "d.txt"],
                     "date": ["2025-01-15", "2025-02-01", "2025-03-01", "2025-04-01"]})
CODES = pd.DataFrame([("a.txt", "a#0", 0, 5, "trust"), ("a.txt", "a#1", 9, 20, "pay"), ("b.txt", "b#0", 0, 4, "power"),
                      ("d.txt", "d#0", 0, 4, "pay")], columns=["doc_id", "seg_id", "start_char", "end_char", "code"])
BARRIERS = pd.DataFrame([("c.txt", "c#0", 0, 9, "jargon"), ("c.txt", "c#1", 10, 19, "time")],
                        columns=["doc_id", "seg_id", "start_char", "end_char", "category"])


def fitted(**tables) -> Saturation:
    return Saturation().fit(DOCS, tables or {"codes": CODES, "barriers": BARRIERS, "enablers": None})


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def points(root: ET.Element, kind: str) -> list[tuple[float, float]]:
    line = root.find(f".//svg:g[@data-kind='{kind}'][@class='series']/svg:polyline", NS)
    return [tuple(float(v) for v in p.split(",")) for p in line.get("points").split()]


def test_one_line_per_kind_with_data_and_a_legend_for_every_kind():
    root = parse(saturation_svg(fitted()))
    series = root.findall(".//svg:g[@class='series']", NS)
    assert [s.get("data-kind") for s in series] == ["codes", "barriers"]  # enablers have no data: not drawn
    legend = [t.text for t in root.findall(".//svg:g[@class='legend-item']/svg:text", NS)]
    assert legend == ["Codes (3)", "Barrier categories (2)", "Enabler categories (none yet)"]
    codes, barriers = points(root, "codes"), points(root, "barriers")
    assert len(codes) == len(barriers) == 4
    xs = [x for x, _ in codes]
    assert xs == sorted(xs) and xs[0] == MARGIN["left"]
    # cumulative 2, 3, 3, 3 and 0, 0, 2, 2: a higher total is drawn higher (smaller y)
    ys = [y for _, y in codes]
    assert ys[0] > ys[1] == ys[2] == ys[3]
    bys = [y for _, y in barriers]
    assert bys[0] == bys[1] > bys[2] == bys[3]
    assert bys[0] == pytest.approx(float(root.get("height")) - MARGIN["bottom"])  # zero sits on the x axis


def test_titles_and_axis_labels_say_what_is_shown():
    root = parse(saturation_svg(fitted(), title="Saturation of the pilot"))
    assert root.find("svg:title", NS).text == "Saturation of the pilot"
    assert root.find(".//svg:text[@class='x-label']", NS).text == "Documents, in date order ('date')"
    assert root.find(".//svg:text[@class='y-label']", NS).text == "Categories seen so far"
    tips = [t.text for t in root.findall(".//svg:g[@data-kind='codes']/svg:circle/svg:title", NS)]
    assert tips[1] == "Document 2: b.txt, 2025-02-01. Codes: 1 new, 3 of 3 so far"


def test_share_scale_ends_every_line_at_the_top():
    root = parse(saturation_svg(fitted(), scale="share"))
    top = float(MARGIN["top"])
    assert points(root, "codes")[-1][1] == pytest.approx(top)
    assert points(root, "barriers")[-1][1] == pytest.approx(top)
    assert points(root, "codes")[0][1] > top  # 2 of 3 after the first document
    assert "100%" in [t.text for t in root.findall(".//svg:g[@class='y-ticks']/svg:text", NS)]
    with pytest.raises(ValueError, match="scale"):
        saturation_svg(fitted(), scale="log")


def test_labels_and_document_names_are_escaped():
    docs = DOCS.assign(doc_id=["<script>alert(1)</script>.txt", "b.txt", "c.txt", "d.txt"])
    codes = CODES.assign(doc_id=["<script>alert(1)</script>.txt"] * 2 + ["b.txt", "d.txt"])
    sat = Saturation().fit(docs, {"codes": codes})
    svg = saturation_svg(sat, labels={"codes": "<script>alert('x')</script> & co"},
                         title="<b>Title</b>", x_label='"quoted" <x>')
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; co" in svg
    root = parse(svg)  # well-formed XML
    assert root.find("svg:title", NS).text == "<b>Title</b>"
    assert root.find(".//svg:text[@class='x-label']", NS).text == '"quoted" <x>'
    assert not root.findall(".//svg:script", NS)


def test_same_input_same_bytes():
    first = saturation_svg(fitted())
    again = saturation_svg(Saturation().fit(DOCS.copy(), {"codes": CODES.copy(), "barriers": BARRIERS.copy(),
                                                          "enablers": None}))
    assert first == again
    assert SaturationChart(fitted())._repr_svg_() == first
    assert saturation_svg(fitted().saturation_, x_label="Documents, in date order ('date')") == first


def test_a_table_read_back_from_csv_draws_the_same(tmp_path):
    from workbench.export.tables import read_table_csv, write_table_csv

    with pytest.warns(UserWarning, match="W640"):  # b.txt has no date: its order_value is empty, NaN when read back
        sat = Saturation().fit(DOCS.assign(date=["2025-01-15", "", "2025-03-01", "2025-04-01"]), {"codes": CODES})
    write_table_csv(sat.saturation_, tmp_path / "saturation.csv")
    back = read_table_csv(tmp_path / "saturation.csv")
    assert saturation_svg(back, x_label="x") == saturation_svg(sat.saturation_, x_label="x")
    assert "nan" not in saturation_svg(back)


def test_no_documents_and_a_single_document_draw_without_error():
    empty = Saturation().fit(pd.DataFrame({"doc_id": []}), {"codes": CODES})
    root = parse(saturation_svg(empty))
    assert "No documents yet" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert not root.findall(".//svg:polyline", NS)
    one = Saturation().fit(DOCS.iloc[:1], {"codes": CODES})
    (x, y), = points(parse(saturation_svg(one)), "codes")
    assert MARGIN["left"] < x  # centred, not divided by zero


def test_a_large_corpus_gets_lines_without_a_dot_per_document():
    many = pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(MAX_MARKERS + 1)]})
    codes = pd.DataFrame({"doc_id": many["doc_id"], "seg_id": many["doc_id"] + "#0", "start_char": 0, "end_char": 5,
                          "code": [f"c{i % 40}" for i in range(len(many))]})
    root = parse(saturation_svg(Saturation().fit(many, {"codes": codes})))
    assert len(points(root, "codes")) == MAX_MARKERS + 1
    assert not root.findall(".//svg:circle", NS)
    small = parse(saturation_svg(Saturation().fit(many.iloc[:MAX_MARKERS], {"codes": codes})))
    assert len(small.findall(".//svg:circle", NS)) == MAX_MARKERS


def test_ticks_are_whole_numbers_covering_the_top():
    assert _ticks(8) == [0, 2, 4, 6, 8]
    assert _ticks(116) == [0, 50, 100, 150]
    assert _ticks(3) == [0, 1, 2, 3]
    assert _ticks(0) == [0, 1]
