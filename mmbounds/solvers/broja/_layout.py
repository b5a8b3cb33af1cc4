"""Which layout the fast BROJA solver uses: :func:`_choose_layout`, by predicted cost and memory.

The dense layout (:mod:`._dense`) keeps all ``n1 n2 ny`` cells and factors the Newton matrix by
blocked dense Cholesky; the support layout (:mod:`._sparse`) keeps only the cells a feasible joint
can use and factors a sparse Newton matrix. Both solve the same program to the same certified gap.
"""

from __future__ import annotations

from typing import Any

from ._sparse import Triplets, support_cost

__all__: list[str] = []

_DENSE_NS = (1.2e6, 15.0, 0.03)  # ns per iteration: overhead, coupling entry, Cholesky flop
_SUPPORT_NS = (0.6e6, 150.0)  # ns per iteration: overhead, Newton-matrix entry (support layout)
_SUPPORT_MIN_CELLS = 1000  # below this many cells both take ~1 ms per iteration: dense layout
_DENSE_MAX_FLOATS = 50_000_000  # a dense coupling block (n1 n2 ny^2) above this: support layout
_DEVICE_MAX_FLOATS = 500_000_000  # ... on a torch device (1000 x 1000 x 10 is 1e8)


def _choose_layout(t1: Triplets, t2: Triplets, shape: tuple[int, int, int], xp: Any) -> str:
    """``"support"`` or ``"dense"``, by the predicted time of one interior-point iteration.

    The dense layout forms the coupling block of ``n1 n2 ny^2`` entries and runs the blocked
    Cholesky's ``n1 ny m^2 + m^3 / 3`` flops (``m`` the allowed ``(x2, y)`` cells); the support
    layout costs about its Newton matrix's ``E`` entries (:func:`._sparse.support_cost`), the
    sparse factorisation included. The constants (nanoseconds per iteration on one core) were
    fitted to the support and dense timings of benchmarks/solvers.py on clustered, overlapping,
    Dirichlet and COPY tables from 20x20x2 to 100x100x10; either layout is within about 30% of the
    other where the two predictions cross. The dense layout is never used when its coupling block
    would exceed ``_DENSE_MAX_FLOATS`` floats, and always below ``_SUPPORT_MIN_CELLS`` cells, where
    both cost about a millisecond per iteration; a torch device keeps it up to
    ``_DEVICE_MAX_FLOATS``.
    """
    n1, n2, ny = shape
    m = t2[0].size
    block = n1 * n2 * ny * ny
    if xp.name != "numpy":
        return "dense" if block <= _DEVICE_MAX_FLOATS else "support"
    if block > _DENSE_MAX_FLOATS:
        return "support"
    if n1 * n2 * ny < _SUPPORT_MIN_CELLS:
        return "dense"
    _, entries = support_cost(t1, t2, n1, n2, ny)
    dense = _DENSE_NS[0] + _DENSE_NS[1] * block + _DENSE_NS[2] * (n1 * ny * m * m + m**3 / 3)
    sparse = _SUPPORT_NS[0] + _SUPPORT_NS[1] * entries
    return "support" if sparse < dense else "dense"


def _dense_fits(shape: tuple[int, int, int], xp: Any) -> bool:
    """Whether the dense layout's coupling block of ``n1 n2 ny^2`` floats is within the limit."""
    n1, n2, ny = shape
    return n1 * n2 * ny * ny <= (_DENSE_MAX_FLOATS if xp.name == "numpy" else _DEVICE_MAX_FLOATS)
