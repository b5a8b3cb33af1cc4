"""The size guard: refuse, before anything is allocated, a problem too large for the machine."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["BYTES_PER_CELL", "SECONDS_PER_CELL", "check_memory", "n_support_cells"]


BYTES_PER_CELL = 640
"""Peak solver memory of an estimate per cell of ``X1 x X2 x Y`` (bytes), measured with
tracemalloc on dense 150x150x10 tables (633 B/cell as a joint, 625 from three tables)."""

SECONDS_PER_CELL = 1e-5
"""Rough CPU time per cell of a default estimate of tables (dense Dirichlet k x k x 10 tables,
``benchmarks/results/solvers_scaling.txt``: 8.1 s at 9e5 cells, 1.4 s at 2.25e5; population
intervals of samples repeat most of it once per resample)."""


def n_support_cells(p_x1y: Any, p_x2y: Any) -> float | None:
    """Cells the solvers work on: ``sum_y #{x1: p(x1,y) > 0} * #{x2: p(x2,y) > 0}``.

    The solvers keep only cells allowed by both label tables (clustered data: a small fraction of
    ``X1 x X2 x Y``). None unless both are 2-D numeric numpy arrays with the same number of columns
    (anything else is checked by the validation door first).

    Parameters
    ----------
    p_x1y, p_x2y : ndarray, shape (n1, ny), (n2, ny)
        The two label tables (probabilities or counts).

    Returns
    -------
    float or None
        The number of support cells.

    Examples
    --------
    >>> import numpy as np
    >>> n_support_cells(np.eye(3), np.eye(3))  # y determines x1 and x2: one cell per label
    3.0
    """
    tabs = []
    for t in (p_x1y, p_x2y):
        if not isinstance(t, np.ndarray) or t.ndim != 2 or t.dtype.kind not in "biuf":
            return None
        tabs.append(np.count_nonzero(t, axis=0).astype(np.float64))
    if tabs[0].shape != tabs[1].shape:
        return None
    return float(tabs[0] @ tabs[1])


def check_memory(
    shape: tuple[int, ...],
    *,
    max_gib: float = 2.0,
    bytes_per_cell: float = BYTES_PER_CELL,
    what: str = "the estimate",
    n_cells: float | None = None,
) -> float:
    """Refuse, before anything is allocated, a problem whose solver memory would exceed ``max_gib``.

    The estimate is ``bytes_per_cell`` times the cells of ``shape`` (the joint ``X1 x X2 x Y``).
    Raises ``ValueError`` above ``max_gib``, naming the estimate and the ways out; warns
    (:class:`~mmbounds.exceptions.SizeWarning`) above a quarter of it.

    Parameters
    ----------
    shape : tuple of int
        Shape of the joint.
    max_gib : float
        The limit (GiB).
    bytes_per_cell : float
        Solver memory per cell of the joint.
    what : str
        What is estimated, for the messages.
    n_cells : float, optional
        Cells the solvers work on (:func:`n_support_cells`), when fewer than those of ``shape``.

    Returns
    -------
    float
        The memory estimate (GiB).
    """
    import warnings

    from ..exceptions import SizeWarning

    dense = float(np.prod([float(n) for n in shape]))
    n_cells = dense if n_cells is None else min(float(n_cells), dense)
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
            f"roughly {n_cells * SECONDS_PER_CELL:.0f} s of CPU (each population resample about as "
            "much again); fewer clusters make it faster",
            SizeWarning,
            stacklevel=3,
        )
    return gib
