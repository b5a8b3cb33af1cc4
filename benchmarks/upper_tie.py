"""Coverage of S_U's interval as users get it, where the tables tie (``inference._upper_end``).

``benchmarks/coverage.py`` scores the bootstrap rules on the functionals recomputed per resample;
this script runs the whole sample path of :func:`mmbounds.estimate` (the sample tables' bounds,
branch-and-bound included, then :func:`mmbounds.inference.infer_population` with
``sample_upper``), and scores ``S_U``'s interval against the population's tightest upper bound
on S (its ``synergy_upper``, from the population tables), ``S``'s against the identified set and
``S_L``'s against the population's ``S_L``. Populations: those of ``benchmarks/populations.py``
``uniform_5x5x2`` (x1, x2 uniform on 5 values, y uniform on 2, all independent) and
``random_AxBxC_sK``, ``mmbounds.data.random_joint((A, B, C), random_state=K)`` (small dense tables,
where the tight bound recomputed on resamples sets S_U's lower limit).

Each repetition draws D1, D2 and DM of ``n`` samples each (``--n`` is per source), with its own
seed (``--seed``, the population's name, n, the repetition).

Examples
--------
    python benchmarks/upper_tie.py --populations uniform_5x5x2 --n 1000,10000 --reps 30
    python benchmarks/upper_tie.py --populations random_3x3x2_s4,random_4x4x2_s1 --n 3000 \
        --reps 20 --resamples 100 --jobs 2
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
import zlib
from multiprocessing import get_context
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coverage import draw_marginals  # noqa: E402
from populations import population  # noqa: E402

import mmbounds  # noqa: E402
from mmbounds.core import solve_marginals  # noqa: E402
from mmbounds.inference import infer_population  # noqa: E402

TOL = 1e-6  # bits: a population value on an interval's edge counts as inside


def joint_of(name: str) -> np.ndarray:
    """The population's joint ``p[x1, x2, y]``."""
    if name == "uniform_5x5x2":
        return np.full((5, 5, 2), 1.0 / 50)
    if name.startswith("random_"):  # random_AxBxC_sK
        shape, seed = name[len("random_") :].split("_s")
        dims = tuple(int(v) for v in shape.split("x"))
        return mmbounds.data.random_joint(dims, random_state=int(seed))
    return population(name).joint


def truth_of(name: str) -> dict[str, float]:
    """The population's ``S_L`` (best lower bound) and ``S_U`` (tightest upper bound), bits."""
    res = mmbounds.estimate(joint_of(name), random_state=0)
    return {"S_L": float(res.synergy_lower), "S_U": float(res.synergy_upper)}


def one_rep(task: tuple) -> tuple[float, ...]:
    """``(S_U low, S_U high, S low, S high, S_L low, S_L high, sample bound)`` of one sample."""
    name, n, rep, seed, resamples = task
    rng = np.random.default_rng([seed, zlib.crc32(name.encode()), n, rep])
    opts = mmbounds.Options(n_resamples=resamples)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = draw_marginals(joint_of(name), (n, n, n), rng)
        upper = float(solve_marginals(m, options=opts, random_state=rep).synergy_upper)
        inf = infer_population(m, options=opts, random_state=rng, sample_upper=upper)
    out = []
    for q in ("synergy_upper_end", "synergy", "synergy_lower_end"):
        out += [inf[q].low, inf[q].high]
    return (*out, upper)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--populations", default="uniform_5x5x2,xor_5x5x2,noise_diag_2x2x2")
    ap.add_argument("--n", default="1000,10000", help="samples per source")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--resamples", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=1, help="processes over repetitions")
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args(argv)
    print(f"# upper_tie: reps={a.reps} resamples={a.resamples} seed={a.seed}", flush=True)
    pool = get_context("fork").Pool(a.jobs) if a.jobs > 1 else None
    try:
        for name in a.populations.split(","):
            t = truth_of(name)
            print(f"# {name}: S_L={t['S_L']:.4f} S_U={t['S_U']:.4f}", flush=True)
            for n in (int(v) for v in a.n.split(",")):
                tasks = [(name, n, r, a.seed, a.resamples) for r in range(a.reps)]
                t0 = time.perf_counter()
                res = np.array(pool.map(one_rep, tasks) if pool else list(map(one_rep, tasks)))
                su, s, sl, up = res[:, 0:2], res[:, 2:4], res[:, 4:6], res[:, 6]
                cov_u = np.mean((su[:, 0] - TOL <= t["S_U"]) & (t["S_U"] <= su[:, 1] + TOL))
                cov_s = np.mean((s[:, 0] - TOL <= t["S_L"]) & (t["S_U"] <= s[:, 1] + TOL))
                cov_l = np.mean((sl[:, 0] - TOL <= t["S_L"]) & (t["S_L"] <= sl[:, 1] + TOL))
                above = int(np.sum(su[:, 0] > t["S_U"] + TOL))
                worst = max(float(np.max(su[:, 0] - t["S_U"])), 0.0)
                print(
                    f"{name:18s} n={n:<6d} cov S_U={cov_u:.3f} (above {above}, by up to "
                    f"{worst:.4f}) S={cov_s:.3f} S_L={cov_l:.3f} | width S_U="
                    f"{np.mean(su[:, 1] - su[:, 0]):.3f} S={np.mean(s[:, 1] - s[:, 0]):.3f} | "
                    f"mean S_U low {np.mean(su[:, 0]):.4f}, sample bound {np.mean(up):.4f} | "
                    f"{time.perf_counter() - t0:.0f} s",
                    flush=True,
                )
    finally:
        if pool:
            pool.close()


if __name__ == "__main__":
    main()
