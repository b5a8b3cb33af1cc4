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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..exceptions import ConvergenceWarning
from ..marginals import reachable_cells
from ._backend import get_namespace
from ._types import SolverInfo, materialize

__all__ = ["MaxEntSolution", "maxent_ipf", "maxent_support", "feasible_support"]

LN2 = float(np.log(2.0))
# IPF factors are raised to a power omega (over-relaxation; 1 is plain IPF) chosen from the
# contraction rate of the first plain sweeps, at most this; about five times fewer sweeps on
# clustered tables. The iteration falls back to plain IPF when a check shows no progress.
_OVERRELAX_MAX = 1.9
_PLAIN_SWEEPS = 50  # plain sweeps before the relaxation is chosen


@dataclass(frozen=True, slots=True)
class MaxEntSolution:
    """Result of :func:`maxent_ipf`.

    Attributes
    ----------
    r : ndarray, shape (n_x1, n_x2, n_y)
        Last IPF iterate (read-only); its marginals match the inputs to ``info.residual``. Copied
        from the solver's device on first access.
    entropy : float
        ``H(r)`` of the iterate, bits.
    entropy_upper : float
        Certified upper bound, bits, on the maximum entropy over all tables with the given
        marginals.
    info : SolverInfo
        ``residual`` is the max absolute marginal error of ``r``.
    """

    _r: Any = field(repr=False)
    entropy: float
    entropy_upper: float
    info: SolverInfo

    @property
    def r(self) -> np.ndarray:
        return materialize(self, "_r")


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
    n1, ny = p_x1y.shape
    xp = get_namespace(p_x1y, backend=backend, device=device, n_cells=n1 * p_x2y.shape[0] * ny)
    first = min(200, max_iter)
    if (
        reduce_support
        and first < max_iter
        and 0 < _support_size(p_x1y, p_x2y, p_x1x2) <= max_lp_cells
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sol = _ipf(p_x1y, p_x2y, p_x1x2, None, tol, first, check_every, False, xp)
        if sol.info.converged:
            return sol
        mask = feasible_support(p_x1y, p_x2y, p_x1x2)
        return _ipf(p_x1y, p_x2y, p_x1x2, mask, tol, max_iter, check_every, progress, xp)
    return _ipf(p_x1y, p_x2y, p_x1x2, None, tol, max_iter, check_every, progress, xp)


def _support_size(p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray) -> int:
    """Number of cells of :func:`maxent_support`, without forming it."""
    a1, a2 = np.asarray(p_x1y > 0, dtype=np.float64), np.asarray(p_x2y > 0, dtype=np.float64)
    return int(round(float(np.sum((p_x1x2 > 0) * (a1 @ a2.T)))))


def _ipf(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    mask: np.ndarray | None,
    tol: float,
    max_iter: int,
    check_every: int,
    progress: bool,
    xp: Any,
) -> MaxEntSolution:
    """IPF on the cells of ``mask`` (None: :func:`maxent_support`, built on the namespace's
    device); log-potentials are tracked for the certified bound."""
    t0 = time.perf_counter()
    if mask is None:
        reach = reachable_cells(p_x1y, p_x2y, p_x1x2)
    else:
        reach = (mask.any(axis=2), mask.any(axis=1), mask.any(axis=0))
    for name, marg, ok in zip(("p_x1x2", "p_x1y", "p_x2y"), (p_x1x2, p_x1y, p_x2y), reach):
        lost = float(marg[~ok].sum())
        if lost > 0:
            raise ValueError(
                f"{name} puts mass {lost:.3g} on cells that no joint with the other two marginals "
                "can reach; reconcile the marginals first (Marginals(..., reconcile=True))"
            )
    t12, t1y, t2y = xp.asarray(p_x1x2), xp.asarray(p_x1y), xp.asarray(p_x2y)
    if mask is None:
        n_supp = _support_size(p_x1y, p_x2y, p_x1x2)
        on = (t12 > 0)[:, :, None] & (t1y > 0)[:, None, :] & (t2y > 0)[None, :, :]
        r = xp.where(on, xp.zeros_like(t12)[:, :, None] + 1.0 / n_supp, 0.0)
        del on
    else:
        n_supp = int(mask.sum())
        r = xp.asarray(np.where(mask, 1.0 / n_supp, 0.0))
    log12, log1y, log2y = xp.zeros_like(t12), xp.zeros_like(t1y), xp.zeros_like(t2y)
    err = best_err = last_err = window_err = math.inf
    window_it = grace = 0
    it = 0
    status = "max_iter"
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_iter, desc="ipf", leave=False)
    omega, adapted = 1.0, False
    for it in range(1, max_iter + 1):
        # over-relaxed IPF: each factor f is applied as f**omega; r stays the Gibbs table of the
        # accumulated log-potentials, so the certificate below holds for every iterate
        for target, log_pot, axis, expand in (
            (t12, log12, 2, (slice(None), slice(None), None)),
            (t1y, log1y, 1, (slice(None), None, slice(None))),
            (t2y, log2y, 0, (None, slice(None), slice(None))),
        ):
            step = omega * xp.log(_ratio(xp, target, xp.sum(r, axis)))
            r *= xp.exp(step)[expand]
            log_pot += step
        if bar is not None:
            bar.update(1)
        if it % check_every == 0 or it == max_iter:
            err = max(
                xp.item(xp.max(xp.abs(xp.sum(r, 2) - t12))),
                xp.item(xp.max(xp.abs(xp.sum(r, 1) - t1y))),
                xp.item(xp.max(xp.abs(xp.sum(r, 0) - t2y))),
            )
            if not math.isfinite(err):
                status = "numerical_error"
                break
            if err <= tol:
                status = "optimal"
                break
            if omega > 1.0 and (err > 1e3 * best_err or (it >= grace and err > last_err)):
                omega = 1.0  # over-relaxation stopped making progress: back to plain IPF
            elif not adapted and it >= _PLAIN_SWEEPS:
                # plain IPF's contraction per sweep, measured over its last sweeps, gives the SOR
                # relaxation 2 / (1 + sqrt(1 - rho)); its error first jumps, then falls faster
                rho = min((err / window_err) ** (1.0 / (it - window_it)), 1.0)
                omega, adapted = min(2.0 / (1.0 + math.sqrt(1.0 - rho)), _OVERRELAX_MAX), True
                grace = it + 3 * check_every
            if it <= _PLAIN_SWEEPS - 3 * check_every:
                window_err, window_it = err, it
            best_err, last_err = min(best_err, err), err
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

    def build() -> np.ndarray:  # the table on the host, when first asked for
        out = np.array(xp.to_numpy(r), dtype=np.float64)
        out.setflags(write=False)
        return out

    info = SolverInfo(status == "optimal", it, float(err), status, "ipf", time.perf_counter() - t0)
    return MaxEntSolution(build, h, float(upper), info)
