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
