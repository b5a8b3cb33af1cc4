"""Predicted accuracy intervals against measured accuracies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..results._glossary import term
from ._style import OKABE_ITO, _as_float, _axes, _check_length, _legend

__all__ = ["plot_accuracy_intervals"]


def plot_accuracy_intervals(
    labels: Sequence[str],
    lower: Any,
    upper: Any,
    *,
    actual: Sequence[Any] | None = None,
    unimodal: Sequence[Any] | None = None,
    chance: Any = None,
    ax: Any = None,
) -> Any:
    """Predicted intervals of the best multimodal accuracy against measured accuracies.

    Parameters
    ----------
    labels : sequence of str
        One label per dataset.
    lower, upper : array_like, shape (n,)
        Predicted accuracy interval (fractions in [0, 1]; upper values above 1 are clipped, with
        an arrow marking the clipping).
    actual : sequence, optional
        Measured multimodal accuracies: per dataset a number or a sequence of numbers (one per
        model); None entries are skipped.
    unimodal : sequence, optional
        Best unimodal accuracy per dataset (drawn as a grey diamond).
    chance : array_like of shape (n,), optional
        Majority-class accuracy per dataset (a thin grey tick, "majority class").
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_accuracy_intervals(["AND", "XOR"], [1.0, 0.5], [1.0, 1.0],
    ...                              actual=[0.99, [0.97, 1.0]], unimodal=[0.75, 0.5],
    ...                              chance=[0.75, 0.5])
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['AND', 'XOR'], 'accuracy')
    >>> plt.close(ax.figure)
    """
    lo = np.asarray(lower, dtype=float).ravel()
    hi = np.asarray(upper, dtype=float).ravel()
    n = len(labels)
    if lo.shape != (n,) or hi.shape != (n,):
        raise ValueError(f"lower and upper must have shape ({n},), got {lo.shape} and {hi.shape}")
    for name, v in (("actual", actual), ("unimodal", unimodal)):
        if v is not None:
            _check_length(v, n, name=name)
    if chance is not None:
        _check_length(np.asarray(chance, dtype=float).ravel(), n, name="chance")
    ax = _axes(ax, (7.0, 1.2 + 0.42 * n))
    ys = np.arange(n)[::-1]
    clipped = hi > 1.0
    ax.hlines(
        ys,
        lo,
        np.minimum(hi, 1.0),
        color=OKABE_ITO["blue"],
        lw=6,
        alpha=0.45,
        label=term("accuracy_interval"),
    )
    if clipped.any():
        ax.scatter(
            np.ones(int(clipped.sum())),
            ys[clipped],
            marker=">",
            s=30,
            color=OKABE_ITO["blue"],
            label=term("upper_clipped"),
        )
    if chance is not None:
        c = np.asarray(chance, dtype=float).ravel()
        ok = np.isfinite(c)
        ax.scatter(
            c[ok], ys[ok], marker="|", s=160, color=OKABE_ITO["grey"], label=term("majority")
        )
    if unimodal is not None:
        u = np.array([_as_float(v) for v in unimodal])
        ok = np.isfinite(u)
        ax.scatter(
            u[ok],
            ys[ok],
            marker="D",
            s=30,
            color=OKABE_ITO["grey"],
            zorder=3,
            label=term("best_unimodal"),
        )
    if actual is not None:
        for y, vals in zip(ys, actual, strict=True):
            if vals is None:
                continue
            arr = np.atleast_1d(np.asarray(vals, dtype=float))
            arr = arr[np.isfinite(arr)]
            ax.scatter(
                arr,
                np.full(arr.shape, y),
                marker="o",
                s=26,
                zorder=4,
                color=OKABE_ITO["vermillion"],
                label=term("multimodal"),
            )
    ax.set_yticks(ys, list(labels))
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(-0.02, 1.04)
    ax.set_xlabel("accuracy")
    ax.grid(True, axis="x", lw=0.4, alpha=0.5)
    _legend(ax, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax
