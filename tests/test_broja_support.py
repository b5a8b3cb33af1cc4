"""The support layout of the fast BROJA solver: same certified optimum, memory linear in support."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp

from mmbounds.exceptions import ConvergenceWarning
from mmbounds.info import mutual_information
from mmbounds.solvers._backend import NumpyNamespace
from mmbounds.solvers.broja import broja_cvxpy, broja_fast, dual_lower_bound
from mmbounds.solvers.broja._certify import cond_entropy, dual_bound, round_feasible
from mmbounds.solvers.broja._dense import DenseOps
from mmbounds.solvers.broja._layout import _choose_layout
from mmbounds.solvers.broja._sparse import SparseOps, support_cells, support_cost, triplets

from .conftest import clustered_table


def _copy_gate(a: int, b: int) -> np.ndarray:
    p = np.zeros((a, b, a * b))
    i, j = np.meshgrid(np.arange(a), np.arange(b), indexing="ij")
    p[i, j, i * b + j] = 1.0 / (a * b)
    return p


def _sparse_dirichlet(shape: tuple[int, int, int], seed: int, zero: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(int(np.prod(shape)), 0.5)).reshape(shape)
    p[rng.random(shape) < zero] = 0.0
    if p.sum() == 0:
        p.flat[0] = 1.0
    return p / p.sum()


def _triplets(p: np.ndarray) -> tuple:
    p1, p2 = p.sum(1), p.sum(0)
    n1, ny = p1.shape
    return triplets(p1, np.arange(n1), np.arange(ny)), triplets(
        p2, np.arange(p2.shape[0]), np.arange(ny)
    )


def _marginals(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return p.sum(1), p.sum(0)


def _check(p: np.ndarray, sol, tol: float) -> None:
    q = sol.q
    assert q.shape == p.shape and np.all(q >= 0)
    assert np.max(np.abs(q.sum(1) - p.sum(1))) <= 1e-8
    assert np.max(np.abs(q.sum(0) - p.sum(0))) <= 1e-8
    assert sol.info.converged and 0.0 <= sol.info.residual <= tol
    assert np.all(q[~((p.sum(1)[:, None, :] > 0) & (p.sum(0)[None, :, :] > 0))] == 0)
    assert sol.min_mi == pytest.approx(mutual_information(q, (0, 1), 2), abs=1e-9)


@pytest.mark.parametrize("a", [30, 60])
def test_copy_gate_exact_with_memory_linear_in_support(a: int) -> None:
    """COPY with |Y| = 10 a: the dense layout's coupling block would be a^2 10^3 floats (7.2e6
    and 2.9e7 here); the support layout solves it exactly with a few hundred KiB."""
    p = _copy_gate(a, 10)
    p1, p2 = p.sum(1), p.sum(0)
    broja_fast(p1, p2)  # first-call set-up (imports, the BLAS thread controller) is not traced
    tracemalloc.start()
    sol = broja_fast(p1, p2)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert sol.info.status == "optimal" and sol.info.residual == 0.0
    assert sol.min_mi == pytest.approx(np.log2(10 * a), abs=1e-12)
    # support: 10 a cells; every array is O(support): under 1 KiB per support cell
    assert peak <= 1024 * 10 * a
    _check(p, sol, 1e-9)


def test_copy_gate_memory_grows_linearly() -> None:
    broja_fast(*_marginals(_copy_gate(4, 3)))  # first-call set-up, not traced
    peaks = []
    for a in (40, 80):
        p1, p2 = _copy_gate(a, 10).sum(1), _copy_gate(a, 10).sum(0)
        tracemalloc.start()
        broja_fast(p1, p2)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # support x2, input (n1 ny) x4, dense coupling block x4: the peak follows the support
    assert peaks[1] / peaks[0] < 2.6


@pytest.mark.parametrize(
    "make",
    [
        lambda: clustered_table(12, 10, 4, 0),
        lambda: clustered_table(9, 14, 3, 1),
        lambda: _sparse_dirichlet((6, 7, 4), 2, 0.6),
        lambda: _sparse_dirichlet((8, 5, 3), 3, 0.4),
    ],
    ids=["clustered", "clustered-swap", "zeros-60", "zeros-40"],
)
def test_layouts_agree_with_cvxpy(make) -> None:
    p = make()
    p1, p2 = p.sum(1), p.sum(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sup = broja_fast(p1, p2, layout="support")
        den = broja_fast(p1, p2, layout="dense")
    ref = broja_cvxpy(p1, p2)
    for sol in (sup, den):
        _check(p, sol, 1e-9)
        assert sol.min_mi - sol.info.residual - 1e-8 <= ref.min_mi <= sol.min_mi + 1e-8
    assert sup.min_mi == pytest.approx(den.min_mi, abs=2e-9)


@settings(deadline=None, max_examples=25)
@given(
    n1=st.integers(2, 6),
    n2=st.integers(2, 6),
    ny=st.integers(2, 4),
    zero=st.sampled_from([0.0, 0.3, 0.6]),
    seed=st.integers(0, 2**16),
)
def test_hypothesis_support_matches_dense(n1: int, n2: int, ny: int, zero: float, seed: int):
    """Both layouts return feasible joints with certified intervals that overlap; where both
    certify ``tol`` they agree within it. (Near-deterministic tables can stall either layout at
    the very end of the path; ``layout="auto"`` then retries the dense one.)"""
    p = _sparse_dirichlet((n1, n2, ny), seed, zero)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sup = broja_fast(p.sum(1), p.sum(0), layout="support", tol=1e-8)
        den = broja_fast(p.sum(1), p.sum(0), layout="dense", tol=1e-8)
    for sol in (sup, den):
        assert np.max(np.abs(sol.q.sum(1) - p.sum(1))) <= 1e-8
        assert np.max(np.abs(sol.q.sum(0) - p.sum(0))) <= 1e-8
        assert np.isfinite(sol.info.residual)
    assert sup.min_mi - sup.info.residual <= den.min_mi + 1e-9
    assert den.min_mi - den.info.residual <= sup.min_mi + 1e-9
    if sup.info.converged and den.info.converged:
        assert sup.min_mi == pytest.approx(den.min_mi, abs=2e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        auto = broja_fast(p.sum(1), p.sum(0), tol=1e-8)
    assert auto.info.converged or not den.info.converged


def test_support_cells_and_cost_count_the_support() -> None:
    p = _sparse_dirichlet((7, 6, 5), 4, 0.5)
    t1, t2 = _triplets(p)
    ci, cj, cy = support_cells(t1, t2, 5)
    mask = (p.sum(1)[:, None, :] > 0) & (p.sum(0)[None, :, :] > 0)
    assert sorted(zip(ci.tolist(), cj.tolist(), cy.tolist())) == sorted(
        map(tuple, np.argwhere(mask).tolist())
    )
    assert list(zip(ci, cj, cy)) == sorted(zip(ci, cj, cy))  # sorted by pair, then label
    n, entries = support_cost(t1, t2, 7, 6, 5)
    m = mask.sum(2)
    assert n == mask.sum() and entries == 4 * n + 4 * int(np.sum(m * m))


def test_dual_bound_on_the_cell_list_matches_the_public_one() -> None:
    p = clustered_table(10, 9, 3, 5)
    p1, p2 = p.sum(1), p.sum(0)
    t1, t2 = _triplets(p)
    ops = SparseOps(t1, t2, (10, 9, 3))
    rng = np.random.default_rng(0)
    lam, mu = rng.normal(size=p1.shape), rng.normal(size=p2.shape)
    got = dual_bound(ops, lam[t1[0], t1[1]], mu[t2[0], t2[1]])
    public = dual_lower_bound(p1, p2, lam, mu)
    assert got == pytest.approx(public, abs=1e-12)
    # the bound by its definition: shift lam(x1, .) by the largest pair violation over x2
    mask = (p1[:, None, :] > 0) & (p2[None, :, :] > 0)
    z = np.where(mask, -(lam[:, None, :] + mu[None, :, :]), -np.inf)
    shift = np.max(np.where(mask.any(2), logsumexp(z, axis=2), -np.inf), axis=1)
    dual = np.sum(np.where(p1 > 0, lam, 0) * p1) + np.sum(np.where(p2 > 0, mu, 0) * p2)
    dual += np.dot(p1.sum(1), np.where(p1.sum(1) > 0, shift, 0.0))
    h_y = -np.sum(p1.sum(0) * np.log(p1.sum(0)))
    assert public == pytest.approx(max(h_y - dual, 0.0) / np.log(2), abs=1e-12)
    # the two layouts round a joint to the same feasible joint, with the same entropy
    q = np.where(mask, rng.random(mask.shape), 0.0)
    q *= p.sum() / q.sum()
    dense = DenseOps(p1, p2, NumpyNamespace())
    cells = q[ops.ci, ops.cj, ops.cy]
    np.testing.assert_allclose(
        round_feasible(ops, cells), round_feasible(dense, q)[ops.ci, ops.cj, ops.cy], atol=1e-15
    )
    assert cond_entropy(ops, cells) == pytest.approx(cond_entropy(dense, q), abs=1e-12)


def test_auto_layout_choice() -> None:
    xp = NumpyNamespace()
    clustered = clustered_table(100, 100, 10, 0)
    t1, t2 = _triplets(clustered)
    assert _choose_layout(t1, t2, (100, 100, 10), xp) == "support"
    dense = np.random.default_rng(0).dirichlet(np.ones(20 * 20 * 10)).reshape(20, 20, 10)
    t1, t2 = _triplets(dense)
    assert _choose_layout(t1, t2, (20, 20, 10), xp) == "dense"
    copy = _copy_gate(100, 10)  # the dense coupling block would hold 1e9 floats
    t1, t2 = _triplets(copy)
    assert _choose_layout(t1, t2, (100, 10, 1000), xp) == "support"


def test_bad_layout() -> None:
    p = np.full((2, 2, 2), 0.125)
    with pytest.raises(ValueError, match="layout"):
        broja_fast(p.sum(1), p.sum(0), layout="sparse")
