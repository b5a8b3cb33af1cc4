"""Maximum-entropy joint with three prescribed pairwise marginals (iterative proportional fitting).

    r* = argmax { H(r) : r(x1,x2) = p(x1,x2), r(x1,y) = p(x1,y), r(x2,y) = p(x2,y) }

r* has the form ``r = exp(phi12(x1,x2) + phi1y(x1,y) + phi2y(x2,y))`` on the cells whose three
containing marginal cells are positive. IPF rescales one marginal at a time; every iterate is such a
Gibbs table, so it yields a **certified** upper bound on the maximum entropy (cross-entropy
duality): for any feasible r, ``H(r) <= -sum r log r_phi = log|supp| - <phi, p-marginals>``. The
bound is tight at convergence and stays valid when IPF stops early.

References
----------
W. E. Deming, F. F. Stephan, "On a least squares adjustment of a sampled frequency table when the
expected marginal totals are known", Ann. Math. Statist. 11(4), 1940.
I. Csiszár, "I-divergence geometry of probability distributions and minimization problems",
Ann. Probab. 3(1), 1975.

This module holds the driver :func:`maxent_ipf`; the support is found in :mod:`._support`, the
iterate is laid out by :mod:`._layouts` and over-relaxed by :mod:`._relaxation`.
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any

import numpy as np

from ..._validation import _to_numpy
from ...exceptions import ConvergenceWarning
from ...info import LN2
from .._backend import get_namespace
from .._types import Lazy, SolverInfo
from ._certificate import gibbs_entropy_upper
from ._layouts import _Dense, _Sparse
from ._relaxation import _Relaxation
from ._solution import MaxEntSolution
from ._support import (
    _n_cells,
    _support_size,
    check_reachable,
    face_certificate,
    feasible_support,
    maxent_support,
)

__all__ = ["maxent_ipf"]

# IPF works on the support cells alone when they are fewer than 1/_SPARSE_BELOW of the table
_SPARSE_BELOW = 8


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
        Array library of the sweeps (see :func:`.._backend.get_namespace`; ``"auto"`` sends tables
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

    Examples
    --------
    >>> from mmbounds.data import random_joint
    >>> p = random_joint((3, 3, 2), random_state=0)
    >>> sol = maxent_ipf(p.sum(1), p.sum(0), p.sum(2), tol=1e-10)
    >>> sol.info.converged, bool(abs(sol.r.sum(2) - p.sum(2)).max() < 1e-9)
    (True, True)
    >>> bool(sol.entropy <= sol.entropy_upper + 1e-9), f"{sol.entropy_upper:.3f}"
    (True, '3.454')
    """
    n1, ny = p_x1y.shape
    xp = get_namespace(p_x1y, backend=backend, device=device, n_cells=n1 * p_x2y.shape[0] * ny)
    # the tables go to the device inside _ipf; the support logic runs on host copies
    p_x1y, p_x2y, p_x1x2 = (
        np.asarray(_to_numpy(t), dtype=np.float64) for t in (p_x1y, p_x2y, p_x1x2)
    )
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
        full = maxent_support(p_x1y, p_x2y, p_x1x2)
        mask = feasible_support(p_x1y, p_x2y, p_x1x2, full)
        # the bound of the reduced run is evaluated on the full candidate support, with the
        # multipliers that (if the LP was right) prove the dropped cells are zero: an inaccurate
        # reduction can loosen it, never invalidate it (issue 14)
        cert = (full, face_certificate(p_x1y, p_x2y, p_x1x2, full, mask))
        red = _ipf(p_x1y, p_x2y, p_x1x2, mask, tol, max_iter, check_every, progress, xp, cert)
        if sol.entropy_upper < red.entropy_upper:  # both certified: keep the tighter
            return MaxEntSolution(red._r, red.entropy, sol.entropy_upper, red.info, red._potentials)
        return red
    return _ipf(p_x1y, p_x2y, p_x1x2, None, tol, max_iter, check_every, progress, xp)


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
    cert: tuple[np.ndarray, Any] | None = None,
) -> MaxEntSolution:
    """IPF on the cells of ``mask`` (None: :func:`maxent_support`, built on the namespace's
    device); log-potentials are tracked for the certified bound. With a reduced ``mask``,
    ``cert = (full_mask, multipliers)`` evaluates the bound on the full candidate support
    (:func:`._certificate.gibbs_entropy_upper`)."""
    t0 = time.perf_counter()
    reach = None if mask is None else (mask.any(axis=2), mask.any(axis=1), mask.any(axis=0))
    check_reachable(p_x1y, p_x2y, p_x1x2, reach)
    t12, t1y, t2y = xp.asarray(p_x1x2), xp.asarray(p_x1y), xp.asarray(p_x2y)
    n_supp = _support_size(p_x1y, p_x2y, p_x1x2) if mask is None else int(mask.sum())
    if n_supp * _SPARSE_BELOW < _n_cells(p_x1y, p_x2y):
        if mask is None:
            mask = maxent_support(p_x1y, p_x2y, p_x1x2)
        lay: _Dense | _Sparse = _Sparse(xp, mask)
        r = xp.zeros((n_supp,)) + 1.0 / n_supp
    else:
        lay = _Dense(xp)
        if mask is None:  # built on the device: no n1 n2 ny host array to copy over
            on = (t12 > 0)[:, :, None] & (t1y > 0)[:, None, :] & (t2y > 0)[None, :, :]
            r = xp.where(on, xp.zeros_like(t12)[:, :, None] + 1.0 / n_supp, 0.0)
            del on
        else:
            r = xp.asarray(np.where(mask, 1.0 / n_supp, 0.0))
    t12, t1y, t2y = lay.targets(t12, t1y, t2y)
    log12, log1y, log2y = xp.zeros_like(t12), xp.zeros_like(t1y), xp.zeros_like(t2y)
    err = math.inf
    it = 0
    status = "max_iter"
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_iter, desc="ipf", leave=False)

    def marginal_error() -> float:
        """Largest absolute error of the three marginals of the current ``r``."""
        return max(
            xp.item(xp.max(xp.abs(lay.marginal(r, which) - target)))
            for which, target in enumerate((t12, t1y, t2y))
        )

    relax = _Relaxation()
    saved = None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a diverging relaxed
        # iteration is caught at the next check and undone; plain IPF stays finite
        for it in range(1, max_iter + 1):
            if relax.snapshot:
                saved = tuple(xp.copy(a) for a in (r, log12, log1y, log2y))
                relax.snapshot = False
            # over-relaxed IPF: each factor f is applied as f**omega; r stays the Gibbs table of
            # the accumulated log-potentials, so the certificate below holds for every iterate
            for which, (target, log_pot) in enumerate(((t12, log12), (t1y, log1y), (t2y, log2y))):
                step = relax.omega * xp.log(_ratio(xp, target, lay.marginal(r, which)))
                lay.scale(r, xp.exp(step), which)
                log_pot += step
            if bar is not None:
                bar.update(1)
            if it % check_every == 0 or it == max_iter:
                err = marginal_error()
                if relax.blown_up(err) and saved is not None:
                    r, log12, log1y, log2y = saved  # back to where omega was first raised
                    saved = None
                    relax.stop()
                    err = marginal_error()
                    continue
                if not math.isfinite(err):
                    status = "numerical_error"
                    break
                if err <= tol:
                    status = "optimal"
                    break
                relax.update(it, err)
    if bar is not None:
        bar.close()
    # certified bound: r_phi = r is a normalized Gibbs table with potentials log12 + log1y + log2y
    # relative to the uniform start, so log r = -log n_supp + phi on the support.
    total = xp.item(xp.sum(r))
    if cert is not None:
        phi = tuple(lay.potential_table(a, w) for w, a in enumerate((log12, log1y, log2y)))
        upper_nats = gibbs_entropy_upper(phi, (p_x1x2, p_x1y, p_x2y), cert[0], cert[1])
    else:
        phi_dot_p = xp.item(
            xp.sum(xp.where(t12 > 0, log12 * t12, 0.0))
            + xp.sum(xp.where(t1y > 0, log1y * t1y, 0.0))
            + xp.sum(xp.where(t2y > 0, log2y * t2y, 0.0))
        )
        log_z = math.log(total)  # ~0; keeps the bound exact if r drifted from sum 1
        # r is the product of 3 it factors per cell: its sum is exp(phi)'s to a relative
        # 3 it eps (raised by that much, the bound stays certified under rounding)
        drift = (3 * it + n_supp + 4) * 2.3e-16
        upper_nats = math.log(n_supp) - phi_dot_p + log_z + drift
    # H(r / total) in bits, on the device (info.entropy's zero-safe sum, without a host copy)
    rn = r / total
    h = -xp.item(xp.sum(xp.where(rn > 0, rn * xp.log(xp.where(rn > 0, rn, 1.0)), 0.0))) / LN2
    upper = max(upper_nats / LN2, h)
    if not (math.isfinite(upper) and math.isfinite(h)):
        # the potentials are unusable: fall back on the always valid H <= log2 |support|
        warnings.warn(
            f"ipf: the iteration became non-finite after {it} sweeps; using the entropy bound "
            f"log2(support size) = {math.log2(n_supp):.4g} bits instead",
            ConvergenceWarning,
            stacklevel=2,
        )
        status = "numerical_error"
        upper = h = math.log2(n_supp)
    if status == "max_iter" and err > 1e-5:
        warnings.warn(
            f"ipf: marginal error {err:.2e} > tol={tol:g} after {max_iter} iterations; the entropy "
            "bound (and the synergy lower bound built on it) is still certified but may be loose. "
            "Increase max_iter or reconcile the marginals",
            ConvergenceWarning,
            stacklevel=2,
        )

    def build() -> np.ndarray:  # the table on the host, when first asked for
        out = lay.to_table(r, (p_x1y.shape[0], p_x2y.shape[0], p_x1y.shape[1]))
        out.setflags(write=False)
        return out

    def potentials() -> tuple[np.ndarray, ...]:  # log r = their sum on the support
        pot = [lay.potential_table(a, w) for w, a in enumerate((log12, log1y, log2y))]
        pot[0] = pot[0] - math.log(n_supp)
        return tuple(pot)

    info = SolverInfo(status == "optimal", it, float(err), status, "ipf", time.perf_counter() - t0)
    return MaxEntSolution(Lazy(build), h, float(upper), info, Lazy(potentials))
