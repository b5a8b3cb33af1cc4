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

from .._validation import check_memory

__all__ = ["reachable_cells", "tv_distance", "unreachable_mass", "reconcile_ml", "log_likelihood"]


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

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> p = bitwise_joint("and")
    >>> p12 = np.array([[0.5, 0.0], [0.0, 0.5]])  # X1 = X2 always, unlike AND's p(x1, x2)
    >>> reach12, reach1, reach2 = reachable_cells(p.sum(1), p.sum(0), p12)
    >>> reach12.tolist(), reach1.tolist()
    ([[True, False], [False, True]], [[True, False], [True, True]])
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


def log_likelihood(
    q: np.ndarray, p1: np.ndarray, p2: np.ndarray, p12: np.ndarray, w: np.ndarray
) -> float:
    """Weighted log-likelihood of a joint: ``sum_i w_i sum p_i log q_i`` (nats, ``w`` normalised).

    ``q_i`` are the marginals of ``q`` on the variables of table ``i``; this is the objective
    :func:`reconcile_ml` maximises.

    Parameters
    ----------
    q : ndarray, shape (n1, n2, ny)
        A joint.
    p1, p2 : ndarray, shapes (n1, ny) and (n2, ny)
        ``p(x1, y)`` and ``p(x2, y)``.
    p12 : ndarray, shape (n1, n2)
        ``p(x1, x2)``.
    w : ndarray, shape (3,)
        Weights of the three tables (normalised here).

    Returns
    -------
    float
        The log-likelihood; ``-inf`` when ``q`` gives zero mass to an observed cell.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.full((2, 2, 2), 1 / 8)
    >>> round(log_likelihood(p, p.sum(1), p.sum(0), p.sum(2), np.ones(3)), 6)
    -1.386294
    """
    obs = _weighted_tables(p1, p2, p12, w)
    return _loglik(_margins(q), obs, obs > 0)


def _weighted_tables(p1: np.ndarray, p2: np.ndarray, p12: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The three tables times their normalised weights, flattened as :func:`_margins` orders."""
    w = w / w.sum()
    return np.concatenate([w[0] * p1.ravel(), w[1] * p2.ravel(), w[2] * p12.ravel()])


def _margins(q: np.ndarray) -> np.ndarray:
    """``q(x1,y)``, ``q(x2,y)``, ``q(x1,x2)`` of a joint, flattened and concatenated."""
    return np.concatenate([q.sum(axis=1).ravel(), q.sum(axis=0).ravel(), q.sum(axis=2).ravel()])


def _loglik(m: np.ndarray, obs: np.ndarray, pos: np.ndarray) -> float:
    mp = m[pos]
    if mp.min() <= 0.0:
        return -np.inf
    return float(obs[pos] @ np.log(mp))


def reconcile_ml(
    p1: np.ndarray,
    p2: np.ndarray,
    p12: np.ndarray,
    w: np.ndarray,
    tol: float,
    max_iter: int,
    *,
    accelerate: bool = False,
) -> tuple[np.ndarray, int, float]:
    """EM for the maximum-likelihood joint given three two-variable tables -> (q, n_iter, err).

    Plain EM converges slowly (sublinearly where the likelihood is flat, geometrically slowly
    where cells of the joint must vanish). With ``accelerate=True`` it is accelerated with SQUAREM
    (Varadhan and Roland 2008, scheme S3) applied to ``log q``: every cycle takes two EM steps,
    extrapolates along them (the step length grows while extrapolations succeed) and stabilises
    the extrapolated joint by one more EM step. The cycle's result is kept only when its
    likelihood is at least that of the two plain steps, otherwise the two plain steps are kept:
    the likelihood never decreases, cells stay positive where EM keeps them positive (so EM can
    still move them), and the fixed points are those of plain EM. The accelerated EM works on
    the flat joint restricted to the cells its first step keeps (EM never revives a cell).

    Parameters
    ----------
    p1, p2 : ndarray, shapes (n1, ny) and (n2, ny)
        ``p(x1, y)`` and ``p(x2, y)``.
    p12 : ndarray, shape (n1, n2)
        ``p(x1, x2)``.
    w : ndarray, shape (3,)
        Weights of the three tables (their sample sizes; normalised here).
    tol : float
        Stop when one EM step moves no marginal of the joint by more than ``tol``.
    max_iter : int
        Cap on the EM steps (an accelerated cycle counts as three).
    accelerate : bool, default False
        SQUAREM acceleration (bootstrap replicates use it: two to four times fewer EM steps, and
        closer to the maximum at the same ``tol``). Plain EM stays the default of a main
        estimate, whose numbers are pinned to the recorded reference to 1e-9 bits: at
        ``tol=1e-10`` plain EM stops about 1e-8 short of the maximum.

    Returns
    -------
    q : ndarray, shape (n1, n2, ny)
        The joint.
    n_iter : int
        EM steps run.
    err : float
        The largest change of a marginal in the last EM step (inf after one step).

    Raises
    ------
    ValueError
        If EM would hold more than 2 GiB.

    References
    ----------
    R. Varadhan and C. Roland, "Simple and globally convergent methods for accelerating the
    convergence of any EM algorithm", Scand. J. Statist. 35(2), 2008.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.full((2, 2, 2), 1 / 8)
    >>> q, n_iter, err = reconcile_ml(p.sum(1), p.sum(0), p.sum(2), np.ones(3), 1e-10, 100)
    >>> bool(np.allclose(q, p)), err <= 1e-10
    (True, True)
    """
    shape = (p1.shape[0], p2.shape[0], p1.shape[1])
    # plain EM holds about seven n1 n2 ny float64 arrays, the accelerated one about twenty (with
    # its index arrays); refuse before allocating them
    check_memory(
        shape,
        bytes_per_cell=160 if accelerate else 64,
        max_gib=_MAX_GIB,
        what="the reconciliation",
    )
    if accelerate:
        return _squarem(_weighted_tables(p1, p2, p12, w), shape, tol, max_iter)
    n1, n2, ny = shape
    q = np.full(shape, 1.0 / (n1 * n2 * ny))
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


def _squarem(
    obs: np.ndarray, shape: tuple[int, int, int], tol: float, max_iter: int
) -> tuple[np.ndarray, int, float]:
    """SQUAREM-accelerated EM (see :func:`reconcile_ml`) from the uniform joint; ``obs``: the
    weighted observed tables, flattened by :func:`_weighted_tables`."""
    n1, n2, ny = shape
    n = n1 * n2 * ny
    q = np.full(n, 1.0 / n)
    pos = obs > 0
    # rows[t, c]: the cell of table t (in the order of obs) that cell c of the flat joint
    # projects onto
    i, j, k = np.unravel_index(np.arange(n), shape)
    rows = np.stack([i * ny + k, (n1 + j) * ny + k, (n1 + n2) * ny + i * n2 + j])
    flat_rows = rows.ravel()

    def margins(q: np.ndarray) -> np.ndarray:
        return np.bincount(flat_rows, weights=np.concatenate((q, q, q)), minlength=obs.size)

    it = 0
    err = np.inf

    def em(q: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One EM step: each cell times the weighted ratios of its observed to current marginals."""
        nonlocal it, err
        # a marginal is 0 only where its cells are, and then so is its observed cell (EM keeps
        # every cell that an observed cell needs positive): the floor only avoids 0 / 0
        r = obs / np.maximum(m, _TINY)
        f = r[rows[0]]
        f += r[rows[1]]
        f += r[rows[2]]
        q = q * f
        q /= q.sum()
        m_new = margins(q)
        it += 1
        if it > 1:
            err = float(np.abs(m_new - m).max())
        return q, m_new

    m = margins(q)
    cells = None  # the cells EM keeps after its first step (it never revives one)
    step_max = _STEP_MAX0
    while it < max_iter and err > tol:
        q1, m1 = em(q, m)
        if cells is None:
            cells = np.flatnonzero(q1 > 0)
            q, q1, rows = q[cells], q1[cells], rows[:, cells]
            flat_rows = rows.ravel()
        if err <= tol or it >= max_iter:
            q, m = q1, m1
            continue
        q2, m2 = em(q1, m1)
        if err <= tol or it >= max_iter:
            q, m = q2, m2
            continue
        err2 = err
        # S3 extrapolation on the logarithm of the cells (positive unless one underflowed)
        live = q2 > 0
        if live.all():
            u0, u1, u2 = np.log(q), np.log(q1), np.log(q2)
        else:
            u0, u1, u2 = (np.log(x[live]) for x in (q, q1, q2))
        r = u1 - u0
        v = u2 - u1 - r
        vv = float(v @ v)
        alpha = -np.sqrt(float(r @ r) / vv) if vv > 0 else -step_max
        alpha = max(min(alpha, -1.0), -step_max)
        if alpha == -1.0:  # the plain double step
            q, m = q2, m2
            continue
        u = u0 - 2.0 * alpha * r + alpha * alpha * v
        u = np.exp(np.maximum(u - u.max(), _LOG_FLOOR))
        qx = u if u.size == q.size else np.zeros_like(q)
        qx[live] = u
        qx /= qx.sum()
        q3, m3 = em(qx, margins(qx))
        if _loglik(m3, obs, pos) >= _loglik(m2, obs, pos):
            q, m = q3, m3
            if alpha == -step_max:
                step_max *= _STEP_GROW
        else:  # the extrapolation overshot: keep the plain steps, extrapolate less next time
            q, m, err = q2, m2, err2
            step_max = max(_STEP_MAX0, -alpha / _STEP_GROW)
    full = np.zeros(n)
    full[np.arange(n) if cells is None else cells] = q
    return full.reshape(shape), it, err


#: first cap on the extrapolation length of SQUAREM, and its growth after a step at the cap
_STEP_MAX0 = 4.0
_STEP_GROW = 4.0
#: floor of a marginal in EM's ratios (a zero marginal has a zero observed cell)
_TINY = 1e-300
#: memory limit of the reconciliation (GiB); the estimate's own limit is ``Options.max_memory_gib``
_MAX_GIB = 2.0
#: smallest log-ratio of an extrapolated cell to the largest (exp(-700) ~ 1e-304: cells shrink
#: towards zero without reaching it, so EM can still use them)
_LOG_FLOOR = -700.0
