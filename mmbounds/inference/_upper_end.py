"""S_U against the sample's tightest upper bound on S: :func:`tighten_upper_end`."""

from __future__ import annotations

from ..results import Interval
from ._intervals import verdict

__all__ = ["tighten_upper_end"]


def tighten_upper_end(
    intervals: dict[str, Interval], sample_upper: float, mode: str, negligible: float
) -> dict[str, Interval]:
    """The intervals with ``S_U`` measured against the sample's tightest upper bound on S.

    The ``S_U`` functional of every resample is the best of the bounds cheap enough to recompute
    there; on the sample itself the branch-and-bound and block relaxations often certify a lower
    upper bound (``sample_upper``, 0.2753 against 0.6773 bits on a 6x6x10 digits table), and the
    upper end of the identified set is at most that. The upper limit stays that of the
    recomputed bound (valid: it is above the end). The lower limit is not valid for the end as it
    stands, so where the sample's bound is lower by ``gap``:

    * ``"certified"`` mode: it becomes the lower limit of ``S_L`` where that is lower
      (``S_U >= S_L``: valid whenever that interval is, at every sample size);
    * ``"bootstrap"`` mode: it is lowered by ``gap`` (the relaxation's gap on the sample carried
      over to the population: asymptotic, like every rule of this mode).

    The estimate is lowered by ``gap`` and the plug-in becomes ``sample_upper``; ``synergy``'s
    lower limit, the smaller of both ends' lower limits, only moves down, and its estimate is
    the midpoint of the two ends' estimates again. Intervals only widen.

    Parameters
    ----------
    intervals : dict of str to Interval
        The intervals of :func:`bootstrap_intervals` (or of the certified mode).
    sample_upper : float
        The tightest certified upper bound on S of the sample tables, bits.
    mode : {"bootstrap", "certified"}
        Which rule lowers the lower limit.
    negligible : float
        Bits below which a quantity counts as absent (verdicts).

    Returns
    -------
    dict of str to Interval
        A new dict; ``intervals`` is not modified.
    """
    hi_end, lo_end, s = (
        intervals[k] for k in ("synergy_upper_end", "synergy_lower_end", "synergy")
    )
    gap = hi_end.plugin - sample_upper
    if not gap > 1e-12:
        return intervals
    if mode == "certified":
        low = min(hi_end.low, lo_end.low)
    else:
        low = max(min(hi_end.low - gap, hi_end.low), 0.0)
    est = min(max(hi_end.estimate - gap, low), hi_end.high)
    out = dict(intervals)
    out["synergy_upper_end"] = Interval(
        hi_end.name,
        est,
        low,
        hi_end.high,
        float(sample_upper),
        verdict(low, hi_end.high, negligible),
    )
    s_lo = min(s.low, low)
    mid = min(max(0.5 * (max(lo_end.estimate, 0.0) + max(est, 0.0)), s_lo), s.high)
    plug_mid = 0.5 * (max(lo_end.plugin, 0.0) + float(sample_upper))
    out["synergy"] = Interval(
        s.name, mid, s_lo, s.high, plug_mid, verdict(s_lo, s.high, negligible)
    )
    return out
