"""Figures for interactions and synergy bounds (matplotlib; every information axis is in bits).

Every function has the form ``plot_x(data..., *, ax=None) -> Axes``: it draws into ``ax`` when
given, otherwise into a new figure from ``pyplot``. Nothing
here changes matplotlib's global state (no ``rcParams``, no styles) and nothing calls
``plt.show()``; matplotlib is imported inside the functions, so ``import mmbounds`` never needs it.

Colours come from the Okabe–Ito palette, which stays distinguishable under the common forms of
colour blindness; each bound also has its own marker, and bounds that are **not guaranteed**
(trained-classifier estimates, the paper's c = 1 variant) are drawn hollow and with dashed lines,
so the distinction survives printing in grey.

Functions
---------
``plot_bounds_vs_truth``       every bound against the true synergy, with y = x (paper Fig. 2)
``plot_dataset_intervals``     per dataset: true S, every lower bound, the certified upper bound and
                               the witness (paper Table 1 as a picture)
``plot_decomposition``         stacked R / U1 / U2 bars with S as an interval
``plot_accuracy_intervals``    predicted accuracy intervals against measured accuracies
``plot_ssl_results``           grouped bars with error bars (semi-supervised results)
``plot_bootstrap_intervals``   bootstrap percentile intervals of the estimates
``plot_result``                one :class:`~mmbounds.EstimateResult` (``EstimateResult.plot()``)

References
----------
M. Okabe and K. Ito, "Color Universal Design (CUD): how to make figures and presentations that are
friendly to colorblind people", 2008. P. P. Liang et al., "Multimodal learning without labeled
multimodal data: guarantees and applications", ICLR 2024 (Fig. 2, Table 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "OKABE_ITO",
    "bound_label",
    "bound_style",
    "interval_row",
    "plot_accuracy_intervals",
    "plot_bootstrap_intervals",
    "plot_bounds_vs_truth",
    "plot_dataset_intervals",
    "plot_decomposition",
    "plot_result",
    "plot_ssl_results",
    "witness_value",
]

#: The Okabe–Ito colour-blind-safe palette.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}

#: Colours of the PID parts (R, U1, U2, S) in every figure.
PART_COLORS: dict[str, str] = {
    "R": OKABE_ITO["blue"],
    "U1": OKABE_ITO["orange"],
    "U2": OKABE_ITO["green"],
    "S": OKABE_ITO["purple"],
}

_KNOWN: dict[str, tuple[str, str, str]] = {
    # name -> (colour, marker, short label)
    "synergy_lower_shared": (OKABE_ITO["green"], "^", "shared info. (max-entropy)"),
    "synergy_lower_shared_paper": (OKABE_ITO["sky_blue"], "v", "shared info. (paper relaxation)"),
    "synergy_lower_disagreement_bhattacharyya": (
        OKABE_ITO["orange"],
        "<",
        "disagreement (Bhattacharyya)",
    ),
    "synergy_lower_disagreement_l2": (OKABE_ITO["grey"], ">", "disagreement (squared l2)"),
    "synergy_lower_disagreement_paper": (OKABE_ITO["vermillion"], "P", "disagreement, paper c=1"),
    "synergy_upper_coupling": (OKABE_ITO["purple"], "s", "coupling (majorization meet)"),
    "synergy_upper_coupling_profile": (OKABE_ITO["blue"], "D", "coupling (profile bound)"),
    "synergy_upper_bnb": (OKABE_ITO["black"], "*", "branch-and-bound (chord LP)"),
}
_SPARE_UPPER = [(OKABE_ITO["blue"], "D"), (OKABE_ITO["vermillion"], "p"), (OKABE_ITO["black"], "h")]
_SPARE_LOWER = [(OKABE_ITO["yellow"], "d"), (OKABE_ITO["blue"], "H"), (OKABE_ITO["black"], "8")]
_CLASSIFIER_SUFFIX = "_classifiers"
_TRUTH_STYLE = {"color": OKABE_ITO["black"], "marker": "o", "label": "true S"}
_WITNESS_STYLE = {"color": OKABE_ITO["black"], "marker": "x", "label": "witness S (reachable)"}


# --------------------------------------------------------------------------------------------------
# helpers


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "mmbounds plotting needs matplotlib; install it with `pip install mmbounds[plots]`"
        ) from exc
    return plt


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    """``ax`` itself, or the axes of a new pyplot figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    _, new = _pyplot().subplots(figsize=figsize, layout="constrained")
    return new


def _base_name(name: str) -> str:
    return name[: -len(_CLASSIFIER_SUFFIX)] if name.endswith(_CLASSIFIER_SUFFIX) else name


def bound_label(name: str) -> str:
    """Short human label of a bound name (``"synergy_lower_shared"`` -> ``"shared info. ..."``).

    Examples
    --------
    >>> bound_label("synergy_upper_coupling")
    'coupling (majorization meet)'
    >>> bound_label("synergy_upper_chord_bnb")
    'upper: chord bnb'
    """
    base = _base_name(name)
    if base in _KNOWN:
        label = _KNOWN[base][2]
    else:
        side, _, rest = base.removeprefix("synergy_").partition("_")
        label = f"{side}: {rest.replace('_', ' ')}" if rest else base
    if name.endswith(_CLASSIFIER_SUFFIX):
        label += ", trained classifiers"
    return label


def bound_style(name: str) -> tuple[str, str]:
    """``(colour, marker)`` of a bound; stable for every name, known or not.

    Examples
    --------
    >>> bound_style("synergy_lower_shared")
    ('#009E73', '^')
    """
    base = _base_name(name)
    if base in _KNOWN:
        return _KNOWN[base][0], _KNOWN[base][1]
    # unknown names (new bounds): a deterministic spare style from the name's characters
    spare = _SPARE_UPPER if "upper" in base else _SPARE_LOWER
    return spare[sum(ord(c) for c in base) % len(spare)]


def _edge(colour: str) -> str:
    """Edge colour of a marker: black around the pale yellow (too faint on white alone)."""
    return OKABE_ITO["black"] if colour == OKABE_ITO["yellow"] else colour


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _as_float(v: Any) -> float:
    if v is None:
        return float("nan")
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def witness_value(result: Any) -> float | None:
    """Synergy (bits) of a feasible joint reported with ``result``, or None when there is none.

    A *witness* is a joint with the observed marginals whose synergy is known, so the true maximum
    of S lies between it and the certified upper bound. Looks for ``result.synergy_witness`` (a
    number, or an object/dict with ``synergy``) and then ``result.extras["synergy_witness"]``.
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
        ``synergy_upper`` (best guaranteed), ``synergy_true`` and ``synergy_witness`` (None if
        absent).
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


def _legend(ax: Any, **kw: Any) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    seen: dict[str, Any] = {}
    for h, lab in zip(handles, labels, strict=True):
        seen.setdefault(lab, h)
    ax.legend(list(seen.values()), list(seen), **kw)


# --------------------------------------------------------------------------------------------------
# synthetic study (paper Fig. 2)


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
        Whether each bound is guaranteed; not-guaranteed bounds are drawn hollow. Default: all.
    max_points : int or None
        Draw at most this many tables (a fixed random subset, the same for every bound) so large
        studies stay readable; None draws all. The legend says when a subset is shown.
    random_state : int
        Seed of that subset.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (5.2, 4.6))
    s = np.asarray(synergy_true, dtype=float).ravel()
    n = s.size
    idx = np.arange(n)
    if max_points is not None and n > max_points:
        idx = np.sort(np.random.default_rng(random_state).choice(n, size=max_points, replace=False))
    guaranteed = dict(guaranteed or {})
    size = 14.0 if idx.size <= 500 else (6.0 if idx.size <= 5000 else 2.0)
    alpha = 0.8 if idx.size <= 500 else 0.35
    lo_all, hi_all = [0.0], [float(np.nanmax(s)) if n else 1.0]
    for name, vals in bounds.items():
        v = np.asarray(vals, dtype=float).ravel()
        if v.shape != s.shape:
            raise ValueError(f"bounds[{name!r}] has shape {v.shape}; synergy_true has {s.shape}")
        colour, marker = bound_style(name)
        ok = guaranteed.get(name, not name.endswith(_CLASSIFIER_SUFFIX))
        label = bound_label(name) + ("" if ok else " (not guaranteed)")
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
            hi_all.append(float(finite.max()))
    lo, hi = min(lo_all), max(hi_all)
    pad = 0.03 * (hi - lo if hi > lo else 1.0)
    ax.plot(
        [lo - pad, hi + pad],
        [lo - pad, hi + pad],
        color=OKABE_ITO["black"],
        lw=1.0,
        ls="--",
        label="y = x (bound = true S)",
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


# --------------------------------------------------------------------------------------------------
# per-dataset intervals (paper Table 1 as a picture)


def plot_dataset_intervals(
    rows: Sequence[Any],
    *,
    labels: Sequence[str] | None = None,
    show_unguaranteed: bool = True,
    ax: Any = None,
) -> Any:
    """One row per dataset: the guaranteed interval on S, every bound, the true S and the witness.

    The thick bar spans the best guaranteed lower bound to the certified upper bound; markers show
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
    """
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
                label="guaranteed interval on S",
                zorder=1,
            )
            xmax = max(xmax, hi)
        for b, dy in _dodged(row.get("bounds", ()), show_unguaranteed, 0.3):
            name, v, ok = _get(b, "name"), _as_float(_get(b, "value")), bool(_get(b, "guaranteed"))
            colour, marker = bound_style(name)
            ax.scatter(
                [v],
                [y + dy],
                marker=marker,
                s=42,
                linewidths=1.1,
                zorder=3,
                facecolors=colour if ok else "none",
                edgecolors=_edge(colour),
                label=bound_label(name) + ("" if ok else " (not guaranteed)"),
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
    ax.set_yticks(ys, [str(r.get("label", i)) for i, r in enumerate(data)])
    ax.set_ylim(-0.7, len(data) - 0.3)
    span = xmax - xmin if xmax > xmin else 1.0
    ax.set_xlim(xmin - 0.04 * span, xmax + 0.04 * span)
    ax.axvline(0.0, color=OKABE_ITO["grey"], lw=0.8, zorder=0)
    ax.set_xlabel("synergy S (bits)")
    ax.grid(True, axis="x", lw=0.4, alpha=0.5)
    _legend(ax, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax


# --------------------------------------------------------------------------------------------------
# stacked decomposition


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
        label="S (guaranteed part)",
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
        label="S up to its upper bound",
    )
    if synergy_true is not None:
        t = np.asarray(synergy_true, dtype=float).ravel()
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
                label="R+U1+U2+S (true S)",
            )
    ax.set_yticks(ys, list(labels))
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel("information about Y (bits)")
    ax.grid(True, axis="x", lw=0.4, alpha=0.5)
    _legend(ax, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax


# --------------------------------------------------------------------------------------------------
# performance


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
    """
    lo = np.asarray(lower, dtype=float).ravel()
    hi = np.asarray(upper, dtype=float).ravel()
    n = len(labels)
    if lo.shape != (n,) or hi.shape != (n,):
        raise ValueError(f"lower and upper must have shape ({n},), got {lo.shape} and {hi.shape}")
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
        label="predicted interval (no multimodal labels)",
    )
    if clipped.any():
        ax.scatter(
            np.ones(int(clipped.sum())),
            ys[clipped],
            marker=">",
            s=30,
            color=OKABE_ITO["blue"],
            label="upper side > 1, clipped",
        )
    if chance is not None:
        c = np.asarray(chance, dtype=float).ravel()
        ok = np.isfinite(c)
        ax.scatter(
            c[ok], ys[ok], marker="|", s=160, color=OKABE_ITO["grey"], label="majority class"
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
            label="best unimodal (measured)",
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
                label="multimodal model (measured)",
            )
    ax.set_yticks(ys, list(labels))
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(-0.02, 1.04)
    ax.set_xlabel("accuracy")
    ax.grid(True, axis="x", lw=0.4, alpha=0.5)
    _legend(ax, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax


# --------------------------------------------------------------------------------------------------
# semi-supervised / SSL results


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


# --------------------------------------------------------------------------------------------------
# bootstrap


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
    ax.hlines(ys, lo, hi, color=OKABE_ITO["blue"], lw=2.5, label=f"{level}bootstrap interval")
    ax.scatter(est, ys, color=OKABE_ITO["black"], s=22, zorder=3, label="estimate")
    pretty = [
        n_
        if n_ in ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper")
        else bound_label(n_)
        for n_ in names
    ]
    ax.set_yticks(ys, pretty)
    ax.set_ylim(-0.7, n - 0.3)
    ax.axvline(0.0, color=OKABE_ITO["grey"], lw=0.8, zorder=0)
    ax.set_xlabel("bits")
    ax.grid(True, axis="x", lw=0.4, alpha=0.5)
    _legend(ax, fontsize="small", loc="best")
    return ax


# --------------------------------------------------------------------------------------------------
# one result


def _bootstrap_of(result: Any) -> Any:
    extras = _get(result, "extras", None) or {}
    return extras.get("bootstrap") if isinstance(extras, Mapping) else None


def plot_result(result: Any, *, show_unguaranteed: bool = True, ax: Any = None) -> Any:
    """Picture of one estimate: R, U1, U2 as bars, S as its guaranteed interval with every bound.

    Rows from top to bottom: R, U1, U2 (exact from the unimodal marginals) and S. On the S row the
    shaded bar spans the best guaranteed lower bound to the certified upper bound, each bound has
    its marker (hollow: not guaranteed), a black dot marks the true S when a labeled joint was
    given and a black cross the synergy of a witness joint. Bootstrap intervals in
    ``result.extras`` (from ``estimate(..., n_bootstrap=...)``) are drawn as error bars.

    Parameters
    ----------
    result : EstimateResult
    show_unguaranteed : bool
        Draw bounds that are not guaranteed.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (7.5, 3.0))
    boot = _bootstrap_of(result)
    intervals = dict(_get(boot, "intervals", {}) or {}) if boot is not None else {}
    ys = {"R": 3, "U1": 2, "U2": 1, "S": 0}
    xmax = 0.0
    xmin = 0.0
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
                label=f"{100 * _get(boot, 'confidence', 0.95):.0f}% bootstrap interval",
            )
            xmax = max(xmax, b)
    row = interval_row(result, "S")
    lo, hi = row["synergy_lower"], row["synergy_upper"]
    ax.plot(
        [lo, hi],
        [0, 0],
        color=PART_COLORS["S"],
        lw=12,
        alpha=0.35,
        solid_capstyle="butt",
        label="guaranteed interval on S",
    )
    xmax = max(xmax, hi)
    for b, dy in _dodged(row["bounds"], show_unguaranteed, 0.22):
        colour, marker = bound_style(b["name"])
        ax.scatter(
            [b["value"]],
            [dy],
            marker=marker,
            s=50,
            zorder=3,
            linewidths=1.1,
            facecolors=colour if b["guaranteed"] else "none",
            edgecolors=_edge(colour),
            label=bound_label(b["name"]) + ("" if b["guaranteed"] else " (not guaranteed)"),
        )
        xmin, xmax = min(xmin, b["value"]), max(xmax, b["value"])
    for field in ("synergy_lower", "synergy_upper"):
        if field in intervals:
            a, b_ = intervals[field]
            ax.hlines(-0.32, a, b_, color=OKABE_ITO["black"], lw=1.2)
            ax.vlines([a, b_], -0.38, -0.26, color=OKABE_ITO["black"], lw=1.2)
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
    ax.set_yticks([3, 2, 1, 0], ["R", "U1", "U2", "S"])
    ax.set_ylim(-0.6, 3.5)
    span = xmax - xmin if xmax > xmin else 1.0
    ax.set_xlim(xmin - 0.03 * span, xmax + 0.18 * span)
    ax.axvline(0.0, color=OKABE_ITO["grey"], lw=0.8, zorder=0)
    ax.set_xlabel("bits")
    shape = _get(result, "shape")
    ax.set_title(
        f"interactions and synergy bounds{'' if shape is None else f' {tuple(shape)}'}",
        fontsize="medium",
    )
    ax.grid(True, axis="x", lw=0.4, alpha=0.5)
    _legend(ax, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax
