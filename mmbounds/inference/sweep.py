"""The same estimate for several cluster counts: the discretization is a modelling choice."""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._options import Options, as_options
from .._validation import check_random_state, check_scalar
from ..exceptions import EstimationWarning
from ..raw.discretize import Discretizer
from ..raw.features import estimate_features
from ..raw.truth import true_interactions
from ..results import EstimateResult, ResultMixin
from ._parallel import captured_warnings, check_n_jobs, run_tasks

__all__ = ["ClusterSweep", "sweep_clusters"]


@dataclass(frozen=True, repr=False)
class ClusterSweep(ResultMixin):
    """Estimates for several cluster counts (bits); one row per count.

    The rows are values of the sample tables (plug-in R, U1, U2 and the bounds on S), without
    population intervals: they show how the numbers move with the cluster count.

    Attributes
    ----------
    columns : tuple of str
        Column names.
    rows : tuple of tuple
        One row per cluster count, in the order of ``columns``.
    results : tuple of EstimateResult
        The full results behind the rows.

    Examples
    --------
    >>> from mmbounds.data import make_pid_synthetic, semi_supervised_split
    >>> s = semi_supervised_split(make_pid_synthetic("synergy", n_samples=300, dim=2,
    ...                                              random_state=0), random_state=0)
    >>> sweep = sweep_clusters(x1=(s.x1, s.y1), x2=(s.x2, s.y2),
    ...                        paired=(s.x1_paired, s.x2_paired), n_clusters=(2, 3),
    ...                        discretizer={"n_init": 1}, n_jobs=1)
    >>> sweep.columns[:4], [row[0] for row in sweep.rows], len(sweep.results)
    (('n_clusters', 'R', 'U1', 'U2'), [2, 3], 2)
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    results: tuple[EstimateResult, ...] = field(repr=False)

    def column(self, name: str) -> list[Any]:
        """One column as a list.

        Parameters
        ----------
        name : str
            One of :attr:`columns`.

        Returns
        -------
        list
            The column's value in each row, in row order.
        """
        if name not in self.columns:
            raise ValueError(
                f"column {name!r} is not a column of this sweep; choose one of {list(self.columns)}"
            )
        j = self.columns.index(name)
        return [r[j] for r in self.rows]

    def _export(self) -> dict[str, Any]:
        return {c: self.column(c) for c in self.columns}

    @staticmethod
    def _cell(v: Any) -> str:
        return f"{v:.4f}" if isinstance(v, float) else str(v)

    def _header(self) -> str:
        return "bits; bounds of the sample tables, not population intervals"

    def _rows(self) -> list[tuple[str, str, str]]:
        """One ``(n_clusters=k, other columns, "")`` row per cluster count (notebook table)."""
        return [
            (
                f"{self.columns[0]}={r[0]}",
                "  ".join(f"{c}={self._cell(v)}" for c, v in zip(self.columns[1:], r[1:])),
                "",
            )
            for r in self.rows
        ]

    def __repr__(self) -> str:
        head = " ".join(f"{c:>13}" for c in self.columns)
        body = [" ".join(f"{self._cell(v):>13}" for v in r) for r in self.rows]
        title = f"ClusterSweep ({self._header()})"
        return "\n".join([title, head, *body])


def _discretizer_options(discretizer: Any) -> dict[str, Any]:
    """The ``discretizer=`` argument of :func:`sweep_clusters` as a checked dict of options."""
    if discretizer is None:
        return {}
    if not isinstance(discretizer, Mapping):
        raise TypeError(
            "discretizer must be a dict of Discretizer options (n_clusters is set by the sweep), "
            f'e.g. {{"n_init": 1}}, got {type(discretizer).__name__}'
        )
    allowed = set(inspect.signature(Discretizer).parameters)
    unknown = sorted(str(k) for k in discretizer if k not in allowed)
    if unknown:
        raise ValueError(
            f"discretizer has unknown Discretizer option(s) {unknown}; "
            f"choose from {sorted(allowed)}"
        )
    return dict(discretizer)


def _sweep_row(
    x1: tuple[Any, Any],
    x2: tuple[Any, Any],
    paired: tuple[Any, Any],
    discretizer: dict[str, Any],
    bounds: Any,
    opts: Options,
    seed: int,
    truth: tuple[Any, Any, Any] | None,
) -> tuple[tuple[Any, ...], EstimateResult]:
    """One row of the sweep (one cluster count) and the estimate behind it."""
    with captured_warnings(message="few samples per cell", category=EstimationWarning):
        res = estimate_features(
            x1,
            x2,
            paired,
            discretizer=discretizer,
            bounds=bounds,
            options=opts,
            random_state=seed,
            progress=False,
        )
    row = [
        discretizer["n_clusters"],
        res.redundancy,
        res.unique1,
        res.unique2,
        res.synergy_lower,
        res.synergy_upper,
        float(res.extras["min_samples_per_cell"]),
    ]
    if truth is not None:
        row.append(true_interactions(*truth, like=res).synergy)
    return tuple(row), res


def sweep_clusters(
    *,
    x1: tuple[Any, Any],
    x2: tuple[Any, Any],
    paired: tuple[Any, Any],
    n_clusters: Sequence[int] = (5, 10, 20, 40),
    discretizer: Mapping[str, Any] | None = None,
    truth: tuple[Any, Any, Any] | None = None,
    random_state: Any = 0,
    bounds: Any = "auto",
    options: Options | dict[str, Any] | None = None,
    n_jobs: int | None = None,
) -> ClusterSweep:
    """Re-run the raw-data estimate for several k-means cluster counts.

    Parameters
    ----------
    x1, x2, paired :
        As in :func:`mmbounds.estimate` (continuous features).
    n_clusters : sequence of int
        Cluster counts (the same for both modalities).
    discretizer : dict, optional
        Other :class:`~mmbounds.discretize.Discretizer` parameters (``n_clusters`` is overridden).
    truth : (X1, X2, y), optional
        Labeled multimodal samples; adds the true synergy of the discretized joint
        (:func:`mmbounds.raw.true_interactions` with the same discretizers).
    random_state : None, int or numpy.random.Generator, default 0
        One int reproduces the table (each row gets the same seed).
    bounds, options :
        Bounds and solver options (as in :func:`mmbounds.estimate`).
    n_jobs : int or None
        joblib workers, one cluster count each (1: here; None: the active
        :func:`joblib.parallel_config`, serial when none is). The rows do not depend on it.

    Returns
    -------
    ClusterSweep
        Columns ``n_clusters, R, U1, U2, S_lower, S_upper, min_samples_per_cell`` (and ``S_true``).
        Low samples-per-cell warnings are not raised here: the column shows the number.

    Examples
    --------
    >>> from mmbounds.data import make_pid_synthetic, semi_supervised_split
    >>> s = semi_supervised_split(make_pid_synthetic("redundancy", n_samples=300, dim=2,
    ...                                              random_state=0), random_state=0)
    >>> sweep = sweep_clusters(x1=(s.x1, s.y1), x2=(s.x2, s.y2),
    ...                        paired=(s.x1_paired, s.x2_paired), n_clusters=(2, 4),
    ...                        discretizer={"n_init": 1}, n_jobs=1)
    >>> [(row[0], round(row[1], 2), row[-1]) for row in sweep.rows]  # k, R, samples per cell
    [(2, 0.16, 25.0), (4, 0.24, 6.25)]
    """
    opts = as_options(options)
    check_n_jobs(n_jobs)
    if isinstance(n_clusters, (str, numbers.Number)) or not hasattr(n_clusters, "__iter__"):
        raise TypeError(
            f"n_clusters must be a sequence of cluster counts, e.g. (5, 10, 20), got "
            f"{n_clusters!r}; for one count use estimate(..., discretizer={{'n_clusters': k}})"
        )
    ks = [
        int(check_scalar(k, name="n_clusters", kind=numbers.Integral, min_val=2))
        for k in n_clusters
    ]
    if not ks:
        raise ValueError("n_clusters must list at least one cluster count")
    rng = check_random_state(random_state)
    seed = int(rng.integers(0, 2**31 - 1))
    base = _discretizer_options(discretizer)
    columns = ["n_clusters", "R", "U1", "U2", "S_lower", "S_upper", "min_samples_per_cell"]
    if truth is not None:
        columns.append("S_true")
    tasks = ((x1, x2, paired, {**base, "n_clusters": k}, bounds, opts, seed, truth) for k in ks)
    rows, results = [], []
    for row, res in run_tasks(_sweep_row, tasks, n_jobs):
        rows.append(row)
        results.append(res)
    return ClusterSweep(tuple(columns), tuple(rows), tuple(results))
