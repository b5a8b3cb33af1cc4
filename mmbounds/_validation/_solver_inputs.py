"""The check of the tables a BROJA solver is handed directly: :func:`check_label_marginals`."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["check_label_marginals"]


def check_label_marginals(p_x1y: Any, p_x2y: Any, *, atol: float = 1e-3) -> None:
    """Check the two source-label tables a BROJA solver is given; raise if they are not valid.

    The solvers take these tables as they are (numpy or torch, no copy), so this only checks:
    two 2-D tables with the same labels, finite and non-negative (down to ``-1e-12``), each
    summing to 1 and agreeing on ``p(y)`` within ``atol`` (loose: it catches wrong tables, not
    rounding; ``Marginals`` keeps tables that disagree by up to its own ``atol`` unreconciled).

    Parameters
    ----------
    p_x1y, p_x2y : ndarray, shapes (n1, ny), (n2, ny)
        ``p(x1, y)`` and ``p(x2, y)`` (numpy arrays, already on the host).
    atol : float
        Tolerance of the sums and of the agreement on ``p(y)``.

    Returns
    -------
    None

    Raises
    ------
    ValueError
        Naming the table and what is wrong with it.

    Examples
    --------
    >>> check_label_marginals(np.full((2, 2), 0.25), np.full((3, 2), 1 / 6)) is None
    True
    """
    tables = {"p_x1y": np.asarray(p_x1y), "p_x2y": np.asarray(p_x2y)}
    for name, t in tables.items():
        if t.ndim != 2 or t.size == 0:
            raise ValueError(f"{name} must be a non-empty 2-D table (n_x, n_y), got {t.shape}")
        if not np.all(np.isfinite(t)):
            raise ValueError(f"{name} contains NaN or infinite entries")
        if t.min() < -1e-12:
            raise ValueError(f"{name} has negative entries (min {t.min():.4g})")
        if abs(float(t.sum()) - 1.0) > atol:
            raise ValueError(f"{name} must sum to 1, sums to {float(t.sum()):.6g}")
    a, b = tables.values()
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"p_x1y and p_x2y must have the same labels: {a.shape} vs {b.shape}")
    gap = float(np.max(np.abs(a.sum(axis=0) - b.sum(axis=0))))
    if gap > atol:
        raise ValueError(
            f"p_x1y and p_x2y disagree on p(y) by {gap:.3g}; build them with mmbounds.Marginals, "
            "which reconciles tables that disagree by more than its atol (default 1e-9)"
        )
