"""The one registry of synergy bounds: name -> side, guarantee, cost, label, note, compute.

Every list of bounds in the package (``estimate``, results, plots, figures, the CLI) reads
:data:`BOUNDS`; adding a bound is one :func:`register` call next to its compute function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BoundSpec", "BoundValue", "BOUNDS", "register", "COSTS", "SIDES"]

SIDES = ("lower", "upper")
COSTS = ("closed_form", "solve", "search")
"""Cost classes: a closed form over the marginals, one convex solve, a non-convex search."""


@dataclass(frozen=True, slots=True)
class BoundValue:
    """What a compute function returns (internal).

    Attributes
    ----------
    value : float
        The bound, bits.
    info : SolverInfo or None
        Record of the solve behind it (None for closed forms).
    witness : float or None
        Synergy of a feasible joint found on the way (upper bounds from a search), bits.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.bounds import BOUNDS, BoundContext
    >>> from mmbounds.data import bitwise_joint
    >>> m = mmbounds.Marginals.from_joint(bitwise_joint("xor"))
    >>> bv = BOUNDS["synergy_upper_bnb"].compute(BoundContext(m, mmbounds.Options()))
    >>> round(bv.value, 4), round(bv.witness, 4), bv.info.method
    (1.0, 1.0, 'exact-1d')
    """

    value: float
    info: Any = None
    witness: float | None = None


@dataclass(frozen=True, slots=True)
class BoundSpec:
    """A registered bound.

    Attributes
    ----------
    name : str
        What it bounds and how (``synergy_lower_shared``, ``synergy_upper_coupling``, ...).
    side : str
        ``"lower"`` or ``"upper"``.
    guaranteed : bool
        True when the inequality is proven for the marginals (False for estimates from trained
        classifiers and for the paper's c = 1 variant).
    cost : str
        ``"closed_form"``, ``"solve"`` or ``"search"``.
    label : str
        Short human label (plots, tables).
    note : str
        One line: the formula.
    compute : callable
        ``compute(ctx: BoundContext) -> BoundValue``.
    max_auto_cells : int or None
        ``bounds="auto"`` leaves the bound out above this many cells of ``X1 x X2 x Y``.
    needs_posteriors : bool
        Computed from classifier posteriors on the paired samples (only when they are given).
    resampled : bool
        Recomputed on every resample of the finite-sample layer (False for searches and for
        bounds another entry dominates).

    Examples
    --------
    >>> from mmbounds import BOUNDS
    >>> spec = BOUNDS["synergy_upper_coupling"]
    >>> spec.side, spec.guaranteed, spec.cost, spec.label
    ('upper', True, 'closed_form', 'coupling (majorization meet)')
    >>> [name for name, s in BOUNDS.items() if not s.guaranteed and not s.needs_posteriors]
    ['synergy_lower_disagreement_paper']
    """

    name: str
    side: str
    guaranteed: bool
    cost: str
    label: str
    note: str
    compute: Callable[[Any], BoundValue]
    max_auto_cells: int | None = None
    needs_posteriors: bool = False
    resampled: bool = True


class _Registry(Mapping[str, BoundSpec]):
    """Read-only name -> :class:`BoundSpec` mapping, in registration order."""

    def __init__(self) -> None:
        self._specs: dict[str, BoundSpec] = {}

    def __getitem__(self, name: str) -> BoundSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __repr__(self) -> str:
        return f"BOUNDS({', '.join(self._specs)})"

    def _add(self, spec: BoundSpec) -> None:
        if spec.name in self._specs:
            raise ValueError(f"bound {spec.name!r} is registered twice")
        if spec.side not in SIDES or spec.cost not in COSTS:
            raise ValueError(f"bound {spec.name!r}: bad side {spec.side!r} or cost {spec.cost!r}")
        self._specs[spec.name] = spec


BOUNDS = _Registry()
"""Every bound on synergy, by name (a read-only mapping name -> :class:`BoundSpec`)."""


def register(
    name: str,
    *,
    side: str,
    guaranteed: bool,
    cost: str,
    label: str,
    note: str,
    max_auto_cells: int | None = None,
    needs_posteriors: bool = False,
    resampled: bool = True,
) -> Callable[[Callable[[Any], BoundValue]], Callable[[Any], BoundValue]]:
    """Decorator adding ``compute(ctx) -> BoundValue`` to :data:`BOUNDS` under ``name``.

    Parameters
    ----------
    name : str
        The key (what it bounds and how, e.g. ``synergy_lower_shared``).
    side, guaranteed, cost, label, note, max_auto_cells, needs_posteriors, resampled
        The fields of :class:`BoundSpec` of the same names (``resampled`` is also False for
        searches and for bounds from posteriors).

    Returns
    -------
    callable
        The decorator; it registers ``compute`` and returns it unchanged.

    Raises
    ------
    ValueError
        (when decorating) For a name registered twice or an unknown side or cost.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> @register("synergy_upper_demo", side="upper", guaranteed=True, cost="closed_form",
    ...           label="H(Y) - (R+U1+U2)", note="I(X1,X2;Y) <= H(Y)")
    ... def _demo(ctx):
    ...     return BoundValue(ctx.trivial_upper)
    >>> res = mmbounds.estimate(bitwise_joint("xor"), bounds=["synergy_upper_demo"],
    ...                         progress=False)
    >>> round(res.bound("synergy_upper_demo").value, 4)
    1.0
    >>> del BOUNDS._specs["synergy_upper_demo"]  # remove the demonstration entry again
    """

    def deco(fn: Callable[[Any], BoundValue]) -> Callable[[Any], BoundValue]:
        BOUNDS._add(
            BoundSpec(
                name,
                side,
                guaranteed,
                cost,
                label,
                note,
                fn,
                max_auto_cells=max_auto_cells,
                needs_posteriors=needs_posteriors,
                resampled=resampled and not needs_posteriors and cost != "search",
            )
        )
        return fn

    return deco
