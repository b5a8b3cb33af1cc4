"""Where the time of one ``broja_fast`` solve and one ``estimate()`` goes.

On a CUDA device the torch profiler's table of kernels (sorted by device time) is printed; on the
CPU, cProfile's top functions. The solve is run once first (CUDA context, cuBLAS/cuSOLVER handles),
then profiled, then timed per interior-point iteration with ``verbose=True``.

    python benchmarks/profile_solver.py --size 1000x1000x10 --device cuda
    python benchmarks/profile_solver.py --size 100x100x10            # numpy, cProfile
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mmbounds  # noqa: E402
from benchmarks.solvers import clustered_table, dense_table  # noqa: E402
from mmbounds.solvers.broja import broja_fast  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100x100x10")
    parser.add_argument("--kind", choices=("dense", "clustered"), default="dense")
    parser.add_argument("--device", default=None, help="torch device, e.g. cuda")
    parser.add_argument("--rows", type=int, default=25, help="lines of the profile to print")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    n1, n2, ny = (int(v) for v in args.size.lower().split("x"))
    make = dense_table if args.kind == "dense" else clustered_table
    p = make(n1, n2, ny, np.random.default_rng(args.seed))
    p1, p2 = p.sum(1), p.sum(0)
    backend = "torch" if args.device else "numpy"
    gpu = bool(args.device) and str(args.device).startswith("cuda")

    def solve(verbose: bool = False) -> object:
        return broja_fast(p1, p2, backend=backend, device=args.device, verbose=verbose)

    def run_estimate() -> object:
        return mmbounds.estimate(
            p,
            random_state=0,
            options={"backend": backend, "device": args.device},
            progress=False,
        )

    solve()  # warm-up
    if gpu:
        import torch
        from torch.profiler import ProfilerActivity, profile

        torch.cuda.synchronize()
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            solve()
            torch.cuda.synchronize()
        print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=args.rows))
    else:
        prof = cProfile.Profile()
        prof.enable()
        solve()
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.rows)
    t0 = time.perf_counter()
    sol = solve(verbose=True)
    print(
        f"broja_fast {args.size} {args.kind} on {backend}: "
        f"{time.perf_counter() - t0:.3f} s, {sol.info}"
    )
    t0 = time.perf_counter()
    res = run_estimate()
    print(f"estimate: {time.perf_counter() - t0:.3f} s; steps (s): {dict(res.timings)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
