"""The synthetic study (paper Fig. 2): every bound against the true synergy on random tables."""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..api import estimate
from ..bounds import BOUNDS
from ..plotting import plot_bounds_vs_truth, witness_value
from ._writer import _bar, _new_figure, _Writer

__all__ = ["N_TABLES", "SyntheticStudy", "synthetic_study"]

#: Table counts of the synthetic study per mode: (Dirichlet(1), Dirichlet(0.3)).
N_TABLES = {"full": (100_000, 10_000), "quick": (300, 150), "tiny": (12, 6)}
_CHUNK = 250
_VIOLATION_TOL = 1e-6
_HIGH_SYNERGY = 0.6


@dataclass(frozen=True)
class SyntheticStudy:
    """Every bound against the true synergy on random tables (bits).

    Attributes
    ----------
    alpha : float
        Dirichlet concentration of the tables.
    shape : tuple of int
        Table shape ``(|X1|, |X2|, |Y|)``.
    synergy_true : ndarray, shape (n,)
        True S of each table.
    values : dict of str to ndarray
        Every bound's value on each table, by bound name.
    guaranteed : dict of str to bool
        Whether each bound is guaranteed.
    sides : dict of str to str
        Each bound's side (``"lower"`` or ``"upper"``, from its ``Bound.side``).
    synergy_lower, synergy_upper : ndarray, shape (n,)
        Best guaranteed lower and upper bounds of each table.
    synergy_witness : ndarray, shape (n,)
        Synergy of a feasible witness joint (NaN where the estimator reports none).
    n_warnings : int
        Warnings raised while estimating (counted, not shown).
    seconds : float
        Wall-clock time.

    Examples
    --------
    >>> from mmbounds.figures import synthetic_study
    >>> study = synthetic_study(5, random_state=0, progress=False)
    >>> study.n_tables, study.shape, study.alpha
    (5, (2, 2, 2), 1.0)
    >>> row = next(r for r in study.summary() if r["bound"] == "synergy_upper_coupling")
    >>> row["side"], row["violations"], round(row["mean_gap_bits"], 3)
    ('upper', 0, 0.684)
    """

    alpha: float
    shape: tuple[int, int, int]
    synergy_true: np.ndarray
    values: dict[str, np.ndarray]
    guaranteed: dict[str, bool]
    sides: dict[str, str]
    synergy_lower: np.ndarray
    synergy_upper: np.ndarray
    synergy_witness: np.ndarray
    n_warnings: int = 0
    seconds: float = 0.0

    @property
    def n_tables(self) -> int:
        """Number of tables."""
        return int(self.synergy_true.size)

    def side(self, name: str) -> str:
        """Side of the bound ``name``: as the results reported it, else its registry entry.

        Parameters
        ----------
        name : str
            A bound's name.

        Returns
        -------
        str
            ``"lower"`` or ``"upper"``.
        """
        return self.sides.get(name) or BOUNDS[name].side

    def summary(self, tol: float = _VIOLATION_TOL) -> list[dict[str, Any]]:
        """One row per bound: violations, largest violation, mean gap to S (all tables, S > 0.6).

        A lower bound is violated where it exceeds S by more than ``tol``, an upper bound where it
        falls below S by more than ``tol``, the witness where it exceeds the best guaranteed upper
        bound. Gaps are ``|bound - S|`` in bits.

        Parameters
        ----------
        tol : float
            Violation tolerance, bits.

        Returns
        -------
        list of dict
            One row per bound (and the witness): name, side, guaranteed, violation count, largest
            violation (bits), mean gap to S (bits).
        """
        s = self.synergy_true
        hi_mask = s > _HIGH_SYNERGY
        series = [
            (k, self.side(k), v, self.guaranteed.get(k, True)) for k, v in self.values.items()
        ]
        series += [
            ("best guaranteed lower", "lower", self.synergy_lower, True),
            ("best guaranteed upper", "upper", self.synergy_upper, True),
        ]
        if np.isfinite(self.synergy_witness).any():
            # a witness is a joint with the observed marginals: its synergy is a lower value on the
            # largest synergy the data allow, not on the true S; it may never exceed the upper bound
            series.append(("witness (feasible S)", "witness", self.synergy_witness, True))
        rows = []
        for name, side, v, ok in series:
            if side == "witness":
                excess = v - self.synergy_upper
            else:
                excess = (v - s) if side == "lower" else (s - v)
            finite = np.isfinite(v)
            gap = np.abs(v - s)[finite]
            rows.append(
                {
                    "alpha": self.alpha,
                    "bound": name,
                    "side": side,
                    "guaranteed": bool(ok),
                    "n_tables": int(finite.sum()),
                    "violations": int(np.sum(excess[finite] > tol)),
                    "max_violation_bits": float(max(0.0, np.max(excess[finite], initial=0.0))),
                    "mean_gap_bits": float(gap.mean()) if gap.size else math.nan,
                    "n_high_synergy": int(np.sum(hi_mask & finite)),
                    "mean_gap_high_synergy_bits": (
                        float(np.abs(v - s)[hi_mask & finite].mean())
                        if np.any(hi_mask & finite)
                        else math.nan
                    ),
                }
            )
        return rows


def _estimate_tables(args: tuple[tuple[int, int, int], float, int, Any]) -> dict[str, Any]:
    """Worker: estimate ``n`` random tables drawn from ``seed_seq`` (top level for pickling)."""
    shape, alpha, n, seed_seq = args
    try:  # one BLAS/OpenMP thread per worker; the workers are the parallelism
        from threadpoolctl import threadpool_limits

        limiter: Any = threadpool_limits(1)
    except ImportError:  # pragma: no cover
        limiter = None
    rng = np.random.default_rng(seed_seq)
    truth = np.empty(n)
    lower = np.empty(n)
    upper = np.empty(n)
    witness = np.full(n, np.nan)
    values: dict[str, np.ndarray] = {}
    guaranteed: dict[str, bool] = {}
    sides: dict[str, str] = {}
    n_warn = 0
    for t in range(n):
        p = rng.dirichlet(np.full(int(np.prod(shape)), alpha)).reshape(shape)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # a worker process: the parent's bar counts; seeded: the witness search is randomised
            res = estimate(p, progress=False, random_state=0)
        n_warn += len(caught)
        truth[t] = res.synergy_true
        lower[t], upper[t] = res.synergy_lower, res.synergy_upper
        w = witness_value(res)
        if w is not None:
            witness[t] = w
        for b in res.bounds:
            if b.name not in values:
                values[b.name] = np.full(n, np.nan)
                guaranteed[b.name] = bool(b.guaranteed)
                sides[b.name] = b.side
            values[b.name][t] = b.value
    if limiter is not None:
        limiter.unregister()
    return {
        "truth": truth,
        "lower": lower,
        "upper": upper,
        "witness": witness,
        "values": values,
        "guaranteed": guaranteed,
        "sides": sides,
        "n_warnings": n_warn,
    }


def synthetic_study(
    n_tables: int,
    *,
    alpha: float = 1.0,
    shape: tuple[int, int, int] = (2, 2, 2),
    random_state: int = 0,
    n_jobs: int = 1,
    progress: bool = True,
) -> SyntheticStudy:
    """Compute the true synergy and every bound (via :func:`mmbounds.estimate`) on random tables.

    Tables are drawn from ``Dirichlet(alpha)`` over the cells, in chunks seeded from
    ``numpy.random.SeedSequence(random_state)``, so the numbers do not depend on ``n_jobs``.

    Parameters
    ----------
    n_tables : int
        Number of tables (>= 1).
    alpha : float
        Dirichlet concentration (1: uniform on the simplex, as in the paper).
    shape : tuple of 3 int
        Table shape.
    random_state : int
        Seed.
    n_jobs : int
        Processes (spawned; 1 runs in this process). One BROJA solve costs ~5 ms for 2×2×2 and
        :func:`mmbounds.estimate` runs several solvers, so 100,000 tables take tens of minutes.
    progress : bool, default True
        tqdm progress bar on stderr.

    Returns
    -------
    SyntheticStudy

    Examples
    --------
    >>> st = synthetic_study(3, random_state=0)
    >>> st.n_tables, bool(np.all(st.synergy_lower <= st.synergy_true + 1e-6))
    (3, True)
    """
    if isinstance(n_tables, bool) or not isinstance(n_tables, (int, np.integer)) or n_tables < 1:
        raise ValueError(f"n_tables must be a positive int, got {n_tables!r}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive int, got {n_jobs!r}")
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha!r}")
    shape = tuple(int(s) for s in shape)  # type: ignore[assignment]
    n_chunks = -(-int(n_tables) // _CHUNK)
    seqs = np.random.SeedSequence([int(random_state), int(round(alpha * 1000)), *shape])
    jobs = [
        (shape, float(alpha), min(_CHUNK, n_tables - i * _CHUNK), q)
        for i, q in enumerate(seqs.spawn(n_chunks))
    ]
    bar = _bar(progress, total=int(n_tables), desc=f"synthetic tables (alpha={alpha:g})")
    t0 = time.perf_counter()
    parts: list[dict[str, Any]] = []
    if n_jobs == 1 or n_chunks == 1:
        for job in jobs:
            parts.append(_estimate_tables(job))
            bar.update(job[2])
    else:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        with ProcessPoolExecutor(max_workers=int(n_jobs), mp_context=get_context("spawn")) as ex:
            for job, part in zip(jobs, ex.map(_estimate_tables, jobs), strict=True):
                parts.append(part)
                bar.update(job[2])
    bar.close()
    names: dict[str, bool] = {}
    sides: dict[str, str] = {}
    for part in parts:
        for k, g in part["guaranteed"].items():
            names.setdefault(k, g)
            sides.setdefault(k, part["sides"][k])
    values = {
        k: np.concatenate([p["values"].get(k, np.full(p["truth"].size, np.nan)) for p in parts])
        for k in names
    }
    return SyntheticStudy(
        alpha=float(alpha),
        shape=shape,  # type: ignore[arg-type]
        synergy_true=np.concatenate([p["truth"] for p in parts]),
        values=values,
        guaranteed=names,
        sides=sides,
        synergy_lower=np.concatenate([p["lower"] for p in parts]),
        synergy_upper=np.concatenate([p["upper"] for p in parts]),
        synergy_witness=np.concatenate([p["witness"] for p in parts]),
        n_warnings=int(sum(p["n_warnings"] for p in parts)),
        seconds=time.perf_counter() - t0,
    )


def _synthetic_part(
    w: _Writer, mode: str, n_tables: int | None, n_jobs: int, seed: int, progress: bool
) -> None:
    counts = N_TABLES[mode] if n_tables is None else (n_tables, max(1, n_tables // 10))
    studies = [
        synthetic_study(n, alpha=a, random_state=seed, n_jobs=n_jobs, progress=progress)
        for n, a in zip(counts, (1.0, 0.3), strict=True)
    ]
    summary, tables = [], []
    for st in studies:
        summary += st.summary()
        for i in range(st.n_tables):
            row = {
                "alpha": st.alpha,
                "table": i,
                "synergy_true": st.synergy_true[i],
                "synergy_lower": st.synergy_lower[i],
                "synergy_upper": st.synergy_upper[i],
            }
            if np.isfinite(st.synergy_witness[i]):
                row["synergy_witness"] = st.synergy_witness[i]
            row.update({k: v[i] for k, v in st.values.items()})
            tables.append(row)
        bad = [r for r in st.summary() if r["guaranteed"] and r["violations"]]
        for r in bad:
            w.report.notes.append(
                f"synthetic alpha={st.alpha:g}: guaranteed bound {r['bound']} violated on "
                f"{r['violations']} tables (max {r['max_violation_bits']:.2e} bits)"
            )
        if st.n_warnings:
            w.report.notes.append(
                f"synthetic alpha={st.alpha:g}: {st.n_warnings} solver warnings "
                f"over {st.n_tables} tables (counted, not shown)"
            )
    fig, axes = _new_figure(11.0, 4.6 * len(studies), ncols=2, nrows=len(studies))
    for row_axes, st in zip(axes, studies, strict=True):
        for ax, side in zip(row_axes, ("lower", "upper"), strict=True):
            vals = {k: v for k, v in st.values.items() if st.side(k) == side}
            plot_bounds_vs_truth(st.synergy_true, vals, guaranteed=st.guaranteed, ax=ax)
            ax.set_title(
                f"{side} bounds, Dirichlet({st.alpha:g}) 2x2x2: {ax.get_title()}", fontsize="medium"
            )
    w.figure(fig, "synthetic_bounds")
    w.csv(summary, "synthetic_summary")
    w.csv(tables, "synthetic_tables")
    if counts[0] < 100_000:
        w.report.notes.append(
            f"synthetic study on {counts[0]:,} Dirichlet(1) and {counts[1]:,} Dirichlet(0.3) "
            "tables (the paper used 100,000 Dirichlet(1) tables; full mode does too)"
        )
