"""Shared record of an iterative or convex solve."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SolverInfo"]


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
