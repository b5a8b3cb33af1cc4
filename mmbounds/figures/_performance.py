"""Accuracy intervals of the real-data rows and of the benchmark's measured accuracies."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..performance import performance_bounds
from ..plotting import plot_accuracy_intervals
from ._writer import _new_figure, _num, _pick, _read_csv, _Writer


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


def _performance_part(w: _Writer, rows: list[dict[str, Any]], results_dir: Path) -> None:
    """Accuracy intervals: computed for the real-data rows with :func:`performance_bounds`, and
    read from ``performance.csv`` (``benchmarks/performance.py``) with measured accuracies."""
    measured = results_dir / "performance.csv"
    if rows:
        table = []
        for r in rows:
            try:
                pb = performance_bounds(r["result"], progress=False)
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
    if not models:  # the benchmark's held-out code-level accuracies (the quantity bounded)
        models = [c for c in ("code_mm_test", "code_late_test") if c in cols]
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
        unimodal=[_num(d[best_uni]) for d in data]
        if best_uni
        else (
            [max(_num(d["code_uni1_test"]), _num(d["code_uni2_test"])) for d in data]
            if {"code_uni1_test", "code_uni2_test"} <= set(cols)
            else None
        ),
        ax=axes[0, 0],
    )
    axes[0, 0].set_title(
        f"predicted interval vs measured test accuracy ({measured.name}; "
        f"models: {', '.join(m.removeprefix('acc_') for m in models)})",
        fontsize="medium",
    )
    w.figure(fig, "performance_measured")
