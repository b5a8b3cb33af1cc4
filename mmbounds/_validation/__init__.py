"""The one place that checks user input.

Public functions call these helpers on entry; private helpers trust their inputs. Every check copies
arrays (``float64``) so the caller's data is never modified. Tables, scalars and seeds are checked
here; samples (labels, posteriors, features, the three sources) in :mod:`._samples`. Torch tensors
are converted, masked entries and complex values rejected, by every array check.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ._common import TORCH_MISSING as TORCH_MISSING  # the install hint of the torch namespace
from ._common import (
    _float64_copy,
    _float_eps,
    _plain,
    _too_large,
    check_bool,
    check_device,
    check_option,
)
from ._common import _to_numpy as _to_numpy  # used by the layers above
from ._samples import (
    MISSING_STRINGS,
    check_features,
    check_labels,
    check_posteriors,
    check_source_pairs,
    check_sources,
    check_spellings,
)
from ._size import BYTES_PER_CELL, check_memory, n_support_cells
from ._solver_inputs import check_label_marginals

__all__ = [
    "check_confidence",
    "check_posterior_pair",
    "check_label_marginals",
    "PROB_FLOOR",
    "BYTES_PER_CELL",
    "n_support_cells",
    "check_memory",
    "MISSING_STRINGS",
    "check_table",
    "check_scalar",
    "check_random_state",
    "check_option",
    "check_bool",
    "check_device",
    "check_labels",
    "check_spellings",
    "check_data_form",
    "check_bounds_arg",
    "check_posteriors",
    "check_features",
    "check_sources",
    "check_source_pairs",
]


PROB_FLOOR = 1e-15
"""Entries of a table below ``PROB_FLOOR`` times its total are set to 0 by :func:`check_table`.

Why 1e-15: it is a few units of float64 rounding (eps = 2.2e-16) of the total, so such an entry is
below the accuracy with which the table's own sum is known; it changes any entropy of a table of
``n`` cells by at most ``n * 1e-15 * log2(1e15) ~ n * 5e-14`` bits. Subnormal and near-underflow
values (issue 14: ``5e-324``, ``6.7e-301``) would otherwise reach the solvers, where ratios and
logarithms of them overflow. Every bound is certified for the floored table, which is the one
reported.
"""


def check_table(
    p: Any,
    *,
    name: str,
    ndim: int | None = 3,
    normalize: bool = False,
    atol: float = 1e-9,
    floor: float = PROB_FLOOR,
) -> np.ndarray:
    """Validate a probability table and return a float64 copy.

    Parameters
    ----------
    p : array_like
        Non-negative table (numpy array, nested list or torch tensor).
    name : str
        Argument name used in error messages.
    ndim : int or None
        Required number of axes (``None``: any).
    normalize : bool
        If True, rescale a non-negative table (e.g. counts) to sum to 1; otherwise the sum must be
        1 within ``atol`` times the number of cells (at least 1e-6, and at least 4 machine epsilons
        of a float16, float32 or bfloat16 input, whose rounding moves the sum by up to half of
        one). True or False (a numpy bool too).
    atol : float
        Entries down to ``-atol`` are clipped to 0; more negative entries raise.
    floor : float
        Entries below ``floor`` times the total are set to 0 (default :data:`PROB_FLOOR`, 1e-15:
        subnormals never reach the solvers).

    Returns
    -------
    ndarray of float64
        A fresh copy that sums to 1.

    Raises
    ------
    TypeError
        If ``p`` is not array-like or not numeric, or ``normalize`` is not a bool.
    ValueError
        On wrong ``ndim``, empty axes, NaN/inf, masked or negative entries, a number beyond
        float64, zero total or a sum != 1. Complex values raise ``TypeError``.
    """
    if isinstance(p, (str, bytes, dict, set)) or p is None:
        raise TypeError(f"{name} must be an array of probabilities, got {type(p).__name__}")
    normalize = check_bool(normalize, name="normalize")
    eps = _float_eps(p)  # read before a tensor of a dtype numpy lacks is cast to float64
    arr = _float64_copy(_plain(p, name=name), name=name)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} axes, got shape {arr.shape}")
    if arr.size == 0 or 0 in arr.shape:
        raise ValueError(
            f"{name} is empty (shape {arr.shape}); every axis needs at least one value"
        )
    if not np.all(np.isfinite(arr)):
        n_bad = int(np.sum(~np.isfinite(arr)))
        raise ValueError(f"{name} contains {n_bad} NaN or infinite entries")
    lo = float(arr.min())
    if lo < -atol:
        raise ValueError(f"{name} has negative entries (min {lo:.4g}); probabilities must be >= 0")
    np.clip(arr, 0.0, None, out=arr)
    with np.errstate(over="ignore"):
        total = float(arr.sum())
    if not np.isfinite(total):  # finite entries whose sum overflows (counts near 1e308)
        arr /= arr.max()
        total = float(arr.sum())
    if total <= 0.0:
        raise ValueError(f"{name} sums to {total:.4g}; it needs a positive total")
    arr[arr < floor * total] = 0.0
    total = float(arr.sum())
    if normalize:
        arr /= total
    elif abs(total - 1.0) > max(atol * arr.size, 1e-6, 4.0 * eps):
        raise ValueError(
            f"{name} must sum to 1 (got {total:.6g}); pass normalize=True to rescale counts "
            "(in estimate: options={'normalize': True}; on the command line: --normalize)"
        )
    else:
        arr /= total
    return arr


def _sample_pair(t: Any) -> bool:
    """Whether ``t`` looks like a pair of samples ``(x, y)`` rather than a two-row table: a tuple
    of two columns that is not a non-negative numeric table summing to 1."""
    if not (isinstance(t, tuple) and len(t) == 2):
        return False
    try:
        arr = np.asarray(_plain(t, name="data"), dtype=np.float64)
    except OverflowError:  # counts beyond float64: a table, which check_table then refuses
        return False
    except (TypeError, ValueError):  # ragged (features and labels) or text: samples
        return True
    table = arr.ndim == 2 and bool(np.all(arr >= 0)) and abs(float(arr.sum()) - 1.0) < 1e-6
    return not table


def check_data_form(data: Any) -> Any:
    """Tell three tables from one joint: the rule by which ``estimate(data)`` reads ``data``.

    * a ``tuple`` holds three 2-D tables ``(p_x1y, p_x2y, p_x1x2)``, as does a ``list`` of
      three arrays (numpy or torch);
    * nested Python lists are read by their number of axes: a 3-D array (e.g. ``p.tolist()``) is
      one joint ``p[x1, x2, y]``, three 2-D lists of different shapes are three tables. A 3-D
      nested list whose three slices each sum to 1 is ambiguous and raises;
    * anything else (an array, a tensor, a ``Marginals``) is returned unchanged.

    Parameters
    ----------
    data : Any
        The first argument of ``estimate``.

    Returns
    -------
    tuple or array_like
        A tuple of three tables, or the joint (an ndarray for nested lists).
    """
    if isinstance(data, tuple) or (
        isinstance(data, list) and data and not any(isinstance(t, list) for t in data)
    ):
        if len(data) in (2, 3) and all(_sample_pair(t) for t in data):
            # ((x1, y1), (x2, y2), (x1u, x2u)): samples given where tables are expected
            raise TypeError(
                "data holds pairs of arrays, which look like samples; pass them by name: "
                "estimate(x1=(x1, y1), x2=(x2, y2), paired=(x1u, x2u)). As its first argument "
                "estimate takes tables (p_x1y, p_x2y, p_x1x2) or a joint p[x1, x2, y]"
            )
        if len(data) != 3:
            raise ValueError(
                f"data as a tuple must hold three tables (p_x1y, p_x2y, p_x1x2), got {len(data)}"
            )
        return tuple(data)
    if not isinstance(data, list):
        return data
    try:
        arr = np.asarray(_plain(data, name="data"), dtype=np.float64)
    except OverflowError:
        raise ValueError(_too_large("data")) from None
    except ValueError:  # ragged: three tables of different shapes
        if len(data) == 3 and all(np.ndim(t) == 2 for t in data):
            return tuple(data)
        raise ValueError(
            "data as a list must be a 3-D joint p[x1, x2, y] or three 2-D tables "
            f"(p_x1y, p_x2y, p_x1x2); got {len(data)} entries of ragged shapes"
        ) from None
    if arr.ndim == 3 and arr.shape[0] == 3 and np.allclose(arr.sum(axis=(1, 2)), 1.0, atol=1e-6):
        raise ValueError(
            f"data is a nested list of shape {arr.shape} whose three slices each sum to 1: pass a "
            "tuple (p_x1y, p_x2y, p_x1x2) for three tables, or np.array(data) for one joint"
        )
    if arr.ndim != 3:
        raise ValueError(
            "data as a nested list must be a 3-D joint p[x1, x2, y] (or pass a tuple of three "
            f"2-D tables); got shape {arr.shape}"
        )
    return arr


def check_bounds_arg(bounds: Any) -> Any:
    """Check the type of ``bounds=`` at entry ("auto", "all", a name or a sequence of names).

    The names themselves are checked against the registry by :func:`mmbounds.bounds.select_bounds`.

    Parameters
    ----------
    bounds : Any
        The ``bounds=`` argument.

    Returns
    -------
    str, list or tuple of str
        ``bounds``, unchanged.
    """
    if isinstance(bounds, str):
        return bounds
    if isinstance(bounds, (list, tuple)) and all(isinstance(n, str) for n in bounds):
        return bounds
    raise TypeError(
        "bounds must be 'auto', 'all', a bound name or a list of names (see mmbounds.BOUNDS); "
        f"got {bounds!r}"
    )


def check_scalar(
    x: Any,
    *,
    name: str,
    kind: type | tuple[type, ...] = numbers.Real,
    min_val: float | None = None,
    max_val: float | None = None,
    include_min: bool = True,
    include_max: bool = True,
) -> Any:
    """Check a scalar parameter's type and range; return it unchanged.

    Raises ``TypeError`` for a wrong type and ``ValueError`` for a value out of range, with
    messages of the form ``"tol == -1, must be > 0"``.

    Parameters
    ----------
    x : Any
        The value.
    name : str
        Argument name for the messages.
    kind : type or tuple of type
        Allowed type(s); bools are always refused.
    min_val, max_val : float, optional
        Range limits.
    include_min, include_max : bool
        Whether the limits themselves are allowed.

    Returns
    -------
    Any
        ``x``, unchanged.

    Examples
    --------
    >>> check_scalar(0.5, name="confidence", min_val=0, max_val=1)
    0.5
    """
    if isinstance(x, bool) or not isinstance(x, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        want = " or ".join(getattr(k, "__name__", str(k)) for k in kinds)
        raise TypeError(f"{name} must be {want}, got {type(x).__name__} ({x!r})")
    if isinstance(x, numbers.Real) and not np.isfinite(float(x)):
        raise ValueError(f"{name} == {x}, must be finite")
    if min_val is not None:
        bad = x < min_val if include_min else x <= min_val
        if bad:
            op = ">=" if include_min else ">"
            raise ValueError(f"{name} == {x}, must be {op} {min_val}")
    if max_val is not None:
        bad = x > max_val if include_max else x >= max_val
        if bad:
            op = "<=" if include_max else "<"
            raise ValueError(f"{name} == {x}, must be {op} {max_val}")
    return x


def check_random_state(random_state: Any) -> np.random.Generator:
    """Turn None, an int, a ``np.random.Generator`` or a ``RandomState`` into a Generator.

    Parameters
    ----------
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        An int (>= 0) seeds a new generator; a Generator is returned as it is.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> int(check_random_state(0).integers(10)) == int(check_random_state(0).integers(10))
    True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**32 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state == {random_state}, must be >= 0")
        return np.random.default_rng(int(random_state))
    raise TypeError(
        "random_state must be None, an int or a numpy.random.Generator, "
        f"got {type(random_state).__name__}"
    )


def check_confidence(confidence: Any) -> float:
    """Check a confidence level of population intervals: a number strictly between 0 and 1.

    Parameters
    ----------
    confidence : float
        The level.

    Returns
    -------
    float
        ``confidence``, unchanged.

    Examples
    --------
    >>> check_confidence(0.95)
    0.95
    """
    return check_scalar(
        confidence, name="confidence", min_val=0, max_val=1, include_min=False, include_max=False
    )


def check_posterior_pair(
    posteriors: Any,
    n_y: int,
    *,
    n_samples: int | None = None,
    atol: float = 1e-6,
    name: str = "posteriors",
) -> tuple[np.ndarray, np.ndarray] | None:
    """Validate classifier posteriors ``(f1, f2)`` on the paired samples (or None).

    Parameters
    ----------
    posteriors : pair of array_like (n_pairs, n_y), or None
        ``(f1_probs, f2_probs)``: each row a distribution over the labels.
    n_y : int
        Number of labels (the columns required).
    n_samples : int, optional
        The number of paired samples the rows must match.
    atol : float
        Tolerance of negative entries and of the row sums (:func:`check_posteriors`).
    name : str
        Argument name for the messages (``name[0]``, ``name[1]``).

    Returns
    -------
    (ndarray, ndarray) or None
        Validated float64 copies (rows renormalized), or None for None.

    Raises
    ------
    TypeError
        If ``posteriors`` is not a pair.
    ValueError
        If a member is not a table of probability rows with ``n_y`` columns, or the two have
        different numbers of rows.

    Examples
    --------
    >>> f1, f2 = check_posterior_pair(([[0.5, 0.5]], [[1.0, 0.0]]), 2)
    >>> f1.shape, f2.tolist()
    ((1, 2), [[1.0, 0.0]])
    """
    if posteriors is None:
        return None
    if not isinstance(posteriors, (tuple, list)) or len(posteriors) != 2:
        raise TypeError(f"{name} must be a pair (f1_probs, f2_probs) of arrays")
    f1 = check_posteriors(
        posteriors[0], name=f"{name}[0]", n_samples=n_samples, n_classes=n_y, atol=atol
    )
    f2 = check_posteriors(
        posteriors[1], name=f"{name}[1]", n_samples=n_samples, n_classes=n_y, atol=atol
    )
    if f1.shape[0] != f2.shape[0]:
        raise ValueError(
            f"{name}[0] has {f1.shape[0]} rows and {name}[1] has {f2.shape[0]}; both hold one "
            "row per paired sample, in the same order"
        )
    return f1, f2
