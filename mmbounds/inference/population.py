"""Confidence intervals for the population behind the samples (DESIGN §8).

The bounds are theorems about the *population* marginals; D1, D2 and DM are independent samples of
them. Two modes:

``"bootstrap"`` (default)
    Each source is resampled on its own (multinomial on its count table, the nonparametric
    bootstrap of that source), every replicate is reconciled and re-estimated, and for each
    functional θ (R, U1, U2 and the two ends ``S_L``, ``S_U`` of the synergy identified set) the
    plug-in bias ``b = mean(θ*) - θ^`` is removed, ``θ~ = θ^ - b``; the default interval
    (``variant="widened"``) is ``θ~ ± (z s + |b|)``, ``s`` the replicate standard deviation and
    ``z`` Student's t quantile for ``B - 1`` degrees of freedom: the bootstrap underestimates the
    bias on sparse tables, and the margin ``|b|`` covers what one correction leaves; where both
    labeled tables have 20 samples per cell, U1 and U2 take the hull with their square-root-scale
    interval, and below 20 samples per cell the lower limits of S, ``S_L`` (and of R, U1, U2
    for a sparse labeled table) start at 0, and below 5 per cell of a labeled table the upper
    limits of S and ``S_U`` are ``log2 |Y|`` (:mod:`._sparse`; other variants and the
    measurements: :mod:`._intervals`); where the plug-in ``S_L`` is within ``sqrt(ln n)``
    replicate standard deviations of 0 the lower limits of ``S_L`` and S start at 0
    (:mod:`._boundary`: the bootstrap fails at that boundary).
    S itself is only partially identified: its interval
    ``[S_L~ - z s_L - |b_L|, S_U~ + z s_U + |b_U|]`` covers the whole identified set, hence the
    parameter, with the stated probability (the narrower Imbens–Manski interval under-covered at
    small D1, D2: :mod:`._intervals`). Asymptotic; coverage measured by
    ``benchmarks/coverage.py``.
``"certified"``
    A finite-sample guarantee under iid sampling of each source (:mod:`._certified`).

References
----------
G. W. Imbens and C. F. Manski, "Confidence intervals for partially identified parameters",
Econometrica 72(6), 2004. J. Stoye, "More on confidence intervals for partially identified
parameters", Econometrica 77(4), 2009. B. Efron and R. J. Tibshirani, *An Introduction to the
Bootstrap*, 1993 (bias correction, ch. 10).
"""

from __future__ import annotations

import numbers
import warnings
from types import MappingProxyType
from typing import Any

from .._options import INFERENCE_MODES, MAX_RESAMPLES, Options, as_options
from .._progress import Progress, as_progress
from .._validation import check_confidence, check_option, check_scalar
from ..exceptions import EstimationWarning
from ..marginals import Marginals
from ..raw.samples import samples_per_cell
from ..results import PopulationInference
from ._certified import certified_intervals
from ._functionals import FUNCTIONALS, functionals
from ._intervals import VARIANTS
from ._notes import interval_notes, sparse_table_note
from ._resample import (
    bootstrap_replicates,
    resample_marginals,
    source_counts,
    tight_upper_replicates,
)
from ._sparse import MIN_SOURCE_ROWS, sample_intervals
from ._upper_end import upper_end_rules

__all__ = [
    "infer_population",
    "bootstrap_replicates",
    "source_counts",
    "resample_marginals",
    "tight_upper_replicates",
    "functionals",
    "QUANTITIES",
    "FUNCTIONALS",
    "MODES",
    "VARIANTS",
]

QUANTITIES = ("redundancy", "unique1", "unique2", "synergy_lower_end", "synergy_upper_end")
MODES = ("bootstrap", "certified")


def infer_population(
    m: Marginals,
    *,
    confidence: float = 0.95,
    mode: str | None = None,
    n_resamples: int | None = None,
    negligible: float | None = None,
    options: Options | dict[str, Any] | None = None,
    random_state: Any = 0,
    n_jobs: int | None = None,
    progress: bool | Progress = True,
    variant: str | None = None,
    sample_upper: float | None = None,
) -> PopulationInference:
    """Confidence intervals for R, U1, U2, the ends of the synergy identified set and S (bits).

    Parameters
    ----------
    m : Marginals
        Marginals counted from samples (``m.sample_sizes`` set; its ``observed`` tables are the
        sources' empirical tables).
    confidence : float
        Level of every interval, in (0, 1).
    mode : {"bootstrap", "certified"}, optional
        See the module docstring; default ``options.inference``.
    n_resamples : int, optional
        Bootstrap replicates (``"bootstrap"`` mode); default ``options.n_resamples``.
    negligible : float, optional
        Bits below which a quantity counts as absent (verdicts); default ``options.negligible``.
    options : Options, dict or None
        Solver options of every replicate (a dict or None as for :func:`mmbounds.estimate`), and
        the defaults of ``mode``, ``n_resamples`` and ``negligible``.
    random_state : None, int or numpy.random.Generator, default 0
        Seeds the replicates (drawn in advance: results do not depend on ``n_jobs``).
    n_jobs : int or None
        joblib workers; ``None`` follows the active :func:`joblib.parallel_config` (serial when
        none is active, a Dask cluster under ``parallel_config(backend="dask")``).
    progress : bool or Progress, default True
        tqdm bar over the replicates, or the caller's to tick.
    variant : str, optional
        How ``"bootstrap"`` mode turns replicates into intervals, one of :data:`VARIANTS`
        (:mod:`._intervals`); default ``options.bootstrap_interval`` (``"widened"``).
    sample_upper : float, optional
        The tightest certified upper bound on S of ``m`` (``EstimateResult.synergy_upper``, which
        :func:`mmbounds.estimate` passes). The resamples recompute only the cheaper bounds (and,
        on tables of at most 64 cells, this one on ``min(30, n_resamples)`` of them:
        :func:`._resample.tight_upper_replicates`, whose interval's lower end ``S_U``'s lower
        limit is then at most); where this one is lower, ``S_U``'s lower limit comes down by
        the difference in ``"bootstrap"`` mode (:func:`._upper_end.tighten_upper_end`), so
        that it holds for the upper end of the identified set and not only for the cheaper
        bound; where the tables may tie, it is at most the tight bound of the tied projection
        minus a margin (:func:`._upper_end.upper_end_rules`).

    Returns
    -------
    PopulationInference

    Examples
    --------
    >>> import numpy as np
    >>> from mmbounds import Marginals, Options
    >>> rng = np.random.default_rng(0)
    >>> x1, x2 = rng.integers(0, 2, 400), rng.integers(0, 2, 400)
    >>> y = x1 ^ x2
    >>> m = Marginals.from_samples((x1[:200], y[:200]), (x2[200:], y[200:]), (x1, x2))
    >>> inf = infer_population(m, n_resamples=50, options=Options(), random_state=0)
    >>> inf["synergy"].verdict, inf.identifiable
    ('undetermined', False)
    """
    if not isinstance(m, Marginals):
        raise TypeError(
            f"m must be a Marginals counted from samples (Marginals.from_samples), got "
            f"{type(m).__name__}"
        )
    options = as_options(options)
    confidence = check_confidence(confidence)
    mode = options.inference if mode is None else mode
    n_resamples = options.n_resamples if n_resamples is None else n_resamples
    negligible = options.negligible if negligible is None else negligible
    negligible = check_scalar(negligible, name="negligible", min_val=0, include_min=True)
    check_option(mode, name="mode", options=INFERENCE_MODES)
    if mode == "bootstrap":
        check_scalar(
            n_resamples, name="n_resamples", kind=numbers.Integral, min_val=2,
            max_val=MAX_RESAMPLES,
        )  # fmt: skip
    if sample_upper is not None:
        sample_upper = check_scalar(sample_upper, name="sample_upper")
    sizes = tuple(int(round(n)) for n in m.sample_sizes) if m.sample_sizes else None
    variant = options.bootstrap_interval if variant is None else variant
    ends, sparse_note = None, None  # bootstrap mode: the intervals before the sparse floor
    if mode == "certified":
        source_counts(m)  # sample sizes are needed
        run, owned = as_progress(progress, "mmbounds.inference")
        run.add(1)
        with run.step("certified intervals", units=0):
            plugin = functionals(m, options)
        run.advance(1)
        if owned:
            run.close()
        intervals = certified_intervals(m, plugin, confidence=confidence, negligible=negligible)
        n_done = 0
    else:
        if variant not in VARIANTS:
            raise ValueError(f"unknown bootstrap interval {variant!r}; choose from {VARIANTS}")
        plugin, reps = bootstrap_replicates(
            m,
            n_resamples=n_resamples,
            options=options,
            random_state=random_state,
            n_jobs=n_jobs,
            progress=progress,
        )
        tables = samples_per_cell(m.shape, sizes)  # type: ignore[arg-type]
        ends, intervals = sample_intervals(
            plugin, reps, confidence, negligible, variant, tables, m.shape[2], sizes=sizes
        )
        sparse_note = sparse_table_note(tables, m.shape[2])
        n_done = reps.shape[0]
    gain, corner = None, None
    tight = None
    if sample_upper is not None and mode == "bootstrap":
        gain = intervals["synergy_upper_end"].plugin - sample_upper
        tight = tight_upper_replicates(
            m, options=options, random_state=random_state, n_jobs=n_jobs, progress=progress,
            n_resamples=n_resamples,
        )  # fmt: skip
        intervals, ends, corner = upper_end_rules(
            m, plugin, reps, intervals, ends, sample_upper, confidence=confidence,
            variant=variant, negligible=negligible, options=options, progress=progress,
            tight_reps=tight,
        )  # fmt: skip
    identifiable, notes = interval_notes(intervals, mode, negligible, ends)
    if gain is not None and gain > 1e-12:
        notes.append(
            f"S_U's estimate is that of the upper bounds recomputed per resample "
            f"({intervals['synergy_upper_end'].plugin:.3f} bits on the sample); branch-and-bound "
            f"certifies S <= {sample_upper:.3f} on the sample tables, so S_U's lower limit is "
            f"lowered by the difference ({gain:.3f})"
        )
    if tight is not None:
        notes.append(
            f"S_U's lower limit is also that of the tight bound's own interval, from {tight.size} "
            "resamples on which it was recomputed (it varies more than the cheaper bounds)"
        )
    if corner is not None:
        notes.append(
            "the samples cannot tell a pairwise table from the product of its margins, or two "
            "values' rows apart: where the population's tables tie, the sample's upper bounds on "
            "S are biased up, so S_U's lower limit is at most the tight bound of the tables with "
            f"those ties restored ({corner:.3f} bits) minus a margin"
        )
    if sparse_note is not None:
        notes.append(sparse_note)
    if mode == "bootstrap" and sizes is not None and min(sizes) < MIN_SOURCE_ROWS:
        few = f"{min(sizes):g} rows in the smallest sample (< {MIN_SOURCE_ROWS})"
        notes.append(f"{few}: every interval is the whole range [0, log2 |Y|]")
        warnings.warn(
            f"{few}: the bootstrap cannot tell anything from so few rows, so every interval is "
            "the whole range [0, log2 |Y|]; collect more samples of each source",
            EstimationWarning,
            stacklevel=2,
        )
    return PopulationInference(
        confidence=float(confidence),
        mode=mode,
        intervals=MappingProxyType(dict(intervals)),  # read-only, as the other results' maps
        negligible=float(negligible),
        identifiable=identifiable,
        n_resamples=n_done,
        sample_sizes=sizes,  # type: ignore[arg-type]
        notes=tuple(notes),
    )
