"""Plotly charts for themes: how big each theme is, where themes occur, and a map of segments.

Every function takes plain DataFrames and returns a ``plotly.graph_objects.Figure``. Figures are
deterministic (no random ids; the same input gives the same JSON), carry a fixed ``uirevision`` so
zoom and selection survive redraws, and use large fonts and plain titles. ``figure_data`` turns a
figure into plain lists for tests and for printing in notebooks.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..values import is_missing, stability_level

UNASSIGNED = -1
UNASSIGNED_NAME = "Not in any theme"
MISSING_GROUP = "(not set)"
GROUPS = {"doc_id": "Document", "kind": "Kind of document", "speaker_role": "Speaker role"}
FONT_SIZE = 16
TITLE_SIZE = 20
GREY = "#b0b0b0"
# A fixed palette (colour-blind friendly "Tableau 10"), cycled in theme order.
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#17becf"]


def _stability_text(value: Any) -> str:
    if is_missing(value):
        return "not measured"
    text = f"{float(value):.2f}"
    return text + " (unstable)" if stability_level(value) == "unstable" else text


def theme_names(themes: pd.DataFrame | None) -> dict[int, str]:
    """Display name for each theme id: its label, or "Theme N" when it has none. Labels used by
    more than one theme get " (theme N)" added so chart categories never merge."""
    if themes is None or themes.empty:
        return {}
    names: dict[int, str] = {}
    for row in themes.itertuples(index=False):
        label = row.label if isinstance(row.label, str) and row.label.strip() else ""
        names[int(row.theme_id)] = label.strip() or f"Theme {int(row.theme_id)}"
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {tid: (f"{name} (theme {tid})" if counts[name] > 1 else name) for tid, name in names.items()}


def _ordered_themes(themes: pd.DataFrame) -> pd.DataFrame:
    """Themes largest first (ties by id), without an unassigned row."""
    frame = themes[themes["theme_id"] != UNASSIGNED]
    return frame.sort_values(["size", "theme_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def _layout(fig: go.Figure, title: str, revision: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": TITLE_SIZE}, "x": 0.0, "xanchor": "left"},
        font={"size": FONT_SIZE}, hoverlabel={"font": {"size": FONT_SIZE}},
        uirevision=revision, height=height, template="plotly_white",
        margin={"l": 20, "r": 20, "t": 70, "b": 60},
    )
    return fig


def theme_sizes(themes: pd.DataFrame) -> go.Figure:
    """Horizontal bars: how many segments each theme has, largest at the top. The hover shows the
    number of documents and the stability (how reliably the theme comes back when re-run)."""
    ordered = _ordered_themes(themes)
    names = theme_names(ordered)
    fig = go.Figure(go.Bar(
        x=[int(s) for s in ordered["size"]],
        y=[names[int(t)] for t in ordered["theme_id"]],
        orientation="h", name="Segments", marker={"color": PALETTE[0]},
        text=[str(int(s)) for s in ordered["size"]], textposition="auto",
        customdata=[[int(d), _stability_text(s)] for d, s in zip(ordered["doc_count"], ordered["stability"])],
        hovertemplate="<b>%{y}</b><br>Segments: %{x}<br>Documents: %{customdata[0]}"
                      "<br>Stability: %{customdata[1]}<extra></extra>",
    ))
    fig.update_yaxes(type="category", autorange="reversed", title=None, automargin=True)
    fig.update_xaxes(title="Number of segments", rangemode="tozero")
    return _layout(fig, "How big each theme is", "theme-sizes", max(320, 44 * len(ordered) + 140))


def themes_by_group(assignments: pd.DataFrame, segment_meta: pd.DataFrame, by: str = "doc_id",
                    themes: pd.DataFrame | None = None) -> go.Figure:
    """Heatmap of segment counts: one row per theme, one column per document, kind or speaker role.
    Segments not in any theme are left out. With ``themes``, rows follow the theme sizes (largest
    first, themes with no segments get a row of zeros) and use the theme labels."""
    if by not in GROUPS:
        raise ValueError(f"Cannot group themes by {by!r}: choose one of {', '.join(GROUPS)}.")
    assigned = assignments[assignments["theme_id"] != UNASSIGNED][["seg_id", "theme_id"]]
    meta = segment_meta[["seg_id", by]].drop_duplicates("seg_id")
    joined = assigned.merge(meta, on="seg_id", how="left")
    if by == "doc_id" and "doc_id" in assignments.columns:  # the assignment knows its document itself
        own = assignments.set_index("seg_id")["doc_id"]
        joined["doc_id"] = joined["doc_id"].fillna(joined["seg_id"].map(own))
    joined["group"] = [v if isinstance(v, str) and v else MISSING_GROUP for v in joined[by]]
    counts = joined.groupby(["theme_id", "group"]).size()

    if themes is not None:
        ordered = _ordered_themes(themes)
        theme_ids = [int(t) for t in ordered["theme_id"]]
        theme_ids += sorted({int(t) for t in joined["theme_id"]} - set(theme_ids))
        names = theme_names(ordered)
    else:
        theme_ids, names = sorted({int(t) for t in joined["theme_id"]}), {}
    groups = sorted({g for g in joined["group"] if g != MISSING_GROUP})
    if (joined["group"] == MISSING_GROUP).any():
        groups.append(MISSING_GROUP)
    z = [[int(counts.get((tid, g), 0)) for g in groups] for tid in theme_ids]
    label = GROUPS[by]
    fig = go.Figure(go.Heatmap(
        z=z, x=groups, y=[names.get(t, f"Theme {t}") for t in theme_ids],
        colorscale="Blues", zmin=0, texttemplate="%{z}", textfont={"size": FONT_SIZE},
        colorbar={"title": {"text": "Segments"}},
        hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{x}}<br>Segments: %{{z}}<extra></extra>",
    ))
    fig.update_yaxes(type="category", autorange="reversed", automargin=True, title=None)
    fig.update_xaxes(type="category", title=label, automargin=True, side="bottom")
    title = f"Where each theme occurs, by {label.lower()}"
    return _layout(fig, title, f"themes-by-{by}", max(320, 44 * len(theme_ids) + 180))


def theme_map(map_2d: pd.DataFrame, themes: pd.DataFrame | None = None) -> go.Figure:
    """Scatter of segments on a 2D map (similar segments sit close together), one trace per theme
    in theme order, segments in no theme in grey underneath. The hover shows the segment id."""
    names = theme_names(themes)
    present = {int(t) for t in map_2d["theme_id"]}
    order = [int(t) for t in _ordered_themes(themes)["theme_id"]] if themes is not None and not themes.empty else []
    order = [t for t in order if t in present] + sorted(present - set(order) - {UNASSIGNED})
    traces = []
    if UNASSIGNED in present:
        traces.append((UNASSIGNED, UNASSIGNED_NAME, GREY))
    traces += [(tid, names.get(tid, f"Theme {tid}"), PALETTE[i % len(PALETTE)]) for i, tid in enumerate(order)]
    fig = go.Figure()
    for tid, name, colour in traces:
        points = map_2d[map_2d["theme_id"] == tid]
        fig.add_trace(go.Scatter(
            x=[float(v) for v in points["x"]], y=[float(v) for v in points["y"]],
            mode="markers", name=name, text=[str(s) for s in points["seg_id"]],
            marker={"color": colour, "size": 7 if tid == UNASSIGNED else 10,
                    "opacity": 0.6 if tid == UNASSIGNED else 0.9},
            hovertemplate="<b>%{text}</b><br>%{fullData.name}<extra></extra>",
        ))
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    fig.update_layout(legend={"title": {"text": "Theme"}, "itemsizing": "constant"})
    return _layout(fig, "Map of segments: similar segments are close together", "theme-map", 600)


def _plain(value: Any) -> Any:
    """numpy scalars and arrays, tuples and nested sequences as plain Python values."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


def figure_data(fig: go.Figure) -> list[dict]:
    """The data of each trace as plain Python: type, name, x, y, and z/text when a trace has them."""
    out = []
    for trace in fig.data:
        row: dict[str, Any] = {"type": trace.type, "name": trace.name,
                               "x": _plain(trace.x) if trace.x is not None else [],
                               "y": _plain(trace.y) if trace.y is not None else []}
        for key in ("z", "text"):
            value = getattr(trace, key, None)
            if value is not None and not isinstance(value, str):
                row[key] = _plain(value)
        out.append(row)
    return out
