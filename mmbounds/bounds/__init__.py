"""Bounds on synergy from the three observable pairwise marginals (bits), in one registry.

:data:`BOUNDS` maps each bound's name to its :class:`BoundSpec` (side, guarantee, cost, label,
note, compute function). :func:`mmbounds.estimate` runs the selected entries on one shared
:class:`BoundContext` (R, U1, U2 and the entropies are computed once); the functions below compute
one bound for a :class:`~mmbounds.Marginals` object.

Lower bounds: ``synergy_lower_shared`` (max-entropy; the tightest the marginals allow),
``synergy_lower_shared_paper`` (the paper's relaxation), the disagreement bounds
``synergy_lower_disagreement_{bhattacharyya,l2}`` and the paper's invalid c = 1 variant
``synergy_lower_disagreement_paper`` (and ``*_classifiers`` forms from trained classifiers,
estimates). Upper bounds: ``synergy_upper_coupling`` (majorization meet, the paper's),
``synergy_upper_coupling_profile`` and ``synergy_upper_bnb`` (branch-and-bound with a witness).

References
----------
P. P. Liang, C. K. Ling, Y. Cheng et al., "Multimodal learning without labeled multimodal data:
guarantees and applications", ICLR 2024 (Theorems 1, 2 and 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._options import Options, as_options
from .._pid import PIDParts
from .._validation import check_posterior_pair
from ..marginals import Marginals
from . import _shared, _upper  # noqa: F401  (registration order: shared, disagreement, upper)
from ._context import BoundContext, certified_min
from ._disagreement import disagreement, register_classifier_forms
from ._registry import BOUNDS, COSTS, SIDES, BoundSpec, BoundValue, register
from ._upper import coupling_gap, coupling_lower_entropy

register_classifier_forms()

__all__ = [
    "BOUNDS",
    "BoundSpec",
    "BoundValue",
    "BoundContext",
    "COSTS",
    "SIDES",
    "register",
    "select_bounds",
    "identified_set",
    "evaluate",
    "certified_min",
    "disagreement",
    "coupling_lower_entropy",
    "coupling_gap",
    "BOUND_FUNCTIONS",
]


def select_bounds(bounds: str | Sequence[str], *, n_cells: int, with_posteriors: bool) -> list[str]:
    """Names of the bounds an estimate computes, in registry order.

    Parameters
    ----------
    bounds : "auto", "all", a name or a sequence of names
        ``"all"``: every bound the inputs allow; ``"auto"``: the same without the bounds whose
        ``max_auto_cells`` is below ``n_cells`` (their cost grows fastest).
    n_cells : int
        Cells of ``X1 x X2 x Y``.
    with_posteriors : bool
        Classifier posteriors are given: the ``*_classifiers`` bounds are added (also to an
        explicit list).

    Returns
    -------
    list of str
        Keys of :data:`BOUNDS`.

    Raises
    ------
    ValueError
        For an unknown name.

    Examples
    --------
    >>> names = select_bounds("auto", n_cells=8, with_posteriors=False)
    >>> len(names), names[0], names[-1]
    (8, 'synergy_lower_shared', 'synergy_upper_bnb')
    >>> select_bounds(["synergy_upper_coupling"], n_cells=8, with_posteriors=True)[:2]
    ['synergy_upper_coupling', 'synergy_lower_disagreement_bhattacharyya_classifiers']
    """
    if isinstance(bounds, str) and bounds not in ("all", "auto"):
        bounds = [bounds]
    if isinstance(bounds, str):
        names = [
            n
            for n, spec in BOUNDS.items()
            if not spec.needs_posteriors
            and (bounds == "all" or spec.max_auto_cells is None or n_cells <= spec.max_auto_cells)
        ]
    else:
        if not all(isinstance(n, str) for n in bounds):
            raise TypeError(
                f"bounds must be 'auto', 'all', a name or a list of names; got {bounds!r}"
            )
        unknown = [n for n in bounds if n not in BOUNDS]
        if unknown:
            raise ValueError(f"bounds: unknown bound {unknown[0]!r}; choose from {list(BOUNDS)}")
        names = [n for n in BOUNDS if n in set(bounds)]
    if with_posteriors:
        names += [n for n, spec in BOUNDS.items() if spec.needs_posteriors and n not in names]
    elif any(BOUNDS[n].needs_posteriors for n in names):
        raise ValueError("the *_classifiers bounds need classifier posteriors (posteriors=)")
    return names


def identified_set(ctx: BoundContext, *, search: bool = False) -> tuple[float, float]:
    """Best guaranteed lower and upper bound on S among the bounds recomputed per resample.

    The lower one is not clipped at 0 (a resampling layer needs the raw functional); the upper
    one includes ``H(Y) - (R+U1+U2)``.

    Parameters
    ----------
    ctx : BoundContext
        The shared quantities of one (resampled) set of marginals.
    search : bool, default False
        Also the bounds that search (branch-and-bound; those of ``bounds="auto"`` for the
        table's size): the tight end, for the resamples of small tables.

    Returns
    -------
    (float, float)
        The lower and the upper bound on S, bits.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> m = mmbounds.Marginals.from_joint(bitwise_joint("xor"))
    >>> tuple(round(v, 4) for v in identified_set(BoundContext(m, mmbounds.Options())))
    (0.0, 1.0)
    """
    n_cells = ctx.n_cells
    lows, highs = [], [ctx.trivial_upper]
    for spec in BOUNDS.values():
        searched = search and spec.cost == "search" and not spec.needs_posteriors
        if not ((spec.resampled or searched) and spec.guaranteed):
            continue
        if spec.max_auto_cells is not None and n_cells > spec.max_auto_cells:
            continue
        (lows if spec.side == "lower" else highs).append(float(spec.compute(ctx).value))
    return max(lows), min(highs)


def evaluate(
    name: str,
    m: Marginals,
    *,
    parts: PIDParts | None = None,
    posteriors: tuple[Any, Any] | None = None,
    options: Options | dict[str, Any] | None = None,
    random_state: Any = 0,
) -> float:
    """One registered bound for the marginals ``m``, in bits.

    Parameters
    ----------
    name : str
        A key of :data:`BOUNDS`.
    m : Marginals
        Validated, consistent marginals.
    parts : PIDParts, optional
        R, U1, U2 already solved for ``m``.
    posteriors : pair of ndarray, optional
        Classifier posteriors on the paired samples (the ``*_classifiers`` bounds).
    options : Options or dict, optional
        Solver options (see :class:`mmbounds.Options`).
    random_state : None, int or numpy.random.Generator, default 0
        Seeds randomised searches.

    Returns
    -------
    float
        The bound, bits.

    Raises
    ------
    ValueError
        For an unknown name, or posteriors that are not tables of probability rows with one
        column per label (and as many rows in both).
    TypeError
        If ``m`` is not :class:`~mmbounds.Marginals`.

    Examples
    --------
    >>> import numpy as np
    >>> from mmbounds import Marginals
    >>> xor = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         xor[a, b, a ^ b] = 0.25
    >>> round(evaluate("synergy_upper_coupling", Marginals.from_joint(xor)), 6)
    1.0
    """
    if name not in BOUNDS:
        raise ValueError(f"unknown bound {name!r}; choose from {list(BOUNDS)}")
    if not isinstance(m, Marginals):
        raise TypeError(f"m must be mmbounds.Marginals, got {type(m).__name__}")
    post = check_posterior_pair(posteriors, m.shape[2])
    ctx = BoundContext(
        m, as_options(options), parts=parts, posteriors=post, random_state=random_state
    )
    return float(BOUNDS[name].compute(ctx).value)


def _bound_function(name: str) -> Any:
    """The public function computing the registered bound ``name`` (generated, one per entry)."""

    def fn(
        m: Marginals,
        *,
        parts: PIDParts | None = None,
        options: Options | dict[str, Any] | None = None,
        random_state: Any = 0,
    ) -> float:
        return evaluate(name, m, parts=parts, options=options, random_state=random_state)

    spec = BOUNDS[name]
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = __name__
    fn.__doc__ = _DOC.format(label=spec.label, note=spec.note, name=name, side=spec.side)
    return fn


_DOC = """{label}: {note} ({side} bound on S, bits).

Parameters
----------
m : Marginals
    Validated, consistent marginals.
parts : PIDParts, optional
    R, U1, U2 already solved for ``m``.
options : Options or dict, optional
    Solver options (``solver``, ``tol``, ``max_iter``, ``backend``, ``device``, budgets).
random_state : None, int or numpy.random.Generator, default 0
    Seeds randomised searches.

Returns
-------
float
    The bound, bits (its registry entry: ``mmbounds.bounds.BOUNDS[{name!r}]``).

Examples
--------
>>> import numpy as np
>>> from mmbounds import Marginals, bounds
>>> m = Marginals.from_joint(np.full((2, 2, 2), 1 / 8))
>>> value = bounds.{name}(m)
>>> bool(np.isfinite(value))
True
"""

# one public function per registered bound computed from the marginals alone (the *_classifiers
# bounds need posteriors: use evaluate(name, m, posteriors=...))
BOUND_FUNCTIONS = tuple(n for n, spec in BOUNDS.items() if not spec.needs_posteriors)
for _name in BOUND_FUNCTIONS:
    globals()[_name] = _bound_function(_name)
__all__ += list(BOUND_FUNCTIONS)
