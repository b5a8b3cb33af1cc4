"""Coverage of the population intervals on known populations (``benchmarks/populations.py``).

For each population, total sample size n and split (D1/D2/DM fractions), each repetition draws
D1 ~ p(x1,y), D2 ~ p(x2,y), DM ~ p(x1,x2) independently, builds the marginals as
``Marginals.from_samples`` would (values unseen in every source dropped), runs the inference and
records whether each interval holds the population value. The bootstrap replicates of one
repetition are computed once and every interval variant (``mmbounds.inference.VARIANTS``) is built
from them; the certified mode and the paper's plug-in interval (the sample-table bounds
``[max(S_L^, 0), S_U^]``) use the same sample.

Printed per cell and method: coverage of S, R, U1, U2, S_L, S_U, the mean width of S, R, U1, U2,
the plug-in interval's width and coverage of S, the mean wall time per inference, and for pure
noise the fraction of S intervals holding 0 and the count of "present" verdicts for S.

Examples
--------
    python benchmarks/coverage.py --populations xor_5x5x2 --n 1000 --reps 100 --resamples 50
    python benchmarks/coverage.py --reps 200 --resamples 100 --jobs 2 \\
        --out benchmarks/results/coverage_grid.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
import warnings
from multiprocessing import get_context
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from populations import POPULATIONS, population  # noqa: E402

import mmbounds  # noqa: E402
from mmbounds.inference import FUNCTIONALS, VARIANTS, bootstrap_replicates  # noqa: E402
from mmbounds.inference._certified import certified_intervals  # noqa: E402
from mmbounds.inference._sparse import sample_intervals  # noqa: E402
from mmbounds.raw.samples import samples_per_cell  # noqa: E402

N_FUNCTIONALS = len(FUNCTIONALS)
QUANT = ("synergy", "redundancy", "unique1", "unique2", "synergy_lower_end", "synergy_upper_end")
SHORT = {
    "synergy": "S",
    "redundancy": "R",
    "unique1": "U1",
    "unique2": "U2",
    "synergy_lower_end": "S_L",
    "synergy_upper_end": "S_U",
}
SPLITS = {"thirds": (1 / 3, 1 / 3, 1 / 3), "10/10/80": (0.1, 0.1, 0.8)}
TOL = 1e-6  # bits: a population value on an interval's edge counts as inside


def sizes_of(n: int, split: str) -> tuple[int, int, int]:
    f1, f2, _ = SPLITS[split]
    n1, n2 = max(int(round(f1 * n)), 2), max(int(round(f2 * n)), 2)
    return n1, n2, n - n1 - n2


def draw_counts(p: np.ndarray, sizes: tuple[int, int, int], rng) -> tuple[np.ndarray, ...]:
    """Count tables of D1, D2, DM drawn independently; values unseen in every source dropped."""
    tabs = [p.sum(axis=1), p.sum(axis=0), p.sum(axis=2)]
    c1, c2, c12 = (
        rng.multinomial(n, t.ravel()).reshape(t.shape).astype(float) for t, n in zip(tabs, sizes)
    )
    k1 = (c1.sum(1) + c12.sum(1)) > 0
    k2 = (c2.sum(1) + c12.sum(0)) > 0
    ky = (c1.sum(0) + c2.sum(0)) > 0
    return c1[k1][:, ky], c2[k2][:, ky], c12[k1][:, k2]


def draw_marginals(p: np.ndarray, sizes: tuple[int, int, int], rng) -> mmbounds.Marginals:
    """The marginals of :func:`draw_counts`, as ``Marginals.from_samples`` would build them."""
    c1, c2, c12 = draw_counts(p, sizes, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mmbounds.Marginals(c1, c2, c12, normalize=True, sample_sizes=sizes)


def _rep_rng(name: str, n: int, split: str, rep: int, seed: int) -> np.random.Generator:
    """One repetition's generator: its own seed (the run's seed, the population, n, the split and
    the repetition number)."""
    ss = np.random.SeedSequence([seed, POPULATIONS.index(name), n, list(SPLITS).index(split), rep])
    return np.random.default_rng(ss)


def draw_rep(name: str, n: int, split: str, rep: int, seed: int):
    """The sample of one repetition and its generator, as ``(marginals, rng)``."""
    rng = _rep_rng(name, n, split, rep, seed)
    return draw_marginals(population(name).joint, sizes_of(n, split), rng), rng


def rep_shape(name: str, n: int, split: str, rep: int, seed: int) -> tuple[int, int, int]:
    """The table shape of one repetition's sample (what re-scoring needs), without building it."""
    c1, c2, _ = draw_counts(
        population(name).joint, sizes_of(n, split), _rep_rng(name, n, split, rep, seed)
    )
    return c1.shape[0], c2.shape[0], c1.shape[1]


def score(
    plugin: np.ndarray, reps: np.ndarray | None, shape, sizes, variants, negligible: float
) -> dict:
    """``{method: {quantity: (lo, hi, verdict)}}`` of the bootstrap variants (the rule users get,
    :func:`mmbounds.inference._sparse.sample_intervals`) and the paper's plug-in interval, for a
    sample of table ``shape`` and ``sizes``."""
    out = {}
    if reps is not None:
        per_cell = samples_per_cell(shape, sizes)
        for v in variants:
            _, iv = sample_intervals(
                plugin, reps, 0.95, negligible, v, per_cell, shape[2], sizes=sizes
            )
            out[f"bootstrap:{v}"] = {q: (iv[q].low, iv[q].high, iv[q].verdict) for q in QUANT}
    lo_p, hi_p = max(float(plugin[3]), 0.0), float(plugin[4])
    out["plugin"] = {"synergy": (lo_p, max(hi_p, lo_p), "")}
    return out


def one_rep(task):
    """Intervals of every method for one repetition: {method: {quantity: (lo, hi)}}, times and
    the raw ``(plugin, replicates)`` (replicates None without the bootstrap mode).

    ``raw``, the last element of ``task``, is this repetition's dumped ``(plugin, replicates)`` or
    None: given, the sample is drawn again (its seed is the repetition's) and the bootstrap is not
    rerun, so the intervals equal those of a fresh run; its time is then NaN.
    """
    name, n, split, rep, seed, n_resamples, modes, variants, raw = task
    m, rng = draw_rep(name, n, split, rep, seed)
    opts = mmbounds.Options()
    times = {}
    t0 = time.perf_counter()
    if "bootstrap" in modes and raw is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            plugin, reps = bootstrap_replicates(
                m, n_resamples=n_resamples, options=opts, random_state=rng
            )
        times["bootstrap"] = time.perf_counter() - t0
    elif "bootstrap" in modes:
        (plugin, reps), times["bootstrap"] = raw, float("nan")
    else:
        plugin, reps = mmbounds.inference.functionals(m, opts), None
    out = score(plugin, reps, m.shape, m.sample_sizes, variants, opts.negligible)
    if "certified" in modes:
        t1 = time.perf_counter()
        iv = certified_intervals(m, plugin, confidence=0.95, negligible=opts.negligible)
        times["certified"] = time.perf_counter() - t1
        out["certified"] = {q: (iv[q].low, iv[q].high, iv[q].verdict) for q in QUANT}
    return (name, n, split), out, times, (plugin, reps)


def summarize(cell, results, truth) -> list[dict]:
    """Coverage and widths per method of one cell."""
    rows = []
    methods = [k for k in results[0][0] if k != "plugin"]
    plug = np.array([[r[0]["plugin"]["synergy"][0], r[0]["plugin"]["synergy"][1]] for r in results])
    s = truth["synergy"]
    plug_cov = float(np.mean((plug[:, 0] - TOL <= s) & (s <= plug[:, 1] + TOL)))
    plug_w = float(np.mean(plug[:, 1] - plug[:, 0]))
    for meth in methods:
        row = {"population": cell[0], "n": cell[1], "split": cell[2], "method": meth}
        row["reps"] = len(results)
        for q in QUANT:
            lohi = np.array([r[0][meth][q][:2] for r in results], dtype=float)
            t = truth[q]
            row[f"cov_{SHORT[q]}"] = float(
                np.mean((lohi[:, 0] - TOL <= t) & (t <= lohi[:, 1] + TOL))
            )
            row[f"width_{SHORT[q]}"] = float(np.mean(lohi[:, 1] - lohi[:, 0]))
            row[f"low_{SHORT[q]}"] = float(np.mean(lohi[:, 0]))
            row[f"high_{SHORT[q]}"] = float(np.mean(lohi[:, 1]))
        sv = [r[0][meth]["synergy"] for r in results]
        row["zero_in_S"] = float(np.mean([v[0] <= TOL for v in sv]))
        row["S_present"] = int(sum(v[2] == "present" for v in sv))
        row["plugin_cov_S"] = plug_cov
        row["plugin_width_S"] = plug_w
        mode = meth.split(":")[0]
        times = [r[1][mode] for r in results]
        row["time_s"] = float(np.nanmean(times)) if not np.all(np.isnan(times)) else float("nan")
        rows.append(row)
    return rows


def print_rows(rows: list[dict], truth: dict, file=None) -> None:
    for row in rows:
        cov = " ".join(f"{SHORT[q]}={row[f'cov_{SHORT[q]}']:.3f}" for q in QUANT)
        wid = " ".join(f"{SHORT[q]}={row[f'width_{SHORT[q]}']:.3f}" for q in QUANT[:4])
        extra = ""
        if truth["synergy"] <= 1e-9 and truth["redundancy"] <= 1e-9:
            extra = f" | 0 in S {row['zero_in_S']:.3f}, present {row['S_present']}"
        print(
            f"{row['population']:18s} n={row['n']:<6d} {row['split']:8s} {row['method']:25s} "
            f"cov {cov} | width {wid} | S mean [{row['low_S']:.3f}, {row['high_S']:.3f}] "
            f"| plug-in S cov {row['plugin_cov_S']:.3f} width {row['plugin_width_S']:.3f}"
            f" | {row['time_s']:.2f} s{extra}",
            file=file,
            flush=True,
        )


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--populations", default="all", help="comma list or 'all'")
    ap.add_argument("--n", default="300,1000,3000,10000,100000", help="total sample sizes")
    ap.add_argument("--splits", default="thirds,10/10/80")
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--resamples", type=int, default=100)
    ap.add_argument("--mode", default="both", choices=("bootstrap", "certified", "both"))
    ap.add_argument("--variants", default=",".join(VARIANTS), help="bootstrap interval variants")
    ap.add_argument("--jobs", type=int, default=1, help="processes over repetitions")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--out", default=None, help="CSV file of the rows")
    ap.add_argument(
        "--dump",
        default=None,
        help="folder for each cell's plug-in values and replicates (.npz): any interval rule "
        "can be re-scored from them without recomputing",
    )
    ap.add_argument(
        "--resume",
        action="store_true",
        help="keep the rows already in --out and skip their cells (same reps and resamples); "
        "with --dump, a cell with fewer dumped repetitions (same resamples) reuses them and "
        "computes only the rest: the same numbers as a fresh run, since each repetition has "
        "its own seed",
    )
    a = ap.parse_args(argv)
    names = POPULATIONS if a.populations == "all" else tuple(a.populations.split(","))
    ns = [int(v) for v in a.n.split(",")]
    splits = a.splits.split(",")
    modes = ("bootstrap", "certified") if a.mode == "both" else (a.mode,)
    variants = tuple(a.variants.split(","))
    print(
        f"# coverage: reps={a.reps} resamples={a.resamples} modes={modes} seed={a.seed} "
        f"variants={variants}",
        flush=True,
    )
    all_rows = _read(a.out, a.reps, a.resamples) if a.resume and a.out else []
    done = {(r["population"], int(r["n"]), r["split"]) for r in all_rows}
    ctx = get_context("fork")
    pool = ctx.Pool(a.jobs) if a.jobs > 1 else None
    try:
        for name in names:
            truth = population(name).truth()
            print(
                f"# {name}: " + " ".join(f"{SHORT[q]}={truth[q]:.4f}" for q in QUANT),
                flush=True,
            )
            for n in ns:
                for split in splits:
                    if (name, n, split) in done:
                        print_rows([r for r in all_rows if _cell(r) == (name, n, split)], truth)
                        continue
                    use = a.resume and "bootstrap" in modes
                    old = _load_dump(a.dump, (name, n, split), a.seed, a.resamples) if use else []
                    if old:
                        _check_dump(name, n, split, a.seed, old[0][0])
                    tasks = [
                        (name, n, split, r, a.seed, a.resamples, modes, variants)
                        + (old[r] if r < len(old) else None,)
                        for r in range(a.reps)
                    ]
                    t0 = time.perf_counter()
                    res = pool.map(one_rep, tasks, chunksize=4) if pool else map(one_rep, tasks)
                    res = list(res)
                    if a.dump and res[0][3][1] is not None and len(old) < a.reps:
                        _dump(a.dump, (name, n, split), a.seed, [r[3] for r in res])
                    res = [(o, t) for _, o, t, _ in res]
                    rows = summarize((name, n, split), res, truth)
                    for row in rows:
                        row["resamples"] = a.resamples
                        row["cell_wall_s"] = time.perf_counter() - t0
                    print_rows(rows, truth)
                    all_rows += rows
                    if a.out:
                        _write(a.out, all_rows)
    finally:
        if pool:
            pool.close()


def _dump_path(folder: str, cell: tuple[str, int, str], seed: int) -> Path:
    name, n, split = cell
    return Path(folder) / f"{name}_n{n}_{split.replace('/', '-')}_seed{seed}.npz"


def _dump(folder: str, cell: tuple[str, int, str], seed: int, raw: list) -> None:
    Path(folder).mkdir(parents=True, exist_ok=True)
    plugin = np.array([r[0] for r in raw])
    reps = np.array([r[1] for r in raw])
    np.savez_compressed(_dump_path(folder, cell, seed), plugin=plugin, replicates=reps)


def _load_dump(folder: str | None, cell: tuple[str, int, str], seed: int, resamples: int) -> list:
    """The dumped ``(plugin, replicates)`` per repetition of a cell ([] if none, other resamples
    or another set of functionals: a dump of an older version is recomputed, then replaced)."""
    if folder is None or not _dump_path(folder, cell, seed).exists():
        return []
    with np.load(_dump_path(folder, cell, seed)) as data:
        if data["replicates"].shape[1] != resamples or data["plugin"].shape[1] != N_FUNCTIONALS:
            return []
        return list(zip(data["plugin"], data["replicates"]))


def _check_dump(name: str, n: int, split: str, seed: int, plugin: np.ndarray) -> None:
    """Refuse a dump whose first repetition is not this code's sample (other populations or
    splits listed before it, another seed rule or other solvers): its replicates would be
    scored against a different sample."""
    m, _ = draw_rep(name, n, split, 0, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh = mmbounds.inference.functionals(m, mmbounds.Options())
    if not np.allclose(fresh, plugin, rtol=0.0, atol=1e-9):
        raise SystemExit(
            f"the dump of {name}, n = {n}, {split} does not match this code's first repetition "
            f"(plug-in {np.round(plugin, 6)} against {np.round(fresh, 6)}): move it away"
        )


def _cell(row: dict) -> tuple[str, int, str]:
    return row["population"], int(row["n"]), row["split"]


def _read(path: str, reps: int, resamples: int) -> list[dict]:
    """Rows of an earlier run with the same repetitions and resamples (numbers parsed)."""
    if not Path(path).exists():
        return []
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    keep = [
        r
        for r in rows
        if int(r["reps"]) == reps and int(r.get("resamples") or resamples) == resamples
    ]
    for r in keep:
        for k, v in r.items():
            if k not in ("population", "split", "method"):
                r[k] = int(v) if v.lstrip("-").isdigit() else float(v)
    return keep


def _write(path: str, rows: list[dict]) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
