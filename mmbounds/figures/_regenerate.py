"""The ``mmbounds figures`` driver: :func:`regenerate` and the parts it builds."""

from __future__ import annotations

import json
import os
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .._version import __version__
from ._datasets import _interval_figures, dataset_rows
from ._performance import _performance_part
from ._ssl import _ssl_part
from ._synthetic import _VIOLATION_TOL, _synthetic_part
from ._writer import FiguresReport, _bar, _default_results_dir, _Writer

__all__ = ["PARTS", "regenerate"]

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


def regenerate(
    out_dir: str | os.PathLike,
    *,
    quick: bool = False,
    tiny: bool = False,
    multibench: str | os.PathLike | None = None,
    allow_pickle: bool = False,
    force: bool = False,
    n_tables: int | None = None,
    n_jobs: int = 2,
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
    allow_pickle : bool
        Read the ``.pkl`` files with plain ``pickle.load``. **Warning: it runs any code a file
        names**; only for files you trust. Default: a restricted reader (numpy arrays and builtin
        containers only) that refuses anything else.
    force : bool
        Overwrite existing output files; otherwise any existing target file is an error and
        nothing is written.
    n_tables : int, optional
        Dirichlet(1) table count of the synthetic study (Dirichlet(0.3) gets a tenth); overrides
        the mode's default.
    n_jobs : int
        Processes for the synthetic study (the tiny mode always uses one).
    random_state : int
        Seed of every random step.
    parts : sequence of str, optional
        Subset of ``"synthetic"``, ``"bitwise"``, ``"synthetic_features"``, ``"shipped"``,
        ``"multibench"``, ``"performance"``, ``"ssl"`` (default: all that apply).
    results_dir : path, optional
        Where ``performance.csv`` and ``ssl.csv`` are looked for (default: the copies shipped
        as package data, ``mmbounds/figures/_results``; give ``benchmarks/results`` after
        rerunning the benchmarks).
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

    Examples
    --------
    Not run as a doctest: even the tiny mode draws and saves PNG and PDF figures (2-5 s).

    >>> report = regenerate("out", tiny=True, parts=["bitwise"], progress=False)  # doctest: +SKIP
    >>> sorted(p.name for p in report.files if p.suffix == ".png"), report.notes  # doctest: +SKIP
    (['decomposition_bitwise.png', 'intervals_bitwise.png'], [])
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
        raise ImportError(
            "figures need matplotlib (a dependency of mmbounds): pip install matplotlib"
        ) from exc
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # /proc, a read-only disk: say which folder, without "[Errno n]"
        raise type(exc)(
            f"cannot create the output folder {str(out)!r}: {exc.strerror or exc}; "
            "choose a folder you can write to"
        ) from exc
    report = FiguresReport(out_dir=out)
    writer = _Writer(out, report)
    results = Path(results_dir) if results_dir is not None else _default_results_dir()
    jobs = 1 if mode == "tiny" else int(n_jobs)

    table_rows: list[dict[str, Any]] = []
    caught_all: Counter[str] = Counter()
    steps: list[tuple[str, Callable[[], None]]] = []
    if "synthetic" in chosen:
        steps.append(
            (
                "synthetic",
                lambda: _synthetic_part(writer, mode, n_tables, jobs, random_state, progress),
            )
        )
    for group in ("bitwise", "synthetic_features", "shipped", "multibench"):
        if group in chosen:

            def run_group(group: str = group) -> None:
                rows = dataset_rows(
                    group,
                    mode=mode,
                    multibench=multibench,
                    allow_pickle=allow_pickle,
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
    manifest = {
        "mode": mode,
        "random_state": random_state,
        "n_jobs": jobs,
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
