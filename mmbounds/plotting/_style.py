"""Palette, bound labels and styles, and the helpers every plotting module shares.

Bound labels and sides come from the registry (:data:`mmbounds.bounds.BOUNDS`); there is no
second list of bound names here. Styles follow the registry order: a bound's colour is taken by
its position among its side's entries computed from the marginals, its marker by its position in
the registry (so every registered bound has its own marker). An entry computed from classifier
posteriors (``needs_posteriors``) has the colour of the marginal entry of the same side whose label
its own label extends (its base form), with its own marker. Names outside the registry get a
stable spare style and a label built from the name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..bounds import BOUNDS, BoundSpec
from ..results._base import ZERO_BITS
from ..results._glossary import TERMS, term

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

# colours of each side's marginal entries, by position among them in the registry
_SIDE_COLOURS: dict[str, tuple[str, ...]] = {
    "lower": tuple(
        OKABE_ITO[k]
        for k in ("green", "sky_blue", "orange", "grey", "vermillion", "yellow", "blue", "black")
    ),
    "upper": tuple(OKABE_ITO[k] for k in ("purple", "blue", "black", "vermillion", "sky_blue")),
}
# markers by position in the registry (distinct for the first len(_MARKERS) entries)
_MARKERS = ("^", "v", "<", ">", "P", "s", "D", "*", "X", "d", "h", "p", "H", "8")
# names outside the registry: a deterministic spare style from the name's characters
_SPARE: dict[str, tuple[tuple[str, str], ...]] = {
    "upper": ((OKABE_ITO["blue"], "D"), (OKABE_ITO["vermillion"], "p"), (OKABE_ITO["black"], "h")),
    "lower": ((OKABE_ITO["yellow"], "d"), (OKABE_ITO["blue"], "H"), (OKABE_ITO["black"], "8")),
}
_TRUTH_STYLE = {"color": OKABE_ITO["black"], "marker": "o", "label": term("true_marker")}
_WITNESS_STYLE = {"color": OKABE_ITO["black"], "marker": "x", "label": term("witness_marker")}
NOT_GUARANTEED = f" ({TERMS['not_guaranteed'].short})"
"""Suffix of a legend label of a bound that is not guaranteed."""


def vacuous(value: float, side: str | None) -> bool:
    """A lower bound below 0 says nothing beyond ``S >= 0``: drawn at the axis edge, not at its
    value (so it never stretches a non-negative axis).

    Examples
    --------
    >>> vacuous(-0.8, "lower"), vacuous(-1e-14, "lower"), vacuous(-0.1, "upper")
    (True, False, False)
    """
    return side == "lower" and value < -ZERO_BITS  # a solver residue of 0 is no vacuous bound


def bits_span(xmin: float, xmax: float) -> float:
    """Width of an axis over ``[xmin, xmax]`` bits: 1 bit when the values agree to solver
    residues (below :data:`~mmbounds.results._base.ZERO_BITS`), so that 1e-14 bits of rounding
    never fill a plot.

    Examples
    --------
    >>> bits_span(0.0, 0.5), bits_span(-1.8e-14, 3e-15)
    (0.5, 1.0)
    """
    return xmax - xmin if xmax - xmin > ZERO_BITS else 1.0


def vacuous_edge(top: float) -> float:
    """Where vacuous lower bounds are drawn: just below 0, 4% of the axis' positive extent."""
    return -0.04 * (top if top > 0 else 1.0)


def mark_vacuous(ax: Any, edge: float, *, axis: str = "x") -> None:
    """A dotted line at ``edge`` with the glossary's label for vacuous bounds."""
    line = ax.axvline if axis == "x" else ax.axhline
    line(edge, color=OKABE_ITO["grey"], lw=0.8, ls=":", zorder=0, label=term("vacuous"))


def _name_side(name: str) -> str:
    """Side of a name outside the registry, read from its spelling (``synergy_upper_...``)."""
    return "upper" if "upper" in name else "lower"


def _base_spec(spec: BoundSpec) -> BoundSpec | None:
    """The marginal entry a posterior-based entry is a form of: same side and cost, and the
    longest label that the entry's label extends (None when there is none)."""
    cands = [
        s
        for s in BOUNDS.values()
        if not s.needs_posteriors
        and s.side == spec.side
        and s.cost == spec.cost
        and spec.label.startswith(s.label)
    ]
    return max(cands, key=lambda s: len(s.label), default=None)


def _side_colour(spec: BoundSpec) -> str:
    marginal = [s.name for s in BOUNDS.values() if s.side == spec.side and not s.needs_posteriors]
    colours = _SIDE_COLOURS[spec.side]
    if spec.name in marginal:
        return colours[marginal.index(spec.name) % len(colours)]
    base = _base_spec(spec)
    if base is not None:
        return _side_colour(base)
    posterior = [s.name for s in BOUNDS.values() if s.side == spec.side and s.needs_posteriors]
    return colours[(len(marginal) + posterior.index(spec.name)) % len(colours)]


def bound_label(name: str) -> str:
    """Short human label of a bound: its registry ``label``, else one built from the name.

    Parameters
    ----------
    name : str
        Bound name.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> bound_label("synergy_upper_coupling")
    'coupling (majorization meet)'
    >>> bound_label("synergy_upper_chord_bnb")
    'upper: chord bnb'
    """
    if name in BOUNDS:
        return BOUNDS[name].label
    side, _, rest = name.removeprefix("synergy_").partition("_")
    return f"{side}: {rest.replace('_', ' ')}" if rest else name


def bound_style(name: str, side: str | None = None) -> tuple[str, str]:
    """``(colour, marker)`` of a bound; stable for every name, registered or not.

    Parameters
    ----------
    name : str
        Bound name.
    side : {"lower", "upper"}, optional
        Side of a bound outside the registry (e.g. ``Bound.side``); registered bounds use their
        registry side, and without it the side is read from the name.

    Returns
    -------
    (str, str)
        A matplotlib colour (hex) and marker.

    Examples
    --------
    >>> bound_style("synergy_lower_shared")
    ('#009E73', '^')
    """
    if name in BOUNDS:
        spec = BOUNDS[name]
        marker = _MARKERS[list(BOUNDS).index(name) % len(_MARKERS)]
        return _side_colour(spec), marker
    spare = _SPARE["upper" if (side or _name_side(name)) == "upper" else "lower"]
    return spare[sum(ord(c) for c in name) % len(spare)]


def bound_guaranteed(name: str) -> bool:
    """Whether a bound is guaranteed by default (its registry entry; True outside the registry).

    Parameters
    ----------
    name : str
        Bound name.

    Returns
    -------
    bool
        ``BOUNDS[name].guaranteed``, True for an unregistered name.

    Examples
    --------
    >>> bound_guaranteed("synergy_lower_disagreement_paper")
    False
    """
    return BOUNDS[name].guaranteed if name in BOUNDS else True


def _edge(colour: str) -> str:
    """Edge colour of a marker: black around the pale yellow (too faint on white alone)."""
    return OKABE_ITO["black"] if colour == OKABE_ITO["yellow"] else colour


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "mmbounds plotting needs matplotlib (a dependency of mmbounds): pip install matplotlib"
        ) from exc
    return plt


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    """``ax`` itself, or the axes of a new pyplot figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    _, new = _pyplot().subplots(figsize=figsize, layout="constrained")
    return new


def _check_length(values: Any, n: int, *, name: str, like: str = "labels") -> None:
    """Raise a ValueError naming ``name`` unless ``values`` has ``n`` entries (one per row)."""
    m = len(values)
    if m != n:
        raise ValueError(f"{name} has {m} entries; expected {n}, one per entry of {like}")


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


def _legend(ax: Any, **kw: Any) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    seen: dict[str, Any] = {}
    for h, lab in zip(handles, labels, strict=True):
        seen.setdefault(lab, h)
    ax.legend(list(seen.values()), list(seen), **kw)
