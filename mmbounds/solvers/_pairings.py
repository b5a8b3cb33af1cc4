"""Coupling lower bounds on ``min { H(r) : r ∈ Δ12 }`` through the pairings of the marginals.

Every table of Δ12 couples two of its marginals in six ways (three unconditional, three
conditional); a certified lower bound on the minimum-entropy coupling of each pairing
(:func:`coupling_entropy_lower`: the majorization meet or the profile bound of
:mod:`mmbounds.solvers._profile`) is a lower bound on the minimum over Δ12
(:func:`min_entropy_lower_pairings`, :func:`pairing_values`). The public names are exported by
:mod:`mmbounds.solvers.min_entropy`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._validation import check_option
from ._profile import coupling_lower, coupling_lower_rows

__all__ = ["pairing_values", "coupling_entropy_lower", "min_entropy_lower_pairings"]

_COUPLINGS = ("meet", "profile")


def coupling_entropy_lower(a: np.ndarray, b: np.ndarray, *, coupling: str = "profile") -> float:
    """Certified lower bound, in bits, on the entropy of every coupling of ``a`` and ``b``.

    Parameters
    ----------
    a, b : ndarray
        Non-negative vectors (any shape, flattened) with equal sums, normally 1.
    coupling : {"profile", "meet"}
        ``"meet"``: entropy of the majorization meet ``a ∧ b`` (Cicalese, Gargano, Vaccaro 2019).
        ``"profile"``: the larger of the meet and the profile integral of
        :mod:`mmbounds.solvers._profile` (Compton et al. 2023 style), so never below the meet.

    Returns
    -------
    float
        ``L <= min { H(M) : M 1 = a, M^T 1 = b, M >= 0 }`` in bits.

    Notes
    -----
    Profile bound: ``H(M) = (1/ln 2) ∫_0^1 (1 - F_M(t)) / t dt`` with ``F_M(t)`` the mass of cells
    ``>= t``; ``F_M`` is bounded above, for every coupling, using the marginal atoms ``>= t``, the
    number of cells ``>= t`` a row or column can hold, and the meet's prefix sums.

    Examples
    --------
    >>> import numpy as np
    >>> a, b = np.array([0.4, 0.3, 0.3]), np.array([0.5, 0.5])
    >>> round(coupling_entropy_lower(a, b, coupling="meet"), 3)
    1.571
    >>> round(coupling_entropy_lower(a, b), 3)
    1.65
    """
    check_option(coupling, name="coupling", options=_COUPLINGS)
    return float(coupling_lower(np.asarray(a, float), np.asarray(b, float), coupling))


RowsFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _conditional_bound(
    p_ab: np.ndarray,
    p_ac: np.ndarray,
    fn: Callable[[np.ndarray, np.ndarray], float],
    rows_fn: RowsFn | None = None,
) -> float:
    """``H(A) + Σ_a p(a) fn(p(b|a), p(c|a))`` for tables ``p(a, b)``, ``p(a, c)`` (rows: a).

    ``rows_fn``, when given, evaluates ``fn`` on all the rows at once (same values).
    """
    pa = p_ab.sum(axis=1)
    idx = np.flatnonzero(pa > 0)
    pos = pa[idx]
    if rows_fn is not None:
        vals = rows_fn(p_ab[idx] / pos[:, None], p_ac[idx] / pos[:, None])
        total = float(np.dot(pos, vals))
    else:
        total = 0.0
        for i in idx:
            total += pa[i] * fn(p_ab[i] / pa[i], p_ac[i] / pa[i])
    return float(total - np.dot(pos, np.log2(pos)))


def pairing_values(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    fn: Callable[[np.ndarray, np.ndarray], float],
    *,
    rows_fn: RowsFn | None = None,
) -> dict[str, float]:
    """A coupling-entropy functional ``fn(a, b)`` applied to every pairing of the marginals.

    Every ``r ∈ Δ12`` couples ``p(x1,x2)`` with ``p(y)``, ``p(x1,y)`` with ``p(x2)``, ``p(x2,y)``
    with ``p(x1)``, and, given one variable, the conditionals of the other two
    (``H(r) = H(A) + Σ_a p(a) H(r(·,·|a))``). With ``fn`` a certified lower bound on the minimum
    coupling entropy every value is a lower bound on ``min_{r∈Δ12} H(r)``; with a feasible coupling
    (greedy) every value is an upper value on that pairing's minimum.

    ``rows_fn(A, B)``, optional, returns ``fn`` of every pair of rows of two stacks at once; it is
    used for the conditional pairings (one coupling per value of the conditioning variable).

    Parameters
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray, shapes (n1, ny), (n2, ny), (n1, n2)
        The three pairwise marginals.
    fn : callable
        ``fn(a, b) -> float``: the functional (bits) of two distributions, each a table of any shape
        (flattened by ``fn``).
    rows_fn : callable, optional
        ``rows_fn(A, B) -> ndarray``: ``fn`` of each row pair of two stacks.

    Returns
    -------
    dict
        Pairing name -> bits.

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> from mmbounds.solvers import meet_entropy
    >>> p = bitwise_joint("and")
    >>> vals = pairing_values(p.sum(1), p.sum(0), p.sum(2), meet_entropy)
    >>> round(vals["(x1x2, y)"], 4), round(vals["(x1y, x2)"], 4), round(min(vals.values()), 4)
    (2.0, 1.5, 1.5)
    """
    p_x1y, p_x2y, p_x1x2 = (np.asarray(t, dtype=np.float64) for t in (p_x1y, p_x2y, p_x1x2))
    p_y = p_x1y.sum(axis=0)
    p_x1 = p_x1x2.sum(axis=1)
    p_x2 = p_x1x2.sum(axis=0)
    return {
        "(x1x2, y)": float(fn(p_x1x2, p_y)),
        "(x1y, x2)": float(fn(p_x1y, p_x2)),
        "(x2y, x1)": float(fn(p_x2y, p_x1)),
        "(x2, y | x1)": _conditional_bound(p_x1x2, p_x1y, fn, rows_fn),
        "(x1, y | x2)": _conditional_bound(p_x1x2.T, p_x2y, fn, rows_fn),
        "(x1, x2 | y)": _conditional_bound(p_x1y.T, p_x2y.T, fn, rows_fn),
    }


def min_entropy_lower_pairings(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    *,
    coupling: str = "profile",
) -> float:
    """Best coupling bound on ``min_{r∈Δ12} H(r)`` over the six pairings of the marginals, in bits.

    Parameters
    ----------
    p_x1y : ndarray, shape (n_x1, n_y)
    p_x2y : ndarray, shape (n_x2, n_y)
    p_x1x2 : ndarray, shape (n_x1, n_x2)
        Consistent pairwise marginals (trusted; :class:`mmbounds.marginals.Marginals` validates
        them).
    coupling : {"profile", "meet"}
        Coupling bound used for each pairing (see :func:`coupling_entropy_lower`). ``"meet"`` gives
        the paper's bound.

    Returns
    -------
    float
        The maximum of ``L(p(x1,x2), p(y))``, ``L(p(x1,y), p(x2))``, ``L(p(x2,y), p(x1))`` and
        ``H(A) + Σ_a p(a) L(p(b|a), p(c|a))`` for ``A`` each of ``X1, X2, Y``; a certified lower
        bound.

    Notes
    -----
    Every ``r ∈ Δ12`` is a coupling of ``p(x1,x2)`` and ``p(y)`` (and so on), and given ``X1 = x1``
    its slice ``r(x2, y | x1)`` couples ``p(x2|x1)`` and ``p(y|x1)``, while
    ``H(r) = H(X1) + Σ p(x1) H(r(·,·|x1))``.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.zeros((2, 2, 2))
    >>> for i in range(2):
    ...     for j in range(2):
    ...         p[i, j, i ^ j] = 0.25
    >>> round(min_entropy_lower_pairings(p.sum(1), p.sum(0), p.sum(2)), 6)
    2.0
    """
    check_option(coupling, name="coupling", options=_COUPLINGS)
    values = pairing_values(
        p_x1y,
        p_x2y,
        p_x1x2,
        lambda a, b: coupling_lower(a, b, coupling),
        rows_fn=lambda a, b: coupling_lower_rows(a, b, coupling),
    )
    return max(values.values())
