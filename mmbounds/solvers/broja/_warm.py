"""A warm start for the fast BROJA solver on large dense tables: alternating maximisation.

**The alternating scheme.** For any distribution ``r`` on the pairs, Gibbs' inequality gives
``sum q log q(x1, x2) >= sum q log r(x1, x2)`` with equality at ``r = q(x1, x2)``, so

    max_q H_q(Y | X1, X2) = max_{q, r}  -sum q log q + sum q log r(x1, x2)

over the BROJA set and the distributions ``r``. For fixed ``r`` the best ``q`` maximises
``-KL(q || r)`` under the two marginal constraints: for each label separately an entropic
transport (matrix scaling) problem, ``q(x1, x2, y) = r(x1, x2) a(x1, y) b(x2, y)``, whose scalings
one Sinkhorn sweep updates for every label at once (two ``n1 x n2`` by ``n2 x ny`` products). For
fixed ``q`` the best ``r`` is ``q(x1, x2) = r (a b^T)``. Alternating the two (Blahut-Arimoto
style) raises the objective; the pair update is over-relaxed, ``r <- r (a b^T)^omega``
(normalised), which speeds up the decay of the pairs that carry no mass at the optimum. A sweep
costs three matrix products of ``n1 n2 ny`` multiply-adds and never forms the ``n1 n2 ny`` cells.
(The sweeps run in double precision: in single precision they cost half as much but the start is
worse, 10 interior-point iterations instead of 8 at 300 x 300 x 10, which costs more.)

**Why only a start.** The scheme converges sublinearly (the optimum is on the boundary, where most
pairs carry no mass), so it cannot certify ``1e-9`` bits by itself. Its scalings give dual
potentials ``lam = -log a``, ``mu = -log b`` (shifted so every pair log-partition is ``<= 0``),
its pair masses the multipliers ``pi`` and the slacks ``sigma = -s`` (floored): a point close to
the end of the central path, from which the interior-point iteration of :mod:`._path` reaches the
certified gap in about half the iterations of its cold start (measured with
``benchmarks/solvers.py --scaling``: 8 to 9 instead of 17 at 300 x 300 x 10). The certificate is
the interior point's own (:mod:`._certify`), so the result is certified exactly as before; the
driver (:mod:`._ipm`) falls back on the cold start when the warm one does not certify.
"""

from __future__ import annotations

import math

import numpy as np

__all__: list[str] = []

WARM_MIN_SCHUR = 1000  # the warm start is used from this many Schur variables (allowed (x2, y))
_SWEEPS = 6000  # alternating sweeps (1.4 s at 300 x 300 x 10; 4000: 9 iterations, 6000: 8)
_OMEGA = 2.0  # over-relaxation of the pair update (3 diverges on dense Dirichlet tables)
_RENORM = 16  # the pair masses are renormalised every this many sweeps (they stay near 1)
_DTYPE = np.float64  # precision of the sweeps
_FLUSH = 1e-300  # pair masses below this are set to zero (no subnormal numbers: they are slow)
_SLACK_FLOOR = 1e-9  # the smallest starting slack sigma
_CENTRE = 1e-4  # pi sigma >= _CENTRE / (number of pairs) at the start (raising the smaller)


def alternating_start(
    p1: np.ndarray, p2: np.ndarray, sweeps: int = _SWEEPS, omega: float = _OMEGA
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Starting ``(lam, mu, pi, sigma)`` of the interior point from alternating maximisation.

    Parameters
    ----------
    p1, p2 : ndarray, shapes (n1, ny), (n2, ny)
        The pruned marginals, every entry positive (a dense table).
    sweeps : int
        Alternating sweeps.
    omega : float
        Over-relaxation of the pair update.

    Returns
    -------
    tuple of ndarray or None
        ``lam (n1, ny)``, ``mu (n2, ny)``, ``pi (n1, n2)``, ``sigma (n1, n2)``; None if the
        iteration left non-finite numbers (the caller then uses the cold start).
    """
    f1, f2 = p1.astype(_DTYPE), p2.astype(_DTYPE)
    r = np.outer(f1.sum(1), f2.sum(1))
    b = np.ones_like(f2)
    with np.errstate(all="ignore"):
        for k in range(sweeps):
            a = f1 / (r @ b)
            b = f2 / (r.T @ a)
            e = a @ b.T
            r *= e
            if omega == 2.0:
                r *= e
            else:
                r *= e ** (omega - 1.0)
            if k % _RENORM == _RENORM - 1:
                r /= r.sum()
                r[r < _FLUSH] = 0.0  # such pairs carry no mass
        r = r.astype(np.float64)
        a = p1 / (r @ b.astype(np.float64))
        b = p2 / (r.T @ a)  # the x2 marginals are met exactly, the x1 ones nearly
        e = a @ b.T
        lam, mu = -np.log(a), -np.log(b)
        s = np.log(e)
        top = float(np.max(s))
        lam += top  # every pair log-partition s - top <= 0: the dual is feasible
        pi, sig = r * e, top - s  # q(x1, x2) of the scaled joint; the slacks
        # centring: where pi sigma < tau raise the smaller of the two, so pi sigma >= tau
        tau = _CENTRE / r.size
        low = pi * sig < tau
        raise_sig = low & (pi >= sig)
        sig = np.where(raise_sig, tau / np.maximum(pi, tau), sig)
        pi = np.where(low & ~raise_sig, tau / np.maximum(sig, tau), pi)
        sig = np.maximum(sig, _SLACK_FLOOR)
    if not all(np.all(np.isfinite(x)) for x in (lam, mu, pi, sig)) or not math.isfinite(top):
        return None
    return lam, mu, pi, sig
