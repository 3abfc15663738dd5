"""Concordance (KWIC) on a hand-written corpus (see conftest: AN_CONC_*)."""
from __future__ import annotations

import pytest

from workbench.analysis.concordance import COLUMNS, Concordance
from workbench.errors import NotFittedError, WorkbenchError

T, B = "transcripts/c1.txt", "blogs/c2.md"
PAY_FORMS = ["paid", "pays", "paid", "Paying", "pay", "paid", "Pay", "pay"]  # in corpus order


def check_hits(hits, an_conc, width=40):
    """Every hit: exact offsets, and context that stays inside its own segment."""
    assert list(hits.columns) == COLUMNS
    for h in hits.itertuples(index=False):
        text = an_conc.text(h.doc_id)
        assert text[h.start_char:h.end_char] == h.match
        seg = an_conc.seg(h.seg_id)
        assert seg.doc_id == h.doc_id and seg.start_char <= h.start_char < h.end_char <= seg.end_char
        assert len(h.left) <= width and len(h.right) <= width
        assert h.left == text[max(seg.start_char, h.start_char - width):h.start_char]
        assert h.right == text[h.end_char:min(seg.end_char, h.end_char + width)]
        for label in ("Rose:", "Dev:", "Sheila:", "\n"):
            assert label not in h.left and label not in h.right


def test_word_mode_finds_exact_word_forms(an_concordance, an_conc):
    hits = an_concordance.query("paid")
    check_hits(hits, an_conc)
    assert list(hits["match"]) == ["paid", "paid", "paid"]
    assert list(hits["seg_id"]) == [f"{B}#0000", f"{T}#0000", f"{T}#0002"]
    assert list(hits["speaker"].fillna("-")) == ["-", "Rose", "Sheila"]
    assert list(hits["kind"]) == ["blog", "transcript", "transcript"]
    # Case-insensitive: "Pay" at the start of a turn and "pay" elsewhere.
    assert list(an_concordance.query("PAY")["match"]) == ["pay", "Pay", "pay"]


@pytest.mark.parametrize("query", ["pay", "paying", "paid"])
def test_lemma_mode_finds_every_form(an_concordance, an_conc, query):
    hits = an_concordance.query(query, "lemma")
    check_hits(hits, an_conc)
    assert list(hits["match"]) == PAY_FORMS


def test_phrase_mode_skips_punctuation_between_words(an_concordance, an_conc):
    hits = an_concordance.query("rubber stamp", "phrase")
    check_hits(hits, an_conc)
    assert list(hits["match"]) == ["rubber - stamp", "rubber-stamp", "rubber stamp"]
    commas = an_concordance.query("with not for", "phrase")
    check_hits(commas, an_conc)
    assert list(commas["match"]) == ["with, not for"]
    assert commas.iloc[0]["speaker"] == "Sheila"


def test_phrase_mode_never_skips_a_full_stop(an_concordance, an_conc):
    assert "care. Plan" in an_conc.text(T)
    assert an_concordance.query("care plan", "phrase").empty


def test_phrase_query_written_with_a_hyphen_finds_the_hyphenated_text(an_concordance, an_conc):
    # "rubber-stamp" typed as the query: the text "rubber-stamp" (three tokens) must be found.
    hits = an_concordance.query("rubber-stamp", "phrase")
    assert "rubber-stamp" in set(hits["match"])


def test_regex_mode(an_concordance, an_conc):
    hits = an_concordance.query(r"\bpa(?:id|ys?)\b", "regex")
    check_hits(hits, an_conc)
    assert list(hits["match"]) == ["paid", "pays", "paid", "pay", "paid", "Pay", "pay"]
    spanning = an_concordance.query(r"rubber.{0,3}stamp", "regex")
    assert list(spanning["match"]) == ["rubber - stamp", "rubber-stamp", "rubber stamp"]


@pytest.mark.parametrize("query", ["(", "[a-", "*paid"])
def test_invalid_regex_raises_E303(an_concordance, query):
    with pytest.raises(WorkbenchError) as info:
        an_concordance.query(query, "regex")
    assert str(info.value).startswith("[E303]")


def test_pattern_mode_takes_a_json_token_pattern(an_concordance, an_conc):
    hits = an_concordance.query('[{"LEMMA": "pay"}, {"LOWER": "us"}]', "pattern")
    check_hits(hits, an_conc)
    assert list(hits["match"]) == ["Pay us"]
    assert hits.iloc[0]["seg_id"] == f"{T}#0003"
    assert hits.iloc[0]["left"] == ""  # the turn starts here: nothing of the previous turn
    as_list = an_concordance.query([{"LEMMA": "pay"}, {"LOWER": "us"}], "pattern")
    assert list(as_list["match"]) == ["Pay us"]


@pytest.mark.parametrize("query", ["not json", '[{"LEMMA": {"NOPE": 1}}]', '{"LEMMA": "pay"}'])
def test_invalid_pattern_raises_E303(an_concordance, query):
    with pytest.raises(WorkbenchError) as info:
        an_concordance.query(query, "pattern")
    assert str(info.value).startswith("[E303]")


def test_unknown_mode_raises_E302(an_concordance):
    with pytest.raises(WorkbenchError) as info:
        an_concordance.query("paid", "fuzzy")
    assert str(info.value).startswith("[E302]") and "fuzzy" in str(info.value)


def test_query_without_words_raises_E303(an_concordance):
    with pytest.raises(WorkbenchError) as info:
        an_concordance.query("...", "word")
    assert str(info.value).startswith("[E303]")


def test_unfitted_concordance_raises_not_fitted():
    with pytest.raises(NotFittedError):
        Concordance().query("paid")


def test_context_stays_inside_the_segment(an_concordance, an_conc):
    hits = an_concordance.query("pay", "lemma", width=80)
    check_hits(hits, an_conc, width=80)
    first_word = hits[hits["match"] == "Pay"].iloc[0]
    assert first_word["left"] == ""  # "Pay us fairly" opens Rose's turn
    last_word = hits.iloc[-1]
    assert last_word["match"] == "pay" and last_word["right"] == ""  # the last word of Dev's last turn
    # The previous turn ends right before: its words never leak into the context.
    assert "for us" not in first_word["left"]


def test_width_is_respected(an_concordance, an_conc):
    hits = an_concordance.query("pay", "lemma", width=10)
    check_hits(hits, an_conc, width=10)
    rose = hits[(hits["seg_id"] == f"{T}#0000") & (hits["match"] == "Paying")].iloc[0]
    assert (rose["left"], rose["right"]) == ("te again. ", " people ma")
    assert Concordance(width=5).fit(an_conc.table).query("Paying")["right"].tolist() == [" peop"]


def nearest_left(left: str) -> str:
    return (left.lower().split() or [""])[-1]


def test_sort_left_orders_by_the_nearest_left_word(an_concordance):
    hits = an_concordance.query("paid", sort="left")
    assert [nearest_left(h) for h in hits["left"]] == ["are", "be", "were"]
    # Ties on the nearest word are broken by the next word to the left, and so on; the first word of
    # the context does not matter.
    hits = an_concordance.query("pay", "lemma", sort="left")
    assert [nearest_left(h) for h in hits["left"]] == ["", "again.", "are", "be", "never", "not", "process", "were"]
    unsorted = [nearest_left(h) for h in an_concordance.query("pay", "lemma")["left"]]
    assert unsorted != [nearest_left(h) for h in hits["left"]]  # corpus order differs: sorting did something


def test_sort_right_orders_by_the_right_context(an_concordance):
    hits = an_concordance.query("paid", sort="right")
    assert [h.split()[0].lower() for h in hits["right"]] == ["late", "nothing.", "promptly."]


def test_sort_by_anything_else_is_an_error(an_concordance):
    with pytest.raises(WorkbenchError) as info:
        an_concordance.query("paid", sort="middle")
    assert str(info.value).startswith("[E303]")


@pytest.mark.parametrize("filters, expected", [
    ({"kind": "blog"}, [(B, "paid"), (B, "pays")]),
    ({"kind": "transcript"}, [(T, "paid"), (T, "Paying"), (T, "pay"), (T, "paid"), (T, "Pay"), (T, "pay")]),
    ({"speaker_role": "carer"}, [(T, "paid")]),
    ({"speaker_role": "lived experience"}, [(T, "paid"), (T, "Paying"), (T, "Pay")]),
    ({"doc_id": B}, [(B, "paid"), (B, "pays")]),
    ({"speaker": ["Rose", "Sheila"]}, [(T, "paid"), (T, "Paying"), (T, "paid"), (T, "Pay")]),
    ({"speaker_role": ["carer", "practitioner"]}, [(T, "pay"), (T, "paid"), (T, "pay")]),
    ({"date": ("2025-05-01", "2025-12-31")}, [(B, "paid"), (B, "pays")]),
    ({"date": ("2025-01-01", "2025-01-31")}, [(T, "paid"), (T, "Paying"), (T, "pay"), (T, "paid"), (T, "Pay"),
                                              (T, "pay")]),
    ({"date": ("2025-01-11", "2025-05-31")}, []),
    ({"date": (None, "2025-01-10")}, [(T, "paid"), (T, "Paying"), (T, "pay"), (T, "paid"), (T, "Pay"), (T, "pay")]),
    ({"kind": "transcript", "speaker": "Dev"}, [(T, "pay"), (T, "pay")]),
    ({"kind": "(all)", "speaker": None}, [(B, "paid"), (B, "pays"), (T, "paid"), (T, "Paying"), (T, "pay"),
                                          (T, "paid"), (T, "Pay"), (T, "pay")]),
    ({"no_such_column": "x"}, []),
])
def test_filters(an_concordance, an_conc, filters, expected):
    hits = an_concordance.query("pay", "lemma", filters=filters)
    check_hits(hits, an_conc)
    assert list(zip(hits["doc_id"], hits["match"])) == expected


def test_filters_apply_to_every_mode(an_concordance):
    role = {"speaker_role": "lived experience"}
    assert list(an_concordance.query("rubber stamp", "phrase", filters=role)["match"]) == ["rubber stamp"]
    assert list(an_concordance.query(r"pa\w+", "regex", filters=role)["match"]) == ["paid", "Paying", "Pay"]
    assert list(an_concordance.query('[{"LEMMA": "pay"}]', "pattern", filters=role)["match"]) == \
        ["paid", "Paying", "Pay"]


def test_hits_by_a_speaker_role_carry_the_role(an_concordance):
    hits = an_concordance.query("pay", "lemma", filters={"speaker_role": "lived experience"})
    assert set(hits["speaker"]) == {"Rose"} and set(hits["speaker_role"]) == {"lived experience"}
    everything = an_concordance.query("pay", "lemma")
    roles = dict(zip(everything["speaker"].fillna("-"), everything["speaker_role"].fillna("-")))
    assert roles == {"-": "-", "Rose": "lived experience", "Dev": "practitioner", "Sheila": "carer"}


def test_limit(an_concordance):
    assert list(an_concordance.query("pay", "lemma", limit=2)["match"]) == PAY_FORMS[:2]
    assert list(an_concordance.query("pay", "lemma", limit=100)["match"]) == PAY_FORMS
