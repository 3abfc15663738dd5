"""The saturation chart: how many categories of each kind have been seen after each document.

A small, self-contained SVG (no script, no external font or style sheet) built with ``xml.etree``, so
every label is escaped as XML text. It goes inline in the HTML report and shows in a notebook
(``SaturationChart`` has ``_repr_svg_``). The same table gives the same bytes: fixed size, fixed palette,
coordinates rounded to one decimal.
"""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..analysis.saturation import KIND_ORDER, nouns

WIDTH, HEIGHT = 560, 420  # the plot area and axes; the legend's width is added on the right
MARGIN = {"left": 70, "right": 20, "top": 56, "bottom": 64}
CHAR_WIDTH = 0.52  # of the font size: an estimate of a label's width, to size the legend
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
FONT_SIZE = 15
TITLE_SIZE = 19
# Okabe-Ito colours (told apart with colour-blindness), with a dash pattern each for grey-scale printing.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
DASHES = ["", "8 4", "2 4", "10 4 2 4", "4 4", "12 3", "1 3", "6 2 2 2"]
GREY = "#b0b0b0"
MAX_MARKERS = 150  # documents up to which each one gets a dot with a tooltip
DEFAULT_TITLE = "Are new documents still adding anything new?"


def _f(value: float) -> str:
    return f"{value:.1f}"


def _when(value: Any) -> str:
    """", 2025-03-14" for a document's order value; "" when it has none (also NaN from a CSV read back)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return ""
    return f", {value}"


def _kinds(table: pd.DataFrame, kinds: Sequence[str] | None) -> list[str]:
    if kinds is not None:
        return list(kinds)
    found = [c[len("total_"):] for c in table.columns if c.startswith("total_")]
    return sorted(found, key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER), found.index(k)))


def _ticks(top: int, most: int = 6) -> list[int]:
    """Whole-number ticks from 0 to at least ``top``, at most about ``most`` of them."""
    if top <= 0:
        return [0, 1]
    raw = top / max(most - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    return list(range(0, top + step, step)) if top % step else list(range(0, top + 1, step))


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, "text", {"x": _f(x), "y": _f(y), **attrs})
    node.text = text
    return node


def saturation_svg(data: Any, kinds: Sequence[str] | None = None, *, title: str = DEFAULT_TITLE,
                   x_label: str | None = None, labels: dict[str, str] | None = None, scale: str = "count",
                   width: int = WIDTH, height: int = HEIGHT, standalone: bool = True) -> str:
    """The chart as an SVG string. ``data``: a fitted ``Saturation`` or its ``saturation_`` table (columns
    position, doc_id, order_value and ``total_<kind>``/``new_<kind>``). ``labels``: kind -> legend text
    (default: the kind's plural noun, e.g. "Barrier categories"). ``x_label`` defaults to the order used.
    ``scale="count"`` plots the categories seen so far; ``"share"`` plots them as a percentage of each
    kind's final total, so kinds of very different sizes (100 phrases, 8 barrier categories) can be
    compared: every curve ends at 100% and a flat tail is flat whatever the size. A kind with no data is
    listed in the legend as "none yet" and not drawn. ``standalone=False``: no namespace, for inline HTML."""
    if scale not in ("count", "share"):
        raise ValueError(f"scale must be 'count' or 'share', not {scale!r}")
    table = getattr(data, "saturation_", data)
    order = getattr(data, "order_used_", None)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"saturation_svg needs a fitted Saturation or its saturation_ table, not {type(data).__name__}")
    kinds = _kinds(table, kinds)
    if x_label is None:
        x_label = f"Documents, in {order}" if order else "Documents, in the order read"
    n = len(table)
    names = {k: (labels or {}).get(k) or nouns(k)[1].capitalize() for k in kinds}
    totals = {k: [int(v) for v in table[f"total_{k}"]] if f"total_{k}" in table else [0] * n for k in kinds}
    finals = {k: (t[-1] if t else 0) for k, t in totals.items()}
    legends = {k: f"{names[k]} ({finals[k]})" if finals[k] else f"{names[k]} (none yet)" for k in kinds}
    legend_width = 70 + math.ceil(CHAR_WIDTH * FONT_SIZE * max([len(t) for t in legends.values()] or [0]))
    left, right, top, bottom = MARGIN["left"], width - MARGIN["right"], MARGIN["top"], height - MARGIN["bottom"]
    if scale == "share":
        values = {k: [100 * v / finals[k] if finals[k] else 0.0 for v in t] for k, t in totals.items()}
        ticks, ymax, y_label = [0, 25, 50, 75, 100], 100, "Share of the final total seen so far (%)"
    else:
        values = {k: [float(v) for v in t] for k, t in totals.items()}
        ticks = _ticks(max(finals.values(), default=0))
        ymax, y_label = max(ticks[-1], 1), "Categories seen so far"
    full_width = width + legend_width

    def x_of(position: float) -> float:
        return (left + right) / 2 if n <= 1 else left + (position - 1) * (right - left) / (n - 1)

    def y_of(value: float) -> float:
        return bottom - value * (bottom - top) / ymax

    # A file of its own needs the SVG namespace; an <svg> inside an HTML page (the report) does not, and the
    # report keeps every address out of its page.
    namespace = {"xmlns": "http://www.w3.org/2000/svg"} if standalone else {}
    svg = ET.Element("svg", {**namespace, "width": str(full_width), "height": str(height), "viewBox": f"0 0 {full_width} {height}", "role": "img",
                             "font-family": FONT, "font-size": str(FONT_SIZE), "class": "saturation-chart"})
    ET.SubElement(svg, "title").text = title
    ET.SubElement(svg, "rect", {"x": "0", "y": "0", "width": str(full_width), "height": str(height),
                                "fill": "#ffffff"})
    _text(svg, left, 30, title, **{"font-size": str(TITLE_SIZE), "font-weight": "bold"})
    axes = ET.SubElement(svg, "g", {"class": "axes", "stroke": "#444444", "stroke-width": "1"})
    ET.SubElement(axes, "line", {"x1": _f(left), "y1": _f(bottom), "x2": _f(right), "y2": _f(bottom)})
    ET.SubElement(axes, "line", {"x1": _f(left), "y1": _f(top), "x2": _f(left), "y2": _f(bottom)})
    grid = ET.SubElement(svg, "g", {"class": "y-ticks", "text-anchor": "end"})
    for value in ticks:
        y = y_of(value)
        ET.SubElement(grid, "line", {"x1": _f(left), "y1": _f(y), "x2": _f(right), "y2": _f(y),
                                     "stroke": "#dddddd", "stroke-width": "1"})
        _text(grid, left - 8, y + 5, f"{value}%" if scale == "share" else str(value))
    xt = ET.SubElement(svg, "g", {"class": "x-ticks", "text-anchor": "middle"})
    step = max(1, math.ceil(n / 12))
    for position in range(1, n + 1):
        if (position - 1) % step == 0 or position == n:
            _text(xt, x_of(position), bottom + 20, str(position))
    _text(svg, (left + right) / 2, height - 16, x_label, **{"text-anchor": "middle", "class": "x-label"})
    _text(svg, 18, (top + bottom) / 2, y_label,
          **{"text-anchor": "middle", "class": "y-label", "transform": f"rotate(-90 18 {_f((top + bottom) / 2)})"})
    if n == 0:
        _text(svg, (left + right) / 2, (top + bottom) / 2, "No documents yet", **{"text-anchor": "middle"})
    legend = ET.SubElement(svg, "g", {"class": "legend"})
    for i, kind in enumerate(kinds):
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        name, final = names[kind], finals[kind]
        news = [int(v) for v in table[f"new_{kind}"]] if f"new_{kind}" in table else [0] * n
        if n and final:
            line = ET.SubElement(svg, "g", {"class": "series", "data-kind": kind, "stroke": colour, "fill": colour})
            points = " ".join(f"{_f(x_of(p))},{_f(y_of(v))}" for p, v in zip(range(1, n + 1), values[kind]))
            attrs = {"points": points, "fill": "none", "stroke-width": "3"}
            if dash:
                attrs["stroke-dasharray"] = dash
            polyline = ET.SubElement(line, "polyline", attrs)
            ET.SubElement(polyline, "title").text = f"{name}: {final} after {n} documents"
            if n > MAX_MARKERS:
                continue  # a dot per document would make the chart megabytes long; the line says it all
            for p, (row, value, total, new) in enumerate(zip(table.itertuples(index=False), values[kind],
                                                             totals[kind], news), start=1):
                dot = ET.SubElement(line, "circle", {"cx": _f(x_of(p)), "cy": _f(y_of(value)), "r": "4.5"})
                when = _when(getattr(row, "order_value", None))
                ET.SubElement(dot, "title").text = (f"Document {p}: {row.doc_id}{when}. {name}: {new} new, "
                                                    f"{total} of {final} so far")
        y = top + 8 + i * 26
        key = ET.SubElement(legend, "g", {"class": "legend-item", "data-kind": kind})
        attrs = {"x1": _f(right + 16), "y1": _f(y), "x2": _f(right + 46), "y2": _f(y),
                 "stroke": colour if final else GREY, "stroke-width": "3"}
        if dash:
            attrs["stroke-dasharray"] = dash
        ET.SubElement(key, "line", attrs)
        _text(key, right + 54, y + 5, legends[kind])
    return ET.tostring(svg, encoding="unicode")


class SaturationChart:
    """The chart for a notebook: shows itself as SVG; ``svg`` is the markup for a report."""

    def __init__(self, data: Any, kinds: Sequence[str] | None = None, **options: Any):
        self.svg = saturation_svg(data, kinds, **options)

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg
