"""The certified upper bound on the maximum entropy over Δ12, valid for any potentials.

For potentials ``phi = (phi12, phi1y, phi2y)`` on the marginal cells, the Gibbs table
``q_c = exp(phi_c) / Z`` on the candidate support ``M`` (:func:`._support.maxent_support`: every
cell whose three marginal cells are positive, a set that provably contains the support of every
table with the three marginals) gives, for every such table ``r`` (Gibbs' inequality),

.. math:: H(r) <= -Σ_c r_c \\log q_c = \\log Z_M - <phi, p>.

Multipliers ``y`` of a facial reduction (:func:`._support.face_certificate`, ``w = A^T y``) shift
the potentials along a direction on which every feasible ``r`` has ``<w, r> = <y, p>``; for every
``t`` the potentials ``phi - t y`` are valid too, so

.. math:: H(r) <= \\min_t \\; \\log Σ_{c ∈ M} e^{phi_c - t w_c} - <phi, p> + t <y, p>.

The minimum over ``t`` (convex in ``t``) removes the dropped cells from ``Z`` when the reduction is
right (``<y, p> = 0``) and costs nothing when it is wrong: the bound never depends on the LP being
accurate. Evaluated in floating point, it is raised by a rounding margin.

References
----------
I. Csiszár, "I-divergence geometry of probability distributions and minimization problems",
Ann. Probab. 3(1), 1975.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["gibbs_entropy_upper"]

_EPS = float(np.finfo(np.float64).eps)
_FSUM_MAX = 4096  # sums of up to this many terms are exactly rounded (math.fsum)
_BLOCK = 256  # longer sums: numpy sums of blocks of this many terms, then math.fsum of the blocks


def _accurate_sum(a: np.ndarray) -> tuple[float, int]:
    """``sum(a)`` and ``k`` with ``|error| <= k eps sum(|a|)``: exact rounding (``k = 1``) up to
    ``_FSUM_MAX`` terms, else blockwise (recursive summation within a block: ``k = _BLOCK + 1``)."""
    if a.size <= _FSUM_MAX:
        return math.fsum(a.tolist()), 1
    pad = (-a.size) % _BLOCK
    blocks = np.add.reduce(np.concatenate([a, np.zeros(pad)]).reshape(-1, _BLOCK), axis=1)
    return math.fsum(blocks.tolist()), _BLOCK + 1


def _gather(mask: np.ndarray, n: int) -> Any:
    """``f(a12, a1y, a2y)``: ``a12[i,j] + a1y[i,k] + a2y[j,k]`` on the cells of ``mask`` (in
    C order), by broadcasting on dense masks and by index gathers on sparse ones."""
    if 8 * n >= mask.size:
        return lambda a, b, c: (a[:, :, None] + b[:, None, :] + c[None, :, :])[mask]
    i, j, k = np.nonzero(mask)
    return lambda a, b, c: a[i, j] + b[i, k] + c[j, k]


def gibbs_entropy_upper(
    phi: tuple[np.ndarray, np.ndarray, np.ndarray],
    targets: tuple[np.ndarray, np.ndarray, np.ndarray],
    mask: np.ndarray,
    y: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> float:
    """Certified upper bound (nats) on ``max H(r)`` over tables with the marginals ``targets``.

    Parameters
    ----------
    phi : tuple of ndarray
        Potentials of shapes ``(n1, n2)``, ``(n1, ny)``, ``(n2, ny)`` (any finite values).
    targets : tuple of ndarray
        The marginals ``(p12, p1y, p2y)`` of the same shapes.
    mask : ndarray of bool, shape (n1, n2, ny)
        Candidate support: must contain every cell that can be positive
        (:func:`._support.maxent_support`).
    y : tuple of ndarray, optional
        Facial-reduction multipliers (any values; see the module docstring).

    Returns
    -------
    float
        The bound in nats (``inf`` if the potentials are not finite).
    """
    n = int(np.count_nonzero(mask))
    if n == 0:
        return 0.0
    on_cells = _gather(mask, n)
    phi_c = on_cells(*phi)
    size_c = on_cells(*(np.abs(a) for a in phi))
    terms = [np.where(t > 0, f * t, 0.0).ravel() for f, t in zip(phi, targets)]
    dot_phi, k_dot = _accurate_sum(np.concatenate(terms))
    abs_phi = sum(float(np.sum(np.abs(a))) for a in terms)
    if not (np.all(np.isfinite(phi_c)) and math.isfinite(abs_phi)):
        return math.inf
    if y is None or not all(np.all(np.isfinite(a)) for a in y):
        w_c, dot_y, abs_y, size_w = np.zeros(n), 0.0, 0.0, 0.0
    else:
        w_c = on_cells(*y)
        size_w = float(np.max(on_cells(*(np.abs(a) for a in y))))
        dot_y = sum(float(np.sum(a * t)) for a, t in zip(y, targets))
        abs_y = sum(float(np.sum(np.abs(a * t))) for a, t in zip(y, targets))
    n_rows = sum(t.size for t in targets)
    size_phi = float(np.max(size_c))

    def f(t: float) -> float:
        x = phi_c - t * w_c
        mx = float(x.max())
        total, k_sum = _accurate_sum(np.exp(x - mx))
        lse = mx + math.log(total)
        val = lse - dot_phi + t * dot_y
        # rounding: each exponent is off by at most 4 eps (its size), each exp by a few ulp, the
        # two sums by k eps of their absolute sums (_accurate_sum), the last operations by eps
        k_y = n_rows + 4 if t else 0
        exponent = 4.0 * (size_phi + t * size_w + abs(mx))
        margin = _EPS * (
            (k_sum + 4 + exponent) * 1.5
            + (k_dot + 4) * abs_phi
            + k_y * t * abs_y
            + 2.0 * (abs(lse) + abs(val))
            + 4
        )
        return val + margin

    if not w_c.any():
        return f(0.0)
    grid = [0.0] + [2.0**e for e in range(-4, 51)]
    vals = [f(t) for t in grid]
    b = int(np.argmin(vals))
    lo, hi = grid[max(b - 1, 0)], grid[min(b + 1, len(grid) - 1)]
    best = vals[b]
    g = (math.sqrt(5.0) - 1.0) / 2.0  # golden section on [lo, hi] (f is convex in t)
    x1, x2 = hi - g * (hi - lo), lo + g * (hi - lo)
    f1, f2 = f(x1), f(x2)
    for _ in range(40):
        if f1 < f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - g * (hi - lo)
            f1 = f(x1)
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + g * (hi - lo)
            f2 = f(x2)
    return min(best, f1, f2)
