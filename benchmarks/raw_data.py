"""Raw features -> bounds: validity on mfeat, bootstrap coverage on disjoint splits, cost.

(a) Every pair of the six mfeat views with the paper's protocol: ``D1``, ``D2``, ``DM`` and the
    truth all come from the same 2,000 labeled samples, discretized by the same per-modality
    discretizers (L2-normalize, PCA(5), k-means(20)). The theorem says the true S of the
    discretized joint lies inside ``[synergy_lower, synergy_upper]`` exactly; a violation is a bug.
(b) Disjoint ``D1``/``D2``/``DM`` (a third of the samples each): how often the truth (PID of the
    discretized joint of all 2,000 labeled samples, same discretizers) lies inside the bounds and
    inside the bootstrap-widened bounds ``[low of synergy_lower, high of synergy_upper]``.
(c) Wall time and peak memory (tracemalloc peak of Python/numpy allocations during the call, and
    the process's maximum resident set size from ``resource.getrusage``) for one mfeat pair and for
    20,000 synthetic samples with 512 features per modality, end to end (discretize + estimate).

    OMP_NUM_THREADS=1 python benchmarks/raw_data.py            # everything
    OMP_NUM_THREADS=1 python benchmarks/raw_data.py --quick    # a few pairs, few replicates
    python benchmarks/raw_data.py --parts c --n-synthetic 20000 --dim 512
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mmbounds  # noqa: E402
from mmbounds.data import load_mfeat, make_pid_synthetic, semi_supervised_split  # noqa: E402
from mmbounds.raw import true_interactions  # noqa: E402


def _estimate(x1: Any, y1: Any, x2: Any, y2: Any, x1u: Any, x2u: Any, **kw: Any) -> tuple[Any, int]:
    """Run the pipeline; return the result and the number of warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kw.setdefault("progress", False)
        res = mmbounds.estimate(x1=(x1, y1), x2=(x2, y2), paired=(x1u, x2u), **kw)
    return res, len(caught)


def part_a(data: Any, pairs: list[tuple[str, str]], n_clusters: int, seed: int) -> int:
    print(f"\n(a) mfeat, same 2,000 samples for D1, D2, DM and truth; k-means({n_clusters}), bits")
    head = (
        f"{'pair':<9}{'R':>7}{'U1':>7}{'U2':>7}{'S true':>8}{'lower':>8}{'upper':>8}"
        f"{'inside':>8}{'warn':>6}{'s':>6}"
    )
    print(head)
    bugs = 0
    for v1, v2 in pairs:
        t0 = time.perf_counter()
        x1, x2, y = data[v1], data[v2], data.y
        res, n_warn = _estimate(
            x1, y, x2, y, x1, x2, random_state=seed, discretizer={"n_clusters": n_clusters}
        )
        truth = true_interactions(x1, x2, y, like=res)
        s = truth.synergy
        inside = res.synergy_lower - 1e-6 <= s <= res.synergy_upper + 1e-6
        bugs += not inside
        print(
            f"{v1 + '-' + v2:<9}{res.redundancy:7.3f}{res.unique1:7.3f}{res.unique2:7.3f}"
            f"{s:8.3f}{res.synergy_lower:8.3f}{res.synergy_upper:8.3f}{str(inside):>8}"
            f"{n_warn:6d}{time.perf_counter() - t0:6.1f}"
        )
        if not inside:
            print(
                f"  BUG: true S {s:.6f} outside [{res.synergy_lower:.6f}, "
                f"{res.synergy_upper:.6f}] ({res.synergy_lower_method}, "
                f"{res.synergy_upper_method})"
            )
    print(f"violations: {bugs} of {len(pairs)}")
    return bugs


def part_b(
    data: Any,
    pairs: list[tuple[str, str]],
    n_clusters: int,
    n_splits: int,
    n_bootstrap: int,
    n_jobs: int | None,
    seed: int,
) -> None:
    print(
        f"\n(b) disjoint D1/D2/DM (667 samples each), k-means({n_clusters}), "
        f"{n_bootstrap} bootstrap replicates, 95% percentile intervals"
    )
    print(
        f"{'pair':<9}{'split':>6}{'S true':>8}{'lower':>8}{'upper':>8}{'wide lo':>9}"
        f"{'wide hi':>9}{'in':>5}{'in wide':>9}{'cells/DM':>9}"
    )
    n_in = n_wide = total = 0
    for v1, v2 in pairs:
        for k in range(n_splits):
            s = semi_supervised_split(data, modalities=(v1, v2), random_state=seed + k)
            res, _ = _estimate(
                s.x1,
                s.y1,
                s.x2,
                s.y2,
                s.x1_paired,
                s.x2_paired,
                random_state=seed + k,
                discretizer={"n_clusters": n_clusters},
                options={"n_bootstrap": n_bootstrap, "n_jobs": n_jobs},
            )
            truth = true_interactions(data[v1], data[v2], data.y, like=res).synergy
            lo, hi = res.extras["bootstrap"].widened_synergy_interval
            inside = res.synergy_lower <= truth <= res.synergy_upper
            wide = lo <= truth <= hi
            n_in += inside
            n_wide += wide
            total += 1
            print(
                f"{v1 + '-' + v2:<9}{k:6d}{truth:8.3f}{res.synergy_lower:8.3f}"
                f"{res.synergy_upper:8.3f}{lo:9.3f}{hi:9.3f}{str(inside):>5}{str(wide):>9}"
                f"{res.extras['samples_per_cell']['x1x2']:9.2f}"
            )
    print(f"truth inside bounds: {n_in}/{total}; inside bootstrap-widened bounds: {n_wide}/{total}")


def _maxrss_mib() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 2**20 if sys.platform == "darwin" else r / 2**10


def _child(case: str, path: str, seed: int) -> None:
    """Measure one case in a fresh process: wall time (no tracing), then tracemalloc peak."""
    if case == "mfeat":
        data = load_mfeat(["fou", "kar"])
        x1, x2, y = data["fou"], data["kar"], data.y
    else:
        with np.load(path) as f:
            x1, x2, y = f["x1"], f["x2"], f["y"]
    n = y.shape[0]
    third = n // 3
    if case == "disjoint":
        args = (
            x1[:third],
            y[:third],
            x2[third : 2 * third],
            y[third : 2 * third],
            x1[2 * third :],
            x2[2 * third :],
        )
    else:
        args = (x1, y, x2, y, x1, x2)
    rss0 = _maxrss_mib()
    t0 = time.perf_counter()
    res, n_warn = _estimate(*args, random_state=seed)
    wall = time.perf_counter() - t0
    rss1 = _maxrss_mib()
    gc.collect()
    tracemalloc.start()
    _estimate(*args, random_state=seed)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    steps = ", ".join(f"{k} {v:.2f}" for k, v in res.timings.items() if v >= 0.01)
    print(f"{wall:.3f} {peak:.1f} {rss0:.1f} {rss1:.1f} {n_warn} | {steps}")


def part_c(n_synthetic: int, dim: int, seed: int) -> None:
    import subprocess
    import tempfile

    print(
        "\n(c) end to end (discretize + estimate, all bounds, no classifier); each case in a "
        "fresh process"
    )
    print(
        f"{'case':<32}{'wall s':>8}{'tracemalloc MiB':>17}{'rss before':>12}{'rss after':>11}"
        f"{'warn':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "syn.npz")
        syn = make_pid_synthetic("mix_all", n_samples=n_synthetic, dim=dim, random_state=seed)
        np.savez(path, x1=syn["x1"], x2=syn["x2"], y=syn.y)
        del syn
        for case, label in (
            ("mfeat", "mfeat fou-kar, 2,000 samples"),
            ("same", f"synthetic {n_synthetic:,} x {dim}"),
            ("disjoint", "synthetic, disjoint thirds"),
        ):
            out = (
                subprocess.run(
                    [sys.executable, __file__, "--child", case, path, "--seed", str(seed)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            nums, steps = out.split(" | ")
            wall, peak, rss0, rss1, n_warn = nums.split()
            print(
                f"{label:<32}{float(wall):8.2f}{float(peak):17.1f}{float(rss0):12.1f}"
                f"{float(rss1):11.1f}{n_warn:>6}"
            )
            print(f"    steps (s): {steps}")
    print(
        "rss = process maximum resident set size (MiB), before the call (data loaded, numpy, "
        "scikit-learn imported) and after it"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--quick",
        action="store_true",
        help="3 pairs, 1 split, 10 replicates, 6,000 synthetic samples",
    )
    ap.add_argument("--parts", default="abc", help="which parts to run (subset of 'abc')")
    ap.add_argument("--n-clusters", type=int, default=20)
    ap.add_argument("--n-splits", type=int, default=2)
    ap.add_argument("--n-bootstrap", type=int, default=50)
    ap.add_argument("--n-jobs", type=int, default=None)
    ap.add_argument("--n-synthetic", type=int, default=20000)
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child[0], args.child[1], args.seed)
        return 0
    data = load_mfeat()
    pairs = list(data.pairs())
    if args.quick:
        pairs = pairs[:3]
        args.n_splits, args.n_bootstrap, args.n_synthetic = 1, 10, 6000
    bugs = 0
    if "a" in args.parts:
        bugs = part_a(data, pairs, args.n_clusters, args.seed)
    if "b" in args.parts:
        part_b(
            data,
            pairs[:3] if not args.quick else pairs[:1],
            args.n_clusters,
            args.n_splits,
            args.n_bootstrap,
            args.n_jobs,
            args.seed,
        )
    if "c" in args.parts:
        part_c(args.n_synthetic, args.dim, args.seed)
    return 1 if bugs else 0


if __name__ == "__main__":
    raise SystemExit(main())
