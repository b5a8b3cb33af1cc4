"""S_U against the sample's tightest upper bound on S: :func:`tighten_upper_end`."""

from __future__ import annotations

from ..results import Interval
from ._intervals import verdict

__all__ = ["tighten_upper_end"]


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
    those of the cheaper bound, and ``synergy``'s lower limit, the smaller of both ends' lower
    limits, can only move down. Intervals only widen. Certified mode needs no such rule: its
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
    hi_end, s = intervals["synergy_upper_end"], intervals["synergy"]
    gap = hi_end.plugin - sample_upper
    if not gap > 1e-12:  # also for a non-finite value
        return intervals
    low = max(hi_end.low - gap, 0.0)
    out = dict(intervals)
    out["synergy_upper_end"] = Interval(
        hi_end.name,
        hi_end.estimate,
        low,
        hi_end.high,
        hi_end.plugin,
        verdict(low, hi_end.high, negligible),
    )
    s_lo = min(s.low, low)
    out["synergy"] = Interval(
        s.name,
        min(max(s.estimate, s_lo), s.high),
        s_lo,
        s.high,
        s.plugin,
        verdict(s_lo, s.high, negligible),
    )
    return out
