"""The public information measures (``mmbounds.entropy``, ...): the table is validated first.

:mod:`mmbounds.info` holds the kernels, which trust their input (the solvers call them on tables
the door has checked); these wrappers check the table once (:func:`check_table` with any number
of axes: non-negative, finite, real, summing to 1) and the axes, then call the kernel.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from .. import info
from .._validation import check_table

__all__ = ["entropy", "mutual_information", "conditional_mutual_information", "co_information"]

Axes = int | Sequence[int]


def _axes(axes: Any, ndim: int, name: str) -> tuple[int, ...]:
    """``axes`` (an int or a sequence of ints, numpy ones too) as a tuple of Python ints."""
    group = (axes,) if isinstance(axes, numbers.Integral) else axes
    try:
        group = tuple(group)
    except TypeError:
        raise TypeError(
            f"{name} must be an axis (int) or a sequence of axes, got {axes!r}"
        ) from None
    for a in group:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(f"{name} must hold ints (axes of p), got {a!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"{name} == {a} is out of range for a table with {ndim} axes")
    return tuple(int(a) for a in group)


def entropy(p: Any, axes: Axes | None = None, *, normalize: bool = False) -> float:
    """Shannon entropy, in bits, of the marginal of ``p`` on ``axes`` (all axes by default).

    ``p`` is validated (non-negative, finite, summing to 1; any number of axes); with
    ``normalize=True`` (in every measure here) a non-negative table of counts is rescaled first.

    Parameters
    ----------
    p : array_like
        Probability table (any number of axes).
    axes : int or sequence of int, optional
        The axes whose marginal is measured (all by default).
    normalize : bool
        Rescale a non-negative table of counts to sum to 1 first.

    Returns
    -------
    float
        Bits.

    Examples
    --------
    >>> round(entropy([0.5, 0.25, 0.25]), 6)
    1.5
    """
    t = check_table(p, name="p", ndim=None, normalize=normalize)
    return info.entropy(t, None if axes is None else _axes(axes, t.ndim, "axes"))


def mutual_information(p: Any, a: Axes, b: Axes, *, normalize: bool = False) -> float:
    """``I(A;B)`` in bits between the groups of axes ``a`` and ``b`` of a validated table ``p``.

    Parameters
    ----------
    p : array_like
        Probability table (any number of axes).
    a, b : int or sequence of int
        The two groups of axes.
    normalize : bool
        Rescale a non-negative table of counts to sum to 1 first.

    Returns
    -------
    float
        Bits.

    Examples
    --------
    >>> round(mutual_information([[0.5, 0.0], [0.0, 0.5]], 0, 1), 6)
    1.0
    """
    t = check_table(p, name="p", ndim=None, normalize=normalize)
    return info.mutual_information(t, _axes(a, t.ndim, "a"), _axes(b, t.ndim, "b"))


def conditional_mutual_information(
    p: Any, a: Axes, b: Axes, c: Axes, *, normalize: bool = False
) -> float:
    """``I(A;B|C)`` in bits for groups of axes of a validated table ``p``.

    Parameters
    ----------
    p : array_like
        Probability table (any number of axes).
    a, b, c : int or sequence of int
        The groups of axes (``c`` is conditioned on).
    normalize : bool
        Rescale a non-negative table of counts to sum to 1 first.

    Returns
    -------
    float
        Bits.

    Examples
    --------
    >>> import numpy as np
    >>> round(conditional_mutual_information(np.full((2, 2, 2), 1 / 8), 0, 1, 2), 6)
    0.0
    """
    t = check_table(p, name="p", ndim=None, normalize=normalize)
    return info.conditional_mutual_information(
        t, _axes(a, t.ndim, "a"), _axes(b, t.ndim, "b"), _axes(c, t.ndim, "c")
    )


def co_information(p: Any, *, normalize: bool = False) -> float:
    """Co-information ``I(X1;Y) + I(X2;Y) - I(X1,X2;Y)`` of a validated ``(x1, x2, y)`` table.

    Parameters
    ----------
    p : array_like, shape (n_x1, n_x2, n_y)
        Probability table.
    normalize : bool
        Rescale a non-negative table of counts to sum to 1 first.

    Returns
    -------
    float
        Bits.

    Examples
    --------
    >>> import numpy as np
    >>> copy = np.zeros((2, 2, 2)); copy[0, 0, 0] = copy[1, 1, 1] = 0.5
    >>> round(co_information(copy), 6)
    1.0
    """
    return info.co_information(check_table(p, name="p", ndim=3, normalize=normalize))
