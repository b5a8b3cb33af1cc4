"""The BROJA program: minimum of I(X1,X2;Y) over joints with two fixed source-target marginals.

    q* = argmin { I_q(X1,X2;Y) : q(x1,y) = p(x1,y), q(x2,y) = p(x2,y) }

(equivalently the maximum of H_q(Y|X1,X2)). Redundancy and uniqueness follow from its value:
``R = I(X1;Y) + I(X2;Y) - I_q*(X1,X2;Y)``. Cells with ``p(x1,y) = 0`` or ``p(x2,y) = 0`` are zero in
every feasible ``q`` and are removed before solving (DESIGN §2).

This module holds the reference formulation (cvxpy with the Clarabel conic solver, sparse vectorized
constraints) and the dispatcher :func:`broja`, which picks it or the fast dedicated solver.

References
----------
N. Bertschinger, J. Rauh, E. Olbrich, J. Jost, N. Ay, "Quantifying unique information",
Entropy 16(4), 2014.
A. Makkeh, D. O. Theis, R. Vicente, "BROJA-2PID: A robust estimator for bivariate partial
information
decomposition", Entropy 20(4), 2018.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..exceptions import ConvergenceWarning, SolverError
from ..info import entropy, mutual_information
from ._types import SolverInfo, materialize

__all__ = ["BrojaSolution", "broja", "broja_cvxpy", "broja_support", "dual_lower_bound"]

LN2 = float(np.log(2.0))

FAST_MIN_CELLS = 0
"""Support size from which ``method="auto"`` uses the fast solver. Measured with
benchmarks/solvers.py: the fast solver is faster than cvxpy on dense tables of every size tried
(20×20×2 up), and within ~0.03 s of it on clustered ones, so it is used throughout."""


@dataclass(frozen=True, slots=True)
class BrojaSolution:
    """Solution of the BROJA program.

    Attributes
    ----------
    q : ndarray, shape (n_x1, n_x2, n_y)
        The optimal joint (read-only); it has the two prescribed marginals up to ``info.residual``.
        Solvers may hand over a function that builds it: it is then built on first access (a GPU
        solve copies its ``n1 n2 ny`` cells to the host only if they are asked for).
    min_mi : float
        ``I_q*(X1,X2;Y)`` in bits, the minimum of the program.
    info : SolverInfo
        Status, iterations, residual and time of the solve.
    """

    _q: Any = field(repr=False)
    min_mi: float
    info: SolverInfo

    @property
    def q(self) -> np.ndarray:
        return materialize(self, "_q")

    def __reduce__(self) -> tuple[Any, ...]:  # pickles the built array, not the builder
        return (type(self), (self.q, self.min_mi, self.info))


def broja_support(p_x1y: np.ndarray, p_x2y: np.ndarray) -> np.ndarray:
    """Boolean mask of the cells ``(x1, x2, y)`` that can be positive in a feasible joint."""
    return (p_x1y[:, None, :] > 0) & (p_x2y[None, :, :] > 0)


def _trivial_solution(p_x1y: np.ndarray, p_x2y: np.ndarray, method: str) -> BrojaSolution | None:
    """Closed form when the program is degenerate (one label value)."""
    if p_x1y.shape[1] == 1:
        q = np.outer(p_x1y[:, 0], p_x2y[:, 0])[:, :, None]
        q.setflags(write=False)
        return BrojaSolution(q, 0.0, SolverInfo(True, 0, 0.0, "optimal", method))
    return None


def broja_cvxpy(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    *,
    verbose: bool = False,
    solver_options: dict | None = None,
) -> BrojaSolution:
    """Solve the BROJA program with cvxpy and Clarabel (reference implementation).

    Parameters
    ----------
    p_x1y : ndarray, shape (n_x1, n_y)
        Marginal ``p(x1, y)``; validated and consistent with ``p_x2y`` on ``p(y)``.
    p_x2y : ndarray, shape (n_x2, n_y)
        Marginal ``p(x2, y)``.
    verbose : bool
        Print Clarabel's log.
    solver_options : dict, optional
        Extra keyword arguments for Clarabel (e.g. ``tol_gap_abs``).

    Returns
    -------
    BrojaSolution
        Optimal joint and ``min_mi`` in bits.

    Raises
    ------
    SolverError
        If Clarabel does not return an optimal (or optimal-inaccurate) solution; the message carries
        the solver's status.

    Notes
    -----
    Variables are the support cells only. The objective ``sum rel_entr(q, M q)`` equals
    ``-H_q(Y|X1,X2)`` in nats, where ``M`` sums each cell's ``(x1, x2)`` fibre.
    """
    import cvxpy as cp

    t0 = time.perf_counter()
    trivial = _trivial_solution(p_x1y, p_x2y, "cvxpy-clarabel")
    if trivial is not None:
        return trivial
    n1, ny = p_x1y.shape
    n2 = p_x2y.shape[0]
    mask = broja_support(p_x1y, p_x2y)
    i, j, k = np.nonzero(mask)
    n = i.size
    cols = np.arange(n)
    # fibre (x1, x2) of each cell, renumbered compactly
    pair = i * n2 + j
    _, pair_idx = np.unique(pair, return_inverse=True)
    n_pairs = int(pair_idx.max()) + 1
    S = sp.csr_matrix((np.ones(n), (pair_idx, cols)), shape=(n_pairs, n))
    M = (S.T @ S).tocsr()  # cell -> sum over its fibre
    r1 = i * ny + k
    r2 = j * ny + k
    A1 = sp.csr_matrix((np.ones(n), (r1, cols)), shape=(n1 * ny, n))
    A2 = sp.csr_matrix((np.ones(n), (r2, cols)), shape=(n2 * ny, n))
    keep1 = p_x1y.ravel() > 0
    keep2 = p_x2y.ravel() > 0
    A1, A2 = A1[keep1], A2[keep2]
    b1, b2 = p_x1y.ravel()[keep1], p_x2y.ravel()[keep2]
    q = cp.Variable(n, nonneg=True)
    objective = cp.Minimize(cp.sum(cp.rel_entr(q, M @ q)))
    cons = [A1 @ q == b1, A2 @ q == b2]
    problem = cp.Problem(objective, cons)
    status = None
    # strict tolerances first; Clarabel's defaults if it cannot certify them
    for opts in ({"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10}, {}):
        opts = {**opts, **(solver_options or {})}
        try:
            with warnings.catch_warnings():
                # cvxpy's generic "may be inaccurate" warning; the status is handled below
                warnings.simplefilter("ignore", UserWarning)
                problem.solve(solver=cp.CLARABEL, verbose=verbose, **opts)
        except cp.error.SolverError as exc:
            raise SolverError(f"Clarabel failed on the BROJA program ({n} cells): {exc}") from exc
        status = problem.status
        if status == cp.OPTIMAL:
            break
    if status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE) or q.value is None:
        raise SolverError(
            f"Clarabel returned status {status!r} on the BROJA program ({n} cells); "
            "check that the marginals share p(y)"
        )
    qv = np.clip(np.asarray(q.value, dtype=np.float64), 0.0, None)
    feas = max(float(np.max(np.abs(A1 @ qv - b1))), float(np.max(np.abs(A2 @ qv - b2))))
    table = np.zeros((n1, n2, ny))
    table[i, j, k] = qv
    table /= table.sum()
    min_mi = max(mutual_information(table, (0, 1), 2), 0.0)
    lam = np.zeros(n1 * ny)
    lam[keep1] = np.asarray(cons[0].dual_value, dtype=np.float64)
    mu = np.zeros(n2 * ny)
    mu[keep2] = np.asarray(cons[1].dual_value, dtype=np.float64)
    lower = dual_lower_bound(p_x1y, p_x2y, lam.reshape(n1, ny), mu.reshape(n2, ny))
    gap = max(min_mi - lower, 0.0)
    residual = max(gap, feas)
    certified = status == cp.OPTIMAL or residual <= 1e-6
    if not certified:
        warnings.warn(
            f"broja: Clarabel reports an inaccurate solution (certified gap {gap:.2e} bits, "
            f"marginal error {feas:.2e}); bounds that use it may be off by about that much",
            ConvergenceWarning,
            stacklevel=3,
        )
    table.setflags(write=False)
    info = SolverInfo(
        converged=certified,
        n_iter=int(problem.solver_stats.num_iters or 0),
        residual=residual,
        status="optimal" if certified else "optimal_inaccurate",
        method="cvxpy-clarabel",
        solve_time_s=time.perf_counter() - t0,
    )
    return BrojaSolution(table, min_mi, info)


def dual_lower_bound(
    p_x1y: np.ndarray, p_x2y: np.ndarray, lam: np.ndarray, mu: np.ndarray
) -> float:
    """Certified lower bound (bits) on the BROJA minimum from any dual potentials.

    The Lagrange dual of ``max H_q(Y|X1,X2)`` is ``min <lam, p_x1y> + <mu, p_x2y>`` (nats) subject
    to
    ``logsumexp_y(-lam(x1,y) - mu(x2,y)) <= 0`` for every pair ``(x1, x2)`` (over the support).
    Shifting ``lam(x1, .)`` by the largest violation over ``x2`` makes any ``(lam, mu)`` feasible,
    so
    ``H(Y) - dual / ln 2`` is a valid lower bound on ``min I_q(X1,X2;Y)`` whatever the potentials.

    Parameters
    ----------
    p_x1y, p_x2y : ndarray, shapes (n1, ny), (n2, ny)
    lam, mu : ndarray, same shapes
        Dual potentials (nats); the optimum has ``q(y|x1,x2) ∝ exp(-lam(x1,y) - mu(x2,y))``.
    """
    from scipy.special import logsumexp

    mask = broja_support(p_x1y, p_x2y)
    z = np.where(mask, -(lam[:, None, :] + mu[None, :, :]), -np.inf)
    with np.errstate(invalid="ignore"):
        s = logsumexp(z, axis=2)  # (n1, n2); -inf where a pair has no support cell
    s = np.where(np.isfinite(s), s, -np.inf)
    shift = s.max(axis=1)
    px1 = p_x1y.sum(axis=1)
    shift = np.where(px1 > 0, shift, 0.0)
    if not np.all(np.isfinite(shift)):
        return 0.0
    lam_f = np.where(p_x1y > 0, lam, 0.0)
    mu_f = np.where(p_x2y > 0, mu, 0.0)
    dual = float(np.sum(lam_f * p_x1y) + np.sum(mu_f * p_x2y) + np.dot(px1, shift))
    return max(entropy(p_x1y.sum(axis=0)) - dual / LN2, 0.0)


def broja(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    *,
    method: str = "auto",
    tol: float = 1e-9,
    max_iter: int = 1000,
    backend: str = "auto",
    device: str | None = None,
    verbose: bool = False,
) -> BrojaSolution:
    """Solve the BROJA program; ``method`` is ``"auto"``, ``"cvxpy"`` or ``"fast"``.

    ``"auto"`` uses the fast dedicated solver (:func:`~mmbounds.solvers.broja_fast.broja_fast`)
    from ``FAST_MIN_CELLS`` support cells on, and falls back to the cvxpy reference when it cannot
    certify its gap; below that size it uses cvxpy. Inputs are trusted (validated by the caller).
    See :func:`broja_cvxpy`.
    """
    from .broja_fast import broja_fast

    def fast() -> BrojaSolution:
        return broja_fast(
            p_x1y,
            p_x2y,
            tol=tol,
            max_iter=max_iter,
            backend=backend,
            device=device,
            verbose=verbose,
        )

    if method == "fast":
        return fast()
    if method == "cvxpy":
        return broja_cvxpy(p_x1y, p_x2y, verbose=verbose)
    if int(broja_support(p_x1y, p_x2y).sum()) < FAST_MIN_CELLS:
        return broja_cvxpy(p_x1y, p_x2y, verbose=verbose)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        sol = fast()
    if sol.info.converged:
        return sol
    ref = broja_cvxpy(p_x1y, p_x2y, verbose=verbose)
    if ref.info.converged or ref.info.residual <= sol.info.residual:
        return ref
    for w in caught:  # neither certified its gap: report the fast solver's warning
        warnings.warn(w.message, w.category, stacklevel=2)
    return sol
