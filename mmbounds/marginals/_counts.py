"""Count tables from discrete samples: the one place samples become tables."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

__all__ = ["categories_of", "index_of", "count_table"]


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
