"""The held-out set (b): 16 documents and their labelled units (tests/data/heldout_b), written and labelled by
someone who never saw the detector code, following the same labelling guide as the tuning set. The detector
was not tuned on it: it was read after the last change to the detector and its model (twice in all, see
below), and the figures measured then are the floors here (a little under them). The test guards against regressions; it was not
tuned to pass. The issue's target (0.85) is in the xfail test below until it is reached."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.analysis import barrier_eval

HELDOUT_B = Path(__file__).resolve().parents[1] / "data" / "heldout_b"
# Measured twice, each time after the last change to the detector and its model and without looking at (b) in
# between: on 2026-12-05 with the detector of commit 8583846 (precision, recall; true positives / flagged /
# labelled): barriers 0.713 / 0.581 (97 / 136 / 167), enablers 0.669 / 0.608 (93 / 139 / 153), benefits 0.500 /
# 0.429 (27 / 54 / 63) of 795 units; then in the next session, after the stance model was trained again with the
# 60 new tuning documents of tests/data/tuning_a3 (nothing else changed): barriers 110 / 152 / 167, enablers
# 99 / 143 / 153, benefits 31 / 60 / 63; and once more the same day after the model was trained again on the same
# data read with one reader fix (a timestamp alone under a speaker's name is no longer part of the turn; only
# tuning_a3 has such lines): barriers 0.711 / 0.647 (108 / 152 / 167), enablers 0.691 / 0.673 (103 / 149 / 153),
# benefits 0.525 / 0.492 (31 / 59 / 63). See the README. The floors are these last figures minus 0.03.
MEASURED = {"barrier": (0.711, 0.647), "enabler": (0.691, 0.673), "benefit": (0.525, 0.492)}


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


@pytest.mark.xfail(strict=True, reason="target of issue 14 (0.85) not reached on (b): barriers 0.71 / 0.65, "
                                       "enablers 0.69 / 0.67")
def test_heldout_reaches_the_target(heldout):
    for kind in ("barrier", "enabler"):
        assert heldout.figure(kind, "precision") >= 0.85 and heldout.figure(kind, "recall") >= 0.85, \
            heldout.figures


def test_a_second_labeller_agrees_with_the_first():
    """How far two careful readers agree on (b): labels_second.csv is a second, independent labelling of the same
    795 units (by someone who saw neither the first labels nor the code; same guide and codebook). Scored as if
    the second labeller were a detector: barriers 0.943 / 0.994, enablers 0.955 / 0.980, Cohen's kappa 0.939.
    So the task is well defined on (b) and the target (0.85) is within a reader's reach: the gap is the
    detector's."""
    from sklearn.metrics import cohen_kappa_score

    first = barrier_eval.read_labels(HELDOUT_B / "labels.csv")
    second = barrier_eval.read_labels(HELDOUT_B / "labels_second.csv")
    assert list(first["doc"]) == list(second["doc"]) and list(first["text"]) == list(second["text"])
    f = barrier_eval.figures(list(first["label"]), list(second["label"])).set_index("kind")
    for kind in ("barrier", "enabler"):
        assert f.loc[kind, "precision"] >= 0.9 and f.loc[kind, "recall"] >= 0.9, f
    assert cohen_kappa_score(first["label"], second["label"]) >= 0.9
