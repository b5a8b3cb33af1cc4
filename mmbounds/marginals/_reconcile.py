"""Consistency of the three observed marginals and their maximum-likelihood reconciliation.

Reconciliation is maximum likelihood: the joint ``q`` maximising
``n1 * sum p1(x1,y) log q(x1,y) + n2 * sum p2(x2,y) log q(x2,y) + nm * sum pm(x1,x2) log q(x1,x2)``,
i.e. the weighted reverse I-projection of the three observed tables onto the marginals of one joint.
The objective is concave in ``q``; EM (each source sees two of the three variables) increases it
monotonically. The reconciled triple is the three marginals of ``q``: consistent by construction and
realisable by a joint, with each source weighted by its sample size.

References
----------
A. P. Dempster, N. M. Laird, D. B. Rubin, "Maximum likelihood from incomplete data via the EM
algorithm", J. R. Stat. Soc. B 39(1), 1977.
"""

from __future__ import annotations

import numpy as np

__all__ = ["reachable_cells", "tv_distance", "unreachable_mass", "reconcile_ml"]


def tv_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Total variation distance ``sum |a - b| / 2`` between two tables.

    Parameters
    ----------
    a, b : ndarray
        Tables of the same shape.

    Returns
    -------
    float
        The distance (probability mass, in [0, 1] for distributions).

    Examples
    --------
    >>> import numpy as np
    >>> tv_distance(np.array([0.5, 0.5]), np.array([1.0, 0.0]))
    0.5
    """
    return 0.5 * float(np.abs(a - b).sum())


def reachable_cells(
    p1: np.ndarray, p2: np.ndarray, p12: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cells of ``p12``, ``p1``, ``p2`` that a joint with the three tables can make positive.

    A joint lives on the cells ``(x1, x2, y)`` whose three marginal cells are all positive; a
    marginal cell is reachable when at least one such cell projects onto it. Computed with three
    products of 0/1 matrices, without forming the ``n1 n2 ny`` support.

    Parameters
    ----------
    p1, p2 : ndarray, shapes (n1, ny) and (n2, ny)
        ``p(x1, y)`` and ``p(x2, y)``.
    p12 : ndarray, shape (n1, n2)
        ``p(x1, x2)``.

    Returns
    -------
    (reach12, reach1, reach2) : tuple of bool ndarray
        Shapes of ``p12`` (n1, n2), ``p1`` (n1, ny) and ``p2`` (n2, ny).
    """
    a1, a2, a12 = (np.asarray(t > 0, dtype=np.float64) for t in (p1, p2, p12))
    return (
        (p12 > 0) & ((a1 @ a2.T) > 0),
        (p1 > 0) & ((a12 @ a2) > 0),
        (p2 > 0) & ((a12.T @ a1) > 0),
    )


def unreachable_mass(p1: np.ndarray, p2: np.ndarray, p12: np.ndarray) -> float:
    """Largest mass a table puts on cells that no joint with the other two tables can reach.

    Parameters
    ----------
    p1, p2 : ndarray, shapes (n1, ny) and (n2, ny)
        ``p(x1, y)`` and ``p(x2, y)``.
    p12 : ndarray, shape (n1, n2)
        ``p(x1, x2)``.

    Returns
    -------
    float
        The largest unreachable mass of the three tables (0 when every cell can be reached).

    Examples
    --------
    >>> import numpy as np
    >>> p = np.full((2, 2, 2), 1 / 8)
    >>> unreachable_mass(p.sum(1), p.sum(0), p.sum(2))
    0.0
    """
    r12, r1, r2 = reachable_cells(p1, p2, p12)
    return max(float(p12[~r12].sum()), float(p1[~r1].sum()), float(p2[~r2].sum()))


def reconcile_ml(
    p1: np.ndarray, p2: np.ndarray, p12: np.ndarray, w: np.ndarray, tol: float, max_iter: int
) -> tuple[np.ndarray, int, float]:
    """EM for the maximum-likelihood joint given three two-variable tables -> (q, n_iter, err).

    Parameters
    ----------
    p1, p2 : ndarray, shapes (n1, ny) and (n2, ny)
        ``p(x1, y)`` and ``p(x2, y)``.
    p12 : ndarray, shape (n1, n2)
        ``p(x1, x2)``.
    w : ndarray, shape (3,)
        Weights of the three tables (their sample sizes; normalised here).
    tol : float
        Stop when no marginal of the joint moves by more than ``tol`` in an iteration.
    max_iter : int
        Iteration cap.

    Returns
    -------
    q : ndarray, shape (n1, n2, ny)
        The joint.
    n_iter : int
        Iterations run.
    err : float
        The last change of the marginals (inf after one iteration).
    """
    n1, ny = p1.shape
    n2 = p2.shape[0]
    q = np.full((n1, n2, ny), 1.0 / (n1 * n2 * ny))
    w = w / w.sum()
    prev = None
    err = np.inf
    it = 0
    q1, q2, q12 = q.sum(axis=1), q.sum(axis=0), q.sum(axis=2)
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        # EM factor of each cell: the weighted ratios of its three observed to current marginals
        c1 = np.divide(p1, q1, out=np.zeros_like(p1), where=q1 > 0)
        c2 = np.divide(p2, q2, out=np.zeros_like(p2), where=q2 > 0)
        c12 = np.divide(p12, q12, out=np.zeros_like(p12), where=q12 > 0)
        q = q * (w[0] * c1[:, None, :] + w[1] * c2[None, :, :] + w[2] * c12[:, :, None])
        q /= q.sum()
        # the new marginals serve the convergence check and the next step
        q1, q2, q12 = q.sum(axis=1), q.sum(axis=0), q.sum(axis=2)
        margs = np.concatenate([q1.ravel(), q2.ravel(), q12.ravel()])
        if prev is not None:
            err = float(np.abs(margs - prev).max())
            if err <= tol:
                break
        prev = margs
    return q, it, err
