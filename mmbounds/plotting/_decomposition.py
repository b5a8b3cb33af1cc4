"""Stacked R / U1 / U2 bars with S drawn as an interval (bits)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..results._glossary import term
from ._style import OKABE_ITO, PART_COLORS, _axes, _check_length, _legend

__all__ = ["plot_decomposition"]


def plot_decomposition(
    labels: Sequence[str],
    redundancy: Any,
    unique1: Any,
    unique2: Any,
    synergy_lower: Any,
    synergy_upper: Any,
    *,
    synergy_true: Any = None,
    ax: Any = None,
) -> Any:
    """Horizontal stacked bars of R, U1, U2 and S, with S drawn as an interval.

    The solid part of S is its guaranteed lower bound; the hatched part reaches the upper bound, so
    the bar's right end is the largest ``I(X1,X2;Y) = R + U1 + U2 + S`` the marginals allow. A black
    tick marks ``R + U1 + U2 + S_true`` when the true synergy is known.

    Parameters
    ----------
    labels : sequence of str
        One label per dataset.
    redundancy, unique1, unique2, synergy_lower, synergy_upper : array_like, shape (n,)
        Bits.
    synergy_true : array_like of shape (n,), optional
        True S (NaN where unknown).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_decomposition(["AND", "XOR"], [0.311, 0.0], [0.0, 0.0], [0.0, 0.0],
    ...                         [0.5, 0.0], [0.5, 1.0], synergy_true=[0.5, 1.0])
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['AND', 'XOR'], 'information about Y (bits)')
    >>> plt.close(ax.figure)
    """
    parts = [
        np.asarray(v, dtype=float).ravel()
        for v in (redundancy, unique1, unique2, synergy_lower, synergy_upper)
    ]
    n = len(labels)
    names = ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper")
    for name, v in zip(names, parts, strict=True):
        if v.shape != (n,):
            raise ValueError(f"{name} has shape {v.shape}; expected ({n},) like labels")
    r, u1, u2, lo, hi = parts
    lo = np.maximum(lo, 0.0)
    ax = _axes(ax, (7.0, 1.2 + 0.38 * n))
    ys = np.arange(n)[::-1]
    left = np.zeros(n)
    for key, v in (("R", r), ("U1", u1), ("U2", u2)):
        ax.barh(
            ys,
            v,
            left=left,
            height=0.7,
            color=PART_COLORS[key],
            label=key,
            edgecolor="white",
            linewidth=0.5,
        )
        left = left + v
    ax.barh(
        ys,
        lo,
        left=left,
        height=0.7,
        color=PART_COLORS["S"],
        label=term("guaranteed_part"),
        edgecolor="white",
        linewidth=0.5,
    )
    ax.barh(
        ys,
        np.maximum(hi - lo, 0.0),
        left=left + lo,
        height=0.7,
        color="none",
        edgecolor=PART_COLORS["S"],
        hatch="///",
        linewidth=0.8,
        label=term("up_to_upper"),
    )
    if synergy_true is not None:
        t = np.asarray(synergy_true, dtype=float).ravel()
        _check_length(t, n, name="synergy_true")
        ok = np.isfinite(t)
        if ok.any():
            ax.scatter(
                left[ok] + t[ok],
                ys[ok],
                marker="|",
                s=220,
                linewidths=2.2,
                color=OKABE_ITO["black"],
                zorder=4,
                label=term("total_true"),
            )
    ax.set_yticks(ys, list(labels))
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel("information about Y (bits)")
    ax.grid(True, axis="x", lw=0.4, alpha=0.5)
    _legend(ax, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax
