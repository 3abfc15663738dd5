"""Expected-theme coverage of our themes against the plain BERTopic baseline, in one run, on the three labelled
fixture corpora: the tuning set (a) (tests/data/tuning_a2), the held-out set (b) (tests/data/heldout_b) and the
demo corpus (corpora/coproduction, labelled in tests/data/demo_themes). Each has a hand-written list of expected
themes (expected_themes.yml) and every unit carries the theme a reader would name. The floors are the figures measured on 2026-12-05 (see the README), one theme lower to allow for
another CPU; the test guards against regressions and says where ours does not win yet."""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import themes_baseline

DATA = Path(__file__).resolve().parents[1] / "data"
# Measured: (a) ours 3 of 12, baseline 4 of 12, largest theme 8% vs 6%; (b) ours 7 of 12, baseline 3 of 12,
# largest 8% vs 12%; demo ours 5 of 12, baseline 3 of 12, largest 8.5% vs 6.8% (8.4% vs 16% with the baseline's
# unassigned lines as one group).
FLOORS = {"tuning_a2": 2, "heldout_b": 6, "demo_themes": 4}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    cache = tmp_path_factory.mktemp("themes-baseline")
    return {name: themes_baseline.compare(DATA / name, cache) for name in FLOORS}


def test_every_expected_theme_list_is_read(results):
    for name, result in results.items():
        assert result["ours"]["expected"] == 12, name
        assert result["labelled_units"] > 300, name
    assert results["demo_themes"]["labelled_units"] > 1000  # the demo corpus's documents were found and read


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_coverage_does_not_drop(results, name):
    assert results[name]["ours"]["coverage"] >= FLOORS[name], results[name]["ours"]["detail"]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_no_theme_holds_more_than_35_percent(results, name):
    assert results[name]["ours"]["largest_share"] <= 0.35


def test_ours_beats_the_baseline_on_the_heldout_set(results):
    ours, base = results["heldout_b"]["ours"], results["heldout_b"]["baseline"]
    assert ours["coverage"] > base["coverage"], (ours["coverage"], base["coverage"])
    assert ours["largest_share"] < base["largest_share"]


def test_ours_covers_more_on_the_demo_corpus(results):
    """More expected themes covered; the largest group is smaller once the baseline's unassigned lines count as
    the group a reader sees (among assigned units alone the baseline's largest topic is smaller: 6.8% vs 8.5%)."""
    ours, base = results["demo_themes"]["ours"], results["demo_themes"]["baseline"]
    assert ours["coverage"] > base["coverage"], (ours["coverage"], base["coverage"])
    assert ours["largest_pile"] < base["largest_pile"]


@pytest.mark.xfail(strict=True, reason="issue 14: on the tuning set (a) the baseline covers one expected theme "
                                       "more (4 of 12 against 3)")
def test_ours_beats_the_baseline_on_the_tuning_set(results):
    ours, base = results["tuning_a2"]["ours"], results["tuning_a2"]["baseline"]
    assert ours["coverage"] > base["coverage"] and ours["largest_share"] < base["largest_share"]
