"""Bootstrap confidence intervals from replicates: the variants of the ``"bootstrap"`` mode.

Every variant works on the same input: the plug-in functionals ``θ^`` of the sample (R, U1, U2,
``S_L``, ``S_U``) and ``B`` bootstrap replicates ``θ*`` (each source resampled on its own). With
``b = mean(θ*) - θ^`` (the bootstrap estimate of the plug-in bias, Efron & Tibshirani 1993,
ch. 10), ``s`` the replicate standard deviation and ``z`` the two-sided quantile of Student's t with
``B - 1`` degrees of freedom (``s`` is itself estimated from ``B`` replicates; at ``B = 50`` this
widens the sampling part ``z s`` by 2.5% against the normal quantile, at the default 200 by 0.6%):

``"bias_corrected"``
    ``θ~ = θ^ - b``, interval ``θ~ ± z s``.
``"widened"`` (default)
    ``θ~ ± (z s + |b|)``: the bias-corrected interval widened by the estimated bias on each
    side. On sparse tables the bootstrap sees only the occupied cells and underestimates the
    plug-in bias of an entropy (about ``(K^ - 1) / 2n`` instead of ``(K - 1) / 2n`` nats for
    ``K^ <= K`` occupied cells), so one correction leaves up to one more ``|b|`` of bias; the
    margin covers it. ``|b| = O(1/n)`` against ``s = O(1/sqrt(n))``: the widening vanishes
    relative to the interval as n grows, and the interval stays asymptotically exact.
``"basic"``
    The reverse-percentile interval ``[2θ^ - q_hi, 2θ^ - q_lo]`` (bias-corrected by
    construction).
``"percentile"``
    ``[q_lo, q_hi]`` of the replicates, no correction: the baseline known to fail (it keeps the
    upward plug-in bias and calls pure noise "present"), scored by the coverage benchmark and
    not offered in :class:`mmbounds.Options`.

R, U1 and U2 are optima of the BROJA program: where U1 or U2 is 0 the functional has a corner and
the bootstrap misjudges its bias and spread. There ``R = min(I(X1;Y), I(X2;Y))``, a smooth
functional, and in general ``I_i - U_i = R <= min(I1, I2)``; R's interval is therefore the hull
of its own and of ``[max(I1_lo - U1_hi, I2_lo - U2_hi), min(I1_hi, I2_hi)]`` built from the
intervals of the mutual informations and uniquenesses (it covers R whenever either covers).
Likewise ``U2 - U1 = I(X2;Y) - I(X1;Y)`` (smooth): where the interval of one uniqueness reaches
0, its upper end is raised to that of the other uniqueness plus or minus this difference, and the
other uniqueness's lower end is lowered to the lower limit of plus or minus the difference (with
both at 0, a redundancy-dominated population, one plug-in is still about ``|I2^ - I1^| > 0``: on
``redundant_20x20x5``, n = 10,000 in thirds, U2 covered 0 in 0.85 of 40 repetitions without this
rule and in 0.975 with it).

Where U1 or U2 is small against its spread (a conditional mutual information near 0), its plug-in
behaves like a scaled non-central chi-square: the spread grows with the value, the replicate
standard deviation is smallest in exactly the samples that underestimate, and the misses are
one-sided. On tables with :data:`PRESENT_MIN_PER_CELL` samples per cell or more, the interval of
each uniqueness is therefore the hull of the interval above and the same interval built on the
square-root scale (variance-stabilizing) and squared back (``"widened"`` and
``"bias_corrected"``; the quantile variants keep their textbook form). Measured on
``lower_5x5x2`` (n = 100,000, split 10/10/80): U2 covered 0.930 without the hull (600
repetitions at 200 resamples); re-scored with it, the grid's cell covers 0.955 (200 repetitions
at 50 resamples), and the grid's mean U width at n = 100,000 grows by 12%.

``S_U`` is a minimum over coupling bounds whose plug-in is biased low, by the order of the
sampling noise, where S sits at the top of its set (:func:`_smooth_upper`); its upper limit is
therefore at least the smallest upper limit of eight upper bounds on S that need no coupling,
with Bonferroni's level. Where a uniqueness may be 0, R is a minimum of two mutual informations
that tie, and the upper limit of ``S_L`` is at least that of ``S_L - R + I(Xi;Y)``
(:func:`_corner_lower_end`).

S itself is partially identified, anywhere in ``[S_L, S_U]``: its interval runs from the lower
limit of ``S_L``'s interval to the upper limit of ``S_U``'s, each at the two-sided level, so it
covers the whole identified set, and with it the parameter, with the stated probability
(asymptotically). The Imbens–Manski interval (Imbens & Manski 2004), which replaces the two-sided
quantile by the one-sided one when the set is wide, covers the parameter only, and only where the
binding end is estimated without skew: measured with 100 samples in each of D1 and D2
(``lower_5x5x2``, n = 1,000, split 10/10/80, 200 repetitions) it covered S in 0.925 of the
repetitions, against 0.955 for this interval, which is 3% wider there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from statistics import NormalDist

import numpy as np

from .._options import BOOTSTRAP_INTERVALS
from ..results import Interval

#: the standard normal (stdlib: scipy.stats costs a third of a second to import)
_NORMAL = NormalDist()

__all__ = [
    "VARIANTS",
    "PRESENT_MIN_PER_CELL",
    "bootstrap_intervals",
    "interval_ends",
    "verdict",
]

#: every rule :func:`bootstrap_intervals` knows: the user's choices (``Options.bootstrap_interval``)
#: and the uncorrected ``"percentile"`` baseline that the coverage benchmark scores next to them
VARIANTS = (*BOOTSTRAP_INTERVALS, "percentile")
_NAMES = ("redundancy", "unique1", "unique2", "synergy_lower_end", "synergy_upper_end")


#: bits below which a value is a solver residue, whatever ``negligible`` is (with
#: ``negligible=0`` a residue of 1e-10 bits must not read as "present")
RESIDUE = 1e-9


def verdict(low: float, high: float, negligible: float) -> str:
    """``present`` above ``negligible`` bits, ``absent`` below, else ``undetermined``.

    Values within :data:`RESIDUE` (1e-9 bits) of 0 count as 0 even with ``negligible=0``.

    Parameters
    ----------
    low, high : float
        The interval (bits).
    negligible : float
        Bits below which a quantity counts as absent.

    Returns
    -------
    str
        ``"present"`` when ``low > negligible``, ``"absent"`` when ``high < negligible``, else
        ``"undetermined"``.

    Examples
    --------
    >>> verdict(0.2, 0.5, 0.01), verdict(0.0, 0.005, 0.01), verdict(0.0, 0.5, 0.01)
    ('present', 'absent', 'undetermined')
    >>> verdict(1e-10, 0.5, 0.0), verdict(0.0, 1e-10, 0.0)
    ('undetermined', 'absent')
    """
    floor = max(negligible, RESIDUE)
    if low > floor:
        return "present"
    if high < floor:
        return "absent"
    return "undetermined"


def _quantile(level: float, n_reps: int) -> float:
    """Two-sided ``level`` quantile of Student's t with ``n_reps - 1`` degrees of freedom."""
    if n_reps < 2:
        return float(_NORMAL.inv_cdf(0.5 + level / 2))
    from scipy.special import stdtrit  # scipy.special, not scipy.stats (a third of a second)

    return float(stdtrit(n_reps - 1, 0.5 + level / 2))


def _margins(
    plugin: np.ndarray, reps: np.ndarray, level: float, variant: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Centre, the sampling parts of the lower/upper margins at ``level`` and a fixed part."""
    bias = reps.mean(axis=0) - plugin
    sd = reps.std(axis=0, ddof=1) if reps.shape[0] > 1 else np.zeros_like(plugin)
    z = _quantile(level, reps.shape[0])
    est = plugin - bias
    none = np.zeros_like(plugin)
    if variant == "bias_corrected":
        return est, z * sd, z * sd, none
    if variant == "widened":
        return est, z * sd, z * sd, np.abs(bias)
    a = (1 - level) / 2
    q_lo, q_hi = np.quantile(reps, [a, 1 - a], axis=0)
    if variant == "basic":  # [2θ^ - q_hi, 2θ^ - q_lo]
        return est, est - (2 * plugin - q_hi), (2 * plugin - q_lo) - est, none
    if variant == "percentile":
        return plugin, plugin - q_lo, q_hi - plugin, none
    raise ValueError(f"unknown bootstrap interval {variant!r}; choose from {VARIANTS}")


def _ends(
    plugin: np.ndarray, reps: np.ndarray, level: float, variant: str
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper ends of each functional's interval (before clipping at 0)."""
    est, m_lo, m_hi, fixed = _margins(plugin, reps, level, variant)
    return est - m_lo - fixed, est + m_hi + fixed


def interval_ends(
    plugin: np.ndarray, reps: np.ndarray, level: float, variant: str = "widened"
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper ends of the bootstrap interval of each functional, before any clipping.

    The rule of the module docstring for ``variant``, with nothing of the PID-specific rules:
    for functionals other than those of :func:`bootstrap_intervals` (the accuracy ranges of
    :func:`mmbounds.performance_bounds`).

    Parameters
    ----------
    plugin : ndarray, shape (k,)
        The functionals on the sample.
    reps : ndarray, shape (B, k)
        The same on ``B`` bootstrap replicates.
    level : float
        Two-sided level.
    variant : str
        One of :data:`VARIANTS`.

    Returns
    -------
    (ndarray, ndarray)
        The lower and the upper ends, shape (k,) each.

    Examples
    --------
    >>> lo, hi = interval_ends(np.array([1.0]), np.array([[0.9], [1.1], [1.0]]), 0.95)
    >>> bool(lo[0] < 1.0 < hi[0])
    True
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown bootstrap interval {variant!r}; choose from {VARIANTS}")
    return _ends(
        np.asarray(plugin, dtype=np.float64), np.asarray(reps, dtype=np.float64), level, variant
    )


#: ``ends(plugin, reps)``: the interval ends of one level and variant (:func:`_ends`)
_Ends = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _sqrt_hulls(
    plugin: np.ndarray, reps: np.ndarray, ends: _Ends, lows: np.ndarray, highs: np.ndarray
) -> None:
    """Widen U1, U2 (in place) to the hull with their interval on the square-root scale."""
    lo, hi = ends(np.sqrt(np.maximum(plugin[1:3], 0.0)), np.sqrt(np.maximum(reps[:, 1:3], 0.0)))
    lows[1:3] = np.minimum(lows[1:3], np.maximum(lo, 0.0) ** 2)
    highs[1:3] = np.maximum(highs[1:3], np.maximum(hi, 0.0) ** 2)


def _corner_hulls(
    plugin: np.ndarray,
    reps: np.ndarray,
    ends: _Ends,
    lows: np.ndarray,
    highs: np.ndarray,
    strict: _Ends,
) -> None:
    """Widen R, U1, U2 and S_L (in place) by the identities that hold at and away from the corners.

    ``R = I_i - U_i <= min(I1, I2)``: R's interval becomes the hull of its own and of
    ``[max(I1_lo - U1_hi, I2_lo - U2_hi), min(I1_hi, I2_hi)]``. ``U2 - U1 = I2 - I1 =: D``, a
    smooth functional with its own bootstrap interval: where Ui's interval reaches 0 (the sample
    sits at the corner ``Ui = 0``, where the bootstrap misjudges Ui and its spread collapses),
    Ui's upper end is raised to that of ``Uj +/- D`` built from the other uniqueness, and the
    other uniqueness's lower end is lowered to that of ``+/- D`` (``Uj = Ui +/- D >= +/- D``).
    """
    r_lo = max(lows[5] - highs[1], lows[6] - highs[2], 0.0)
    r_hi = min(highs[5], highs[6])
    if r_hi >= r_lo:
        lows[0], highs[0] = min(lows[0], r_lo), max(highs[0], r_hi)
    d_lo, d_hi = ends(plugin[6:7] - plugin[5:6], reps[:, 6:7] - reps[:, 5:6])
    d_low, d_high = float(d_lo[0]), float(d_hi[0])
    u1_hi, u2_hi = float(highs[1]), float(highs[2])
    u1_at_0, u2_at_0 = lows[1] <= 0.0, lows[2] <= 0.0
    if u2_at_0:  # U2 = U1 + D
        highs[2] = max(highs[2], u1_hi + d_high)
    if u1_at_0:  # U1 = U2 - D
        highs[1] = max(highs[1], u2_hi - d_low)
    # and the lower ends: where Uj's interval reaches 0, Ui = Uj +/- D is at least D's lower limit
    # (U2 >= D, U1 >= -D): both at 0 (a redundancy-dominated population), one of the plug-ins is
    # still about |D^| > 0, a folded value whose own interval need not reach 0
    if u1_at_0:
        lows[2] = min(lows[2], max(d_low, 0.0))
    if u2_at_0:
        lows[1] = min(lows[1], max(-d_high, 0.0))
    # S_L at the corner I1 = I2 = 0: there p(xi, y) = p(xi) p(y), the maximum-entropy joint is
    # p(x1, x2) p(y) and S_L = 0; where both mutual informations' intervals reach 0, so does S_L's
    # (pure noise with correlated x1, x2, 2x2x2 tables, 400 samples per source: the S_L plug-in
    # sits at that corner and its interval excluded 0 in 5 of 30 samples). The test uses the
    # mutual informations' intervals at the level ``strict`` (1 - (1 - confidence) / 20): at the
    # level itself, one of 200 repetitions of noise_diag_2x2x2 (n = 10,000, 10/10/80) still had
    # an interval of I excluding 0 by chance, with S called present
    i_lo = np.maximum(strict(plugin[5:7], reps[:, 5:7])[0], 0.0)
    if i_lo[0] <= 0.0 and i_lo[1] <= 0.0:
        lows[3] = 0.0


def _corner_lower_end(
    plugin: np.ndarray, reps: np.ndarray, confidence: float, variant: str
) -> float:
    """Upper confidence limit of ``S_L`` where a uniqueness may be 0 (R's corner).

    ``S_L = (S_L - R) + R`` with ``R <= min(I(X1;Y), I(X2;Y))``, and at ``U1 = 0`` or ``U2 = 0``
    the plug-in R is that minimum: of two mutual informations that tie when both uniquenesses
    are 0, so it is biased low by the order of the noise, and S_L with it (``summod_3x3x3``:
    S_L covered in 0.88 of 100 repetitions at n = 1,000 in thirds, every miss an interval below
    the population value). ``S_L - R + I(Xi;Y)`` (``i = 1, 2``) are at least S_L and free of
    that minimum: the smaller of their upper limits, each at the level
    ``1 - (1 - confidence) / 2`` (Bonferroni), bounds it.
    """
    base, base_r = plugin[3] - plugin[0], reps[:, 3] - reps[:, 0]
    cand = base + plugin[5:7]
    cand_r = base_r[:, None] + reps[:, 5:7]
    return float(np.min(_ends(cand, cand_r, 1.0 - (1.0 - confidence) / 2.0, variant)[1]))


def _smooth_upper(plugin: np.ndarray, reps: np.ndarray, confidence: float, variant: str) -> float:
    """Upper confidence limit of ``S_U`` from upper bounds ``T_k >= S_U`` that need no coupling.

    ``S_U`` itself is a minimum over coupling bounds whose plug-in is biased low exactly where S
    sits at the top of its set: where Y is a function of (X1, X2), the conditionals that the
    majorization meet couples are equal (up to a permutation) in the population, the meet has a
    corner there, and sampling noise in either table only raises its entropy. The bias is of the
    order of the noise, not of its square, and the bootstrap does not see it (measured on
    ``summod_3x3x3``, S = S_U: plug-in 1.326 against 1.494 bits at n = 1,000 in thirds, and S
    covered in 0.80 of 100 repetitions). The eight ``T_k`` of
    :func:`mmbounds.inference.functionals` are each at least ``S_U``. Four go through
    ``R + U1 + U2``, which has corners of its own where a uniqueness is 0 (there it is the larger
    of two tied mutual informations); the other four (``H(Y|Xi)``, ``H(Xj|Xi)``) are entropies,
    smooth wherever the tables have no zero cells. The smallest of their upper limits, each at
    the level ``1 - (1 - confidence) / 8`` (Bonferroni: all eight hold at once with the stated
    probability), is an upper limit of ``S_U``; the interval of ``S_U`` takes the larger of it and
    its own (a widening only, like every rule here).
    """
    level = 1.0 - (1.0 - confidence) / plugin.shape[0]
    return float(np.min(_ends(plugin, reps, level, variant)[1]))


#: fewest samples per cell at which the bootstrap's lower limits of S and S_L (every pairwise
#: table) and of R, U1 and U2 (both labeled tables) are used (and from which U1 and U2 take the
#: square-root-scale hull). Below it they start at 0 (:mod:`._sparse`): the bootstrap sees only
#: the occupied cells and underestimates the upward plug-in bias of sparse tables.
#: Measured on pure noise (5x5x2, 200 repetitions): the S interval excluded 0, verdict "present",
#: in 56 repetitions with 3 samples per cell and in 7 with 10, in none from 33 on; on mfeat splits
#: S was covered in 0.80 of splits at 5 samples per cell and in 0.97 at 20. U1 on lower_10x10x3
#: (n = 1,000, split 10/10/80: 3.3 samples per cell) covered 0.915, every miss an interval above
#: the truth; R on noise_20x20x5 (n = 1,000, 10/10/80: 1 sample per cell) covered 0 in 0.80
PRESENT_MIN_PER_CELL = 20.0


def _fewest(per_cell: Mapping[str, float] | float | None, tables: tuple[str, ...]) -> float:
    """Fewest samples per cell among ``tables`` (infinite without sample sizes; a number: the
    same for every table)."""
    if per_cell is None:
        return math.inf
    if not isinstance(per_cell, Mapping):
        return float(per_cell)
    missing = [t for t in tables if t not in per_cell]
    if missing:
        raise ValueError(f"per_cell needs the samples per cell of tables {missing}")
    return min(float(per_cell[t]) for t in tables)


def bootstrap_intervals(
    plugin: np.ndarray,
    reps: np.ndarray,
    confidence: float,
    negligible: float,
    variant: str = "widened",
    *,
    per_cell: Mapping[str, float] | None = None,
) -> dict[str, Interval]:
    """Intervals for R, U1, U2, ``S_L``, ``S_U`` and S from plug-in values and replicates.

    Parameters
    ----------
    plugin : ndarray, shape (5,), (7,) or (15,)
        ``(R, U1, U2, S_L, S_U)`` of the sample tables, optionally followed by
        ``(I(X1;Y), I(X2;Y))`` (then R's interval also uses them) and by the eight upper bounds
        on S of :func:`mmbounds.inference.functionals` (then they also give the upper limit of
        ``S_U``, see :func:`_smooth_upper`).
    reps : ndarray, shape (B, 5), (B, 7) or (B, 15)
        The same functionals on ``B`` bootstrap replicates.
    confidence : float
        Level of every interval.
    negligible : float
        Bits below which a quantity counts as absent (verdicts).
    variant : str
        One of :data:`VARIANTS` (see the module docstring).
    per_cell : mapping of str to float, optional
        Samples per cell of each pairwise table (:func:`mmbounds.raw.samples_per_cell`). Where
        both labeled tables have :data:`PRESENT_MIN_PER_CELL` or more (or when not given), U1
        and U2 take the hull with their square-root-scale interval (``"widened"``,
        ``"bias_corrected"``). The sparse-table rules are :func:`._sparse.floor_sparse`,
        applied separately (:func:`._sparse.sample_intervals` applies both).

    Returns
    -------
    dict of str to Interval
        One interval per functional and one for ``"synergy"`` (covering ``[S_L, S_U]``).
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown bootstrap interval {variant!r}; choose from {VARIANTS}")
    plugin = np.asarray(plugin, dtype=np.float64)
    reps = np.asarray(reps, dtype=np.float64)
    est = _margins(plugin, reps, confidence, variant)[0]

    def ends(p: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _ends(p, r, confidence, variant)

    out: dict[str, Interval] = {}
    lo, hi = ends(plugin, reps)
    lows = np.maximum(lo, 0.0)
    highs = np.maximum(hi, lows)
    dense = _fewest(per_cell, ("x1y", "x2y")) >= PRESENT_MIN_PER_CELL
    if dense and variant in ("widened", "bias_corrected"):  # quantile variants: textbook forms
        _sqrt_hulls(plugin, reps, ends, lows, highs)
    if plugin.shape[0] >= 7:  # the corners where U1 or U2 is 0
        strict = 1.0 - (1.0 - confidence) / 20.0

        def strict_ends(p: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return _ends(p, r, strict, variant)

        _corner_hulls(plugin, reps, ends, lows, highs, strict_ends)
        if lows[1] <= 0.0 or lows[2] <= 0.0:
            highs[3] = max(highs[3], _corner_lower_end(plugin, reps, confidence, variant))
    if plugin.shape[0] >= 15:  # S_U's upper limit also from the upper bounds without coupling
        highs[4] = max(highs[4], _smooth_upper(plugin[7:15], reps[:, 7:15], confidence, variant))
    for k, name in enumerate(_NAMES):
        lo, hi = float(lows[k]), float(highs[k])
        # the quantile variants' intervals need not hold their estimate (the plug-in for
        # "percentile", 2 θ^ - mean θ* for "basic"): it is clipped into them
        e = min(max(float(est[k]), lo), hi)
        out[name] = Interval(name, e, lo, hi, float(plugin[k]), verdict(lo, hi, negligible))
    # S: from the lower limit of S_L to the upper limit of S_U (covers the identified set). The
    # hull of both intervals: bias correction can put S_L's estimate above S_U's, and S <= S_U
    # must not be called present when S_U is absent
    l_est, u_est = est[3], est[4]
    s_lo = float(min(lows[3], lows[4]))
    s_hi = float(max(highs[3], highs[4]))
    mid = min(max(0.5 * (max(l_est, 0.0) + max(u_est, 0.0)), s_lo), s_hi)
    plug_mid = 0.5 * (max(plugin[3], 0.0) + plugin[4])
    out["synergy"] = Interval(
        "synergy", mid, s_lo, s_hi, float(plug_mid), verdict(s_lo, s_hi, negligible)
    )
    return out
