"""Maximum-entropy joint with three prescribed pairwise marginals (iterative proportional fitting).

    r* = argmax { H(r) : r(x1,x2) = p(x1,x2), r(x1,y) = p(x1,y), r(x2,y) = p(x2,y) }

r* has the form ``r = exp(phi12(x1,x2) + phi1y(x1,y) + phi2y(x2,y))`` on the cells whose three
containing marginal cells are positive. IPF rescales one marginal at a time; every iterate is such a
Gibbs table, so it yields a **certified** upper bound on the maximum entropy (cross-entropy
duality):
for any feasible r, ``H(r) <= -sum r log r_phi = log|supp| - <phi, p-marginals>``. The bound is
tight at
convergence and stays valid when IPF stops early.

References
----------
W. E. Deming, F. F. Stephan, "On a least squares adjustment of a sampled frequency table when the
expected marginal totals are known", Ann. Math. Statist. 11(4), 1940.
I. Csiszár, "I-divergence geometry of probability distributions and minimization problems",
Ann. Probab. 3(1), 1975.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import ConvergenceWarning
from ._backend import get_namespace
from ._types import SolverInfo

__all__ = ["MaxEntSolution", "maxent_ipf", "maxent_support", "feasible_support"]

LN2 = float(np.log(2.0))


@dataclass(frozen=True, slots=True)
class MaxEntSolution:
    """Result of :func:`maxent_ipf`.

    Attributes
    ----------
    r : ndarray, shape (n_x1, n_x2, n_y)
        Last IPF iterate (read-only); its marginals match the inputs to ``info.residual``.
    entropy : float
        ``H(r)`` of the iterate, bits.
    entropy_upper : float
        Certified upper bound, bits, on the maximum entropy over all tables with the given
        marginals.
    info : SolverInfo
        ``residual`` is the max absolute marginal error of ``r``.
    """

    r: np.ndarray
    entropy: float
    entropy_upper: float
    info: SolverInfo


def maxent_support(p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray) -> np.ndarray:
    """Cells that can be positive in a table with the three marginals."""
    return (p_x1x2[:, :, None] > 0) & (p_x1y[:, None, :] > 0) & (p_x2y[None, :, :] > 0)


def feasible_support(
    p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Cells that are positive in **some** table with the three marginals (facial reduction).

    A cell can be zero in every feasible table although its three marginal cells are positive (AND
    gate: ``r(1,1,0) = 0``). One linear program finds them: over the cone
    ``{(r, s) : r >= 0, marginals of r = s * p}`` maximise ``sum_c t_c`` with ``0 <= t_c <=
    min(r_c, 1)``;
    a relative-interior point scaled up gives ``t_c = 1`` exactly on the cells that can be positive.
    IPF restricted to that support converges geometrically instead of sublinearly.
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    if mask is None:
        mask = maxent_support(p_x1y, p_x2y, p_x1x2)
    i, j, k = np.nonzero(mask)
    n = i.size
    n1, n2, ny = mask.shape
    cols = np.arange(n)
    # scale each cell by its largest possible value u_c and each row by its target, so that the
    # LP is well conditioned even when marginal cells span many orders of magnitude
    u = np.minimum(np.minimum(p_x1x2[i, j], p_x1y[i, k]), p_x2y[j, k])
    blocks = []
    for rows, size, target in (
        (i * n2 + j, n1 * n2, p_x1x2.ravel()),
        (i * ny + k, n1 * ny, p_x1y.ravel()),
        (j * ny + k, n2 * ny, p_x2y.ravel()),
    ):
        a = sp.csr_matrix((u / target[rows], (rows, cols)), shape=(size, n))
        blocks.append(a[np.unique(rows)])
    a_r = sp.vstack(blocks).tocsr()
    m = a_r.shape[0]
    # variables [rho (n), t (n), s (1)]: rows of A rho = s ; t - rho <= 0 ; 0 <= t <= 1
    a_eq = sp.hstack([a_r, sp.csr_matrix((m, n)), sp.csr_matrix(-np.ones((m, 1)))]).tocsr()
    a_ub = sp.hstack([-sp.identity(n), sp.identity(n), sp.csr_matrix((n, 1))]).tocsr()
    c = np.concatenate([np.zeros(n), -np.ones(n), [0.0]])
    bounds = [(0, None)] * n + [(0, 1)] * n + [(0, None)]
    res = linprog(
        c, A_ub=a_ub, b_ub=np.zeros(n), A_eq=a_eq, b_eq=np.zeros(m), bounds=bounds, method="highs"
    )
    if res.status != 0:
        return mask.copy()
    out = np.zeros_like(mask)
    out[i, j, k] = res.x[n : 2 * n] > 0.5
    # every positive marginal cell must keep a support cell; otherwise the LP was inaccurate
    for marg, axis in ((p_x1x2, 2), (p_x1y, 1), (p_x2y, 0)):
        if np.any((marg > 0) & ~out.any(axis=axis)):
            return mask.copy()
    return out


def _ratio(xp: Any, target: Any, current: Any) -> Any:
    """``target / current``, and 1 where ``current`` is 0."""
    return xp.where(current > 0, target / xp.where(current > 0, current, 1.0), 1.0)


def maxent_ipf(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    *,
    tol: float = 1e-9,
    max_iter: int = 5000,
    check_every: int = 10,
    reduce_support: bool = True,
    max_lp_cells: int = 20_000,
    progress: bool = False,
    backend: str = "auto",
    device: Any = None,
) -> MaxEntSolution:
    """Maximum-entropy table with three pairwise marginals (IPF, certified entropy bound).

    Parameters
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray
        Consistent marginals, shapes (n1, ny), (n2, ny), (n1, n2). Trusted (validated upstream).
    tol : float
        Stop when the max absolute marginal error is below ``tol``.
    max_iter : int
        Maximum number of IPF sweeps (each sweep fits all three marginals).
    check_every : int
        Sweeps between convergence checks (always checked at the end).
    reduce_support : bool
        When IPF has not converged after 200 sweeps, find the cells that are zero in every feasible
        table (:func:`feasible_support`, one LP), drop them and restart: IPF then converges
        geometrically instead of sublinearly. Skipped above ``max_lp_cells`` support cells.
    max_lp_cells : int
        Size limit for the support LP.
    progress : bool
        Show a tqdm progress bar.
    backend : {"auto", "numpy", "torch"}
        Array library of the sweeps (see :func:`._backend.get_namespace`; ``"auto"`` sends tables
        of at least two million cells to a CUDA GPU when torch is imported and one is visible).
    device : str or torch.device, optional
        Torch device, e.g. ``"cuda"``.

    Returns
    -------
    MaxEntSolution
        ``entropy_upper`` is valid whether or not IPF converged.

    Raises
    ------
    ValueError
        If a positive marginal cell has no support cell (no joint has these marginals).

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` sweeps end with a marginal error above 1e-5. Slower convergence below that
        is recorded in ``info.status`` only: ``entropy_upper`` is certified whenever IPF stops.
    """
    mask = maxent_support(p_x1y, p_x2y, p_x1x2)
    xp = get_namespace(p_x1y, backend=backend, device=device, n_cells=mask.size)
    first = min(200, max_iter)
    if reduce_support and first < max_iter and 0 < mask.sum() <= max_lp_cells:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sol = _ipf(p_x1y, p_x2y, p_x1x2, mask, tol, first, check_every, False, xp)
        if sol.info.converged:
            return sol
        mask = feasible_support(p_x1y, p_x2y, p_x1x2, mask)
    return _ipf(p_x1y, p_x2y, p_x1x2, mask, tol, max_iter, check_every, progress, xp)


def _ipf(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    mask: np.ndarray,
    tol: float,
    max_iter: int,
    check_every: int,
    progress: bool,
    xp: Any,
) -> MaxEntSolution:
    """IPF on the cells of ``mask`` (log-potentials tracked for the certified bound)."""
    t0 = time.perf_counter()
    for name, marg, axes in (("p_x1x2", p_x1x2, 2), ("p_x1y", p_x1y, 1), ("p_x2y", p_x2y, 0)):
        reach = mask.any(axis=axes)
        lost = float(marg[~reach].sum())
        if lost > 0:
            raise ValueError(
                f"{name} puts mass {lost:.3g} on cells that no joint with the other two marginals "
                "can reach; reconcile the marginals first (Marginals(..., reconcile=True))"
            )
    n_supp = int(mask.sum())
    r = xp.asarray(np.where(mask, 1.0 / n_supp, 0.0))
    t12, t1y, t2y = xp.asarray(p_x1x2), xp.asarray(p_x1y), xp.asarray(p_x2y)
    log12, log1y, log2y = xp.zeros_like(t12), xp.zeros_like(t1y), xp.zeros_like(t2y)
    err = math.inf
    it = 0
    status = "max_iter"
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_iter, desc="ipf", leave=False)
    for it in range(1, max_iter + 1):
        f = _ratio(xp, t12, xp.sum(r, 2))
        r *= f[:, :, None]
        log12 += xp.log(xp.where(f > 0, f, 1.0))
        f = _ratio(xp, t1y, xp.sum(r, 1))
        r *= f[:, None, :]
        log1y += xp.log(xp.where(f > 0, f, 1.0))
        f = _ratio(xp, t2y, xp.sum(r, 0))
        r *= f[None, :, :]
        log2y += xp.log(xp.where(f > 0, f, 1.0))
        if bar is not None:
            bar.update(1)
        if it % check_every == 0 or it == max_iter:
            err = max(
                xp.item(xp.max(xp.abs(xp.sum(r, 2) - t12))),
                xp.item(xp.max(xp.abs(xp.sum(r, 1) - t1y))),
            )
            if not math.isfinite(err):
                status = "numerical_error"
                break
            if err <= tol:
                status = "optimal"
                break
    if bar is not None:
        bar.close()
    # certified bound: r_phi = r is a normalized Gibbs table with potentials log12 + log1y + log2y
    # relative to the uniform start, so log r = -log n_supp + phi on the support.
    phi_dot_p = xp.item(
        xp.sum(xp.where(t12 > 0, log12 * t12, 0.0))
        + xp.sum(xp.where(t1y > 0, log1y * t1y, 0.0))
        + xp.sum(xp.where(t2y > 0, log2y * t2y, 0.0))
    )
    total = xp.item(xp.sum(r))
    log_z = math.log(total)  # ~0; keeps the bound exact if r drifted from sum 1
    upper_nats = math.log(n_supp) - phi_dot_p + log_z
    # H(r / total) in bits, on the device (info.entropy's zero-safe sum, without a host copy)
    rn = r / total
    h = -xp.item(xp.sum(xp.where(rn > 0, rn * xp.log(xp.where(rn > 0, rn, 1.0)), 0.0))) / LN2
    upper = max(upper_nats / LN2, h)
    if status == "max_iter" and err > 1e-5:
        warnings.warn(
            f"ipf: marginal error {err:.2e} > tol={tol:g} after {max_iter} iterations; the entropy "
            "bound (and the synergy lower bound built on it) is still certified but may be loose. "
            "Increase max_iter or reconcile the marginals",
            ConvergenceWarning,
            stacklevel=2,
        )
    r_np = np.array(xp.to_numpy(r), dtype=np.float64)
    r_np.setflags(write=False)
    info = SolverInfo(status == "optimal", it, float(err), status, "ipf", time.perf_counter() - t0)
    return MaxEntSolution(r_np, h, float(upper), info)
