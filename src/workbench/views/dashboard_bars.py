"""Bar charts for the dashboard's theme, barrier, enabler and benefit lists: each list button becomes a bar.

A trainer's room would rather look than read, so every button of a list is filled from the left in
proportion to its count (the longest bar is the largest count), with the label and count on top in large
type. Clicking a bar is clicking the button: it shows that item's quotes, as before.

The bars are ipywidgets buttons styled with CSS, not a plotly figure: in Voila a plotly figure needs
plotly.js from a CDN (nothing may leave the machine) or a 3.5 MB inline bundle, and click events need
``FigureWidget``, which in plotly 7 needs ``anywidget``. Plain buttons work offline in JupyterLab and Voila,
and their click-through is ``Button.on_click``, testable without a browser.

``bars`` (plain Python) computes each bar's width; ``attach_bars`` gives each button its CSS classes and
returns the ``<style>`` rules (an HTML widget) that draw the bars; ``hint`` says how to use them.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Hashable, Iterable

MIN_WIDTH = 3.0  # percent: a count of 1 among hundreds still shows a sliver
COLOURS = {"theme": "#9fbfe0", "barrier": "#f0a8aa", "enabler": "#a9d8a1", "benefit": "#f7c99b"}
EDGES = {"theme": "#2a6fb0", "barrier": "#c0392b", "enabler": "#3d8b37", "benefit": "#b8650f"}
HINT = "The longer the bar, the more passages. Click a bar to read them."


@dataclass(frozen=True)
class Bar:
    """One bar: the item's key (theme id, or (kind, category)), its label, count and width in percent."""

    key: Hashable
    label: str
    count: int
    width: float


def bars(items: Iterable[tuple[Hashable, str, int]]) -> list[Bar]:
    """Bars for (key, label, count) items, in the given order; the largest count fills the width."""
    items = [(key, str(label), int(count)) for key, label, count in items]
    biggest = max((count for _, _, count in items), default=0)
    out = []
    for key, label, count in items:
        width = 0.0 if count <= 0 or biggest <= 0 else max(MIN_WIDTH, round(100.0 * count / biggest, 1))
        out.append(Bar(key, label, count, width))
    return out


def css_class(name: str, index: int) -> str:
    return f"wb-bar-{name}-{index}"


def style_rules(name: str, chart: list[Bar], colour: str, edge: str) -> str:
    """CSS that fills each bar's button to its width (a light fill, a dark edge on the left)."""
    rules = [f".wb-dash .wb-bar-{escape(name)} {{ border-left: 8px solid {edge} !important; }}"]
    for i, bar in enumerate(chart):
        fill = (f"linear-gradient(to right, {colour} 0%, {colour} {bar.width}%, transparent {bar.width}%, "
                "transparent 100%)")
        rules.append(f".wb-dash .{css_class(name, i)} {{ background-image: {fill} !important; }}")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def attach_bars(widgets_module: Any, buttons: dict, chart: list[Bar], name: str):
    """Give each button of ``buttons`` (keyed like the bars) the classes of its bar, and return the HTML
    widget with the chart's ``<style>``, to put in the same page. ``name`` picks the colours (theme, barrier,
    enabler or benefit) and names the classes: ``wb-bar``, ``wb-bar-<name>``, ``wb-bar-<name>-<i>``."""
    for i, bar in enumerate(chart):
        button = buttons[bar.key]
        for cls in ("wb-bar", f"wb-bar-{name}", css_class(name, i)):
            button.add_class(cls)
    style = widgets_module.HTML(style_rules(name, chart, COLOURS.get(name, COLOURS["theme"]),
                                            EDGES.get(name, EDGES["theme"])))
    style.add_class(f"wb-bar-style-{name}")
    return style


def hint(widgets_module: Any):
    """The one line that says how to read and use the bars."""
    return widgets_module.HTML(f'<div class="wb-dash-bar-hint">{escape(HINT)}</div>')
