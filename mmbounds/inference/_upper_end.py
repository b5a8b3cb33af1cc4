"""S_U's lower limit: the sample's tightest upper bound on S (:func:`tighten_upper_end`) and the
corners where the population's tables tie (:func:`upper_end_rules`).

The tight upper bounds on S (majorization meet, branch-and-bound) sort probabilities, so they have
a corner where the population's tables tie: where a pairwise table is the product of its margins
(its conditionals are equal), or where two values of a variable have equal rows (a uniform
``X1``; the even and the odd values of ``xor_5x5x2``). Sampling noise breaks the tie and only
raises the bound, by the order of the noise, and the bootstrap, resampling around the broken tie,
does not see it. Measured with ``benchmarks/upper_tie.py`` (30 samples, n per source): on uniform
independent 5x5x2 noise at n = 1,000 the sample's branch-and-bound bound was 0.868 on average
against the population's 0.800, and the interval of ``S_U`` lay above 0.800 in all 30 samples (by
up to 0.085 bits); on ``xor_5x5x2`` at n = 10,000 in 28 (by up to 0.043).

Where the data cannot tell a pairwise table from the product of its margins
(:func:`independent_tables`, at the level ``1 - (1 - confidence) / 20``), or two values apart
(:func:`._ties.tied_marginals`), the population may sit at that corner, and there it equals the
same projection of itself: averaged tied rows (:func:`._ties.tied_marginals`), then products of
the margins (:func:`corner_marginals`). The tight bound of the projected sample tables, which keep
only the noise of the merged rows' means and of the margins, is then a candidate for ``S_U``, and
``S_U``'s lower limit is at most that candidate minus the larger of ``S_U``'s own lower margin and
the shift the projection made (the noise kept is of the order of the noise removed, or smaller):
:func:`lower_at_corner`. Merging or projecting where the population does not tie only lowers the
candidate: the rule only widens, and like every rule of the bootstrap mode it is asymptotic and
measured, not proven.
"""

from __future__ import annotations

import numpy as np

from .._options import Options
from .._progress import Progress
from ..marginals import Marginals
from ..results import Interval
from ._intervals import _ends, verdict
from ._parallel import captured_warnings
from ._ties import tied_marginals

__all__ = [
    "corner_marginals",
    "independent_tables",
    "lower_at_corner",
    "tighten_upper_end",
    "upper_end_rules",
]

#: level of the independence tests of :func:`independent_tables`: ``1 - (1 - confidence) / 20``, as
#: for the corner of ``S_L`` (:func:`._intervals._corner_hulls`)
_STRICT = 20.0


def _mi_x1x2(cols: np.ndarray) -> np.ndarray:
    """``I(X1;X2)`` from the columns of :data:`._functionals.FUNCTIONALS` (last axis), bits.

    ``H(X1,X2) = (H(X1,X2) - t) - (H(Y) - t) + H(Y|X1) + I(X1;Y)`` and
    ``I(X1;X2) = H(X1,X2) - H(X2|X1) - H(X1|X2)``.
    """
    h12 = cols[..., 8] - cols[..., 7] + cols[..., 11] + cols[..., 5]
    return h12 - cols[..., 13] - cols[..., 14]


def independent_tables(
    plugin: np.ndarray, reps: np.ndarray, confidence: float, variant: str
) -> tuple[bool, bool, bool]:
    """Which pairwise tables the data cannot tell from the product of their margins.

    Parameters
    ----------
    plugin : ndarray, shape (15,)
        The functionals of the sample (:data:`._functionals.FUNCTIONALS`).
    reps : ndarray, shape (B, 15)
        The same on ``B`` bootstrap replicates.
    confidence : float
        Level of the intervals; the tests use ``1 - (1 - confidence) / 20``.
    variant : str
        Bootstrap interval variant (:data:`._intervals.VARIANTS`).

    Returns
    -------
    tuple of 3 bool
        For ``p(x1, y)``, ``p(x2, y)`` and ``p(x1, x2)``: whether the lower limit of ``I(X1;Y)``,
        ``I(X2;Y)``, ``I(X1;X2)`` reaches 0.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> plugin = np.array([0.0] * 5 + [0.2, 0.001] + [1.0] * 4 + [0.9, 1.0, 0.4, 0.4])
    >>> reps = plugin + 0.01 * rng.standard_normal((100, 15))
    >>> independent_tables(plugin, reps, 0.95, "widened")
    (False, True, False)
    """
    plugin, reps = np.asarray(plugin, dtype=np.float64), np.asarray(reps, dtype=np.float64)
    mi = np.concatenate([plugin[5:7], [_mi_x1x2(plugin)]])
    mi_r = np.column_stack([reps[:, 5:7], _mi_x1x2(reps)])
    low = _ends(mi, mi_r, 1.0 - (1.0 - confidence) / _STRICT, variant)[0]
    return bool(low[0] <= 0.0), bool(low[1] <= 0.0), bool(low[2] <= 0.0)


def corner_marginals(m: Marginals, tables: tuple[bool, bool, bool]) -> Marginals:
    """``m`` with the chosen pairwise tables replaced by the products of their margins.

    Parameters
    ----------
    m : Marginals
        Reconciled marginals (their one-dimensional margins agree).
    tables : tuple of 3 bool
        Which of ``p(x1, y)``, ``p(x2, y)``, ``p(x1, x2)`` to replace (:func:`independent_tables`).

    Returns
    -------
    Marginals
        The projected marginals (consistent: the margins are those of ``m``).

    Examples
    --------
    >>> p = np.full((2, 2, 2), 0.125)
    >>> p[0, 0, 0], p[1, 1, 0] = 0.2, 0.05
    >>> c = corner_marginals(Marginals.from_joint(p), (True, True, False))
    >>> c.p_x1y.tolist()
    [[0.2875, 0.2875], [0.2125, 0.2125]]
    """
    p1, p2, p12 = m.p_x1y, m.p_x2y, m.p_x1x2
    py, m1, m2 = p1.sum(axis=0), p12.sum(axis=1), p12.sum(axis=0)
    new = (np.outer(m1, py), np.outer(m2, py), np.outer(m1, m2))
    chosen = [n if t else o for n, o, t in zip(new, (p1, p2, p12), tables)]
    return Marginals._trusted(*chosen, sample_sizes=m.sample_sizes)


def lower_at_corner(
    intervals: dict[str, Interval], corner_upper: float, margin: float, negligible: float
) -> dict[str, Interval]:
    """The intervals with ``S_U``'s lower limit at most ``corner_upper - margin`` (S's stays).

    Parameters
    ----------
    intervals : dict of str to Interval
        The sample's intervals (after :func:`tighten_upper_end`).
    corner_upper : float
        The tightest upper bound on S of :func:`corner_marginals`, bits.
    margin : float
        The margin below the candidate (:func:`upper_end_rules`: the larger of ``S_U``'s own
        lower margin and the shift the projection made).
    negligible : float
        Bits below which a quantity counts as absent (verdicts).

    Returns
    -------
    dict of str to Interval
        A new dict where the limit moved (``intervals`` is not modified), else ``intervals``.

    Examples
    --------
    >>> ivs = {
    ...     "synergy_upper_end": Interval("synergy_upper_end", 0.9, 0.86, 1.0, 0.99, "present"),
    ...     "synergy": Interval("synergy", 0.45, 0.0, 1.0, 0.5, "undetermined"),
    ... }
    >>> round(lower_at_corner(ivs, 0.81, 0.02, 0.01)["synergy_upper_end"].low, 6)
    0.79
    """
    return _lowered(intervals, max(corner_upper - max(margin, 0.0), 0.0), negligible)


def upper_end_rules(
    m: Marginals,
    plugin: np.ndarray,
    reps: np.ndarray,
    intervals: dict[str, Interval],
    ends: dict[str, Interval] | None,
    sample_upper: float,
    *,
    confidence: float,
    variant: str,
    negligible: float,
    options: Options,
    progress: bool | Progress = False,
    tight_reps: np.ndarray | None = None,
) -> tuple[dict[str, Interval], dict[str, Interval] | None, float | None]:
    """:func:`tighten_upper_end`, the tight bound's own interval, then the independence-corner
    rule of the module docstring.

    Parameters
    ----------
    m : Marginals
        The sample's reconciled marginals.
    plugin, reps : ndarray
        Its functionals and their bootstrap replicates (:func:`._resample.bootstrap_replicates`).
    intervals : dict of str to Interval
        The final bootstrap intervals (after the sparse rules).
    ends : dict of str to Interval or None
        The intervals before the sparse rules (they decide identifiability), or None.
    sample_upper : float
        The tightest certified upper bound on S of the sample tables, bits.
    confidence : float
        Level of the intervals.
    variant : str
        Bootstrap interval variant.
    negligible : float
        Bits below which a quantity counts as absent (verdicts).
    options : Options
        Solver options of the projected tables' bounds.
    progress : bool or Progress
        The caller's bar, which the projected tables' bounds tick (a bool: no bar).
    tight_reps : ndarray, optional
        Replicates of the tight bound itself
        (:func:`._resample.tight_upper_replicates`). ``S_U``'s lower limit is then at most the
        lower end of the interval they give around ``sample_upper`` (``variant``'s rule). It
        covers where the gain rule alone, built on the spread of the cheaper bound, does not: on
        a 3x3x2 population, n = 3,000 per source, the gain rule's interval missed S_U in 5 of 20
        samples, the tight bound's in 1.

    Returns
    -------
    intervals, ends : dict of str to Interval
        With ``S_U``'s lower limit lowered where a rule applies.
    corner_upper : float or None
        The tightest upper bound on S of the projected tables (:func:`corner_marginals` of
        :func:`._ties.tied_marginals`), None where no table is at a corner and no values tie.
    """
    hi_end = intervals["synergy_upper_end"]  # S_U's lower limit is the same in ``ends``
    margin = hi_end.plugin - hi_end.low  # S_U's own margin, before the sample-bound rule
    intervals = tighten_upper_end(intervals, sample_upper, negligible)
    if ends is not None:
        ends = tighten_upper_end(ends, sample_upper, negligible)
    if tight_reps is not None and tight_reps.size > 1:
        point = np.array([sample_upper])
        low = max(float(_ends(point, tight_reps[:, None], confidence, variant)[0][0]), 0.0)
        intervals = _lowered(intervals, low, negligible)
        if ends is not None:
            ends = _lowered(ends, low, negligible)
    tables = independent_tables(plugin, reps, confidence, variant)
    tied, merged = tied_marginals(m, confidence)
    if not (merged or any(tables)):
        return intervals, ends, None
    from ..core import solve_marginals  # the bounds of one set of tables (a lower layer)

    with captured_warnings():
        res = solve_marginals(
            corner_marginals(tied, tables),
            options=options,
            random_state=0,
            progress=progress if isinstance(progress, Progress) else False,
        )
    corner = float(res.synergy_upper)
    # the noise the projection keeps (of the merged rows' means, of the margins) is of the order
    # of the noise it removed, or smaller: the larger of that shift and S_U's own margin
    margin = max(margin, sample_upper - corner)
    if ends is not None:
        ends = lower_at_corner(ends, corner, margin, negligible)
    return lower_at_corner(intervals, corner, margin, negligible), ends, corner


def _lowered(intervals: dict[str, Interval], low: float, negligible: float) -> dict[str, Interval]:
    """``S_U``'s lower limit lowered to ``low`` (when lower); S's interval is left as it is.

    S's interval covers the identified set from the lower limit of ``S_L`` (at most that of
    ``S_U`` already, :func:`._intervals.bootstrap_intervals`) to the upper limit of ``S_U``; a
    rule on ``S_U``'s lower limit moves neither. Dragging S's lower limit down with ``S_U``'s
    called the population near AND of ``docs/theory.rst`` (``S_L`` present, ``[0.032, 0.398]``)
    undetermined.
    """
    hi_end = intervals["synergy_upper_end"]
    if not low < hi_end.low:  # also for a non-finite value
        return intervals
    out = dict(intervals)
    out["synergy_upper_end"] = Interval(
        hi_end.name,
        hi_end.estimate,
        low,
        hi_end.high,
        hi_end.plugin,
        verdict(low, hi_end.high, negligible),
    )
    return out


def tighten_upper_end(
    intervals: dict[str, Interval], sample_upper: float, negligible: float
) -> dict[str, Interval]:
    """The bootstrap intervals with ``S_U``'s lower limit lowered by the sample's bound gain.

    The ``S_U`` functional of every resample is the best of the upper bounds cheap enough to
    recompute there (couplings, ``H(Y) - (R + U1 + U2)``); on the sample the branch-and-bound
    and block relaxations often certify a lower one (``sample_upper``: 0.2753 against 0.6773
    bits on a 6x6x10 digits table). The upper end of the identified set is at most that, so the
    interval's lower limit, built for the cheaper bound, need not hold for the end: it is lowered
    by the gain ``gap`` (carried over to the population: asymptotic, like every rule of the
    bootstrap mode). The sample's tight bound is itself biased low where S is at the top of its
    set (by about ``eps log(1/eps)`` for noise ``eps``: 0.862 against 1 bit on XOR samples of
    1,000), so only the lower limit moves; the estimate, the plug-in and the upper limit stay
    those of the cheaper bound, and ``synergy``'s lower limit stays that of ``S_L`` (see
    :func:`_lowered`). Intervals only widen. Certified mode needs no such rule: its
    lower limits of both ends are 0 already.

    Parameters
    ----------
    intervals : dict of str to Interval
        The intervals of :func:`._intervals.bootstrap_intervals` (after the sparse rules).
    sample_upper : float
        The tightest certified upper bound on S of the sample tables, bits.
    negligible : float
        Bits below which a quantity counts as absent (verdicts).

    Returns
    -------
    dict of str to Interval
        A new dict where the limit moved (``intervals`` is not modified), else ``intervals``.

    Examples
    --------
    >>> from mmbounds.results import Interval
    >>> ivs = {
    ...     "synergy_lower_end": Interval("synergy_lower_end", 0.1, 0.0, 0.2, 0.1, "undetermined"),
    ...     "synergy_upper_end": Interval("synergy_upper_end", 0.7, 0.6, 0.9, 0.7, "present"),
    ...     "synergy": Interval("synergy", 0.4, 0.0, 0.9, 0.4, "undetermined"),
    ... }
    >>> round(tighten_upper_end(ivs, 0.3, 0.01)["synergy_upper_end"].low, 6)
    0.2
    """
    hi_end = intervals["synergy_upper_end"]
    gap = hi_end.plugin - sample_upper
    if not gap > 1e-12:  # also for a non-finite value
        return intervals
    return _lowered(intervals, max(hi_end.low - gap, 0.0), negligible)
