"""Accuracy ranges of the best multimodal classifier and the guidance they certify.

:func:`performance_bounds` takes an estimate (or marginals, tables, a joint) and returns a
:class:`~mmbounds.results.PerformanceBounds`: the exact range of the Bayes accuracy over the
joints with the observed pairwise marginals, exact unimodal accuracies, the gain range, the
range of late fusion, and verdicts that follow only the ends of those ranges (certified for
population tables; their bootstrap confidence limits for samples).

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), Theorem 5 (the information-based interval kept here
as the fallback).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._validation import check_bool, check_confidence, check_random_state, check_scalar
from ..api import estimate
from ..inference._intervals import interval_ends
from ..results import EstimateResult, PerformanceBounds
from ._information import accuracy_interval
from ._ranges import accuracy_ranges, bootstrap_ranges, check_budgets

__all__ = ["PerformanceBounds", "performance_bounds"]


def _as_estimate(result: Any, progress: bool, random_state: Any) -> EstimateResult:
    if isinstance(result, EstimateResult):
        return result
    if hasattr(result, "synergy") and not hasattr(result, "marginals"):
        raise TypeError(
            f"{type(result).__name__} carries no marginals; pass the joint table or the "
            "EstimateResult of mmbounds.estimate instead"
        )
    try:
        return estimate(result, progress=progress, random_state=random_state)
    except TypeError as exc:  # a ValueError names its own argument: it propagates as it is
        raise TypeError(
            "result must be an EstimateResult, Marginals, three tables or a joint "
            f"(got {type(result).__name__}: {exc})"
        ) from None


def _mi_fallback(res: EstimateResult, h_y: float, k: int, majority: float) -> tuple[Any, ...]:
    """(I interval, S interval, Feder--Merhav/Fano interval, paper's two forms)."""
    inf = res.inference
    if inf is not None:  # population confidence limits of every part
        parts = ("redundancy", "unique1", "unique2", "synergy")
        i_lo = sum(inf[p].low for p in parts)
        i_hi = sum(inf[p].high for p in parts)
        s_iv = (inf["synergy"].low, inf["synergy"].high)
    else:
        base = res.redundancy + res.unique1 + res.unique2
        s_iv = (max(res.synergy_lower, 0.0), max(res.synergy_upper, res.synergy_lower, 0.0))
        i_lo, i_hi = base + s_iv[0], base + s_iv[1]
    i_lo, i_hi = min(max(i_lo, 0.0), h_y), min(max(i_hi, 0.0), h_y)
    i_lo = min(i_lo, i_hi)
    acc = accuracy_interval((i_lo, i_hi), h_y, k, majority=majority)
    paper_lo = float(2.0 ** (i_lo - h_y))
    paper_hi = float(min((i_hi + 1.0) / math.log2(k), 1.0)) if k > 1 else 1.0  # an accuracy
    return (i_lo, i_hi), s_iv, acc, paper_lo, paper_hi


def _verdict(low: float, high: float, threshold: float, yes: str, no: str) -> str:
    if low > threshold:
        return yes
    if high < threshold:
        return no
    return "undetermined"


def performance_bounds(
    result: Any,
    *,
    min_gain: float = 0.02,
    fusion_threshold: float = 0.02,
    confidence: float = 0.95,
    n_resamples: int = 30,
    max_nodes: int = 200,
    max_binaries: int | None = None,
    random_state: Any = 0,
    progress: bool = True,
) -> PerformanceBounds:
    """Range of the best achievable multimodal accuracy, unimodal baselines and guidance.

    Parameters
    ----------
    result : EstimateResult, Marginals, tuple of 3 tables or 3-D joint
        Output of :func:`mmbounds.estimate`, or anything it accepts as ``data``.
    min_gain : float
        Gain in accuracy (fraction) worth the cost of labeling multimodal data (2 points).
    fusion_threshold : float
        Advantage of the Bayes classifier over late fusion (fraction) that calls for a fusion
        model of interactions (2 points).
    confidence : float
        For sample input: level of the bootstrap confidence limits the verdicts use.
    n_resamples : int
        Bootstrap replicates for sample input (each costs the LPs of one table).
    max_nodes : int
        Node budget of each upper-end MILP (deterministic; the dual bound is certified).
    max_binaries : int or None
        Largest MILP attempted; above it the LP relaxation bounds the upper ends (default 80).
    random_state : None, int or numpy.random.Generator
        Seeds the bootstrap, and the estimate made of ``result`` when it is not an
        :class:`~mmbounds.EstimateResult` (its witness search is randomised).
    progress : bool, default True
        tqdm bar over the bootstrap replicates (it appears at the first step after a second).

    Returns
    -------
    PerformanceBounds
        Ranges (fractions), verdicts and the numbers behind them.

    Raises
    ------
    TypeError
        If ``result`` is neither an estimate nor marginals.
    ValueError
        On out-of-range thresholds.

    Notes
    -----
    Over the joints ``q`` with the observed pairwise marginals, the Bayes accuracy
    ``sum max_y q`` ranges over ``[accuracy_lower, accuracy_upper]`` (lower end by an LP; upper end
    by a MILP solved exactly or stopped at ``max_nodes`` with its certified dual bound, or the LP
    relaxation for large tables, capped by the Fano end of the information-based interval).
    ``gain = Bayes - max(unimodal)``; ``gap = Bayes - late fusion``, where late fusion is the rule
    ``argmax_y p(y|x1) p(y|x2) / p(y)`` (its range: two LPs; the gap's: an LP and a MILP).

    Verdicts follow the ends of the ranges only: ``"collect"`` when the gain's lower end exceeds
    ``min_gain``, ``"dont_collect"`` when its upper end is below it, otherwise
    ``"undetermined"``; likewise ``"interaction"`` / ``"late_fusion"`` / ``"undetermined"`` from
    the gap and ``fusion_threshold``. On sample tables the ends are replaced by bootstrap
    confidence limits (each source resampled and reconciled; bias-corrected and widened by the
    bias, like the default of :mod:`mmbounds.inference`), and the information-based fallback uses
    the inference layer's intervals of R, U1, U2 and S when ``result.inference`` is set.

    Examples
    --------
    >>> import numpy as np
    >>> import mmbounds
    >>> xor = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         xor[a, b, a ^ b] = 0.25
    >>> perf = performance_bounds(mmbounds.estimate(xor))
    >>> round(perf.accuracy_lower, 3), round(perf.accuracy_upper, 3), perf.unimodal1
    (0.5, 1.0, 0.5)
    >>> perf.data_collection, perf.fusion
    ('undetermined', 'undetermined')
    """
    check_scalar(min_gain, name="min_gain", min_val=0.0, max_val=1.0)
    check_scalar(fusion_threshold, name="fusion_threshold", min_val=0.0, max_val=1.0)
    check_confidence(confidence)
    check_scalar(n_resamples, name="n_resamples", kind=numbers.Integral, min_val=2)
    check_budgets(max_nodes, max_binaries)
    check_bool(progress, name="progress")
    rng = check_random_state(random_state)
    res = _as_estimate(result, progress, rng)
    m = res.marginals
    py = np.asarray(m.p_y, dtype=np.float64)
    pos = py[py > 0]
    k = int(pos.size)
    h_y = float(-(pos * np.log2(pos)).sum())
    majority = float(py.max())
    mi_iv, s_iv, mi_acc, paper_lo, paper_hi = _mi_fallback(res, h_y, k, majority)
    r = accuracy_ranges(m.p_x1y, m.p_x2y, m.p_x1x2, max_nodes=max_nodes, max_binaries=max_binaries)
    b_lo, b_hi = r.bayes
    method = r.upper_method
    fano = mi_acc[1] if res.inference is None else 1.0  # plug-in Fano end holds for the tables
    if fano < b_hi:
        b_hi, method = max(fano, b_lo), "mutual_information"
    best = max(r.unimodal1, r.unimodal2)
    gain = (r.gain[0], max(r.gain[0], min(r.gain[1], b_hi - best)))
    gap = (r.gap[0], max(r.gap[0], min(r.gap[1], b_hi - r.late[0])))

    sampled = m.sample_sizes is not None
    if sampled:
        reps = bootstrap_ranges(
            m,
            n_resamples=n_resamples,
            random_state=rng,
            max_nodes=max_nodes,
            max_binaries=max_binaries,
            progress=progress,
        )
        plug = np.array([gain[0], gain[1], gap[0], gap[1]])
        lo, hi = (np.clip(e, 0.0, 1.0) for e in interval_ends(plug, reps, confidence))
        d_gain = (float(lo[0]), float(max(hi[1], lo[0])))
        d_gap = (float(lo[2]), float(max(hi[3], lo[2])))
        basis = (
            f"ranges on the sample tables (plug-in); verdicts use {confidence:.0%} bootstrap "
            f"confidence limits ({n_resamples} replicates, each source resampled and reconciled)"
        )
    else:
        d_gain, d_gap = gain, gap
        basis = "ranges over all joints with the given pairwise marginals (population tables)"
    clusters = res.extras.get("n_clusters") if isinstance(res.extras, Mapping) else None
    if clusters and any(isinstance(c, int) for c in clusters):  # raw features, discretized
        which = " and ".join(
            f"modality {i + 1} in {c} clusters"
            for i, c in enumerate(clusters)
            if isinstance(c, int)
        )
        basis = (
            f"accuracies of classifiers of the discretized features ({which}), not of the raw "
            "ones, which can do better; " + basis
        )
    else:
        basis += "; Bayes accuracies of classifiers of the variables the estimate used"
    which = "confidence limits" if sampled else "range"
    collect = _verdict(*d_gain, min_gain, "collect", "dont_collect")
    collect_reason = (
        f"multimodal Bayes accuracy in [{b_lo:.3f}, {b_hi:.3f}] vs best unimodal {best:.3f}: "
        f"gain {which} [{d_gain[0]:.3f}, {d_gain[1]:.3f}] against the threshold {min_gain:.3f}"
    )
    fusion = _verdict(*d_gap, fusion_threshold, "interaction", "late_fusion")
    fusion_reason = (
        f"late fusion (product of unimodal posteriors) in [{r.late[0]:.3f}, {r.late[1]:.3f}]; "
        f"Bayes minus late fusion {which} [{d_gap[0]:.3f}, {d_gap[1]:.3f}] against the "
        f"threshold {fusion_threshold:.3f}"
    )
    return PerformanceBounds(
        accuracy_lower=float(b_lo),
        accuracy_upper=float(b_hi),
        accuracy_upper_attained=float(min(r.bayes_attained, b_hi)),
        upper_method=method,
        unimodal1=r.unimodal1,
        unimodal2=r.unimodal2,
        gain_interval=(float(gain[0]), float(gain[1])),
        late_fusion_interval=(float(r.late[0]), float(r.late[1])),
        fusion_gap_interval=(float(gap[0]), float(gap[1])),
        mi_accuracy_interval=(float(mi_acc[0]), float(mi_acc[1])),
        paper_accuracy_lower=paper_lo,
        paper_accuracy_upper=paper_hi,
        mi_interval=(float(mi_iv[0]), float(mi_iv[1])),
        synergy_interval=(float(s_iv[0]), float(s_iv[1])),
        entropy_y=h_y,
        n_classes=k,
        majority=majority,
        data_collection=collect,
        data_collection_reason=collect_reason,
        fusion=fusion,
        fusion_reason=fusion_reason,
        min_gain=float(min_gain),
        fusion_threshold=float(fusion_threshold),
        confidence=float(confidence) if sampled else None,
        decision_gain=d_gain,
        decision_gap=d_gap,
        basis=basis,
    )
