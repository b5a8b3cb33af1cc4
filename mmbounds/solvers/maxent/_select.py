"""The maximum-entropy solver used by the bounds: :func:`solve_maxent` picks Newton or IPF.

``method="auto"`` runs the dual Newton solver (:func:`._newton.maxent_newton`: quadratic
convergence, also on sparse tables and proper faces, where IPF crawls) on supports of up to
``_NEWTON_FIRST_CELLS`` cells. Up to ``_NEWTON_MAX_CELLS`` cells, IPF (:func:`._ipf.maxent_ipf`)
runs first for up to ``_IPF_SWEEPS`` sweeps to a tight tolerance (on dense tables it converges
in a few sweeps, each far cheaper than a Newton step; its bound is then re-evaluated with exactly
rounded sums) and Newton starts from its potentials when it has not converged; sparse supports
(under 1/8 of the cells: clustered labels) go to Newton directly. When Newton misses its
tolerances, IPF runs as a fallback and the tighter of the two certified bounds is kept. Larger
supports go to IPF alone, whose dense layout needs no index arrays.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..._validation import _to_numpy
from ...exceptions import ConvergenceWarning
from ...info import LN2
from ._certificate import gibbs_entropy_upper
from ._ipf import maxent_ipf
from ._newton import maxent_newton
from ._solution import MaxEntSolution
from ._support import _support_size, maxent_support

__all__ = ["solve_maxent"]

#: largest support (cells) that ``method="auto"`` sends to Newton (its index arrays cost about
#: 100 bytes per cell)
_NEWTON_MAX_CELLS = 1_000_000
#: above this support size, on dense supports, ``method="auto"`` runs IPF first (``_IPF_SWEEPS``
#: sweeps to the marginal tolerance ``_IPF_TIGHT_TOL``) and starts Newton from its potentials if
#: it has not converged
_NEWTON_FIRST_CELLS = 500
_DENSE_ABOVE = 8  # ... when the support is at least 1/8 of the cells (sparse tables: Newton)
_IPF_SWEEPS = 100
_IPF_TIGHT_TOL = 1e-12
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
    n_supp = 0
    if method == "auto":
        n_supp = _support_size(*(np.asarray(_to_numpy(t)) for t in (p_x1y, p_x2y, p_x1x2)))
    if method == "ipf" or n_supp > _NEWTON_MAX_CELLS:
        return maxent_ipf(p_x1y, p_x2y, p_x1x2, max_iter=ipf_iter, **kw)
    start = None
    n_cells = p_x1y.shape[0] * p_x2y.shape[0] * p_x1y.shape[1]
    if n_supp > _NEWTON_FIRST_CELLS and n_supp * _DENSE_ABOVE >= n_cells:
        # large support: a Newton step costs many IPF sweeps, and IPF converges in a few sweeps
        # on dense tables; it runs first, to a tight tolerance, and warm-starts Newton otherwise
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            first = maxent_ipf(
                p_x1y,
                p_x2y,
                p_x1x2,
                max_iter=min(ipf_iter, _IPF_SWEEPS),
                reduce_support=False,
                tol=min(tol, _IPF_TIGHT_TOL),
                backend=backend,
                device=device,
            )
        if first.info.converged:
            return _recertified(first, p_x1y, p_x2y, p_x1x2)
        start = first.potentials
    sol = maxent_newton(p_x1y, p_x2y, p_x1x2, max_iter=newton_iter, start=start, **kw)
    if method == "newton" or sol.info.converged:
        return sol
    fallback = maxent_ipf(p_x1y, p_x2y, p_x1x2, max_iter=ipf_iter, **kw)
    if fallback.entropy_upper < sol.entropy_upper:  # both certified: keep the tighter
        return fallback
    return sol


def _recertified(sol: MaxEntSolution, p_x1y: Any, p_x2y: Any, p_x1x2: Any) -> MaxEntSolution:
    """``sol`` with the bound of its potentials re-evaluated by
    :func:`._certificate.gibbs_entropy_upper` (exactly rounded sums: IPF's own rounding margin
    grows with the number of cells); the tighter of the two is kept."""
    hosts = tuple(np.asarray(_to_numpy(t), dtype=np.float64) for t in (p_x1x2, p_x1y, p_x2y))
    pots = sol.potentials
    if pots is None:
        return sol
    mask = maxent_support(hosts[1], hosts[2], hosts[0])
    upper = max(gibbs_entropy_upper(pots, hosts, mask) / LN2, sol.entropy)
    if not upper < sol.entropy_upper:
        return sol
    return MaxEntSolution(sol._r, sol.entropy, upper, sol.info, sol._potentials)
