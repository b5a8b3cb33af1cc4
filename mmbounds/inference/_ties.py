"""Values whose rows the samples cannot tell apart, merged: :func:`tied_marginals`.

The majorization meet and branch-and-bound sort probabilities, so where the population has equal
rows (two values of ``X1`` with the same ``p(x1, y)`` and ``p(x1, x2)``: a uniform ``X1``, or the
even and the odd values of ``xor_5x5x2``) their upper bounds on S have a corner, and sampling
noise, which breaks the tie, only raises them (:mod:`._upper_end`). Such a population is left as
it is by averaging the tied rows; the sample is not, and averaged it keeps the noise of the merged
rows' mean only. Two values are merged when a chi-square test of their rows (the counts of both
tables that hold the variable, each cell ``(c_a - c_b)^2 / (c_a + c_b)``, one degree of freedom
per occupied cell pair) cannot reject equality at the level ``(1 - confidence) / 20``; a cluster
holds values that pass against every member (complete linkage, values taken from the most
frequent). Merging more than the population ties only lowers the candidate of
:func:`._upper_end.upper_end_rules` (a widening).
"""

from __future__ import annotations

import numpy as np

from ..marginals import Marginals

__all__ = ["tie_clusters", "tied_marginals"]


def _same_rows(a: np.ndarray, b: np.ndarray, level: float) -> bool:
    """Whether the count rows ``a`` and ``b`` (concatenated over tables) pass the equality test."""
    from scipy.special import chdtri  # scipy.special, not scipy.stats (import time)

    tot = a + b
    keep = tot > 0
    if not np.any(keep):
        return True
    stat = float(np.sum((a[keep] - b[keep]) ** 2 / tot[keep]))
    return stat <= float(chdtri(int(keep.sum()), level))


def tie_clusters(rows: np.ndarray, level: float) -> list[list[int]]:
    """Clusters of the rows of a count table that the equality test cannot tell apart.

    Parameters
    ----------
    rows : ndarray, shape (k, m)
        One row of counts per value (the rows of every table holding the variable, side by side).
    level : float
        Rejection level of each pairwise test.

    Returns
    -------
    list of list of int
        The clusters (row indices), every value in exactly one.

    Examples
    --------
    >>> tie_clusters(np.array([[50, 50], [52, 48], [90, 10]]), 0.0025)
    [[0, 1], [2]]
    """
    rows = np.asarray(rows, dtype=np.float64)
    clusters: list[list[int]] = []
    for i in np.argsort(-rows.sum(axis=1), kind="stable"):
        for c in clusters:
            if all(_same_rows(rows[i], rows[j], level) for j in c):
                c.append(int(i))
                break
        else:
            clusters.append([int(i)])
    return [sorted(c) for c in sorted(clusters, key=min)]


def _average(t: np.ndarray, clusters: list[list[int]], axis: int) -> np.ndarray:
    """``t`` with the rows (``axis=0``) or columns of each cluster replaced by their mean."""
    out = np.array(t, dtype=np.float64, copy=True)
    view = out if axis == 0 else out.T
    for c in clusters:
        if len(c) > 1:
            view[c] = view[c].mean(axis=0)
    return out


def tied_marginals(m: Marginals, confidence: float) -> tuple[Marginals, bool]:
    """``m`` with the values of ``X1``, ``X2`` and ``Y`` that the samples cannot tell apart merged.

    Parameters
    ----------
    m : Marginals
        Reconciled marginals counted from samples (``m.sample_sizes`` set).
    confidence : float
        Level of the intervals; each test rejects at ``(1 - confidence) / 20``.

    Returns
    -------
    Marginals, bool
        The marginals with the tied rows averaged in every table that holds the variable
        (consistent: the averaged margins agree), and whether any values were merged.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x1, x2, y = rng.integers(0, 3, 900), rng.integers(0, 3, 900), rng.integers(0, 2, 900)
    >>> m = Marginals.from_samples((x1[:300], y[:300]), (x2[300:600], y[300:600]), (x1, x2))
    >>> tied, merged = tied_marginals(m, 0.95)
    >>> merged, np.round(tied.p_x1y.sum(axis=1), 4).tolist()
    (True, [0.3333, 0.3333, 0.3333])
    """
    level = (1.0 - confidence) / 20.0
    c1, c2, c12 = (np.rint(t * n) for t, n in zip(m.observed, m.sample_sizes or (1, 1, 1)))
    k1 = tie_clusters(np.hstack([c1, c12]), level)
    k2 = tie_clusters(np.hstack([c2, c12.T]), level)
    ky = tie_clusters(np.vstack([c1, c2]).T, level)
    merged = any(len(c) > 1 for k in (k1, k2, ky) for c in k)
    if not merged:
        return m, False
    p1 = _average(_average(m.p_x1y, k1, 0), ky, 1)
    p2 = _average(_average(m.p_x2y, k2, 0), ky, 1)
    p12 = _average(_average(m.p_x1x2, k1, 0), k2, 1)
    return Marginals._trusted(p1, p2, p12, sample_sizes=m.sample_sizes), True
