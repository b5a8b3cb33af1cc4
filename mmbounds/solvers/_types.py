"""Shared records of the solvers: :class:`SolverInfo` and the :class:`Lazy` table holder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["SolverInfo", "Lazy"]


class Lazy:
    """An array built on first access: the holder of a solution's large table.

    A solver may hand over a zero-argument function instead of a large array (say, a GPU result
    that would otherwise be copied to the host whether or not anyone reads it); the first
    :meth:`get` calls it and keeps the array inside the holder, so the frozen record that holds
    the ``Lazy`` is never written to. An array may be given directly as well.

    Pickling stores the built array, never the builder.

    Parameters
    ----------
    source : ndarray or callable
        The table, or a zero-argument function that builds it.
    """

    __slots__ = ("_build", "_value")

    def __init__(self, source: np.ndarray | Callable[[], np.ndarray]) -> None:
        if callable(source):
            self._build: Callable[[], np.ndarray] | None = source
            self._value: np.ndarray | None = None
        else:
            self._build, self._value = None, self._read_only(source)

    @staticmethod
    def _read_only(value: Any) -> np.ndarray:
        """``value`` itself when already read-only, else a read-only view of it."""
        if isinstance(value, np.ndarray) and value.flags.writeable:
            value = value.view()
            value.setflags(write=False)
        return value

    def get(self) -> np.ndarray:
        """The table (read-only); built and cached on the first call.

        Returns
        -------
        ndarray
            The read-only table.
        """
        if self._value is None:
            assert self._build is not None
            self._value = self._read_only(self._build())
            self._build = None
        return self._value

    def __reduce__(self) -> tuple[Any, ...]:  # pickles the built array, not the builder
        return (type(self), (self.get(),))

    def __repr__(self) -> str:
        return f"Lazy({'built' if self._value is not None else 'not built'})"


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
        ``"optimal"``, ``"max_iter"``, ``"optimal_inaccurate"``, ``"numerical_error"`` or
        ``"stalled"`` (the max-entropy Newton solver: no step lowered the dual any more).
    method : str
        Name of the algorithm (``"cvxpy-clarabel"``, ``"ipf"``, ...).
    solve_time_s : float
        Wall time of the solve in seconds.

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> from mmbounds.solvers import broja_fast
    >>> p = bitwise_joint("and")
    >>> info = broja_fast(p.sum(1), p.sum(0)).info
    >>> info.converged, info.status, info.method, info.residual < 1e-9
    (True, 'optimal', 'ipm-mehrotra', True)
    """

    converged: bool
    n_iter: int
    residual: float
    status: str
    method: str
    solve_time_s: float = field(default=0.0, compare=False)
