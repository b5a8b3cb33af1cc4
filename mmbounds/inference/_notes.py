"""The notes of a population inference: what its intervals mean and what limits them."""

from __future__ import annotations

import math

from ..results import Interval
from ._intervals import PRESENT_MIN_PER_CELL, RESIDUE
from ._sparse import UPPER_MIN_PER_CELL, floored, raised


def interval_notes(
    intervals: dict[str, Interval],
    mode: str,
    negligible: float,
    ends: dict[str, Interval] | None = None,
) -> tuple[bool, list[str]]:
    """``identifiable`` and the notes; ``ends``: the intervals whose ends of the identified set
    decide identifiability (before :func:`._sparse.floor_sparse`; default ``intervals``)."""
    ends = intervals if ends is None else ends
    s = intervals["synergy"]
    # identifiability is decided on the ends before the sparse-table rules; the figures quoted
    # are those reported (the sparse rules only widen)
    decide_lo, decide_hi = ends["synergy_lower_end"], ends["synergy_upper_end"]
    lo_end, hi_end = intervals["synergy_lower_end"], intervals["synergy_upper_end"]
    notes = [
        (
            "intervals cover the population value with the stated probability "
            + (
                "asymptotically (bias-corrected bootstrap, each source resampled on its own)"
                if mode == "bootstrap"
                else "at every sample size (concentration bounds, iid sampling of each source)"
            )
        ),
        f"verdicts: present = above {negligible:g} bits, absent = below {negligible:g} bits, "
        "with that confidence",
    ]
    floor = max(negligible, RESIDUE)
    identifiable = not (decide_lo.low <= floor and decide_hi.low > floor)
    if not identifiable:
        notes.append(
            f"the pairwise marginals cannot tell whether synergy is present: the least synergy "
            f"of a joint with the population's marginals is about "
            f"{max(lo_end.estimate, 0.0):.3f} bits (possibly as low as {lo_end.low:.3f}), while "
            f"their upper bound allows up to about {hi_end.estimate:.3f} bits (possibly as "
            f"much as {hi_end.high:.3f}); only labeled multimodal data can decide"
        )
    if s.verdict == "present":
        notes.append(f"synergy of at least {s.low:.3f} bits is present at this confidence")
    if all(iv.verdict == "undetermined" for iv in intervals.values()):
        notes.append(
            "no quantity is decided at this confidence"
            + (
                ": the certified intervals are wide at these sample sizes (they hold at every n); "
                "the bootstrap mode gives asymptotic intervals, more samples narrow both"
                if mode == "certified"
                else "; more samples narrow the intervals"
            )
        )
    return identifiable, notes


#: names of the floored quantities in the sparse-table note
SHORT = {"synergy_lower_end": "S_L", "redundancy": "R", "unique1": "U1", "unique2": "U2"}


def sparse_table_note(per_cell: dict[str, float], n_labels: int) -> str | None:
    """The note on the sparse-table rules (:func:`._sparse.floor_sparse`), or None when they do
    not apply."""
    names = [SHORT[n] for n in floored(per_cell) if n != "synergy"]  # S is named first
    if not names:
        return None
    sparse = [t for t, v in per_cell.items() if v < PRESENT_MIN_PER_CELL]
    fewest = min(per_cell[t] for t in sparse)
    quantities = ", ".join(["S", *names[:-1]]) + " and " + names[-1]
    note = (
        f"{fewest:.1f} samples per cell in the sparsest pairwise table (< "
        f"{PRESENT_MIN_PER_CELL:g}: {', '.join(sparse)}): the lower limits of {quantities} "
        "start at 0"
    )
    if raised(per_cell):
        note += (
            f", and the upper limits of S and S_U are log2 |Y| = {math.log2(n_labels):.3g} bits "
            f"(a labeled table has < {UPPER_MIN_PER_CELL:g})"
        )
    more = [
        w for w, ts in (("labeled", ("x1y", "x2y")), ("paired", ("x1x2",))) if set(ts) & set(sparse)
    ]
    return (
        f"{note}, as the bootstrap misjudges the plug-in bias of sparse tables; more "
        f"{' and '.join(more)} samples, or fewer clusters per modality (n_clusters), make them "
        "informative"
    )
