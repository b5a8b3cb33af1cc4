"""The result record of the maximum-entropy solver, :class:`MaxEntSolution`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._types import Lazy, SolverInfo

__all__ = ["MaxEntSolution"]


@dataclass(frozen=True, slots=True)
class MaxEntSolution:
    """Result of :func:`maxent_ipf`.

    Attributes
    ----------
    r : ndarray, shape (n_x1, n_x2, n_y)
        Last IPF iterate (read-only); its marginals match the inputs to ``info.residual``. It is
        held by a :class:`~mmbounds.solvers._types.Lazy` and built (copied from the solver's
        device) on first access.
    entropy : float
        ``H(r)`` of the iterate, bits.
    entropy_upper : float
        Certified upper bound, bits, on the maximum entropy over all tables with the given
        marginals.
    info : SolverInfo
        ``residual`` is the max absolute marginal error of ``r``.
    """

    _r: Lazy = field(repr=False)
    entropy: float
    entropy_upper: float
    info: SolverInfo

    @property
    def r(self) -> np.ndarray:
        """The last IPF iterate (read-only), built on first access."""
        return self._r.get()

    def __reduce__(self) -> tuple[object, ...]:  # pickles the built array, not the builder
        return (type(self), (Lazy(self.r), self.entropy, self.entropy_upper, self.info))
