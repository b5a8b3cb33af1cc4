"""Quantities that several bounds share, computed once per estimate (internal)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from .._options import Options
from .._pid import PIDParts, redundancy_uniqueness
from ..info import entropy, mutual_information
from ..marginals import Marginals
from ..solvers.broja import broja_support
from ..solvers.min_entropy import min_entropy_lower_pairings

__all__ = ["BoundContext"]


class BoundContext:
    """One estimate's marginals, options and shared quantities (each computed on first use).

    Parameters
    ----------
    m : Marginals
        Validated, consistent marginals.
    options : Options
        Solver options (``solver``, ``tol``, ``backend``, ``device``, budgets).
    parts : PIDParts, optional
        R, U1, U2 already solved for ``m`` (otherwise solved on first use).
    posteriors : pair of ndarray (n_pairs, n_y), optional
        Validated classifier posteriors on the paired samples.
    random_state : None, int or numpy.random.Generator
        Seeds the randomised searches (branch-and-bound restarts).

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> m = mmbounds.Marginals.from_joint(bitwise_joint("and"))
    >>> ctx = BoundContext(m, mmbounds.Options())
    >>> ctx.shape, ctx.n_cells, round(ctx.entropy_y, 4)
    ((2, 2, 2), 8, 0.8113)
    >>> round(ctx.certified_min_mi, 4), round(ctx.trivial_upper, 4)
    (0.3113, 0.5)
    """

    def __init__(
        self,
        m: Marginals,
        options: Options,
        *,
        parts: PIDParts | None = None,
        posteriors: tuple[np.ndarray, np.ndarray] | None = None,
        random_state: Any = None,
    ) -> None:
        self.m = m
        self.options = options
        self.posteriors = posteriors
        self.random_state = random_state
        if parts is not None:
            self.__dict__["parts"] = parts
        self._pairings: dict[str, float] = {}

    @cached_property
    def parts(self) -> PIDParts:
        """R, U1, U2 and the BROJA solve behind them."""
        o = self.options
        return redundancy_uniqueness(
            self.m.p_x1y,
            self.m.p_x2y,
            solver=o.solver,
            tol=o.tol,
            max_iter=o.max_iter,
            backend=o.backend,
            device=o.device,
        )

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(|X1|, |X2|, |Y|)``."""
        return self.m.shape

    @property
    def n_cells(self) -> int:
        """Cells of ``X1 x X2 x Y``."""
        return int(np.prod(self.m.shape))

    @cached_property
    def n_support(self) -> int:
        """Cells of the BROJA program after pruning."""
        return int(broja_support(self.m.p_x1y, self.m.p_x2y).sum())

    @cached_property
    def entropy_y(self) -> float:
        return entropy(self.m.p_y)

    @cached_property
    def entropy_x1x2(self) -> float:
        return entropy(self.m.p_x1x2)

    @cached_property
    def entropy_x1y(self) -> float:
        return entropy(self.m.p_x1y)

    @cached_property
    def entropy_x2y(self) -> float:
        return entropy(self.m.p_x2y)

    @cached_property
    def mi_x1x2(self) -> float:
        return mutual_information(self.m.p_x1x2, 0, 1)

    @cached_property
    def certified_min_mi(self) -> float:
        """``R + U1 + U2`` lowered by the certified BROJA gap: never above the true minimum, so a
        bound built on it stays valid when the solve is not exactly optimal."""
        return self.parts.certified_min_mi

    @cached_property
    def trivial_upper(self) -> float:
        """``S <= H(Y) - (R+U1+U2)`` (as ``I(X1,X2;Y) <= H(Y)``), with R+U1+U2 lowered by the
        certified BROJA gap (finite even when BROJA failed)."""
        return max(self.entropy_y - self.certified_min_mi, 0.0)

    def pairings_lower(self, coupling: str) -> float:
        """Best coupling bound (``"meet"`` or ``"profile"``) on ``min H`` over Δ12, bits.

        Parameters
        ----------
        coupling : {"meet", "profile"}
            The coupling bound of each pairing (computed once per context, then cached).

        Returns
        -------
        float
            Lower bound on ``min H(r)`` over the joints ``r`` of ``(x1, x2)`` in Δ12, bits.
        """
        if coupling not in self._pairings:
            m = self.m
            self._pairings[coupling] = min_entropy_lower_pairings(
                m.p_x1y, m.p_x2y, m.p_x1x2, coupling=coupling
            )
        return self._pairings[coupling]

    def upper_from_entropy(self, entropy_lower: float) -> float:
        """``S <= H(X1,X2) + H(Y) - L - (R+U1+U2)``, ``L`` a lower bound on min H over Δ12.

        Parameters
        ----------
        entropy_lower : float
            ``L``, bits.

        Returns
        -------
        float
            The upper bound on S, bits.
        """
        return self.entropy_x1x2 + self.entropy_y - entropy_lower - self.certified_min_mi


def certified_min(value: float, info: Any, floor: float = -np.inf) -> float:
    """A minimum computed by a solver, lowered by its certified residual (gap, bits).

    Never below ``floor``, a value known to lie below the true minimum (so a failed solve, with an
    infinite gap, falls back on ``floor``).

    Parameters
    ----------
    value : float
        The minimum the solver reports, bits.
    info : SolverInfo
        Its record; ``info.residual`` is the certified gap in bits (negative gaps count as 0).
    floor : float, default -inf
        A certified lower value of the minimum, bits.

    Returns
    -------
    float
        ``max(value - max(gap, 0), floor)``, bits.

    Examples
    --------
    >>> from mmbounds.solvers import SolverInfo
    >>> info = SolverInfo(converged=True, n_iter=12, residual=1e-3, status="optimal",
    ...                   method="ipm")
    >>> round(certified_min(0.5, info), 4)
    0.499
    >>> failed = SolverInfo(False, 50, float("inf"), "numerical_error", "ipm")
    >>> certified_min(0.5, failed, floor=0.0)
    0.0
    """
    return max(value - max(float(info.residual), 0.0), floor)
