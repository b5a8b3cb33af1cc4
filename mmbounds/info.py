"""Information measures on probability tables, in bits.

All functions take a non-negative table ``p`` (any number of axes, summing to 1) and groups of axes.
Zero cells contribute 0 (``0 log 0 = 0``), so no NaN and no warnings arise. These are the kernels:
inputs are assumed valid (the solvers call them on checked tables). The public ``mmbounds.entropy``,
``mmbounds.mutual_information``, ... (:mod:`mmbounds.marginals._measures`) validate the table with
:func:`mmbounds._validation.check_table` first.

Conventions: ``I(A;B) = H(A) + H(B) - H(A,B)``; ``I(A;B|C) = H(A,C) + H(B,C) - H(A,B,C) - H(C)``;
the co-information of a ``(x1, x2, y)`` table is ``I(X1;Y) + I(X2;Y) - I(X1,X2;Y)``.

References
----------
T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley, 2006.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "LN2",
    "entropy",
    "entropy_nats",
    "neg_xlog2x",
    "mutual_information",
    "conditional_mutual_information",
    "co_information",
    "marginal",
]

Axes = int | Sequence[int]

LN2 = math.log(2.0)
"""``ln 2``: nats per bit (the one definition in the package)."""


def _axes(axes: Axes | None, ndim: int) -> tuple[int, ...]:
    if axes is None:
        return tuple(range(ndim))
    if isinstance(axes, (int, np.integer)):
        axes = (int(axes),)
    out = tuple(sorted({int(a) % ndim for a in axes}))
    return out


def marginal(p: np.ndarray, axes: Axes | None) -> np.ndarray:
    """Marginal of ``p`` on ``axes`` (kept in increasing axis order); ``()`` gives the total.

    Parameters
    ----------
    p : ndarray
        Non-negative table, any number of axes, summing to 1.
    axes : int, sequence of int or None
        Axes to keep; None keeps all, ``()`` gives the total.

    Returns
    -------
    ndarray
        The table summed over the other axes (shape: the kept axes of ``p``).

    Examples
    --------
    >>> import numpy as np
    >>> marginal(np.array([[0.5, 0.0], [0.25, 0.25]]), 1).tolist()
    [0.75, 0.25]
    """
    keep = _axes(axes, p.ndim) if axes != () else ()
    drop = tuple(a for a in range(p.ndim) if a not in keep)
    return np.sum(p, axis=drop) if drop else np.asarray(p)


def _h(v: np.ndarray) -> float:
    """Entropy in bits of a non-negative array (sum assumed 1); zero cells contribute 0."""
    v = np.asarray(v, dtype=np.float64).ravel()
    v = v[v > 0]
    return float(-np.dot(v, np.log2(v)))


def entropy_nats(v: np.ndarray) -> float:
    """Entropy in nats of a non-negative array (sum assumed 1); zero cells contribute 0.

    The kernel the solvers use on their (already validated) tables.

    Parameters
    ----------
    v : ndarray
        Non-negative array of any shape, summing to 1.

    Returns
    -------
    float
        ``-sum v ln v`` in nats.

    Examples
    --------
    >>> round(entropy_nats(np.array([0.5, 0.5, 0.0])), 6)
    0.693147
    """
    v = np.asarray(v, dtype=np.float64).ravel()
    v = v[v > 0]
    return float(-np.dot(v, np.log(v)))


def neg_xlog2x(r: np.ndarray) -> np.ndarray:
    """``-r log2 r`` elementwise, with ``0 log 0 = 0`` and no warnings (entries assumed >= 0).

    Parameters
    ----------
    r : ndarray
        Non-negative array of any shape.

    Returns
    -------
    ndarray
        ``-r log2 r``, same shape as ``r``, bits.

    Examples
    --------
    >>> neg_xlog2x(np.array([0.0, 0.5, 1.0])).tolist()
    [0.0, 0.5, -0.0]
    """
    r = np.asarray(r, dtype=np.float64)
    out = np.zeros_like(r)
    pos = r > 0
    out[pos] = -r[pos] * np.log2(r[pos])
    return out


def entropy(p: np.ndarray, axes: Axes | None = None) -> float:
    """Shannon entropy, in bits, of the marginal of ``p`` on ``axes`` (all axes by default).

    Parameters
    ----------
    p : ndarray
        Non-negative table, any number of axes, summing to 1.
    axes : int, sequence of int or None
        The variables whose joint entropy is taken (None: all axes; ``()`` gives 0).

    Returns
    -------
    float
        ``H`` of the marginal, bits.

    Examples
    --------
    >>> import numpy as np
    >>> round(entropy(np.full((2, 2), 0.25)), 6)
    2.0
    >>> round(entropy(np.array([[0.5, 0.0], [0.0, 0.5]]), axes=0), 6)
    1.0
    """
    if axes == ():
        return 0.0
    return _h(marginal(np.asarray(p), axes))


def mutual_information(p: np.ndarray, a: Axes, b: Axes) -> float:
    """``I(A;B)`` in bits between the groups of axes ``a`` and ``b`` of ``p``.

    Parameters
    ----------
    p : ndarray
        Non-negative table, any number of axes, summing to 1.
    a, b : int or sequence of int
        The two groups of axes.

    Returns
    -------
    float
        ``I(A;B) = H(A) + H(B) - H(A,B)``, bits.

    Examples
    --------
    >>> import numpy as np
    >>> round(mutual_information(np.array([[0.5, 0.0], [0.0, 0.5]]), 0, 1), 6)
    1.0
    """
    a_, b_ = _axes(a, p.ndim), _axes(b, p.ndim)
    ab = tuple(sorted(set(a_) | set(b_)))
    return entropy(p, a_) + entropy(p, b_) - entropy(p, ab)


def conditional_mutual_information(p: np.ndarray, a: Axes, b: Axes, c: Axes) -> float:
    """``I(A;B|C)`` in bits for groups of axes of ``p``.

    Parameters
    ----------
    p : ndarray
        Non-negative table, any number of axes, summing to 1.
    a, b, c : int or sequence of int
        The groups of axes of ``A``, ``B`` and the conditioning ``C``.

    Returns
    -------
    float
        ``I(A;B|C) = H(A,C) + H(B,C) - H(A,B,C) - H(C)``, bits.

    Examples
    --------
    >>> import numpy as np
    >>> xor = np.zeros((2, 2, 2))
    >>> for i in range(2):
    ...     for j in range(2):
    ...         xor[i, j, i ^ j] = 0.25
    >>> round(conditional_mutual_information(xor, 0, 2, 1), 6)
    1.0
    """
    a_, b_, c_ = _axes(a, p.ndim), _axes(b, p.ndim), _axes(c, p.ndim)
    ac = tuple(sorted(set(a_) | set(c_)))
    bc = tuple(sorted(set(b_) | set(c_)))
    abc = tuple(sorted(set(a_) | set(b_) | set(c_)))
    return entropy(p, ac) + entropy(p, bc) - entropy(p, abc) - entropy(p, c_)


def co_information(p: np.ndarray) -> float:
    """Co-information ``I(X1;Y) + I(X2;Y) - I(X1,X2;Y)`` of an ``(x1, x2, y)`` table, in bits.

    Parameters
    ----------
    p : ndarray, shape (n1, n2, ny)
        Joint table of ``(x1, x2, y)``, summing to 1.

    Returns
    -------
    float
        The co-information, bits (negative when synergy dominates).

    Examples
    --------
    >>> import numpy as np
    >>> copy = np.zeros((2, 2, 2)); copy[0, 0, 0] = copy[1, 1, 1] = 0.5
    >>> round(co_information(copy), 6)
    1.0
    """
    return (
        mutual_information(p, 0, 2) + mutual_information(p, 1, 2) - mutual_information(p, (0, 1), 2)
    )
