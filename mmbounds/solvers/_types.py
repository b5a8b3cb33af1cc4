"""Shared record of an iterative or convex solve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SolverInfo", "materialize"]


def materialize(obj: Any, name: str) -> Any:
    """The array in field ``name`` of the frozen record ``obj``, built on first access.

    A solver may store a zero-argument function instead of a large array (say, a GPU result that
    would otherwise be copied to the host whether or not anyone reads it); the first access calls
    it and keeps the array.
    """
    value = getattr(obj, name)
    if callable(value):
        value = value()
        object.__setattr__(obj, name, value)
    return value


@dataclass(frozen=True, slots=True)
class SolverInfo:
    """What a solver did.

    Attributes
    ----------
    converged : bool
        True when the stopping criterion (``tol``) was met or the conic solver reported ``optimal``.
    n_iter : int
        Iterations used (0 for a one-shot conic solve).
    residual : float
        The quantity ``tol`` bounds: max absolute marginal error for scaling methods, the certified
        duality gap in bits for BROJA solvers.
    status : str
        ``"optimal"``, ``"max_iter"``, ``"optimal_inaccurate"`` or ``"numerical_error"``.
    method : str
        Name of the algorithm (``"cvxpy-clarabel"``, ``"ipf"``, ...).
    solve_time_s : float
        Wall time of the solve in seconds.
    """

    converged: bool
    n_iter: int
    residual: float
    status: str
    method: str
    solve_time_s: float = 0.0
