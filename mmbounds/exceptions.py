"""Warning and error classes of mmbounds (one place, as in ``sklearn.exceptions``)."""

from __future__ import annotations

__all__ = [
    "ConvergenceWarning",
    "InconsistentMarginalsWarning",
    "EstimationWarning",
    "SolverError",
    "SizeWarning",
]


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped before reaching its tolerance."""


class InconsistentMarginalsWarning(UserWarning):
    """The observed pairwise marginals disagree beyond a tolerance and were reconciled."""


class EstimationWarning(UserWarning):
    """A number is an estimate with a known weakness (few samples per cell, trained classifiers)."""


class SizeWarning(UserWarning):
    """A problem is large: the message gives the estimated memory and time and how to shrink it."""


class SolverError(RuntimeError):
    """A convex solver failed to certify a solution; the message names the solver and its status."""
