"""Time the BROJA solvers (cvxpy reference vs the fast certified solver) on seeded tables.

For each support size and table kind ("dense": one Dirichlet(1) joint; "clustered": each label owns
a
block of x1 and x2 values, so p(x1, y) and p(x2, y) are sparse) both solvers run on the same
marginals in
this process. Printed per row: wall time (best of ``--repeats``), peak memory (tracemalloc on numpy,
``torch.cuda.max_memory_allocated`` on a GPU), the speed ratio and the largest |min_mi difference|
in bits.

    python benchmarks/solvers.py --sizes 20x20x2 50x50x10 --repeats 3
    python benchmarks/solvers.py --sizes 100x100x10 --skip-cvxpy
    python benchmarks/solvers.py --cvxpy-max-cells 100000   # also cvxpy at 100x100x10 (minutes)
    python benchmarks/solvers.py --sizes 1000x1000x10 --device cuda --skip-cvxpy

On a busy 2-core machine, OPENBLAS_NUM_THREADS=1 often makes the numpy path faster (and stabler).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmbounds.solvers.broja import broja_cvxpy
from mmbounds.solvers.broja_fast import broja_fast

DEFAULT_SIZES = ["20x20x2", "50x50x10", "100x100x10"]


def dense_table(n1: int, n2: int, ny: int, rng: np.random.Generator) -> np.ndarray:
    """A joint drawn from the flat Dirichlet over all cells."""
    return rng.dirichlet(np.ones(n1 * n2 * ny)).reshape(n1, n2, ny)


def clustered_table(n1: int, n2: int, ny: int, rng: np.random.Generator) -> np.ndarray:
    """A joint where each label lives on its own block of x1 and x2 values (plus overlap)."""
    b1 = np.array_split(rng.permutation(n1), ny)
    b2 = np.array_split(rng.permutation(n2), ny)
    p = np.zeros((n1, n2, ny))
    for y in range(ny):
        # each label also reaches into the next label's block, so blocks overlap a little
        i = np.concatenate([b1[y], b1[(y + 1) % ny][:2]])
        j = np.concatenate([b2[y], b2[(y + 1) % ny][:2]])
        p[np.ix_(i, j, [y])] = rng.dirichlet(np.ones(i.size * j.size)).reshape(i.size, j.size, 1)
    p *= rng.dirichlet(np.ones(ny))[None, None, :] / p.sum((0, 1))[None, None, :]
    return p / p.sum()


def _run(fn: Any, repeats: int, gpu: bool, memory: bool = True) -> tuple[float, float, Any]:
    """Best wall time (s), peak memory (MiB) and the last result of ``fn()``.

    Times are taken without tracemalloc (which slows numpy's allocations several-fold); the peak
    memory comes from one extra traced run (``torch.cuda.max_memory_allocated`` on a GPU).
    """
    best, peak, out = np.inf, np.nan, None
    for _ in range(repeats):
        if gpu:
            import torch

            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        out = fn()
        if gpu:
            torch.cuda.synchronize()
            peak = torch.cuda.max_memory_allocated() / 2**20
        best = min(best, time.perf_counter() - t0)
    if memory and not gpu:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return best, peak, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=None, help="supports like 50x50x10")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--device", default=None, help="torch device for broja_fast, e.g. cuda")
    parser.add_argument("--skip-cvxpy", action="store_true", help="time broja_fast only")
    parser.add_argument(
        "--cvxpy-max-cells",
        type=int,
        default=25_000,
        help="skip cvxpy (reported as nan, 'skipped') above this n1*n2*ny; it takes minutes",
    )
    parser.add_argument("--tol", type=float, default=1e-9, help="certified gap, bits")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    sizes = args.sizes or list(DEFAULT_SIZES)
    gpu = args.device is not None and str(args.device).startswith("cuda")
    if args.sizes is None:
        try:
            import torch

            if torch.cuda.is_available():
                sizes.append("1000x1000x10")
        except ImportError:
            pass
    backend = "torch" if args.device is not None else "numpy"
    header = (
        f"{'size':>13} {'kind':>9} {'cvxpy_s':>8} {'cvx_MiB':>8} {'fast_s':>8} {'fast_MiB':>8} "
        f"{'speedup':>8} {'|dI| bits':>10} {'gap bits':>9} {'newton':>6} status"
    )
    print(header)
    for size in sizes:
        n1, n2, ny = (int(v) for v in size.lower().split("x"))
        for kind, make in (("dense", dense_table), ("clustered", clustered_table)):
            p = make(n1, n2, ny, np.random.default_rng(args.seed))
            p1, p2 = p.sum(1), p.sum(0)
            tf, mf, fast = _run(
                lambda p1=p1, p2=p2: broja_fast(
                    p1, p2, tol=args.tol, backend=backend, device=args.device
                ),
                args.repeats,
                gpu,
            )
            if args.skip_cvxpy or n1 * n2 * ny > args.cvxpy_max_cells:
                tc = mc = diff = np.nan
            else:
                tc, mc, ref = _run(lambda p1=p1, p2=p2: broja_cvxpy(p1, p2), args.repeats, False)
                diff = abs(ref.min_mi - fast.min_mi)
            print(
                f"{size:>13} {kind:>9} {tc:8.3f} {mc:8.1f} {tf:8.3f} {mf:8.1f} {tc / tf:8.1f} "
                f"{diff:10.2e} {fast.info.residual:9.1e} {fast.info.n_iter:6d} {fast.info.status}",
                flush=True,
            )
    try:
        import mmbounds

        has_estimate = hasattr(mmbounds, "estimate")
    except ImportError:
        has_estimate = False
    if not has_estimate:
        print("mmbounds.estimate is not available yet: full-estimate timings skipped")
        return 0
    print("\nfull mmbounds.estimate(joint, method=...) (two BROJA solves + IPF + closed forms)")
    print(f"{'size':>13} {'kind':>9} {'cvxpy_s':>8} {'fast_s':>8} {'speedup':>8} {'|dR| bits':>10}")
    for size in sizes:
        n1, n2, ny = (int(v) for v in size.lower().split("x"))
        for kind, make in (("dense", dense_table), ("clustered", clustered_table)):
            p = make(n1, n2, ny, np.random.default_rng(args.seed))
            tf, _, fast = _run(
                lambda p=p: mmbounds.estimate(p, method="fast", tol=args.tol, random_state=0),
                args.repeats,
                False,
                memory=False,
            )
            if args.skip_cvxpy or n1 * n2 * ny > args.cvxpy_max_cells:
                tc, diff = np.nan, np.nan  # cvxpy skipped
            else:
                tc, _, ref = _run(
                    lambda p=p: mmbounds.estimate(p, method="cvxpy", random_state=0),
                    args.repeats,
                    False,
                    memory=False,
                )
                diff = abs(_redundancy(ref) - _redundancy(fast))
            print(
                f"{size:>13} {kind:>9} {tc:8.3f} {tf:8.3f} {tc / tf:8.1f} {diff:10.2e}", flush=True
            )
    return 0


def _redundancy(result: Any) -> float:
    """Redundancy (bits) of an ``EstimateResult``, whatever the attribute is called."""
    for name in ("redundancy", "R"):
        if hasattr(result, name):
            return float(getattr(result, name))
    return float("nan")


if __name__ == "__main__":
    raise SystemExit(main())
