"""Tests of the alternating warm start of the fast BROJA solver (``broja_fast(start=...)``)."""

from __future__ import annotations

import numpy as np
import pytest

from mmbounds.exceptions import ConvergenceWarning
from mmbounds.info import mutual_information
from mmbounds.solvers.broja import broja_cvxpy, broja_fast
from mmbounds.solvers.broja._warm import _CENTRE, WARM_MIN_SCHUR, alternating_start


def _dense(shape: tuple[int, int, int], seed: int, alpha: float = 1.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.full(int(np.prod(shape)), alpha)).reshape(shape)


def _marginals(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return p.sum(1), p.sum(0)


def _check_certified(p: np.ndarray, sol, tol: float) -> None:
    """Optimal, within ``tol``, and ``min_mi`` is the value of a joint that meets both marginals."""
    assert sol.info.status == "optimal" and sol.info.converged
    assert 0.0 <= sol.info.residual <= tol
    q = sol.q
    assert np.all(q >= 0)
    assert np.max(np.abs(q.sum(1) - p.sum(1))) <= 1e-12
    assert np.max(np.abs(q.sum(0) - p.sum(0))) <= 1e-12
    assert sol.min_mi == pytest.approx(mutual_information(q, (0, 1), 2), abs=1e-12)


@pytest.mark.parametrize(
    ("shape", "seed", "alpha"),
    [((30, 25, 4), 0, 1.0), ((40, 40, 6), 1, 1.0), ((24, 36, 5), 2, 0.5), ((45, 30, 3), 3, 2.0)],
)
def test_warm_start_agrees_with_the_cold_start_on_random_dense_tables(
    shape: tuple[int, int, int], seed: int, alpha: float
) -> None:
    """Both starts certify 1e-9 bits, and their certified intervals ``[min_mi - gap, min_mi]``
    overlap: the two values differ by at most the sum of the two gaps."""
    p = _dense(shape, seed, alpha)
    warm = broja_fast(*_marginals(p), start="alternating")
    cold = broja_fast(*_marginals(p), start="cold")
    for sol in (warm, cold):
        _check_certified(p, sol, 1e-9)
    assert warm.min_mi - warm.info.residual <= cold.min_mi + 1e-13
    assert cold.min_mi - cold.info.residual <= warm.min_mi + 1e-13
    assert abs(warm.min_mi - cold.min_mi) <= 2e-9


def test_warm_start_agrees_with_cvxpy() -> None:
    p = _dense((7, 6, 3), 4)
    warm = broja_fast(*_marginals(p), start="alternating")
    _check_certified(p, warm, 1e-9)
    assert warm.min_mi == pytest.approx(broja_cvxpy(*_marginals(p)).min_mi, abs=1e-6)


def test_warm_start_needs_fewer_iterations_on_a_large_dense_table() -> None:
    """The point of the warm start: at 60 x 60 x 10 it ends the path in about half the
    interior-point iterations of the cold start (7 against 13 when measured)."""
    p = _dense((60, 60, 10), 5)
    warm = broja_fast(*_marginals(p), start="alternating")
    cold = broja_fast(*_marginals(p), start="cold")
    _check_certified(p, warm, 1e-9)
    assert warm.info.n_iter <= cold.info.n_iter - 3
    assert abs(warm.min_mi - cold.min_mi) <= warm.info.residual + cold.info.residual


def test_warm_start_is_deterministic() -> None:
    p = _dense((20, 30, 4), 6)
    a = broja_fast(*_marginals(p), start="alternating")
    b = broja_fast(*_marginals(p), start="alternating")
    assert a.min_mi == b.min_mi and a.info.n_iter == b.info.n_iter
    assert np.array_equal(a.q, b.q)


def test_auto_keeps_the_cold_start_on_small_tables() -> None:
    """Below WARM_MIN_SCHUR Schur variables ``start="auto"`` is the cold start, bit for bit (the
    pinned reference values of small tables do not move)."""
    p = _dense((12, 10, 5), 7)
    assert 10 * 5 < WARM_MIN_SCHUR
    auto = broja_fast(*_marginals(p))
    cold = broja_fast(*_marginals(p), start="cold")
    assert auto.min_mi == cold.min_mi and auto.info.n_iter == cold.info.n_iter


def test_zero_entries_and_the_support_layout_use_the_cold_start() -> None:
    """The warm start needs positive marginals and the dense layout; elsewhere "alternating"
    falls back on the cold start (same result, bit for bit)."""
    p = _dense((10, 8, 4), 8)
    p[0, :, 1] = 0.0  # p(x1 = 0, y = 1) = 0
    p /= p.sum()
    warm = broja_fast(*_marginals(p), start="alternating")
    cold = broja_fast(*_marginals(p), start="cold")
    assert warm.min_mi == cold.min_mi and warm.info.n_iter == cold.info.n_iter
    q = _dense((10, 8, 4), 9)
    sup = broja_fast(*_marginals(q), layout="support", start="alternating")
    sup_cold = broja_fast(*_marginals(q), layout="support", start="cold")
    assert sup.min_mi == sup_cold.min_mi


def test_alternating_start_is_strictly_inside() -> None:
    """The start's potentials are dual feasible (every pair log-partition <= 0), its multipliers
    and slacks positive with ``pi sigma >= _CENTRE / pairs``, and its joint nearly meets both
    marginals."""
    p = _dense((15, 12, 3), 10)
    p1, p2 = _marginals(p)
    lam, mu, pi, sig = alternating_start(p1, p2, sweeps=200)
    theta = -lam[:, None, :] - mu[None, :, :]
    s = np.log(np.exp(theta).sum(2))
    assert np.max(s) <= 1e-12
    assert np.all(pi > 0) and np.all(sig > 0)
    assert np.min(pi * sig) >= _CENTRE / pi.size * (1 - 1e-12)
    w = np.exp(theta - s[:, :, None])
    q = pi[:, :, None] * w
    # the centring adds a mass of the order of _CENTRE (1e-4) in all
    assert np.max(np.abs(q.sum(0) - p2)) <= _CENTRE
    assert np.max(np.abs(q.sum(1) - p1)) <= _CENTRE


def test_start_is_validated() -> None:
    p = _dense((3, 3, 2), 11)
    with pytest.raises(ValueError, match="start must be"):
        broja_fast(*_marginals(p), start="warm")


def test_a_warm_start_that_does_not_certify_is_followed_by_the_cold_one() -> None:
    """With too few iterations the warm run stops uncertified; the cold run follows, the better
    certificate is kept and the iterations of both are counted."""
    p = _dense((20, 20, 4), 12)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        sol = broja_fast(*_marginals(p), start="alternating", max_iter=2)
    assert sol.info.status == "max_iter" and not sol.info.converged
    assert sol.info.n_iter == 4
    ref = broja_fast(*_marginals(p), start="cold")
    assert sol.min_mi >= ref.min_mi - ref.info.residual  # an upper value: a feasible joint's MI


@pytest.mark.parametrize(("shape", "seed"), [((2, 2, 2), 54), ((3, 2, 3), 31), ((4, 3, 2), 151)])
def test_a_stalled_cold_start_is_rescued_by_the_warm_start(
    shape: tuple[int, int, int], seed: int
) -> None:
    """Near-deterministic Dirichlet(0.1) tables on which the cold start stalls (numerical_error,
    no certificate): ``start="auto"`` retries from the alternating start and certifies, in
    agreement with the cvxpy reference."""
    p = _dense(shape, seed, 0.1)
    with pytest.warns(ConvergenceWarning, match="stalled"):
        cold = broja_fast(*_marginals(p), tol=1e-8, start="cold")
    assert cold.info.status == "numerical_error"
    sol = broja_fast(*_marginals(p), tol=1e-8)
    _check_certified(p, sol, 1e-8)
    assert sol.info.n_iter > cold.info.n_iter  # the stalled cold run is counted
    assert sol.min_mi == pytest.approx(broja_cvxpy(*_marginals(p)).min_mi, abs=1e-6)
