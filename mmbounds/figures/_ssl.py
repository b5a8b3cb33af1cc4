"""Semi-supervised (SSL) results read from the benchmark's ``ssl.csv``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..plotting import plot_ssl_results
from ._writer import _new_figure, _num, _pick, _read_csv, _Writer

#: Methods plotted when ``benchmarks/ssl_pretraining.py`` wrote more (its CSV keeps all of them).
_SHOWN = ("fusion", "probe_raw2", "nce_recon", "combined", "pseudo", "routed", "routed_shuffled")


def _ssl_part(w: _Writer, results_dir: Path) -> None:
    """Test accuracies of the SSL methods from ``ssl.csv`` (``benchmarks/ssl_pretraining.py``),
    mean and standard deviation over seeds, one group per suite and number of labels."""
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
    frac = _pick(cols, "fraction", "budget")
    if g is None or m is None or acc is None:
        w.report.notes.append(f"ssl: skipped ({path} lacks suite/variant/accuracy columns: {cols})")
        return

    def group_of(d: Mapping[str, str]) -> str:
        return d[g] if frac is None else f"{d[g]}\n{_num(d[frac]):g} labeled"

    groups = list(dict.fromkeys(group_of(d) for d in data))
    methods = list(dict.fromkeys(d[m] for d in data))
    if len(methods) > len(_SHOWN) and set(_SHOWN) <= set(methods):
        methods = list(_SHOWN)  # the recipe, its control and the strongest kinds of baseline
        data = [d for d in data if d[m] in methods]
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
    plot_ssl_results(groups, methods, means, errs, ylabel="test accuracy", ax=axes[0, 0])
    n_seeds = max(t["n_seeds"] for t in table)
    axes[0, 0].set_title(
        f"SSL methods: mean ± std over {n_seeds} seed(s) ({path.name})", fontsize="medium"
    )
    w.figure(fig, "ssl")
    w.csv(table, "ssl")
