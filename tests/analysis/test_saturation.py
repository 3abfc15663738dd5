"""Saturation: new categories per document, in date / metadata / corpus order, with exact counts, first
occurrences and the plain-language reading, from small hand-made tables (and invariants on the demo)."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest

from workbench.analysis.procedural import PROCEDURAL_LABEL
from workbench.analysis.saturation import (FIRST_COLUMNS, Saturation, parse_date, phrase_rows,
                                           saturation_tables, theme_rows)
from workbench.errors import WorkbenchError
from workbench.export.tables import read_table_csv, write_table_csv

# Corpus order c, a, b, d; date order a, b, c, d; session order (numbers) a (1), d (2), c (3), b (10).
DOCS = pd.DataFrame({
    "doc_id": ["c.txt", "a.txt", "b.txt", "d.txt"],
    "date": ["2025-03-01", "2025-01-15", "2025-02-01", "2025-04-01"],
    "session": ["3", "1", "10", "2"],
})


def occ(rows: list[tuple], column: str = "category") -> pd.DataFrame:
    """(doc_id, seg_id, start_char, end_char, category) rows as an occurrence table."""
    return pd.DataFrame(rows, columns=["doc_id", "seg_id", "start_char", "end_char", column])


CODES = occ([
    ("a.txt", "a.txt#0001", 50, 60, "pay"),
    ("a.txt", "a.txt#0000", 10, 20, "trust"),
    ("a.txt", "a.txt#0000", 5, 8, "trust"),        # earlier in a.txt: this is trust's first occurrence
    ("b.txt", "b.txt#0000", 0, 10, "pay"),
    ("b.txt", "b.txt#0002", 30, 40, "power"),
    ("c.txt", "c.txt#0000", 0, 12, "trust"),
    ("d.txt", "d.txt#0001", 3, 9, "pay"),
], column="code")
BARRIERS = occ([
    ("b.txt", "b.txt#0001", 12, 30, "jargon"),
    ("c.txt", "c.txt#0002", 40, 55, "jargon"),
    ("c.txt", "c.txt#0001", 20, 35, "time"),
    ("d.txt", "d.txt#0000", 0, 20, "time"),
])


def fit(order_by=None, docs=DOCS, **tables) -> Saturation:
    tables = tables or {"codes": CODES, "barriers": BARRIERS}
    return Saturation(order_by=order_by).fit(docs, tables)


# -- counts and first occurrences ----------------------------------------------------------------
def test_counts_new_and_cumulative_categories_per_document_in_date_order():
    sat = fit()
    table = sat.saturation_
    assert list(table["doc_id"]) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert list(table["position"]) == [1, 2, 3, 4]
    assert list(table["order_value"]) == ["2025-01-15", "2025-02-01", "2025-03-01", "2025-04-01"]
    assert list(table["new_codes"]) == [2, 1, 0, 0]
    assert list(table["total_codes"]) == [2, 3, 3, 3]
    assert list(table["new_codes_list"]) == ["trust; pay", "power", "", ""]
    assert list(table["new_codes_at"]) == ["a.txt#0000 5-8; a.txt#0001 50-60", "b.txt#0002 30-40", "", ""]
    assert list(table["new_barriers"]) == [0, 1, 1, 0]
    assert list(table["total_barriers"]) == [0, 1, 2, 2]
    assert list(table["new_barriers_list"]) == ["", "jargon", "time", ""]
    assert list(table.columns) == ["position", "doc_id", "order_value",
                                   "new_codes", "total_codes", "new_codes_list", "new_codes_at",
                                   "new_barriers", "total_barriers", "new_barriers_list", "new_barriers_at"]
    assert sat.order_used_ == "date order ('date')"
    assert sat.kinds_ == ["codes", "barriers"]


def test_first_occurrences_trace_each_category_to_its_earliest_quote():
    first = fit().first_occurrences_
    assert list(first.columns) == FIRST_COLUMNS
    rows = [tuple(r) for r in first[["kind", "category", "position", "doc_id", "seg_id", "start_char", "end_char",
                                     "count", "doc_count"]].itertuples(index=False)]
    assert rows == [
        ("codes", "trust", 1, "a.txt", "a.txt#0000", 5, 8, 3, 2),
        ("codes", "pay", 1, "a.txt", "a.txt#0001", 50, 60, 3, 3),
        ("codes", "power", 2, "b.txt", "b.txt#0002", 30, 40, 1, 1),
        ("barriers", "jargon", 2, "b.txt", "b.txt#0001", 12, 30, 2, 2),
        ("barriers", "time", 3, "c.txt", "c.txt#0001", 20, 35, 2, 2),
    ]
    assert list(first["order_value"]) == ["2025-01-15", "2025-01-15", "2025-02-01", "2025-02-01", "2025-03-01"]
    assert list(first["text"]) == [""] * 5  # no segments given: no words to show


def test_first_occurrence_moves_with_the_order():
    """In corpus order c.txt comes first, so trust and both barrier categories are first seen there."""
    sat = fit(order_by="corpus")
    assert list(sat.saturation_["doc_id"]) == ["c.txt", "a.txt", "b.txt", "d.txt"]
    assert list(sat.saturation_["new_codes"]) == [1, 1, 1, 0]
    assert list(sat.saturation_["new_codes_list"]) == ["trust", "pay", "power", ""]
    assert list(sat.saturation_["new_barriers"]) == [2, 0, 0, 0]
    assert list(sat.saturation_["new_barriers_list"]) == ["time; jargon", "", "", ""]
    assert list(sat.saturation_["order_value"]) == ["", "", "", ""]
    assert sat.order_used_ == "corpus order"


# -- order -----------------------------------------------------------------------------------------
def test_order_by_a_metadata_column_of_numbers_sorts_them_as_numbers():
    sat = fit(order_by="session")
    assert list(sat.saturation_["doc_id"]) == ["a.txt", "d.txt", "c.txt", "b.txt"]  # 1, 2, 3, 10 (not "10" < "2")
    assert list(sat.saturation_["order_value"]) == ["1", "2", "3", "10"]
    assert sat.order_used_ == "the order of the metadata column 'session'"
    assert list(sat.saturation_["new_codes"]) == [2, 0, 0, 1]


def test_order_by_decimal_numbers_is_numeric():
    docs = DOCS.assign(wave=["1.5", "-2", "1.25", "10"])
    assert list(fit(order_by="wave", docs=docs).saturation_["doc_id"]) == ["a.txt", "b.txt", "c.txt", "d.txt"]


def test_order_by_text_column_sorts_naturally_and_missing_values_come_last():
    docs = DOCS.assign(workshop=["Session 10", "", "Session 2", "session 9"])
    sat = fit(order_by="workshop", docs=docs)
    assert list(sat.saturation_["doc_id"]) == ["b.txt", "d.txt", "c.txt", "a.txt"]
    assert any("a.txt" in note and "no value in 'workshop'" in note for note in sat.notes_)


def test_without_a_date_column_documents_are_in_corpus_order():
    sat = fit(docs=DOCS[["doc_id"]])
    assert list(sat.saturation_["doc_id"]) == ["c.txt", "a.txt", "b.txt", "d.txt"]
    assert sat.order_used_ == "corpus order"
    assert sat.notes_ == ["The documents have no 'date' values, so they are read in corpus order."]
    assert "in corpus order (they have no readable dates)" in sat.reading_[0]


def test_a_plain_list_of_doc_ids_is_corpus_order():
    sat = Saturation().fit(["d.txt", "a.txt"], {"codes": CODES})
    assert list(sat.saturation_["doc_id"]) == ["d.txt", "a.txt"]
    assert list(sat.saturation_["new_codes"]) == [1, 1]  # pay in d.txt; trust in a.txt (pay is not new there)


def test_same_date_is_broken_by_doc_id():
    docs = pd.DataFrame({"doc_id": ["z.txt", "m.txt", "b.txt"], "date": ["2025-05-01", "2025-05-01", "2025-06-01"]})
    sat = Saturation().fit(docs, {})
    assert list(sat.saturation_["doc_id"]) == ["m.txt", "z.txt", "b.txt"]


def test_dates_in_other_formats_are_read_day_first():
    docs = pd.DataFrame({"doc_id": ["x", "y", "z"], "date": ["14/03/2025", "2025-03-02", "1 March 2025"]})
    sat = Saturation().fit(docs, {})
    assert list(sat.saturation_["doc_id"]) == ["z", "y", "x"]
    assert parse_date("03/04/2025") == pd.Timestamp("2025-04-03")
    assert parse_date("2025-03-04") == parse_date("2025/03/04") == pd.Timestamp("2025-03-04")
    assert parse_date("2025-04-03T10:00:00+02:00") == pd.Timestamp("2025-04-03 08:00:00")
    assert parse_date("12 June") is None  # no year: not a date
    assert parse_date("soon") is None


def test_unparseable_dates_come_last_with_a_warning_and_a_note_never_a_crash():
    docs = DOCS.assign(date=["2025-03-01", "soon", "", "2025-04-01"])
    with pytest.warns(UserWarning, match=r"\[W640\] 2 document\(s\) have no readable date in 'date'"):
        sat = fit(docs=docs)
    assert list(sat.saturation_["doc_id"]) == ["c.txt", "d.txt", "a.txt", "b.txt"]  # dated, then by doc_id
    assert list(sat.saturation_["order_value"]) == ["2025-03-01", "2025-04-01", "soon", ""]
    assert sat.order_used_ == "date order ('date')"
    assert sat.notes_ == ["2 documents have no readable date in 'date' (a.txt, b.txt); they come after the "
                          "others, ordered by doc_id."]
    assert "2 documents have no readable date" in sat.reading_[0]


def test_no_readable_date_at_all_falls_back_to_corpus_order():
    docs = DOCS.assign(date=["spring", "summer", "autumn", "winter"])
    with pytest.warns(UserWarning, match="W640"):
        sat = fit(docs=docs)
    assert list(sat.saturation_["doc_id"]) == ["c.txt", "a.txt", "b.txt", "d.txt"]
    assert sat.order_used_ == "corpus order"
    assert "could be read as a date" in sat.notes_[0]


def test_unknown_order_column_is_a_numbered_error():
    with pytest.raises(WorkbenchError, match=r"\[E641\] Cannot order the documents by 'sesion'.*session"):
        fit(order_by="sesion")


def test_duplicate_doc_ids_are_a_numbered_error():
    docs = pd.DataFrame({"doc_id": ["a.txt", "b.txt", "a.txt"], "date": ["2025-01-01"] * 3})
    with pytest.raises(WorkbenchError, match=r"\[E640\] 1 doc_id\(s\) appear more than once.*'a.txt'") as err:
        Saturation().fit(docs, {"codes": CODES})
    assert err.value.code == "E640"


# -- input tables ----------------------------------------------------------------------------------
def test_empty_kinds_and_documents_without_rows_count_zero():
    empty = pd.DataFrame(columns=["doc_id", "seg_id", "start_char", "end_char", "category"])
    sat = Saturation().fit(DOCS, {"codes": None, "barriers": empty, "enablers": BARRIERS.iloc[:1]})
    table = sat.saturation_
    assert list(table["total_codes"]) == [0, 0, 0, 0] and list(table["new_codes_list"]) == ["", "", "", ""]
    assert list(table["total_barriers"]) == [0, 0, 0, 0]
    assert list(table["new_enablers"]) == [0, 1, 0, 0]
    assert sat.reading_by_kind_["codes"] == "No codes yet: there is nothing to count."
    assert sat.reading_by_kind_["barriers"] == "No barrier categories yet: there is nothing to count."
    assert list(sat.first_occurrences_["kind"]) == ["enablers"]


def test_missing_category_column_is_a_numbered_error():
    with pytest.raises(WorkbenchError, match=r"\[E642\] The codes table.*no category column 'code'"):
        Saturation().fit(DOCS, {"codes": BARRIERS})
    sat = Saturation().fit(DOCS, {"codes": BARRIERS}, category_columns={"codes": "category"})
    assert sat.saturation_["total_codes"].iat[-1] == 2


def test_offsets_come_from_the_segments_when_the_table_has_none():
    table = pd.DataFrame({"seg_id": ["b.txt#0001", "a.txt#0003"], "category": ["x", "y"]})
    with pytest.raises(WorkbenchError, match="E642.*doc_id, start_char, end_char"):
        Saturation().fit(DOCS, {"themes": table}, category_columns={"themes": "category"})
    segments = pd.DataFrame({"seg_id": ["a.txt#0003", "b.txt#0001"], "doc_id": ["a.txt", "b.txt"],
                             "start_char": [70, 15], "end_char": [90, 44]})
    sat = Saturation().fit(DOCS, {"themes": table}, category_columns={"themes": "category"}, segments=segments)
    first = sat.first_occurrences_
    assert [tuple(r) for r in first[["category", "doc_id", "start_char", "end_char"]].itertuples(index=False)] == \
        [("y", "a.txt", 70, 90), ("x", "b.txt", 15, 44)]


def test_rows_in_unknown_documents_or_without_category_are_left_out_and_listed():
    extra = pd.concat([BARRIERS, occ([("gone.txt", "gone.txt#0000", 0, 5, "secret"),
                                      ("a.txt", "a.txt#0004", 1, 4, None)])], ignore_index=True)
    sat = Saturation().fit(DOCS, {"barriers": extra})
    assert sat.saturation_["total_barriers"].iat[-1] == 2
    assert "secret" not in set(sat.first_occurrences_["category"])
    assert "barriers: 1 row without a category was left out." in sat.notes_
    assert any("gone.txt" in n and "not in the list" in n for n in sat.notes_)


def test_theme_rows_drop_outliers_and_the_procedural_theme():
    assignments = pd.DataFrame({"seg_id": ["a.txt#0000", "a.txt#0001", "b.txt#0000", "c.txt#0000"],
                                "doc_id": ["a.txt", "a.txt", "b.txt", "c.txt"], "theme_id": [0, -1, 2, 1],
                                "probability": [0.9, 0.0, 1.0, 0.8]})
    segments = pd.DataFrame({"seg_id": ["a.txt#0000", "a.txt#0001", "b.txt#0000", "c.txt#0000"],
                             "doc_id": ["a.txt", "a.txt", "b.txt", "c.txt"],
                             "start_char": [0, 30, 0, 0], "end_char": [29, 60, 40, 50]})
    in_memory = pd.DataFrame({"theme_id": [0, 1, 2], "label": ["pay · carers", "pay · carers", "Thanks"],
                              "procedural": [False, False, True]})
    rows = theme_rows(assignments, in_memory, segments)
    assert list(rows["theme"]) == ["pay · carers (theme 0)", "pay · carers (theme 1)"]  # same label told apart
    assert list(rows["start_char"]) == [0, 0] and list(rows["end_char"]) == [29, 50]
    from_csv = pd.DataFrame({"theme_id": [0, 1, 2], "label": ["pay", "power", PROCEDURAL_LABEL]})
    assert list(theme_rows(assignments, from_csv, segments)["theme_id"]) == [0, 1]
    assert list(theme_rows(assignments, None, segments)["theme"]) == ["Theme 0", "Theme 2", "Theme 1"]
    sat = Saturation().fit(DOCS, saturation_tables(assignments=assignments, themes=from_csv, segments=segments))
    assert list(sat.saturation_["new_themes"]) == [1, 0, 1, 0]
    assert list(sat.saturation_["new_themes_list"]) == ["pay", "", "power", ""]
    assert sat.reading_by_kind_["codes"] == "No codes yet: there is nothing to count."


def test_phrase_rows_count_each_recurring_wording_once():
    """'with not for' is a family wording and also a quoted statement; 'paid properly' is a quoted statement and
    an n-gram: each is one recurring phrase, as the report shows them. 'a seat at the table' was quoted once:
    listed in the phrase table, but not recurring."""
    phrases = pd.DataFrame({
        "phrase": ["with, not for", "with not for", "paid properly", "paid properly", "day rate",
                   "a seat at the table"],
        "family": ["with, not for", "with, not for", "", "", "", ""],
        "kind": ["family", "quoted", "quoted", "ngram", "ngram", "quoted"],
        "count": [2, 1, 2, 2, 2, 1], "variants": ["with not for", "", "", "", "", ""]})
    occurrences = pd.DataFrame({
        "phrase": ["with, not for", "with, not for", "with not for", "paid properly", "paid properly",
                   "paid properly", "paid properly", "day rate", "day rate", "a seat at the table"],
        "kind": ["family", "family", "quoted", "quoted", "quoted", "ngram", "ngram", "ngram", "ngram", "quoted"],
        "doc_id": ["a.txt", "c.txt", "a.txt", "b.txt", "c.txt", "b.txt", "c.txt", "b.txt", "d.txt", "a.txt"],
        "seg_id": ["a.txt#0000", "c.txt#0000", "a.txt#0000", "b.txt#0000", "c.txt#0001", "b.txt#0000",
                   "c.txt#0001", "b.txt#0001", "d.txt#0000", "a.txt#0002"],
        "start_char": [3, 0, 3, 5, 9, 5, 9, 40, 0, 60], "end_char": [15, 12, 15, 18, 22, 18, 22, 48, 8, 79]})
    rows = phrase_rows(occurrences, phrases)
    assert sorted(set(zip(rows["phrase"], rows["kind"]))) == [("day rate", "ngram"), ("paid properly", "quoted"),
                                                              ("with, not for", "family")]
    sat = Saturation().fit(DOCS, {"phrases": rows})
    assert list(sat.saturation_["new_phrases"]) == [1, 2, 0, 0]
    assert list(sat.saturation_["new_phrases_list"]) == ["with, not for", "paid properly; day rate", "", ""]
    # without the phrase table: every occurrence of a family, an n-gram or a statement quoted twice or more
    assert len(phrase_rows(occurrences)) == 8  # "with not for" and "a seat at the table" were quoted once
    assert len(phrase_rows(occurrences, min_quoted=1)) == 10


# -- reading ---------------------------------------------------------------------------------------
def test_reading_of_a_flat_tail():
    sat = fit()
    assert sat.reading_[0] == "4 documents, read in date order ('date'), from 2025-01-15 to 2025-04-01."
    assert sat.reading_by_kind_["codes"] == (
        "The last 2 documents added no new code (3 in all). The last new one, “power”, came with document 2 "
        "(b.txt, 2025-02-01).")
    assert sat.reading_by_kind_["barriers"] == (
        "The last document added no new barrier category (2 in all). The last new one, “time”, came with "
        "document 3 (c.txt, 2025-03-01).")
    assert sat.reading_ == [sat.reading_[0], *sat.reading_by_kind_.values()]


def test_reading_when_the_last_document_still_adds_and_when_all_came_first():
    sat = fit(order_by="session")  # a, d, c, b: b.txt (session 10) brings "power"
    assert sat.reading_by_kind_["codes"] == (
        "The last document, document 4 (b.txt, 10), still added 1 new code: “power” (3 in all).")
    late = pd.concat([CODES, occ([("d.txt", "d.txt#0002", 30, 41, "respect")], column="code")], ignore_index=True)
    sat = Saturation().fit(DOCS, {"codes": late})
    assert sat.reading_by_kind_["codes"] == (
        "The last document, document 4 (d.txt, 2025-04-01), still added 1 new code: “respect” (4 in all).")
    sat = Saturation().fit(DOCS, {"enablers": occ([("a.txt", "a.txt#0000", 0, 4, "trust"),
                                                   ("a.txt", "a.txt#0001", 9, 20, "pay"),
                                                   ("c.txt", "c.txt#0000", 0, 4, "pay")])})
    assert sat.reading_by_kind_["enablers"] == (
        "The last 3 documents added no new enabler category: both came with the first, document 1 "
        "(a.txt, 2025-01-15): “trust” and “pay”.")


def test_reading_is_honest_about_a_small_corpus():
    docs = DOCS.iloc[1:3]  # a.txt and b.txt
    sat = Saturation().fit(docs, {"codes": CODES})
    assert sat.reading_[0] == ("2 documents, read in date order ('date'), from 2025-01-15 to 2025-02-01. With fewer "
                               "than 3 documents it is too early to judge whether anything new is still coming up.")
    assert sat.reading_by_kind_["codes"] == (
        "Only 2 documents so far, too few to judge saturation: 3 codes in all; document 1 (a.txt, 2025-01-15) "
        "added 2 and document 2 (b.txt, 2025-02-01) added 1.")
    one = Saturation().fit(DOCS.iloc[[3]], {"codes": CODES})
    assert one.reading_by_kind_["codes"] == ("Only 1 document so far, too few to judge saturation: 1 code in all; "
                                             "document 1 (d.txt, 2025-04-01) added 1.")
    none = Saturation().fit(pd.DataFrame({"doc_id": []}), {"codes": CODES})
    assert len(none.saturation_) == 0
    assert none.reading_ == ["There are no documents yet, so there is nothing to read.",
                             "No codes yet: there is nothing to count."]


def test_saturation_csv_round_trips_one_row_per_document(tmp_path):
    sat = fit()
    write_table_csv(sat.saturation_, tmp_path / "saturation.csv")
    write_table_csv(sat.first_occurrences_, tmp_path / "saturation_first.csv")
    back = read_table_csv(tmp_path / "saturation.csv")
    assert len(back) == 4 and list(back.columns) == list(sat.saturation_.columns)
    assert list(back["new_codes_list"].fillna("")) == ["trust; pay", "power", "", ""]
    first = read_table_csv(tmp_path / "saturation_first.csv")
    assert list(first["seg_id"]) == list(sat.first_occurrences_["seg_id"])


def test_parameters_and_unfitted_state():
    sat = Saturation(order_by="session", min_documents=5)
    assert sat.get_params() == {"order_by": "session", "date_column": "date", "min_documents": 5}
    assert not hasattr(sat, "saturation_")
    assert sat.fit(DOCS, {}) is sat
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean corpus gives no warning
        fit()


# -- codes from the coding store ---------------------------------------------------------------------
def test_codes_from_the_coding_store_through_the_facade(wb_corpus_copy, wb_cache_dir):
    """The small corpus: t1.txt dated 2025-03-14 in metadata.csv, post.md dated 2025-06-12 in its front matter,
    t2.txt undated (so it comes last, with W640). Accepted codings only: a pending suggestion does not count."""
    from workbench.coding import Coding
    from workbench.project import Workbench

    bench = Workbench(wb_corpus_copy, progress=False)
    corpus = bench.corpus
    rose = next(s for s in corpus.segments if s.speaker == "Rose")
    sheila = next(s for s in corpus.segments if s.speaker == "Sheila" and "never paid" in s.text)
    blog = next(s for s in corpus.segments if "Vouchers" in s.text)
    start = sheila.start_char + sheila.text.index("never paid")
    bench.codings.code_span(corpus, rose.seg_id, ["power and hierarchy"], coder="Ana")
    bench.codings.code_span(corpus, sheila.seg_id, ["recognition and payment", "time and resources"], coder="Ana",
                            start_char=start, end_char=start + len("never paid"))
    bench.codings.code_span(corpus, blog.seg_id, "recognition and payment", coder="Ben")
    bench.codings.suggest([Coding(doc_id=blog.doc_id, seg_id=blog.seg_id, start_char=blog.start_char,
                                  end_char=blog.end_char, codes=["trust"], coder="workbench", source="rule",
                                  status="pending", score=0.7)])
    with pytest.warns(UserWarning, match=r"W640\] 1 document\(s\) have no readable date in 'date' \(transcripts/t2"):
        sat = Saturation().fit(corpus, {"codes": bench.codes_table()}, segments=corpus.segments_df())
    table = sat.saturation_
    assert list(table["doc_id"]) == ["transcripts/t1.txt", "blogs/post.md", "transcripts/t2.txt"]
    assert list(table["new_codes_list"]) == ["power and hierarchy", "recognition and payment", "time and resources"]
    assert list(table["total_codes"]) == [1, 2, 3]
    first = sat.first_occurrences_.set_index("category")
    assert tuple(first.loc["time and resources", ["seg_id", "start_char", "end_char"]]) == \
        (sheila.seg_id, start, start + len("never paid"))
    assert first.loc["recognition and payment", "doc_count"] == 2
    assert first.loc["time and resources", "text"] == "never paid"
    assert first.loc["power and hierarchy", "text"] == rose.text
    assert sat.reading_by_kind_["codes"] == (
        "The last document, document 3 (transcripts/t2.txt), still added 1 new code: “time and resources” "
        "(3 in all).")


# -- the demo corpus ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_demo_saturation_invariants(an_demo):
    bench = an_demo
    phrases, occurrences = bench.phrase_tables
    themes = bench.themes
    inputs = {
        "codes": bench.codes_table(), "assignments": themes.assignments_, "themes": themes.themes_,
        "barriers": bench.barrier_hits("barrier"), "enablers": bench.barrier_hits("enabler"),
        "phrases": phrases, "phrase_occurrences": occurrences, "segments": bench.corpus.segments_df(),
    }
    tables = saturation_tables(**inputs)
    sat = Saturation().fit(bench.corpus.documents_df(), tables, segments=inputs["segments"])
    table = sat.saturation_
    assert sat.order_used_ == "date order ('date')" and sat.notes_ == []
    assert len(table) == len(bench.corpus.documents) == 9
    assert list(table["order_value"]) == sorted(table["order_value"])
    category = {"codes": "code", "themes": "theme", "barriers": "category", "enablers": "category",
                "phrases": "phrase"}
    procedural = themes.themes_.loc[themes.themes_["procedural"].astype(bool), "theme_id"].tolist()
    assert len(procedural) == 1
    expected_totals = {
        "codes": inputs["codes"]["code"].nunique(),
        "themes": themes.assignments_.loc[~themes.assignments_["theme_id"].isin([-1, *procedural]),
                                          "theme_id"].nunique(),
        "barriers": inputs["barriers"]["category"].nunique(),
        "enablers": inputs["enablers"]["category"].nunique(),
    }
    for kind in sat.kinds_:
        totals = table[f"total_{kind}"].tolist()
        assert all(a <= b for a, b in zip(totals, totals[1:])), kind
        distinct = tables[kind][category[kind]].nunique() if len(tables[kind]) else 0
        assert totals[-1] == table[f"new_{kind}"].sum() == distinct, kind
        if kind in expected_totals:
            assert totals[-1] == expected_totals[kind], kind
        first = sat.first_occurrences_[sat.first_occurrences_["kind"] == kind]
        assert len(first) == totals[-1]
        source = tables[kind]
        position = dict(zip(table["doc_id"], table["position"]))
        for row in first.itertuples(index=False):
            mine = source[source[category[kind]] == row.category]
            hit = mine[(mine["doc_id"] == row.doc_id) & (mine["seg_id"] == row.seg_id)
                       & (mine["start_char"] == row.start_char) & (mine["end_char"] == row.end_char)]
            assert len(hit), (kind, row)
            assert row.position == min(mine["doc_id"].map(position)), (kind, row.category)
            assert row.count == len(mine) and row.doc_count == mine["doc_id"].nunique()
            assert row.text == bench.corpus.document(row.doc_id).text[row.start_char:row.end_char]
            segment = bench.corpus.segment(row.seg_id)
            assert segment.doc_id == row.doc_id and segment.start_char <= row.start_char < row.end_char \
                <= segment.end_char
    assert expected_totals["themes"] > 5 and expected_totals["barriers"] > 3 and table["total_phrases"].iat[-1] > 20
    assert len(sat.reading_) == 1 + len(sat.kinds_)
    assert sat.reading_by_kind_["codes"] == "No codes yet: there is nothing to count."  # the demo has no codings
    print("\n".join(sat.reading_))
