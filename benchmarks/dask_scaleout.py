"""Population-inference replicates on a Dask LocalCluster against the serial run, same process.

Draws D1, D2, DM (thirds of n samples) from a seeded population, runs the bootstrap replicates of
the population inference with ``n_jobs=1`` (the baseline) and then under
``joblib.parallel_config(backend="dask")`` on a ``LocalCluster`` of worker processes with one
thread each, checks that the replicates are identical bit for bit, and prints both wall times
with their ratio. The cluster is started and the package imported on every worker before the
clock starts (start-up is printed on its own) and one warm-up round of two
replicates per worker has run (lazy imports inside the solvers).

    python benchmarks/dask_scaleout.py --n 3000 --resamples 100 --workers 2
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from dask.distributed import Client, LocalCluster  # noqa: E402

import mmbounds  # noqa: E402
from mmbounds.inference import bootstrap_replicates  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000, help="total samples (thirds per source)")
    ap.add_argument("--resamples", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shape", type=int, nargs=3, default=(10, 10, 3))
    args = ap.parse_args()
    shape = tuple(args.shape)
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.full(int(np.prod(shape)), 0.5)).reshape(shape)
    k = args.n // 3
    a, b, c = (np.unravel_index(rng.choice(p.size, size=k, p=p.ravel()), shape) for _ in range(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the sample tables disagree a little; they are reconciled
        m = mmbounds.Marginals.from_samples((a[0], a[2]), (b[1], b[2]), (c[0], c[1]))
    opts = mmbounds.Options()
    kw = {"n_resamples": args.resamples, "options": opts, "random_state": 0}

    t0 = time.perf_counter()
    _, serial = bootstrap_replicates(m, n_jobs=1, **kw)
    t_serial = time.perf_counter() - t0

    t0 = time.perf_counter()
    with (
        LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(__import__, "mmbounds.inference")  # workers up and the package imported
        t_start = time.perf_counter() - t0
        with joblib.parallel_config(backend="dask"):
            bootstrap_replicates(m, **{**kw, "n_resamples": 2 * args.workers})  # warm-up
            t0 = time.perf_counter()
            _, on_dask = bootstrap_replicates(m, **kw)
        t_dask = time.perf_counter() - t0
        counts = client.run(lambda dask_worker: dask_worker.state.executed_count)
        per_worker = sorted(counts.values())

    same = np.array_equal(serial, on_dask)
    print(
        f"shape {shape}, n = {args.n} (thirds), {args.resamples} replicates, "
        f"{os.cpu_count()} CPUs visible, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"serial (n_jobs=1, baseline): {t_serial:.2f} s")
    print(
        f"Dask LocalCluster, {args.workers} worker processes x 1 thread: {t_dask:.2f} s "
        f"(cluster start-up {t_start:.2f} s, not included; "
        f"tasks per worker, warm-up included: {per_worker})"
    )
    print(f"speed-up serial / Dask: {t_serial / t_dask:.2f}")
    print(f"replicates identical to the serial run: {same}")
    if not same:
        raise SystemExit("the Dask replicates differ from the serial ones")


if __name__ == "__main__":
    main()
