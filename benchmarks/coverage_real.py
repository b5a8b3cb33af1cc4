"""Coverage on real multi-view data split into disjoint D1, D2, DM (issue: population inference).

For each pair of views of a labeled dataset and each random split into thirds, the estimator sees
only D1 = (X1, y), D2 = (X2, y) and DM = (X1, X2) of disjoint samples. The truth is the exact PID
of the *same* discretization applied to all labeled pairs (``true_interactions(..., like=res)``):
the "population" is the dataset itself. Printed per dataset: how often the 95% population
interval of S, R, U1 and U2 contains that truth, the mean width, and the same for the bounds of
the sample tables (``[synergy_lower, synergy_upper]``, what the paper reports).

    python benchmarks/coverage_real.py --splits 3 --resamples 100 \
        --out benchmarks/results/coverage_real.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_wine  # noqa: E402

import mmbounds  # noqa: E402
from mmbounds.data import load_digits_halves, load_mfeat, semi_supervised_split  # noqa: E402
from mmbounds.raw import true_interactions  # noqa: E402

QUANTITIES = ("synergy", "redundancy", "unique1", "unique2")


def datasets() -> dict[str, tuple[list[tuple[str, np.ndarray, np.ndarray]], np.ndarray]]:
    """name -> (list of (pair name, X1, X2), y)."""
    out = {}
    mf = load_mfeat()
    out["mfeat"] = ([(f"{a}+{b}", mf[a], mf[b]) for a, b in mf.pairs()], mf.y)
    dg = load_digits_halves()
    a, b = dg.modality_names
    out["digits"] = ([(f"{a}+{b}", dg[a], dg[b])], dg.y)
    bc = load_breast_cancer()
    groups = {"mean": bc.data[:, :10], "se": bc.data[:, 10:20], "worst": bc.data[:, 20:]}
    names = list(groups)
    pairs = [
        (f"{p}+{q}", groups[p], groups[q]) for i, p in enumerate(names) for q in names[i + 1 :]
    ]
    out["breast_cancer"] = (pairs, bc.target)
    wn = load_wine()
    out["wine"] = ([("first7+last6", wn.data[:, :7], wn.data[:, 7:])], wn.target)
    return out


def run(splits: int, resamples: int, only: list[str] | None, out: str | None) -> None:
    rows = []
    for name, (pairs, y) in datasets().items():
        if only and name not in only:
            continue
        for pair, X1, X2 in pairs:
            for seed in range(splits):
                t0 = time.perf_counter()
                s = semi_supervised_split((X1, X2, y), random_state=seed)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = mmbounds.estimate(
                        x1=(s.x1, s.y1),
                        x2=(s.x2, s.y2),
                        paired=(s.x1_paired, s.x2_paired),
                        bounds=["synergy_lower_shared", "synergy_upper_coupling"],
                        options={"n_resamples": resamples},
                        random_state=seed,
                        progress=False,
                    )
                    truth = true_interactions(X1, X2, y, like=res)
                row = {"dataset": name, "pair": pair, "split": seed, "shape": res.shape}
                for q in QUANTITIES:
                    iv = res.inference[q]
                    t = getattr(truth, q)
                    row[f"{q}_truth"] = t
                    row[f"{q}_low"], row[f"{q}_high"] = iv.low, iv.high
                    row[f"{q}_covered"] = iv.low - 1e-9 <= t <= iv.high + 1e-9
                lo, hi = res.synergy_lower, res.synergy_upper
                row["plugin_covered"] = lo - 1e-9 <= truth.synergy <= hi + 1e-9
                row["plugin_width"] = hi - lo
                row["seconds"] = time.perf_counter() - t0
                rows.append(row)
                print(
                    f"{name:14s} {pair:14s} split {seed}: S truth {truth.synergy:.3f} "
                    f"CI [{row['synergy_low']:.3f}, {row['synergy_high']:.3f}] "
                    f"plug-in [{lo:.3f}, {hi:.3f}] ({row['seconds']:.1f} s)",
                    flush=True,
                )
    print("\npooled coverage (95% nominal), mean width, by dataset")
    for name in sorted({r["dataset"] for r in rows}) + ["ALL"]:
        sel = [r for r in rows if name in ("ALL", r["dataset"])]
        parts = [f"{name:14s} n={len(sel):3d}"]
        for q in QUANTITIES:
            cov = np.mean([r[f"{q}_covered"] for r in sel])
            width = np.mean([r[f"{q}_high"] - r[f"{q}_low"] for r in sel])
            parts.append(f"{q[:5]} {cov:.2f} (w {width:.2f})")
        parts.append(
            f"plug-in S {np.mean([r['plugin_covered'] for r in sel]):.2f} "
            f"(w {np.mean([r['plugin_width'] for r in sel]):.2f})"
        )
        print("  ".join(parts))
    if out:
        with open(out, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", type=int, default=3, help="random disjoint splits per pair")
    ap.add_argument("--resamples", type=int, default=100, help="bootstrap replicates")
    ap.add_argument("--datasets", nargs="*", help="subset of mfeat, digits, breast_cancer, wine")
    ap.add_argument("--out", help="CSV of every run")
    args = ap.parse_args()
    run(args.splits, args.resamples, args.datasets, args.out)


if __name__ == "__main__":
    main()
