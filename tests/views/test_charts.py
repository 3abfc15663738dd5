"""Plotly charts for themes: exact traces and counts from small hand-made tables."""
from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from workbench.views.charts import figure_data, theme_map, theme_names, theme_sizes, themes_by_group

NAN = math.nan

THEMES = pd.DataFrame({
    "theme_id": [0, 1, 2],
    "label": ["Paying carers", "Budget and contract", "Equal partners"],
    "keywords": ["pay; carers; time", "budget; contract", "partners; equal"],
    "size": [4, 5, 2], "doc_count": [2, 2, 2], "stability": [0.83, 0.41, NAN],
    "representative": ["We should pay carers.", "The budget is fixed.", "Equal partners."],
    "doc_id": ["a", "a", "a"], "seg_id": ["a#0", "a#1", "a#4"], "start_char": [0, 10, 40],
    "end_char": [9, 19, 49],
})
# 12 segments: a#0..a#5 in document a (a transcript), b#0..b#5 in document b (notes); b#5 is in no theme.
SEGMENTS = [  # seg_id, doc_id, theme_id, kind, speaker_role
    ("a#0", "a", 0, "transcript", "lived experience"), ("a#1", "a", 1, "transcript", "commissioner"),
    ("a#2", "a", 0, "transcript", "lived experience"), ("a#3", "a", 1, "transcript", "commissioner"),
    ("a#4", "a", 2, "transcript", "lived experience"), ("a#5", "a", 1, "transcript", "commissioner"),
    ("b#0", "b", 0, "notes", None), ("b#1", "b", 1, "notes", None), ("b#2", "b", 0, "notes", None),
    ("b#3", "b", 2, "notes", None), ("b#4", "b", 1, "notes", None), ("b#5", "b", -1, "notes", None),
]
ASSIGNMENTS = pd.DataFrame({
    "seg_id": [s[0] for s in SEGMENTS], "doc_id": [s[1] for s in SEGMENTS],
    "start_char": [10 * i for i in range(12)], "end_char": [10 * i + 9 for i in range(12)],
    "speaker": ["Ana", "Ben", "Ana", "Ben", "Ana", "Ben"] + [None] * 6,
    "theme_id": [s[2] for s in SEGMENTS], "probability": [0.9] * 11 + [0.0],
    "text": [f"text {i}" for i in range(12)],
})
SEGMENT_META = pd.DataFrame({"seg_id": [s[0] for s in SEGMENTS], "doc_id": [s[1] for s in SEGMENTS],
                             "kind": [s[3] for s in SEGMENTS], "speaker_role": [s[4] for s in SEGMENTS]})
MAP_2D = pd.DataFrame({"seg_id": [s[0] for s in SEGMENTS], "x": [float(i) for i in range(12)],
                       "y": [float(-i) for i in range(12)], "theme_id": [s[2] for s in SEGMENTS]})


def test_theme_sizes_bars_largest_first_with_stability_in_hover():
    fig = theme_sizes(THEMES)
    assert isinstance(fig, go.Figure)
    assert figure_data(fig) == [{"type": "bar", "name": "Segments", "x": [5, 4, 2],
                                 "y": ["Budget and contract", "Paying carers", "Equal partners"],
                                 "text": ["5", "4", "2"]}]
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert [list(c) for c in bar.customdata] == [[2, "0.41 (unstable)"], [2, "0.83"], [2, "not measured"]]
    assert "Stability" in bar.hovertemplate
    assert fig.layout.uirevision == "theme-sizes"
    assert fig.layout.title.text == "How big each theme is"
    assert fig.layout.font.size >= 14
    assert fig.layout.yaxis.autorange == "reversed"  # first (largest) bar at the top


def test_charts_are_deterministic():
    for make in (lambda: theme_sizes(THEMES), lambda: theme_map(MAP_2D, THEMES),
                 lambda: themes_by_group(ASSIGNMENTS, SEGMENT_META, "kind", THEMES)):
        first, second = make().to_json(), make().to_json()
        assert first == second
        assert '"uid"' not in first


def test_themes_by_document_counts_exact_and_unassigned_left_out():
    fig = themes_by_group(ASSIGNMENTS, SEGMENT_META, by="doc_id", themes=THEMES)
    (data,) = figure_data(fig)
    assert data["type"] == "heatmap"
    assert data["x"] == ["a", "b"]
    assert data["y"] == ["Budget and contract", "Paying carers", "Equal partners"]
    assert data["z"] == [[3, 2], [2, 2], [1, 1]]
    assert sum(map(sum, data["z"])) == 11  # b#5 is in no theme
    assert fig.layout.uirevision == "themes-by-doc_id"
    assert fig.layout.xaxis.title.text == "Document"


def test_themes_by_kind_and_by_speaker_role():
    kind = figure_data(themes_by_group(ASSIGNMENTS, SEGMENT_META, by="kind", themes=THEMES))[0]
    assert kind["x"] == ["notes", "transcript"]
    assert kind["z"] == [[2, 3], [2, 2], [1, 1]]
    role = figure_data(themes_by_group(ASSIGNMENTS, SEGMENT_META, by="speaker_role", themes=THEMES))[0]
    assert role["x"] == ["commissioner", "lived experience", "(not set)"]  # missing roles last
    assert role["z"] == [[3, 0, 2], [0, 2, 2], [0, 1, 1]]


def test_themes_by_group_without_themes_table_and_bad_group():
    data = figure_data(themes_by_group(ASSIGNMENTS, SEGMENT_META, by="doc_id"))[0]
    assert data["y"] == ["Theme 0", "Theme 1", "Theme 2"]
    assert data["z"] == [[2, 2], [3, 2], [1, 1]]
    with pytest.raises(ValueError, match="speaker_role"):
        themes_by_group(ASSIGNMENTS, SEGMENT_META, by="speaker")


def test_theme_with_no_segments_gets_a_row_of_zeros():
    extra = pd.concat([THEMES, THEMES.iloc[[0]].assign(theme_id=7, label="Empty", size=0)], ignore_index=True)
    data = figure_data(themes_by_group(ASSIGNMENTS, SEGMENT_META, by="doc_id", themes=extra))[0]
    assert data["y"][-1] == "Empty"
    assert data["z"][-1] == [0, 0]


def test_theme_map_one_trace_per_theme_unassigned_grey():
    fig = theme_map(MAP_2D, THEMES)
    data = figure_data(fig)
    assert [d["name"] for d in data] == ["Not in any theme", "Budget and contract", "Paying carers",
                                         "Equal partners"]
    assert data[0]["text"] == ["b#5"] and data[0]["x"] == [11.0] and data[0]["y"] == [-11.0]
    assert data[1]["text"] == ["a#1", "a#3", "a#5", "b#1", "b#4"]
    assert data[1]["x"] == [1.0, 3.0, 5.0, 7.0, 10.0]
    assert data[2]["text"] == ["a#0", "a#2", "b#0", "b#2"]
    assert data[3]["text"] == ["a#4", "b#3"]
    assert fig.data[0].marker.color == "#b0b0b0"
    assert len({t.marker.color for t in fig.data}) == 4
    assert all("%{text}" in t.hovertemplate for t in fig.data)  # the hover shows the seg_id
    assert fig.layout.uirevision == "theme-map"
    assert sum(len(d["x"]) for d in data) == 12


def test_figure_data_is_plain_json():
    for fig in (theme_sizes(THEMES), theme_map(MAP_2D, THEMES),
                themes_by_group(ASSIGNMENTS, SEGMENT_META, "speaker_role", THEMES)):
        data = figure_data(fig)
        assert json.loads(json.dumps(data)) == data


def test_duplicate_labels_stay_apart():
    twins = THEMES.assign(label=["Money", "Money", ""])
    assert theme_names(twins) == {0: "Money (theme 0)", 1: "Money (theme 1)", 2: "Theme 2"}
    assert figure_data(theme_sizes(twins))[0]["y"] == ["Money (theme 1)", "Money (theme 0)", "Theme 2"]
