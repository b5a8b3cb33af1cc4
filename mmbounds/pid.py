"""Partial information decomposition (BROJA definition) of a labeled joint, in bits.

    R  = I(X1;Y) + I(X2;Y) - I_q*(X1,X2;Y)      U1 = I(X1;Y) - R      U2 = I(X2;Y) - R
    S  = I_p(X1,X2;Y) - I_q*(X1,X2;Y)

with ``q*`` the solution of the BROJA program (:mod:`mmbounds.solvers.broja`). R, U1 and U2 depend
on
``p(x1,y)`` and ``p(x2,y)`` only; S needs the full joint. With only the pairwise marginals, see
:func:`mmbounds.estimate` for bounds on S.

References
----------
N. Bertschinger, J. Rauh, E. Olbrich, J. Jost, N. Ay, "Quantifying unique information",
Entropy 16(4), 2014.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import check_option, check_table
from .info import mutual_information
from .solvers._types import SolverInfo
from .solvers.broja import broja

__all__ = ["PIDResult", "PIDParts", "pid", "redundancy_uniqueness"]

METHODS = ("auto", "cvxpy", "fast")


@dataclass(frozen=True, slots=True)
class PIDParts:
    """R, U1, U2 from the two source-label marginals (bits), with the BROJA solve behind them.

    ``min_mi = R + U1 + U2 = I_q*(X1,X2;Y)``.
    """

    redundancy: float
    unique1: float
    unique2: float
    mi_x1y: float
    mi_x2y: float
    min_mi: float
    info: SolverInfo


def redundancy_uniqueness(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    *,
    method: str = "auto",
    tol: float = 1e-9,
    backend: str = "auto",
    device: str | None = None,
) -> PIDParts:
    """R, U1, U2 (bits) from ``p(x1,y)`` and ``p(x2,y)`` (trusted, consistent on ``p(y)``)."""
    sol = broja(p_x1y, p_x2y, solver=method, tol=tol, backend=backend, device=device)
    i1 = mutual_information(p_x1y, 0, 1)
    i2 = mutual_information(p_x2y, 0, 1)
    r = i1 + i2 - sol.min_mi
    return PIDParts(r, i1 - r, i2 - r, i1, i2, sol.min_mi, sol.info)


@dataclass(frozen=True, slots=True)
class PIDResult:
    """Exact PID of a labeled joint ``p(x1, x2, y)``; all values in bits.

    Attributes
    ----------
    redundancy, unique1, unique2, synergy : float
        R, U1, U2, S.
    mi_x1y, mi_x2y, mi_x1x2y : float
        ``I(X1;Y)``, ``I(X2;Y)``, ``I(X1,X2;Y)``.
    info : SolverInfo
        The BROJA solve.
    """

    redundancy: float
    unique1: float
    unique2: float
    synergy: float
    mi_x1y: float
    mi_x2y: float
    mi_x1x2y: float
    info: SolverInfo

    @property
    def checks(self) -> dict[str, float]:
        """Residuals (bits) of the identities the decomposition satisfies."""
        return {
            "R+U1-I(X1;Y)": self.redundancy + self.unique1 - self.mi_x1y,
            "R+U2-I(X2;Y)": self.redundancy + self.unique2 - self.mi_x2y,
            "R+U1+U2+S-I(X1,X2;Y)": self.redundancy
            + self.unique1
            + self.unique2
            + self.synergy
            - self.mi_x1x2y,
            "min(R,U1,U2,S)": min(self.redundancy, self.unique1, self.unique2, self.synergy),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (bits)."""
        return {
            "redundancy": self.redundancy,
            "unique1": self.unique1,
            "unique2": self.unique2,
            "synergy": self.synergy,
            "mi_x1y": self.mi_x1y,
            "mi_x2y": self.mi_x2y,
            "mi_x1x2y": self.mi_x1x2y,
            "status": self.info.status,
            "method": self.info.method,
        }

    def __repr__(self) -> str:
        vals = (self.redundancy, self.unique1, self.unique2, self.synergy)
        body = ", ".join(f"{k}={_fmt(v)}" for k, v in zip(("R", "U1", "U2", "S"), vals))
        return f"PIDResult({body} bits)"


def _fmt(v: float) -> str:
    return f"{0.0 if abs(v) < 5e-7 else v:.4f}"


def pid(
    p: Any,
    *,
    normalize: bool = False,
    method: str = "auto",
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
        Rescale ``p`` to sum to 1.
    method : {"auto", "cvxpy", "fast"}
        BROJA solver: the cvxpy + Clarabel reference or the fast dedicated solver.
    tol : float
        Certified optimality gap (bits) for the fast solver.
    backend, device :
        Array backend of the fast solver (``"numpy"`` or ``"torch"``).

    Returns
    -------
    PIDResult
        R, U1, U2, S in bits.

    Raises
    ------
    ValueError
        If ``p`` is not a valid 3-axis probability table.
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
    check_option(method, name="method", options=METHODS)
    parts = redundancy_uniqueness(
        p.sum(axis=1), p.sum(axis=0), method=method, tol=tol, backend=backend, device=device
    )
    total = mutual_information(p, (0, 1), 2)
    return PIDResult(
        parts.redundancy,
        parts.unique1,
        parts.unique2,
        total - parts.min_mi,
        parts.mi_x1y,
        parts.mi_x2y,
        total,
        parts.info,
    )
