"""Small exact joint tables over ``(x1, x2, y)``: bitwise tasks and random Dirichlet tables.

The bitwise tasks are the textbook interactions used to check a partial information decomposition
(DESIGN.md §2, PAPER_NOTES "Synthetic study"): AND, OR, XOR, copies, and mixtures in which a shared
bit is copied into both modalities and the label. Every table has axes ``(x1, x2, y)`` and sums to
1.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), synthetic study.
N. Bertschinger, J. Rauh, E. Olbrich, J. Jost, N. Ay, "Quantifying unique information",
Entropy 16(4), 2014 (reference decompositions of the bitwise tasks).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from .._validation import check_option, check_random_state, check_scalar, check_table

__all__ = ["BITWISE_TASKS", "bitwise_joint", "random_joint", "sample_joint"]

_OPS: dict[str, Callable[[int, int], int]] = {
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
}

#: Names accepted by :func:`bitwise_joint`, with the table shape ``(|X1|, |X2|, |Y|)``.
BITWISE_TASKS: dict[str, tuple[int, int, int]] = {
    "and": (2, 2, 2),
    "or": (2, 2, 2),
    "xor": (2, 2, 2),
    "unique1": (2, 2, 2),
    "unique2": (2, 2, 2),
    "redundant": (2, 2, 2),
    "copy": (2, 2, 4),
    "redundant_unique": (4, 2, 4),
    "redundant_and": (4, 4, 4),
    "redundant_or": (4, 4, 4),
    "redundant_xor": (4, 4, 4),
}


def bitwise_joint(name: str) -> np.ndarray:
    """Exact joint table ``p(x1, x2, y)`` of a named bitwise task.

    ``a``, ``b`` and ``c`` denote independent uniform bits; a pair of bits ``(u, v)`` is encoded as
    the integer ``2 * u + v``.

    ==================  =====================  =====================  ========================
    name                x1                     x2                     y
    ==================  =====================  =====================  ========================
    ``"and"``           a                      b                      a AND b
    ``"or"``            a                      b                      a OR b
    ``"xor"``           a                      b                      a XOR b
    ``"unique1"``       a                      b                      a
    ``"unique2"``       a                      b                      b
    ``"redundant"``     c                      c                      c
    ``"copy"``          a                      b                      (a, b)
    ``"redundant_unique"``  (c, a)             c                      (c, a)
    ``"redundant_and"``  (c, a)                (c, b)                 (c, a AND b)
    ``"redundant_or"``  (c, a)                 (c, b)                 (c, a OR b)
    ``"redundant_xor"``  (c, a)                (c, b)                 (c, a XOR b)
    ==================  =====================  =====================  ========================

    In the ``redundant_*`` mixtures the shared bit ``c`` is copied into both modalities and the
    label, so each mixture is an independent product of the redundant task and a second task.

    Parameters
    ----------
    name : str
        One of :data:`BITWISE_TASKS`.

    Returns
    -------
    ndarray of float64, shape ``BITWISE_TASKS[name]``
        The joint table over ``(x1, x2, y)``; it sums to 1.

    Raises
    ------
    ValueError
        If ``name`` is not a known task.

    Notes
    -----
    Reference decompositions in bits (DESIGN.md §2; the mixtures add the parts of their two
    independent factors, a property of the BROJA decomposition on independent sub-systems):
    xor ``S = 1``; and/or ``R = 0.3113, S = 0.5``; unique1 ``U1 = 1``; unique2 ``U2 = 1``;
    redundant ``R = 1``; copy ``U1 = U2 = 1``; redundant_unique ``R = U1 = 1``;
    redundant_and/or ``R = 1.3113, S = 0.5``; redundant_xor ``R = 1, S = 1``.

    Examples
    --------
    >>> p = bitwise_joint("xor")
    >>> p.shape, float(p.sum())
    ((2, 2, 2), 1.0)
    >>> float(p[1, 1, 0]), float(p[1, 1, 1])
    (0.25, 0.0)
    """
    check_option(name, name="name", options=BITWISE_TASKS)
    p = np.zeros(BITWISE_TASKS[name])
    bits = (0, 1)
    if name in _OPS:
        for a in bits:
            for b in bits:
                p[a, b, _OPS[name](a, b)] += 0.25
    elif name in ("unique1", "unique2", "copy"):
        for a in bits:
            for b in bits:
                y = {"unique1": a, "unique2": b, "copy": 2 * a + b}[name]
                p[a, b, y] += 0.25
    elif name == "redundant":
        p[0, 0, 0] = p[1, 1, 1] = 0.5
    elif name == "redundant_unique":
        for c in bits:
            for a in bits:
                p[2 * c + a, c, 2 * c + a] += 0.25
    else:
        op = _OPS[name.removeprefix("redundant_")]
        for c in bits:
            for a in bits:
                for b in bits:
                    p[2 * c + a, 2 * c + b, 2 * c + op(a, b)] += 0.125
    return p


def random_joint(
    shape: tuple[int, ...] = (2, 2, 2),
    *,
    alpha: float = 1.0,
    size: int | None = None,
    random_state: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Random joint table(s) drawn from a symmetric Dirichlet distribution over all cells.

    Parameters
    ----------
    shape : tuple of int
        Table shape, e.g. ``(|X1|, |X2|, |Y|)``; every entry >= 1.
    alpha : float
        Dirichlet concentration (> 0). ``alpha = 1`` is uniform on the simplex (the paper's study);
        ``alpha < 1`` gives sparser, more deterministic tables (more high-synergy cases).
    size : int or None
        Number of tables. None returns one table of ``shape``; an int returns ``(size, *shape)``.
    random_state : None, int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    ndarray of float64, shape ``shape`` or ``(size, *shape)``
        Table(s) summing to 1.

    Examples
    --------
    >>> p = random_joint((2, 3, 2), random_state=0)
    >>> p.shape, round(float(p.sum()), 12)
    ((2, 3, 2), 1.0)
    >>> random_joint(size=5, random_state=0).shape
    (5, 2, 2, 2)
    """
    shape = _check_shape(shape)
    # above 1e12 the table is the uniform one to 1e-6 and the draws' sums could overflow; below
    # 1e-300 (a point mass at a random cell to all digits) 1 / alpha overflows
    check_scalar(alpha, name="alpha", min_val=1e-300, max_val=1e12)
    if size is not None:
        check_scalar(size, name="size", kind=numbers.Integral, min_val=1)
    rng = check_random_state(random_state)
    n_cells = int(np.prod(shape))
    n = 1 if size is None else int(size)
    # Normalized Gamma(alpha) draws: Dirichlet(alpha, ..., alpha); robust for tiny alpha too.
    g = rng.gamma(float(alpha), size=(n, n_cells))
    totals = g.sum(axis=1, keepdims=True)
    bad = totals[:, 0] <= 0
    if np.any(bad):  # every cell underflowed (alpha below about 1e-8): the draws in logs
        # Gamma(alpha) = Gamma(alpha + 1) U^(1 / alpha), normalised as a softmax of the logs
        k = int(bad.sum())
        logs = np.log(rng.gamma(float(alpha) + 1.0, size=(k, n_cells)))
        logs += np.log(rng.random((k, n_cells))) / float(alpha)
        g[bad] = np.exp(logs - logs.max(axis=1, keepdims=True))
        totals = g.sum(axis=1, keepdims=True)
    tables = (g / totals).reshape((n, *shape))
    return tables[0] if size is None else tables


def sample_joint(
    p: np.ndarray,
    n: int,
    random_state: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, ...]:
    """Draw ``n`` discrete samples from a joint table.

    Parameters
    ----------
    p : array_like, shape ``(|X1|, |X2|, |Y|)`` or any number of axes
        Joint table summing to 1.
    n : int
        Number of samples (>= 1).
    random_state : None, int or numpy.random.Generator
        Seed or generator.

    Returns
    -------
    tuple of ndarray of int64, each shape (n,)
        One array of value indices per axis of ``p``: ``(x1, x2, y)`` for a 3-axis table.

    Raises
    ------
    ValueError
        If ``p`` is not a valid probability table (a scalar included) or ``n < 1``.

    Examples
    --------
    >>> x1, x2, y = sample_joint(bitwise_joint("xor"), 1000, random_state=0)
    >>> bool(((x1 ^ x2) == y).all())
    True
    """
    table = check_table(p, name="p", ndim=None)
    if table.ndim == 0:
        raise ValueError(
            f"p must be a joint table with one axis per variable, e.g. shape (|X1|, |X2|, |Y|), "
            f"got a scalar {float(table)!r}"
        )
    check_scalar(n, name="n", kind=numbers.Integral, min_val=1)
    rng = check_random_state(random_state)
    flat = table.ravel()
    cells = rng.choice(flat.size, size=int(n), p=flat / flat.sum())
    return tuple(np.asarray(idx, dtype=np.int64) for idx in np.unravel_index(cells, table.shape))


def _check_shape(shape: object) -> tuple[int, ...]:
    """Validate a table shape (tuple of positive ints)."""
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or len(shape) == 0:
        raise TypeError(f"shape must be a non-empty tuple of ints, got {shape!r}")
    out = []
    for k in shape:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError(f"shape must contain positive ints, got {tuple(shape)!r}")
        out.append(int(k))
    return tuple(out)
