"""The last check of an estimate's bounds: finite, ordered, with every repair named (internal).

Each registered bound is certified on its own, but a solver can still fail (a non-finite value, a
stalled solve) and independent certified values can cross by rounding. :func:`combine` turns the
bounds of one estimate into the reported ``synergy_lower <= synergy_witness <= synergy_upper``:

* a non-finite bound is replaced by the trivial one of its side (``0`` below,
  ``H(Y) - (R+U1+U2)`` above, both always valid) and named in the notes;
* bounds that cross by at most :data:`ORDER_TOL` bits are rounding: the interval is widened to
  contain both ends and the crossing is reported as a residual;
* bounds that cross by more mean the inputs are not what the bounds assume (marginals that no joint
  has) or a solver is wrong: the trivial bounds are reported, with status ``"degraded"``;
* the witness is clipped into the interval when within :data:`ORDER_TOL`, else dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ._context import BoundContext

__all__ = ["ORDER_TOL", "Combined", "combine"]

ORDER_TOL = 1e-6
"""Bits: certified values that cross by at most this are rounding (well above the 1e-9 solver
tolerances, well below any reported digit); a larger crossing is a failure."""


@dataclass
class Combined:
    """The reported bounds and what had to be repaired to get them."""

    values: list[tuple[str, str, float, bool]]
    lower: float
    lower_name: str
    upper: float
    upper_name: str
    witness: float | None
    notes: list[str] = field(default_factory=list)
    residuals: dict[str, float] = field(default_factory=dict)
    degraded: bool = False
    parts_certified: bool = True
    """False when R, U1, U2 could not be certified (no BROJA gap, or projected beyond rounding)."""


def combine(
    ctx: BoundContext, values: list[tuple[str, str, float, bool]], witness: float | None
) -> Combined:
    """Best guaranteed bounds, made finite and ordered (see the module docstring).

    Parameters
    ----------
    ctx : BoundContext
    values : list of (name, side, value, guaranteed)
        Every computed bound (bits).
    witness : float or None
        Synergy of a feasible joint (bits).

    Returns
    -------
    Combined
        The reported lower and upper bounds (bits) with their names, the witness, the repair notes,
        the identity residuals and whether the estimate is degraded.
    """
    trivial = ctx.trivial_upper
    out = Combined([], 0.0, "nonnegativity", trivial, "H(Y)-(R+U1+U2)", None)
    parts = ctx.parts
    if not math.isfinite(parts.info.residual):
        out.degraded = True
        out.parts_certified = False
        out.notes.append(
            "broja: no certified gap; R, U1, U2 are the solver's last values and the upper bounds "
            "use R+U1+U2 >= max(I(X1;Y), I(X2;Y)) instead"
        )
    if parts.clipped > 0:
        out.residuals["R+U1+U2 projected"] = float(min(parts.clipped, 1e300))
        if parts.clipped > ORDER_TOL:
            out.degraded = True
            out.parts_certified = False
            out.notes.append(
                f"broja: R+U1+U2 lay {parts.clipped:.3g} bits outside [max I(Xi;Y), I(X1;Y)+"
                "I(X2;Y)] and was projected onto it (R, U1, U2 are uncertain by that much)"
            )
    for name, side, value, guaranteed in values:
        if not math.isfinite(value):
            fallback = 0.0 if side == "lower" else trivial
            what = "0 (nonnegativity)" if side == "lower" else "H(Y)-(R+U1+U2)"
            out.notes.append(f"{name}: non-finite value ({value}); replaced by {what}")
            out.degraded = out.degraded or guaranteed
            value = fallback
        out.values.append((name, side, float(value), guaranteed))
    # ties are broken by name (as tuples compare), so the reported method does not depend on
    # the registry order
    lowers = [(v, n) for n, s, v, g in out.values if g and s == "lower"]
    uppers = [(v, n) for n, s, v, g in out.values if g and s == "upper"]
    out.lower, out.lower_name = max(lowers + [(out.lower, out.lower_name)])
    out.upper, out.upper_name = min(uppers + [(out.upper, out.upper_name)])
    cross = out.lower - out.upper
    if cross > ORDER_TOL:
        out.notes.append(
            f"bounds crossed by {cross:.3g} bits ({out.lower_name} {out.lower:.6g} > "
            f"{out.upper_name} {out.upper:.6g}); reporting the trivial bounds [0, H(Y)-(R+U1+U2)]"
        )
        out.residuals["upper-lower crossing"] = float(cross)
        out.degraded = True
        out.lower, out.lower_name = 0.0, "nonnegativity"
        out.upper, out.upper_name = trivial, "H(Y)-(R+U1+U2)"
    elif cross > 0:
        out.residuals["upper-lower crossing"] = float(cross)
        out.lower, out.upper = max(out.upper, 0.0), out.lower
    if witness is not None:
        if not math.isfinite(witness) or not (
            out.lower - ORDER_TOL <= witness <= out.upper + ORDER_TOL
        ):
            out.notes.append(
                f"witness synergy {witness:.6g} lies outside [{out.lower:.6g}, {out.upper:.6g}]; "
                "dropped"
            )
            out.degraded = True
        else:
            clipped = min(max(witness, out.lower), out.upper)
            if clipped != witness:
                out.residuals["witness clipped"] = float(abs(clipped - witness))
            out.witness = float(clipped)
    return out
