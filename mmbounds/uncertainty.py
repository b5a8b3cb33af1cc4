"""Uncertainty of estimates from samples: bootstrap intervals, cluster-count sweeps, plug-in bias.

* :func:`bootstrap` / :func:`bootstrap_codes` — resample ``D1``, ``D2`` and ``DM`` independently
  with replacement, re-estimate on the **same** discrete variables (the fitted discretizers are not
  refitted; classifier posteriors on ``DM`` are resampled with their rows, the classifiers are not
  retrained), and report percentile intervals of R, U1, U2, ``synergy_lower``, ``synergy_upper``
  and every bound. Replicate ``b`` uses a seed drawn in advance from the caller's generator, so the
  numbers do not depend on ``n_jobs``.
* :func:`sweep_clusters` — the same estimate for several cluster counts, as a small table: the
  discretization is a modelling choice and the numbers move with it.
* :func:`miller_madow_report` — samples per cell and Miller–Madow corrected mutual informations.

What the Miller–Madow correction covers
---------------------------------------
The plug-in entropy of ``n`` samples over ``m`` occupied cells is biased low by about
``(m - 1) / (2 n ln 2)`` bits (Miller 1955). Adding that term to each entropy of
``I(A;B) = H(A) + H(B) - H(A,B)`` gives the corrected mutual information
``I_MM = I_plugin - (m_AB - m_A - m_B + 1) / (2 n ln 2)``, computed for ``I(X1;Y)`` on ``D1``,
``I(X2;Y)`` on ``D2`` and ``I(X1;X2)`` on ``DM``, each with its own sample size. It is a first-order
bias correction of these three numbers only. R, U1, U2 and the synergy bounds are optima of convex
programs over the plug-in tables; no comparable correction of them is known to be valid, so they are
left as they are (the bounds remain exact statements about the plug-in distribution; their sampling
error is what the bootstrap describes). Note that the percentile bootstrap does not remove plug-in
bias either: replicates of an upward-biased plug-in MI are biased upward again.

References
----------
G. A. Miller, "Note on the bias of information estimates", in *Information Theory in Psychology*
(1955). B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap* (1993), ch. 13.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from ._validation import check_random_state, check_scalar
from .exceptions import EstimationWarning
from .result import EstimateResult

__all__ = [
    "BootstrapResult",
    "ClusterSweep",
    "bootstrap",
    "bootstrap_codes",
    "miller_madow_mutual_information",
    "miller_madow_report",
    "sweep_clusters",
]

_MAIN = ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper")


# --------------------------------------------------------------------------------------------------
# bootstrap


@dataclass(frozen=True)
class BootstrapResult:
    """Percentile bootstrap intervals of an estimate (bits).

    Attributes
    ----------
    n_bootstrap : int
        Number of replicates.
    confidence : float
        Level of the intervals (e.g. 0.95 gives the 2.5 % and 97.5 % percentiles).
    intervals : Mapping[str, tuple[float, float]]
        ``name -> (low, high)`` for ``redundancy``, ``unique1``, ``unique2``, ``synergy_lower``,
        ``synergy_upper`` and every bound by its name.
    replicates : Mapping[str, ndarray]
        The replicate values behind each interval (read-only, shape ``(n_bootstrap,)``).
    n_warnings : int
        Warnings raised inside replicates (e.g. resampled marginals that disagree and were
        reconciled); they are counted, not shown.
    seed : int or None
        The integer ``random_state`` when one was given.
    """

    n_bootstrap: int
    confidence: float
    intervals: Mapping[str, tuple[float, float]]
    replicates: Mapping[str, np.ndarray] = field(repr=False)
    n_warnings: int = 0
    seed: int | None = None

    @property
    def widened_synergy_interval(self) -> tuple[float, float]:
        """``(low of synergy_lower, high of synergy_upper)``: bounds widened by sampling error."""
        return (self.intervals["synergy_lower"][0], self.intervals["synergy_upper"][1])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (intervals only)."""
        return {
            "n_bootstrap": self.n_bootstrap,
            "confidence": self.confidence,
            "intervals": {k: [float(a), float(b)] for k, (a, b) in self.intervals.items()},
            "n_warnings": self.n_warnings,
            "seed": self.seed,
        }

    def __repr__(self) -> str:
        lines = [
            f"BootstrapResult(n_bootstrap={self.n_bootstrap}, confidence={self.confidence}, bits)"
        ]
        for k, (a, b) in self.intervals.items():
            lines.append(f"  {k:<45}[{a:8.4f}, {b:8.4f}]")
        if self.n_warnings:
            lines.append(f"  warnings inside replicates: {self.n_warnings}")
        return "\n".join(lines)


def _one_replicate(
    sources: tuple[tuple[np.ndarray, np.ndarray], ...],
    posteriors: tuple[np.ndarray, np.ndarray] | None,
    seed: int,
    estimate_kwargs: dict[str, Any],
) -> tuple[dict[str, float], int]:
    """Resample each source independently and re-estimate; return values and warning count."""
    from .estimate import estimate

    rng = np.random.default_rng(seed)
    idx = [rng.integers(0, s[0].shape[0], size=s[0].shape[0]) for s in sources]
    (a1, b1), (a2, b2), (am, bm) = ((s[0][i], s[1][i]) for s, i in zip(sources, idx))
    post = None if posteriors is None else (posteriors[0][idx[2]], posteriors[1][idx[2]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # the same seed drives the estimate's own randomised steps (branch-and-bound restarts)
        res = estimate(
            x1=(a1, b1),
            x2=(a2, b2),
            paired=(am, bm),
            posteriors=post,
            random_state=seed,
            **estimate_kwargs,
        )
    out = {k: float(getattr(res, k)) for k in _MAIN}
    out.update({b.name: float(b.value) for b in res.bounds})
    return out, len(caught)


def bootstrap_codes(
    x1: tuple[Any, Any],
    x2: tuple[Any, Any],
    paired: tuple[Any, Any],
    *,
    posteriors: tuple[Any, Any] | None = None,
    n_bootstrap: int = 200,
    confidence: float = 0.95,
    n_jobs: int | None = None,
    progress: bool = False,
    random_state: Any = None,
    estimate_kwargs: Mapping[str, Any] | None = None,
) -> BootstrapResult:
    """Bootstrap the estimate from discrete samples (codes) of ``D1``, ``D2``, ``DM``.

    Parameters
    ----------
    x1, x2, paired : pair of 1-D arrays
        Discrete ``D1 = (x1, y1)``, ``D2 = (x2, y2)``, ``DM = (x1u, x2u)``.
    posteriors : pair of arrays (n_pairs, n_y), optional
        Classifier posteriors on ``DM`` (rows resampled with ``DM``).
    n_bootstrap : int
        Number of replicates (>= 1).
    confidence : float
        Interval level in (0, 1).
    n_jobs : int or None
        joblib workers (None or 1: sequential). Results do not depend on it.
    progress : bool
        tqdm bar over replicates.
    random_state : None, int or numpy.random.Generator
        Source of the replicate seeds.
    estimate_kwargs : mapping, optional
        Options of :func:`mmbounds.estimate` (``bounds``, ``method``, ``tol``, ...).

    Returns
    -------
    BootstrapResult
    """
    check_scalar(n_bootstrap, name="n_bootstrap", kind=numbers.Integral, min_val=1)
    check_scalar(
        confidence,
        name="confidence",
        min_val=0.0,
        max_val=1.0,
        include_min=False,
        include_max=False,
    )
    if n_jobs is not None:
        check_scalar(n_jobs, name="n_jobs", kind=numbers.Integral)
    seed_int = int(random_state) if isinstance(random_state, numbers.Integral) else None
    rng = check_random_state(random_state)
    seeds = [int(s) for s in rng.integers(0, 2**63 - 1, size=int(n_bootstrap))]
    sources = tuple((np.asarray(s[0]), np.asarray(s[1])) for s in (x1, x2, paired))
    post = None if posteriors is None else (np.asarray(posteriors[0]), np.asarray(posteriors[1]))
    kwargs = {
        k: v
        for k, v in dict(estimate_kwargs or {}).items()
        if k not in ("progress", "random_state", "posteriors")
    }

    from joblib import Parallel, delayed

    jobs = (delayed(_one_replicate)(sources, post, s, kwargs) for s in seeds)
    if n_jobs in (None, 1):
        it = (_one_replicate(sources, post, s, kwargs) for s in seeds)
    else:
        it = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(it, total=len(seeds), desc="mmbounds.bootstrap", leave=False)
    rows, n_warn = [], 0
    for values, w in it:
        rows.append(values)
        n_warn += w
    names = list(rows[0])
    alpha = 100.0 * (1.0 - confidence) / 2.0
    reps: dict[str, np.ndarray] = {}
    intervals: dict[str, tuple[float, float]] = {}
    for name in names:
        v = np.array([r.get(name, np.nan) for r in rows], dtype=np.float64)
        v.setflags(write=False)
        reps[name] = v
        lo, hi = np.nanpercentile(v, [alpha, 100.0 - alpha])
        intervals[name] = (float(lo), float(hi))
    return BootstrapResult(
        n_bootstrap=int(n_bootstrap),
        confidence=float(confidence),
        intervals=MappingProxyType(intervals),
        replicates=MappingProxyType(reps),
        n_warnings=int(n_warn),
        seed=seed_int,
    )


def bootstrap(
    result: EstimateResult,
    *,
    n_bootstrap: int = 200,
    confidence: float = 0.95,
    n_jobs: int | None = None,
    progress: bool = False,
    random_state: Any = None,
    **estimate_kwargs: Any,
) -> BootstrapResult:
    """Bootstrap intervals for a result of the raw-data pipeline (same discretizers, bits).

    Parameters
    ----------
    result : EstimateResult
        From :func:`mmbounds.estimate` with sample input; its ``extras['codes']`` (and
        ``extras['posteriors']``) are resampled.
    n_bootstrap, confidence, n_jobs, progress, random_state :
        As in :func:`bootstrap_codes`.
    **estimate_kwargs
        Options of :func:`mmbounds.estimate` for the replicates (e.g. ``bounds``).

    Returns
    -------
    BootstrapResult

    Raises
    ------
    ValueError
        If ``result`` carries no samples (it was computed from tables).
    """
    codes = result.extras.get("codes") if result.extras else None
    if codes is None:
        raise ValueError(
            "result has no samples in extras['codes']; bootstrap needs a result computed from "
            "x1=, x2=, paired= samples"
        )
    return bootstrap_codes(
        (codes["x1"], codes["y1"]),
        (codes["x2"], codes["y2"]),
        (codes["x1_paired"], codes["x2_paired"]),
        posteriors=result.extras.get("posteriors"),
        n_bootstrap=n_bootstrap,
        confidence=confidence,
        n_jobs=n_jobs,
        progress=progress,
        random_state=random_state,
        estimate_kwargs=estimate_kwargs,
    )


# --------------------------------------------------------------------------------------------------
# Miller–Madow


def _pair_counts(a: Any, b: Any) -> np.ndarray:
    _, ia = np.unique(np.asarray(a), return_inverse=True)
    _, ib = np.unique(np.asarray(b), return_inverse=True)
    t = np.zeros((int(ia.max()) + 1, int(ib.max()) + 1))
    np.add.at(t, (ia.ravel(), ib.ravel()), 1.0)
    return t


def miller_madow_mutual_information(counts: Any) -> tuple[float, float]:
    """Plug-in and Miller–Madow corrected mutual information of a 2-D count table (bits).

    Parameters
    ----------
    counts : array_like, shape (n_a, n_b)
        Sample counts (non-negative).

    Returns
    -------
    (plugin, corrected) : tuple of float
        ``corrected = plugin - (m_AB - m_A - m_B + 1) / (2 n ln 2)`` with ``m`` the numbers of
        occupied cells, rows, columns and ``n`` the total count.

    Examples
    --------
    >>> plugin, mm = miller_madow_mutual_information([[30, 20], [20, 30]])
    >>> round(plugin, 4), round(mm, 4)
    (0.029, 0.0218)
    """
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 2 or np.any(c < 0) or not np.all(np.isfinite(c)) or c.sum() <= 0:
        raise ValueError("counts must be a finite, non-negative 2-D table with a positive total")
    n = float(c.sum())
    p = c / n
    pa, pb = p.sum(1), p.sum(0)
    nz = p > 0
    plugin = float(np.sum(p[nz] * np.log2(p[nz] / np.outer(pa, pb)[nz])))
    m_ab, m_a, m_b = int(nz.sum()), int((pa > 0).sum()), int((pb > 0).sum())
    corrected = plugin - (m_ab - m_a - m_b + 1) / (2.0 * n * math.log(2.0))
    return plugin, float(corrected)


def miller_madow_report(
    x1: tuple[Any, Any], x2: tuple[Any, Any], paired: tuple[Any, Any]
) -> dict[str, dict[str, float]]:
    """Plug-in vs Miller–Madow ``I(X1;Y)`` (D1), ``I(X2;Y)`` (D2), ``I(X1;X2)`` (DM), in bits.

    Each entry holds ``plugin``, ``corrected``, ``correction`` (= corrected - plugin),
    ``n_samples`` and ``samples_per_occupied_cell``. Computed on each source's own counts (before
    any reconciliation of the marginals).
    """
    out = {}
    for name, (a, b) in (("mi_x1y", x1), ("mi_x2y", x2), ("mi_x1x2", paired)):
        t = _pair_counts(a, b)
        plugin, corrected = miller_madow_mutual_information(t)
        out[name] = {
            "plugin": plugin,
            "corrected": corrected,
            "correction": corrected - plugin,
            "n_samples": float(t.sum()),
            "samples_per_occupied_cell": float(t.sum() / max(int((t > 0).sum()), 1)),
        }
    return out


# --------------------------------------------------------------------------------------------------
# cluster sweep


@dataclass(frozen=True)
class ClusterSweep:
    """Estimates for several cluster counts (bits); one row per count.

    Attributes
    ----------
    columns : tuple of str
        Column names.
    rows : tuple of tuple
        One row per cluster count, in the order of ``columns``.
    results : tuple of EstimateResult
        The full results behind the rows.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    results: tuple[EstimateResult, ...] = field(repr=False)

    def column(self, name: str) -> list[Any]:
        """One column as a list."""
        j = self.columns.index(name)
        return [r[j] for r in self.rows]

    def to_dict(self) -> dict[str, list[Any]]:
        """``{column: values}``."""
        return {c: self.column(c) for c in self.columns}

    def __repr__(self) -> str:
        head = " ".join(f"{c:>13}" for c in self.columns)
        body = [
            " ".join(f"{v:>13.4f}" if isinstance(v, float) else f"{v!s:>13}" for v in r)
            for r in self.rows
        ]
        return "\n".join(["ClusterSweep (bits)", head, *body])


def sweep_clusters(
    *,
    x1: tuple[Any, Any],
    x2: tuple[Any, Any],
    paired: tuple[Any, Any],
    n_clusters: Sequence[int] = (5, 10, 20, 40),
    discretizer: Mapping[str, Any] | None = None,
    truth: tuple[Any, Any, Any] | None = None,
    random_state: Any = None,
    **estimate_kwargs: Any,
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
        (:func:`mmbounds.pipeline.true_interactions` with the same discretizers).
    random_state : None, int or numpy.random.Generator
        One int reproduces the table (each row gets the same seed).
    **estimate_kwargs
        Options of :func:`mmbounds.estimate`.

    Returns
    -------
    ClusterSweep
        Columns ``n_clusters, R, U1, U2, S_lower, S_upper, min_samples_per_cell`` (and ``S_true``).
        Low samples-per-cell warnings are not raised here: the column shows the number.
    """
    from .estimate import estimate
    from .pipeline import true_interactions

    ks = [
        int(check_scalar(k, name="n_clusters", kind=numbers.Integral, min_val=2))
        for k in n_clusters
    ]
    if not ks:
        raise ValueError("n_clusters must list at least one cluster count")
    rng = check_random_state(random_state)
    seed = int(rng.integers(0, 2**31 - 1))
    base = dict(discretizer or {})
    columns = ["n_clusters", "R", "U1", "U2", "S_lower", "S_upper", "min_samples_per_cell"]
    if truth is not None:
        columns.append("S_true")
    rows, results = [], []
    for k in ks:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message="few samples per cell", category=EstimationWarning
            )
            res = estimate(
                x1=x1,
                x2=x2,
                paired=paired,
                discretizer={**base, "n_clusters": k},
                random_state=seed,
                **estimate_kwargs,
            )
        row = [
            k,
            res.redundancy,
            res.unique1,
            res.unique2,
            res.synergy_lower,
            res.synergy_upper,
            float(res.extras["min_samples_per_cell"]),
        ]
        if truth is not None:
            row.append(true_interactions(*truth, like=res).synergy)
        rows.append(tuple(row))
        results.append(res)
    return ClusterSweep(tuple(columns), tuple(rows), tuple(results))
