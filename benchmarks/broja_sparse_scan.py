"""Robustness scan of the fast BROJA solver: how often it ends without an optimal certificate.

Three families of sparse tables, ``--n`` of each: random Dirichlet(0.05-0.3) joints from 5x5x2 to
30x30x6 with random zero patterns (values of a source restricted to label subsets); the same with
about a tenth of the cells ``p(x1, y)`` scaled to ~1e-13 (the tiny cells that the reconciliation of
sample tables leaves); and multinomial resamples (n = 100, 333, 1000) of the two saved bootstrap
tables of ``redundant_20x20x5`` in ``tests/data`` with 3% of their positive cells scaled by 1e-12.
Prints the solver's status counts per family (``optimal``, ``numerical_error``, ``max_iter``).

    python benchmarks/broja_sparse_scan.py --n 400 --seed 0 --tol 1e-6
"""

from __future__ import annotations

import argparse
import collections
import time
import warnings
from pathlib import Path

import numpy as np

from mmbounds.solvers.broja import broja_fast

SHAPES = [(5, 5, 2), (8, 8, 3), (10, 10, 3), (12, 10, 4), (15, 15, 4), (20, 20, 5), (25, 20, 5)]
SHAPES.append((30, 30, 6))
DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def _joint(rng: np.random.Generator, tiny: bool) -> tuple[np.ndarray, np.ndarray] | None:
    n1, n2, ny = SHAPES[rng.integers(len(SHAPES))]
    p = rng.dirichlet(np.full(n1 * n2 * ny, rng.uniform(0.05, 0.3))).reshape(n1, n2, ny)
    p = p * (rng.random((n1, 1, ny)) > rng.uniform(0, 0.6))
    p = p * (rng.random((1, n2, ny)) > rng.uniform(0, 0.6))
    if tiny:
        p = np.where(rng.random((n1, 1, ny)) < 0.1, p * 1e-12, p)
    if p.sum() == 0:
        return None
    p = p / p.sum()
    return p.sum(1), p.sum(0)


def _resample(rng: np.random.Generator, p1: np.ndarray, p2: np.ndarray) -> tuple[np.ndarray, ...]:
    c1 = rng.multinomial(rng.choice([100, 333, 1000]), p1.ravel()).reshape(p1.shape).astype(float)
    c2 = np.zeros_like(p2)
    for y in np.flatnonzero(c1.sum(0)):  # p(x2 | y) resampled with the counts of y in c1
        c2[:, y] = rng.multinomial(int(c1[:, y].sum()), p2[:, y] / p2[:, y].sum())
    for c in (c1, c2):
        c[(rng.random(c.shape) < 0.03) & (c > 0)] *= 1e-12
    c2 = c2 * (c1.sum(0) / np.where(c2.sum(0) > 0, c2.sum(0), 1.0))[None, :]
    return c1 / c1.sum(), c2 / c1.sum()


def scan(tables: list, tol: float) -> tuple[collections.Counter, list[int], float]:
    counts: collections.Counter = collections.Counter()
    bad = []
    t0 = time.perf_counter()
    for k, (p1, p2) in enumerate(tables):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            status = broja_fast(p1, p2, tol=tol, max_iter=2000).info.status
        counts[status] += 1
        if status != "optimal":
            bad.append(k)
    return counts, bad, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400, help="tables per family")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tol", type=float, default=1e-6, help="certified gap, bits")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    saved = [np.load(DATA / f"broja_tiny_cells_{s}.npz") for s in (1, 9)]
    base = [(d["p1"], d["p2"]) for d in saved]
    families = {
        "random sparse Dirichlet(0.05-0.3)": lambda: _joint(rng, False),
        "random sparse, ~1e-13 cells": lambda: _joint(rng, True),
        "resampled sample tables": lambda: _resample(rng, *base[rng.integers(2)]),
    }
    for name, draw in families.items():
        tables: list = []
        while len(tables) < args.n:
            t = draw()
            if t is not None:
                tables.append(t)
        counts, bad, sec = scan(tables, args.tol)
        print(f"{name}: {args.n} tables, {dict(counts)}, failed {bad[:10]}, {sec:.1f} s")


if __name__ == "__main__":
    main()
