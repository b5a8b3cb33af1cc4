"""Tables and peer solvers for ``benchmarks/solvers.py --peers`` and ``--scaling``.

Tables: Dirichlet joints, the synthetic clustered joint of ``solvers.py``, the COPY gate
(``Y = (X1, X2)``), and clustered tables from real discretizations: two mfeat views (``fou``,
``kar``) and the two halves of scikit-learn's digits, each mapped to ``k`` codes by the package's
:class:`~mmbounds.raw.discretize.Discretizer` (PCA(5) + k-means, seed 0) and counted with the
label. Peers, each run in this process when importable: cvxpy + Clarabel (the package's reference
formulation), dit's BROJA PID and BROJA_2PID (ECOS); a peer that is not installed is reported as
such, never fetched.
"""

from __future__ import annotations

import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

_CVXPY_TRACE_MAX = 10_000  # support cells above which the cvxpy solve runs once, untraced


def copy_gate(a: int, b: int) -> np.ndarray:
    """The COPY gate: ``X1`` uniform on ``a`` values, ``X2`` on ``b``, ``Y = (X1, X2)``."""
    p = np.zeros((a, b, a * b))
    i, j = np.meshgrid(np.arange(a), np.arange(b), indexing="ij")
    p[i, j, i * b + j] = 1.0 / (a * b)
    return p


def _codes(x: np.ndarray, k: int) -> np.ndarray:
    from mmbounds.raw.discretize import Discretizer

    disc = Discretizer(n_components=5, n_clusters=k, n_threads=1, random_state=0)
    return disc.fit_transform(x)


def real_table(name: str, k: int) -> np.ndarray:
    """Joint ``p(x1, x2, y)`` of a real dataset pair discretized into ``k`` codes per view."""
    from mmbounds.data import load_digits_halves, load_mfeat

    if name == "mfeat":
        data = load_mfeat(["fou", "kar"])
        x1, x2 = data["fou"], data["kar"]
    else:
        data = load_digits_halves()
        names = list(data.modalities)
        x1, x2 = data[names[0]], data[names[1]]
    c1, c2, y = _codes(x1, k), _codes(x2, k), np.asarray(data.y)
    p = np.zeros((int(c1.max()) + 1, int(c2.max()) + 1, int(y.max()) + 1))
    np.add.at(p, (c1, c2, y), 1.0)
    return p / p.sum()


def cpu_run(fn: Callable[[], Any], repeats: int, memory: bool = True) -> tuple[float, float, Any]:
    """Best CPU time (s, ``process_time``), peak traced memory (MiB) and the result of ``fn()``.

    Times are taken without tracemalloc; the peak comes from one extra traced run.
    """
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t0)
    peak = np.nan
    if memory:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return best, peak, out


def dit_broja() -> Callable[[np.ndarray], float] | None:
    """``p -> I_q*(X1,X2;Y)`` (bits) by dit's BROJA PID, or None when dit is not installed."""
    try:
        import dit
        from dit.pid import PID_BROJA
    except ImportError:
        return None

    def run(p: np.ndarray) -> float:
        idx = np.argwhere(p > 0)
        outcomes = [tuple(int(v) for v in row) for row in idx]
        d = dit.Distribution(outcomes, [float(p[tuple(r)]) for r in idx])
        pid = PID_BROJA(d, [[0], [1]], [2])
        red = float(pid.get_pi(((0,), (1,))))
        u1, u2 = float(pid.get_pi(((0,),))), float(pid.get_pi(((1,),)))
        return red + u1 + u2

    return run


def broja_2pid() -> Callable[[np.ndarray], float] | None:
    """``p -> I_q*(X1,X2;Y)`` (bits) by BROJA_2PID with ECOS, or None when not installed."""
    try:
        from BROJA_2PID import pid
    except ImportError:
        return None

    def run(p: np.ndarray) -> float:
        # BROJA_2PID's keys are (target, source 1, source 2)
        pdf = {(int(y), int(a), int(b)): float(p[a, b, y]) for a, b, y in np.argwhere(p > 0)}
        out = pid(pdf, cone_solver="ECOS", output=0)
        return float(out["SI"] + out["UIY"] + out["UIZ"])

    return run


def exponent(cells: list[float], seconds: list[float]) -> float:
    """Least-squares slope of ``log seconds`` on ``log cells``."""
    return float(np.polyfit(np.log(cells), np.log(seconds), 1)[0])


def _tables(args: Any, dense_table: Callable, clustered_table: Callable) -> list[tuple]:
    rng = np.random.default_rng
    out = []
    for n in (50, 100):
        out.append((f"clustered {n}x{n}x10", clustered_table(n, n, 10, rng(args.seed))))
    for name in ("mfeat", "digits"):
        for k in (50, 100):
            out.append((f"{name} k={k}", real_table(name, k)))
    out.append(("dirichlet 20x20x10", dense_table(20, 20, 10, rng(args.seed))))
    out.append(("dirichlet 50x50x10", dense_table(50, 50, 10, rng(args.seed))))
    for a in (100, 200):
        out.append((f"COPY {a}x10", copy_gate(a, 10)))
    return out


def peers_table(args: Any, dense_table: Callable, clustered_table: Callable) -> None:
    """Print the BROJA peer comparison (see the ``--peers`` help of solvers.py)."""
    from mmbounds.solvers._backend import NumpyNamespace
    from mmbounds.solvers.broja import broja_cvxpy, broja_fast
    from mmbounds.solvers.broja._layout import _choose_layout
    from mmbounds.solvers.broja._sparse import triplets

    peers = {"dit": dit_broja(), "BROJA_2PID": broja_2pid()}
    missing = [k for k, v in peers.items() if v is None]
    print(
        f"BROJA: broja_fast (auto layout) vs peers, CPU s best of {args.repeats}, peak traced MiB "
        f"(tracemalloc: numpy arrays; SuperLU's and Clarabel's native buffers are not traced)"
    )
    print(
        f"{'table':>20} {'shape':>13} {'support':>8} {'frac':>6} {'layout':>7} {'ours_s':>8} "
        f"{'ours_MiB':>8} {'clar_s':>8} {'clar_MiB':>8} {'dit_s':>7} {'2pid_s':>7} "
        f"{'x_best':>7} {'|dI| bits':>9} {'gap':>8} {'it':>3}"
    )
    for name, p in _tables(args, dense_table, clustered_table):
        p1, p2 = p.sum(1), p.sum(0)
        n1, ny = p1.shape
        t1 = triplets(p1, np.arange(n1), np.arange(ny))
        t2 = triplets(p2, np.arange(p2.shape[0]), np.arange(ny))
        if t1[2].size < t2[2].size:
            t1, t2 = t2, t1
        shape = (int(t1[0].max()) + 1, int(t2[0].max()) + 1, ny)
        layout = _choose_layout(t1, t2, shape, NumpyNamespace())
        support = int(((p1[:, None, :] > 0) & (p2[None, :, :] > 0)).sum())
        tf, mf, fast = cpu_run(lambda p1=p1, p2=p2: broja_fast(p1, p2, tol=args.tol), args.repeats)
        big = support > _CVXPY_TRACE_MAX  # cvxpy once, untraced (tracemalloc slows it for minutes)
        tc, mc, ref = cpu_run(
            lambda p1=p1, p2=p2: broja_cvxpy(p1, p2), 1 if big else args.repeats, memory=not big
        )
        times = {"cvxpy": tc}
        for key, fn in peers.items():
            if fn is not None:
                try:
                    times[key] = cpu_run(lambda fn=fn, p=p: fn(p), 1, memory=False)[0]
                except Exception as exc:  # a peer's failure is reported, not fatal
                    print(f"note: {key} failed on {name}: {type(exc).__name__}: {exc}")
        print(
            f"{name:>20} {'x'.join(map(str, p.shape)):>13} {support:8d} {support / p.size:6.3f} "
            f"{layout:>7} {tf:8.4f} {mf:8.1f} {tc:8.4f} {mc:8.1f} "
            f"{times.get('dit', np.nan):7.3f} {times.get('BROJA_2PID', np.nan):7.3f} "
            f"{min(times.values()) / tf:7.1f} {abs(fast.min_mi - ref.min_mi):9.1e} "
            f"{fast.info.residual:8.1e} {fast.info.n_iter:3d}",
            flush=True,
        )
    for key in missing:
        print(f"note: peer {key} is not installed in this environment (not fetched): column is nan")
    print("x_best: the fastest peer's CPU time over ours; |dI|: ours vs cvxpy+Clarabel")


def scaling_table(args: Any, dense_table: Callable) -> None:
    """Print the dense k x k x 10 scaling of the full estimate (``--scaling`` of solvers.py)."""
    import mmbounds
    from mmbounds.solvers.broja import broja_cvxpy, broja_fast

    print(
        "full mmbounds.estimate(joint, random_state=0) on dense Dirichlet(1) k x k x 10 tables: "
        f"CPU s (best of {args.repeats} up to 250,000 cells, then one run), peak traced MiB; "
        "share: BROJA's wall time over the estimate's in the same run; broja_s: broja_fast alone "
        "(start='auto': the alternating warm start from 1,000 Schur variables on); cold_s, "
        "cold_it: broja_fast(start='cold') in the same process, speed-up = cold_s / broja_s"
    )
    print(
        f"{'k':>5} {'cells':>9} {'est_cpu_s':>9} {'peak_MiB':>8} {'share':>6} {'broja_s':>8} "
        f"{'broja_MiB':>9} {'it':>3} {'gap':>8} {'cold_s':>7} {'cold_it':>7} {'speedup':>7}"
    )
    cells, est_t, broja_t = [], [], []
    for k in args.scaling_sizes:
        p = dense_table(k, k, 10, np.random.default_rng(args.seed))
        reps = args.repeats if p.size <= 250_000 else 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the size warning of the larger tables
            t0 = time.perf_counter()
            res = mmbounds.estimate(p, random_state=0, progress=False)
            share = res.solver_info["broja"].solve_time_s / (time.perf_counter() - t0)
            te, me, _ = cpu_run(
                lambda p=p: mmbounds.estimate(p, random_state=0, progress=False), reps
            )
        tb, mb, sol = cpu_run(lambda p=p: broja_fast(p.sum(1), p.sum(0), tol=args.tol), reps)
        tc, _, cold = cpu_run(
            lambda p=p: broja_fast(p.sum(1), p.sum(0), tol=args.tol, start="cold"), reps, False
        )
        cells.append(p.size)
        est_t.append(te)
        broja_t.append(tb)
        print(
            f"{k:5d} {p.size:9d} {te:9.3f} {me:8.1f} {share:6.2f} {tb:8.3f} {mb:9.1f} "
            f"{sol.info.n_iter:3d} {sol.info.residual:8.1e} {tc:7.3f} {cold.info.n_iter:7d} "
            f"{tc / tb:7.2f}",
            flush=True,
        )
    if len(cells) > 1:
        print(
            f"exponent of CPU time in cells (least squares, log-log): full estimate "
            f"{exponent(cells, est_t):.2f}, BROJA {exponent(cells, broja_t):.2f}"
        )
    if 100 in args.scaling_sizes and not args.skip_cvxpy:
        p = dense_table(100, 100, 10, np.random.default_rng(args.seed))
        tc = cpu_run(lambda: broja_cvxpy(p.sum(1), p.sum(0)), 1, memory=False)[0]
        te = est_t[args.scaling_sizes.index(100)]
        print(
            f"100x100x10: one cvxpy+Clarabel BROJA solve {tc:.2f} CPU s = {tc / te:.0f}x the "
            "full estimate"
        )
