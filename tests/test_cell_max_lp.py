"""Joint block-envelope bound of min H over Δ12 (the three groupings cell by cell)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmbounds.info import entropy
from mmbounds.solvers._block_lp import (
    FAMILIES,
    block_parts,
    block_relaxation,
    chunk_block,
    columns_from_parts,
    slab_vertices,
)
from mmbounds.solvers._cell_max_lp import (
    _capped_parts,
    _Family,
    joint_block_relaxation,
    joint_lagrangian,
)
from mmbounds.solvers._chord_bnb import secants
from mmbounds.solvers._delta_lp import DeltaLP
from tests.conftest import clustered_table
from tests.test_min_entropy import _brute_delta12, _marginals, _random_table
from tests.test_upper_block import _clustered


def _box(p):
    lp = DeltaLP.build(*_marginals(p))
    lo, hi = lp.propagate(np.zeros(lp.n_cells), lp.ub.copy(), n_pass=20)
    return lp, lo, hi


def _singles(lp, lo, hi):
    _, beta = secants(lo, hi)
    _, y = lp.solve(beta, lo, hi)
    return [block_relaxation(lp, f, lo, hi, y)[0] for f in FAMILIES]


@pytest.mark.parametrize("shape", [(2, 2, 3), (2, 3, 2), (3, 3, 2), (2, 2, 4)])
def test_joint_bound_below_exhaustive_minimum(shape):
    # every vertex of Δ12 enumerated: the certified bound never exceeds the true minimum
    rng = np.random.default_rng(21)
    for alpha in (0.3, 1.0):
        p = _random_table(rng, shape, alpha)
        h_min = _brute_delta12(p)
        lp, lo, hi = _box(p)
        bound, r = joint_block_relaxation(lp, lo, hi)
        assert bound <= h_min + 1e-9, (bound, h_min)
        assert bound >= max(_singles(lp, lo, hi)) - 1e-7


def test_joint_bound_beats_every_single_family_on_clustered_tables():
    rng = np.random.default_rng(3)
    gains = []
    for _ in range(3):
        p = _clustered(rng, (6, 6, 4), 300)
        lp, lo, hi = _box(p)
        bound, r = joint_block_relaxation(lp, lo, hi)
        best = max(_singles(lp, lo, hi))
        assert best - 1e-7 <= bound <= entropy(p) + 1e-9
        # its LP point has the three marginals (to the solver's tolerance) and lies in the box
        np.testing.assert_allclose(lp.A @ r, lp.b, rtol=0, atol=1e-7)
        assert np.all(r >= lo) and np.all(r <= hi)
        gains.append(bound - best)
    assert min(gains) > 1e-2, gains


@settings(deadline=None, max_examples=30)
@given(
    shape=st.tuples(st.integers(2, 4), st.integers(2, 4), st.integers(2, 3)),
    alpha=st.sampled_from([0.1, 0.3, 1.0]),
    seed=st.integers(0, 2**31 - 1),
)
def test_property_lagrangian_valid_for_any_multipliers(shape, alpha, seed):
    # the certificate holds whatever the weights and prices: below H of p and of LP vertices
    rng = np.random.default_rng(seed)
    p = _random_table(rng, shape, alpha)
    lp, lo, hi = _box(p)
    fams = [_Family(*columns_from_parts(lp, block_parts(lp, f, lo, hi))[:2]) for f in FAMILIES]
    feasible = [entropy(p)]
    for _ in range(2):
        x, _ = lp.solve(rng.standard_normal(lp.n_cells))
        if x is not None:
            feasible.append(entropy(lp.full(lp.polish(x))))
    nc = lp.n_cells
    for scale in (0.0, 1.0, 30.0):
        w = rng.uniform(-0.2, 1.0, (3, nc))  # negative weights are clipped, then renormalized
        g = scale * rng.standard_normal((3, nc))
        z = scale * rng.standard_normal(lp.b.size)
        val, _ = joint_lagrangian(lp, fams, w, g, z, lo, hi)
        assert val <= min(feasible) + 1e-9


def test_column_cap_splits_the_largest_blocks_and_stays_valid():
    p = _clustered(np.random.default_rng(4), (8, 8, 5), 600)
    lp, lo, hi = _box(p)
    whole_parts = [block_parts(lp, f, lo, hi) for f in FAMILIES]
    full = sum(v.shape[0] for fp in whole_parts for _, v in fp)
    # splitting a block of n cells leaves 2 n columns: the fewest reachable
    least = sum(min(v.shape[0], 2 * c.size) for fp in whole_parts for c, v in fp)
    assert least < full
    cap = (full + least) // 2
    parts = _capped_parts(lp, lo, hi, 10, cap)
    assert sum(v.shape[0] for fp in parts for _, v in fp) <= cap
    # the cells of every family are still covered exactly once
    for fp in parts:
        cells = np.sort(np.concatenate([c for c, _ in fp]))
        np.testing.assert_array_equal(cells, np.arange(lp.n_cells))
    capped, _ = joint_block_relaxation(lp, lo, hi, max_columns=cap)
    whole, _ = joint_block_relaxation(lp, lo, hi)
    assert capped <= whole + 1e-7
    assert capped <= entropy(p) + 1e-9


def test_joint_bound_is_deterministic():
    p = clustered_table(10, 10, 5, 2)
    lp, lo, hi = _box(p)
    a = joint_block_relaxation(lp, lo, hi)
    b = joint_block_relaxation(lp, lo, hi)
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])


def test_enumeration_guard_lowers_the_block_size(monkeypatch):
    import mmbounds.solvers._cell_max_lp as joint

    p = _clustered(np.random.default_rng(4), (6, 6, 4), 300)
    lp, lo, hi = _box(p)
    whole, _ = joint_block_relaxation(lp, lo, hi)
    before = _capped_parts(lp, lo, hi, 10, 10**6)
    n_whole = sum(len(fp) for fp in before)
    cols_whole = sum(v.shape[0] for fp in before for _, v in fp)
    monkeypatch.setattr(joint, "MAX_ENUMERATED", 60)
    parts = _capped_parts(lp, lo, hi, 10, 10**6)
    assert sum(len(fp) for fp in parts) > n_whole  # blocks were split into cells
    assert sum(v.shape[0] for fp in parts for _, v in fp) < cols_whole
    guarded, _ = joint_block_relaxation(lp, lo, hi)
    assert guarded <= whole + 1e-7
    assert guarded <= entropy(p) + 1e-9


def test_slab_vertices_are_every_vertex():
    # every LP optimum over {a <= Σ r <= b, lo <= r <= hi} is one of the enumerated points, and
    # they all lie in the slab
    from scipy.optimize import linprog

    rng = np.random.default_rng(5)
    for n in (2, 3, 4, 5):
        hi = rng.uniform(0.1, 1.0, n)
        lo = hi * rng.uniform(0.0, 0.5, n) * (rng.random(n) < 0.6)
        span = float((hi - lo).sum())
        a, b = float(lo.sum() + 0.2 * span), float(lo.sum() + 0.7 * span)
        verts = slab_vertices(a, b, lo, hi)
        sums = verts.sum(axis=1)
        assert np.all(sums >= a - 1e-12) and np.all(sums <= b + 1e-12)
        assert np.all(verts >= lo - 1e-15) and np.all(verts <= hi + 1e-15)
        ones = np.ones((1, n))
        for _ in range(30):
            c = rng.standard_normal(n)
            res = linprog(c, A_ub=np.vstack([ones, -ones]), b_ub=[b, -a], bounds=list(zip(lo, hi)))
            assert np.min(np.abs(verts - res.x[None, :]).max(axis=1)) < 1e-7


def test_chunks_cover_the_block_and_hold_every_table_of_it():
    # the parts of a chunked block cover its cells once, and the block's own vertices (hence every
    # point of the block polytope) lie in the chunks' slabs
    rng = np.random.default_rng(6)
    for n in (4, 7, 9):
        hi = rng.uniform(0.1, 1.0, n)
        lo = hi * rng.uniform(0.0, 0.3, n) * (rng.random(n) < 0.5)
        s = float(lo.sum() + 0.4 * (hi - lo).sum())
        cells = np.arange(n)
        parts = chunk_block(cells, s, lo, hi, 3)
        np.testing.assert_array_equal(np.sort(np.concatenate([c for c, _ in parts])), cells)
        assert 2 <= max(c.size for c, _ in parts) <= 3  # near-equal chunks of at most 3 cells
        from mmbounds.solvers._block_lp import block_vertices

        for v in block_vertices(s, lo, hi):
            for c, verts in parts:
                sub = v[c]
                assert verts.sum(axis=1).min() <= sub.sum() + 1e-12
                assert sub.sum() <= verts.sum(axis=1).max() + 1e-12


@pytest.mark.parametrize("shape", [(2, 2, 4), (2, 3, 3), (3, 3, 2), (3, 2, 3)])
def test_chunked_bound_below_exhaustive_minimum_and_between_chords_and_blocks(shape):
    # blocks relaxed by chunks of 2 cells (every block of 2+ free cells): certified below the
    # exhaustive minimum, never below the chord-only relaxation, never above whole blocks
    rng = np.random.default_rng(22)
    gains = []
    for alpha in (0.2, 0.5, 1.0):
        p = _random_table(rng, shape, alpha)
        h_min = _brute_delta12(p)
        lp, lo, hi = _box(p)
        chunked, _ = joint_block_relaxation(lp, lo, hi, max_block=1, chunk=2)
        chords, _ = joint_block_relaxation(lp, lo, hi, max_block=1, chunk=1)
        whole, _ = joint_block_relaxation(lp, lo, hi)
        assert chunked <= h_min + 1e-9, (chunked, h_min)
        assert chords - 1e-7 <= chunked <= whole + 1e-7
        gains.append(chunked - chords)
    assert max(gains) > 1e-4, gains


def test_column_cap_chunks_before_it_splits_into_cells():
    # under the cap the largest blocks are relaxed by chunks first: a tighter bound than cells
    # alone at a cap both reach, and still below H(p)
    p = _clustered(np.random.default_rng(4), (8, 8, 5), 600)
    lp, lo, hi = _box(p)
    whole_parts = [block_parts(lp, f, lo, hi) for f in FAMILIES]
    full = sum(v.shape[0] for fp in whole_parts for _, v in fp)
    cap = full // 3
    chunked, _ = joint_block_relaxation(lp, lo, hi, max_columns=cap, chunk=4)
    cells, _ = joint_block_relaxation(lp, lo, hi, max_columns=cap, chunk=1)
    assert sum(v.shape[0] for fp in _capped_parts(lp, lo, hi, 10, cap, 4) for _, v in fp) <= cap
    assert cells + 1e-4 < chunked <= entropy(p) + 1e-9
