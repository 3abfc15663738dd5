"""The held-out set (b): 16 documents and their labelled units (tests/data/heldout_b), written and labelled by
someone who never saw the detector code, following the same labelling guide as the tuning set. The detector
was not tuned on it: it was read once, after the last change to the detector and its model, and the figures
measured then are the floors here (a little under them). The test guards against regressions; it was not
tuned to pass. The issue's target (0.85) is in the xfail test below until it is reached."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.analysis import barrier_eval

HELDOUT_B = Path(__file__).resolve().parents[1] / "data" / "heldout_b"
# Measured once, on 2026-12-05 with the detector of commit 8583846 (precision, recall; true positives / flagged /
# labelled): barriers 97 / 136 / 167, enablers 93 / 139 / 153, benefits 27 / 54 / 63 of 795 units. See the
# README. The floors are these minus 0.03.
MEASURED = {"barrier": (0.713, 0.581), "enabler": (0.669, 0.608), "benefit": (0.5, 0.429)}


@pytest.fixture(scope="module")
def heldout(tmp_path_factory):
    return barrier_eval.evaluate_documents(HELDOUT_B / "docs", HELDOUT_B / "labels.csv",
                                           cache_dir=tmp_path_factory.mktemp("heldout_b"))


def test_every_labelled_unit_is_found_in_its_document(heldout):
    assert (heldout.units["start_char"] >= 0).all(), heldout.units[heldout.units["start_char"] < 0]


def test_heldout_figures_do_not_drop(heldout):
    for kind, (precision, recall) in MEASURED.items():
        assert heldout.figure(kind, "precision") >= precision - 0.03, heldout.figures
        assert heldout.figure(kind, "recall") >= recall - 0.03, heldout.figures


@pytest.mark.xfail(strict=True, reason="target of issue 14 (0.85) not reached on (b): barriers 0.71 / 0.58, "
                                       "enablers 0.67 / 0.61")
def test_heldout_reaches_the_target(heldout):
    for kind in ("barrier", "enabler"):
        assert heldout.figure(kind, "precision") >= 0.85 and heldout.figure(kind, "recall") >= 0.85, \
            heldout.figures
