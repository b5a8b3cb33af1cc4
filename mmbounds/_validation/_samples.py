"""Samples at the door: labels, class posteriors, one modality's features, the three sources."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ._common import _float64_copy, _plain, check_option

__all__ = [
    "MISSING_STRINGS",
    "check_labels",
    "check_spellings",
    "check_posteriors",
    "check_features",
    "check_sources",
    "check_source_pairs",
]


#: Strings read as a missing label (after stripping whitespace), as in pandas' defaults.
MISSING_STRINGS = frozenset({"", "nan", "NaN", "NA", "N/A", "n/a", "<NA>", "null", "NULL", "None"})


def check_labels(x: Any, *, name: str, min_size: int = 1) -> np.ndarray:
    """Validate a 1-D column of discrete labels (ints, strings or any hashables).

    Strings are stripped of surrounding whitespace (``" 1"`` is ``"1"``). Rejected: missing values
    (None, NaN, and strings in :data:`MISSING_STRINGS`, e.g. empty CSV cells), with their count;
    floats that are not whole numbers (continuous values are not categories: discretize them);
    and distinct labels that spell the same number (``"1"`` and ``"1.0"``, or ``1`` and ``"1"``),
    which would silently split one class in two.

    Parameters
    ----------
    x : array_like
        The column.
    name : str
        Argument name for the messages.
    min_size : int
        Fewest entries allowed.

    Returns
    -------
    ndarray
        A 1-D copy (object, unicode or numeric dtype).

    Examples
    --------
    >>> check_labels([" a", "b", "a"], name="y").tolist()
    ['a', 'b', 'a']
    """
    if isinstance(x, (str, bytes)) or np.isscalar(x) or x is None:
        raise TypeError(f"{name} must be a 1-D sequence of labels, got {type(x).__name__}")
    x = _plain(x, name=name)
    if isinstance(x, (list, tuple)) and len(x) and all(isinstance(v, tuple) for v in x):
        arr = _object_column(x)  # tuple labels: np.array would make them a 2-D array
    else:
        arr = np.array(x, copy=True)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per sample), got shape {arr.shape}")
    if arr.shape[0] < min_size:
        raise ValueError(f"{name} has {arr.shape[0]} samples; at least {min_size} needed")
    if arr.dtype.kind in "US":
        arr = np.char.strip(arr)
    elif arr.dtype.kind == "O":
        arr = _object_column([v.strip() if isinstance(v, str) else v for v in arr])
    if arr.dtype.kind == "O":
        _check_hashable(arr, name=name)
    missing = _missing(arr)
    if missing.any():
        raise ValueError(
            f"{name} has {int(missing.sum())} missing labels (None, NaN or infinite numbers, or "
            f"empty/'nan' strings), first at row {int(np.argmax(missing))}; drop or impute those "
            "samples"
        )
    if arr.dtype.kind == "f" or arr.dtype.kind == "O":
        frac = [
            v
            for v in (arr.tolist() if arr.dtype.kind == "O" else np.unique(arr))
            if isinstance(v, float) and v != round(v)
        ]
        if frac:
            raise ValueError(
                f"{name} holds non-integer numbers (e.g. {frac[0]:.6g}): continuous values are "
                "not categories; discretize them (mmbounds.estimate does, for features) or cast "
                "class codes to int"
            )
    _check_spellings(arr, name=name)
    return arr


def _object_column(values: Any) -> np.ndarray:
    """A 1-D object array holding ``values`` as they are (tuples stay single entries)."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def _check_hashable(arr: np.ndarray, *, name: str) -> None:
    """Raise a TypeError naming the first label that cannot be a category (not hashable)."""
    for i, v in enumerate(arr):
        try:
            hash(v)
        except TypeError:
            raise TypeError(
                f"{name} holds an unhashable label at row {i} ({type(v).__name__}); labels must "
                "be hashable (ints, strings, tuples): map them to codes first"
            ) from None


def _missing(arr: np.ndarray) -> np.ndarray:
    if arr.dtype.kind == "f":
        return ~np.isfinite(arr)
    if arr.dtype.kind in "US":
        return np.isin(arr, list(MISSING_STRINGS))
    if arr.dtype.kind == "O":
        return np.array(
            [
                v is None
                or (isinstance(v, float) and not np.isfinite(v))
                or (isinstance(v, str) and v in MISSING_STRINGS)
                for v in arr
            ],
            dtype=bool,
        )
    return np.zeros(arr.shape, dtype=bool)


def check_spellings(values: Iterable[Any], *, name: str) -> None:
    """Raise if distinct labels spell the same number (``"1"``, ``"1.0"``, ``1``): one class.

    Parameters
    ----------
    values : iterable
        The distinct labels (or all of them).
    name : str
        Argument name for the message.

    Raises
    ------
    ValueError
        Naming the two spellings.
    """
    seen: dict[float, Any] = {}
    for v in sorted(set(values), key=lambda v: (type(v).__name__, str(v))):  # a stable message
        key = _number_of(v)
        if key is None:
            continue
        if key in seen and seen[key] != v:
            raise ValueError(
                f"{name} spells one number in two ways ({seen[key]!r} and {v!r}); they would be "
                "two classes: make the labels consistent (e.g. map them to int) first"
            )
        seen.setdefault(key, v)


def _number_of(v: Any) -> float | None:
    """The number ``v`` spells, exact for integers of any size (2**63 and 2**63 + 1 differ)."""
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, str):
        try:
            return int(v)
        except ValueError:
            pass
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return int(f) if f.is_integer() else f


def _check_spellings(arr: np.ndarray, *, name: str) -> None:
    if arr.dtype.kind in "OUS":
        check_spellings(arr.tolist(), name=name)


def check_posteriors(
    f: Any,
    *,
    name: str,
    n_samples: int | None = None,
    n_classes: int | None = None,
    atol: float = 1e-6,
) -> np.ndarray:
    """Validate an (n_samples, n_classes) array of class probabilities (rows sum to 1).

    Parameters
    ----------
    f : array_like, shape (n_samples, n_classes)
        Posteriors (numpy or torch).
    name : str
        Argument name for the messages.
    n_samples : int, optional
        The number of paired samples the rows must match (one row per pair).
    n_classes : int, optional
        The number of columns required.
    atol : float
        Tolerance of the row sums.

    Returns
    -------
    ndarray of float64
        A copy.
    """
    arr = _float64_copy(_plain(f, name=name), name=name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_classes), got shape {arr.shape}")
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {arr.shape[0]} rows but {n_samples} paired samples were given; "
            "posteriors hold one row per paired sample (the classifier's output on paired)"
        )
    if n_classes is not None and arr.shape[1] != n_classes:
        raise ValueError(f"{name} has {arr.shape[1]} columns but the label has {n_classes} classes")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite probabilities")
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty (shape {arr.shape}); pass one row of class probabilities per sample"
        )
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
    x = _plain(x, name=name)
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


def check_source_pairs(x1: Any, x2: Any, paired: Any) -> None:
    """Check that each of ``D1``, ``D2``, ``DM`` is a pair (tuple or list of two columns).

    Parameters
    ----------
    x1, x2, paired : Any
        The three sources as given.

    Raises
    ------
    TypeError
        Naming the first source that is not a pair.

    Examples
    --------
    >>> check_source_pairs(([0], [1]), ([0], [1]), ([0], [0]))
    """
    for src, s in zip(_SOURCES, (x1, x2, paired)):
        if not isinstance(s, (tuple, list)) or len(s) != 2:
            got = type(s).__name__
            if isinstance(s, (tuple, list)):
                got += f" of {len(s)}"
            form = "(X1u, X2u)" if src == "paired" else "(X, y)"
            raise TypeError(f"{src} must be a pair of arrays {src}={form}, got {got}")


def check_sources(
    x1: Any, x2: Any, paired: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate the samples ``D1 = (X1, y1)``, ``D2 = (X2, y2)``, ``DM = (X1u, X2u)``.

    Each source must be a pair of equal length; features go through :func:`check_features`, labels
    through :func:`check_labels`; a modality must have the same number of features in ``D_i`` and
    ``DM``.

    Parameters
    ----------
    x1, x2, paired : pair of array_like
        ``D1``, ``D2`` and ``DM``.

    Returns
    -------
    (X1, y1, X2, y2, X1u, X2u) : tuple of ndarray
    """
    out: list[np.ndarray] = []
    for src, s in zip(_SOURCES, (x1, x2, paired)):
        if s is None:
            raise TypeError(f"estimate() needs {src}=({'X, y' if src != 'paired' else 'X1u, X2u'})")
    check_source_pairs(x1, x2, paired)
    for src, s in zip(_SOURCES, (x1, x2, paired)):
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
