"""Agreement: Cohen's kappa and Krippendorff's alpha against values computed by hand."""
from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from workbench.coding import Coding, CodingError, agreement, codings_frame


def cd_agreement_frame(table: dict[str, dict[str, list[int]]]):
    """{coder: {code: [0/1 per unit s0, s1, ...]}} -> a codings frame (one coding per coder and unit)."""
    codings = []
    for coder, by_code in table.items():
        n = len(next(iter(by_code.values())))
        for unit in range(n):
            codes = [code for code, values in by_code.items() if values[unit]]
            if codes:
                codings.append(Coding(doc_id="d", seg_id=f"s{unit}", start_char=0, end_char=1, codes=codes,
                                      coder=coder, source="human"))
    return codings_frame(codings)


UNITS = [f"s{i}" for i in range(10)]
A = {"X": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0], "Y": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], "Z": [1] * 10}
B = {"X": [1, 1, 1, 1, 0, 1, 0, 0, 0, 0], "Y": [0] * 10, "Z": [1] * 10}


def test_agreement_matches_hand_computed_values():
    result = agreement(cd_agreement_frame({"rose": A, "amara": B}), "rose", "amara", segments=UNITS)
    assert result["code"].tolist() == ["X", "Y", "Z", "overall"]
    assert list(result.columns) == ["code", "n_units", "agree_percent", "kappa", "alpha", "note"]
    rows = result.set_index("code")
    # X: agree on 8 of 10 -> po = 0.8; each coder says 1 on 5 -> pe = .5*.5 + .5*.5 = .5;
    #    kappa = (.8 - .5) / (1 - .5) = 0.6.
    #    alpha (nominal, 2 coders, no missing): n = 20 values, n_1 = n_0 = 10; 2 disagreeing units give
    #    o_01 + o_10 = 4; alpha = 1 - (n - 1) * 4 / (2 * n_0 * n_1) = 1 - 19 * 4 / 200 = 0.62.
    assert rows.loc["X", ["n_units", "agree_percent"]].tolist() == [10, 80.0]
    assert rows.loc["X", "kappa"] == pytest.approx(0.6)
    assert rows.loc["X", "alpha"] == pytest.approx(0.62)
    # Y: po = .9; p(A=1) = .1, p(B=1) = 0 -> pe = .1*0 + .9*1 = .9 -> kappa = 0 / .1 = 0.
    #    alpha: n_1 = 1, n_0 = 19, o_01 + o_10 = 2 -> 1 - 19 * 2 / (2 * 19) = 0.
    assert rows.loc["Y", "agree_percent"] == 90.0
    assert rows.loc["Y", "kappa"] == pytest.approx(0.0) and rows.loc["Y", "alpha"] == pytest.approx(0.0)
    # Z: both say 1 everywhere -> 0/0: undefined, NaN with a note.
    assert rows.loc["Z", "agree_percent"] == 100.0
    assert math.isnan(rows.loc["Z", "kappa"]) and math.isnan(rows.loc["Z", "alpha"])
    assert "undefined" in rows.loc["Z", "note"] and rows.loc["X", "note"] == ""
    # overall, 30 (segment, code) pairs: 3 disagreements -> po = .9; A has 16 ones, B 15 ->
    #    pe = (16/30)(15/30) + (14/30)(15/30) = 450/900 = .5 -> kappa = (.9 - .5) / .5 = 0.8.
    #    alpha: n = 60, n_1 = 31, n_0 = 29, o_01 + o_10 = 6 -> 1 - 59 * 6 / (2 * 31 * 29) = 1444/1798.
    assert rows.loc["overall", ["n_units", "agree_percent"]].tolist() == [30, 90.0]
    assert rows.loc["overall", "kappa"] == pytest.approx(0.8)
    assert rows.loc["overall", "alpha"] == pytest.approx(1444 / 1798)
    assert "10 segments x 3 codes" in rows.loc["overall", "note"]


def test_small_2x6_example_against_hand_and_libraries():
    a, b = [1, 1, 0, 0, 1, 0], [1, 0, 0, 0, 1, 1]
    # By hand: n = 12 values, n_1 = n_0 = 6; units 2 and 6 disagree -> o_01 + o_10 = 4;
    # alpha = 1 - 11 * 4 / (2 * 6 * 6) = 28/72.  kappa: po = 4/6, pe = .5 -> (2/3 - 1/2) / (1/2) = 1/3.
    assert krippendorff.alpha(reliability_data=np.array([a, b], dtype=float),
                              level_of_measurement="nominal") == pytest.approx(28 / 72)
    assert cohen_kappa_score(a, b) == pytest.approx(1 / 3)
    result = agreement(cd_agreement_frame({"rose": {"X": a}, "amara": {"X": b}}), "rose", "amara",
                       segments=[f"s{i}" for i in range(6)]).set_index("code")
    assert result.loc["X", "alpha"] == pytest.approx(28 / 72)
    assert result.loc["X", "kappa"] == pytest.approx(1 / 3)
    assert result.loc["overall", "alpha"] == pytest.approx(28 / 72)


def test_default_units_are_segments_either_coder_coded():
    frame = cd_agreement_frame({"rose": A, "amara": B})
    result = agreement(frame, "rose", "amara").set_index("code")
    assert result.loc["X", "n_units"] == 10  # Z puts every segment in play for both coders
    frame = cd_agreement_frame({"rose": {"X": A["X"]}, "amara": {"X": B["X"]}})
    assert agreement(frame, "rose", "amara").set_index("code").loc["X", "n_units"] == 6


def test_agreement_ignores_pending_and_other_coders_and_checks_input():
    pending = Coding(doc_id="d", seg_id="s9", start_char=0, end_char=1, codes=["X"], coder="amara",
                     source="model", status="pending")
    frame = pd.concat([cd_agreement_frame({"rose": A, "amara": B, "dev": {"X": [0] * 10}}),
                       codings_frame([pending])], ignore_index=True)
    rows = agreement(frame, "rose", "amara", segments=UNITS).set_index("code")
    assert rows.loc["X", "kappa"] == pytest.approx(0.6)
    for a, b in (("rose", "nobody"), ("rose", "rose")):
        with pytest.raises(CodingError) as err:
            agreement(frame, a, b)
        assert err.value.code == "E418"
