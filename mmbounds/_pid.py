"""Partial information decomposition (BROJA definition) of a labeled joint, in bits.

    R  = I(X1;Y) + I(X2;Y) - I_q*(X1,X2;Y)      U1 = I(X1;Y) - R      U2 = I(X2;Y) - R
    S  = I_p(X1,X2;Y) - I_q*(X1,X2;Y)

with ``q*`` the solution of the BROJA program (:mod:`mmbounds.solvers.broja`). R, U1 and U2 depend
on ``p(x1,y)`` and ``p(x2,y)`` only; S needs the full joint. With only the pairwise marginals, see
:func:`mmbounds.estimate` for bounds on S.

References
----------
N. Bertschinger, J. Rauh, E. Olbrich, J. Jost, N. Ay, "Quantifying unique information",
Entropy 16(4), 2014.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._options import BACKENDS, SOLVERS
from ._validation import check_device, check_option, check_scalar, check_table
from ._version import __version__
from .info import mutual_information
from .results import PIDResult
from .results._status import warn_status
from .solvers._types import SolverInfo
from .solvers.broja import broja

__all__ = ["PIDResult", "PIDParts", "pid", "redundancy_uniqueness"]


@dataclass(frozen=True, slots=True)
class PIDParts:
    """R, U1, U2 from the two source-label marginals (bits), with the BROJA solve behind them.

    ``min_mi = R + U1 + U2 = I_q*(X1,X2;Y)``. ``clipped`` is how far (bits) the solver's value
    of ``min_mi`` lay outside ``[max(I(X1;Y), I(X2;Y)), I(X1;Y) + I(X2;Y)]``, the interval that
    holds the true minimum (so R, U1, U2 >= 0); it was projected onto it.
    """

    redundancy: float
    unique1: float
    unique2: float
    mi_x1y: float
    mi_x2y: float
    min_mi: float
    info: SolverInfo
    clipped: float = 0.0

    @property
    def certified_min_mi(self) -> float:
        """``min_mi`` lowered by the certified BROJA gap, never below ``max(I(X1;Y), I(X2;Y))``
        (which the true minimum is not below): a valid lower value even when the solve failed."""
        return max(self.min_mi - max(float(self.info.residual), 0.0), max(self.mi_x1y, self.mi_x2y))


def redundancy_uniqueness(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    *,
    solver: str = "auto",
    tol: float = 1e-9,
    max_iter: int | None = None,
    backend: str = "auto",
    device: str | None = None,
) -> PIDParts:
    """R, U1, U2 (bits) from ``p(x1,y)`` and ``p(x2,y)`` (trusted, consistent on ``p(y)``).

    Parameters
    ----------
    p_x1y, p_x2y : ndarray, shapes (n1, ny), (n2, ny)
        The source-label marginals.
    solver, tol, max_iter, backend, device
        Passed to :func:`mmbounds.solvers.broja.broja` (``tol``: certified gap, bits; None
        ``max_iter``: its default).

    Returns
    -------
    PIDParts
        R, U1, U2, ``I(X1;Y)``, ``I(X2;Y)`` and ``R + U1 + U2`` (bits), the solver record and how
        far the solved minimum was projected.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.zeros((2, 2, 2)); p[0, 0, 0] = p[1, 1, 1] = 0.5
    >>> round(redundancy_uniqueness(p.sum(1), p.sum(0)).redundancy, 6)
    1.0
    """
    kw = {} if max_iter is None else {"max_iter": max_iter}
    sol = broja(p_x1y, p_x2y, solver=solver, tol=tol, backend=backend, device=device, **kw)
    i1 = mutual_information(p_x1y, 0, 1)
    i2 = mutual_information(p_x2y, 0, 1)
    min_mi, clipped = _project(sol.min_mi, max(i1, i2), i1 + i2)
    r = i1 + i2 - min_mi
    return PIDParts(r, max(i1 - r, 0.0), max(i2 - r, 0.0), i1, i2, min_mi, sol.info, clipped)


def _project(value: float, lo: float, hi: float) -> tuple[float, float]:
    """``value`` projected onto ``[lo, hi]`` and the distance moved (a non-finite value: ``hi``,
    the always valid upper end, with an infinite distance)."""
    if not np.isfinite(value):
        return hi, float("inf")
    out = min(max(value, lo), hi)
    return out, abs(out - value)


def pid(
    p: Any,
    *,
    normalize: bool = False,
    solver: str = "auto",
    tol: float = 1e-9,
    backend: str = "auto",
    device: str | None = None,
) -> PIDResult:
    """Exact partial information decomposition of a joint table ``p[x1, x2, y]``.

    Parameters
    ----------
    p : array_like, shape (n_x1, n_x2, n_y)
        The labeled multimodal joint (probabilities, or counts with ``normalize=True``).
    normalize : bool, default False
        Rescale ``p`` to sum to 1 (True or False; a numpy bool too).
    solver : {"auto", "cvxpy", "fast"}
        BROJA solver: the cvxpy + Clarabel reference or the fast dedicated solver.
    tol : float
        Certified optimality gap (bits) for the fast solver.
    backend : {"auto", "numpy", "torch"}
        Array backend of the fast solver.
    device : str, int, torch.device or None
        Torch device of the fast solver (e.g. ``"cuda"``); torch must be able to hold float64
        numbers on it (``"meta"`` is refused).

    Returns
    -------
    PIDResult
        R, U1, U2, S in bits.

    Raises
    ------
    ValueError
        If ``p`` is not a valid 3-axis probability table, or for an unknown ``solver`` or
        ``backend``, or a ``device`` torch cannot use.
    TypeError
        If ``normalize`` is not a bool or ``device`` no str, int or ``torch.device``.
    mmbounds.exceptions.SolverError
        If the conic solver fails (its status is in the message).

    Examples
    --------
    >>> import numpy as np
    >>> xor = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         xor[a, b, a ^ b] = 0.25
    >>> pid(xor)
    PIDResult(R=0.0000, U1=0.0000, U2=0.0000, S=1.0000 bits)
    """
    p = check_table(p, name="p", ndim=3, normalize=normalize)
    check_option(solver, name="solver", options=SOLVERS)
    check_scalar(tol, name="tol", min_val=0.0, include_min=False)
    check_option(backend, name="backend", options=BACKENDS)
    check_device(device)
    parts = redundancy_uniqueness(
        p.sum(axis=1), p.sum(axis=0), solver=solver, tol=tol, backend=backend, device=device
    )
    total = mutual_information(p, (0, 1), 2)
    info = parts.info
    synergy, _ = _project(total - parts.min_mi, 0.0, total)  # S >= 0: p is in the BROJA set
    status = "ok" if info.converged else "warning"
    message = "" if info.converged else f"broja: {info.status} (gap {info.residual:.2e} bits)"
    valid = bool(math.isfinite(info.residual))
    warn_status(status, message, valid, what="mmbounds.pid")
    return PIDResult(
        parts.redundancy,
        parts.unique1,
        parts.unique2,
        synergy,
        parts.mi_x1y,
        parts.mi_x2y,
        total,
        info,
        status=status,
        message=message,
        mmbounds_version=__version__,
        valid=valid,
    )
