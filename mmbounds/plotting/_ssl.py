"""Grouped bars with error bars (semi-supervised / SSL results)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._style import OKABE_ITO, _axes, _legend

__all__ = ["plot_ssl_results"]


def plot_ssl_results(
    groups: Sequence[str],
    methods: Sequence[str],
    means: Any,
    errors: Any = None,
    *,
    ylabel: str = "accuracy",
    ax: Any = None,
) -> Any:
    """Grouped bars (one group per dataset, one bar per method) with error bars.

    Parameters
    ----------
    groups : sequence of str
        Group (dataset) labels, length ``g``.
    methods : sequence of str
        Method labels, length ``m``.
    means : array_like, shape (g, m)
        Bar heights (NaN: no bar).
    errors : array_like of shape (g, m), optional
        Half-widths of the error bars (e.g. a standard deviation over seeds).
    ylabel : str
        The quantity (say its unit when it is not a fraction).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    mu = np.asarray(means, dtype=float)
    g, m = len(groups), len(methods)
    if mu.shape != (g, m):
        raise ValueError(f"means has shape {mu.shape}; expected ({g}, {m}) = (groups, methods)")
    err = None if errors is None else np.asarray(errors, dtype=float)
    if err is not None and err.shape != mu.shape:
        raise ValueError(f"errors has shape {err.shape}; expected {mu.shape}")
    ax = _axes(ax, (max(4.5, 1.0 + 0.9 * g * max(m, 2) / 2), 3.8))
    colours = [
        OKABE_ITO[k]
        for k in ("blue", "orange", "green", "purple", "vermillion", "sky_blue", "grey", "yellow")
    ]
    width = 0.8 / m
    x = np.arange(g)
    for j, meth in enumerate(methods):
        ok = np.isfinite(mu[:, j])  # a missing result draws no bar and no error bar
        e = None if err is None else np.nan_to_num(err[ok, j])
        bars = ax.bar(
            x[ok] + (j - (m - 1) / 2) * width,
            mu[ok, j],
            width * 0.95,
            yerr=e,
            capsize=3,
            color=colours[j % len(colours)],
            label=meth,
            edgecolor="white",
            linewidth=0.5,
            error_kw={"elinewidth": 1.0},
        )
        # values printed in the bars: bars start at 0 (an honest baseline), so small
        # differences between methods are read from the numbers
        texts = ax.bar_label(
            bars,
            labels=[f"{v:.3f}" for v in mu[ok, j]],
            label_type="center",
            fontsize="x-small",
            rotation=90,
        )
        for t in texts:
            t.set_bbox({"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1.0})
    ax.set_xticks(x, list(groups))
    ax.set_ylabel(ylabel)
    ax.grid(True, axis="y", lw=0.4, alpha=0.5)
    finite = mu[np.isfinite(mu)]
    if finite.size and finite.min() >= 0.0:
        top = finite + (0 if err is None else np.nan_to_num(err[np.isfinite(mu)]))
        ax.set_ylim(0.0, float(top.max()) * 1.2 if top.max() > 0 else 1.0)
    _legend(ax, fontsize="small", loc="best")
    return ax
