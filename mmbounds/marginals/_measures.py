"""The public information measures (``mmbounds.entropy``, ...): the table is validated first.

:mod:`mmbounds.info` holds the kernels, which trust their input (the solvers call them on tables
the door has checked); these wrappers check the table once (:func:`check_table` with any number
of axes: non-negative, finite, real, summing to 1) and the axes, then call the kernel.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from .._validation import check_table
from ..info import co_information as _co_information
from ..info import conditional_mutual_information as _conditional_mutual_information
from ..info import entropy as _entropy
from ..info import mutual_information as _mutual_information

__all__ = ["entropy", "mutual_information", "conditional_mutual_information", "co_information"]

Axes = int | Sequence[int]


def _axes(axes: Any, ndim: int, name: str) -> Any:
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
    return axes


def entropy(p: Any, axes: Axes | None = None, *, normalize: bool = False) -> float:
    """Shannon entropy, in bits, of the marginal of ``p`` on ``axes`` (all axes by default).

    ``p`` is validated (non-negative, finite, summing to 1; any number of axes); with
    ``normalize=True`` (in every measure here) a non-negative table of counts is rescaled first.

    Examples
    --------
    >>> round(entropy([0.5, 0.25, 0.25]), 6)
    1.5
    """
    t = check_table(p, name="p", ndim=None, normalize=normalize)
    return _entropy(t, None if axes is None else _axes(axes, t.ndim, "axes"))


def mutual_information(p: Any, a: Axes, b: Axes, *, normalize: bool = False) -> float:
    """``I(A;B)`` in bits between the groups of axes ``a`` and ``b`` of a validated table ``p``."""
    t = check_table(p, name="p", ndim=None, normalize=normalize)
    return _mutual_information(t, _axes(a, t.ndim, "a"), _axes(b, t.ndim, "b"))


def conditional_mutual_information(
    p: Any, a: Axes, b: Axes, c: Axes, *, normalize: bool = False
) -> float:
    """``I(A;B|C)`` in bits for groups of axes of a validated table ``p``."""
    t = check_table(p, name="p", ndim=None, normalize=normalize)
    return _conditional_mutual_information(
        t, _axes(a, t.ndim, "a"), _axes(b, t.ndim, "b"), _axes(c, t.ndim, "c")
    )


def co_information(p: Any, *, normalize: bool = False) -> float:
    """Co-information ``I(X1;Y) + I(X2;Y) - I(X1,X2;Y)`` of a validated ``(x1, x2, y)`` table."""
    return _co_information(check_table(p, name="p", ndim=3, normalize=normalize))
