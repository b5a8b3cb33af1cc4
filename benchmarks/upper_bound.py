"""Benchmark: certified synergy upper bound (min-entropy over Δ12) against the paper's meet bound.

For a table ``p`` with marginals given, ``S̄ - S = H(p) - L`` for any lower bound ``L`` on
``min_{r∈Δ12} H(r)``, and ``S̄ - S(witness) = H(witness) - L``, so no PID solve is needed. A
violation is ``L > H(p)`` (the bound would cut below the true synergy) or ``L > H(witness)``.

Studies: Dirichlet(1) 2×2×2 (the paper's synthetic study; exact 1-D solve) and Dirichlet(0.3) 4×4×3
(chord branch-and-bound under ``--budget`` seconds per table). Tables are generated per chunk from
``SeedSequence(seed).spawn``, so the numbers do not depend on the number of workers.

``--paper-size``: the paper's sizes, 20 clusters × 20 clusters × 10 labels, through
``mmbounds.estimate(joint, bounds="auto")`` with no time budget (deterministic): the 15 view pairs
of mfeat and the left/right halves of sklearn's digits, each view k-means-discretized into 20
clusters (``mmbounds.raw.Discretizer``, seed 0) and tabulated with the label, and 50 Dirichlet(0.3)
tables. For each: the certified gap ``synergy_upper - synergy_witness`` (bits), the paper's meet
bound, wall and CPU seconds of the estimate and of the branch-and-bound bound alone, and whether a
second run gives the same numbers bit for bit.

Usage::

    python benchmarks/upper_bound.py               # 100,000 tables 2x2x2 and 200 tables 4x4x3
    python benchmarks/upper_bound.py --quick       # 2,000 and 20
    python benchmarks/upper_bound.py --paper-size  # only the 20x20x10 study (66 tables)
"""

from __future__ import annotations

import argparse
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmbounds.info import entropy  # noqa: E402
from mmbounds.solvers.coupling import meet_entropy  # noqa: E402
from mmbounds.solvers.min_entropy import (  # noqa: E402
    min_entropy_lower_pairings,
    min_entropy_search,
)

VIOLATION_TOL = 1e-9


def _chunk(args):
    shape, alpha, n, seed_seq, budget, max_nodes = args
    rng = np.random.default_rng(seed_seq)
    out = np.empty((n, 6))
    for t in range(n):
        p = rng.dirichlet(np.full(int(np.prod(shape)), alpha)).reshape(shape)
        m = (p.sum(axis=1), p.sum(axis=0), p.sum(axis=2))
        h = entropy(p)
        meet_all = min_entropy_lower_pairings(*m, coupling="meet")
        meet_12y = meet_entropy(m[2], m[0].sum(axis=0))
        t0 = time.perf_counter()
        sol = min_entropy_search(
            *m, time_budget_s=budget, max_nodes=max_nodes, random_state=rng, warn=False
        )
        dt = time.perf_counter() - t0
        out[t] = (h, meet_12y, meet_all, sol.entropy_lower, sol.witness_entropy, dt)
    return out


def run_study(shape, alpha, n_tables, budget, seed, workers, chunk, max_nodes=20000):
    n_chunks = max(1, -(-n_tables // chunk))
    seqs = np.random.SeedSequence([seed, *shape, int(alpha * 1000)]).spawn(n_chunks)
    sizes = [min(chunk, n_tables - i * chunk) for i in range(n_chunks)]
    jobs = [(shape, alpha, s, q, budget, max_nodes) for s, q in zip(sizes, seqs)]
    t0 = time.perf_counter()
    if workers > 1:
        with get_context("spawn").Pool(workers) as pool:
            parts = pool.map(_chunk, jobs)
    else:
        parts = [_chunk(j) for j in jobs]
    wall = time.perf_counter() - t0
    r = np.concatenate(parts)
    h, meet_12y, meet_all, low, hw, dt = r.T
    gap_meet = h - meet_all
    gap_ours = h - low
    name = f"Dirichlet({alpha:g}) {'x'.join(map(str, shape))}"
    print(
        f"\n== {name}: {r.shape[0]} tables, budget {budget:g} s/table, max_nodes {max_nodes}, "
        f"{workers} workers =="
    )
    print(f"violations  L > H(p)+{VIOLATION_TOL:g}      : {int(np.sum(low > h + VIOLATION_TOL))}")
    print(f"violations  L > H(witness)+{VIOLATION_TOL:g} : {int(np.sum(low > hw + VIOLATION_TOL))}")
    print(f"violations  meet L > H(p)             : {int(np.sum(meet_all > h + VIOLATION_TOL))}")
    print(f"mean S̄-S, meet (p12,py) only          : {np.mean(h - meet_12y):.4f} bits")
    print(f"mean S̄-S, paper meet (all pairings)   : {np.mean(gap_meet):.4f} bits")
    print(
        f"mean S̄-S, ours                        : {np.mean(gap_ours):.4f} bits "
        f"(median {np.median(gap_ours):.4f}, p90 {np.quantile(gap_ours, 0.9):.4f})"
    )
    reduction = 100 * (1 - gap_ours.mean() / gap_meet.mean())
    print(f"reduction vs paper meet               : {reduction:.1f} %")
    found = np.isfinite(hw)  # a search that found no table of Δ12 has no witness (H = inf)
    gw = hw[found] - low[found]
    print(
        f"mean S̄-S_witness = H(w)-L             : {np.mean(gw):.4f} bits "
        f"(p90 {np.quantile(gw, 0.9):.4f}, max {np.max(gw):.4f}); no witness on "
        f"{int(np.sum(~found))} tables"
    )
    print(
        f"time per table (min_entropy_search)          : {1e3 * np.mean(dt):.2f} ms "
        f"(max {1e3 * np.max(dt):.1f} ms); wall {wall:.1f} s"
    )
    return r


def paper_size_tables(n_dirichlet: int, seed: int) -> list[tuple[str, np.ndarray]]:
    """Clustered mfeat pairs and digits halves (20x20x10), then Dirichlet(0.3) tables."""
    import itertools
    import warnings

    from mmbounds.data import MFEAT_VIEWS, load_digits_halves, load_mfeat
    from mmbounds.raw import Discretizer

    def joint(c1, c2, y):
        p = np.zeros((20, 20, 10))
        np.add.at(p, (c1, c2, y), 1.0)
        return p / p.sum()

    def codes(x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # low-count warnings of 20 clusters
            return Discretizer(n_clusters=20, random_state=0, n_threads=1).fit_transform(x)

    out = []
    mf = load_mfeat()
    c = {v: codes(mf[v]) for v in MFEAT_VIEWS}
    y = np.asarray(mf.y)
    for a, b in itertools.combinations(MFEAT_VIEWS, 2):
        out.append((f"mfeat {a}-{b}", joint(c[a], c[b], y)))
    dg = load_digits_halves()
    out.append(("digits halves", joint(codes(dg["left"]), codes(dg["right"]), np.asarray(dg.y))))
    rng = np.random.default_rng(seed)
    for t in range(n_dirichlet):
        out.append((f"Dirichlet(0.3) {t}", rng.dirichlet(np.full(4000, 0.3)).reshape(20, 20, 10)))
    return out


def _estimate_once(p):
    import warnings

    import mmbounds

    t0, c0 = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = mmbounds.estimate(p, bounds="auto", random_state=0, progress=False)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return res, wall, cpu


def run_paper_size(n_dirichlet: int, seed: int) -> None:
    from mmbounds.solvers.min_entropy import min_entropy_search

    tables = paper_size_tables(n_dirichlet, seed)
    print("\n== 20x20x10, estimate(bounds='auto'), no time budget ==")
    print(
        f"{'table':<20}{'S<=meet':>8}{'S<=ours':>8}{'witness':>8}{'gap':>8}{'method':>10}"
        f"{'est s':>7}{'est cpu':>8}{'bnb cpu':>8}{'same':>6}"
    )
    rows = {"clustered": [], "dirichlet": []}
    for name, p in tables:
        res, wall, cpu = _estimate_once(p)
        res2, _, _ = _estimate_once(p)
        same = (
            res.synergy_upper == res2.synergy_upper and res.synergy_witness == res2.synergy_witness
        )
        m = (p.sum(axis=1), p.sum(axis=0), p.sum(axis=2))
        c0 = time.process_time()
        sol = min_entropy_search(*m, random_state=0, warn=False)
        bnb_cpu = time.process_time() - c0
        meet = res.bound("synergy_upper_coupling").value
        if res.synergy_witness is None:  # the search found no table with these marginals
            print(f"{name:<20} no witness ({res.message})", flush=True)
            continue
        gap = res.synergy_upper - res.synergy_witness
        kind = "dirichlet" if name.startswith("Dirichlet") else "clustered"
        rows[kind].append((gap, wall, cpu, bnb_cpu, same, meet - res.synergy_upper))
        print(
            f"{name:<20}{meet:8.4f}{res.synergy_upper:8.4f}{res.synergy_witness:8.4f}{gap:8.4f}"
            f"{sol.method:>10}{wall:7.2f}{cpu:8.2f}"
            f"{bnb_cpu:8.2f}{str(same):>6}",
            flush=True,
        )
    for kind, r in rows.items():
        if not r:
            continue
        a = np.array(r, dtype=float)
        gap, wall, cpu, bnb = a[:, 0], a[:, 1], a[:, 2], a[:, 3]
        print(
            f"{kind}: {len(r)} tables; gap upper-witness mean {gap.mean():.4f} median "
            f"{np.median(gap):.4f} p90 {np.quantile(gap, 0.9):.4f} max {gap.max():.4f} bits; "
            f"tightening over meet mean {a[:, 5].mean():.4f} bits"
        )
        print(
            f"  estimate wall s median {np.median(wall):.2f} max {wall.max():.2f}; CPU s median "
            f"{np.median(cpu):.2f} max {cpu.max():.2f}; min_entropy_search CPU s median "
            f"{np.median(bnb):.2f} max {bnb.max():.2f}; reproducible {int(a[:, 4].sum())}/{len(r)}"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-tables", type=int, default=100_000, help="2x2x2 tables (Dirichlet(1))")
    ap.add_argument("--n-tables-large", type=int, default=200, help="4x4x3 tables (Dirichlet(0.3))")
    ap.add_argument("--budget", type=float, default=1.0, help="time budget per 4x4x3 table, s")
    ap.add_argument(
        "--max-nodes",
        type=int,
        default=20000,
        help="node cap per table; with a large --budget it makes runs load-independent",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="2,000 and 20 tables")
    ap.add_argument("--paper-size", action="store_true", help="only the 20x20x10 study")
    ap.add_argument("--n-dirichlet", type=int, default=50, help="Dirichlet(0.3) 20x20x10 tables")
    args = ap.parse_args(argv)
    if args.paper_size:
        run_paper_size(args.n_dirichlet, args.seed)
        return 0
    n_small, n_large = args.n_tables, args.n_tables_large
    if args.quick:
        n_small, n_large = min(n_small, 2000), min(n_large, 20)
    if n_small > 0:
        run_study((2, 2, 2), 1.0, n_small, args.budget, args.seed, args.workers, chunk=2000)
    if n_large > 0:
        run_study(
            (4, 4, 3),
            0.3,
            n_large,
            args.budget,
            args.seed,
            args.workers,
            chunk=5,
            max_nodes=args.max_nodes,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
