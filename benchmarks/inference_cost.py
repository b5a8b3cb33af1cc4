"""Cost of the population intervals: 200 bootstrap replicates at 20x20x5 against one estimate.

Draws D1, D2, DM (thirds of n samples) from a seeded 20x20x5 population, times one plain estimate
of the sample tables (the baseline, same process) and the default bootstrap inference, and prints
both with their ratio. ``--population dirichlet`` is a dense random joint; ``redundant`` is the
coverage benchmark's ``redundant_20x20x5`` (labels in blocks of values: sparse sample tables with
forced-zero cells, the slowest replicates measured).

    python benchmarks/inference_cost.py --n 3000 --resamples 200 --jobs 2
    python benchmarks/inference_cost.py --population redundant --n 1000 --resamples 200 --jobs 2
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import mmbounds  # noqa: E402
from mmbounds.inference import infer_population  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000, help="total samples (thirds per source)")
    ap.add_argument("--resamples", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--population", default="dirichlet", choices=("dirichlet", "redundant"))
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    shape = (20, 20, 5)
    if args.population == "dirichlet":
        p = rng.dirichlet(np.full(int(np.prod(shape)), 0.5)).reshape(shape)
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from populations import population

        p = population("redundant_20x20x5").joint
    k = args.n // 3
    draws = [np.unravel_index(rng.choice(p.size, size=k, p=p.ravel()), shape) for _ in range(3)]
    (a, b, c) = draws
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        res = mmbounds.estimate(
            x1=(a[0], a[2]),
            x2=(b[1], b[2]),
            paired=(c[0], c[1]),
            confidence=None,
            random_state=0,
            progress=False,
        )
        base = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        inf = infer_population(
            res.marginals,
            n_resamples=args.resamples,
            options=mmbounds.Options(),
            random_state=0,
            n_jobs=args.jobs,
        )
        cost = time.perf_counter() - t0
        cpu = time.process_time() - c0
    print(
        f"{args.population} {shape}, n = {args.n} (thirds), {args.resamples} resamples, "
        f"n_jobs={args.jobs}, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"one estimate of the sample tables (baseline): {base:.2f} s")
    per = cost / args.resamples * 1e3
    print(f"population inference: {cost:.2f} s wall ({per:.1f} ms per replicate)")
    if args.jobs == 1:  # serial: this process's CPU time is the whole cost
        print(f"  CPU {cpu:.2f} s ({cpu / args.resamples * 1e3:.1f} ms per replicate)")
    print(f"ratio inference / one estimate: {cost / base:.1f}")
    print(f"S interval [{inf['synergy'].low:.3f}, {inf['synergy'].high:.3f}]")


if __name__ == "__main__":
    main()
