"""Results of the finite-sample layer: confidence intervals for the population and verdicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._base import ResultMixin, clean_bits, fmt_bits
from ._glossary import term

__all__ = ["Interval", "PopulationInference", "VERDICTS"]

VERDICTS = ("present", "absent", "undetermined")


@dataclass(frozen=True, slots=True, repr=False)
class Interval(ResultMixin):
    """A confidence interval for one population quantity (bits).

    Attributes
    ----------
    name : str
        ``redundancy``, ``unique1``, ``unique2``, ``synergy`` (the parameter itself),
        ``synergy_lower_end`` / ``synergy_upper_end`` (the ends of its identified set; the upper
        end as the best upper bound recomputed per resample, which may lie above the largest S
        the marginals allow: the branch-and-bound bound is resampled only on tables of at most 64
        cells, and in ``"bootstrap"`` mode its gain on the sample, and there its own interval,
        lower the lower limit, so that it holds for that S).
    estimate : float
        Point estimate: bias-corrected in ``"bootstrap"`` mode, the plug-in value in
        ``"certified"`` mode (for ``synergy``: the midpoint of the estimated identified set).
    low, high : float
        The interval; it covers the population value with probability ``confidence`` (asymptotic
        in ``"bootstrap"`` mode, guaranteed at every sample size in ``"certified"`` mode).
    plugin : float
        The value computed on the sample tables (plug-in, biased on sparse tables).
    verdict : str
        ``"present"`` (``low > negligible``), ``"absent"`` (``high < negligible``) or
        ``"undetermined"``.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint, sample_joint
    >>> d1, d2, dm = (sample_joint(bitwise_joint("and"), 2000, random_state=s) for s in range(3))
    >>> res = mmbounds.estimate(x1=(d1[0], d1[2]), x2=(d2[1], d2[2]), paired=(dm[0], dm[1]),
    ...                         options={"n_resamples": 10}, progress=False)
    >>> iv = res.inference.intervals["redundancy"]
    >>> iv.name, iv.verdict, f"{iv.low:.2f} <= R <= {iv.high:.2f}"
    ('redundancy', 'present', '0.30 <= R <= 0.34')
    """

    name: str
    estimate: float
    low: float
    high: float
    plugin: float
    verdict: str

    def _export(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "estimate": clean_bits(self.estimate),
            "low": clean_bits(self.low),
            "high": clean_bits(self.high),
            "plugin": clean_bits(self.plugin),
            "verdict": self.verdict,
        }

    def _header(self) -> str:
        return f"{self.name}: [{self.low:.4f}, {self.high:.4f}] bits, {self.verdict}"


@dataclass(frozen=True, slots=True, repr=False)
class PopulationInference(ResultMixin):
    """Confidence intervals for the population behind the samples (bits).

    Attributes
    ----------
    confidence : float
        Level of every interval (e.g. 0.95).
    mode : str
        ``"bootstrap"`` (bias-corrected bootstrap; for the partially identified S an interval
        covering its whole identified set; asymptotic) or ``"certified"`` (concentration
        inequalities and continuity bounds; valid at every sample size under iid sampling,
        conservative).
    intervals : Mapping[str, Interval]
        By quantity name.
    negligible : float
        Bits below which a quantity counts as absent.
    identifiable : bool
        False when the intervals show that the pairwise marginals cannot tell synergy apart from
        its absence: the lower end of the identified set may be 0 (its interval reaches
        ``negligible``) while its upper bound is clearly positive (its interval lies above
        ``negligible``). True does not prove the opposite: intervals too wide to show it (e.g.
        certified mode on few samples) also give True. It is decided on the intervals before the
        sparse-table rules, which lower the limit of ``S_L`` to 0 for lack of samples, not because
        the marginals allow 0 (``synergy_lower_end.low`` can then be 0 with ``identifiable``
        True).
    n_resamples : int
        Bootstrap replicates (0 in certified mode).
    sample_sizes : tuple of int
        ``(|D1|, |D2|, |DM|)``.
    notes : tuple of str
        What the numbers mean and what limits them, in words.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint, sample_joint
    >>> d1, d2, dm = (sample_joint(bitwise_joint("and"), 2000, random_state=s) for s in range(3))
    >>> inf = mmbounds.estimate(x1=(d1[0], d1[2]), x2=(d2[1], d2[2]), paired=(dm[0], dm[1]),
    ...                         options={"n_resamples": 10}, progress=False).inference
    >>> inf.mode, inf.confidence, inf.n_resamples, inf.sample_sizes
    ('bootstrap', 0.95, 10, (2000, 2000, 2000))
    >>> inf.verdicts["redundancy"], inf.verdicts["unique1"]
    ('present', 'undetermined')
    """

    confidence: float
    mode: str
    intervals: Mapping[str, Interval]
    negligible: float
    identifiable: bool
    n_resamples: int
    sample_sizes: tuple[int, int, int]
    notes: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Interval:
        return self.intervals[name]

    @property
    def verdicts(self) -> dict[str, str]:
        """Verdict per quantity."""
        return {k: v.verdict for k, v in self.intervals.items()}

    def _export(self) -> dict[str, Any]:
        return {
            "confidence": self.confidence,
            "mode": self.mode,
            "intervals": {k: v for k, v in self.intervals.items()},
            "negligible": self.negligible,
            "identifiable": self.identifiable,
            "n_resamples": self.n_resamples,
            "sample_sizes": list(self.sample_sizes),
            "notes": list(self.notes),
        }

    def _header(self) -> str:
        return f"{self.confidence:.0%} confidence, {self.mode}, population, bits"

    def _rows(self) -> list[tuple[str, str, str]]:
        return [
            (
                term(k),
                f"[{fmt_bits(v.low)}, {fmt_bits(v.high)}]",
                f"{term(v.verdict)} (estimate {fmt_bits(v.estimate, 0)})",
            )
            for k, v in self.intervals.items()
        ]

    def _footer(self) -> list[str]:
        return list(self.notes)
