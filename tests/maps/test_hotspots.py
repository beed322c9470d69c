"""Gi* with FDR: a planted cluster is found, uniform noise yields nothing; esda agrees."""

import numpy as np
import pytest
from scipy import sparse
from scipy.spatial import cKDTree

from maps.hotspots import fdr_levels, gi_star, gi_star_esda


def grid_weights(n: int) -> tuple[np.ndarray, sparse.csr_matrix]:
    """Queen contiguity on an n × n lattice, each cell its own neighbour (Gi*)."""
    ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    points = np.column_stack([ii.ravel(), jj.ravel()]).astype(float)
    pairs = cKDTree(points).query_pairs(1.5, output_type="ndarray")
    m = len(points)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1], np.arange(m)])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0], np.arange(m)])
    return points, sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, m))


def test_planted_cluster_is_a_99_percent_hot_spot_and_nothing_else_is_hot():
    rng = np.random.default_rng(7)
    points, weights = grid_weights(30)
    counts = rng.poisson(2.0, len(points)).astype(float)
    inside = (np.abs(points[:, 0] - 10) <= 2) & (np.abs(points[:, 1] - 20) <= 2)
    counts[inside] += rng.poisson(12.0, inside.sum())

    result = gi_star(counts, weights)

    assert (result.level[inside] == 99).all()
    hot = result.level > 0
    # Hot cells are the cluster and, at most, its immediate ring.
    near = (np.abs(points[:, 0] - 10) <= 3) & (np.abs(points[:, 1] - 20) <= 3)
    assert hot.sum() >= inside.sum()
    assert not (hot & ~near).any()


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_uniform_noise_has_no_significant_cell_after_fdr(seed):
    rng = np.random.default_rng(seed)
    points, weights = grid_weights(30)
    counts = rng.poisson(5.0, len(points)).astype(float)

    result = gi_star(counts, weights)

    # Without the correction some of 900 cells would pass p < 0.10 by chance alone.
    assert (result.p < 0.10).sum() > 0
    assert (result.level == 0).all()


def test_analytic_z_scores_equal_pysal_esda_g_local_star():
    rng = np.random.default_rng(11)
    _points, weights = grid_weights(12)
    counts = rng.poisson(3.0, 144).astype(float)
    counts[:10] += 9

    ours = gi_star(counts, weights)
    reference = gi_star_esda(counts, weights, permutations=99)

    np.testing.assert_allclose(ours.z, reference.z, rtol=1e-9, atol=1e-9)


def test_fdr_levels_are_signed_and_tiered():
    z = np.array([5.0, -5.0, 2.0, 0.1])
    p = np.array([1e-6, 1e-6, 0.04, 0.9])
    levels = fdr_levels(z, p)
    assert levels[0] == 99 and levels[1] == -99
    assert levels[3] == 0
    assert levels[2] in (90, 95)


def test_constant_values_give_zero_scores_not_nan():
    _points, weights = grid_weights(5)
    result = gi_star(np.ones(25), weights)
    assert np.isfinite(result.z).all()
    assert (result.level == 0).all()
