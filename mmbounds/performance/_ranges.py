"""Exact accuracy ranges from three pairwise marginals, and their bootstrap on sample tables.

:func:`accuracy_ranges` computes, over the joints with the given marginals, the range of the Bayes
accuracy, the exact unimodal Bayes accuracies, the gain range, the range of the late-fusion
(product) rule's accuracy and the range of the Bayes-minus-late-fusion gap.
:func:`bootstrap_ranges` repeats the decision-relevant ends on bootstrap replicates of the
sources (each resampled on its own and reconciled, as :mod:`mmbounds.inference` does).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_scalar
from ..inference import resample_marginals, source_counts
from ..marginals import Marginals
from ._polytope import PAD, JointPolytope

__all__ = ["AccuracyRanges", "accuracy_ranges", "bootstrap_ranges", "late_fusion_rule"]


@dataclass(frozen=True, slots=True)
class AccuracyRanges:
    """Ranges over the joints with the marginals (accuracies as fractions).

    Examples
    --------
    >>> from mmbounds import Marginals
    >>> from mmbounds.data import bitwise_joint
    >>> m = Marginals.from_joint(bitwise_joint("and"))
    >>> r = accuracy_ranges(m.p_x1y, m.p_x2y, m.p_x1x2)
    >>> tuple(round(v, 4) for v in r.bayes), tuple(round(v, 4) for v in r.gain)
    ((1.0, 1.0), (0.25, 0.25))
    >>> tuple(round(v, 4) for v in r.late), round(r.bayes_attained, 4)
    ((1.0, 1.0), 1.0)
    """

    bayes: tuple[float, float]
    bayes_attained: float
    upper_method: str
    unimodal1: float
    unimodal2: float
    gain: tuple[float, float]
    late: tuple[float, float]
    gap: tuple[float, float]


def late_fusion_rule(p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
    """``argmax_y p(x1,y) p(x2,y) / p(y)`` per cell (ties: smallest label), shape (n1, n2).

    It equals ``argmax_y p(y|x1) p(y|x2) / p(y)``, the product of the unimodal posteriors, which
    needs no multimodal labels.

    Parameters
    ----------
    p1, p2 : ndarray, shapes (n1, ny) and (n2, ny)
        ``p(x1, y)`` and ``p(x2, y)``.

    Returns
    -------
    ndarray of int, shape (n1, n2)

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> p = bitwise_joint("and")
    >>> late_fusion_rule(p.sum(1), p.sum(0)).tolist()
    [[0, 0], [0, 1]]
    >>> p = bitwise_joint("xor")
    >>> late_fusion_rule(p.sum(1), p.sum(0)).tolist()
    [[0, 0], [0, 0]]
    """
    p1, p2 = np.asarray(p1, dtype=np.float64), np.asarray(p2, dtype=np.float64)
    if p1.ndim != 2 or p2.ndim != 2 or p1.shape[1] != p2.shape[1]:
        raise ValueError(
            f"p1 and p2 must be tables p(x1, y), p(x2, y) with the same labels (shapes (n1, ny) "
            f"and (n2, ny)), got {p1.shape} and {p2.shape}"
        )
    py = p1.sum(0)
    inv = np.divide(1.0, py, out=np.zeros_like(py), where=py > 0)
    score = p1[:, None, :] * p2[None, :, :] * inv
    return np.argmax(score, axis=2)


def check_budgets(max_nodes: Any, max_binaries: Any) -> None:
    """The MILP budgets of :func:`accuracy_ranges` (``max_nodes >= 1``, ``max_binaries >= 0``).

    Parameters
    ----------
    max_nodes : int
    max_binaries : int or None

    Examples
    --------
    >>> check_budgets(0, None)
    Traceback (most recent call last):
        ...
    ValueError: max_nodes == 0, must be >= 1
    """
    check_scalar(max_nodes, name="max_nodes", kind=numbers.Integral, min_val=1)
    if max_binaries is not None:
        check_scalar(max_binaries, name="max_binaries", kind=numbers.Integral, min_val=0)


def _clip(lo: float, hi: float) -> tuple[float, float]:
    lo = min(max(lo, 0.0), 1.0)
    return lo, min(max(hi, lo), 1.0)


def accuracy_ranges(
    p1: np.ndarray,
    p2: np.ndarray,
    p12: np.ndarray,
    *,
    max_nodes: int = 200,
    max_binaries: int | None = None,
) -> AccuracyRanges:
    """All ranges for consistent tables ``p(x1,y)``, ``p(x2,y)``, ``p(x1,x2)``.

    Parameters
    ----------
    p1, p2, p12 : ndarray
        Consistent marginals (as held by :class:`mmbounds.Marginals`).
    max_nodes : int
        Branch-and-bound node budget of each MILP (deterministic).
    max_binaries : int or None
        Largest MILP attempted (binaries); above it the LP relaxation gives the upper ends.

    Returns
    -------
    AccuracyRanges

    Examples
    --------
    >>> from mmbounds import Marginals
    >>> from mmbounds.data import bitwise_joint
    >>> m = Marginals.from_joint(bitwise_joint("xor"))
    >>> r = accuracy_ranges(m.p_x1y, m.p_x2y, m.p_x1x2)
    >>> tuple(round(v, 4) for v in r.bayes), r.upper_method, round(r.unimodal1, 4)
    ((0.5, 1.0), 'milp', 0.5)
    """
    check_budgets(max_nodes, max_binaries)
    try:  # the door of the tables: finite, non-negative, normalized, matching and consistent
        m = Marginals(p1, p2, p12, reconcile=False)
    except ValueError as e:
        raise ValueError(f"accuracy_ranges(p1=p_x1y, p2=p_x2y, p12=p_x1x2): {e}") from None
    p1, p2, p12 = m.p_x1y, m.p_x2y, m.p_x1x2
    poly = JointPolytope(p1, p2, p12)
    kw: dict[str, Any] = {"max_nodes": max_nodes}
    if max_binaries is not None:
        kw["max_binaries"] = max_binaries
    uni1 = float(np.asarray(p1).max(axis=1).sum())
    uni2 = float(np.asarray(p2).max(axis=1).sum())
    best = max(uni1, uni2)
    bayes = poly.bayes_range(**kw)
    b_lo, b_hi = _clip(max(bayes.lower, best - PAD), bayes.upper)
    rule = poly.rule_vector(late_fusion_rule(np.asarray(p1), np.asarray(p2)))
    late = poly.linear_range(rule)
    l_lo, l_hi = _clip(late.lower, min(late.upper, b_hi))
    gap = poly.bayes_range(-rule, **kw)
    g_lo, g_hi = _clip(max(gap.lower, b_lo - l_hi), min(gap.upper, b_hi - l_lo))
    gain = _clip(b_lo - best, b_hi - best)
    return AccuracyRanges(
        bayes=(b_lo, b_hi),
        bayes_attained=float(min(max(bayes.upper_attained, b_lo), b_hi)),
        upper_method=bayes.method,
        unimodal1=uni1,
        unimodal2=uni2,
        gain=gain,
        late=(l_lo, l_hi),
        gap=(g_lo, g_hi),
    )


def bootstrap_ranges(
    m: Marginals,
    *,
    n_resamples: int,
    random_state: np.random.Generator,
    max_nodes: int,
    max_binaries: int | None,
    progress: bool = False,
) -> np.ndarray:
    """The decision ends on bootstrap replicates of the sources.

    Parameters
    ----------
    m : Marginals
        Marginals counted from samples (``m.sample_sizes`` set).
    n_resamples : int
        Replicates.
    random_state : numpy.random.Generator
        Draws the replicate seeds.
    max_nodes, max_binaries : int
        See :func:`accuracy_ranges`.
    progress : bool
        tqdm bar.

    Returns
    -------
    ndarray, shape (n_resamples, 4)
        ``(gain_lo, gain_hi, gap_lo, gap_hi)`` per replicate.
    """
    counts = source_counts(m)
    sizes = tuple(int(round(n)) for n in m.sample_sizes)  # type: ignore[union-attr]
    seeds = [int(s) for s in random_state.integers(0, 2**63 - 1, size=n_resamples)]
    it: Any = seeds
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(seeds, desc="mmbounds.performance", leave=False)
    out = []
    for s in it:
        r = resample_marginals(counts, sizes, s)
        a = accuracy_ranges(
            r.p_x1y, r.p_x2y, r.p_x1x2, max_nodes=max_nodes, max_binaries=max_binaries
        )
        out.append([a.gain[0], a.gain[1], a.gap[0], a.gap[1]])
    return np.array(out, dtype=np.float64).reshape(-1, 4)
