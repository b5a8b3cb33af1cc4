"""What :func:`regenerate` writes and reports: the report, the file writer, progress bars and
CSV helpers."""

from __future__ import annotations

import csv
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FiguresReport"]


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

    Examples
    --------
    >>> from pathlib import Path
    >>> rep = FiguresReport(Path("figures"), files=[Path("figures/intervals_bitwise.png")])
    >>> [p.name for p in rep.files], rep.notes, rep.timings
    (['intervals_bitwise.png'], [], {})
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
                # everything drawn is saved: tick labels, titles and legends outside the axes
                bbox_inches="tight",
                pad_inches=0.05,
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


RESULTS_DIR = Path(__file__).resolve().parent / "_results"
"""Package data: copies of the benchmarks' ``performance.csv`` and ``ssl.csv`` (written by
``benchmarks/performance.py`` and ``benchmarks/ssl_pretraining.py`` into ``benchmarks/results/``),
so an installed wheel draws every figure; a test keeps the copies equal to the benchmarks' files."""


def _default_results_dir() -> Path:
    return RESULTS_DIR
