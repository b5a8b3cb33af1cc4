"""Block-envelope bound, exchange local search and large-table path of min H over Δ12."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmbounds.info import entropy
from mmbounds.solvers._block_lp import FAMILIES, block_relaxation, block_vertices
from mmbounds.solvers._chord_bnb import cube_descent, entropy_bits, secants
from mmbounds.solvers._delta_lp import DeltaLP
from mmbounds.solvers.min_entropy import min_entropy_search
from tests.test_min_entropy import _brute_delta12, _check_solution, _marginals, _random_table


def _clustered(rng, shape, n_samples):
    """Empirical table of ``n_samples`` draws from a peaked joint (sparse, like clustered data)."""
    q = rng.dirichlet(np.full(int(np.prod(shape)), 0.1))
    counts = rng.multinomial(n_samples, q).astype(float)
    return (counts / counts.sum()).reshape(shape)


def _root(p):
    lp = DeltaLP.build(*_marginals(p))
    lo, hi = lp.propagate(np.zeros(lp.n_cells), lp.ub.copy(), n_pass=20)
    _, beta = secants(lo, hi)
    _, y = lp.solve(beta, lo, hi)
    return lp, lo, hi, y


def test_block_vertices_are_every_vertex():
    # every LP optimum over {Σ r = s, lo <= r <= hi} is one of the enumerated vertices
    from scipy.optimize import linprog

    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 5, 7):
        hi = rng.uniform(0.1, 1.0, n)
        lo = hi * rng.uniform(0.0, 0.5, n)
        s = float(lo.sum() + 0.6 * (hi - lo).sum())
        verts = block_vertices(s, lo, hi)
        np.testing.assert_allclose(verts.sum(axis=1), s, atol=1e-12)
        assert np.all(verts >= lo - 1e-15) and np.all(verts <= hi + 1e-15)
        for _ in range(20):
            c = rng.standard_normal(n)
            res = linprog(c, A_eq=np.ones((1, n)), b_eq=[s], bounds=list(zip(lo, hi)))
            assert np.min(np.abs(verts - res.x[None, :]).max(axis=1)) < 1e-7


@pytest.mark.parametrize("shape", [(2, 2, 3), (2, 3, 2), (3, 3, 2), (2, 2, 4)])
def test_block_bound_below_exhaustive_minimum(shape):
    # the certified bound never exceeds the true minimum (every vertex of Δ12 enumerated)
    rng = np.random.default_rng(1)
    for alpha in (0.3, 1.0):
        p = _random_table(rng, shape, alpha)
        h_min = _brute_delta12(p)
        lp, lo, hi, y = _root(p)
        for family in FAMILIES:
            bound, x = block_relaxation(lp, family, lo, hi, y)
            assert bound <= h_min + 1e-9, (family, bound, h_min)
            assert x is not None


def test_block_bound_beats_chords_on_sparse_tables():
    # on clustered-like tables the block envelope is strictly above the chord LP at the root
    rng = np.random.default_rng(3)
    gains = []
    for _ in range(3):
        p = _clustered(rng, (6, 6, 4), 300)
        lp, lo, hi, y = _root(p)
        alpha, beta = secants(lo, hi)
        x, y2 = lp.solve(beta, lo, hi)
        chord = float(alpha.sum()) + lp.lagrangian_bound(beta, y2, lo, hi)
        best = max(block_relaxation(lp, f, lo, hi, y)[0] for f in FAMILIES)
        assert best >= chord - 1e-9
        assert best <= entropy(p) + 1e-9
        gains.append(best - chord)
    assert max(gains) > 1e-3


@settings(deadline=None, max_examples=30)
@given(
    shape=st.tuples(st.integers(2, 4), st.integers(2, 4), st.integers(2, 3)),
    alpha=st.sampled_from([0.1, 0.3, 1.0]),
    seed=st.integers(0, 2**31 - 1),
)
def test_property_block_bound_below_feasible_joints(shape, alpha, seed):
    # upper bound on S >= S of every feasible joint: the bound is below H of p, of LP vertices of
    # Δ12 and of their mixtures
    rng = np.random.default_rng(seed)
    p = _random_table(rng, shape, alpha)
    lp, lo, hi, y = _root(p)
    feasible = [entropy(p)]
    pts = []
    for _ in range(3):
        x, _ = lp.solve(rng.standard_normal(lp.n_cells))
        if x is not None:
            pts.append(lp.full(lp.polish(x)))
            feasible.append(entropy(pts[-1]))
    if len(pts) >= 2:
        feasible.append(entropy(0.5 * (pts[0] + pts[1])))
    for family in FAMILIES:
        bound, _ = block_relaxation(lp, family, lo, hi, y)
        assert bound <= min(feasible) + 1e-9


@settings(deadline=None, max_examples=25)
@given(
    shape=st.tuples(st.integers(2, 4), st.integers(2, 4), st.integers(2, 3)),
    alpha=st.sampled_from([0.2, 1.0]),
    seed=st.integers(0, 2**31 - 1),
)
def test_property_cube_descent_keeps_marginals(shape, alpha, seed):
    rng = np.random.default_rng(seed)
    p = _random_table(rng, shape, alpha)
    r, h = cube_descent(p, np.random.default_rng(seed), n_rounds=10, batch=200)
    assert np.all(r >= 0)
    for got, want in zip(_marginals(r), _marginals(p)):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    assert h <= entropy(p) + 1e-12
    assert h == pytest.approx(entropy_bits(r), abs=1e-12)
    assert not np.shares_memory(r, p)


def test_cube_descent_reaches_the_minimum_of_a_segment():
    # 2x2x2 with uniform marginals: Δ12 is a segment whose ends (XOR and its mirror) have 2 bits
    p = np.full((2, 2, 2), 1 / 8)
    r, h = cube_descent(p, np.random.default_rng(0), n_rounds=2, batch=50)
    assert h == pytest.approx(2.0, abs=1e-12)


def test_search_on_clustered_table_is_certified_and_deterministic():
    rng = np.random.default_rng(5)
    p = _clustered(rng, (6, 5, 4), 200)
    s1 = min_entropy_search(*_marginals(p), random_state=3, warn=False)
    s2 = min_entropy_search(*_marginals(p), random_state=3, warn=False)
    _check_solution(p, s1)
    assert s1.entropy_lower == s2.entropy_lower and s1.witness_entropy == s2.witness_entropy
    np.testing.assert_array_equal(s1.witness, s2.witness)
    off = min_entropy_search(*_marginals(p), random_state=3, warn=False, blocks=False)
    assert s1.entropy_lower >= off.entropy_lower - 1e-12
    assert s1.witness_entropy <= off.witness_entropy + 1e-12


def test_large_table_path_is_certified():
    # above max_cells active cells: one interior-point chord LP and the exchange search
    rng = np.random.default_rng(7)
    p = _random_table(rng, (6, 6, 5), 0.5)
    sol = min_entropy_search(*_marginals(p), random_state=0, warn=False, max_cells=50)
    _check_solution(p, sol)
    assert sol.method in ("chord-lp", "pairings")
    again = min_entropy_search(*_marginals(p), random_state=0, warn=False, max_cells=50)
    assert again.entropy_lower == sol.entropy_lower
    np.testing.assert_array_equal(again.witness, sol.witness)


@pytest.mark.slow
def test_paper_size_clustered_tables():
    # 20x20x10 empirical tables of 2,000 samples: certified, witness feasible, reproducible
    rng = np.random.default_rng(11)
    for _ in range(3):
        p = _clustered(rng, (20, 20, 10), 2000)
        s1 = min_entropy_search(*_marginals(p), random_state=0, warn=False)
        s2 = min_entropy_search(*_marginals(p), random_state=0, warn=False)
        _check_solution(p, s1)
        assert s1.entropy_lower == s2.entropy_lower
        np.testing.assert_array_equal(s1.witness, s2.witness)


def test_exhaustive_small_tables_bracket_the_minimum():
    rng = np.random.default_rng(13)
    for shape in itertools.islice(itertools.cycle([(2, 2, 3), (3, 2, 2), (2, 3, 3)]), 3):
        p = _random_table(rng, shape, 0.5)
        h_min = _brute_delta12(p)
        sol = min_entropy_search(*_marginals(p), random_state=0, warn=False)
        assert sol.entropy_lower <= h_min + 1e-9 <= sol.witness_entropy + 2e-9


def test_block_relaxation_keeps_to_its_simplex_budget(monkeypatch):
    # a sparse 20x20x10 table counted from 600 samples per source (mfeat fou+kar, 20 clusters):
    # HiGHS's primal simplex stalled here for 5.6 million iterations in one re-solve (115 s)
    from pathlib import Path

    import mmbounds.solvers._block_lp as block_lp

    d = np.load(Path(__file__).parent / "data" / "block_lp_stall_20x20x10.npz")
    p1, p2, p12 = d["p1"], d["p2"], d["p12"]
    used: list[int] = []
    real = block_lp._quiet_highs

    class Counted:
        def __init__(self, h):
            self.h = h

        def run(self):
            out = self.h.run()
            used.append(int(self.h.getInfo().simplex_iteration_count))
            return out

        def __getattr__(self, name):
            return getattr(self.h, name)

    monkeypatch.setattr(block_lp, "_quiet_highs", lambda highspy: Counted(real(highspy)))
    lp = DeltaLP.build(p1, p2, p12)
    lo, hi = lp.propagate(np.zeros(lp.n_cells), lp.ub.copy(), n_pass=20)
    _, beta = secants(lo, hi)
    _, y_root = lp.solve(beta, lo, hi)
    for family in FAMILIES:
        used.clear()
        bound, _ = block_relaxation(lp, family, lo, hi, y_root)
        assert sum(used) <= block_lp.MAX_SIMPLEX_ITERATIONS, family
        assert np.isfinite(bound)
    monkeypatch.undo()
    sol = min_entropy_search(p1, p2, p12, random_state=0, warn=False)
    assert sol.entropy_lower <= sol.witness_entropy
    assert sol.gap <= 1e-3  # the other relaxations still close it


def test_unique_rows_is_numpy_unique_on_rows():
    # the vertex lists are deduplicated by a lexsort; the result must be np.unique's, bit for bit
    from mmbounds.solvers._block_lp import _unique_rows

    rng = np.random.default_rng(3)
    for _ in range(200):
        n, k = int(rng.integers(1, 40)), int(rng.integers(1, 8))
        v = rng.choice([0.0, 0.25, 1e-17, 0.5, rng.random()], size=(n, k))
        v[rng.integers(0, n, n // 2)] = v[rng.integers(0, n, n // 2)]  # duplicated rows
        assert _unique_rows(v).tobytes() == np.unique(v, axis=0).tobytes()
