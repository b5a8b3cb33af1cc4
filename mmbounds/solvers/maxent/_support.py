"""The support of the maximum-entropy table: the cells a joint with the three marginals can use.

:func:`maxent_support` is the product of the three marginal masks; :func:`feasible_support` drops
the cells that are zero in **every** feasible table (facial reduction, one linear program) and
:func:`face_certificate` finds the multipliers that prove it (a second LP, used by the certified
bound of :mod:`._certificate`, so an inaccurate reduction can loosen the bound but never invalidate
it); :func:`_support_size` and :func:`_n_cells` count cells without forming the table.

Both LPs run HiGHS with an iteration cap (:func:`lp_iteration_cap`), so they always return, and
their answer depends on the inputs only (no wall clock).
"""

from __future__ import annotations

import numpy as np

from ...marginals import reachable_cells

__all__ = [
    "check_reachable",
    "maxent_support",
    "feasible_support",
    "face_certificate",
    "lp_iteration_cap",
]

#: primal/dual feasibility tolerances handed to HiGHS (neither LP's answer is trusted as such: the
#: support is checked, the certificate is evaluated in the bound whatever its accuracy)
_LP_TOL = 1e-10


def lp_iteration_cap(n_rows: int, n_cols: int) -> int:
    """Simplex iteration cap of the support LPs: ``20 (rows + columns)``, at least 1,000.

    A well-posed LP of this form needs a few times its dimension in simplex pivots; the cap stops
    the rare cycling solve (issue 14: a 3×3×3 joint whose LP never came back) deterministically.

    Parameters
    ----------
    n_rows, n_cols : int
        Size of the LP's constraint matrix.

    Returns
    -------
    int
        The cap.

    Examples
    --------
    >>> lp_iteration_cap(10, 20), lp_iteration_cap(100, 1000)
    (1000, 22000)
    """
    return max(1000, 20 * (int(n_rows) + int(n_cols)))


def _highs_options(n_rows: int, n_cols: int) -> dict:
    return {
        "maxiter": lp_iteration_cap(n_rows, n_cols),
        "primal_feasibility_tolerance": _LP_TOL,
        "dual_feasibility_tolerance": _LP_TOL,
    }


def maxent_support(p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray) -> np.ndarray:
    """Cells that can be positive in a table with the three marginals.

    Parameters
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray, shapes (n1, ny), (n2, ny), (n1, n2)
        The three pairwise marginals.

    Returns
    -------
    ndarray of bool, shape (n1, n2, ny)
        The cells whose three marginal cells are positive.

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> p = bitwise_joint("and")
    >>> mask = maxent_support(p.sum(1), p.sum(0), p.sum(2))
    >>> int(mask.sum()), bool(mask[1, 1, 0])
    (5, True)
    """
    return (p_x1x2[:, :, None] > 0) & (p_x1y[:, None, :] > 0) & (p_x2y[None, :, :] > 0)


def _marginal_rows(mask: np.ndarray) -> tuple[np.ndarray, ...]:
    """For each cell of ``mask``: its row in the stacked marginal vector ``(p12, p1y, p2y)``."""
    i, j, k = np.nonzero(mask)
    n1, n2, ny = mask.shape
    return i, j, k, i * n2 + j, n1 * n2 + i * ny + k, n1 * n2 + n1 * ny + j * ny + k


def feasible_support(
    p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Cells that are positive in **some** table with the three marginals (facial reduction).

    A cell can be zero in every feasible table although its three marginal cells are positive (AND
    gate: ``r(1,1,0) = 0``). One linear program finds them: over the cone
    ``{(r, s) : r >= 0, marginals of r = s * p}`` maximise ``sum_c t_c`` with
    ``0 <= t_c <= min(r_c, 1)``; a relative-interior point scaled up gives ``t_c = 1`` exactly on
    the cells that can be positive. IPF restricted to that support converges geometrically instead
    of sublinearly.

    The LP runs under an iteration cap (:func:`lp_iteration_cap`); when it stops without an
    optimum, or its support misses a positive marginal cell, the full ``mask`` is returned. The
    answer is a heuristic: the certified entropy bound never relies on it (see
    :func:`face_certificate`).

    Parameters
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray, shapes (n1, ny), (n2, ny), (n1, n2)
        The three pairwise marginals.
    mask : ndarray of bool, shape (n1, n2, ny), optional
        Candidate cells (default: :func:`maxent_support`).

    Returns
    -------
    ndarray of bool, shape (n1, n2, ny)
        The cells found positive in some feasible table (a subset of ``mask``).

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> p = bitwise_joint("and")
    >>> mask = maxent_support(p.sum(1), p.sum(0), p.sum(2))
    >>> keep = feasible_support(p.sum(1), p.sum(0), p.sum(2), mask)
    >>> int(mask.sum()), int(keep.sum()), bool(keep[1, 1, 0])  # AND: r(1, 1, 0) = 0
    (5, 4, False)
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
        c,
        A_ub=a_ub,
        b_ub=np.zeros(n),
        A_eq=a_eq,
        b_eq=np.zeros(m),
        bounds=bounds,
        method="highs",
        options=_highs_options(m + n, 2 * n + 1),
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


def face_certificate(
    p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray, mask: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Multipliers ``y = (y12, y1y, y2y)`` proving that the cells ``mask & ~keep`` are zero.

    With ``w_c = y12[i,j] + y1y[i,k] + y2y[j,k]``, every table ``r`` with the three marginals has
    ``sum_c w_c r_c = <y, p>``. The LP ``min <y, p>`` subject to ``w_c >= 0`` on ``mask`` and
    ``w_c >= 1`` on the dropped cells has value 0 exactly when the dropped cells are zero in every
    feasible table (then ``r_c <= <y, p> / w_c``). Returns None when HiGHS stops without an
    optimum (iteration cap) or nothing is dropped. The multipliers are never trusted: the entropy
    bound of :mod:`._certificate` is valid for any ``y``.

    Parameters
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray, shapes (n1, ny), (n2, ny), (n1, n2)
        The three pairwise marginals.
    mask : ndarray of bool, shape (n1, n2, ny)
        Candidate cells.
    keep : ndarray of bool, shape (n1, n2, ny)
        The cells kept; ``mask & ~keep`` are the ones to prove zero.

    Returns
    -------
    (y12, y1y, y2y) : tuple of ndarray, shapes (n1, n2), (n1, ny), (n2, ny), or None
        The multipliers, or None.

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> p = bitwise_joint("and")
    >>> mask = maxent_support(p.sum(1), p.sum(0), p.sum(2))
    >>> keep = feasible_support(p.sum(1), p.sum(0), p.sum(2), mask)
    >>> y12, y1y, y2y = face_certificate(p.sum(1), p.sum(0), p.sum(2), mask, keep)
    >>> w = y12[1, 1] + y1y[1, 0] + y2y[1, 0]  # the weight of the dropped cell (1, 1, 0)
    >>> bool(w >= 1 - 1e-9)
    True
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    dropped = mask & ~keep
    if not dropped.any():
        return None
    n1, n2, ny = mask.shape
    i, j, k, r12, r1, r2 = _marginal_rows(mask)
    n = i.size
    n_rows = n1 * n2 + n1 * ny + n2 * ny
    b = np.concatenate([p_x1x2.ravel(), p_x1y.ravel(), p_x2y.ravel()])
    used = np.unique(np.concatenate([r12, r1, r2]))
    col = np.full(n_rows, -1)
    col[used] = np.arange(used.size)
    data = np.ones(3 * n)
    rows = np.tile(np.arange(n), 3)
    cols = np.concatenate([col[r12], col[r1], col[r2]])
    w_of_y = sp.csr_matrix((data, (rows, cols)), shape=(n, used.size))
    need = np.where(dropped[i, j, k], 1.0, 0.0)
    res = linprog(
        b[used],
        A_ub=-w_of_y,
        b_ub=-need,
        bounds=[(None, None)] * used.size,
        method="highs",
        options=_highs_options(n, used.size),
    )
    if res.status != 0 or res.x is None:
        return None
    y = np.zeros(n_rows)
    y[used] = res.x
    a, c = n1 * n2, n1 * n2 + n1 * ny
    return y[:a].reshape(n1, n2), y[a:c].reshape(n1, ny), y[c:].reshape(n2, ny)


def check_reachable(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    reach: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> None:
    """Raise if a positive marginal cell has no candidate support cell (no joint has them all).

    Parameters
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray, shapes (n1, ny), (n2, ny), (n1, n2)
        The three pairwise marginals.
    reach : tuple of bool ndarray, optional
        The reachable cells of ``(p_x1x2, p_x1y, p_x2y)`` (default:
        :func:`~mmbounds.marginals.reachable_cells`).

    Raises
    ------
    ValueError
        Naming the marginal that puts mass on unreachable cells.
    """
    if reach is None:
        reach = reachable_cells(p_x1y, p_x2y, p_x1x2)
    for name, marg, ok in zip(("p_x1x2", "p_x1y", "p_x2y"), (p_x1x2, p_x1y, p_x2y), reach):
        lost = float(marg[~ok].sum())
        if lost > 0:
            raise ValueError(
                f"{name} puts mass {lost:.3g} on cells that no joint with the other two marginals "
                "can reach; reconcile the marginals first (Marginals(..., reconcile=True))"
            )


def _n_cells(p_x1y: np.ndarray, p_x2y: np.ndarray) -> int:
    """Number of cells ``n1 n2 ny`` of the joint table."""
    return p_x1y.shape[0] * p_x2y.shape[0] * p_x1y.shape[1]


def _support_size(p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray) -> int:
    """Number of cells of :func:`maxent_support`, without forming it."""
    a1, a2 = np.asarray(p_x1y > 0, dtype=np.float64), np.asarray(p_x2y > 0, dtype=np.float64)
    return int(round(float(np.sum((p_x1x2 > 0) * (a1 @ a2.T)))))
