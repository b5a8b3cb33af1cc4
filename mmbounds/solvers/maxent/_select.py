"""The maximum-entropy solver used by the bounds: :func:`solve_maxent` picks Newton or IPF.

``method="auto"`` runs the dual Newton solver (:func:`._newton.maxent_newton`: quadratic
convergence, also on sparse tables and proper faces, where IPF crawls) on supports of up to
``_NEWTON_MAX_CELLS`` cells; when it does not reach its tolerances IPF (:func:`._ipf.maxent_ipf`)
runs as a fallback and the tighter of the two certified bounds is kept. Larger supports go to IPF,
whose dense layout needs no index arrays (IPF converges in a few sweeps on dense tables).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._validation import _to_numpy
from ._ipf import maxent_ipf
from ._newton import maxent_newton
from ._solution import MaxEntSolution
from ._support import _support_size

__all__ = ["solve_maxent"]

#: largest support (cells) that ``method="auto"`` sends to Newton (its index arrays cost about
#: 100 bytes per cell)
_NEWTON_MAX_CELLS = 1_000_000
#: Newton steps allowed under ``method="auto"`` (quadratic convergence needs a few dozen at most)
_NEWTON_MAX_ITER = 200


def solve_maxent(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    *,
    method: str = "auto",
    tol: float = 1e-9,
    max_iter: int | None = None,
    backend: str = "auto",
    device: Any = None,
) -> MaxEntSolution:
    """Maximum-entropy table with three pairwise marginals and its certified entropy bound.

    Parameters
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray
        Consistent marginals, shapes (n1, ny), (n2, ny), (n1, n2). Trusted (validated upstream).
    method : {"auto", "newton", "ipf"}
        The solver (see the module docstring).
    tol : float
        Max absolute marginal error at which either solver stops.
    max_iter : int, optional
        Iteration cap: IPF sweeps (default 5000); Newton takes at most ``min(max_iter, 200)``
        steps.
    backend : {"auto", "numpy", "torch"}
        Array library (see :func:`.._backend.get_namespace`).
    device : str or torch.device, optional
        Torch device, e.g. ``"cuda"``.

    Returns
    -------
    MaxEntSolution
        ``entropy_upper`` is certified whichever solver ran and whether or not it converged.

    Raises
    ------
    ValueError
        If ``method`` is unknown, or a positive marginal cell has no support cell.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.full((2, 2, 2), 1 / 8)
    >>> sol = solve_maxent(p.sum(1), p.sum(0), p.sum(2))
    >>> sol.info.method, round(sol.entropy_upper, 9)
    ('newton', 3.0)
    """
    if method not in ("auto", "newton", "ipf"):
        raise ValueError(f"method must be 'auto', 'newton' or 'ipf', got {method!r}")
    ipf_iter = 5000 if max_iter is None else int(max_iter)
    newton_iter = _NEWTON_MAX_ITER if max_iter is None else min(int(max_iter), _NEWTON_MAX_ITER)
    kw = {"tol": tol, "backend": backend, "device": device}
    if method == "ipf" or (
        method == "auto"
        and _support_size(*(np.asarray(_to_numpy(t)) for t in (p_x1y, p_x2y, p_x1x2)))
        > _NEWTON_MAX_CELLS
    ):
        return maxent_ipf(p_x1y, p_x2y, p_x1x2, max_iter=ipf_iter, **kw)
    sol = maxent_newton(p_x1y, p_x2y, p_x1x2, max_iter=newton_iter, **kw)
    if method == "newton" or sol.info.converged:
        return sol
    fallback = maxent_ipf(p_x1y, p_x2y, p_x1x2, max_iter=ipf_iter, **kw)
    if fallback.entropy_upper < sol.entropy_upper:  # both certified: keep the tighter
        return fallback
    return sol
