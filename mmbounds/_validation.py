"""The one place that checks user input.

Public functions call these helpers on entry; private helpers trust their inputs. Every check copies
arrays (``float64``) so the caller's data is never modified.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "PROB_FLOOR",
    "check_table",
    "check_scalar",
    "check_random_state",
    "check_option",
    "check_labels",
    "check_posteriors",
    "check_features",
    "check_sources",
    "check_memory",
    "BYTES_PER_CELL",
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


def _is_tensor(x: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def _to_numpy(x: Any) -> Any:
    if _is_tensor(x):
        return x.detach().cpu().numpy()
    return x


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
        1 within ``atol`` times the number of cells (at least 1e-6).
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
        If ``p`` is not array-like or not numeric.
    ValueError
        On wrong ``ndim``, empty axes, NaN/inf, negative entries, zero total or a sum != 1.
    """
    p = _to_numpy(p)
    if isinstance(p, (str, bytes, dict, set)) or p is None:
        raise TypeError(f"{name} must be an array of probabilities, got {type(p).__name__}")
    try:
        arr = np.array(p, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array, could not convert: {exc}") from None
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
    total = float(arr.sum())
    if not np.isfinite(total):  # finite entries whose sum overflows (counts near 1e308)
        arr /= float(arr.max())
        total = float(arr.sum())
    if total <= 0.0:
        raise ValueError(f"{name} sums to {total:.4g}; it needs a positive total")
    arr[arr < floor * total] = 0.0
    total = float(arr.sum())
    if normalize:
        arr /= total
    elif abs(total - 1.0) > max(atol * arr.size, 1e-6):
        raise ValueError(
            f"{name} must sum to 1 (got {total:.6g}); pass normalize=True to rescale counts"
        )
    else:
        arr /= total
    return arr


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
    messages of
    the form ``"tol == -1, must be > 0"``.
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
    """Turn None, an int, a ``np.random.Generator`` or a ``RandomState`` into a Generator."""
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


def check_option(value: Any, *, name: str, options: Iterable[str]) -> str:
    """Check that ``value`` is one of the allowed strings."""
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def check_labels(x: Any, *, name: str, min_size: int = 1) -> np.ndarray:
    """Validate a 1-D column of discrete labels (ints, strings or any hashables).

    Returns a 1-D numpy array (object or numeric dtype). Raises on wrong ndim, too few entries, or
    missing values (None / NaN).
    """
    x = _to_numpy(x)
    if isinstance(x, (str, bytes)) or np.isscalar(x) or x is None:
        raise TypeError(f"{name} must be a 1-D sequence of labels, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per sample), got shape {arr.shape}")
    if arr.shape[0] < min_size:
        raise ValueError(f"{name} has {arr.shape[0]} samples; at least {min_size} needed")
    if arr.dtype.kind == "f":
        n_nan = int(np.sum(~np.isfinite(arr)))
        if n_nan:
            raise ValueError(f"{name} has {n_nan} NaN or infinite labels")
    elif arr.dtype.kind == "O":
        n_none = sum(1 for v in arr if v is None or (isinstance(v, float) and not np.isfinite(v)))
        if n_none:
            raise ValueError(f"{name} has {n_none} missing labels (None or NaN)")
    return arr.copy()


def check_posteriors(
    f: Any,
    *,
    name: str,
    n_samples: int | None = None,
    n_classes: int | None = None,
    atol: float = 1e-6,
) -> np.ndarray:
    """Validate an (n_samples, n_classes) array of class probabilities (rows sum to 1)."""
    f = _to_numpy(f)
    try:
        arr = np.array(f, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array: {exc}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_classes), got shape {arr.shape}")
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {arr.shape[0]} rows but {n_samples} paired samples were given"
        )
    if n_classes is not None and arr.shape[1] != n_classes:
        raise ValueError(f"{name} has {arr.shape[1]} columns but the label has {n_classes} classes")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite probabilities")
    if arr.min() < -atol:
        raise ValueError(f"{name} has negative probabilities (min {arr.min():.4g})")
    np.clip(arr, 0.0, None, out=arr)
    sums = arr.sum(axis=1)
    if arr.shape[0]:
        worst_row = int(np.argmax(np.abs(sums - 1.0)))
        if abs(sums[worst_row] - 1.0) > atol:
            raise ValueError(
                f"rows of {name} must sum to 1 (worst row sums to {sums[worst_row]:.6g})"
            )
    return arr / sums[:, None]


_FEATURE_KINDS = ("any", "continuous", "codes")


def check_features(
    x: Any,
    *,
    name: str,
    kind: str = "any",
    n_samples: int | None = None,
    n_features: int | None = None,
    min_samples: int = 1,
) -> np.ndarray:
    """Validate one modality's samples (the one feature check of the package).

    Parameters
    ----------
    x : array_like or torch.Tensor
        ``(n_samples,)`` or ``(n_samples, n_features)``.
    name : str
        Argument name used in error messages.
    kind : {"any", "continuous", "codes"}
        ``"any"``: a 1-D column (discrete or continuous) or a 2-D numeric array; a ``(n, 1)``
        array becomes 1-D. ``"continuous"``: a float64 2-D array (1-D input is one feature).
        ``"codes"``: a 1-D column of discrete values (``(n, 1)`` is squeezed).
    n_samples, n_features : int, optional
        Required numbers of rows and columns.
    min_samples : int
        Fewest rows accepted.

    Returns
    -------
    ndarray
        The samples (numpy; converted to float64 for ``kind="continuous"``). The caller's array is
        never modified.

    Raises
    ------
    TypeError
        For a non-array, complex values, or non-numeric 2-D features.
    ValueError
        For a wrong number of axes, rows or columns, NaN/inf or masked entries, missing labels.
    """
    check_option(kind, name="kind", options=_FEATURE_KINDS)
    if np.ma.isMaskedArray(x):
        n_masked = int(np.ma.count_masked(x))
        if n_masked:
            raise ValueError(f"{name} has {n_masked} masked entries; fill or drop them first")
        x = np.ma.getdata(x)
    x = _to_numpy(x)
    if x is None or isinstance(x, (str, bytes, dict, set)) or np.isscalar(x):
        raise TypeError(f"{name} must be an array of samples, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.ndim == 0:
        raise TypeError(f"{name} must be an array of samples, got a scalar")
    if arr.ndim > 2:
        raise ValueError(
            f"{name} has shape {arr.shape}; features must be 1-D or 2-D (n_samples, n_features): "
            "flatten trailing axes first"
        )
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} has complex values; pass real features (e.g. np.abs or .real)")
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {arr.shape})")
    if arr.shape[0] < min_samples:
        raise ValueError(f"{name} has {arr.shape[0]} sample(s); at least {min_samples} needed")
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} rows but {n_samples} were expected")
    if kind != "continuous" and arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if kind == "codes" and arr.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D column of discrete codes, got shape {arr.shape}; "
            "discretize first (mmbounds.raw.Discretizer)"
        )
    if arr.dtype.kind == "f":
        n_bad = int(np.count_nonzero(~np.isfinite(arr)))
        if n_bad:
            raise ValueError(
                f"{name} contains {n_bad} NaN or infinite values; impute or drop them first"
            )
    if kind == "continuous":
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"{name} must be numeric, got dtype {arr.dtype}; discrete categories go in as a "
                "1-D column"
            )
        arr = arr.astype(np.float64)
        if arr.ndim == 1:
            arr = arr[:, None]
    elif arr.ndim == 2 and arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric when 2-D, got dtype {arr.dtype}")
    if arr.dtype.kind == "O":
        arr = check_labels(arr, name=name)  # rejects None / NaN entries
    if n_features is not None and (arr.shape[1] if arr.ndim == 2 else 1) != n_features:
        got = arr.shape[1] if arr.ndim == 2 else 1
        raise ValueError(f"{name} has {got} features but {n_features} were expected")
    return arr


_SOURCES = ("x1", "x2", "paired")


def check_sources(
    x1: Any, x2: Any, paired: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate the samples ``D1 = (X1, y1)``, ``D2 = (X2, y2)``, ``DM = (X1u, X2u)``.

    Each source must be a pair of equal length; features go through :func:`check_features`, labels
    through :func:`check_labels`; a modality must have the same number of features in ``D_i`` and
    ``DM``.

    Returns
    -------
    (X1, y1, X2, y2, X1u, X2u) : tuple of ndarray
    """
    out: list[np.ndarray] = []
    for src, s in zip(_SOURCES, (x1, x2, paired)):
        if s is None:
            raise TypeError(f"estimate() needs {src}=({'X, y' if src != 'paired' else 'X1u, X2u'})")
        if not isinstance(s, (tuple, list)) or len(s) != 2:
            raise TypeError(f"{src} must be a pair of arrays, got {type(s).__name__}")
        if src == "paired":
            a = check_features(s[0], name="paired[0] (modality 1 features)", min_samples=2)
            b = check_features(s[1], name="paired[1] (modality 2 features)", min_samples=2)
            what = ("modality-1 rows", "modality-2 rows")
        else:
            a = check_features(s[0], name=f"{src}[0] (features)", min_samples=2)
            if s[1] is None:
                raise ValueError(f"{src}[1] (labels) is missing; D_i must be labeled: {src}=(X, y)")
            b = check_labels(s[1], name=f"{src}[1] (labels)", min_size=2)
            what = ("feature rows", "labels")
        if a.shape[0] != b.shape[0]:
            raise ValueError(
                f"{src} has {a.shape[0]} {what[0]} but {b.shape[0]} {what[1]}; lengths must match"
            )
        out += [a, b]
    for i, (lab, d, u) in enumerate((("x1", out[0], out[4]), ("x2", out[2], out[5]))):
        if d.ndim != u.ndim or (d.ndim == 2 and d.shape[1] != u.shape[1]):
            raise ValueError(
                f"modality {i + 1}: {lab}[0] has shape {d.shape} but paired[{i}] has shape "
                f"{u.shape}; both must hold the same features"
            )
    return out[0], out[1], out[2], out[3], out[4], out[5]


BYTES_PER_CELL = 640
"""Peak solver memory of an estimate per cell of ``X1 x X2 x Y`` (bytes), measured with
tracemalloc on dense 150x150x10 tables (633 B/cell as a joint, 625 from three tables)."""

SECONDS_PER_CELL = 3e-4
"""Rough run time per cell of a default estimate on 2 CPU cores (same measurement: ~75 s)."""


def check_memory(
    shape: tuple[int, ...],
    *,
    max_gib: float = 2.0,
    bytes_per_cell: float = BYTES_PER_CELL,
    what: str = "the estimate",
) -> float:
    """Refuse, before anything is allocated, a problem whose solver memory would exceed ``max_gib``.

    The estimate is ``bytes_per_cell`` times the cells of ``shape`` (the joint ``X1 x X2 x Y``).
    Returns it (GiB). Raises ``ValueError`` above ``max_gib``, naming the estimate and the ways
    out; warns (:class:`~mmbounds.exceptions.SizeWarning`) above a quarter of it.
    """
    import warnings

    from .exceptions import SizeWarning

    n_cells = float(np.prod([float(n) for n in shape]))
    gib = n_cells * bytes_per_cell / 2.0**30
    dims = "x".join(str(int(n)) for n in shape)
    if gib > max_gib:
        raise ValueError(
            f"{what} on a {dims} table ({n_cells:.3g} cells) would need about {gib:.3g} GiB of "
            f"solver memory, above the limit max_memory_gib={max_gib:g}; use fewer clusters "
            "(n_clusters), the GPU backend (options={'device': 'cuda'} with max_memory_gib set to "
            "its memory) or raise options={'max_memory_gib': ...} if the machine has the memory"
        )
    if gib > max_gib / 4:
        warnings.warn(
            f"{what} on a {dims} table ({n_cells:.3g} cells) needs about {gib:.2g} GiB and "
            f"roughly {n_cells * SECONDS_PER_CELL:.0f} s on 2 cores; fewer clusters make it faster",
            SizeWarning,
            stacklevel=3,
        )
    return gib
