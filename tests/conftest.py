"""Shared fixtures: canonical tables from DESIGN.md §2 and seeded random joints."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


def gate(f) -> np.ndarray:
    """Joint of two uniform bits x1, x2 and y = f(x1, x2)."""
    out = {}
    for a in (0, 1):
        for b in (0, 1):
            out[(a, b)] = f(a, b)
    ny = max(out.values()) + 1
    p = np.zeros((2, 2, ny))
    for (a, b), y in out.items():
        p[a, b, y] += 0.25
    return p


def copy_all() -> np.ndarray:
    p = np.zeros((2, 2, 2))
    p[0, 0, 0] = p[1, 1, 1] = 0.5
    return p


# name -> (joint, R, U1, U2, S) in bits (DESIGN.md §2)
CANONICAL = {
    "xor": (gate(lambda a, b: a ^ b), 0.0, 0.0, 0.0, 1.0),
    "and": (gate(lambda a, b: a & b), 0.311278124459, 0.0, 0.0, 0.5),
    "or": (gate(lambda a, b: a | b), 0.311278124459, 0.0, 0.0, 0.5),
    "unique1": (gate(lambda a, b: a), 0.0, 1.0, 0.0, 0.0),
    "redundant": (copy_all(), 1.0, 0.0, 0.0, 0.0),
    "copy": (gate(lambda a, b: 2 * a + b), 0.0, 1.0, 1.0, 0.0),
}


def random_table(rng: np.random.Generator, shape: tuple[int, ...], sparse: bool) -> np.ndarray:
    """Dirichlet(1) table; ``sparse`` zeroes about 60% of the cells (at least one cell kept)."""
    p = rng.dirichlet(np.ones(int(np.prod(shape))))
    if sparse:
        keep = rng.random(p.size) < 0.4
        keep[rng.integers(p.size)] = True
        p = p * keep
    return (p / p.sum()).reshape(shape)


@pytest.fixture(params=sorted(CANONICAL))
def canonical(request):
    return request.param, CANONICAL[request.param]


def clustered_table(n1: int, n2: int, ny: int, seed: int, reach: int = 2) -> np.ndarray:
    """A joint where each label owns a block of x1 and x2 values and reaches ``reach`` values into
    the next label's block (sparse p(x1, y), p(x2, y); a slow case for IPF)."""
    rng = np.random.default_rng(seed)
    p = np.zeros((n1, n2, ny))
    b1, b2 = np.array_split(rng.permutation(n1), ny), np.array_split(rng.permutation(n2), ny)
    for y in range(ny):
        i = np.concatenate([b1[y], b1[(y + 1) % ny][:reach]])
        j = np.concatenate([b2[y], b2[(y + 1) % ny][:reach]])
        p[np.ix_(i, j, [y])] = rng.dirichlet(np.ones(i.size * j.size)).reshape(i.size, j.size, 1)
    return p / p.sum()


def sparse_dirichlet_table(rng: np.random.Generator, shape: tuple[int, int, int] | None = None):
    """A joint on which IPF is slow: Dirichlet(alpha) cells, ``alpha`` in 0.05-0.2 (many near-zero
    cells), and in half of the draws structural zeros on 10-60% of the cells (proper faces of the
    marginals' table set). The shape is drawn from 2-6 per axis unless given."""
    if shape is None:
        shape = tuple(int(v) for v in rng.integers(2, 7, size=3))
    alpha = float(rng.uniform(0.05, 0.2))
    p = rng.dirichlet(np.full(int(np.prod(shape)), alpha)).reshape(shape)
    if rng.random() < 0.5:
        p = p * (rng.random(shape) >= rng.uniform(0.1, 0.6))
    if not p.sum() > 0:
        p.flat[rng.integers(p.size)] = 1.0
    return p / p.sum()
