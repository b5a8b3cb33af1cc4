"""Warning and error classes of mmbounds (one place, as in ``sklearn.exceptions``)."""

from __future__ import annotations

__all__ = [
    "ConvergenceWarning",
    "InconsistentMarginalsWarning",
    "EstimationWarning",
    "SolverError",
    "SizeWarning",
    "StatusWarning",
    "DegradedWarning",
]


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped before reaching its tolerance."""


class StatusWarning(ConvergenceWarning):
    """A result's status is not ``"ok"``; the message gives the status, the reason and whether the
    numbers remain valid (``result.valid``).

    Raised once per result, after any warning of the solver concerned. A subclass of
    :class:`ConvergenceWarning`, so filters on that class cover it too; silence only these with
    ``warnings.filterwarnings("ignore", category=mmbounds.exceptions.StatusWarning)``.
    """


class DegradedWarning(StatusWarning):
    """A result's status is ``"degraded"``: a solver failed and a coarser valid bound was used, or
    a value was repaired beyond rounding (the message says which and whether R, U1, U2 hold)."""


class InconsistentMarginalsWarning(UserWarning):
    """The observed pairwise marginals disagree beyond a tolerance and were reconciled."""


class EstimationWarning(UserWarning):
    """A number is an estimate with a known weakness (few samples per cell, trained classifiers)."""


class SizeWarning(UserWarning):
    """A problem is large: the message gives the estimated memory and time and how to shrink it."""


class SolverError(RuntimeError):
    """A convex solver failed to certify a solution; the message names the solver and its status."""
