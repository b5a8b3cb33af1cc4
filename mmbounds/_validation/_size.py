"""The size guard: refuse, before anything is allocated, a problem too large for the machine."""

from __future__ import annotations

import numpy as np

__all__ = ["BYTES_PER_CELL", "SECONDS_PER_CELL", "check_memory"]


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

    Returns
    -------
    float
        The memory estimate (GiB).
    """
    import warnings

    from ..exceptions import SizeWarning

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
