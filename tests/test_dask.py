"""The resampling and sweep paths on a Dask cluster give the serial numbers, bit for bit.

Each test starts its own ``dask.distributed.LocalCluster`` and runs the tasks under
``joblib.parallel_config(backend="dask")``. The quick test uses an in-process cluster (two worker
threads: starts in a fraction of a second and still finishes tasks out of order); the slow one
starts two worker processes, so tasks, options and results cross process boundaries, and prints
its wall time on the two workers.
"""

from __future__ import annotations

import time

import joblib
import numpy as np
import pytest
from dask.distributed import Client, LocalCluster

import mmbounds
from mmbounds.data import make_pid_synthetic, random_joint, sample_joint
from mmbounds.inference import bootstrap_codes, sweep_clusters

FAST_BOUNDS = ("synergy_lower_shared", "synergy_upper_coupling")


def _sources(shape: tuple[int, int, int], n: int, seed: int) -> tuple[tuple, tuple, tuple]:
    p = random_joint(shape, random_state=seed)
    a1, _, ay = sample_joint(p, n, random_state=seed + 1)
    _, b2, by = sample_joint(p, n, random_state=seed + 2)
    c1, c2, _ = sample_joint(p, n, random_state=seed + 3)
    return (a1, ay), (b2, by), (c1, c2)


def _cluster(*, processes: bool) -> LocalCluster:
    return LocalCluster(
        n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=None
    )


def _on_dask(client: Client, fn, *args, **kwargs):
    with joblib.parallel_config(backend="dask"):
        out = fn(*args, **kwargs)
    assert client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.workers)) == 2
    return out


def _same_bootstrap(a, b) -> None:
    assert a.intervals == b.intervals and a.n_warnings == b.n_warnings
    assert list(a.replicates) == list(b.replicates)
    for name in a.replicates:
        np.testing.assert_array_equal(a.replicates[name], b.replicates[name], err_msg=name)


def test_dask_backend_gives_the_serial_numbers():
    x1, x2, paired = _sources((3, 3, 2), 150, seed=0)
    kw = {"n_bootstrap": 4, "bounds": FAST_BOUNDS, "random_state": 3}
    serial = bootstrap_codes(x1, x2, paired, n_jobs=1, **kw)
    # the front door as the README shows it: n_jobs left at None follows parallel_config
    est = {"x1": x1, "x2": x2, "paired": paired, "random_state": 5, "bounds": FAST_BOUNDS}
    res = mmbounds.estimate(**est, options={"n_resamples": 4, "n_jobs": 1})
    with _cluster(processes=False) as cluster, Client(cluster) as client:
        on_dask = _on_dask(client, bootstrap_codes, x1, x2, paired, **kw)
        res_d = _on_dask(client, mmbounds.estimate, **est, options={"n_resamples": 4})
        executed = _executed(client)
    _same_bootstrap(serial, on_dask)
    assert res.inference.n_resamples == res_d.inference.n_resamples == 4
    assert res.inference.intervals == res_d.inference.intervals
    assert (res.synergy_lower, res.synergy_upper) == (res_d.synergy_lower, res_d.synergy_upper)
    assert all(np.isfinite([iv.low, iv.high]).all() for iv in res.inference.intervals.values())
    assert sum(executed) >= 2  # the replicates ran on the cluster (joblib batches some)


def _executed(client: Client) -> list[int]:
    """How many tasks (joblib batches) each worker has run."""
    return sorted(client.run(lambda dask_worker: dask_worker.state.executed_count).values())


@pytest.mark.slow
def test_dask_processes_give_the_serial_numbers_and_report_wall_time(capsys):
    x1, x2, paired = _sources((6, 6, 3), 900, seed=10)
    kw = {"n_bootstrap": 40, "random_state": 11}  # every "auto" bound, branch-and-bound included
    t0 = time.perf_counter()
    serial = bootstrap_codes(x1, x2, paired, n_jobs=1, **kw)
    t_serial = time.perf_counter() - t0
    d = make_pid_synthetic("synergy", n_samples=600, dim=6, random_state=0)
    sweep_kw = {
        "x1": (d["x1"], d.y),
        "x2": (d["x2"], d.y),
        "paired": (d["x1"], d["x2"]),
        "n_clusters": (3, 5, 8, 12),
        "discretizer": {"n_threads": 1, "n_init": 1},
        "random_state": 0,
        "bounds": FAST_BOUNDS,
    }
    sweep_serial = sweep_clusters(n_jobs=1, **sweep_kw)
    with _cluster(processes=True) as cluster, Client(cluster) as client:
        client.run(__import__, "mmbounds.inference")  # workers up, package imported: then time
        t0 = time.perf_counter()
        on_dask = _on_dask(client, bootstrap_codes, x1, x2, paired, **kw)
        t_dask = time.perf_counter() - t0
        sweep_dask = _on_dask(client, sweep_clusters, **sweep_kw)
        executed = _executed(client)
    assert executed[0] >= 1, executed  # both workers ran tasks
    _same_bootstrap(serial, on_dask)
    assert sweep_serial.rows == sweep_dask.rows
    with capsys.disabled():
        print(
            f"\n40 bootstrap replicates at 6x6x3: serial {t_serial:.2f} s, "
            f"Dask LocalCluster 2 worker processes {t_dask:.2f} s "
            f"(ratio {t_serial / t_dask:.2f})"
        )


def test_results_survive_pickling_for_worker_processes():
    # tasks and results cross process boundaries: Marginals (immutable, with slots) must pickle
    import pickle

    m = mmbounds.Marginals.from_samples(*_sources((3, 2, 2), 60, seed=4))
    back = pickle.loads(pickle.dumps(m))
    for a, b in zip(
        (m.p_x1y, m.p_x2y, m.p_x1x2, *m.observed),
        (back.p_x1y, back.p_x2y, back.p_x1x2, *back.observed),
    ):
        np.testing.assert_array_equal(a, b)
        assert not b.flags.writeable
    assert back.sample_sizes == m.sample_sizes and back.consistency == m.consistency
    with pytest.raises(AttributeError, match="immutable"):
        back.p_x1y = m.p_x1y
