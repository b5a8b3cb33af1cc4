"""The BROJA result record, its support, the certified dual bound and the degenerate closed form.

:class:`BrojaSolution` is what both BROJA solvers return; :func:`broja_support` is the set of cells
a feasible joint can use; :func:`dual_lower_bound` turns any dual potentials into a certified lower
bound on the minimum; :func:`_trivial_solution` is the closed form of the one-label program.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._backend import NumpyNamespace
from .._types import Lazy, SolverInfo
from ._certify import dual_bound
from ._dense import DenseOps

__all__ = ["BrojaSolution", "broja_support", "dual_lower_bound"]


@dataclass(frozen=True, slots=True)
class BrojaSolution:
    """Solution of the BROJA program.

    Attributes
    ----------
    q : ndarray, shape (n_x1, n_x2, n_y)
        The optimal joint (read-only); it has the two prescribed marginals up to ``info.residual``.
        It is held by a :class:`~mmbounds.solvers._types.Lazy` and built on first access (a GPU
        solve copies its ``n1 n2 ny`` cells to the host only if they are asked for).
    min_mi : float
        ``I_q*(X1,X2;Y)`` in bits, the minimum of the program.
    info : SolverInfo
        Status, iterations, residual and time of the solve.

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> from mmbounds.solvers import broja_fast
    >>> p = bitwise_joint("and")
    >>> sol = broja_fast(p.sum(1), p.sum(0))
    >>> round(sol.min_mi, 4), sol.q.shape, sol.info.converged
    (0.3113, (2, 2, 2), True)
    >>> sol.q.sum(1).round(4).tolist() == p.sum(1).tolist()
    True
    """

    _q: Lazy = field(repr=False)
    min_mi: float
    info: SolverInfo

    @property
    def q(self) -> np.ndarray:
        """The optimal joint (read-only), built on first access."""
        return self._q.get()

    def __reduce__(self) -> tuple[object, ...]:  # pickles the built array, not the builder
        return (type(self), (Lazy(self.q), self.min_mi, self.info))


def broja_support(p_x1y: np.ndarray, p_x2y: np.ndarray) -> np.ndarray:
    """Boolean mask of the cells ``(x1, x2, y)`` that can be positive in a feasible joint.

    Parameters
    ----------
    p_x1y, p_x2y : ndarray, shapes (n1, ny), (n2, ny)
        The source-label marginals.

    Returns
    -------
    ndarray of bool, shape (n1, n2, ny)
        ``p(x1, y) > 0`` and ``p(x2, y) > 0``.

    Examples
    --------
    >>> import numpy as np
    >>> p_x1y = np.array([[0.5, 0.0], [0.25, 0.25]])
    >>> mask = broja_support(p_x1y, p_x1y)
    >>> int(mask.sum()), mask[0, 0].tolist(), mask[1, 1].tolist()
    (5, [True, False], [True, True])
    """
    return (p_x1y[:, None, :] > 0) & (p_x2y[None, :, :] > 0)


def _trivial_solution(p_x1y: np.ndarray, p_x2y: np.ndarray, method: str) -> BrojaSolution | None:
    """Closed form when the program is degenerate (one label value)."""
    if p_x1y.shape[1] == 1:
        q = np.outer(p_x1y[:, 0], p_x2y[:, 0])[:, :, None]
        q.setflags(write=False)
        return BrojaSolution(Lazy(q), 0.0, SolverInfo(True, 0, 0.0, "optimal", method))
    return None


def dual_lower_bound(
    p_x1y: np.ndarray, p_x2y: np.ndarray, lam: np.ndarray, mu: np.ndarray
) -> float:
    """Certified lower bound (bits) on the BROJA minimum from any dual potentials.

    The Lagrange dual of ``max H_q(Y|X1,X2)`` is ``min <lam, p_x1y> + <mu, p_x2y>`` (nats) subject
    to ``logsumexp_y(-lam(x1,y) - mu(x2,y)) <= 0`` for every pair ``(x1, x2)`` (over the support).
    Shifting ``lam(x1, .)`` by the largest violation over ``x2`` makes any ``(lam, mu)`` feasible,
    so ``H(Y) - dual / ln 2`` is a valid lower bound on ``min I_q(X1,X2;Y)`` whatever the
    potentials.

    Parameters
    ----------
    p_x1y, p_x2y : ndarray, shapes (n1, ny), (n2, ny)
        The source-label marginals.
    lam, mu : ndarray, same shapes
        Dual potentials (nats); the optimum has ``q(y|x1,x2) ∝ exp(-lam(x1,y) - mu(x2,y))``.

    Returns
    -------
    float
        Lower bound on ``min I_q(X1,X2;Y)``, bits.

    Examples
    --------
    >>> import numpy as np
    >>> from mmbounds.data import bitwise_joint
    >>> from mmbounds.solvers.broja import broja
    >>> p = bitwise_joint("and")
    >>> round(broja(p.sum(1), p.sum(0)).min_mi, 4)
    0.3113
    >>> lam, mu = np.random.default_rng(0).normal(size=(2, 2, 2))  # any potentials
    >>> bool(dual_lower_bound(p.sum(1), p.sum(0), lam, mu) <= 0.3113)
    True
    >>> round(dual_lower_bound(p.sum(1), p.sum(0), np.zeros((2, 2)), np.zeros((2, 2))), 4)
    0.3113
    """
    p1, p2 = np.asarray(p_x1y, dtype=np.float64), np.asarray(p_x2y, dtype=np.float64)
    r1, r2 = p1.sum(axis=1) > 0, p2.sum(axis=1) > 0
    ry = (p1.sum(axis=0) > 0) & (p2.sum(axis=0) > 0)
    if not ry.any() or p1[:, ~ry].sum() > 0 or p2[:, ~ry].sum() > 0:
        return 0.0  # a label that one source has and the other lacks: no joint has both
    ops = DenseOps(p1[np.ix_(r1, ry)], p2[np.ix_(r2, ry)], NumpyNamespace())
    lam, mu = np.asarray(lam, dtype=np.float64), np.asarray(mu, dtype=np.float64)
    return dual_bound(ops, lam[np.ix_(r1, ry)], mu[np.ix_(r2, ry)])
