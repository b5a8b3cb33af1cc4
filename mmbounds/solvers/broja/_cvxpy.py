"""The BROJA program: minimum of I(X1,X2;Y) over joints with two fixed source-target marginals.

    q* = argmin { I_q(X1,X2;Y) : q(x1,y) = p(x1,y), q(x2,y) = p(x2,y) }

(equivalently the maximum of H_q(Y|X1,X2)). Redundancy and uniqueness follow from its value:
``R = I(X1;Y) + I(X2;Y) - I_q*(X1,X2;Y)``. Cells with ``p(x1,y) = 0`` or ``p(x2,y) = 0`` are zero in
every feasible ``q`` and are removed before solving (DESIGN §2).

This module holds the reference formulation (cvxpy with the Clarabel conic solver, sparse vectorized
constraints); :mod:`._dispatch` holds the dispatcher :func:`broja`, which picks it or the fast
dedicated solver (:mod:`._ipm`).

References
----------
N. Bertschinger, J. Rauh, E. Olbrich, J. Jost, N. Ay, "Quantifying unique information",
Entropy 16(4), 2014.
A. Makkeh, D. O. Theis, R. Vicente, "BROJA-2PID: A robust estimator for bivariate partial
information decomposition", Entropy 20(4), 2018.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import scipy.sparse as sp

from ..._validation import check_label_marginals
from ...exceptions import ConvergenceWarning, SolverError
from ...info import mutual_information
from .._backend import get_namespace
from .._types import Lazy, SolverInfo
from ._certify import DenseCells, round_feasible
from ._solution import BrojaSolution, _trivial_solution, broja_support, dual_lower_bound

__all__ = ["broja_cvxpy"]


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
        The solver's joint, made to meet both marginals exactly (the rounding of
        :func:`._certify.round_feasible`), and its ``I(X1,X2;Y)`` as ``min_mi`` in bits: an
        upper value, at most ``info.residual`` above the minimum (the gap to the dual bound of
        Clarabel's multipliers).

    Raises
    ------
    ValueError
        For tables that are not two probability tables agreeing on ``p(y)``.
    SolverError
        If Clarabel does not return an optimal (or optimal-inaccurate) solution; the message carries
        the solver's status.

    Notes
    -----
    Variables are the support cells only. The objective ``sum rel_entr(q, M q)`` equals
    ``-H_q(Y|X1,X2)`` in nats, where ``M`` sums each cell's ``(x1, x2)`` fibre.

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> p = bitwise_joint("and")
    >>> sol = broja_cvxpy(p.sum(1), p.sum(0))
    >>> round(sol.min_mi, 4), sol.info.method
    (0.3113, 'cvxpy-clarabel')
    """
    import cvxpy as cp

    check_label_marginals(p_x1y, p_x2y)
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
    table = np.zeros((n1, n2, ny))
    table[i, j, k] = qv
    # Clarabel's point misses the marginals by about its feasibility tolerance, and the value of
    # an infeasible point can lie below the minimum: made feasible (as the fast solver's is), its
    # value is an upper value, so min_mi - lower is a certified gap
    table = round_feasible(_Cells(p_x1y, p_x2y), table)
    feas = max(
        float(np.max(np.abs(table.sum(1) - p_x1y))), float(np.max(np.abs(table.sum(0) - p_x2y)))
    )
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
    return BrojaSolution(Lazy(table), min_mi, info)


class _Cells(DenseCells):
    """The dense cell primitives with the two marginals, for :func:`._certify.round_feasible`."""

    def __init__(self, p1: np.ndarray, p2: np.ndarray) -> None:
        super().__init__(get_namespace(p1))
        self.p1, self.p2 = p1, p2
