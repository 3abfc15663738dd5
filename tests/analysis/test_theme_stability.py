"""Theme stability: best-match Jaccard between a base labeling and refits (all values worked by hand)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.analysis.theme_stability import (UNSTABLE_BELOW, ThemeStabilityError, best_match_jaccard,
                                                flag_unstable, jaccard, stability_scores,
                                                stability_with_subsamples, subsample_indices)

TC_BASE = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, -1, -1]


def test_jaccard_edge_cases():
    assert jaccard(set(), set()) == 1.0
    assert jaccard({1}, set()) == 0.0
    assert jaccard(set(), {1}) == 0.0
    assert jaccard({1, 2, 3}, {2, 3, 4}) == pytest.approx(2 / 4)
    assert jaccard({1, 2}, {1, 2}) == 1.0


def test_identical_labelings_score_one():
    assert best_match_jaccard(TC_BASE, TC_BASE) == {0: 1.0, 1: 1.0, 2: 1.0}
    assert stability_scores(TC_BASE, [TC_BASE, list(TC_BASE)]) == {0: 1.0, 1: 1.0, 2: 1.0}


def test_permuted_theme_ids_score_one():
    mapping = {0: 7, 1: 0, 2: 3, -1: -1}
    permuted = [mapping[t] for t in TC_BASE]
    assert stability_scores(TC_BASE, [permuted]) == {0: 1.0, 1: 1.0, 2: 1.0}


def test_unassigned_items_are_not_a_theme():
    # -1 never gets a score, and items unassigned in the refit match no theme.
    other = [0, 0, 0, -1, 1, 1, 1, 1, 2, 2, 2, 2]
    # theme 0: {0,1,2,3} vs {0,1,2} -> 3/4; theme 1: exact; theme 2: {8,9} vs {8,9,10,11} -> 2/4
    assert best_match_jaccard(TC_BASE, other) == {0: 0.75, 1: 1.0, 2: 0.5}


def test_split_theme_scores_by_hand():
    # Theme 0 (items 0-3) splits into {0,1,2} and {3}: best Jaccard 3/4.
    # Theme 1 (items 4-7) splits evenly into {4,5} and {6,7}: 2/4 = 0.5.
    other = [0, 0, 0, 5, 1, 1, 6, 6, 2, 2, -1, -1]
    assert best_match_jaccard(TC_BASE, other) == {0: 0.75, 1: 0.5, 2: 1.0}
    # Averaged with an identical refit: theme 1 -> (1.0 + 0.5) / 2.
    assert stability_scores(TC_BASE, [TC_BASE, other]) == {0: 0.875, 1: 0.75, 2: 1.0}


def test_merged_themes_score_by_hand():
    # Themes 0 and 1 merge into one theme of 8 items: each has Jaccard 4/8.
    other = [4, 4, 4, 4, 4, 4, 4, 4, 2, 2, -1, -1]
    assert best_match_jaccard(TC_BASE, other) == {0: 0.5, 1: 0.5, 2: 1.0}


def test_theme_with_no_counterpart_scores_zero():
    assert best_match_jaccard([0, 0, 1, 1], [-1, -1, 3, 3]) == {0: 0.0, 1: 1.0}
    assert best_match_jaccard([0, 0], [-1, -1]) == {0: 0.0}
    assert best_match_jaccard([-1, -1], [0, 0]) == {}


def test_length_mismatch_is_a_clear_value_error():
    with pytest.raises(ValueError, match=r"\[E353\].*refit 1 has 3 items.*has 12"):
        stability_scores(TC_BASE, [TC_BASE, [0, 0, 1]])
    with pytest.raises(ThemeStabilityError, match="E353"):
        best_match_jaccard([0, 1], [0])
    with pytest.raises(ValueError, match="E356"):
        stability_scores(TC_BASE, [])


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=40).flatmap(lambda n: st.tuples(
    st.lists(st.integers(-1, 5), min_size=n, max_size=n),
    st.lists(st.lists(st.integers(-1, 5), min_size=n, max_size=n), min_size=1, max_size=3))))
def test_scores_always_within_unit_interval(labelings):
    base, others = labelings
    scores = stability_scores(base, others)
    assert set(scores) == {t for t in base if t != -1}
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    # The vectorised result agrees with the set definition.
    for other in others:
        best = best_match_jaccard(base, other)
        for theme, score in best.items():
            mine = {i for i, t in enumerate(base) if t == theme}
            theirs = [{i for i, t in enumerate(other) if t == u} for u in set(other) - {-1}]
            assert score == pytest.approx(max((jaccard(mine, s) for s in theirs), default=0.0))
    assert stability_scores(base, [base]) == {t: 1.0 for t in scores}


def test_subsample_indices_are_sorted_and_deterministic():
    a = subsample_indices(100, 0.8, seed=3)
    assert len(a) == 80 and len(set(a.tolist())) == 80
    assert np.all(np.diff(a) > 0) and a.min() >= 0 and a.max() < 100
    assert np.array_equal(a, subsample_indices(100, 0.8, seed=3))
    assert not np.array_equal(a, subsample_indices(100, 0.8, seed=4))
    assert subsample_indices(10, 1.0, seed=0).tolist() == list(range(10))
    assert len(subsample_indices(10, 0.01, seed=0)) == 1
    assert len(subsample_indices(0, 0.5, seed=0)) == 0


@pytest.mark.parametrize("fraction", [0, -0.1, 1.5, float("nan")])
def test_subsample_fraction_outside_range_is_refused(fraction):
    with pytest.raises(ValueError, match="E354"):
        subsample_indices(10, fraction, seed=0)


def test_stability_with_subsamples_uses_shared_items_only():
    base = [0, 0, 0, 0, 1, 1, 1, 1]
    # Refit 1 saw items 0,1,2,4,5,6 (not 3, 7) and found the same themes: both 1.0 on the shared items.
    idx1 = np.array([0, 1, 2, 4, 5, 6])
    refit1 = [9, 9, 9, 4, 4, 4]
    # Refit 2 saw items 0,1,4,5,6,7: theme 0 restricted to {0,1} is split into {0} and {1} -> 1/2;
    # theme 1 restricted to {4,5,6,7} gets {4,5,6} -> 3/4.
    idx2 = np.array([0, 1, 4, 5, 6, 7])
    refit2 = [2, 3, 5, 5, 5, -1]
    assert stability_with_subsamples(base, [(idx1, refit1)]) == {0: 1.0, 1: 1.0}
    assert stability_with_subsamples(base, [(idx2, refit2)]) == {0: 0.5, 1: 0.75}
    assert stability_with_subsamples(base, [(idx1, refit1), (idx2, refit2)]) == {0: 0.75, 1: 0.875}


def test_subsample_theme_missing_from_a_subsample_is_averaged_over_the_others():
    base = [0, 0, 1, 1]
    refits = [(np.array([0, 1]), [3, 3]), (np.array([0, 2, 3]), [3, 4, 5])]
    # Theme 1 appears only in refit 2 ({2,3} split into {2},{3}: 1/2); theme 0: (1 + 1) / 2.
    assert stability_with_subsamples(base, refits) == {0: 1.0, 1: 0.5}
    assert stability_with_subsamples(base, [(np.array([0, 1]), [3, 3])]) == {0: 1.0, 1: 0.0}


def test_subsample_version_with_generated_subsamples_of_the_same_fit():
    rng = np.random.default_rng(0)
    base = rng.integers(-1, 6, size=200)
    refits = []
    for seed in range(5):
        idx = subsample_indices(len(base), 0.7, seed)
        refits.append((idx, [(t + 3) % 9 if t != -1 else -1 for t in base[idx]]))  # renumbered only
    scores = stability_with_subsamples(base.tolist(), refits)
    assert scores == {t: 1.0 for t in range(6)}


@pytest.mark.parametrize("refit, detail", [
    ((np.array([0, 9]), [1, 1]), "indices must lie"),
    ((np.array([0, 0]), [1, 1]), "more than once"),
    ((np.array([0, 1]), [1]), "2 indices but 1 labels"),
    ((np.array([0.5, 1.0]), [1, 1]), "not whole numbers"),
])
def test_bad_subsample_refits_are_refused(refit, detail):
    with pytest.raises(ValueError, match=rf"E355.*{detail}"):
        stability_with_subsamples([0, 0, 1, 1], [refit])


def test_flag_unstable():
    assert UNSTABLE_BELOW == 0.5
    assert flag_unstable({0: 0.2, 1: 0.5, 2: 0.9}) == {0: True, 1: False, 2: False}
    assert flag_unstable({0: 0.7}, threshold=0.8) == {0: True}
