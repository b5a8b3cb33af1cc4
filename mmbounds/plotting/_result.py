"""One :class:`~mmbounds.EstimateResult` as a picture, and bootstrap intervals (bits)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..results import EstimateResult
from ..results._glossary import term
from ._bounds import _dodged, interval_row
from ._style import (
    _TRUTH_STYLE,
    _WITNESS_STYLE,
    NOT_GUARANTEED,
    OKABE_ITO,
    PART_COLORS,
    _axes,
    _edge,
    _get,
    _legend,
    bits_span,
    bound_label,
    bound_style,
    mark_vacuous,
    vacuous,
    vacuous_edge,
)

__all__ = ["plot_bootstrap_intervals", "plot_result"]


def plot_bootstrap_intervals(
    names: Sequence[str],
    estimates: Any,
    low: Any,
    high: Any,
    *,
    confidence: float | None = None,
    ax: Any = None,
) -> Any:
    """Point estimates with bootstrap percentile intervals, one row per quantity (bits).

    Parameters
    ----------
    names : sequence of str
        Quantity names (``"redundancy"``, bound names, ...).
    estimates, low, high : array_like, shape (n,)
        Point estimates and interval ends (bits).
    confidence : float, optional
        Level of the intervals, for the legend.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> ax = plot_bootstrap_intervals(["redundancy", "synergy_upper"], [0.31, 0.52],
    ...                               [0.27, 0.45], [0.35, 0.6], confidence=0.95)
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['redundancy', 'synergy_upper'], 'bits')
    >>> plt.close(ax.figure)
    """
    est = np.asarray(estimates, dtype=float).ravel()
    lo = np.asarray(low, dtype=float).ravel()
    hi = np.asarray(high, dtype=float).ravel()
    n = len(names)
    if not (est.shape == lo.shape == hi.shape == (n,)):
        raise ValueError(f"estimates, low and high must have shape ({n},) like names")
    ax = _axes(ax, (6.5, 1.2 + 0.36 * n))
    ys = np.arange(n)[::-1]
    level = "" if confidence is None else f"{100 * confidence:.0f}% "
    ax.hlines(ys, lo, hi, color=OKABE_ITO["blue"], lw=2.5, label=f"{level}{term('bootstrap')}")
    ax.scatter(est, ys, color=OKABE_ITO["black"], s=22, zorder=3, label=term("point_estimate"))
    # the quantities of res.inference by their glossary labels (S_L, S_U, ...); the result's own
    # names as they are; anything else is a bound
    inference = ("synergy_lower_end", "synergy_upper_end", "synergy", "mi_x1y", "mi_x2y")
    pretty = [
        term(n_)
        if n_ in inference
        else n_
        if n_ in ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper")
        else bound_label(n_)
        for n_ in names
    ]
    ax.set_yticks(ys, pretty)
    ax.set_ylim(-0.7, n - 0.3)
    ax.axvline(0.0, color=OKABE_ITO["grey"], lw=0.8, zorder=0)
    ax.set_xlabel("bits")
    ax.grid(True, axis="x", lw=0.4, alpha=0.5)
    # above the axes: inside them, "best" still covered an interval (redundancy's, at the top)
    _legend(
        ax, fontsize="small", loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, frameon=False
    )
    return ax


def _shape_words(shape: Any) -> str:
    """The sizes of X1, X2 and Y in words for a title (``""`` without a shape).

    Examples
    --------
    >>> _shape_words((20, 20, 10))
    ' (|X1| = 20, |X2| = 20, |Y| = 10)'
    """
    if shape is None or len(shape) != 3:
        return ""
    n1, n2, ny = (int(k) for k in shape)
    return f" (|X1| = {n1}, |X2| = {n2}, |Y| = {ny})"


def _bootstrap_of(result: Any) -> Any:
    extras = _get(result, "extras", None) or {}
    return extras.get("bootstrap") if isinstance(extras, Mapping) else None


#: rows of :func:`plot_result` and the ``inference`` interval drawn on each, this far above the row
_POPULATION_ROWS = (("R", "redundancy"), ("U1", "unique1"), ("U2", "unique2"), ("S", "synergy"))
_POPULATION_DY = 0.45


def _draw_population(ax: Any, inference: Any, ys: Mapping[str, float]) -> tuple[float, float]:
    """The population intervals of ``inference`` just above each row; their x range."""
    intervals = _get(inference, "intervals", {}) or {}
    label = (
        f"{100 * float(_get(inference, 'confidence', 0.95)):.0f}% {term('population_interval')} "
        f"({_get(inference, 'mode', 'bootstrap')})"
    )
    lows, highs = [0.0], [0.0]
    for key, name in _POPULATION_ROWS:
        iv = intervals.get(name)
        if iv is None:
            continue
        a, b = float(iv.low), float(iv.high)
        y = ys[key] + _POPULATION_DY
        colour = OKABE_ITO["vermillion"]
        ax.hlines(y, a, b, color=colour, lw=2.0, label=label)
        ax.vlines([a, b], y - 0.07, y + 0.07, color=colour, lw=1.2)
        label = None  # one legend entry
        lows.append(a)
        highs.append(b)
    return min(lows), max(highs)


def plot_result(result: Any, *, show_unguaranteed: bool = True, ax: Any = None) -> Any:
    """Picture of one estimate: R, U1, U2 as bars, S as its guaranteed interval with every bound.

    Rows from top to bottom: R, U1, U2 (exact from the unimodal marginals) and S. On the S row the
    shaded bar spans the best guaranteed lower bound to the certified upper bound (for sample
    input: bounds of the sample tables, labelled so, not an interval for the population), each
    bound has its marker (hollow: not guaranteed), a black dot marks the true S when a labeled
    joint was given and a black cross the synergy of a witness joint. Bootstrap intervals in
    ``result.extras`` (from ``estimate(..., options={"n_bootstrap": ...})``) are drawn as error
    bars (black). For sample input the population intervals of ``result.inference`` (R, U1, U2
    and S, at their confidence) are drawn in vermillion just above each row.

    Parameters
    ----------
    result : EstimateResult
    show_unguaranteed : bool
        Draw bounds that are not guaranteed.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> ax = plot_result(mmbounds.estimate(bitwise_joint("and"), progress=False))
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['R', 'U1', 'U2', 'S'], 'bits')
    >>> plt.close(ax.figure)
    """
    if not isinstance(result, EstimateResult):
        raise TypeError(
            "result must be an EstimateResult: pass mmbounds.estimate(...) of the table, got "
            f"{type(result).__name__}"
        )
    ax = _axes(ax, (7.5, 3.0))
    boot = _bootstrap_of(result)
    intervals = dict(_get(boot, "intervals", {}) or {}) if boot is not None else {}
    ys = {"R": 3, "U1": 2, "U2": 1, "S": 0}
    xmax = 0.0
    xmin = 0.0
    row = interval_row(result, "S")
    top = max(
        [float(getattr(result, f)) for f in ("redundancy", "unique1", "unique2")]
        + [row["synergy_upper"]]
        + [b["value"] for b in row["bounds"] if np.isfinite(b["value"])]
    )
    edge, any_vacuous = vacuous_edge(top), False
    for key, field in (("R", "redundancy"), ("U1", "unique1"), ("U2", "unique2")):
        v = float(getattr(result, field))
        ax.barh(ys[key], v, height=0.6, color=PART_COLORS[key])
        ax.annotate(
            f"{v:.3f}",
            (max(v, 0.0), ys[key]),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
        xmax = max(xmax, v)
        if field in intervals:
            a, b = intervals[field]
            ax.errorbar(
                [v],
                [ys[key]],
                xerr=[[max(v - a, 0.0)], [max(b - v, 0.0)]],
                fmt="none",
                ecolor=OKABE_ITO["black"],
                capsize=4,
                lw=1.0,
                label=f"{100 * _get(boot, 'confidence', 0.95):.0f}% {term('bootstrap')}",
            )
            xmax = max(xmax, b)
    lo, hi = row["synergy_lower"], row["synergy_upper"]
    ax.plot(
        [lo, hi],
        [0, 0],
        color=PART_COLORS["S"],
        lw=12,
        alpha=0.35,
        solid_capstyle="butt",
        label=term("interval_sample" if row["from_samples"] else "interval"),
    )
    xmax = max(xmax, hi)
    for b, dy in _dodged(row["bounds"], show_unguaranteed, 0.22):
        colour, marker = bound_style(b["name"], b["side"])
        x = b["value"]
        if vacuous(x, b["side"]):  # says nothing beyond S >= 0: at the edge, not at its value
            x, any_vacuous = edge, True
        ax.scatter(
            [x],
            [dy],
            marker=marker,
            s=50,
            zorder=3,
            linewidths=1.1,
            facecolors=colour if b["guaranteed"] else "none",
            edgecolors=_edge(colour),
            label=bound_label(b["name"]) + ("" if b["guaranteed"] else NOT_GUARANTEED),
        )
        xmin, xmax = min(xmin, x), max(xmax, x)
    for field in ("synergy_lower", "synergy_upper"):
        if field in intervals:
            a, b_ = intervals[field]
            label = f"{100 * _get(boot, 'confidence', 0.95):.0f}% {term('bootstrap')}"
            ax.hlines(-0.32, a, b_, color=OKABE_ITO["black"], lw=1.2, label=label)
            ax.vlines([a, b_], -0.38, -0.26, color=OKABE_ITO["black"], lw=1.2)
            xmin, xmax = min(xmin, a), max(xmax, b_)
    inference = _get(result, "inference", None)
    if inference is not None:
        a, b_ = _draw_population(ax, inference, ys)
        xmin, xmax = min(xmin, a), max(xmax, b_)
    if row["synergy_true"] is not None:
        ax.scatter([row["synergy_true"]], [0], zorder=4, s=40, **_TRUTH_STYLE)
    if row["synergy_witness"] is not None:
        ax.scatter([row["synergy_witness"]], [0], zorder=5, s=50, **_WITNESS_STYLE)
    ax.annotate(
        f"[{lo:.3f}, {hi:.3f}]",
        (hi, 0),
        xytext=(6, 8),
        textcoords="offset points",
        fontsize="small",
        color=OKABE_ITO["black"],
    )
    if any_vacuous:
        mark_vacuous(ax, edge)
    ax.set_yticks([3, 2, 1, 0], [term(k) for k in ("redundancy", "unique1", "unique2")] + ["S"])
    ax.set_ylim(-0.6, 3.65)
    span = bits_span(xmin, xmax)
    ax.set_xlim(xmin - 0.03 * span, xmax + 0.18 * span)
    ax.axvline(0.0, color=OKABE_ITO["grey"], lw=0.8, zorder=0)
    ax.set_xlabel("bits")
    ax.set_title(f"interactions and synergy bounds{_shape_words(_get(result, 'shape'))}")
    ax.grid(True, axis="x", lw=0.4, alpha=0.5)
    _legend(ax, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax
