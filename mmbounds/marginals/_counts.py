"""Count tables from discrete samples: the one place samples become tables."""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Hashable
from typing import Any

import numpy as np

from .._validation import check_labels, check_spellings
from ..exceptions import EstimationWarning, InconsistentMarginalsWarning

__all__ = [
    "categories_of",
    "category_sets",
    "sample_columns",
    "index_of",
    "count_table",
    "check_count_totals",
    "check_label_sources",
    "check_table_shapes",
    "equal_values",
]

#: a class absent from one labeled source is named when the other source has so many of it that
#: this many were expected, at least (with K classes the threshold is ln(1000 K): sampling both
#: sources from one population, some class then goes missing by chance with probability < 1%)
MISSING_CLASS_EXPECTED = 5.0


def categories_of(*cols: Any) -> tuple[Hashable, ...]:
    """The values seen in any of ``cols`` (arrays or sequences), once each, sorted when sortable.

    Parameters
    ----------
    *cols : array_like
        Columns of samples (hashable values).

    Returns
    -------
    tuple
        The distinct values.

    Examples
    --------
    >>> categories_of([2, 1], [1, 3])
    (1, 2, 3)
    """
    seen: dict[Hashable, None] = {}
    for c in cols:
        for v in c.tolist() if isinstance(c, np.ndarray) else list(c):
            seen.setdefault(v, None)
    vals = list(seen)
    try:
        vals = sorted(vals)
    except TypeError:
        pass
    return tuple(vals)


def index_of(cats: tuple[Hashable, ...]) -> dict[Hashable, int]:
    """Position of each category.

    Parameters
    ----------
    cats : tuple
        Categories, as from :func:`categories_of`.

    Returns
    -------
    dict
        ``{category: index}``.

    Examples
    --------
    >>> index_of(("a", "b"))
    {'a': 0, 'b': 1}
    """
    return {v: i for i, v in enumerate(cats)}


def count_table(pair: tuple[np.ndarray, np.ndarray], ia: dict, ib: dict) -> np.ndarray:
    """Counts of the value pairs of two aligned sample columns.

    Parameters
    ----------
    pair : (ndarray, ndarray), each shape (n,)
        The two columns (every value a key of ``ia`` and ``ib`` respectively).
    ia, ib : dict
        Category -> row and column index (see :func:`index_of`).

    Returns
    -------
    ndarray, shape (len(ia), len(ib))
        Counts (float64, not normalised).

    Examples
    --------
    >>> import numpy as np
    >>> a, b = np.array([0, 0, 1]), np.array([1, 1, 0])
    >>> count_table((a, b), {0: 0, 1: 1}, {0: 0, 1: 1}).tolist()
    [[0.0, 2.0], [1.0, 0.0]]
    """
    a = np.fromiter((ia[v] for v in pair[0].tolist()), dtype=np.int64, count=pair[0].shape[0])
    b = np.fromiter((ib[v] for v in pair[1].tolist()), dtype=np.int64, count=pair[1].shape[0])
    t = np.zeros((len(ia), len(ib)))
    np.add.at(t, (a, b), 1.0)
    return t


def category_sets(categories: Any) -> tuple[tuple[Hashable, ...], ...]:
    """``categories`` as three tuples (the values of x1, x2 and y), checked to be three sequences.

    Parameters
    ----------
    categories : sequence of 3 sequences
        The values of x1, x2 and y.

    Returns
    -------
    tuple of 3 tuples

    Raises
    ------
    TypeError
        If ``categories`` is not a sequence of three sequences of values.

    Examples
    --------
    >>> category_sets([range(2), ["a", "b"], (0, 1)])
    ((0, 1), ('a', 'b'), (0, 1))
    """
    bad = isinstance(categories, (str, bytes, dict)) or not hasattr(categories, "__len__")
    if bad or len(categories) != 3:
        raise TypeError(
            "categories must be three sequences, the values of x1, x2 and y, got "
            f"{categories!r:.80}"
        )
    for v, c in zip(("x1", "x2", "y"), categories):
        if isinstance(c, (str, bytes, dict)) or not hasattr(c, "__iter__"):
            raise TypeError(f"categories: the values of {v} must be a sequence, got {c!r:.80}")
        for value in c:
            try:
                hash(value)
            except TypeError:
                raise TypeError(
                    f"categories: the values of {v} must be hashable (ints, strings, tuples), "
                    f"got {value!r:.40}"
                ) from None
            if isinstance(value, (float, np.floating)) and not math.isfinite(value):
                raise ValueError(
                    f"categories: the values of {v} hold {value!r}; a category cannot be a "
                    "missing or infinite value (samples holding one are refused too)"
                )
    return tuple(tuple(c) for c in categories)


def sample_columns(
    x1y: tuple[Any, Any],
    x2y: tuple[Any, Any],
    x1x2: tuple[Any, Any],
    *,
    names: tuple[str, str, str] = ("x1y", "x2y", "x1x2"),
    categories: tuple[Any, Any, Any] | None = None,
) -> tuple[tuple[tuple[np.ndarray, np.ndarray], ...], tuple[tuple[Hashable, ...], ...]]:
    """Validated columns of D1 = (x1, y), D2 = (x2, y), DM = (x1, x2) and the values of x1, x2, y.

    Each column goes through :func:`~mmbounds._validation.check_labels`; the two columns of a
    source must have equal lengths. The values of a variable are those seen in any source (sorted
    when sortable), or ``categories`` when given: then every value must be one of them, and
    values that no sample takes are kept (a bootstrap resample keeps the shape of its sample).
    The labels of D1 and D2 are not compared here (:func:`check_label_sources` does).

    Parameters
    ----------
    x1y, x2y, x1x2 : pair of 1-D sequences
        The samples of each source, as ``(column_a, column_b)``.
    names : tuple of 3 str
        How the messages name the three sources.
    categories : tuple of 3 sequences, optional
        The values of x1, x2 and y (default: those seen).

    Returns
    -------
    columns : tuple of 3 pairs of ndarray
        The validated columns of D1, D2 and DM.
    categories : tuple of 3 tuples
        The values of x1, x2 and y.

    Raises
    ------
    TypeError
        If a source is not a pair.
    ValueError
        If a column is not valid labels, the columns of a source differ in length, or a value
        is not one of the given ``categories``.

    Examples
    --------
    >>> cols, cats = sample_columns(([0, 1], ["a", "b"]), ([2, 2], ["a", "a"]), ([0, 1], [2, 2]),
    ...                             categories=((0, 1, 5), (2,), ("a", "b")))
    >>> cats, cols[1][1].tolist()
    (((0, 1, 5), (2,), ('a', 'b')), ['a', 'a'])
    """
    cols = []
    for at, pair, var in zip(names, (x1y, x2y, x1x2), (("x1", "y"), ("x2", "y"), ("x1", "x2"))):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"{at} must be a pair (column, column), got {type(pair).__name__}")
        a = check_labels(pair[0], name=f"{at}[0] ({var[0]})")
        b = check_labels(pair[1], name=f"{at}[1] ({var[1]})")
        if a.shape[0] != b.shape[0]:
            raise ValueError(
                f"{at}: {var[0]} has {a.shape[0]} samples but {var[1]} has {b.shape[0]}"
            )
        cols.append((a, b))
    seen = (
        categories_of(cols[0][0], cols[2][0]),
        categories_of(cols[1][0], cols[2][1]),
        categories_of(cols[0][1], cols[1][1]),
    )
    cats = seen if categories is None else category_sets(categories)
    for v, c in zip(("x1", "x2", "y"), cats):
        if len(set(c)) != len(c):  # 1, 1.0 and True are one value too
            raise ValueError(
                f"categories: the {len(c)} categories of {v} hold a value twice ({list(c)!r}); "
                "give each value once"
            )
    n1, n2, nm = names
    for v, c, s, where in zip(("x1", "x2", "y"), cats, seen, ((n1, nm), (n2, nm), (n1, n2))):
        both = " and ".join(where)
        check_spellings(c, name=f"{v} (the values of {both} together)")
        allowed = set(c)
        extra = [u for u in s if u not in allowed]
        if extra:
            raise ValueError(
                f"{both} hold {len(extra)} value(s) of {v} not among the {len(c)} categories "
                f"given for it (e.g. {extra[0]!r}); give categories that include every value, "
                "or none"
            )
    return tuple(cols), cats


def check_count_totals(tables: tuple[Any, Any, Any], sample_sizes: Any) -> None:
    """Warn when count tables and the sample sizes given with them disagree.

    With ``normalize=True`` a table of whole numbers is read as counts; its total is the size of
    its source. Inference draws its replicates at ``sample_sizes``, so a table of 30 counts given
    with ``sample_sizes[D1] = 3000`` would get intervals a tenth as wide as its data allow.

    Parameters
    ----------
    tables : tuple of 3 array_like
        ``p_x1y``, ``p_x2y``, ``p_x1x2`` as the caller gave them (already validated).
    sample_sizes : sequence of 3 numbers
        Sizes of D1, D2, DM.

    Warns
    -----
    EstimationWarning
        For each count table whose total differs from its size by more than 0.5.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     check_count_totals(([[10, 20]], [[10, 20]], [[30]]), (3000, 30, 30))
    >>> len(w), "sample_sizes[D1]" in str(w[0].message)
    (1, True)
    """
    names = (("p_x1y", "D1"), ("p_x2y", "D2"), ("p_x1x2", "DM"))
    for t, (name, src), n in zip(tables, names, sample_sizes):
        a = np.asarray(t, dtype=np.float64)
        total = float(a.sum())
        if abs(total - 1.0) <= 1e-9 or not np.array_equal(a, np.round(a)):
            continue  # probabilities (a table of whole numbers summing to 1 is one too)
        if abs(total - float(n)) <= 0.5:
            continue
        warnings.warn(
            f"{name} holds counts that sum to {total:.6g} but sample_sizes[{src}] is "
            f"{float(n):.6g}; the intervals are drawn at sample_sizes[{src}] samples. Pass the "
            "counts' totals as sample_sizes (or tables of probabilities with the sizes they come "
            "from)",
            EstimationWarning,
            stacklevel=3,
        )


def check_label_sources(
    y1: np.ndarray, y2: np.ndarray, classes: tuple[Hashable, ...], names: tuple[str, str]
) -> None:
    """Refuse a single class; name the classes one labeled source lacks though the other has many.

    A class seen ``c`` times among the ``n_b`` labels of one source is expected about
    ``c n_a / n_b`` times among the ``n_a`` of the other; from ``max(5, ln(1000 K))`` on (``K``
    classes, :data:`MISSING_CLASS_EXPECTED`), an absence is unlikely to be chance (some class of
    one population goes missing this way with probability under about 1%), and the warning names
    it. The reconciliation still runs (its own warning gives the total variation).

    Parameters
    ----------
    y1, y2 : ndarray
        The labels of D1 and D2.
    classes : tuple
        The classes seen in either.
    names : tuple of 2 str
        How the messages name the two sources.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        If there is one class only.

    Examples
    --------
    >>> check_label_sources(np.array([0, 1, 0]), np.array([1, 0, 0]), (0, 1), ("x1", "x2"))
    """
    if len(classes) < 2:
        raise ValueError(
            f"y has a single class ({classes[0]!r}); interactions about a constant label are all 0"
        )
    counts = [Counter(y.tolist() if isinstance(y, np.ndarray) else list(y)) for y in (y1, y2)]
    sizes = (max(len(y1), 1), max(len(y2), 1))
    # P(a class expected m times is absent) ~ e^-m; 2 K such events, and m itself estimated
    threshold = max(MISSING_CLASS_EXPECTED, math.log(1000.0 * len(classes)))
    missing = []
    for c in classes:
        for have, lack in ((0, 1), (1, 0)):
            seen = int(counts[have].get(c, 0))
            expected = seen * sizes[lack] / sizes[have]
            if counts[lack].get(c, 0) == 0 and expected >= threshold:
                missing.append(f"{c!r} ({seen} in {names[have]}, none in {names[lack]})")
    if missing:
        warnings.warn(
            f"label values missing from one labeled source: {', '.join(missing[:5])}"
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            + "; at these counts chance rarely explains it: check that both sources use the same "
            "label set and come from the same population",
            InconsistentMarginalsWarning,
            stacklevel=5,
        )


def check_table_shapes(p1: np.ndarray, p2: np.ndarray, p12: np.ndarray) -> None:
    """Raise ``ValueError`` unless ``p_x1y``, ``p_x2y`` and ``p_x1x2`` index the same values.

    Parameters
    ----------
    p1, p2, p12 : ndarray
        ``p_x1y`` (n_x1, n_y), ``p_x2y`` (n_x2, n_y) and ``p_x1x2`` (n_x1, n_x2).
    """
    if p1.shape[1] != p2.shape[1]:
        raise ValueError(
            f"p_x1y has {p1.shape[1]} label values but p_x2y has {p2.shape[1]}; "
            "both must index the same y values"
        )
    if p12.shape != (p1.shape[0], p2.shape[0]):
        raise ValueError(
            f"p_x1x2 has shape {p12.shape} but p_x1y, p_x2y imply (|X1|, |X2|) = "
            f"({p1.shape[0]}, {p2.shape[0]})"
        )


def equal_values(a: Any, b: Any) -> bool:
    """Whether two values are equal, comparing arrays (also inside tuples) element by element.

    Parameters
    ----------
    a, b : object
        Values, arrays or tuples of them.

    Returns
    -------
    bool
        True when equal (arrays: same shape and entries).

    Examples
    --------
    >>> import numpy as np
    >>> equal_values((np.zeros(2), 1), (np.zeros(2), 1)), equal_values(np.zeros(2), np.ones(2))
    (True, False)
    """
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(equal_values(x, y) for x, y in zip(a, b))
    return bool(a == b)
