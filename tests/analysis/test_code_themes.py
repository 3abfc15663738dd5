"""Codes versus themes: counts, shares, relations, drill-down with offsets, and clear errors."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.analysis.code_themes import CodeThemeError, CodeThemeMatrix, relation, theme_names
from workbench.errors import NotFittedError

# Ten segments in three documents. Themes: 0 (s1-s4), 1 (s5-s7), -1 (s8-s10).
THEME_OF = {"a#1": 0, "a#2": 0, "a#3": 0, "b#1": 0, "b#2": 1, "b#3": 1, "c#1": 1, "c#2": -1, "c#3": -1,
            "c#4": -1}
ASSIGNMENTS = pd.DataFrame({"seg_id": list(THEME_OF), "doc_id": [s.split("#")[0] for s in THEME_OF],
                            "theme_id": list(THEME_OF.values())})
THEMES = pd.DataFrame({"theme_id": [1, 0], "label": ["money and pay", "being heard"], "size": [3, 4]})


def coding(seg_id: str, code: str, coder: str = "Ana", start: int = 0, end: int = 10) -> dict:
    return {"doc_id": seg_id.split("#")[0], "seg_id": seg_id, "start_char": start, "end_char": end,
            "speaker": "Rose", "code": code, "coder": coder, "text": f"text of {seg_id}"}


def codes_frame() -> pd.DataFrame:
    rows = [
        # 'voice': 3 segments, all in theme 0, which holds nothing else coded -> agree
        coding("a#1", "voice"), coding("a#2", "voice"), coding("a#3", "voice"),
        coding("a#1", "voice", coder="Ben"),  # a second coder of the same span: one segment, one row
        # 'pay': 4 segments, 2 in theme 1, 1 in theme 0 (b#1) and 1 outside
        coding("b#2", "pay"), coding("b#3", "pay"), coding("b#1", "pay"), coding("c#2", "pay"),
        # 'jargon': 1 segment in theme 1 -> the code lies in a theme that holds 'pay' too
        coding("c#1", "jargon"),
        # 'time': two spans in one outside segment
        coding("c#3", "time", start=0, end=5), coding("c#3", "time", start=20, end=30),
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def fitted() -> CodeThemeMatrix:
    return CodeThemeMatrix().fit(codes_frame(), ASSIGNMENTS, THEMES)


def test_matrix_counts_distinct_segments_with_themes_largest_first_and_outside_last(fitted):
    m = fitted.matrix_
    assert list(m.columns) == [0, 1, -1]  # theme 0 has 4 segments, theme 1 has 3
    assert list(m.index) == ["jargon", "pay", "time", "voice"]
    assert m.loc["voice"].tolist() == [3, 0, 0]  # Ben's coding of a#1 does not count twice
    assert m.loc["pay"].tolist() == [1, 2, 1]
    assert m.loc["jargon"].tolist() == [0, 1, 0]
    assert m.loc["time"].tolist() == [0, 0, 1]  # two spans of one segment: one segment
    assert fitted.names_ == {0: "being heard", 1: "money and pay", -1: "Not in any theme"}


def test_shares_and_relations_say_where_codes_and_themes_agree_and_part(fitted):
    cells = fitted.cells_.set_index(["code", "theme_id"])
    voice = cells.loc[("voice", 0)]
    assert (voice.code_share, voice.theme_share, voice.relation) == (1.0, 0.75, "agree")
    pay_1 = cells.loc[("pay", 1)]
    assert pay_1.code_share == 0.5 and pay_1.theme_share == round(2 / 3, 4)
    assert pay_1.relation == "theme inside code"  # half of 'pay' is not most of it; the theme is mostly 'pay'
    assert cells.loc[("pay", 0)].relation == "partial"  # 1 of 4 'pay' segments, 1 of 4 coded in theme 0
    jargon = cells.loc[("jargon", 1)]
    assert (jargon.code_share, jargon.relation) == (1.0, "code inside theme")
    assert cells.loc[("time", -1)].relation == "outside themes"
    assert ("voice", 1) not in cells.index  # empty cells are not listed


def test_relation_rules():
    assert relation(0.9, 0.9, 3) == "agree"
    assert relation(0.9, 0.2, 3) == "code inside theme"
    assert relation(0.2, 0.9, 3) == "theme inside code"
    assert relation(0.2, 0.2, 3) == "partial"
    assert relation(1.0, 1.0, -1) == "outside themes"
    assert relation(0.6, 0.6, 3, min_share=0.7) == "partial"
    assert relation(0.5, 0.5, 3) == "partial"  # split 1-1: neither mostly


def test_readings_per_code_and_per_theme(fitted):
    codes = fitted.codes_.set_index("code")
    assert codes.loc["voice", "reading"] == "mostly in one theme (agree)"
    assert codes.loc["jargon", "reading"] == "mostly in one theme (code inside theme)"
    assert codes.loc["pay", "main_theme"] == "money and pay" and codes.loc["pay", "outside_share"] == 0.25
    assert codes.loc["pay", "reading"] == "spread over 2 themes"
    assert codes.loc["time", "reading"] == "mostly outside the themes"
    assert codes.loc["time", "main_theme_id"] == -1
    themes = fitted.themes_.set_index("theme_id")
    assert themes.loc[0, "reading"] == "mostly coded 'voice'"
    assert (themes.loc[0, "size"], themes.loc[0, "coded_segments"], themes.loc[0, "codes"]) == (4, 4, 2)
    assert themes.loc[1, "reading"] == "mostly coded 'pay'"


def test_a_theme_nobody_coded_is_named_as_such():
    codes = pd.DataFrame([coding("a#1", "voice")])
    fitted = CodeThemeMatrix().fit(codes, ASSIGNMENTS, THEMES)
    theme_1 = fitted.themes_.set_index("theme_id").loc[1]
    assert theme_1.coded_segments == 0 and theme_1.reading.startswith("no passage of it was coded")
    assert fitted.codes_.loc[0, "reading"] == "mostly in one theme (agree)"


def test_drill_down_keeps_offsets_and_joins_coders(fitted):
    rows = fitted.segments_
    for column in ("doc_id", "seg_id", "start_char", "end_char"):
        assert rows[column].notna().all()
    a1 = rows[(rows.code == "voice") & (rows.seg_id == "a#1")]
    assert len(a1) == 1 and a1.iloc[0].coders == "Ana; Ben" and a1.iloc[0].theme == "being heard"
    cell = fitted.quotes(code="pay", theme_id=1)
    assert cell[["seg_id", "start_char", "end_char"]].values.tolist() == [["b#2", 0, 10], ["b#3", 0, 10]]
    time = fitted.quotes(code="time")
    assert time[["start_char", "end_char"]].values.tolist() == [[0, 5], [20, 30]]  # both spans, in order
    column = fitted.quotes(theme_id=0)
    assert set(column["code"]) == {"voice", "pay"} and len(column) == 4
    # every cell's count is the number of distinct segments among its quotes
    for cell in fitted.cells_.itertuples():
        assert fitted.quotes(cell.code, cell.theme_id)["seg_id"].nunique() == cell.segments


def test_spreadsheet_table_has_one_row_per_code_and_one_column_per_theme(fitted):
    table = fitted.table()
    assert list(table.columns) == ["code", "coded_segments", "main_theme", "main_share", "reading",
                                   "0: being heard", "1: money and pay", "-1: Not in any theme"]
    assert table.set_index("code").loc["pay", "1: money and pay"] == 2
    assert table["coded_segments"].tolist() == [1, 4, 1, 3]


def test_codings_of_segments_without_a_theme_result_are_listed_not_counted():
    codes = pd.concat([codes_frame(), pd.DataFrame([coding("z#9", "voice")])], ignore_index=True)
    fitted = CodeThemeMatrix().fit(codes, ASSIGNMENTS, THEMES)
    assert fitted.unmatched_["seg_id"].tolist() == ["z#9"]
    assert int(fitted.matrix_.loc["voice"].sum()) == 3


def test_duplicate_labels_get_the_theme_number():
    themes = pd.DataFrame({"theme_id": [0, 1], "label": ["care", "care"], "size": [4, 3]})
    assert theme_names(themes, [0, 1, -1]) == {0: "care (theme 0)", 1: "care (theme 1)", -1: "Not in any theme"}
    assert theme_names(None, [2]) == {2: "Theme 2"}


def test_no_codes_gives_empty_results():
    empty = codes_frame().iloc[0:0]
    fitted = CodeThemeMatrix().fit(empty, ASSIGNMENTS, THEMES)
    assert fitted.matrix_.empty and fitted.cells_.empty and fitted.codes_.empty
    assert list(fitted.themes_["coded_segments"]) == [0, 0, 0]


def test_bad_input_gives_a_numbered_error():
    with pytest.raises(CodeThemeError, match=r"\[E421\].*'codes' lacks the column\(s\) \['end_char'\]"):
        CodeThemeMatrix().fit(codes_frame().drop(columns="end_char"), ASSIGNMENTS)
    with pytest.raises(CodeThemeError, match=r"\[E421\].*'assignments' is a list"):
        CodeThemeMatrix().fit(codes_frame(), [])
    with pytest.raises(CodeThemeError, match=r"\[E421\].*min_share"):
        CodeThemeMatrix(min_share=0).fit(codes_frame(), ASSIGNMENTS)
    with pytest.raises(NotFittedError, match="E250"):
        CodeThemeMatrix().quotes("voice")


def test_the_grid_widget_shows_a_cells_quotes_escaped(fitted):
    from workbench.views.code_theme_view import CodeThemeWidget

    codes = pd.concat([codes_frame(), pd.DataFrame([{**coding("c#4", "<b>x</b>"), "text": "<script>1</script>"}])])
    ui = CodeThemeWidget(CodeThemeMatrix().fit(codes, ASSIGNMENTS, THEMES))
    assert set(ui.buttons) == {("voice", 0), ("pay", 0), ("pay", 1), ("pay", -1), ("jargon", 1), ("time", -1),
                               ("<b>x</b>", -1)}
    assert ui.buttons[("pay", 1)].description == "2"
    ui.buttons[("pay", 1)].click()
    html = ui.quotes.value
    assert "pay × money and pay: 2 coded passages · theme inside code" in html
    assert html.count('class="wb-ct-quote"') == 2 and "<code>b#2</code> [0-10]" in html
    assert ui.buttons[("pay", 1)].button_style == "info" and ui.buttons[("voice", 0)].button_style == ""
    ui.show("<b>x</b>", -1)
    assert "<script>" not in ui.quotes.value and "&lt;script&gt;" in ui.quotes.value
    assert "&lt;b&gt;x&lt;/b&gt;" in ui.quotes.value
