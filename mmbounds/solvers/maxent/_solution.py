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
    potentials : tuple of ndarray or None
        ``(phi12, phi1y, phi2y)``, shapes ``(n1, n2)``, ``(n1, ny)``, ``(n2, ny)``, with
        ``log r = phi12 + phi1y + phi2y`` on the support (a warm start for
        :func:`maxent_newton`); None when the solver does not provide them. Built on first access.

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> from mmbounds.solvers import maxent_ipf
    >>> p = bitwise_joint("xor")
    >>> sol = maxent_ipf(p.sum(1), p.sum(0), p.sum(2))
    >>> round(sol.entropy, 4), round(sol.entropy_upper, 4), sol.r.shape, sol.info.converged
    (3.0, 3.0, (2, 2, 2), True)
    """

    _r: Lazy = field(repr=False)
    entropy: float
    entropy_upper: float
    info: SolverInfo
    _potentials: Lazy | None = field(default=None, repr=False)

    @property
    def potentials(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The log-potentials of ``r`` (see the class docstring), built on first access."""
        return None if self._potentials is None else self._potentials.get()  # type: ignore[return-value]

    @property
    def r(self) -> np.ndarray:
        """The last IPF iterate (read-only), built on first access."""
        return self._r.get()

    def __reduce__(self) -> tuple[object, ...]:  # pickles the built array, not the builder
        pots = None if self._potentials is None else Lazy(self.potentials)  # type: ignore[arg-type]
        return (type(self), (Lazy(self.r), self.entropy, self.entropy_upper, self.info, pots))
