"""The theme clusterer: Ward's cut plus nearest-centre refinement, numbered by first member, unmoved by
float noise in the last bits (the cross-machine property, here on synthetic data; the corpus-level tests
are in test_theme_determinism.py)."""
from __future__ import annotations

import numpy as np
import pytest

from workbench.analysis.theme_clustering import (StableClusterer, auto_n_clusters, canonical_labels, centroids,
                                                 split_oversized, unit_rows)


def blobs(n_per: int = 60, k: int = 6, dim: int = 32, spread: float = 0.35, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, dim))
    truth = np.repeat(np.arange(k), n_per)
    x = centres[truth] + spread * rng.normal(size=(len(truth), dim))
    order = rng.permutation(len(truth))  # members of a blob are spread through the "corpus"
    return x[order].astype(np.float32), truth[order]


def test_finds_well_separated_groups():
    x, truth = blobs()
    labels = StableClusterer(n_clusters=6).fit(x).labels_
    # every found cluster lies inside one true group and every group is one cluster
    assert len(set(labels)) == 6
    assert all(len(set(truth[labels == c])) == 1 for c in set(labels))


def test_numbering_follows_the_first_member_not_the_size():
    labels = canonical_labels(np.array([5, 5, 2, -1, 9, 2, 9, 9, 9]))
    assert labels.tolist() == [0, 0, 1, -1, 2, 1, 2, 2, 2]
    assert canonical_labels(np.array([3, 1, 3]), start=4).tolist() == [4, 5, 4]
    fitted = StableClusterer(n_clusters=6).fit(blobs()[0]).labels_
    firsts = [int(np.flatnonzero(fitted == c)[0]) for c in range(6)]
    assert firsts == sorted(firsts)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relative_noise_of_1e5_changes_no_label(seed):
    x, _ = blobs(n_per=80, k=9, spread=0.6, seed=seed)  # overlapping groups: many close calls
    base = StableClusterer().fit(x)
    rng = np.random.default_rng(100 + seed)
    for _ in range(5):
        noisy = x * (1 + 1e-5 * rng.standard_normal(x.shape)).astype(np.float32)
        assert not np.array_equal(noisy, x)
        assert np.array_equal(StableClusterer().fit(noisy).labels_, base.labels_)


def test_every_row_is_in_the_theme_of_its_nearest_centre():
    x, _ = blobs(spread=0.8)
    fitted = StableClusterer(n_clusters=5).fit(x)
    sims = unit_rows(x) @ fitted.centroids_.T
    assert np.array_equal(sims.argmax(axis=1), fitted.labels_)
    assert np.array_equal(fitted.predict(x), fitted.labels_)
    np.testing.assert_allclose(fitted.centroids_, centroids(unit_rows(x), fitted.labels_, 5))


def test_large_inputs_run_ward_on_evenly_spaced_rows(monkeypatch):
    from sklearn import cluster

    seen = []
    real = cluster.AgglomerativeClustering.fit

    def spy(self, x, y=None):
        seen.append(len(x))
        return real(self, x, y)

    monkeypatch.setattr(cluster.AgglomerativeClustering, "fit", spy)
    x, truth = blobs(n_per=100, k=4)
    labels = StableClusterer(n_clusters=4, max_ward=120).fit(x).labels_
    assert seen == [120]
    assert all(len(set(truth[labels == c])) == 1 for c in set(labels))  # the others joined their group


def test_auto_number_of_themes_grows_slowly_with_the_corpus():
    assert auto_n_clusters(400) == 20 and auto_n_clusters(2000) == 45
    assert auto_n_clusters(10) == 3 and auto_n_clusters(10**6) == 60
    assert auto_n_clusters(4) == 2


def test_one_cluster_and_tiny_inputs():
    x, _ = blobs(n_per=3, k=2)
    assert StableClusterer(n_clusters=1).fit(x).labels_.tolist() == [0] * 6
    assert len(set(StableClusterer(n_clusters=10).fit(x).labels_)) <= 6


def test_a_theme_over_the_largest_share_is_split():
    x, truth = blobs(n_per=60, k=3)
    one_big = StableClusterer(n_clusters=2).fit(x).labels_
    assert np.bincount(one_big).max() >= 120  # two groups share a theme
    capped = StableClusterer(n_clusters=2, max_share=0.35).fit(x)
    sizes = np.bincount(capped.labels_)
    assert sizes.max() <= 0.35 * len(x) and len(sizes) >= 3
    assert capped.labels_.tolist() == canonical_labels(capped.labels_).tolist()
    assert all(len(set(truth[capped.labels_ == c])) == 1 for c in set(capped.labels_.tolist()))


def test_split_oversized_leaves_small_themes_and_identical_rows_alone():
    x, _ = blobs(n_per=10, k=3)
    labels = StableClusterer(n_clusters=3).fit(x).labels_
    assert split_oversized(x, labels, 0.5).tolist() == labels.tolist()
    same = np.ones((8, 5))
    assert split_oversized(same, np.zeros(8, dtype=int), 0.35).tolist() == [0] * 8  # cannot be split
