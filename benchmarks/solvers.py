"""Time the BROJA solvers (cvxpy reference vs the fast certified solver) and the full estimate.

For each support size and table kind ("dense": one Dirichlet(1) joint; "clustered": each label owns
a block of x1 and x2 values, so p(x1, y) and p(x2, y) are sparse) both solvers run on the same
marginals in this process. Printed per row: wall time (best of ``--repeats``), peak memory
(tracemalloc on numpy, ``torch.cuda.max_memory_allocated`` on a GPU), the speed ratio and
|min_mi difference| in bits. A second table times the full ``mmbounds.estimate(joint,
options={"solver": "fast"})`` against ``options={"solver": "cvxpy"}`` on the same joints.

Above ``--cvxpy-max-cells`` support cells (default 25,000: 100x100x10 is 100,000) the cvxpy BROJA
solve runs once (no repeats, no memory trace) and the cvxpy estimate is skipped unless
``--cvxpy-estimate-all`` is given: it takes minutes there. The output says which was done.

    python benchmarks/solvers.py                         # 20x20x2, 50x50x10, 100x100x10
    python benchmarks/solvers.py --sizes 20x20x2 --repeats 10
    python benchmarks/solvers.py --cvxpy-estimate-all    # also the cvxpy estimate at 100x100x10
    python benchmarks/solvers.py --skip-cvxpy            # fast solver and fast estimate only
    python benchmarks/solvers.py --sizes 1000x1000x10 --device cuda --skip-cvxpy
    git archive <rev> mmbounds | tar -x -C /tmp/base     # then, same process, interleaved:
    python benchmarks/solvers.py --skip-cvxpy --baseline /tmp/base
    python benchmarks/solvers.py --peers                 # BROJA against its peers (below)
    python benchmarks/solvers.py --scaling               # dense k x k x 10 full estimates

``--peers`` times one BROJA solve (CPU seconds, best of ``--repeats``; peak traced memory) of the
fast solver (layout chosen by cost) against every peer importable in this process: cvxpy + Clarabel
(the reference formulation), dit's BROJA PID, BROJA_2PID (ECOS); peers that are not installed are
named, never fetched. Tables: the synthetic clustered and Dirichlet joints above, clustered tables
from real discretizations (mfeat fou+kar, digits halves; PCA(5) + k-means with k codes per view)
and the COPY gate ``Y = (X1, X2)``. ``--scaling`` times the full ``estimate`` (CPU seconds, peak
traced memory) on dense k x k x 10 Dirichlet joints with BROJA's share, fits the exponent of time
in cells, and times one cvxpy BROJA solve at 100x100x10 for the ratio.

Run with OMP_NUM_THREADS=1 on a busy machine (the fast solver limits BLAS to one thread itself).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from inspect import signature
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mmbounds.solvers.broja import broja_cvxpy, broja_fast

DEFAULT_SIZES = ["20x20x2", "50x50x10", "100x100x10"]
_PID_FIELDS = ("redundancy", "unique1", "unique2")
_IPF = "synergy_lower_shared"  # the bound whose solve is the maximum-entropy fit (IPF)


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
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs")
    parser.add_argument("--device", default=None, help="torch device for broja_fast, e.g. cuda")
    parser.add_argument("--skip-cvxpy", action="store_true", help="time the fast paths only")
    parser.add_argument(
        "--cvxpy-max-cells",
        type=int,
        default=25_000,
        help="above this n1*n2*ny the cvxpy BROJA solve runs once and the cvxpy estimate is "
        "skipped (see --cvxpy-estimate-all)",
    )
    parser.add_argument(
        "--cvxpy-estimate-all",
        action="store_true",
        help="also run the cvxpy estimate above --cvxpy-max-cells (minutes at 100x100x10)",
    )
    parser.add_argument(
        "--baseline",
        default=None,
        help="folder holding an older copy of the mmbounds package (e.g. made with `git archive "
        "<rev> mmbounds | tar -x -C DIR`): its broja_fast and fast estimate are timed against "
        "this checkout's in the same process, interleaved",
    )
    parser.add_argument(
        "--ref-max-cells",
        type=int,
        default=100_000,
        help="with --device: compare with the numpy fast estimate up to this many cells",
    )
    parser.add_argument("--tol", type=float, default=1e-9, help="certified gap, bits")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--peers", action="store_true", help="BROJA against its peers only")
    parser.add_argument("--scaling", action="store_true", help="dense k x k x 10 scaling only")
    parser.add_argument(
        "--scaling-sizes",
        nargs="+",
        type=int,
        default=[50, 100, 150, 200, 300],
        help="k of the dense k x k x 10 tables of --scaling",
    )
    args = parser.parse_args(argv)
    if args.peers or args.scaling:
        from _broja_peers import peers_table, scaling_table

        if args.peers:
            peers_table(args, dense_table, clustered_table)
        if args.scaling:
            scaling_table(args, dense_table)
        return 0

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
    tables = []
    for size in sizes:
        n1, n2, ny = (int(v) for v in size.lower().split("x"))
        for kind, make in (("dense", dense_table), ("clustered", clustered_table)):
            tables.append(
                (size, kind, n1 * n2 * ny, make(n1, n2, ny, np.random.default_rng(args.seed)))
            )

    ref_name = "broja_fast numpy" if args.device is not None else "broja_cvxpy"
    print(
        f"BROJA solve: {ref_name} vs broja_fast on {backend} "
        f"(tol={args.tol:g} bits; best of {args.repeats})"
    )
    header = (
        f"{'size':>13} {'kind':>9} {'ref_s':>8} {'ref_MiB':>8} {'fast_s':>8} {'fast_MiB':>8} "
        f"{'speedup':>8} {'|dI| bits':>10} {'gap bits':>9} {'iters':>5} status"
    )
    print(header)
    notes = []
    for size, kind, cells, p in tables:
        p1, p2 = p.sum(1), p.sum(0)
        tf, mf, fast = _run(
            lambda p1=p1, p2=p2: broja_fast(
                p1, p2, tol=args.tol, backend=backend, device=args.device
            ),
            args.repeats,
            gpu,
        )
        tc = mc = diff = np.nan
        if args.device is not None:  # reference: the numpy fast solver (cvxpy: hours at 1e7)
            if cells <= args.ref_max_cells:
                tc, mc, ref = _run(
                    lambda p1=p1, p2=p2: broja_fast(p1, p2, tol=args.tol, backend="numpy"), 1, False
                )
                diff = abs(ref.min_mi - fast.min_mi)
        elif not args.skip_cvxpy:
            large = cells > args.cvxpy_max_cells
            if large:
                notes.append(f"{size} {kind}: broja_cvxpy timed once, without a memory trace")
            tc, mc, ref = _run(
                lambda p1=p1, p2=p2: broja_cvxpy(p1, p2),
                1 if large else args.repeats,
                False,
                memory=not large,
            )
            diff = abs(ref.min_mi - fast.min_mi)
        print(
            f"{size:>13} {kind:>9} {tc:8.3f} {mc:8.1f} {tf:8.3f} {mf:8.1f} {tc / tf:8.1f} "
            f"{diff:10.2e} {fast.info.residual:9.1e} {fast.info.n_iter:5d} {fast.info.status}",
            flush=True,
        )
    for note in notes:
        print("note:", note)
    if args.skip_cvxpy and args.device is None:
        print("note: cvxpy skipped (--skip-cvxpy)")

    import mmbounds

    gpu_ref = "numpy fast" if args.device is not None else "cvxpy"
    print(
        f"\nfull mmbounds.estimate(joint) (bounds='auto'; best of {args.repeats}): "
        f"{'torch on ' + str(args.device) if args.device else 'numpy'} vs {gpu_ref} reference"
    )
    print(
        f"{'size':>13} {'kind':>9} {'ref_s':>8} {'fast_s':>8} {'speedup':>8} {'peak_MiB':>8} "
        f"{'|dPID|':>8} {'|dBound|':>8} {'broja_gap':>9} {'ipf_err':>8}"
    )
    notes = []
    breakdown = []
    for size, kind, cells, p in tables:
        tf, mf, fast = _run(
            lambda p=p: mmbounds.estimate(
                p,
                random_state=0,
                progress=False,
                options={
                    "solver": "fast",
                    "tol": args.tol,
                    "backend": backend,
                    "device": args.device,
                },
            ),
            args.repeats,
            gpu,
        )
        ref, tc = None, np.nan
        if args.device is not None:  # the reference is the numpy fast path (cvxpy: hours at 1e7)
            if cells <= args.ref_max_cells:
                tc, _, ref = _run(
                    lambda p=p: _fast_estimate(mmbounds, p, args.tol),
                    1,
                    False,
                    memory=False,
                )
            else:
                notes.append(
                    f"{size} {kind}: no reference above --ref-max-cells={args.ref_max_cells} "
                    "(the certified BROJA gap and the IPF marginal error are the check)"
                )
        elif not args.skip_cvxpy and (cells <= args.cvxpy_max_cells or args.cvxpy_estimate_all):
            large = cells > args.cvxpy_max_cells
            tc, _, ref = _run(
                lambda p=p: mmbounds.estimate(
                    p, random_state=0, options={"solver": "cvxpy"}, progress=False
                ),
                1 if large else args.repeats,
                False,
                memory=False,
            )
        elif not args.skip_cvxpy:
            notes.append(
                f"{size} {kind}: estimate(options={{'solver': 'cvxpy'}}) skipped (minutes; "
                "--cvxpy-estimate-all runs it)"
            )
        d_pid = d_bound = np.nan
        if ref is not None:
            d_pid = max(abs(getattr(ref, k) - getattr(fast, k)) for k in _PID_FIELDS)
            d_bound = max(
                abs(a.value - b.value) for a, b in zip(ref.bounds, fast.bounds, strict=True)
            )
        print(
            f"{size:>13} {kind:>9} {tc:8.3f} {tf:8.3f} {tc / tf:8.1f} {mf:8.1f} {d_pid:8.1e} "
            f"{d_bound:8.1e} {fast.solver_info['broja'].residual:9.1e} "
            f"{fast.solver_info[_IPF].residual:8.1e}",
            flush=True,
        )
        if cells >= 1_000_000:
            steps = ", ".join(f"{k} {v:.3f}" for k, v in fast.timings.items())
            breakdown.append(
                f"{size} {kind}: backend={fast.backend}, broja iterations "
                f"{fast.solver_info['broja'].n_iter}, ipf sweeps "
                f"{fast.solver_info[_IPF].n_iter}; seconds per step: {steps}"
            )
    for line in breakdown:
        print("steps:", line)
    for note in notes:
        print("note:", note)
    if args.baseline is not None:
        _compare_baseline(args, tables)
    return 0


def _fast_estimate(module: Any, p: np.ndarray, tol: float) -> Any:
    """``module.estimate`` of ``p`` with the fast solver, numpy backend, seed 0.

    ``module`` is this checkout's mmbounds or a baseline copy; a baseline from before
    ``mmbounds.Options`` takes the solver settings as keywords (``method=``, ``tol=``).
    """
    if hasattr(module, "Options"):
        quiet = {"progress": False} if "progress" in signature(module.estimate).parameters else {}
        return module.estimate(p, random_state=0, options={"solver": "fast", "tol": tol}, **quiet)
    return module.estimate(p, method="fast", tol=tol, random_state=0)


def _load_baseline(folder: str) -> Any:
    """Import ``folder/mmbounds`` under the name ``mmbounds_baseline`` (relative imports inside)."""
    import importlib.util

    root = Path(folder).resolve() / "mmbounds"
    spec = importlib.util.spec_from_file_location(
        "mmbounds_baseline", root / "__init__.py", submodule_search_locations=[str(root)]
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"--baseline: no mmbounds package under {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["mmbounds_baseline"] = module
    spec.loader.exec_module(module)
    return module


def _compare_baseline(args: Any, tables: list[Any]) -> None:
    """Baseline vs current broja_fast and the fast estimate, interleaved runs, best of."""
    import importlib

    import mmbounds

    base = _load_baseline(args.baseline)
    base_broja = importlib.import_module("mmbounds_baseline.solvers.broja")
    base_fast = getattr(base_broja, "broja_fast", None)
    if base_fast is None:  # a baseline from before solvers/broja/ became a package
        base_fast = importlib.import_module("mmbounds_baseline.solvers.broja_fast").broja_fast
    print(f"\nbaseline ({args.baseline}) vs this checkout, numpy, best of {args.repeats} each")
    print(
        f"{'size':>13} {'kind':>9} {'what':>9} {'base_s':>8} {'now_s':>8} {'speedup':>8} "
        f"{'|d| bits':>9} {'base_it':>7} {'now_it':>6}"
    )
    for size, kind, _, p in tables:
        p1, p2 = p.sum(1), p.sum(0)
        runs = {
            "broja": (
                lambda p1=p1, p2=p2: base_fast(p1, p2, tol=args.tol),
                lambda p1=p1, p2=p2: broja_fast(p1, p2, tol=args.tol),
            ),
            "estimate": (
                lambda p=p: _fast_estimate(base, p, args.tol),
                lambda p=p: _fast_estimate(mmbounds, p, args.tol),
            ),
        }
        for what, (fb, fn) in runs.items():
            tb = tn = np.inf
            for _ in range(args.repeats):  # interleaved, so both see the same machine load
                t0 = time.perf_counter()
                rb = fb()
                tb = min(tb, time.perf_counter() - t0)
                t0 = time.perf_counter()
                rn = fn()
                tn = min(tn, time.perf_counter() - t0)
            if what == "broja":
                diff = abs(rb.min_mi - rn.min_mi)
                its = (rb.info.n_iter, rn.info.n_iter)
            else:
                vb = [rb.synergy_lower, rb.synergy_upper] + [getattr(rb, k) for k in _PID_FIELDS]
                vb += [b.value for b in rb.bounds]
                vn = [rn.synergy_lower, rn.synergy_upper] + [getattr(rn, k) for k in _PID_FIELDS]
                vn += [b.value for b in rn.bounds]
                diff = max(abs(x - y) for x, y in zip(vb, vn))
                its = (rb.solver_info["broja"].n_iter, rn.solver_info["broja"].n_iter)
            print(
                f"{size:>13} {kind:>9} {what:>9} {tb:8.4f} {tn:8.4f} {tb / tn:8.2f} "
                f"{diff:9.1e} {its[0]:7d} {its[1]:6d}",
                flush=True,
            )


if __name__ == "__main__":
    raise SystemExit(main())
