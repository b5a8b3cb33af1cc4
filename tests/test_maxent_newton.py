"""Max-entropy by Newton's method on the dual: exact to 1e-9 bits (certified), faces, fallback."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mmbounds.solvers.maxent._select as select_module
from mmbounds import Marginals
from mmbounds.exceptions import ConvergenceWarning
from mmbounds.info import entropy
from mmbounds.solvers.maxent import (
    feasible_support,
    maxent_ipf,
    maxent_newton,
    maxent_support,
    solve_maxent,
)

from .conftest import CANONICAL, clustered_table, sparse_dirichlet_table


def margins(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return p.sum(1), p.sum(0), p.sum(2)


def _check(p: np.ndarray, **kw) -> None:
    """Newton's certified gap is below 1e-9 bits, its bound is above the joint's own entropy
    (the joint has the marginals) and its table has the marginals."""
    sol = maxent_newton(*margins(p), **kw)
    assert sol.info.status == "optimal", sol.info
    assert 0.0 <= sol.entropy_upper - sol.entropy <= 1e-9
    assert entropy(p) <= sol.entropy_upper + 1e-12
    for a, b in zip(margins(sol.r), margins(p)):
        np.testing.assert_allclose(a, b, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), small=st.booleans())
def test_newton_is_certified_within_1e9_bits_on_sparse_random_tables(seed: int, small: bool):
    rng = np.random.default_rng(seed)
    _check(sparse_dirichlet_table(rng, (2, 2, 2) if small else None))


@pytest.mark.slow
def test_newton_is_certified_within_1e9_bits_on_10000_tables():
    rng = np.random.default_rng(20261201)
    for k in range(10_000):
        _check(sparse_dirichlet_table(rng, (2, 2, 2) if k % 2 else None))


@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_canonical_gates_reach_the_analytic_maximum(name: str):
    # AND and OR: the marginals admit the gate's table alone (a proper face: the cell (1,1,0),
    # resp. (0,0,1), has positive marginal cells but is zero in every joint): 2 bits. XOR: the
    # uniform table has its marginals: 3 bits. The copies have only their own table.
    p = CANONICAL[name][0]
    expected = {"xor": 3.0}.get(name, entropy(p))
    sol = maxent_newton(*margins(p))
    assert sol.info.status == "optimal"
    assert sol.entropy_upper == pytest.approx(expected, abs=1e-9)
    assert sol.entropy_upper >= expected - 1e-12


def test_newton_support_is_the_lp_facial_reduction():
    # no LP is solved: the line search drives the cells that are zero in every joint with the
    # marginals below e^-27 of the mass; they are exactly the ones the support LP drops
    rng = np.random.default_rng(0)
    faces = 0
    for _ in range(60):
        shape = tuple(int(v) for v in rng.integers(2, 5, size=3))
        p = rng.dirichlet(np.ones(int(np.prod(shape)))).reshape(shape)
        p = p * (rng.random(shape) >= 0.5)
        if not p.sum() > 0:
            continue
        p /= p.sum()
        full = maxent_support(*margins(p))
        keep = feasible_support(*margins(p), full)
        faces += bool((full & ~keep).any())
        sol = maxent_newton(*margins(p))
        assert sol.info.status == "optimal"
        np.testing.assert_array_equal(sol.r > 1e-12, keep)
    assert faces >= 10  # the draw has proper faces to find


def test_newton_is_tighter_than_ipf_where_ipf_stalls():
    # a Dirichlet(0.2) 2x2x2 joint on which IPF hits max_iter (its contraction is ~1 per sweep)
    rng = np.random.default_rng(0)
    for _ in range(200):
        p = rng.dirichlet(np.full(8, 0.2)).reshape(2, 2, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ipf = maxent_ipf(*margins(p), max_iter=2000)
        if ipf.info.status != "optimal":
            break
    else:
        pytest.fail("no table on which IPF stalls")
    new = maxent_newton(*margins(p))
    assert new.info.status == "optimal" and new.info.n_iter <= 40
    assert new.entropy_upper < ipf.entropy_upper - 1e-9  # both certified: Newton's is tighter
    assert new.entropy_upper - new.entropy <= 1e-9


@pytest.mark.parametrize("seed", [0, 1])
def test_dense_schur_and_cg_newton_systems_agree(seed: int):
    rng = np.random.default_rng(seed)
    p = sparse_dirichlet_table(rng, (6, 5, 4))
    dense = maxent_newton(*margins(p), dense_max=10**6)
    schur = maxent_newton(*margins(p), dense_max=0)
    cg = maxent_newton(*margins(p), dense_max=0, schur_max=0)
    assert dense.info.status == schur.info.status == cg.info.status == "optimal"
    for other in (schur, cg):
        assert other.entropy_upper == pytest.approx(dense.entropy_upper, abs=1e-11)
        np.testing.assert_allclose(other.r, dense.r, atol=1e-10)


def test_schur_directions_gauge_component_does_not_stall_newton():
    # a Dirichlet(0.1) 7x4x2 table (cells down to 3e-23): the assembled Schur solve's direction
    # carries a gauge component (A^T v = 0) amplified by the ridge; read through g.d it looked
    # like a recession direction near the optimum and Newton ran to max_iter, 0.21 bits loose
    p = np.load(Path(__file__).parent / "data" / "maxent_gauge_7x4x2.npy")
    dense = maxent_newton(*margins(p))
    schur = maxent_newton(*margins(p), dense_max=0)
    assert dense.info.status == schur.info.status == "optimal"
    assert schur.info.n_iter <= 20
    assert schur.entropy_upper == pytest.approx(dense.entropy_upper, abs=1e-9)


def _sparse_sample_table(seed: int, n: int = 333) -> tuple[np.ndarray, ...]:
    """Reconciled pairwise tables of three samples of n from a redundant 20x20x5 joint."""
    rng = np.random.default_rng(seed)
    k, ny = 20, 5
    p = np.zeros((k, k, ny))
    for y in range(ny):
        a = np.full(k, 0.1 / k)
        a[4 * y : 4 * y + 4] += 0.9 / 4
        p[:, :, y] = np.outer(a, a) / ny
    counts = [
        rng.multinomial(n, t.ravel()).reshape(t.shape).astype(float)
        for t in (p.sum(1), p.sum(0), p.sum(2))
    ]
    m = Marginals(*counts, normalize=True, reconcile=True, sample_sizes=(n, n, n))
    return m.p_x1y, m.p_x2y, m.p_x1x2


@pytest.mark.parametrize("seed", [4, 5])
def test_sparse_sample_tables_converge_with_exact_schur_directions(seed: int):
    # 600 potentials, ~400 support cells and forced-zero cells: conjugate-gradient directions
    # (schur_max=0) stalled here at max_iter when this path was added; the assembled Schur
    # complement converges in a few dozen steps
    tables = _sparse_sample_table(seed)
    cg = maxent_newton(*tables, dense_max=0, schur_max=0)
    assert cg.info.status != "optimal" or cg.info.n_iter > 60
    new = maxent_newton(*tables)
    dense = maxent_newton(*tables, dense_max=10**6)
    assert new.info.status == dense.info.status == "optimal" and new.info.n_iter <= 60
    assert new.entropy_upper == pytest.approx(dense.entropy_upper, abs=1e-9)
    assert new.entropy_upper - new.entropy <= 1e-9
    assert new.entropy_upper == pytest.approx(cg.entropy_upper, abs=1e-9)  # same optimum


def test_clustered_table_converges_in_few_steps_and_matches_ipf():
    p = clustered_table(60, 50, 6, seed=3)
    new = maxent_newton(*margins(p))
    ipf = maxent_ipf(*margins(p), tol=1e-12)
    assert new.info.status == "optimal" and new.info.n_iter <= 30
    assert new.entropy_upper <= ipf.entropy_upper + 1e-11
    assert new.entropy_upper == pytest.approx(ipf.entropy_upper, abs=1e-9)


def test_torch_cpu_matches_numpy():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    for p in (clustered_table(24, 18, 5, seed=4), sparse_dirichlet_table(np.random.default_rng(2))):
        a = maxent_newton(*margins(p), backend="numpy")
        b = maxent_newton(*margins(p), backend="torch", device="cpu")
        c = maxent_newton(*margins(p), backend="torch", device="cpu", dense_max=0)
        assert a.info.status == b.info.status == c.info.status == "optimal"
        assert abs(a.entropy_upper - b.entropy_upper) <= 1e-11
        assert abs(a.entropy_upper - c.entropy_upper) <= 1e-11
        assert isinstance(b.r, np.ndarray) and not b.r.flags.writeable
        np.testing.assert_allclose(b.r, a.r, atol=1e-12)


def test_solver_selection_and_fallback(monkeypatch: pytest.MonkeyPatch):
    p = sparse_dirichlet_table(np.random.default_rng(5), (3, 3, 2))
    auto = solve_maxent(*margins(p))
    assert auto.info.method == "newton"
    assert solve_maxent(*margins(p), method="ipf").info.method == "ipf"
    # a Newton run that stops early is replaced by IPF when IPF's certified bound is tighter
    ipf = solve_maxent(*margins(p), method="ipf")
    monkeypatch.setattr(
        select_module, "maxent_newton", lambda *a, **k: maxent_newton(*a, **{**k, "max_iter": 0})
    )
    fell_back = solve_maxent(*margins(p))
    assert fell_back.info.method == "ipf"
    assert fell_back.entropy_upper == ipf.entropy_upper
    # above the Newton size limit IPF runs directly
    monkeypatch.setattr(select_module, "_NEWTON_MAX_CELLS", 0)
    assert solve_maxent(*margins(p)).info.method == "ipf"
    with pytest.raises(ValueError, match="method must be"):
        solve_maxent(*margins(p), method="lbfgs")


def test_dense_large_support_runs_ipf_first_and_is_recertified(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(select_module, "_NEWTON_FIRST_CELLS", 100)
    p = np.random.default_rng(4).dirichlet(np.ones(12 * 10 * 4)).reshape(12, 10, 4)
    auto = solve_maxent(*margins(p))
    new = maxent_newton(*margins(p))
    assert auto.info.method == "ipf" and auto.info.converged
    assert auto.entropy_upper == pytest.approx(new.entropy_upper, abs=1e-12)
    assert auto.entropy_upper <= maxent_ipf(*margins(p), tol=1e-12).entropy_upper
    # IPF stopped early: Newton starts from its potentials and needs few steps
    monkeypatch.setattr(select_module, "_IPF_SWEEPS", 2)
    warm = solve_maxent(*margins(p))
    assert warm.info.method == "newton" and warm.info.converged
    assert warm.info.n_iter <= new.info.n_iter
    assert warm.entropy_upper == pytest.approx(new.entropy_upper, abs=1e-12)


def test_stopped_newton_is_still_certified():
    p = sparse_dirichlet_table(np.random.default_rng(8), (4, 4, 3))
    for max_iter in (0, 1, 2):
        sol = maxent_newton(*margins(p), max_iter=max_iter)
        assert sol.info.status == "max_iter" and not sol.info.converged
        assert entropy(p) <= sol.entropy_upper + 1e-12
        assert math.isfinite(sol.entropy_upper)


def test_unreachable_marginals_are_rejected():
    p1 = np.array([[0.5, 0.0], [0.0, 0.5]])
    p2 = np.array([[0.5, 0.0], [0.0, 0.5]])
    p12 = np.array([[0.0, 0.5], [0.5, 0.0]])  # x1 = x2 = y forced by p1, p2; p12 says x1 != x2
    with pytest.raises(ValueError, match="reconcile the marginals"):
        maxent_newton(p1, p2, p12)


def test_the_result_does_not_depend_on_the_blas_thread_count():
    """On this mfeat fou+kar table (20 clusters each) the threaded Cholesky rounded differently:
    23 Newton iterations with one BLAS thread, 26 with two, and the lower bound on S moved by
    1e-14. The solver now runs with one BLAS thread, whatever the caller's setting."""
    from threadpoolctl import threadpool_limits

    z = np.load(Path(__file__).parent / "data" / "mfeat_fou_kar_20x20x10.npz")
    tables = (z["p_x1y"], z["p_x2y"], z["p_x1x2"])
    runs = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads, user_api="blas"):
            sol = maxent_newton(*tables)
        runs.append((sol.entropy, sol.entropy_upper, sol.info.n_iter, sol.r.tobytes()))
    assert runs[0] == runs[1]
    assert sol.info.status == "optimal"
