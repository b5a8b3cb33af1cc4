"""The support of the maximum-entropy table: the cells a joint with the three marginals can use.

:func:`maxent_support` is the product of the three marginal masks; :func:`feasible_support` drops
the cells that are zero in **every** feasible table (facial reduction, one linear program);
:func:`_support_size` and :func:`_n_cells` count cells without forming the table.
"""

from __future__ import annotations

import numpy as np

__all__ = ["maxent_support", "feasible_support"]


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


def _n_cells(p_x1y: np.ndarray, p_x2y: np.ndarray) -> int:
    """Number of cells ``n1 n2 ny`` of the joint table."""
    return p_x1y.shape[0] * p_x2y.shape[0] * p_x1y.shape[1]


def _support_size(p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray) -> int:
    """Number of cells of :func:`maxent_support`, without forming it."""
    a1, a2 = np.asarray(p_x1y > 0, dtype=np.float64), np.asarray(p_x2y > 0, dtype=np.float64)
    return int(round(float(np.sum((p_x1x2 > 0) * (a1 @ a2.T)))))
