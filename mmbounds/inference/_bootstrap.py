"""Bootstrap intervals of an estimate from samples: each source resampled on its own.

:func:`bootstrap` / :func:`bootstrap_codes` resample ``D1``, ``D2`` and ``DM`` independently with
replacement, re-estimate on the **same** discrete variables (fitted discretizers are not refitted;
classifier posteriors on ``DM`` are resampled with their rows, the classifiers are not retrained),
and report percentile intervals of R, U1, U2, ``synergy_lower``, ``synergy_upper`` and every bound.
Replicate ``b`` uses a seed drawn in advance from the caller's generator, so the numbers do not
depend on ``n_jobs``. The percentile bootstrap does not remove plug-in bias: replicates of an
upward-biased plug-in information estimate are biased upward again.

References
----------
B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap* (1993), ch. 13.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from .._options import Options, as_options
from .._progress import Progress, as_progress
from .._validation import (
    check_confidence,
    check_posterior_pair,
    check_random_state,
    check_scalar,
    check_source_pairs,
)
from ..marginals import sample_columns
from ..raw.samples import estimate_samples
from ..results import EstimateResult, ResultMixin, clean_bits, fmt_bits
from ._parallel import captured_warnings, check_n_jobs, run_tasks

__all__ = ["BootstrapResult", "bootstrap", "bootstrap_codes"]

_MAIN = ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper")


@dataclass(frozen=True, repr=False)
class BootstrapResult(ResultMixin):
    """Percentile bootstrap intervals of an estimate (bits).

    Attributes
    ----------
    n_bootstrap : int
        Number of replicates.
    confidence : float
        Level of the intervals (e.g. 0.95 gives the 2.5 % and 97.5 % percentiles).
    intervals : Mapping[str, tuple[float, float]]
        ``name -> (low, high)`` for ``redundancy``, ``unique1``, ``unique2``, ``synergy_lower``,
        ``synergy_upper`` and every bound by its name.
    replicates : Mapping[str, ndarray]
        The replicate values behind each interval (read-only, shape ``(n_bootstrap,)``).
    n_warnings : int
        Warnings raised inside replicates (e.g. resampled marginals that disagree and were
        reconciled); they are counted, not shown.
    seed : int or None
        The integer ``random_state`` when one was given.

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint, sample_joint
    >>> x1, x2, y = sample_joint(bitwise_joint("and"), 400, random_state=0)
    >>> boot = bootstrap_codes((x1, y), (x2, y), (x1, x2), n_bootstrap=5, progress=False)
    >>> boot.n_bootstrap, boot.confidence, boot.replicates["redundancy"].shape
    (5, 0.95, (5,))
    >>> low, high = boot.intervals["redundancy"]
    >>> bool(low <= high), boot.seed
    (True, 0)
    """

    n_bootstrap: int
    confidence: float
    intervals: Mapping[str, tuple[float, float]]
    replicates: Mapping[str, np.ndarray] = field(repr=False)
    n_warnings: int = 0
    seed: int | None = None

    @property
    def widened_synergy_interval(self) -> tuple[float, float]:
        """``(low of synergy_lower, high of synergy_upper)``: bounds widened by sampling error."""
        return (self.intervals["synergy_lower"][0], self.intervals["synergy_upper"][1])

    def _export(self) -> dict[str, Any]:
        return {
            "n_bootstrap": self.n_bootstrap,
            "confidence": self.confidence,
            "intervals": {
                k: [clean_bits(a), clean_bits(b)] for k, (a, b) in self.intervals.items()
            },
            "n_warnings": self.n_warnings,
            "seed": self.seed,
        }

    def _header(self) -> str:
        return f"n_bootstrap={self.n_bootstrap}, confidence={self.confidence}, bits"

    def _rows(self) -> list[tuple[str, str, str]]:
        return [("", f"[{fmt_bits(a)}, {fmt_bits(b)}]", k) for k, (a, b) in self.intervals.items()]

    def _footer(self) -> list[str]:
        return [f"warnings inside replicates: {self.n_warnings}"] if self.n_warnings else []


def _one_replicate(
    sources: tuple[tuple[np.ndarray, np.ndarray], ...],
    categories: tuple[tuple[Any, ...], ...],
    posteriors: tuple[np.ndarray, np.ndarray] | None,
    seed: int,
    bounds: Any,
    options: Options,
) -> tuple[dict[str, float], int]:
    """Resample each source independently and re-estimate; return values and warning count.

    The resample keeps the sample's values of x1, x2 and y: one a resample happens to miss is a
    zero row or column of its tables, not a smaller table (nor a label with a single class)."""
    rng = np.random.default_rng(seed)
    idx = [rng.integers(0, s[0].shape[0], size=s[0].shape[0]) for s in sources]
    (a1, b1), (a2, b2), (am, bm) = ((s[0][i], s[1][i]) for s, i in zip(sources, idx))
    post = None if posteriors is None else (posteriors[0][idx[2]], posteriors[1][idx[2]])
    with captured_warnings(record=True) as caught:
        # the same seed drives the estimate's own randomised steps (branch-and-bound restarts)
        res = estimate_samples(
            (a1, b1),
            (a2, b2),
            (am, bm),
            bounds=bounds,
            posteriors=post,
            options=options,
            random_state=seed,
            progress=False,
            categories=categories,
        )
    out = {k: float(getattr(res, k)) for k in _MAIN}
    out.update({b.name: float(b.value) for b in res.bounds})
    return out, len(caught)


def bootstrap_codes(
    x1: tuple[Any, Any],
    x2: tuple[Any, Any],
    paired: tuple[Any, Any],
    *,
    posteriors: tuple[Any, Any] | None = None,
    n_bootstrap: int = 200,
    confidence: float = 0.95,
    n_jobs: int | None = None,
    progress: bool | Progress = True,
    random_state: Any = 0,
    bounds: Any = "auto",
    options: Options | dict[str, Any] | None = None,
) -> BootstrapResult:
    """Bootstrap the estimate from discrete samples (codes) of ``D1``, ``D2``, ``DM``.

    Parameters
    ----------
    x1, x2, paired : pair of 1-D arrays
        Discrete ``D1 = (x1, y1)``, ``D2 = (x2, y2)``, ``DM = (x1u, x2u)``.
    posteriors : pair of arrays (n_pairs, n_y), optional
        Classifier posteriors on ``DM`` (rows resampled with ``DM``).
    n_bootstrap : int
        Number of replicates (>= 1).
    confidence : float
        Interval level in (0, 1).
    n_jobs : int or None
        joblib workers (1: here; None: the active :func:`joblib.parallel_config`, serial when none
        is, e.g. a Dask cluster under ``parallel_config(backend="dask")``). Results do not
        depend on it.
    progress : bool, default True
        tqdm bar over replicates (it appears at the first replicate done after a second).
    random_state : None, int or numpy.random.Generator, default 0
        Source of the replicate seeds.
    bounds : "auto", "all" or names
        Bounds of each replicate (as in :func:`mmbounds.estimate`).
    options : Options or dict, optional
        Solver options of each replicate.

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint, sample_joint
    >>> d1, d2, dm = (sample_joint(bitwise_joint("and"), 400, random_state=s) for s in range(3))
    >>> boot = bootstrap_codes((d1[0], d1[2]), (d2[1], d2[2]), (dm[0], dm[1]), n_bootstrap=5,
    ...                        progress=False)
    >>> [round(v, 2) for v in boot.intervals["redundancy"] + boot.intervals["synergy_upper"]]
    [0.29, 0.33, 0.38, 0.51]
    """
    check_scalar(n_bootstrap, name="n_bootstrap", kind=numbers.Integral, min_val=1)
    check_confidence(confidence)
    check_n_jobs(n_jobs)
    seed_int = int(random_state) if isinstance(random_state, numbers.Integral) else None
    rng = check_random_state(random_state)
    check_source_pairs(x1, x2, paired)  # the door of estimate: the same checks, the same names
    sources, cats = sample_columns(x1, x2, paired, names=("x1", "x2", "paired"))
    post = check_posterior_pair(posteriors, len(cats[2]), n_samples=sources[2][0].shape[0])
    opts = as_options(options)
    seeds = [int(s) for s in rng.integers(0, 2**63 - 1, size=int(n_bootstrap))]
    tasks = ((sources, cats, post, s, bounds, opts) for s in seeds)
    it = run_tasks(_one_replicate, tasks, n_jobs)
    run, owned = as_progress(progress, "mmbounds.bootstrap")
    run.add(len(seeds), key="bootstrap")
    run.label("bootstrap")
    rows, n_warn = [], 0
    for values, w in it:
        rows.append(values)
        n_warn += w
        run.advance(1)
    if owned:
        run.close()
    names = list(rows[0])
    alpha = 100.0 * (1.0 - confidence) / 2.0
    reps: dict[str, np.ndarray] = {}
    intervals: dict[str, tuple[float, float]] = {}
    for name in names:
        v = np.array([r.get(name, np.nan) for r in rows], dtype=np.float64)
        v.setflags(write=False)
        reps[name] = v
        lo, hi = np.nanpercentile(v, [alpha, 100.0 - alpha])
        intervals[name] = (float(lo), float(hi))
    return BootstrapResult(
        n_bootstrap=int(n_bootstrap),
        confidence=float(confidence),
        intervals=MappingProxyType(intervals),
        replicates=MappingProxyType(reps),
        n_warnings=int(n_warn),
        seed=seed_int,
    )


def bootstrap(
    result: EstimateResult,
    *,
    n_bootstrap: int = 200,
    confidence: float = 0.95,
    n_jobs: int | None = None,
    progress: bool = True,
    random_state: Any = 0,
    bounds: Any = "auto",
    options: Options | dict[str, Any] | None = None,
) -> BootstrapResult:
    """Bootstrap intervals for a result of the sample or feature layer (same discretizers, bits).

    Parameters
    ----------
    result : EstimateResult
        From :func:`mmbounds.estimate` with sample input; its ``extras['codes']`` (and
        ``extras['posteriors']``) are resampled.
    n_bootstrap, confidence, n_jobs, progress, random_state :
        As in :func:`bootstrap_codes`.
    bounds, options :
        Bounds and solver options of the replicates (as in :func:`bootstrap_codes`).

    Returns
    -------
    BootstrapResult

    Raises
    ------
    ValueError
        If ``result`` carries no samples: it was computed from tables, or from discrete samples
        (whose codes are not kept; :func:`bootstrap_codes` takes them).

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import make_pid_synthetic, semi_supervised_split
    >>> s = semi_supervised_split(make_pid_synthetic("redundancy", n_samples=300, dim=2,
    ...                                              random_state=0), random_state=0)
    >>> res = mmbounds.estimate(x1=(s.x1, s.y1), x2=(s.x2, s.y2),
    ...                         paired=(s.x1_paired, s.x2_paired), confidence=None,
    ...                         discretizer={"n_clusters": 3, "n_init": 1}, progress=False)
    >>> boot = bootstrap(res, n_bootstrap=3, progress=False)
    >>> low, high = boot.intervals["redundancy"]
    >>> boot.n_bootstrap, round(res.redundancy, 2), bool(low <= high)
    (3, 0.19, True)
    """
    codes = result.extras.get("codes") if result.extras else None
    if codes is None:
        raise ValueError(
            "result has no samples in extras['codes']: estimate keeps them for raw features, "
            "and for discrete samples only with classifier= or n_bootstrap. For discrete "
            "samples, call bootstrap_codes(x1, x2, paired) with the samples "
            "(their population intervals are already in result.inference); a result of tables "
            "has no samples to resample"
        )
    return bootstrap_codes(
        (codes["x1"], codes["y1"]),
        (codes["x2"], codes["y2"]),
        (codes["x1_paired"], codes["x2_paired"]),
        posteriors=result.extras.get("posteriors"),
        n_bootstrap=n_bootstrap,
        confidence=confidence,
        n_jobs=n_jobs,
        progress=progress,
        random_state=random_state,
        bounds=bounds,
        options=options,
    )
