"""Accuracy bounds from a conditional entropy: Fano (upper) and Feder--Merhav (lower).

:func:`fano_accuracy_upper` and :func:`feder_merhav_accuracy_lower` turn ``H(Y|X)`` (bits) into
bounds on the Bayes accuracy of a ``K``-class problem; :func:`accuracy_interval` combines them
for an ``I(X;Y)`` (or an interval on it) and ``H(Y)``.

References
----------
M. Feder and N. Merhav, "Relations between entropy and error probability", IEEE Trans. Inf.
Theory 40(1), 1994.
T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed., 2006, Thm 2.10.1 (Fano).
"""

from __future__ import annotations

import math
import numbers

from .._validation import check_scalar

__all__ = ["accuracy_interval", "fano_accuracy_upper", "feder_merhav_accuracy_lower"]

_TOL = 1e-12


def _binary_entropy(e: float) -> float:
    if e <= 0.0 or e >= 1.0:
        return 0.0
    return -e * math.log2(e) - (1.0 - e) * math.log2(1.0 - e)


def _fano_rhs(e: float, n_classes: int) -> float:
    """``h_b(e) + e log2(K - 1)`` in bits."""
    extra = e * math.log2(n_classes - 1) if n_classes > 2 else 0.0
    return _binary_entropy(e) + extra


def _check_h_k(conditional_entropy: float, n_classes: int) -> tuple[float, int]:
    check_scalar(conditional_entropy, name="conditional_entropy")
    check_scalar(n_classes, name="n_classes", kind=numbers.Integral, min_val=1)
    return float(conditional_entropy), int(n_classes)


def fano_accuracy_upper(conditional_entropy: float, n_classes: int) -> float:
    """Upper bound on the Bayes accuracy from ``H(Y|X)`` by exact inversion of Fano's inequality.

    Parameters
    ----------
    conditional_entropy : float
        ``H(Y|X)`` in bits (values below 0 are treated as 0).
    n_classes : int
        Number of labels ``K`` with positive probability.

    Returns
    -------
    float
        ``1 - e_min`` where ``e_min`` is the smallest ``e`` in ``[0, (K-1)/K]`` with
        ``h_b(e) + e log2(K-1) >= H(Y|X)``; in ``[1/K, 1]``.

    Notes
    -----
    Fano: ``H(Y|X) <= h_b(P_e) + P_e log2(K-1)`` for every estimator of ``Y`` from ``X``. The right
    side increases from 0 to ``log2 K`` on ``[0, (K-1)/K]``; the root is found by bisection
    (``scipy.optimize.brentq``, absolute tolerance 1e-12).

    Examples
    --------
    >>> round(fano_accuracy_upper(1.0, 2), 6)  # H(Y|X) = 1 bit, binary: chance
    0.5
    >>> round(fano_accuracy_upper(0.469, 2), 3)  # h_b(0.1) = 0.469
    0.9
    >>> fano_accuracy_upper(0.0, 10)
    1.0
    """
    h, k = _check_h_k(conditional_entropy, n_classes)
    if k == 1 or h <= _TOL:
        return 1.0
    e_max = (k - 1) / k
    if h >= math.log2(k) - _TOL:
        return 1.0 - e_max
    from scipy.optimize import brentq

    e_min = brentq(lambda e: _fano_rhs(e, k) - h, 0.0, e_max, xtol=1e-12, rtol=1e-12)
    # step back by the root tolerance so rounding can never make the bound invalid
    return float(min(1.0, 1.0 - max(0.0, e_min - 4e-12)))


def feder_merhav_accuracy_lower(
    conditional_entropy: float, n_classes: int, *, form: str = "piecewise"
) -> float:
    """Lower bound on the Bayes accuracy from ``H(Y|X)`` (Feder and Merhav, 1994).

    Parameters
    ----------
    conditional_entropy : float
        ``H(Y|X)`` in bits (values below 0 are treated as 0).
    n_classes : int
        Number of labels ``K`` with positive probability.
    form : {"piecewise", "exponential"}
        ``"piecewise"``: ``1 - phi*(H)``, with ``phi*`` linear between the points
        ``(log2 k, 1 - 1/k)``, ``k = 1..K`` (the tight bound); ``"exponential"``: ``2^{-H}``, the
        weaker form quoted in the paper (never larger than the piecewise one).

    Returns
    -------
    float
        A lower bound on ``E_x[max_y p(y|x)]``, in ``[1/K, 1]`` for ``"piecewise"``.

    Examples
    --------
    >>> feder_merhav_accuracy_lower(1.0, 2)
    0.5
    >>> round(feder_merhav_accuracy_lower(0.5, 2), 4), round(2 ** -0.5, 4)
    (0.75, 0.7071)
    >>> round(feder_merhav_accuracy_lower(0.5, 2, form="exponential"), 4)
    0.7071
    """
    h, k = _check_h_k(conditional_entropy, n_classes)
    h = max(h, 0.0)
    if form == "exponential":
        return float(2.0**-h)
    if form != "piecewise":
        raise ValueError(f"form must be 'piecewise' or 'exponential', got {form!r}")
    if k == 1:
        return 1.0
    if h >= math.log2(k):
        return 1.0 / k
    j = int(math.floor(2.0**h))  # log2 j <= h < log2 (j + 1)
    j = min(max(j, 1), k - 1)
    x0, x1 = math.log2(j), math.log2(j + 1)
    e0, e1 = 1.0 - 1.0 / j, 1.0 - 1.0 / (j + 1)
    err = e0 + (e1 - e0) * (h - x0) / (x1 - x0)
    return float(1.0 - err)


def accuracy_interval(
    mutual_information: float | tuple[float, float],
    entropy_y: float,
    n_classes: int,
    *,
    majority: float | None = None,
) -> tuple[float, float]:
    """Interval on the Bayes accuracy of predicting ``Y`` from ``X`` given ``I(X;Y)`` (bits).

    Parameters
    ----------
    mutual_information : float or (float, float)
        ``I(X;Y)``, or an interval ``(I_lower, I_upper)`` on it, bits.
    entropy_y : float
        ``H(Y)``, bits.
    n_classes : int
        Labels with positive probability.
    majority : float or None
        ``max_y p(y)``; when given the lower side is at least this (always a valid lower bound).

    Returns
    -------
    (lower, upper) : tuple of float
        ``lower = max(1 - phi*(H(Y) - I_lower), majority)`` (Feder--Merhav) and
        ``upper = 1 - e_min(H(Y) - I_upper)`` (Fano).

    Examples
    --------
    >>> lo, hi = accuracy_interval(1.0, 1.0, 2)  # Y is a function of X
    >>> lo, hi
    (1.0, 1.0)
    >>> lo, hi = accuracy_interval((0.0, 0.531), 1.0, 2)
    >>> round(lo, 3), round(hi, 3)
    (0.5, 0.9)
    """
    if isinstance(mutual_information, (tuple, list)):
        i_lo, i_hi = (float(v) for v in mutual_information)
    else:
        i_lo = i_hi = float(mutual_information)
    if i_lo > i_hi + 1e-12:
        raise ValueError(f"mutual_information interval is reversed: ({i_lo}, {i_hi})")
    lo = feder_merhav_accuracy_lower(entropy_y - i_lo, n_classes)
    if majority is not None:
        lo = max(lo, float(majority))
    hi = fano_accuracy_upper(entropy_y - i_hi, n_classes)
    return float(min(lo, hi)), float(hi)
