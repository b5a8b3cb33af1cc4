"""Plug-in bias of information estimates: samples per cell and Miller–Madow corrections.

The plug-in entropy of ``n`` samples over ``m`` occupied cells is biased low by about
``(m - 1) / (2 n ln 2)`` bits (Miller 1955). Adding that term to each entropy of
``I(A;B) = H(A) + H(B) - H(A,B)`` gives the corrected mutual information
``I_MM = I_plugin - (m_AB - m_A - m_B + 1) / (2 n ln 2)``, computed for ``I(X1;Y)`` on ``D1``,
``I(X2;Y)`` on ``D2`` and ``I(X1;X2)`` on ``DM``, each with its own sample size. It is a first-order
bias correction of these three numbers only.

References
----------
G. A. Miller, "Note on the bias of information estimates", in *Information Theory in Psychology*
(1955).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validation import check_source_pairs
from ..marginals import count_table, index_of, sample_columns

__all__ = ["miller_madow_mutual_information", "miller_madow_report"]


def miller_madow_mutual_information(counts: Any) -> tuple[float, float]:
    """Plug-in and Miller–Madow corrected mutual information of a 2-D count table (bits).

    Parameters
    ----------
    counts : array_like, shape (n_a, n_b)
        Sample counts (non-negative whole numbers: the correction needs the number of samples,
        so a table of probabilities is refused).

    Returns
    -------
    (plugin, corrected) : tuple of float
        ``corrected = plugin - (m_AB - m_A - m_B + 1) / (2 n ln 2)`` with ``m`` the numbers of
        occupied cells, rows, columns and ``n`` the total count.

    Examples
    --------
    >>> plugin, mm = miller_madow_mutual_information([[30, 20], [20, 30]])
    >>> round(plugin, 4), round(mm, 4)
    (0.029, 0.0218)
    """
    try:
        c = np.asarray(counts, dtype=np.float64)
    except OverflowError:
        raise ValueError("counts hold a number beyond float64 (above 1.8e308)") from None
    if c.ndim != 2 or np.any(c < 0) or not np.all(np.isfinite(c)) or c.sum() <= 0:
        raise ValueError("counts must be a finite, non-negative 2-D table with a positive total")
    whole = np.rint(c)
    frac = c[np.abs(c - whole) > 1e-9 * np.maximum(whole, 1.0)]  # rounding noise is whole
    if frac.size:
        raise ValueError(
            f"counts must be whole numbers of samples, got {frac.size} that are not (e.g. "
            f"{float(frac[0])!r}); the correction needs the sample size: pass the counts, not "
            "probabilities"
        )
    c = whole
    n = float(c.sum())
    p = c / n
    pa, pb = p.sum(1), p.sum(0)
    nz = p > 0
    plugin = float(np.sum(p[nz] * np.log2(p[nz] / np.outer(pa, pb)[nz])))
    m_ab, m_a, m_b = int(nz.sum()), int((pa > 0).sum()), int((pb > 0).sum())
    corrected = plugin - (m_ab - m_a - m_b + 1) / (2.0 * n * math.log(2.0))
    return plugin, float(corrected)


def miller_madow_report(
    x1: tuple[Any, Any], x2: tuple[Any, Any], paired: tuple[Any, Any]
) -> dict[str, dict[str, float]]:
    """Plug-in vs Miller–Madow ``I(X1;Y)`` (D1), ``I(X2;Y)`` (D2), ``I(X1;X2)`` (DM), in bits.

    Parameters
    ----------
    x1, x2, paired : pair of 1-D arrays
        Discrete ``D1 = (x1, y1)``, ``D2 = (x2, y2)`` and ``DM = (x1u, x2u)``, checked as
        :func:`mmbounds.estimate` checks them (whitespace stripped, missing values refused).

    Returns
    -------
    dict
        ``{"mi_x1y", "mi_x2y", "mi_x1x2"}`` to entries holding ``plugin``, ``corrected``,
        ``correction`` (= corrected - plugin), ``n_samples`` and ``samples_per_occupied_cell``.
        Computed on each source's own counts (before any reconciliation of the marginals).

    Examples
    --------
    >>> a = [0, 0, 1, 1] * 25
    >>> rep = miller_madow_report((a, a), (a, a), (a, a))
    >>> round(rep["mi_x1y"]["plugin"], 4), rep["mi_x1y"]["n_samples"]
    (1.0, 100.0)
    """
    check_source_pairs(x1, x2, paired)
    cols, cats = sample_columns(x1, x2, paired, names=("x1", "x2", "paired"))
    idx = [index_of(c) for c in cats]
    out = {}
    for name, pair, (i, j) in zip(("mi_x1y", "mi_x2y", "mi_x1x2"), cols, ((0, 2), (1, 2), (0, 1))):
        t = count_table(pair, idx[i], idx[j])
        plugin, corrected = miller_madow_mutual_information(t)
        out[name] = {
            "plugin": plugin,
            "corrected": corrected,
            "correction": corrected - plugin,
            "n_samples": float(t.sum()),
            "samples_per_occupied_cell": float(t.sum() / max(int((t > 0).sum()), 1)),
        }
    return out
