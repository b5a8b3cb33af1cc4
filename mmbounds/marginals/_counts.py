"""Count tables from discrete samples: the one place samples become tables."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

__all__ = ["categories_of", "index_of", "count_table"]


def categories_of(*cols: Any) -> tuple[Hashable, ...]:
    """The values seen in any of ``cols`` (arrays or sequences), once each, sorted when sortable."""
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
    return {v: i for i, v in enumerate(cats)}


def count_table(pair: tuple[np.ndarray, np.ndarray], ia: dict, ib: dict) -> np.ndarray:
    a = np.fromiter((ia[v] for v in pair[0].tolist()), dtype=np.int64, count=pair[0].shape[0])
    b = np.fromiter((ib[v] for v in pair[1].tolist()), dtype=np.int64, count=pair[1].shape[0])
    t = np.zeros((len(ia), len(ib)))
    np.add.at(t, (a, b), 1.0)
    return t
