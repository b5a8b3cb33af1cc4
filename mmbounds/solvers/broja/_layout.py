"""Which layout the fast BROJA solver uses: :func:`_choose_layout`, by predicted cost and memory.

The dense layout (:mod:`._dense`) keeps all ``n1 n2 ny`` cells and factors the Newton matrix by
blocked dense Cholesky; the support layout (:mod:`._sparse`) keeps only the cells a feasible joint
can use and factors a sparse Newton matrix. Both solve the same program to the same certified gap.
"""

from __future__ import annotations

from typing import Any

from ._sparse import Triplets, dense_factor, support_cost

__all__: list[str] = []

_DENSE_NS = (1.2e6, 15.0, 0.03)  # ns per iteration: overhead, coupling entry, Cholesky flop
_SUPPORT_NS = (0.6e6, 150.0)  # ns per iteration: overhead, Newton-matrix entry (SuperLU)
_SUPPORT_DENSE_NS = (0.8e6, 25.0, 0.03)  # ... with a dense Cholesky: overhead, entry, variable^3
_SUPPORT_MIN_CELLS = 1000  # below this many cells both take ~1 ms per iteration: dense layout
_DENSE_MAX_FLOATS = 50_000_000  # floats either layout may hold on numpy (400 MB) ...
_DEVICE_MAX_FLOATS = 500_000_000  # ... and on a torch device (1000 x 1000 x 10: W + S = 2e8)
_SUPPORT_FLOATS = 9  # floats held per Newton-matrix entry by the support layout (pattern set-up)


def _choose_layout(t1: Triplets, t2: Triplets, shape: tuple[int, int, int], xp: Any) -> str:
    """``"support"`` or ``"dense"``, by predicted memory, then by predicted time per iteration.

    The dense layout holds ``W`` and the Schur complement, ``n1 ny m + m^2`` floats (``m`` the
    allowed ``(x2, y)`` cells), forms the coupling rows (``n1 n2 ny^2`` entries, in blocks) and
    runs the blocked Cholesky's ``n1 ny m^2 + m^3 / 3`` flops; the support layout costs about its
    Newton matrix's ``E`` entries (:func:`._sparse.support_cost`), the sparse factorisation
    included (or, with few variables, ``E`` plus a dense Cholesky's ``n^3 / 3``), and holds about
    ``_SUPPORT_FLOATS`` floats per entry while it builds the pattern.
    When either layout's memory would exceed ``_DENSE_MAX_FLOATS`` floats (``_DEVICE_MAX_FLOATS``
    on a torch device, which otherwise keeps the dense layout: it runs the dense products at its
    matrix speed) the smaller one is used. Otherwise the time constants (nanoseconds per iteration
    on one core) were fitted to the support and dense timings of benchmarks/solvers.py on
    clustered, overlapping, Dirichlet and COPY tables from 20x20x2 to 100x100x10; either layout is
    within about 30% of the other where the two predictions cross. Below ``_SUPPORT_MIN_CELLS``
    cells, where both take about a millisecond per iteration, the dense layout is used.
    """
    n1, n2, ny = shape
    m = t2[0].size
    dense_floats = n1 * ny * m + m * m
    _, entries = support_cost(t1, t2, n1, n2, ny)
    support_floats = _SUPPORT_FLOATS * entries
    limit = _DENSE_MAX_FLOATS if xp.name == "numpy" else _DEVICE_MAX_FLOATS
    if max(dense_floats, support_floats) > limit:
        return "support" if support_floats < dense_floats else "dense"
    if xp.name != "numpy" or n1 * n2 * ny < _SUPPORT_MIN_CELLS:
        return "dense"
    block = n1 * n2 * ny * ny
    dense = _DENSE_NS[0] + _DENSE_NS[1] * block + _DENSE_NS[2] * (n1 * ny * m * m + m**3 / 3)
    n_var = t1[0].size + m
    if dense_factor(n_var, entries):  # assembly plus a dense Cholesky of the Newton matrix
        sparse = (
            _SUPPORT_DENSE_NS[0] + _SUPPORT_DENSE_NS[1] * entries + _SUPPORT_DENSE_NS[2] * n_var**3
        )
    else:
        sparse = _SUPPORT_NS[0] + _SUPPORT_NS[1] * entries
    return "support" if sparse < dense else "dense"


def _dense_fits(t2: Triplets, shape: tuple[int, int, int], xp: Any) -> bool:
    """Whether the dense layout's ``W`` and Schur complement fit within the memory limit."""
    n1, _, ny = shape
    m = t2[0].size
    limit = _DENSE_MAX_FLOATS if xp.name == "numpy" else _DEVICE_MAX_FLOATS
    return n1 * ny * m + m * m <= limit
