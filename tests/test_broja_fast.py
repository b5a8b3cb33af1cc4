"""Tests of the fast certified BROJA solver against the cvxpy reference and known tables."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmbounds.exceptions import ConvergenceWarning
from mmbounds.info import mutual_information
from mmbounds.solvers.broja import broja, broja_cvxpy, broja_fast

from .conftest import clustered_table

DATA = Path(__file__).resolve().parent / "data"


def _dirichlet(shape: tuple[int, int, int], alpha: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.full(int(np.prod(shape)), alpha)).reshape(shape)


def _canonical(name: str) -> np.ndarray:
    p = np.zeros((2, 2, 4))
    for a in range(2):
        for b in range(2):
            y = {"xor": a ^ b, "and": a & b, "copy_x1": a, "pair": 2 * a + b}.get(name, a)
            if name == "copy_all":
                p[a, a, a] = 0.5
            else:
                p[a, b, y] += 0.25
    if name == "copy_all":
        p = p / p.sum()
    return p


def _check_solution(p: np.ndarray, sol, tol: float) -> None:
    q = sol.q
    assert q.shape == p.shape
    assert np.all(np.isfinite(q)) and np.all(q >= 0)
    assert np.max(np.abs(q.sum(1) - p.sum(1))) <= 1e-8
    assert np.max(np.abs(q.sum(0) - p.sum(0))) <= 1e-8
    assert sol.info.status == "optimal" and sol.info.converged
    assert 0.0 <= sol.info.residual <= tol
    # min_mi is the value of the returned feasible joint
    assert sol.min_mi == pytest.approx(mutual_information(q, (0, 1), 2), abs=1e-9)


@pytest.mark.parametrize("alpha", [1.0, 0.1], ids=["dense", "sparse"])
@pytest.mark.parametrize("shape", [(2, 2, 2), (3, 4, 2), (4, 3, 3), (6, 6, 4)])
@pytest.mark.parametrize("seed", [0, 1])
def test_agrees_with_cvxpy(shape: tuple[int, int, int], alpha: float, seed: int) -> None:
    p = _dirichlet(shape, alpha, seed)
    sol = broja_fast(p.sum(1), p.sum(0), tol=1e-9)
    ref = broja_cvxpy(p.sum(1), p.sum(0))
    _check_solution(p, sol, 1e-9)
    assert sol.min_mi == pytest.approx(ref.min_mi, abs=1e-6)
    # certified interval [min_mi - gap, min_mi] contains the reference optimum
    assert sol.min_mi - sol.info.residual - 1e-8 <= ref.min_mi <= sol.min_mi + 1e-8


@settings(deadline=None, max_examples=15)
@given(
    n1=st.integers(1, 5),
    n2=st.integers(1, 5),
    ny=st.integers(1, 4),
    alpha=st.sampled_from([0.1, 0.5, 1.0]),
    seed=st.integers(0, 2**16),
)
def test_hypothesis_random_tables(n1: int, n2: int, ny: int, alpha: float, seed: int) -> None:
    # the fast solver certifies, or says it did not (status and warning, never a false
    # "optimal"); the dispatcher then falls back on the reference and the answer is right
    p = _dirichlet((n1, n2, ny), alpha, seed)
    ref = broja_cvxpy(p.sum(1), p.sum(0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        sol = broja_fast(p.sum(1), p.sum(0), tol=1e-8)
    if sol.info.status == "optimal":
        _check_solution(p, sol, 1e-8)
        assert sol.min_mi == pytest.approx(ref.min_mi, abs=1e-6)
    else:
        assert not sol.info.converged and any("broja_fast" in str(w.message) for w in caught)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            auto = broja(p.sum(1), p.sum(0), tol=1e-8)
        assert auto.min_mi == pytest.approx(ref.min_mi, abs=1e-6)


def test_a_table_the_fast_solver_cannot_certify_is_reported_and_answered_by_the_fallback() -> None:
    # Dirichlet(0.1) 4x3x2 (cells down to 7e-15), found by the hypothesis test above: the
    # infeasibility diverges after 6 iterations from both starts (a known limit of the merit
    # guard, which accepts a 10x growth per step). broja_fast says so; broja() answers exactly.
    p = _dirichlet((4, 3, 2), 0.1, 71)
    with pytest.warns(ConvergenceWarning, match="broja_fast"):
        sol = broja_fast(p.sum(1), p.sum(0), tol=1e-8)
    assert sol.info.status == "numerical_error" and not sol.info.converged
    ref = broja_cvxpy(p.sum(1), p.sum(0))
    auto = broja(p.sum(1), p.sum(0), tol=1e-8)
    assert auto.info.converged
    assert auto.min_mi == pytest.approx(ref.min_mi, abs=1e-9)


# min I_q*(X1,X2;Y) = R + U1 + U2 (DESIGN §2 reference values)
CANONICAL = {
    "xor": 0.0,
    "and": 0.311278124459133,  # R = I(X1;Y) = I(X2;Y), U1 = U2 = 0
    "copy_x1": 1.0,
    "copy_all": 1.0,
    "pair": 2.0,
}


@pytest.mark.parametrize("name", list(CANONICAL), ids=list(CANONICAL))
def test_canonical_tables(name: str) -> None:
    p = _canonical(name)
    sol = broja_fast(p.sum(1), p.sum(0))
    _check_solution(p, sol, 1e-9)
    assert sol.min_mi == pytest.approx(CANONICAL[name], abs=1e-6)
    assert sol.min_mi == pytest.approx(broja_cvxpy(p.sum(1), p.sum(0)).min_mi, abs=1e-6)


def test_zero_rows_and_labels_are_quiet() -> None:
    p = _dirichlet((4, 5, 3), 0.3, 7)
    p[1] = 0.0  # an x1 that never occurs
    p[:, 2] = 0.0  # an x2 that never occurs
    p = np.concatenate([p, np.zeros((4, 5, 1))], axis=2)  # a label that never occurs
    p /= p.sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sol = broja_fast(p.sum(1), p.sum(0))
    _check_solution(p, sol, 1e-9)
    assert np.all(sol.q[1] == 0) and np.all(sol.q[:, 2] == 0) and np.all(sol.q[..., 3] == 0)
    assert sol.min_mi == pytest.approx(broja_cvxpy(p.sum(1), p.sum(0)).min_mi, abs=1e-6)


def test_one_label_and_deterministic() -> None:
    p = _dirichlet((3, 2, 1), 1.0, 3)
    sol = broja_fast(p.sum(1), p.sum(0))
    assert sol.min_mi == 0.0 and sol.info.residual == 0.0
    np.testing.assert_allclose(sol.q[..., 0], np.outer(p.sum((1, 2)), p.sum((0, 2))))
    # deterministic: a single cell
    p = np.zeros((2, 3, 2))
    p[1, 2, 0] = 1.0
    sol = broja_fast(p.sum(1), p.sum(0))
    assert sol.min_mi == pytest.approx(0.0, abs=1e-12)
    assert sol.q[1, 2, 0] == pytest.approx(1.0)


def test_convergence_warning() -> None:
    p = _dirichlet((5, 5, 3), 1.0, 0)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        sol = broja_fast(p.sum(1), p.sum(0), max_iter=1)
    assert sol.info.status == "max_iter" and not sol.info.converged
    assert sol.info.residual > 1e-9
    # still a feasible joint and an honest (upper) value
    assert np.max(np.abs(sol.q.sum(1) - p.sum(1))) <= 1e-8
    assert sol.min_mi >= broja_cvxpy(p.sum(1), p.sum(0)).min_mi - 1e-8


@pytest.fixture
def torch_module():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


@pytest.mark.parametrize("shape", [(3, 4, 3), (6, 5, 4)])
def test_numpy_torch_agree(torch_module, shape: tuple[int, int, int]) -> None:
    p = _dirichlet(shape, 0.5, 11)
    sol_np = broja_fast(p.sum(1), p.sum(0), backend="numpy")
    t1 = torch_module.as_tensor(p.sum(1))
    t2 = torch_module.as_tensor(p.sum(0))
    sol_t = broja_fast(t1, t2)  # auto: tensors select torch
    sol_t2 = broja_fast(p.sum(1), p.sum(0), backend="torch", device="cpu")
    for sol in (sol_t, sol_t2):
        assert isinstance(sol.q, np.ndarray)
        _check_solution(p, sol, 1e-9)
        assert sol.min_mi == pytest.approx(sol_np.min_mi, abs=1e-8)


def test_import_does_not_import_torch() -> None:
    code = (
        "import sys, numpy as np; import mmbounds; "
        "from mmbounds.solvers.broja import broja_fast; "
        "p = np.full((2, 2, 2), 0.125); broja_fast(p.sum(1), p.sum(0)); "
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("kind", ["dense", "clustered"])
def test_many_labels_few_sources(kind: str) -> None:
    """The permuted problem of estimate(): ny large, one side small (Schur CG, late fallbacks)."""
    p = _dirichlet((20, 20, 2), 1.0, 0) if kind == "dense" else clustered_table(20, 20, 2, 0)
    p1, p2 = p.sum(2).T, p.sum(1).T  # sources x2 and y, target x1 (20 labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sol = broja_fast(p1, p2)
    joint = np.transpose(p, (1, 2, 0))
    _check_solution(joint, sol, 1e-9)
    assert sol.min_mi == pytest.approx(broja_cvxpy(p1, p2).min_mi, abs=1e-6)


def test_blas_threads_restored() -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = [d["num_threads"] for d in threadpoolctl.threadpool_info()]
    p = _dirichlet((6, 5, 3), 1.0, 2)
    broja_fast(p.sum(1), p.sum(0))
    assert [d["num_threads"] for d in threadpoolctl.threadpool_info()] == before


def test_stopped_run_keeps_a_finite_certificate() -> None:
    """A run stopped short of tol is still certified: the last iterate's gap is returned."""
    p = _dirichlet((8, 7, 3), 1.0, 4)
    ref = broja_cvxpy(p.sum(1), p.sum(0)).min_mi
    full = broja_fast(p.sum(1), p.sum(0))
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        sol = broja_fast(p.sum(1), p.sum(0), max_iter=full.info.n_iter - 2)
    assert 1e-9 < sol.info.residual < 1e-2
    assert sol.min_mi - sol.info.residual - 1e-8 <= ref <= sol.min_mi + 1e-8


@pytest.mark.parametrize("seed", range(4))
def test_profile_bound_rows_match_scalar(seed: int) -> None:
    """The vectorised profile coupling bound (conditional pairings) equals the scalar one."""
    from mmbounds.solvers._profile import (
        coupling_lower,
        coupling_lower_rows,
        profile_entropy_lower,
        profile_entropy_lower_rows,
    )

    rng = np.random.default_rng(seed)
    a = rng.dirichlet(np.full(90, 0.3), size=5)
    b = rng.dirichlet(np.full(7, 1.0), size=5)
    a[rng.random(a.shape) < 0.3] = 0.0
    a[1] = 0.0
    a /= np.where(a.sum(1, keepdims=True) > 0, a.sum(1, keepdims=True), 1.0)
    b *= 0.5 * a.sum(1, keepdims=True)
    a *= 0.5
    rows = profile_entropy_lower_rows(a, b)
    for i in range(a.shape[0]):
        assert rows[i] == pytest.approx(profile_entropy_lower(a[i], b[i]), abs=1e-12)
    for method in ("meet", "profile"):
        got = coupling_lower_rows(a, b, method)
        want = [coupling_lower(a[i], b[i], method) if a[i].any() else 0.0 for i in range(5)]
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def _tiny_cells_joint(shape: tuple[int, int, int], seed: int) -> np.ndarray:
    """A sparse random joint in which about a tenth of the cells ``p(x1, y)`` carry ~1e-13."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(int(np.prod(shape)), 0.3)).reshape(shape)
    p = p * (rng.random((shape[0], 1, shape[2])) > 0.3)  # values restricted to label subsets
    p = p * (rng.random((1, shape[1], shape[2])) > 0.3)
    p = np.where(rng.random((shape[0], 1, shape[2])) < 0.1, p * 1e-12, p)
    return p / p.sum()


@pytest.mark.parametrize("name", ["broja_tiny_cells_1.npz", "broja_tiny_cells_9.npz"])
def test_sample_tables_with_tiny_cells(name: str) -> None:
    """Bootstrap sample tables (redundant 20x20x5, n = 1000) with cells of ~1e-13 next to ~1e-2.

    Pairs whose allowed cells are all tiny start at ``pi sigma ~ 1e-11``; with a uniform centring
    target the first step collapsed and both layouts stopped with ``numerical_error``.
    """
    d = np.load(DATA / name)
    p1, p2 = d["p1"], d["p2"]
    assert min(p1[p1 > 0].min(), p2[p2 > 0].min()) < 1e-12  # the tiny cells are there
    ref = broja_cvxpy(p1, p2)
    for layout in ("dense", "support"):
        sol = broja_fast(p1, p2, tol=1e-9, layout=layout)
        assert sol.info.status == "optimal" and 0.0 <= sol.info.residual <= 1e-9
        assert sol.info.n_iter <= 25
        q = sol.q
        assert np.max(np.abs(q.sum(1) - p1)) <= 1e-12 and np.max(np.abs(q.sum(0) - p2)) <= 1e-12
        assert sol.min_mi == pytest.approx(mutual_information(q, (0, 1), 2), abs=1e-9)
        # both are values of feasible joints, each certified within its residual of the minimum
        # (the reference's is 1.4e-7 on the ninth table)
        assert ref.min_mi - ref.info.residual - 1e-12 <= sol.min_mi <= ref.min_mi + 1e-9


@pytest.mark.parametrize(("shape", "seed"), [((12, 10, 4), 1), ((12, 10, 4), 3), ((20, 20, 5), 0)])
def test_random_tables_with_tiny_cells(shape: tuple[int, int, int], seed: int) -> None:
    """Random sparse tables with cells of ~1e-13: certified, and equal to the cvxpy optimum."""
    p = _tiny_cells_joint(shape, seed)
    sol = broja_fast(p.sum(1), p.sum(0), tol=1e-9)
    _check_solution(p, sol, 1e-9)
    assert sol.info.n_iter <= 25
    assert sol.min_mi == pytest.approx(broja_cvxpy(p.sum(1), p.sum(0)).min_mi, abs=1e-7)
