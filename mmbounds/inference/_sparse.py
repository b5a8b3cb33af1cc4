"""What a sample's intervals may claim when its tables are sparse, and the whole interval rule.

The bootstrap intervals of :mod:`._intervals` are asymptotic: they hold once every cell of a
pairwise table holds several samples. Below that, the bootstrap sees only the occupied cells and
misjudges the plug-in bias, and the misses are one-sided:

* **lower limits.** Below :data:`._intervals.PRESENT_MIN_PER_CELL` samples per cell, no lower limit
  read from the sparse table is used: S and ``S_L`` start at 0 when any pairwise table is that
  sparse, R, U1 and U2 when a labeled table is (table ``_FLOORED``). So none of them is called
  present there.
* **upper limits.** Below :data:`UPPER_MIN_PER_CELL` samples per cell of a labeled table, the
  plug-in ``S_U`` lies below the population's and the bootstrap does not see it; there the upper
  limits of S and ``S_U`` are ``log2 |Y|``, the largest synergy of any table with these labels
  (table ``_RAISED``), so S is undetermined.

:func:`sample_intervals` is the whole rule a sample gets (bootstrap intervals, every quantity
clipped at ``log2 |Y|``, then these floors and ceilings); the library and the coverage benchmarks
both call it, so what is measured is what users get.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from .._options import BOOTSTRAP_INTERVALS
from ..results import Interval
from ._boundary import floor_boundary
from ._intervals import PRESENT_MIN_PER_CELL, _fewest, bootstrap_intervals, verdict

__all__ = [
    "MIN_SOURCE_ROWS",
    "UPPER_MIN_PER_CELL",
    "floor_sparse",
    "floored",
    "raised",
    "sample_intervals",
]

#: fewest rows of each sample (D1, D2, DM) for the bootstrap intervals to say anything. Below it
#: every interval is the whole range ``[0, log2 |Y|]`` (undetermined): with one row per source
#: every resample is that row, the replicates have no spread, and R, U1, U2 and ``S_L`` came out
#: as the interval [0, 0], "absent" at 95%. A guard against degenerate bootstraps, not a measured
#: coverage threshold (the sparse-table rules below take over from here).
MIN_SOURCE_ROWS = 10

#: fewest samples per cell of a labeled table at which the upper limits of S and S_U are read from
#: the sample. Measured on the coverage grid (200 repetitions each): with 1 to 3 samples per cell
#: (n = 300, split 10/10/80) S_U covered in 0.10 to 0.75 of repetitions and S in 0.37
#: (upper_10x10x3, S at the upper end of its set; coverage_grid_ebafe9a.csv) and 0.850
#: (upper_5x5x2); with 3.3 (redundant_20x20x5, n = 1,000 in thirds) S_U covered 0.40. With 10
#: per cell S covered 1.000 in every population (S_U 0.925 to 0.945), so the informative upper
#: limit is kept from 5 on.
UPPER_MIN_PER_CELL = 5.0

#: which pairwise tables (keys of :func:`mmbounds.raw.samples_per_cell`) each floored lower limit
#: reads
_FLOORED = {
    "synergy_lower_end": ("x1y", "x2y", "x1x2"),
    "synergy": ("x1y", "x2y", "x1x2"),
    "redundancy": ("x1y", "x2y"),
    "unique1": ("x1y", "x2y"),
    "unique2": ("x1y", "x2y"),
}

#: which tables each raised upper limit reads
_RAISED = {"synergy_upper_end": ("x1y", "x2y"), "synergy": ("x1y", "x2y")}


def _below(
    table: Mapping[str, tuple[str, ...]],
    per_cell: Mapping[str, float] | float | None,
    threshold: float,
) -> list[str]:
    """The names of ``table`` whose tables hold fewer than ``threshold`` samples per cell."""
    return [n for n, t in table.items() if _fewest(per_cell, t) < threshold]


def floored(per_cell: Mapping[str, float] | float | None) -> list[str]:
    """The quantities whose lower limit :func:`floor_sparse` sets to 0 at these samples per cell.

    Parameters
    ----------
    per_cell : mapping of str to float, float or None
        As for :func:`floor_sparse` (None: no sample sizes, nothing floored).

    Returns
    -------
    list of str
        Interval names, in the order of the floor's table.

    Examples
    --------
    >>> floored({"x1y": 50.0, "x2y": 50.0, "x1x2": 3.0})
    ['synergy_lower_end', 'synergy']
    """
    return _below(_FLOORED, per_cell, PRESENT_MIN_PER_CELL)


def raised(per_cell: Mapping[str, float] | float | None) -> list[str]:
    """The quantities whose upper limit :func:`floor_sparse` raises to ``log2 |Y|``.

    Parameters
    ----------
    per_cell : mapping of str to float, float or None
        As for :func:`floor_sparse` (None: no sample sizes, nothing raised).

    Returns
    -------
    list of str
        Interval names, in the order of the table.

    Examples
    --------
    >>> raised({"x1y": 3.0, "x2y": 50.0, "x1x2": 50.0})
    ['synergy_upper_end', 'synergy']
    >>> raised({"x1y": 10.0, "x2y": 50.0, "x1x2": 1.0})
    []
    """
    return _below(_RAISED, per_cell, UPPER_MIN_PER_CELL)


def floor_sparse(
    intervals: dict[str, Interval],
    per_cell: Mapping[str, float] | float,
    negligible: float,
    n_labels: int,
) -> dict[str, Interval]:
    """The intervals with the sparse-table floors and ceilings of the module docstring.

    Parameters
    ----------
    intervals : dict of str to Interval
        From :func:`._intervals.bootstrap_intervals`, clipped at ``log2 |Y|``.
    per_cell : mapping of str to float, or float
        Samples per cell of each pairwise table, ``{"x1y": ..., "x2y": ..., "x1x2": ...}``
        (:func:`mmbounds.raw.samples_per_cell`), or one number for all three.
    negligible : float
        Bits below which a quantity counts as absent (verdicts).
    n_labels : int
        ``|Y|``: ``log2 |Y|`` bits is the largest synergy of any table with these labels.

    Returns
    -------
    dict of str to Interval
        ``intervals`` itself when no table is sparse; otherwise a copy in which S and ``S_L``
        start at 0 when any pairwise table has fewer than ``PRESENT_MIN_PER_CELL`` samples per
        cell, R, U1 and U2 when a labeled table has, and the upper limits of S and ``S_U`` are
        ``log2 |Y|`` when a labeled table has fewer than :data:`UPPER_MIN_PER_CELL`.

    Examples
    --------
    >>> iv = {"synergy": Interval("synergy", 0.2, 0.05, 0.5, 0.2, "present"),
    ...       "unique1": Interval("unique1", 0.2, 0.05, 0.5, 0.2, "present")}
    >>> out = floor_sparse(iv, {"x1y": 50.0, "x2y": 50.0, "x1x2": 3.0}, 0.01, 2)
    >>> out["synergy"].verdict, out["unique1"].verdict
    ('undetermined', 'present')
    >>> out = floor_sparse(iv, {"x1y": 3.0, "x2y": 50.0, "x1x2": 50.0}, 0.01, 2)
    >>> out["synergy"].low, out["synergy"].high, out["unique1"].low
    (0.0, 1.0, 0.0)
    """
    # a floored U keeps its upper end (the sparse-table misses of U measured were all intervals
    # lying above the truth, never below it)
    low = {name for name in floored(per_cell) if name in intervals}
    high = {name for name in raised(per_cell) if name in intervals}
    if not low | high:
        return intervals
    top = math.log2(n_labels)
    out = dict(intervals)
    for name in low | high:
        iv = out[name]
        lo = 0.0 if name in low else iv.low
        hi = max(top, iv.high) if name in high else iv.high
        out[name] = Interval(iv.name, iv.estimate, lo, hi, iv.plugin, verdict(lo, hi, negligible))
    return out


def clip(intervals: dict[str, Interval], cap: float, negligible: float) -> dict[str, Interval]:
    """Every quantity is at most ``H(Y) <= log2 |Y|`` bits: the intervals clipped at ``cap``."""
    out = {}
    for k, iv in intervals.items():
        hi = min(iv.high, cap)
        lo = min(iv.low, hi)
        out[k] = Interval(
            iv.name, min(iv.estimate, cap), lo, hi, iv.plugin, verdict(lo, hi, negligible)
        )
    return out


def sample_intervals(
    plugin: np.ndarray,
    reps: np.ndarray,
    confidence: float,
    negligible: float,
    variant: str,
    per_cell: Mapping[str, float],
    n_labels: int,
    *,
    sizes: Sequence[float] | None = None,
) -> tuple[dict[str, Interval], dict[str, Interval]]:
    """The intervals a sample gets: bootstrap, the boundary rule, clipped, :func:`floor_sparse`.

    The boundary rule (:func:`._boundary.floor_boundary`, the variants users can choose) starts
    the lower limits of ``S_L`` and S at 0 where the plug-in ``S_L`` lies within
    ``sqrt(ln n)`` replicate standard deviations of 0.

    Parameters
    ----------
    plugin, reps : ndarray
        Plug-in functionals and their bootstrap replicates
        (:func:`._intervals.bootstrap_intervals`).
    confidence : float
        Level of every interval.
    negligible : float
        Bits below which a quantity counts as absent (verdicts).
    variant : str
        Bootstrap interval variant (:data:`._intervals.VARIANTS`).
    per_cell : mapping of str to float
        Samples per cell of each pairwise table (:func:`mmbounds.raw.samples_per_cell`).
    n_labels : int
        ``|Y|`` of the sample's tables.
    sizes : sequence of float, optional
        Sample sizes of D1, D2 and DM (the boundary rule's threshold); without them the rule
        is not applied. When one is below :data:`MIN_SOURCE_ROWS`, every final interval is
        ``[0, log2 |Y|]``.

    Returns
    -------
    ends, intervals : dict of str to Interval
        The clipped intervals before the sparse-table rules (they decide identifiability) and
        the final ones.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> plugin = np.array([0.2, 0.1, 0.05, 0.3, 0.9])
    >>> reps = plugin + 0.01 * rng.standard_normal((200, 5))
    >>> tables = {"x1y": 3.0, "x2y": 50.0, "x1x2": 50.0}
    >>> ends, iv = sample_intervals(plugin, reps, 0.95, 0.01, "widened", tables, 2)
    >>> ends["synergy"].verdict, iv["synergy"].verdict, iv["synergy"].high
    ('present', 'undetermined', 1.0)
    >>> _, iv = sample_intervals(plugin, reps, 0.95, 0.01, "widened", tables, 2, sizes=(5, 50, 50))
    >>> iv["redundancy"].low, iv["redundancy"].high, iv["redundancy"].verdict
    (0.0, 1.0, 'undetermined')
    """
    intervals = bootstrap_intervals(
        plugin, reps, confidence, negligible, variant, per_cell=per_cell
    )
    if sizes is not None and variant in BOOTSTRAP_INTERVALS:  # "percentile": the baseline
        intervals = floor_boundary(intervals, plugin, reps, sizes, negligible)
    ends = clip(intervals, math.log2(n_labels), negligible)
    final = floor_sparse(ends, per_cell, negligible, n_labels)
    if sizes is not None and min(sizes) < MIN_SOURCE_ROWS:
        top = math.log2(n_labels)
        final = {
            k: Interval(iv.name, iv.estimate, 0.0, top, iv.plugin, verdict(0.0, top, negligible))
            for k, iv in final.items()
        }
    return ends, final
