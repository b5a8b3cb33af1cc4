"""Chord relaxation and branch-and-bound for ``min { H(r) : r ∈ Δ12 }``, and a witness search.

Δ12 is the polytope of tables ``r >= 0`` on ``X1 × X2 × Y`` with the three given pairwise marginals.
Each cell obeys ``0 <= r_c <= u_c = min(p12[i, j], p1y[i, k], p2y[j, k])``; cells with ``u_c = 0``
are fixed at 0 and removed. On a box ``l <= r <= u`` the concave ``φ(r) = -r log2 r`` lies above
its secant

.. math:: s_c(r) = φ(l_c) + \\frac{φ(u_c) - φ(l_c)}{u_c - l_c} (r - l_c),

and ``Σ_c s_c`` is the convex envelope of ``Σ_c φ(r_c)`` on the box (Falk and Soland 1969). So the
LP ``min { Σ_c s_c(r_c) : A r = b, l <= r <= u }`` is a lower bound on the minimum entropy over the
box. Branch-and-bound splits the box of the cell with the largest secant error at the LP solution's
value (ω-subdivision), so both children contain that solution and are non-empty; nodes are explored
best-first.

**Certification.** An LP solver's objective can sit slightly above the true LP optimum
(tolerances), so it is not used as the bound. For *any* multipliers ``y`` weak duality with the box
gives

.. math::

    \\min_{A r = b,\\, l <= r <= u} β^T r >= y^T b + Σ_c \\min(d_c l_c, d_c u_c),
    \\quad d = β - A^T y,

which is evaluated in floating point from the solver's row duals and lowered by a small margin for
rounding. Every LP solution satisfies ``A r = b`` up to the solver tolerance; the final witness is
polished onto its support by least squares so its marginals match to ~1e-15.

**Witness search.** Successive linear programming: at a feasible ``r`` take ``g = ∇H(r)`` and move
to ``argmin { g^T x : x ∈ Δ12 }``; concavity gives ``H(x) <= H(r) + g^T (x - r) <= H(r)``, so the
entropy never increases and the iteration stops at a vertex. It is restarted from random vertices.

References
----------
J. E. Falk, R. M. Soland, "An algorithm for separable nonconvex programming problems",
Management Science 15(9), 1969.
H. Tuy, *Convex Analysis and Global Optimization*, 2nd ed., Springer, 2016 (concave minimization,
ω-subdivision).
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

import numpy as np

from ..info import LN2, neg_xlog2x
from ._delta_lp import DeltaLP

__all__: list[str] = []

_INV_LN2 = 1.0 / LN2


def entropy_bits(r: np.ndarray) -> float:
    """Entropy in bits of the table ``r`` with negative rounding noise clipped to 0."""
    return float(np.sum(neg_xlog2x(np.clip(r, 0.0, None))))


def secants(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Intercept ``α`` and slope ``β`` of the secant of φ on ``[lo, hi]`` (so ``α + β r <= φ(r)``).

    For a degenerate interval (``hi - lo`` below 1e-14 relative) the constant ``min(φ(lo), φ(hi))``
    is used, which is still below φ on the interval by concavity.
    """
    flo, fhi = neg_xlog2x(lo), neg_xlog2x(hi)
    width = hi - lo
    ok = width > 1e-14 * np.maximum(hi, 1e-300)
    beta = np.zeros_like(lo)
    beta[ok] = (fhi[ok] - flo[ok]) / width[ok]
    alpha = np.where(ok, flo - beta * lo, np.minimum(flo, fhi))
    return alpha, beta


def tighten_bounds(
    lp: DeltaLP,
    lo: np.ndarray,
    hi: np.ndarray,
    deadline: float = np.inf,
    max_lp: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Optimization-based bound tightening: certified ``min``/``max`` of each cell over Δ12 ∩ box.

    Each new bound comes from :meth:`DeltaLP.lagrangian_bound`, so the box still contains every
    point of Δ12 ∩ [lo, hi]; tighter boxes make tighter secants. When ``max_lp`` LPs (two per
    cell) cannot cover every cell, the cells with the largest ``hi`` (the widest secants) are
    taken; stops early (still valid) at ``deadline``.
    """
    lo, hi = lo.copy(), hi.copy()
    m = lp.n_cells
    order = np.arange(m)  # every cell in its order; under an LP cap the widest boxes first
    if max_lp is not None and 2 * m > max_lp:
        order = np.argsort(-hi, kind="stable")[: max_lp // 2]
    for c in order:
        if time.perf_counter() >= deadline:
            break
        for sign in (1.0, -1.0):
            cost = np.zeros(m)
            cost[c] = sign
            _, y = lp.solve(cost, lo, hi)
            if y is None:
                continue
            val = lp.lagrangian_bound(cost, y, lo, hi)
            if sign > 0:
                lo[c] = max(lo[c], min(val, hi[c]))
            else:
                hi[c] = min(hi[c], max(-val, lo[c]))
    return lo, hi


def slp_descent(
    lp: DeltaLP,
    x: np.ndarray,
    *,
    max_iter: int = 50,
    deadline: float = np.inf,
    max_lp: int | None = None,
) -> tuple[np.ndarray, float]:
    """Successive-LP descent of ``H`` from the feasible point ``x``; returns (point, entropy bits).

    Stops at a fixed point (a vertex), after ``max_iter`` LPs, once ``lp`` has solved ``max_lp``
    LPs in all, or at ``deadline``.
    """
    h = entropy_bits(x)
    for _ in range(max_iter):
        if time.perf_counter() >= deadline or (max_lp is not None and lp.n_lp >= max_lp):
            break
        g = -np.log2(np.maximum(x, 1e-12)) - _INV_LN2
        xn, _ = lp.solve(g)
        if xn is None:
            break
        hn = entropy_bits(xn)
        if hn >= h - 1e-12:
            break
        x, h = xn, hn
    return x, h


@dataclass(order=True)
class _Node:
    """An open box: certified bound, LP solution ``x`` and its secant errors ``err``."""

    bound: float
    seq: int
    lo: np.ndarray = field(compare=False)
    hi: np.ndarray = field(compare=False)
    y: np.ndarray | None = field(compare=False)
    x: np.ndarray = field(compare=False)
    err: np.ndarray = field(compare=False)


@dataclass
class BnBResult:
    lower: float
    best_x: np.ndarray
    best_h: float
    n_nodes: int
    status: str


def branch_and_bound(
    lp: DeltaLP,
    *,
    incumbent: tuple[np.ndarray, float] | None,
    lower_floor: float,
    deadline: float,
    max_nodes: int,
    gap_tol: float,
    max_lp: int | None = None,
    obbt_lp: int | None = None,
    obbt: bool = True,
    split: str = "omega",
    propagate: bool = True,
    progress=None,
) -> BnBResult:
    """Best-first chord branch-and-bound; the returned ``lower`` is certified (bits).

    ``lower_floor`` is another valid lower bound (e.g. the pairings bound): it only serves the
    stopping test ``best_h - max(lower, lower_floor) <= gap_tol``. ``incumbent`` seeds the best
    feasible point. ``obbt`` tightens the root box by LP (``obbt_lp`` LPs; None: every cell, or a
    third of the remaining time when ``deadline`` is finite); ``split``
    is ``"omega"`` (at the LP value; both children non-empty) or ``"bisect"``; ``propagate`` runs
    interval propagation on each child box. ``progress`` is an optional tqdm bar (one tick a node).
    """
    m = lp.n_cells
    best_x, best_h = incumbent if incumbent is not None else (None, np.inf)
    heap: list[_Node] = []
    closed_min = np.inf  # smallest certified bound among fathomed leaves
    seq = 0

    def evaluate(lo: np.ndarray, hi: np.ndarray, parent_bound: float, y_parent):
        nonlocal best_x, best_h
        alpha, beta = secants(lo, hi)
        x, y = lp.solve(beta, lo, hi)
        const = float(alpha.sum())
        bnd = const + lp.lagrangian_bound(beta, y if y is not None else y_parent, lo, hi)
        bnd = max(bnd, parent_bound)
        if x is not None:
            hx = entropy_bits(x)
            if hx < best_h:
                best_x, best_h = x, hx
        return bnd, x, y, alpha, beta

    root_lo, root_hi = np.zeros(m), lp.ub.copy()
    if obbt:
        # a deterministic LP count; with a wall clock, also at most a third of the remaining time
        obbt_deadline = np.inf
        if np.isfinite(deadline):
            obbt_deadline = time.perf_counter() + (deadline - time.perf_counter()) / 3.0
        root_lo, root_hi = tighten_bounds(lp, root_lo, root_hi, obbt_deadline, obbt_lp)
    bnd, x, y, alpha, beta = evaluate(root_lo, root_hi, -np.inf, None)
    n_nodes = 1
    pending = [(bnd, root_lo, root_hi, x, y, alpha, beta)]
    status = "optimal"
    while True:
        # expand pending evaluated nodes: either fathom or push to the heap with its branching data
        for bnd, lo, hi, x, y, alpha, beta in pending:
            if x is None:
                closed_min = min(closed_min, bnd)  # cannot branch without a point; keep its bound
                continue
            err = neg_xlog2x(x) - (alpha + beta * x)
            if bnd >= best_h - 0.1 * gap_tol or err.max() <= 1e-12:
                closed_min = min(closed_min, bnd)
                continue
            seq += 1
            heapq.heappush(heap, _Node(bnd, seq, lo, hi, y, x, err))
        pending = []
        lower = min(closed_min, heap[0].bound if heap else np.inf, best_h)
        if not heap or best_h - max(lower, lower_floor) <= gap_tol:
            break
        if n_nodes >= max_nodes or (max_lp is not None and lp.n_lp >= max_lp):
            status = "max_iter"
            break
        if time.perf_counter() >= deadline:
            status = "time_budget"
            break
        node = heapq.heappop(heap)
        if node.bound >= best_h - 0.1 * gap_tol:
            closed_min = min(closed_min, node.bound)
            continue
        c = int(np.argmax(node.err))
        s = float(node.x[c])
        if split == "bisect":
            s = 0.5 * (node.lo[c] + node.hi[c])
        lo1, hi1 = node.lo, node.hi.copy()
        hi1[c] = s
        lo2, hi2 = node.lo.copy(), node.hi
        lo2[c] = s
        for lo_, hi_ in ((lo1, hi1), (lo2, hi2)):
            if propagate:
                lo_, hi_ = lp.propagate(lo_, hi_)
            res = evaluate(lo_, hi_, node.bound, node.y)
            pending.append((res[0], lo_, hi_, *res[1:]))
            n_nodes += 1
            if progress is not None:
                progress.update(1)
    lower = min(closed_min, heap[0].bound if heap else np.inf, best_h)
    if best_x is None:  # pragma: no cover - HiGHS failed on every node
        best_x = np.zeros(m)
    return BnBResult(float(lower), best_x, float(best_h), n_nodes, status)


#: the eight corners of a 2×2×2 sub-table and the signs of the move that keeps its marginals
_CORNERS = np.array([(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)])
_SIGNS = np.where(_CORNERS.sum(axis=1) % 2 == 0, 1.0, -1.0)


def cube_descent(
    r: np.ndarray, rng: np.random.Generator, *, n_rounds: int = 40, batch: int = 2000
) -> tuple[np.ndarray, float]:
    """Local search for a low-entropy table with the marginals of ``r``: 2×2×2 exchange moves.

    Adding ``t`` times the ``±1`` pattern ``(-1)^(a+b+c)`` on the sub-table ``{i,i'} × {j,j'} ×
    {k,k'}`` keeps all three pairwise marginals, and ``H`` is concave along it, so the better end
    of the feasible segment (where some cell reaches 0) never has a larger entropy. Each round
    draws ``batch`` sub-tables through two cells of the support and applies the improving moves,
    best first, that share no cell with a move applied before in the round. Returns the table
    (a copy; it keeps the marginals up to rounding, ~1e-16 per move) and its entropy in bits.
    """
    r = np.array(r, dtype=np.float64, copy=True)
    shape = r.shape
    if min(shape) < 2:
        return r, entropy_bits(r)
    flat = r.ravel()
    strides = np.array([shape[1] * shape[2], shape[2], 1])
    for _ in range(n_rounds):
        supp = np.flatnonzero(flat > 0)
        if supp.size < 2:
            break
        a = np.array(np.unravel_index(rng.choice(supp, batch), shape)).T  # (batch, 3)
        b = np.array(np.unravel_index(rng.choice(supp, batch), shape)).T
        ok = np.all(a != b, axis=1)
        a, b = a[ok], b[ok]
        if a.shape[0] == 0:
            continue
        coords = np.where(_CORNERS[None, :, :] == 0, a[:, None, :], b[:, None, :])
        cells = coords @ strides  # (n, 8)
        vals = flat[cells]
        pos, neg = _SIGNS > 0, _SIGNS < 0
        t_hi = vals[:, neg].min(axis=1)  # +t lowers the "-" cells
        t_lo = -vals[:, pos].min(axis=1)
        h0 = neg_xlog2x(vals).sum(axis=1)
        h_hi = neg_xlog2x(np.clip(vals + t_hi[:, None] * _SIGNS, 0.0, None)).sum(axis=1)
        h_lo = neg_xlog2x(np.clip(vals + t_lo[:, None] * _SIGNS, 0.0, None)).sum(axis=1)
        gain = np.minimum(h_hi, h_lo) - h0
        t = np.where(h_hi <= h_lo, t_hi, t_lo)
        cand = np.flatnonzero((gain < -1e-12) & (t != 0))
        if cand.size == 0:
            continue
        used = np.zeros(flat.size, dtype=bool)
        for q in cand[np.argsort(gain[cand], kind="stable")]:
            cq = cells[q]
            if used[cq].any():
                continue
            used[cq] = True
            new = flat[cq] + t[q] * _SIGNS
            # the limiting cell ends exactly at 0; rounding never leaves a negative
            new[np.argmin(np.abs(new))] = 0.0
            flat[cq] = np.clip(new, 0.0, None)
    return r, entropy_bits(r)
