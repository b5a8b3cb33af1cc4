"""Exact accuracy ranges vs the information-based interval: width, validity and cost.

1. Width: on Dirichlet(0.5) 3x3x3 tables, the mean width of the exact Bayes-accuracy range
   (``mmbounds.performance_bounds``) against the Feder--Merhav/Fano interval built on the same
   estimate, and how often each contains the Bayes accuracy of the table.
2. Cost: at 20x20x10 (Dirichlet 0.5 and 0.05), seconds of the Bayes range (LP + upper bound) and
   of all ranges (Bayes, late fusion, gap), wall clock and CPU time of this process (the CPU time
   is what a busy shared machine distorts least), with their ratio to one ``mmbounds.estimate`` of
   the same table in the same process.

    python benchmarks/performance_ranges.py --n 200
    python benchmarks/performance_ranges.py --quick
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mmbounds  # noqa: E402
from mmbounds.performance import JointPolytope, accuracy_ranges, performance_bounds  # noqa: E402


def widths(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    ex, mi, ins_ex, ins_mi, exact = [], [], 0, 0, 0
    for _ in range(n):
        p = rng.dirichlet(np.full(27, 0.5)).reshape(3, 3, 3)
        acc = float(p.max(2).sum())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            perf = performance_bounds(mmbounds.estimate(p, progress=False))
        ex.append(perf.accuracy_upper - perf.accuracy_lower)
        lo, hi = perf.mi_accuracy_interval
        mi.append(hi - lo)
        ins_ex += perf.accuracy_lower <= acc <= perf.accuracy_upper
        ins_mi += lo - 1e-9 <= acc <= hi + 1e-9
        exact += perf.upper_method == "milp"
    ex_m, mi_m = float(np.mean(ex)), float(np.mean(mi))
    print(f"Dirichlet(0.5) 3x3x3, {n} tables (seed {seed}):")
    print(
        f"  mean width exact range {ex_m:.4f}, MI-based interval {mi_m:.4f}, "
        f"ratio {ex_m / mi_m:.3f}"
    )
    print(f"  contain the Bayes accuracy: exact {ins_ex}/{n}, MI-based {ins_mi}/{n}")
    print(f"  upper end solved to optimality (MILP): {exact}/{n}")


def cost(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for conc in (0.5, 0.05):
        p = rng.dirichlet(np.full(4000, conc)).reshape(20, 20, 10)
        t1, t2, t12 = p.sum(1), p.sum(0), p.sum(2)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mmbounds.estimate(p, progress=False)
        base = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        r = JointPolytope(t1, t2, t12).bayes_range()
        bayes_s, bayes_cpu = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        accuracy_ranges(t1, t2, t12)
        all_s, all_cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"20x20x10 Dirichlet({conc}): Bayes range [{r.lower:.4f}, {r.upper:.4f}] "
            f"({r.method}; attained {r.upper_attained:.4f}; true {p.max(2).sum():.4f}) in "
            f"{bayes_s:.2f} s wall / {bayes_cpu:.2f} s CPU; all ranges {all_s:.2f} s wall / "
            f"{all_cpu:.2f} s CPU; one estimate {base:.2f} s wall "
            f"(ratios {bayes_s / base:.2f}, {all_s / base:.2f})"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="20 tables, no 20x20x10 timing")
    ap.add_argument("--cost-only", action="store_true", help="only the 20x20x10 timing")
    args = ap.parse_args(argv)
    if not args.cost_only:
        widths(20 if args.quick else args.n, args.seed)
    if not args.quick:
        cost(args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
