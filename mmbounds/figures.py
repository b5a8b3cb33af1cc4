"""Regenerate the paper's figures and tables that can be rebuilt from what ships with mmbounds.

:func:`regenerate` (the ``mmbounds figures`` command) writes, into one output folder, a PNG, a PDF
and a CSV of the numbers for each of:

``synthetic``
    Random 2×2×2 tables from Dirichlet(1) (the paper's synthetic study, Fig. 2: 100,000 tables in
    full mode) and from a sparser Dirichlet(0.3), where high-synergy tables are less rare: every
    bound against the true synergy, with a summary of violations and mean gaps.
``bitwise`` / ``synthetic_features`` / ``shipped`` / ``multibench``
    Per-dataset intervals (the paper's Table 1 as a picture) and stacked R/U1/U2/S bars for the
    bitwise tasks (exact joints), the PID-controlled synthetic feature suites, the shipped real data
    (every view pair of UCI Multiple Features and the two halves of scikit-learn's digits) and,
    with ``multibench=PATH``, MultiBench datasets. Real-data protocol of the paper: each modality
    discretized with ``Discretizer(n_clusters=20)`` (L2-normalize, PCA(5), k-means(20)); the truth
    is :func:`mmbounds.pid` of the discretized labeled joint; the bounds see only its three
    pairwise marginals.
``performance`` / ``ssl``
    Accuracy intervals (when :func:`mmbounds.performance_bounds` exists; measured accuracies from
    ``benchmarks/results/performance.csv`` when present) and semi-supervised results (when
    :mod:`mmbounds.ssl` and ``benchmarks/results/ssl.csv`` exist); skipped with a note otherwise.

Nothing is overwritten unless ``force=True``; progress goes to stderr (tqdm).

References
----------
P. P. Liang, C. K. Ling, Y. Cheng et al., "Multimodal learning without labeled multimodal data:
guarantees and applications", ICLR 2024 (Fig. 2, Table 1, §5).
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import json
import math
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "FiguresReport",
    "SyntheticStudy",
    "dataset_rows",
    "regenerate",
    "synthetic_study",
]

#: Table counts of the synthetic study per mode: (Dirichlet(1), Dirichlet(0.3)).
PARTS = (
    "synthetic",
    "bitwise",
    "synthetic_features",
    "shipped",
    "multibench",
    "performance",
    "ssl",
)
"""The parts :func:`regenerate` can build, in the order it builds them (``parts=`` picks some)."""
N_TABLES = {"full": (100_000, 10_000), "quick": (300, 150), "tiny": (12, 6)}
#: Samples per synthetic-feature setting per mode (the paper used 20,000).
N_SYNTHETIC_SAMPLES = {"full": 20_000, "quick": 4_000, "tiny": 600}
_CHUNK = 250
_VIOLATION_TOL = 1e-6
_HIGH_SYNERGY = 0.6


# --------------------------------------------------------------------------------------------------
# synthetic study


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
    synergy_lower, synergy_upper : ndarray, shape (n,)
        Best guaranteed lower and upper bounds of each table.
    synergy_witness : ndarray, shape (n,)
        Synergy of a feasible witness joint (NaN where the estimator reports none).
    n_warnings : int
        Warnings raised while estimating (counted, not shown).
    seconds : float
        Wall-clock time.
    """

    alpha: float
    shape: tuple[int, int, int]
    synergy_true: np.ndarray
    values: dict[str, np.ndarray]
    guaranteed: dict[str, bool]
    synergy_lower: np.ndarray
    synergy_upper: np.ndarray
    synergy_witness: np.ndarray
    n_warnings: int = 0
    seconds: float = 0.0

    @property
    def n_tables(self) -> int:
        """Number of tables."""
        return int(self.synergy_true.size)

    def summary(self, tol: float = _VIOLATION_TOL) -> list[dict[str, Any]]:
        """One row per bound: violations, largest violation, mean gap to S (all tables, S > 0.6).

        A lower bound is violated where it exceeds S by more than ``tol``, an upper bound where it
        falls below S by more than ``tol``, the witness where it exceeds the best guaranteed upper
        bound. Gaps are ``|bound - S|`` in bits.
        """
        s = self.synergy_true
        hi_mask = s > _HIGH_SYNERGY
        series = [
            (k, "upper" if "upper" in k else "lower", v, self.guaranteed.get(k, True))
            for k, v in self.values.items()
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
    from .core import estimate
    from .plotting import witness_value

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
    n_warn = 0
    for t in range(n):
        p = rng.dirichlet(np.full(int(np.prod(shape)), alpha)).reshape(shape)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = estimate(p)
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
        "n_warnings": n_warn,
    }


def synthetic_study(
    n_tables: int,
    *,
    alpha: float = 1.0,
    shape: tuple[int, int, int] = (2, 2, 2),
    random_state: int = 0,
    n_workers: int = 1,
    progress: bool = False,
) -> SyntheticStudy:
    """Compute the true synergy and every bound (via :func:`mmbounds.estimate`) on random tables.

    Tables are drawn from ``Dirichlet(alpha)`` over the cells, in chunks seeded from
    ``numpy.random.SeedSequence(random_state)``, so the numbers do not depend on ``n_workers``.

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
    n_workers : int
        Processes (spawned; 1 runs in this process). One BROJA solve costs ~5 ms for 2×2×2 and
        :func:`mmbounds.estimate` runs several solvers, so 100,000 tables take tens of minutes.
    progress : bool
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
    if isinstance(n_workers, bool) or not isinstance(n_workers, (int, np.integer)) or n_workers < 1:
        raise ValueError(f"n_workers must be a positive int, got {n_workers!r}")
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
    if n_workers == 1 or n_chunks == 1:
        for job in jobs:
            parts.append(_estimate_tables(job))
            bar.update(job[2])
    else:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        with ProcessPoolExecutor(max_workers=int(n_workers), mp_context=get_context("spawn")) as ex:
            for job, part in zip(jobs, ex.map(_estimate_tables, jobs), strict=True):
                parts.append(part)
                bar.update(job[2])
    bar.close()
    names: dict[str, bool] = {}
    for part in parts:
        for k, g in part["guaranteed"].items():
            names.setdefault(k, g)
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
        synergy_lower=np.concatenate([p["lower"] for p in parts]),
        synergy_upper=np.concatenate([p["upper"] for p in parts]),
        synergy_witness=np.concatenate([p["witness"] for p in parts]),
        n_warnings=int(sum(p["n_warnings"] for p in parts)),
        seconds=time.perf_counter() - t0,
    )


# --------------------------------------------------------------------------------------------------
# datasets: discretize, truth from the labeled joint, bounds from its marginals


def _discretize(X: np.ndarray, seed: int) -> np.ndarray:
    from .raw.discretize import Discretizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cluster-count caps on tiny data are expected here
        return Discretizer(n_clusters=20, random_state=seed, n_threads=1).fit_transform(X)


def _joint(c1: np.ndarray, c2: np.ndarray, y: np.ndarray) -> np.ndarray:
    _, yi = np.unique(y, return_inverse=True)
    p = np.zeros((int(c1.max()) + 1, int(c2.max()) + 1, int(yi.max()) + 1))
    np.add.at(p, (c1, c2, yi), 1.0)
    # drop empty codes (a k-means cluster may be unused by this sample)
    p = p[p.sum(axis=(1, 2)) > 0][:, p.sum(axis=(0, 2)) > 0]
    return p / p.sum()


def _row_from_joint(group: str, label: str, p: np.ndarray, n_samples: int | None) -> dict[str, Any]:
    """Truth = PID of the labeled joint ``p``; every bound from its three pairwise marginals."""
    from .core import estimate
    from .pid import pid
    from .plotting import witness_value

    t0 = time.perf_counter()
    truth = pid(p)
    res = estimate((p.sum(axis=1), p.sum(axis=0), p.sum(axis=2)))
    return {
        "group": group,
        "dataset": label,
        "n_samples": None if n_samples is None else int(n_samples),
        "shape": "x".join(str(s) for s in p.shape),
        "redundancy": res.redundancy,
        "unique1": res.unique1,
        "unique2": res.unique2,
        "synergy_true": truth.synergy,
        "synergy_lower": res.synergy_lower,
        "synergy_lower_method": res.synergy_lower_method,
        "synergy_upper": res.synergy_upper,
        "synergy_upper_method": res.synergy_upper_method,
        "synergy_witness": witness_value(res),
        "mi_total": truth.mi_x1x2y,
        "entropy_y": res.entropy_y,
        "seconds": time.perf_counter() - t0,
        "bounds": [
            {
                "name": b.name,
                "side": b.side,
                "value": float(b.value),
                "guaranteed": bool(b.guaranteed),
            }
            for b in res.bounds
        ],
        "result": res,
    }


def _pairs_of(data: Any, seed: int, group: str, bar: Any) -> list[dict[str, Any]]:
    codes = {name: _discretize(data[name], seed) for name in data.modality_names}
    rows = []
    for a, b in data.pairs():
        label = f"{data.name}: {a}+{b}"
        bar.set_postfix_str(label)
        rows.append(
            _row_from_joint(group, label, _joint(codes[a], codes[b], data.y), data.n_samples)
        )
        bar.update(1)
    return rows


def dataset_rows(
    group: str,
    *,
    mode: str = "quick",
    multibench: str | os.PathLike | None = None,
    random_state: int = 0,
    progress: bool = False,
) -> list[dict[str, Any]]:
    """Truth and every bound (bits) for each dataset / modality pair of one group.

    Parameters
    ----------
    group : {"bitwise", "synthetic_features", "shipped", "multibench"}
        ``"bitwise"``: exact joints of the bitwise tasks; ``"synthetic_features"``: every
        :data:`mmbounds.data.SYNTHETIC_SETTINGS`; ``"shipped"``: every view pair of mfeat and the
        digits halves; ``"multibench"``: the datasets found under ``multibench``.
    mode : {"full", "quick", "tiny"}
        Sizes (see :data:`N_SYNTHETIC_SAMPLES`; ``"tiny"`` keeps one mfeat pair and two settings).
    multibench : path, optional
        A MultiBench affect ``.pkl`` file, an AV-MNIST folder, or a folder holding such files.
    random_state : int
        Seed of the generators and discretizers.
    progress : bool
        tqdm progress bar on stderr.

    Returns
    -------
    list of dict
        One row per dataset / pair: ``group``, ``dataset``, ``n_samples``, ``shape``, R, U1, U2,
        ``synergy_true``, best guaranteed ``synergy_lower`` / ``synergy_upper`` (and their
        methods), ``synergy_witness``, ``bounds`` (every bound) and the ``result`` itself.
    """
    from .data import (
        BITWISE_TASKS,
        SYNTHETIC_SETTINGS,
        bitwise_joint,
        load_digits_halves,
        load_mfeat,
        make_pid_synthetic,
    )

    rows: list[dict[str, Any]] = []
    if group == "bitwise":
        names = list(BITWISE_TASKS)[: 3 if mode == "tiny" else None]
        bar = _bar(progress, total=len(names), desc="bitwise tasks")
        for name in names:
            rows.append(_row_from_joint(group, name, bitwise_joint(name), None))
            bar.update(1)
    elif group == "synthetic_features":
        settings = list(SYNTHETIC_SETTINGS)[: 2 if mode == "tiny" else None]
        bar = _bar(progress, total=len(settings), desc="synthetic features")
        for s in settings:
            data = make_pid_synthetic(
                s, n_samples=N_SYNTHETIC_SAMPLES[mode], random_state=random_state
            )
            c1, c2 = _discretize(data["x1"], random_state), _discretize(data["x2"], random_state)
            rows.append(_row_from_joint(group, s, _joint(c1, c2, data.y), data.n_samples))
            bar.update(1)
    elif group == "shipped":
        mfeat = load_mfeat(("fou", "kar") if mode == "tiny" else None)
        datasets = [mfeat] if mode == "tiny" else [mfeat, load_digits_halves()]
        total = sum(len(list(d.pairs())) for d in datasets)
        bar = _bar(progress, total=total, desc="shipped datasets")
        for data in datasets:
            rows += _pairs_of(data, random_state, group, bar)
    elif group == "multibench":
        if multibench is None:
            raise ValueError("group 'multibench' needs multibench=PATH")
        datasets = _multibench_datasets(Path(multibench))
        total = sum(len(list(d.pairs())) for d in datasets)
        bar = _bar(progress, total=total, desc="MultiBench")
        for data in datasets:
            rows += _pairs_of(data, random_state, group, bar)
    else:
        raise ValueError(
            "group must be 'bitwise', 'synthetic_features', 'shipped' or "
            f"'multibench', got {group!r}"
        )
    bar.close()
    return rows


def _multibench_datasets(path: Path) -> list[Any]:
    """MultiBench test splits under ``path``: affect ``.pkl`` files and AV-MNIST folders."""
    from .data import load_avmnist, load_multibench_affect

    if not path.exists():
        raise FileNotFoundError(f"multibench path does not exist: {str(path)!r}")

    def is_avmnist(d: Path) -> bool:
        return (d / "image").is_dir() and (d / "audio").is_dir()

    found: list[Any] = []
    if path.is_file():
        found.append(load_multibench_affect(path, "test"))
    elif is_avmnist(path):
        found.append(load_avmnist(path, "test"))
    else:
        for f in sorted(path.iterdir()):
            if f.suffix == ".pkl":
                found.append(load_multibench_affect(f, "test"))
            elif f.is_dir() and is_avmnist(f):
                found.append(load_avmnist(f, "test"))
    if not found:
        raise FileNotFoundError(
            f"no MultiBench data under {str(path)!r}: expected affect .pkl files "
            "(MOSI, MOSEI, MUStARD, UR-FUNNY) or an AV-MNIST folder with image/ and audio/"
        )
    return found


# --------------------------------------------------------------------------------------------------
# performance and SSL (optional parts, read from the benchmark outputs when present)


def _accuracy_interval(obj: Any) -> tuple[float, float] | None:
    """``(lower, upper)`` accuracy from whatever :func:`mmbounds.performance_bounds` returns."""
    for lo_key, hi_key in (
        ("accuracy_lower", "accuracy_upper"),
        ("lower", "upper"),
        ("accuracy_low", "accuracy_high"),
    ):
        lo = obj.get(lo_key) if isinstance(obj, Mapping) else getattr(obj, lo_key, None)
        hi = obj.get(hi_key) if isinstance(obj, Mapping) else getattr(obj, hi_key, None)
        if lo is not None and hi is not None:
            return float(lo), float(hi)
    interval = getattr(obj, "accuracy_interval", None)
    if interval is None and isinstance(obj, Mapping):
        interval = obj.get("accuracy_interval")
    if interval is None and isinstance(obj, (tuple, list)) and len(obj) == 2:
        interval = obj
    if interval is not None and len(interval) == 2:
        return float(interval[0]), float(interval[1])
    return None


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _pick(columns: Iterable[str], *candidates: str) -> str | None:
    cols = {c.lower(): c for c in columns}
    for c in candidates:
        if c in cols:
            return cols[c]
    return None


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _default_results_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "benchmarks" / "results"


# --------------------------------------------------------------------------------------------------
# the report and the writer


@dataclass
class FiguresReport:
    """What :func:`regenerate` wrote and noticed.

    Attributes
    ----------
    out_dir : Path
    files : list of Path
        Every file written.
    notes : list of str
        Skipped parts, reduced sizes, warnings counted, bound violations.
    timings : dict of str to float
        Seconds per part.
    """

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [f"wrote {len(self.files)} files to {self.out_dir}"]
        lines += [f"  {f.name}" for f in self.files]
        lines += [f"note: {n}" for n in self.notes]
        lines.append("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()))
        return "\n".join(lines)


class _Quiet:
    """No-op progress bar."""

    def update(self, n: int = 1) -> None:
        """Ignore."""

    def set_postfix_str(self, s: str) -> None:
        """Ignore."""

    def close(self) -> None:
        """Ignore."""


def _bar(progress: bool, *, total: int, desc: str) -> Any:
    if not progress:
        return _Quiet()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True)


def _new_figure(width: float, height: float, ncols: int = 1, nrows: int = 1) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


class _Writer:
    def __init__(self, out_dir: Path, report: FiguresReport) -> None:
        self.out_dir = out_dir
        self.report = report

    def figure(self, fig: Any, stem: str) -> None:
        for ext in ("png", "pdf"):
            path = self.out_dir / f"{stem}.{ext}"
            fig.savefig(
                path,
                dpi=150 if ext == "png" else None,
                metadata={"Software": None} if ext == "png" else {"CreationDate": None},
            )
            self.report.files.append(path)

    def csv(self, rows: Sequence[Mapping[str, Any]], stem: str) -> None:
        path = self.out_dir / f"{stem}.csv"
        cols: list[str] = []
        for r in rows:
            cols += [k for k in r if k not in cols]
        with path.open("w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols, restval="")
            w.writeheader()
            for r in rows:
                w.writerow({k: _fmt_cell(v) for k, v in r.items()})
        self.report.files.append(path)


def _fmt_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(v) else f"{float(v):.6g}"
    return v


def _planned_files(parts: Sequence[str]) -> list[str]:
    stems = {
        "synthetic": ["synthetic_bounds", "synthetic_summary", "synthetic_tables"],
        "bitwise": ["intervals_bitwise", "decomposition_bitwise"],
        "synthetic_features": ["intervals_synthetic_features", "decomposition_synthetic_features"],
        "shipped": ["intervals_shipped", "decomposition_shipped"],
        "multibench": ["intervals_multibench", "decomposition_multibench"],
        "performance": ["performance", "performance_measured"],
        "ssl": ["ssl"],
    }
    tables = {"bitwise", "synthetic_features", "shipped", "multibench"}
    names = ["manifest.json"]
    for p in parts:
        for stem in stems[p]:
            if stem in ("synthetic_summary", "synthetic_tables"):
                names.append(f"{stem}.csv")
            else:
                names += [f"{stem}.png", f"{stem}.pdf"]
                if stem in ("performance", "ssl"):
                    names.append(f"{stem}.csv")
    if tables.intersection(parts):
        names += ["datasets_table.csv", "datasets_bounds.csv"]
    return names


def _synthetic_part(
    w: _Writer, mode: str, n_tables: int | None, n_workers: int, seed: int, progress: bool
) -> None:
    from .plotting import plot_bounds_vs_truth

    counts = N_TABLES[mode] if n_tables is None else (n_tables, max(1, n_tables // 10))
    studies = [
        synthetic_study(n, alpha=a, random_state=seed, n_workers=n_workers, progress=progress)
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
            vals = {k: v for k, v in st.values.items() if ("upper" in k) == (side == "upper")}
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


def _interval_figures(w: _Writer, group: str, rows: list[dict[str, Any]]) -> None:
    from .plotting import plot_dataset_intervals, plot_decomposition

    n = len(rows)
    fig, axes = _new_figure(10.0, 1.4 + 0.55 * n)
    plot_dataset_intervals([{**r, "label": r["dataset"]} for r in rows], ax=axes[0, 0])
    axes[0, 0].set_title(
        f"synergy bounds from pairwise marginals vs true S ({group})", fontsize="medium"
    )
    w.figure(fig, f"intervals_{group}")
    fig, axes = _new_figure(9.5, 1.4 + 0.38 * n)
    plot_decomposition(
        [r["dataset"] for r in rows],
        *[
            [r[k] for r in rows]
            for k in ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper")
        ],
        synergy_true=[r["synergy_true"] for r in rows],
        ax=axes[0, 0],
    )
    axes[0, 0].set_title(f"R, U1, U2 and the synergy interval ({group})", fontsize="medium")
    w.figure(fig, f"decomposition_{group}")


def _performance_part(w: _Writer, rows: list[dict[str, Any]], results_dir: Path) -> None:
    """Accuracy intervals: computed for the real-data rows with :func:`performance_bounds`, and
    read from ``performance.csv`` (``benchmarks/performance.py``) with measured accuracies."""
    import mmbounds

    from .plotting import plot_accuracy_intervals

    perf = getattr(mmbounds, "performance_bounds", None)
    if perf is None and importlib.util.find_spec("mmbounds.performance") is not None:
        perf = getattr(importlib.import_module("mmbounds.performance"), "performance_bounds", None)
    measured = results_dir / "performance.csv"
    if perf is None and not measured.is_file():
        w.report.notes.append(
            f"performance: skipped (no mmbounds.performance_bounds and no {measured})"
        )
        return
    if perf is not None and rows:
        table = []
        for r in rows:
            try:
                pb = perf(r["result"])
            except Exception as exc:  # report and keep the figures already made
                w.report.notes.append(
                    f"performance: performance_bounds failed on {r['dataset']}: {exc}"
                )
                table = []
                break
            interval = _accuracy_interval(pb)
            if interval is None:
                w.report.notes.append(
                    "performance: performance_bounds returned an unknown type "
                    f"{type(pb).__name__}; skipped"
                )
                table = []
                break
            table.append(
                {
                    "group": r["group"],
                    "dataset": r["dataset"],
                    "accuracy_lower": interval[0],
                    "accuracy_upper": interval[1],
                    "majority": getattr(pb, "majority", None),
                    "data_collection": getattr(pb, "data_collection", None),
                    "fusion": getattr(pb, "fusion", None),
                }
            )
        if table:
            labels = [t["dataset"] for t in table]
            fig, axes = _new_figure(10.0, 1.4 + 0.42 * len(table))
            plot_accuracy_intervals(
                labels,
                [t["accuracy_lower"] for t in table],
                [t["accuracy_upper"] for t in table],
                chance=[_num(t["majority"]) for t in table],
                ax=axes[0, 0],
            )
            axes[0, 0].set_title(
                "best multimodal accuracy of the discretized modalities, "
                "predicted without multimodal labels",
                fontsize="medium",
            )
            w.figure(fig, "performance")
            w.csv(table, "performance")
    elif perf is None:
        w.report.notes.append(
            "performance: mmbounds.performance_bounds not available; only "
            f"{measured.name} is plotted"
        )
    if not measured.is_file():
        w.report.notes.append(
            f"performance: {measured} not found (run benchmarks/performance.py"
            "); no measured accuracies plotted"
        )
        return
    data = _read_csv(measured)
    cols = list(data[0]) if data else []
    key = _pick(cols, "dataset", "name")
    lo_c = _pick(cols, "acc_lower", "accuracy_lower")
    hi_c = _pick(cols, "acc_upper", "accuracy_upper")
    if key is None or lo_c is None or hi_c is None:
        w.report.notes.append(
            f"performance: {measured.name} lacks dataset/acc_lower/acc_upper "
            f"columns ({cols[:8]}...); not plotted"
        )
        return
    models = [
        c
        for c in cols
        if c.startswith("acc_")
        and c not in (lo_c, hi_c, "acc_mid", "acc_lower_paper", "acc_upper_paper")
        and "unimodal" not in c
    ]
    best_uni = _pick(cols, "best_unimodal")
    seeds = Counter(d[key] for d in data)
    labels = [
        d[key] + (f" (seed {d['seed']})" if seeds[d[key]] > 1 and "seed" in d else "") for d in data
    ]
    actual = [[_num(d[m]) for m in models] or None for d in data]
    fig, axes = _new_figure(10.0, 1.4 + 0.42 * len(data))
    plot_accuracy_intervals(
        labels,
        [_num(d[lo_c]) for d in data],
        [_num(d[hi_c]) for d in data],
        actual=actual if models else None,
        unimodal=[_num(d[best_uni]) for d in data] if best_uni else None,
        ax=axes[0, 0],
    )
    axes[0, 0].set_title(
        f"predicted interval vs measured test accuracy ({measured.name}; "
        f"models: {', '.join(m[4:] for m in models)})",
        fontsize="medium",
    )
    w.figure(fig, "performance_measured")


def _ssl_part(w: _Writer, results_dir: Path) -> None:
    """Linear-probe accuracies of the SSL variants from ``ssl.csv``
    (``benchmarks/ssl_pretraining.py``), mean and standard deviation over seeds."""
    from .plotting import plot_ssl_results

    if importlib.util.find_spec("mmbounds.pretraining") is None:
        w.report.notes.append("ssl: skipped (mmbounds.pretraining is not available)")
        return
    path = results_dir / "ssl.csv"
    if not path.is_file():
        w.report.notes.append(
            f"ssl: skipped ({path} not found; run benchmarks/ssl_pretraining.py first)"
        )
        return
    data = _read_csv(path)
    cols = list(data[0]) if data else []
    g = _pick(cols, "suite", "dataset")
    m = _pick(cols, "variant", "method")
    acc = _pick(cols, "accuracy", "mean")
    frac = _pick(cols, "fraction")
    if g is None or m is None or acc is None:
        w.report.notes.append(f"ssl: skipped ({path} lacks suite/variant/accuracy columns: {cols})")
        return

    def group_of(d: Mapping[str, str]) -> str:
        return d[g] if frac is None else f"{d[g]}\n{_num(d[frac]):g} labeled"

    groups = list(dict.fromkeys(group_of(d) for d in data))
    methods = list(dict.fromkeys(d[m] for d in data))
    values: dict[tuple[int, int], list[float]] = {}
    for d in data:
        values.setdefault((groups.index(group_of(d)), methods.index(d[m])), []).append(_num(d[acc]))
    means = np.full((len(groups), len(methods)), np.nan)
    errs = np.full_like(means, np.nan)
    table = []
    for (i, j), v in values.items():
        arr = np.asarray(v, dtype=float)
        means[i, j] = float(np.nanmean(arr))
        errs[i, j] = float(np.nanstd(arr, ddof=1)) if arr.size > 1 else 0.0
        table.append(
            {
                "group": groups[i].replace("\n", " "),
                "method": methods[j],
                "mean_accuracy": means[i, j],
                "std_accuracy": errs[i, j],
                "n_seeds": int(arr.size),
            }
        )
    fig, axes = _new_figure(max(6.0, 2.0 + 0.28 * len(groups) * len(methods)), 4.4)
    plot_ssl_results(groups, methods, means, errs, ylabel="linear-probe accuracy", ax=axes[0, 0])
    n_seeds = max(t["n_seeds"] for t in table)
    axes[0, 0].set_title(
        f"SSL variants: mean ± std over {n_seeds} seed(s) ({path.name})", fontsize="medium"
    )
    w.figure(fig, "ssl")
    w.csv(table, "ssl")


def regenerate(
    out_dir: str | os.PathLike,
    *,
    quick: bool = False,
    tiny: bool = False,
    multibench: str | os.PathLike | None = None,
    force: bool = False,
    n_tables: int | None = None,
    n_workers: int = 2,
    random_state: int = 0,
    parts: Sequence[str] | None = None,
    results_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> FiguresReport:
    """Regenerate every figure and table that can be rebuilt here (PNG, PDF and CSV).

    Parameters
    ----------
    out_dir : path
        Output folder (created if missing).
    quick : bool
        Small sizes (~300 + 150 random tables, 4,000 samples per synthetic setting): a few minutes
        on two CPU cores. Full mode: 100,000 + 10,000 tables and 20,000 samples (tens of minutes).
    tiny : bool
        Smoke-test sizes for CI (a dozen tables, a few datasets, one mfeat pair): under a minute.
    multibench : path, optional
        MultiBench data (affect ``.pkl`` files and/or an AV-MNIST folder), evaluated pair by pair.
    force : bool
        Overwrite existing output files; otherwise any existing target file is an error and
        nothing is written.
    n_tables : int, optional
        Dirichlet(1) table count of the synthetic study (Dirichlet(0.3) gets a tenth); overrides
        the mode's default.
    n_workers : int
        Processes for the synthetic study (the tiny mode always uses one).
    random_state : int
        Seed of every random step.
    parts : sequence of str, optional
        Subset of ``"synthetic", "bitwise", "synthetic_features", "shipped", "multibench",
        "performance", "ssl"`` (default: all that apply).
    results_dir : path, optional
        Where ``performance.csv`` and ``ssl.csv`` are looked for (default
        ``benchmarks/results`` of the source tree).
    progress : bool
        tqdm progress bars on stderr.

    Returns
    -------
    FiguresReport

    Raises
    ------
    FileExistsError
        If a target file exists and ``force`` is False (nothing is written).
    FileNotFoundError
        If ``multibench`` does not exist or holds no recognisable data.
    """
    mode = "tiny" if tiny else ("quick" if quick else "full")
    all_parts = list(PARTS)
    chosen = list(all_parts if parts is None else parts)
    unknown = [p for p in chosen if p not in all_parts]
    if unknown:
        raise ValueError(f"parts: unknown {unknown}; choose from {all_parts}")
    if multibench is None:
        if parts is not None and "multibench" in chosen:
            raise ValueError("part 'multibench' needs multibench=PATH")
        chosen = [p for p in chosen if p != "multibench"]
    elif not Path(multibench).exists():
        raise FileNotFoundError(f"multibench path does not exist: {str(multibench)!r}")
    if n_tables is not None and (isinstance(n_tables, bool) or int(n_tables) < 1):
        raise ValueError(f"n_tables must be a positive int, got {n_tables!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"output path is a file, not a folder: {str(out)!r}")
    planned = _planned_files(chosen)
    existing = [n for n in planned if (out / n).exists()]
    if existing and not force:
        more = f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        raise FileExistsError(
            f"{out} already holds {', '.join(existing[:3])}{more}; pass --force to overwrite"
        )
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:  # pragma: no cover - environment dependent
        raise ImportError("figures need matplotlib: pip install mmbounds[plots]") from exc
    out.mkdir(parents=True, exist_ok=True)
    report = FiguresReport(out_dir=out)
    writer = _Writer(out, report)
    results = Path(results_dir) if results_dir is not None else _default_results_dir()
    workers = 1 if mode == "tiny" else int(n_workers)

    table_rows: list[dict[str, Any]] = []
    caught_all: Counter[str] = Counter()
    steps: list[tuple[str, Callable[[], None]]] = []
    if "synthetic" in chosen:
        steps.append(
            (
                "synthetic",
                lambda: _synthetic_part(writer, mode, n_tables, workers, random_state, progress),
            )
        )
    for group in ("bitwise", "synthetic_features", "shipped", "multibench"):
        if group in chosen:

            def run_group(group: str = group) -> None:
                rows = dataset_rows(
                    group,
                    mode=mode,
                    multibench=multibench,
                    random_state=random_state,
                    progress=progress,
                )
                table_rows.extend(rows)
                _interval_figures(writer, group, rows)

            steps.append((group, run_group))
    if "performance" in chosen:
        steps.append(
            (
                "performance",
                lambda: _performance_part(
                    writer,
                    [r for r in table_rows if r["group"] in ("shipped", "multibench")],
                    results,
                ),
            )
        )
    if "ssl" in chosen:
        steps.append(("ssl", lambda: _ssl_part(writer, results)))

    bar = _bar(progress, total=len(steps), desc=f"mmbounds figures ({mode})")
    for name, step in steps:
        bar.set_postfix_str(name)
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            step()
        for c in caught:
            caught_all[f"{name}: {c.category.__name__}"] += 1
        report.timings[name] = time.perf_counter() - t0
        bar.update(1)
    bar.close()

    if table_rows:
        wide, long = [], []
        for r in table_rows:
            row = {k: v for k, v in r.items() if k not in ("bounds", "result")}
            row.update({b["name"]: b["value"] for b in r["bounds"]})
            wide.append(row)
            long += [{"group": r["group"], "dataset": r["dataset"], **b} for b in r["bounds"]]
        writer.csv(wide, "datasets_table")
        writer.csv(long, "datasets_bounds")
        for r in table_rows:
            if r["synergy_lower"] > r["synergy_true"] + _VIOLATION_TOL or (
                r["synergy_upper"] < r["synergy_true"] - _VIOLATION_TOL
            ):
                report.notes.append(
                    f"{r['dataset']}: true S {r['synergy_true']:.4f} outside "
                    f"[{r['synergy_lower']:.4f}, {r['synergy_upper']:.4f}]"
                )
    for k, v in sorted(caught_all.items()):
        report.notes.append(f"{k} x{v} (warnings counted, not shown)")
    from . import __version__

    manifest = {
        "mode": mode,
        "random_state": random_state,
        "n_workers": workers,
        "mmbounds_version": __version__,
        "parts": chosen,
        "files": [f.name for f in report.files],
        "notes": report.notes,
        "timings_s": {k: round(v, 3) for k, v in report.timings.items()},
        "units": "bits (information), fraction (accuracy)",
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    report.files.append(out / "manifest.json")
    return report
