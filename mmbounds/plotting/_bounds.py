"""Bounds against the true synergy (paper Fig. 2) and per-dataset intervals (Table 1 as a
picture), with the rows they draw (:func:`interval_row`, :func:`witness_value`); bits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..bounds import BOUNDS
from ..results._base import ZERO_BITS
from ..results._glossary import term
from ._style import (
    _TRUTH_STYLE,
    _WITNESS_STYLE,
    NOT_GUARANTEED,
    OKABE_ITO,
    PART_COLORS,
    _as_float,
    _axes,
    _check_length,
    _edge,
    _get,
    _legend,
    _name_side,
    bits_span,
    bound_guaranteed,
    bound_label,
    bound_style,
    mark_vacuous,
    vacuous,
    vacuous_edge,
)

__all__ = ["witness_value", "interval_row", "plot_bounds_vs_truth", "plot_dataset_intervals"]


def witness_value(result: Any) -> float | None:
    """Synergy (bits) of a feasible joint reported with ``result``, or None when there is none.

    A *witness* is a joint with the observed marginals whose synergy is known, so the true maximum
    of S lies between it and the certified upper bound. Looks for ``result.synergy_witness`` (a
    number, or an object/dict with ``synergy``) and then ``result.extras["synergy_witness"]``.

    Parameters
    ----------
    result : EstimateResult, dict or object
        Anything with ``synergy_witness`` or ``extras``.

    Returns
    -------
    float or None
        The witness's synergy, bits.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> round(witness_value(mmbounds.estimate(bitwise_joint("xor"), progress=False)), 4)
    1.0
    >>> witness_value({"synergy_witness": {"synergy": 0.25}}), witness_value({"extras": {}})
    (0.25, None)
    """
    for cand in (
        _get(result, "synergy_witness"),
        _get(_get(result, "extras", {}) or {}, "synergy_witness"),
    ):
        if cand is None:
            continue
        if isinstance(cand, (int, float, np.floating, np.integer)):
            v = float(cand)
        else:
            v = _as_float(_get(cand, "synergy"))
        if np.isfinite(v):
            return v
    return None


def interval_row(result: Any, label: str, *, synergy_true: float | None = None) -> dict[str, Any]:
    """The data :func:`plot_dataset_intervals` draws for one dataset, from an ``EstimateResult``.

    Parameters
    ----------
    result : EstimateResult
        The estimate of one dataset / modality pair.
    label : str
        Row label.
    synergy_true : float, optional
        True S (bits) when known from labeled multimodal data; defaults to ``result.synergy_true``.

    Returns
    -------
    dict
        ``label``, ``bounds`` (list of dicts ``name, side, value, guaranteed``), ``synergy_lower``,
        ``synergy_upper`` (best guaranteed for the tables the result was computed from),
        ``synergy_true``, ``synergy_witness`` (None if absent) and ``from_samples`` (True when
        those tables were counted from samples: the bar is then labelled as the sample tables').

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> row = interval_row(mmbounds.estimate(bitwise_joint("and"), progress=False), "AND")
    >>> row["label"], round(row["synergy_lower"], 4), round(row["synergy_upper"], 4)
    ('AND', 0.5, 0.5)
    >>> row["bounds"][0]["name"], row["bounds"][0]["side"], row["from_samples"]
    ('synergy_lower_shared', 'lower', False)
    """
    truth = synergy_true if synergy_true is not None else _get(result, "synergy_true")
    return {
        "label": label,
        "bounds": [
            {
                "name": b.name,
                "side": b.side,
                "value": float(b.value),
                "guaranteed": bool(b.guaranteed),
            }
            for b in result.bounds
        ],
        "synergy_lower": float(result.synergy_lower),
        "synergy_upper": float(result.synergy_upper),
        "synergy_true": None if truth is None else float(truth),
        "synergy_witness": witness_value(result),
        "from_samples": bool(_get(result, "from_samples", False)),
    }


def _dodged(bounds: Any, show_unguaranteed: bool, spread: float) -> list[tuple[Any, float]]:
    """Bounds to draw with a vertical offset each (lower bounds below, upper above the row line),
    so that bounds with equal values stay visible."""
    keep = [
        b
        for b in bounds
        if np.isfinite(_as_float(_get(b, "value")))
        and (show_unguaranteed or bool(_get(b, "guaranteed")))
    ]
    keep.sort(key=lambda b: _get(b, "side") == "upper")
    k = len(keep)
    if k <= 1:
        return [(b, 0.0) for b in keep]
    return [(b, -spread + 2 * spread * j / (k - 1)) for j, b in enumerate(keep)]


def plot_bounds_vs_truth(
    synergy_true: Any,
    bounds: Mapping[str, Any],
    *,
    guaranteed: Mapping[str, bool] | None = None,
    max_points: int | None = 20000,
    random_state: int = 0,
    ax: Any = None,
) -> Any:
    """Scatter every bound against the true synergy, with the line ``y = x`` (paper Fig. 2).

    A valid lower bound lies on or below the line, a valid upper bound on or above it.

    Parameters
    ----------
    synergy_true : array_like, shape (n,)
        True S of each table (bits).
    bounds : mapping of str to array_like of shape (n,)
        Bound name -> value for each table (bits). NaN entries are skipped.
    guaranteed : mapping of str to bool, optional
        Whether each bound is guaranteed; not-guaranteed bounds are drawn hollow. Default: the
        registry's ``guaranteed`` (True for names outside the registry).
    max_points : int or None
        Draw at most this many tables (a fixed random subset, the same for every bound) so large
        studies stay readable; None draws all. The legend says when a subset is shown.
    random_state : int
        Seed of that subset.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from mmbounds.figures import synthetic_study
    >>> study = synthetic_study(5, random_state=0, progress=False)
    >>> names = ("synergy_lower_shared", "synergy_upper_coupling")
    >>> ax = plot_bounds_vs_truth(study.synergy_true, {k: study.values[k] for k in names})
    >>> ax.get_xlabel(), len(ax.collections)
    ('true synergy S (bits)', 2)
    >>> plt.close(ax.figure)
    """
    ax = _axes(ax, (5.2, 4.6))
    s = np.asarray(synergy_true, dtype=float).ravel()
    n = s.size
    if n and not np.isfinite(s).any():
        raise ValueError(
            f"synergy_true has no finite entry (all {n} are NaN or inf, and NaN entries are "
            "skipped): nothing to plot; pass the true S of at least one table"
        )
    idx = np.arange(n)
    if max_points is not None and n > max_points:
        idx = np.sort(np.random.default_rng(random_state).choice(n, size=max_points, replace=False))
    guaranteed = dict(guaranteed or {})
    size = 14.0 if idx.size <= 500 else (6.0 if idx.size <= 5000 else 2.0)
    alpha = 0.8 if idx.size <= 500 else 0.35
    lo_all, hi_all = [0.0], [float(np.nanmax(s)) if n else 1.0]
    arrays = {}
    for name, vals in bounds.items():
        v = np.asarray(vals, dtype=float).ravel()
        if v.shape != s.shape:
            raise ValueError(f"bounds[{name!r}] has shape {v.shape}; synergy_true has {s.shape}")
        arrays[name] = v
        finite = v[np.isfinite(v)]
        if finite.size:
            hi_all.append(float(finite.max()))
    # vacuous lower bounds (below 0) sit on a line just below 0 instead of stretching the axis
    edge = vacuous_edge(max(hi_all))
    any_vacuous = False
    for name, v in arrays.items():
        side = BOUNDS[name].side if name in BOUNDS else _name_side(name)
        if side == "lower" and np.any(v < -ZERO_BITS):
            v = np.where(v < -ZERO_BITS, edge, v)
            any_vacuous = True
        colour, marker = bound_style(name)
        ok = guaranteed.get(name, bound_guaranteed(name))
        label = bound_label(name) + ("" if ok else NOT_GUARANTEED)
        ax.scatter(
            s[idx],
            v[idx],
            s=size,
            alpha=alpha,
            marker=marker,
            linewidths=0.6,
            facecolors=colour if ok else "none",
            edgecolors=_edge(colour),
            label=label,
            rasterized=True,
        )
        finite = v[np.isfinite(v)]
        if finite.size:
            lo_all.append(float(finite.min()))
    if any_vacuous:
        mark_vacuous(ax, edge, axis="y")
    lo, hi = min(lo_all), max(hi_all)
    pad = 0.03 * (hi - lo if hi > lo else 1.0)
    ax.plot(
        [lo - pad, hi + pad],
        [lo - pad, hi + pad],
        color=OKABE_ITO["black"],
        lw=1.0,
        ls="--",
        label=term("identity_line"),
        zorder=0,
    )
    ax.set_xlim(
        min(0.0, float(np.nanmin(s)) if n else 0.0) - pad, float(np.nanmax(s)) + pad if n else 1.0
    )
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlabel("true synergy S (bits)")
    ax.set_ylabel("bound on S (bits)")
    title = f"{n:,} tables" + (f" ({idx.size:,} drawn)" if idx.size < n else "")
    ax.set_title(title, fontsize="medium")
    ax.grid(True, lw=0.4, alpha=0.5)
    _legend(ax, fontsize="small", loc="best", markerscale=2.0 if size < 6 else 1.0, framealpha=0.9)
    return ax


def plot_dataset_intervals(
    rows: Sequence[Any],
    *,
    labels: Sequence[str] | None = None,
    show_unguaranteed: bool = True,
    ax: Any = None,
) -> Any:
    """One row per dataset: the guaranteed interval on S, every bound, the true S and the witness.

    The thick bar spans the best guaranteed lower bound to the certified upper bound (for rows
    computed from samples, bounds of the sample tables, labelled so); markers show
    each bound (filled: guaranteed, hollow: not guaranteed), a black dot the true S (when labeled
    multimodal data gave it) and a black cross the synergy of a witness joint (when present).

    Parameters
    ----------
    rows : sequence of EstimateResult or dict
        Results, or dicts as made by :func:`interval_row` (keys ``label``, ``bounds``,
        ``synergy_lower``, ``synergy_upper``, optional ``synergy_true``, ``synergy_witness``).
    labels : sequence of str, optional
        Row labels for results (default ``"0", "1", ...``); ignored for dicts that carry a label.
    show_unguaranteed : bool
        Draw bounds that are not guaranteed (hollow markers).
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
    >>> results = [mmbounds.estimate(bitwise_joint(t), progress=False) for t in ("and", "xor")]
    >>> ax = plot_dataset_intervals(results, labels=["AND", "XOR"])
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['AND', 'XOR'], 'synergy S (bits)')
    >>> plt.close(ax.figure)
    """
    if labels is not None:
        _check_length(labels, len(rows), name="labels", like="rows")
    data = []
    for i, r in enumerate(rows):
        if isinstance(r, Mapping):
            data.append(r)
        else:
            lab = labels[i] if labels is not None else str(i)
            data.append(interval_row(r, lab))
    if not data:
        raise ValueError("rows is empty: nothing to plot")
    ax = _axes(ax, (7.5, 1.2 + 0.55 * len(data)))
    ys = np.arange(len(data))[::-1]
    xmin, xmax = 0.0, 0.0
    for row in data:  # the axis' positive extent, which places the vacuous bounds
        for v in [row.get("synergy_upper"), row.get("synergy_true")] + [
            _get(b, "value") for b in row.get("bounds", ())
        ]:
            if np.isfinite(_as_float(v)):
                xmax = max(xmax, _as_float(v))
    edge, any_vacuous = vacuous_edge(xmax), False
    for y, row in zip(ys, data, strict=True):
        lo, hi = _as_float(row.get("synergy_lower")), _as_float(row.get("synergy_upper"))
        if np.isfinite(lo) and np.isfinite(hi):
            ax.plot(
                [lo, hi],
                [y, y],
                color=PART_COLORS["S"],
                lw=7,
                alpha=0.35,
                solid_capstyle="butt",
                label=term("interval_sample" if row.get("from_samples") else "interval"),
                zorder=1,
            )
            xmax = max(xmax, hi)
        for b, dy in _dodged(row.get("bounds", ()), show_unguaranteed, 0.3):
            name, v, ok = _get(b, "name"), _as_float(_get(b, "value")), bool(_get(b, "guaranteed"))
            colour, marker = bound_style(name, _get(b, "side"))
            if vacuous(v, _get(b, "side")):
                v, any_vacuous = edge, True
            ax.scatter(
                [v],
                [y + dy],
                marker=marker,
                s=42,
                linewidths=1.1,
                zorder=3,
                facecolors=colour if ok else "none",
                edgecolors=_edge(colour),
                label=bound_label(name) + ("" if ok else NOT_GUARANTEED),
            )
            xmin, xmax = min(xmin, v), max(xmax, v)
        t = _as_float(row.get("synergy_true"))
        if np.isfinite(t):
            ax.scatter(
                [t],
                [y],
                s=34,
                zorder=4,
                color=_TRUTH_STYLE["color"],
                marker=_TRUTH_STYLE["marker"],
                label=_TRUTH_STYLE["label"],
            )
            xmax = max(xmax, t)
        w = _as_float(row.get("synergy_witness"))
        if np.isfinite(w):
            ax.scatter(
                [w],
                [y],
                s=46,
                zorder=5,
                color=_WITNESS_STYLE["color"],
                marker=_WITNESS_STYLE["marker"],
                label=_WITNESS_STYLE["label"],
            )
    if any_vacuous:
        mark_vacuous(ax, edge)
    ax.set_yticks(ys, [str(r.get("label", i)) for i, r in enumerate(data)])
    ax.set_ylim(-0.7, len(data) - 0.3)
    span = bits_span(xmin, xmax)
    ax.set_xlim(xmin - 0.04 * span, xmax + 0.04 * span)
    ax.axvline(0.0, color=OKABE_ITO["grey"], lw=0.8, zorder=0)
    ax.set_xlabel("synergy S (bits)")
    ax.grid(True, axis="x", lw=0.4, alpha=0.5)
    _legend(ax, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax
