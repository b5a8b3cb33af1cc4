"""Tables of Δ12 in closed form and the membership test of a witness (internal).

:func:`exact_low_dim` gives the minimum-entropy table when Δ12 (the tables with the three given
pairwise marginals) is a point or a segment; :func:`in_delta` tells whether a table found by a
search lies in Δ12 (:mod:`mmbounds.solvers.min_entropy`).
"""

from __future__ import annotations

import numpy as np

from ._chord_bnb import entropy_bits

__all__ = ["exact_low_dim", "in_delta"]


def exact_low_dim(p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray) -> np.ndarray | None:
    """Minimum-entropy table of Δ12 when Δ12 is a point or a segment, else ``None``.

    With an axis of size 1 the table is fixed by one marginal. For 2×2×2, Δ12 is ``r0 + t d`` with
    ``d_ijk = (-1)^(i+j+k)`` (the only direction that keeps all three marginals) and ``t`` in an
    interval fixed by ``r >= 0``; H is concave in ``t``, so its minimum is at an endpoint.

    Parameters
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray
        The three pairwise marginals, shapes ``(n1, ny)``, ``(n2, ny)``, ``(n1, n2)``.

    Returns
    -------
    ndarray or None
        The table, shape ``(n1, n2, ny)``; None for any other shape.
    """
    n1, ny = p_x1y.shape
    n2 = p_x2y.shape[0]
    if ny == 1:
        return p_x1x2[:, :, None].copy()
    if n1 == 1:
        return p_x2y[None, :, :].copy()
    if n2 == 1:
        return p_x1y[:, None, :].copy()
    if (n1, n2, ny) != (2, 2, 2):
        return None
    # particular solution with r[0,0,0] = 0, built from the marginals cell by cell
    r0 = np.empty((2, 2, 2))
    r0[0, 0, 0] = 0.0
    r0[0, 0, 1] = p_x1x2[0, 0]
    r0[0, 1, 0] = p_x1y[0, 0]
    r0[1, 0, 0] = p_x2y[0, 0]
    r0[0, 1, 1] = p_x1x2[0, 1] - r0[0, 1, 0]
    r0[1, 0, 1] = p_x1x2[1, 0] - r0[1, 0, 0]
    r0[1, 1, 0] = p_x1y[1, 0] - r0[1, 0, 0]
    r0[1, 1, 1] = p_x1x2[1, 1] - r0[1, 1, 0]
    d = np.array([[[1.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [1.0, -1.0]]])
    t_lo = float(np.max(-r0[d > 0]))
    t_hi = float(np.min(r0[d < 0]))
    if t_hi < t_lo:  # inconsistent by rounding only; collapse to the midpoint
        t_lo = t_hi = 0.5 * (t_lo + t_hi)
    ends = []
    for t in (t_lo, t_hi):
        r = np.clip(r0 + t * d, 0.0, None)
        ends.append((entropy_bits(r), r))
    return min(ends, key=lambda e: e[0])[1]


#: largest marginal error of a witness table (an LP solution, polished: about 1e-11)
_WITNESS_TOL = 1e-8


def in_delta(
    witness: np.ndarray | None, p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray
) -> bool:
    """Whether ``witness`` is a table of Δ12: finite, non-negative, with the three marginals.

    Parameters
    ----------
    witness : ndarray or None
        A table of shape ``(n1, n2, ny)`` (None is not one).
    p_x1y, p_x2y, p_x1x2 : ndarray
        The three pairwise marginals.

    Returns
    -------
    bool
        True when every marginal of ``witness`` is within ``_WITNESS_TOL`` of the given one.
    """
    if witness is None or not np.all(np.isfinite(witness)) or witness.min() < 0:
        return False
    errs = (witness.sum(axis=2) - p_x1x2, witness.sum(axis=1) - p_x1y, witness.sum(axis=0) - p_x2y)
    return max(float(np.max(np.abs(e))) for e in errs) <= _WITNESS_TOL
