"""The two layouts of an IPF iterate: the full table (:class:`_Dense`) or its support cells
(:class:`_Sparse`), each with its marginals, scaling and conversion back to a host table."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__: list[str] = []


class _Dense:
    """IPF on the full ``(n1, n2, ny)`` table: marginals are axis sums (internal)."""

    _AXES = (2, 1, 0)
    _EXPAND = (
        (slice(None), slice(None), None),
        (slice(None), None, slice(None)),
        (None, slice(None), slice(None)),
    )

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    def targets(self, *tables: Any) -> list[Any]:
        return list(tables)

    def marginal(self, r: Any, which: int) -> Any:
        """``p12``, ``p1y`` or ``p2y`` (``which`` = 0, 1, 2) of ``r``."""
        return self.xp.sum(r, self._AXES[which])

    def scale(self, r: Any, factor: Any, which: int) -> None:
        """Multiply ``r`` in place by a factor shaped like marginal ``which``."""
        r *= factor[self._EXPAND[which]]

    def to_table(self, r: Any, shape: tuple[int, int, int]) -> np.ndarray:
        return np.array(self.xp.to_numpy(r), dtype=np.float64)

    def potential_table(self, pot: Any, which: int) -> np.ndarray:
        """A log-potential as a host table shaped like marginal ``which``."""
        return np.array(self.xp.to_numpy(pot), dtype=np.float64)


class _Sparse:
    """IPF on the support cells only, a vector in ``(x1, x2, y)`` order (internal).

    Used when the support is a small part of the table (clustered labels): a marginal is a sum
    over contiguous runs of the cells sorted by its key (a segment sum: ``np.add.reduceat`` or
    ``torch.segment_reduce``, no atomic scatter), and scaling gathers the factor of each cell's
    run. Marginals, factors and log-potentials are kept on the reached keys only.
    """

    def __init__(self, xp: Any, mask: np.ndarray) -> None:
        self.xp = xp
        i, j, k = np.nonzero(mask)  # sorted by (i, j, k)
        self.cells = (i, j, k)
        n1, n2, ny = mask.shape
        self.shapes = ((n1, n2), (n1, ny), (n2, ny))
        self.segment, self.perms, self.offsets, self.uniq = [], [], [], []
        for which, key in enumerate((i * n2 + j, i * ny + k, j * ny + k)):
            perm = None if which == 0 else np.argsort(key, kind="stable")
            ks = key if perm is None else key[perm]
            starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
            seg = np.empty(key.size, dtype=np.intp)  # each cell's run number
            seg[perm if perm is not None else slice(None)] = np.repeat(
                np.arange(starts.size), np.diff(np.r_[starts, ks.size])
            )
            self.segment.append(xp.index(seg))
            self.perms.append(None if perm is None else xp.index(perm))
            self.offsets.append(xp.index(np.r_[starts, ks.size]))
            self.uniq.append(xp.index(ks[starts]))

    def targets(self, *tables: Any) -> list[Any]:
        """The marginal tables restricted to the keys that support cells reach."""
        return [t.reshape(-1)[u] for t, u in zip(tables, self.uniq)]

    def marginal(self, r: Any, which: int) -> Any:
        perm = self.perms[which]
        return self.xp.segment_sum(r if perm is None else r[perm], self.offsets[which])

    def scale(self, r: Any, factor: Any, which: int) -> None:
        r *= factor[self.segment[which]]

    def to_table(self, r: Any, shape: tuple[int, int, int]) -> np.ndarray:
        out = np.zeros(shape)
        out[self.cells] = self.xp.to_numpy(r)
        return out

    def potential_table(self, pot: Any, which: int) -> np.ndarray:
        """A log-potential (kept on the reached keys) as a host table (0 on the other keys)."""
        out = np.zeros(int(np.prod(self.shapes[which])))
        out[self.xp.to_numpy(self.uniq[which])] = self.xp.to_numpy(pot)
        return out.reshape(self.shapes[which])
