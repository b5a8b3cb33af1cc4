"""Do the three pairwise marginals come from one joint? A certified linear-programming test.

Tables that agree on every shared single-variable marginal can still have no joint (three bits
pairwise unequal with probability 0.7 each, issue 14). The test solves the LP

.. math:: δ = \\min \\{ \\|A r - b\\|_1 : r >= 0 \\text{ on the candidate support} \\}

(``A r`` the three marginals of ``r``, ``b`` the observed tables) with HiGHS under an iteration
cap. ``δ <= tol`` shows a table with these marginals to within ``tol`` (the primal point). A
larger ``δ`` is only believed with a certificate: for the LP's row duals ``y`` clipped to
``[-1, 1]`` and ``w = A^T y``, every joint ``r`` with the marginals ``b`` has ``r_c <= u_c`` (the
smallest marginal cell containing it) and ``<y, b> = <w, r>``, so

.. math:: <y, b> - Σ_c \\max(w_c, 0)\\, u_c > 0

proves that no joint has them, whatever the accuracy of the LP (it is evaluated in floating
point with a rounding margin).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["REALIZABLE_TOL", "MAX_TEST_CELLS", "Realizability", "check_realizable"]

REALIZABLE_TOL = 1e-9
"""L1 misfit below which the tables count as realizable: the same ``atol`` under which
:class:`~mmbounds.Marginals` counts tables as consistent (far above the 1e-16 rounding of tables
that are marginals of one float64 joint, far below any sampling disagreement)."""

MAX_TEST_CELLS = 20_000
"""Candidate-support size above which the test is skipped (reported as not tested): the LP then
costs more than a second; IPF's marginal error still shows a failure."""

_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class Realizability:
    """Outcome of :func:`check_realizable`.

    ``realizable``: True (misfit <= tol), False (certified: no joint), None (not decided: too
    large, or the LP stopped at its cap, or a misfit without a certificate). ``misfit``: the LP's
    L1 misfit ``δ``; ``certificate``: the certified lower value (> 0 proves no joint).
    """

    realizable: bool | None
    misfit: float
    certificate: float


def check_realizable(
    p1: np.ndarray, p2: np.ndarray, p12: np.ndarray, *, tol: float = REALIZABLE_TOL
) -> Realizability:
    """Certified test that a joint has the marginals ``p1 (n1, ny)``, ``p2 (n2, ny)``, ``p12``.

    Parameters
    ----------
    p1, p2 : ndarray, shapes (n1, ny) and (n2, ny)
        ``p(x1, y)`` and ``p(x2, y)``.
    p12 : ndarray, shape (n1, n2)
        ``p(x1, x2)``.
    tol : float
        L1 misfit (probability mass) below which the tables count as realizable.

    Returns
    -------
    Realizability
        ``realizable`` True, False (certified) or None (not decided), the L1 misfit and the
        certified lower value of it.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.full((2, 2, 2), 1 / 8)
    >>> check_realizable(p.sum(1), p.sum(0), p.sum(2)).realizable
    True
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    n1, ny = p1.shape
    n2 = p2.shape[0]
    mask = (p12[:, :, None] > 0) & (p1[:, None, :] > 0) & (p2[None, :, :] > 0)
    n = int(mask.sum())
    if n == 0 or n > MAX_TEST_CELLS:
        return Realizability(None, 0.0, 0.0)
    i, j, k = np.nonzero(mask)
    rows = np.concatenate([i * n2 + j, n1 * n2 + i * ny + k, n1 * n2 + n1 * ny + j * ny + k])
    n_rows = n1 * n2 + n1 * ny + n2 * ny
    a = sp.csr_matrix((np.ones(3 * n), (rows, np.tile(np.arange(n), 3))), shape=(n_rows, n))
    b = np.concatenate([p12.ravel(), p1.ravel(), p2.ravel()])
    eye = sp.identity(n_rows, format="csr")
    res = linprog(
        np.concatenate([np.zeros(n), np.ones(2 * n_rows)]),
        A_eq=sp.hstack([a, eye, -eye]).tocsr(),
        b_eq=b,
        bounds=[(0, None)] * (n + 2 * n_rows),
        method="highs",
        options={"maxiter": max(1000, 20 * (n + 3 * n_rows))},
    )
    if res.status != 0 or res.x is None:
        return Realizability(None, 0.0, 0.0)
    misfit = float(np.abs(a @ res.x[:n] - b).sum())
    if misfit <= tol:
        return Realizability(True, misfit, 0.0)
    y = np.clip(np.asarray(res.eqlin.marginals, dtype=np.float64), -1.0, 1.0)
    w = a.T @ y
    u = np.minimum(np.minimum(p12[i, j], p1[i, k]), p2[j, k])
    cert = float(y @ b) - float(np.maximum(w, 0.0) @ u)
    cert -= 4 * (n + n_rows) * _EPS * (float(np.abs(y) @ b) + float(np.abs(w) @ u))
    return Realizability(False if cert > tol else None, misfit, max(cert, 0.0))
