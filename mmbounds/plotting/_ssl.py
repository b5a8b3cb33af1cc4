"""Grouped bars with error bars (semi-supervised / SSL results)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..results._glossary import SSL_VARIANTS
from ._style import OKABE_ITO, _axes, _legend

#: one colour per method: the Okabe-Ito palette, then Tol's muted colours; past those, hatching
#: keeps the bars of every method apart
_COLOURS = tuple(
    OKABE_ITO[k]
    for k in (
        "blue",
        "orange",
        "green",
        "vermillion",
        "purple",
        "sky_blue",
        "yellow",
        "grey",
        "black",
    )
) + ("#882255", "#44AA99", "#332288", "#DDCC77", "#117733", "#AA4499")
_HATCHES = ("", "//", "..", "xx", "\\\\", "++")

__all__ = ["plot_ssl_results"]


def plot_ssl_results(
    groups: Sequence[str],
    methods: Sequence[str],
    means: Any,
    errors: Any = None,
    *,
    ylabel: str = "accuracy",
    descriptions: Mapping[str, str] | None = None,
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
    descriptions : mapping of str to str, optional
        What each method is, shown in the legend (``name: description``); default: the
        glossary's pretraining variants (:data:`mmbounds.results._glossary.SSL_VARIANTS`).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_ssl_results(["mfeat", "digits"], ["linear", "routed"],
    ...                       [[0.8, 0.85], [0.9, 0.93]], [[0.01, 0.02], [0.01, 0.01]],
    ...                       descriptions={"linear": "probe", "routed": "agreement-routed"})
    >>> [t.get_text() for t in ax.get_xticklabels()], ax.get_ylabel(), len(ax.patches)
    (['mfeat', 'digits'], 'accuracy', 4)
    >>> plt.close(ax.figure)
    """
    mu = np.asarray(means, dtype=float)
    g, m = len(groups), len(methods)
    if mu.shape != (g, m):
        raise ValueError(f"means has shape {mu.shape}; expected ({g}, {m}) = (groups, methods)")
    err = None if errors is None else np.asarray(errors, dtype=float)
    if err is not None and err.shape != mu.shape:
        raise ValueError(f"errors has shape {err.shape}; expected {mu.shape}")
    ax = _axes(ax, (max(4.5, 1.0 + 0.9 * g * max(m, 2) / 2), 3.8))
    about = dict(SSL_VARIANTS if descriptions is None else descriptions)
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
            color=_COLOURS[j % len(_COLOURS)],
            hatch=_HATCHES[(j // len(_COLOURS)) % len(_HATCHES)],
            label=f"{meth}: {about[meth]}" if meth in about else meth,
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
    # below the bars, where long descriptions do not cover them
    _legend(
        ax,
        fontsize="small",
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=2 if m > 3 else 1,
        frameon=False,
    )
    return ax
