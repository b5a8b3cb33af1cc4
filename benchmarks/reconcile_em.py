"""Reconciliation of bootstrap replicates: plain EM against SQUAREM-accelerated EM.

For sample tables of a few shapes (three sources drawn from one joint, then resampled as a
bootstrap replicate is), both variants run at the replicate settings (tol 1e-7, at most 500
steps), alternately on the same tables in this process. Printed per case: median and largest
EM steps, total time and its ratio (SQUAREM / plain), the largest distance of the reconciled
marginals to the maximum-likelihood ones (a SQUAREM run to tol 1e-13) and the largest
log-likelihood shortfall (nats) from that maximum.

    python benchmarks/reconcile_em.py            # 30 replicates per case
    python benchmarks/reconcile_em.py --reps 100
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from mmbounds.marginals import log_likelihood, reconcile_ml

# (name, shape, sample size of D1 and D2 (DM twice that), Dirichlet alpha of the joint)
CASES = [
    ("4x4x3 dense, n=2000", (4, 4, 3), 2000, 1.0),
    ("8x8x2 clustered, n=750", (8, 8, 2), 750, 0.2),
    ("6x6x10 sparse, n=500", (6, 6, 10), 500, 0.1),
    ("2x2x2 tiny, n=4", (2, 2, 2), 4, 1.0),
]


def _replicates(shape, n, alpha, reps, rng):
    p = rng.dirichlet(np.full(int(np.prod(shape)), alpha)).reshape(shape)
    sizes = (n, n, 2 * n)
    sample = [
        rng.multinomial(k, t.ravel()).reshape(t.shape).astype(float)
        for k, t in zip(sizes, (p.sum(1), p.sum(0), p.sum(2)))
    ]
    out = []
    for _ in range(reps):
        draw = [
            rng.multinomial(k, (t / t.sum()).ravel()).reshape(t.shape) / k
            for k, t in zip(sizes, sample)
        ]
        out.append(tuple(draw))
    return out, np.array(sizes, dtype=float)


def _margins(q):
    return np.concatenate([q.sum(1).ravel(), q.sum(0).ravel(), q.sum(2).ravel()])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    print(
        f"{'case':26s} {'variant':8s} {'steps med/max':>14s} {'time s':>8s} "
        f"{'dist to ML':>11s} {'loglik gap':>11s}"
    )
    for name, shape, n, alpha in CASES:
        tables, w = _replicates(shape, n, alpha, args.reps, rng)
        stats = {"plain": [], "squarem": []}
        for p in tables:
            best = reconcile_ml(*p, w, 1e-13, 50000, accelerate=True)[0]
            top = log_likelihood(best, *p, w)
            for variant in ("plain", "squarem"):
                t0 = time.perf_counter()
                q, it, _ = reconcile_ml(*p, w, 1e-7, 500, accelerate=variant == "squarem")
                dt = time.perf_counter() - t0
                dist = float(np.abs(_margins(q) - _margins(best)).max())
                stats[variant].append((it, dt, dist, top - log_likelihood(q, *p, w)))
        total = {}
        for variant, rows in stats.items():
            a = np.array(rows)
            total[variant] = a[:, 1].sum()
            print(
                f"{name:26s} {variant:8s} {np.median(a[:, 0]):7.0f}/{a[:, 0].max():<6.0f} "
                f"{a[:, 1].sum():8.3f} {a[:, 2].max():11.1e} {a[:, 3].max():11.1e}"
            )
        print(f"{'':26s} time ratio squarem/plain {total['squarem'] / total['plain']:.2f}")


if __name__ == "__main__":
    main()
