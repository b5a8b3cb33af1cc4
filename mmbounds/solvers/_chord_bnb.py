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
import scipy.sparse as sp

__all__: list[str] = []

_LN2 = float(np.log(2.0))
_INV_LN2 = 1.0 / _LN2
#: primal/dual tolerances handed to HiGHS. Neither the bound nor the witness polish relies on them,
#: but tight tolerances keep LP solutions close to Δ12.
_LP_TOL = 1e-10


def _quiet_highs(highspy):
    """A ``highspy.Highs`` object, created with the C-level stdout silenced.

    HiGHS prints a licence banner from C++ the first time a solver is created; it would corrupt
    machine-readable output (``mmbounds estimate --format json``).
    """
    import os
    import sys

    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no usable file descriptor 1 (embedded interpreters)
        return highspy.Highs()
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def phi(r: np.ndarray) -> np.ndarray:
    """``-r log2 r`` elementwise, with ``φ(0) = 0`` and no warnings."""
    r = np.asarray(r, dtype=np.float64)
    out = np.zeros_like(r)
    pos = r > 0
    out[pos] = -r[pos] * np.log2(r[pos])
    return out


def entropy_bits(r: np.ndarray) -> float:
    return float(np.sum(phi(np.clip(r, 0.0, None))))


def secants(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Intercept ``α`` and slope ``β`` of the secant of φ on ``[lo, hi]`` (so ``α + β r <= φ(r)``).

    For a degenerate interval (``hi - lo`` below 1e-14 relative) the constant ``min(φ(lo), φ(hi))``
    is used, which is still below φ on the interval by concavity.
    """
    flo, fhi = phi(lo), phi(hi)
    width = hi - lo
    ok = width > 1e-14 * np.maximum(hi, 1e-300)
    beta = np.zeros_like(lo)
    beta[ok] = (fhi[ok] - flo[ok]) / width[ok]
    alpha = np.where(ok, flo - beta * lo, np.minimum(flo, fhi))
    return alpha, beta


@dataclass
class DeltaLP:
    """The polytope Δ12 restricted to its active cells, with a warm-started HiGHS model.

    Attributes
    ----------
    shape : tuple of int
        ``(n_x1, n_x2, n_y)``.
    cells : ndarray of int
        Flat indices (into the full table) of the active cells, those with ``u_c > 0``.
    ub : ndarray
        Cell upper bounds ``u_c``.
    A : scipy.sparse.csr_matrix
        Marginal constraints restricted to active cells and non-empty rows.
    b : ndarray
        The corresponding marginal values.
    """

    shape: tuple[int, int, int]
    cells: np.ndarray
    ub: np.ndarray
    A: sp.csr_matrix
    b: np.ndarray
    _h: object = field(default=None, repr=False)
    _coo: tuple | None = field(default=None, repr=False)
    _At: np.ndarray | None = field(default=None, repr=False)
    n_lp: int = 0

    @classmethod
    def build(cls, p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray) -> DeltaLP:
        n1, ny = p_x1y.shape
        n2 = p_x2y.shape[0]
        u = np.minimum(np.minimum(p_x1x2[:, :, None], p_x1y[:, None, :]), p_x2y[None, :, :])
        cells = np.flatnonzero(u.ravel() > 0)
        i, j, k = np.unravel_index(cells, (n1, n2, ny))
        m = cells.size
        rows = np.concatenate([i * n2 + j, n1 * n2 + i * ny + k, n1 * n2 + n1 * ny + j * ny + k])
        cols = np.tile(np.arange(m), 3)
        n_rows = n1 * n2 + n1 * ny + n2 * ny
        A = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n_rows, m))
        b = np.concatenate([p_x1x2.ravel(), p_x1y.ravel(), p_x2y.ravel()])
        keep = np.diff(A.indptr) > 0
        return cls((n1, n2, ny), cells, u.ravel()[cells], A[keep], b[keep])

    @property
    def n_cells(self) -> int:
        return int(self.cells.size)

    def _model(self):
        if self._h is None:
            import highspy

            h = _quiet_highs(highspy)
            h.setOptionValue("output_flag", False)
            h.setOptionValue("primal_feasibility_tolerance", _LP_TOL)
            h.setOptionValue("dual_feasibility_tolerance", _LP_TOL)
            lp = highspy.HighsLp()
            m = self.n_cells
            Ac = self.A.tocsc()
            lp.num_col_ = m
            lp.num_row_ = int(self.b.size)
            lp.col_cost_ = np.zeros(m)
            lp.col_lower_ = np.zeros(m)
            lp.col_upper_ = self.ub.copy()
            lp.row_lower_ = self.b.copy()
            lp.row_upper_ = self.b.copy()
            lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
            lp.a_matrix_.start_ = Ac.indptr.astype(np.int32)
            lp.a_matrix_.index_ = Ac.indices.astype(np.int32)
            lp.a_matrix_.value_ = Ac.data
            lp.a_matrix_.num_col_ = m
            lp.a_matrix_.num_row_ = int(self.b.size)
            h.passModel(lp)
            self._h = h
            self._idx = np.arange(m, dtype=np.int32)
        return self._h

    def solve(
        self, cost: np.ndarray, lo: np.ndarray | None = None, hi: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Minimize ``cost @ r`` over Δ12 ∩ box; return (solution clipped to the box, row duals).

        Returns ``(None, None)`` when HiGHS does not report an optimum.
        """
        import highspy

        h = self._model()
        m = self.n_cells
        lo = np.zeros(m) if lo is None else lo
        hi = self.ub if hi is None else hi
        h.changeColsCost(m, self._idx, np.ascontiguousarray(cost, dtype=np.float64))
        h.changeColsBounds(m, self._idx, np.ascontiguousarray(lo), np.ascontiguousarray(hi))
        h.run()
        self.n_lp += 1
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            h.clearSolver()
            return None, None
        sol = h.getSolution()
        x = np.clip(np.asarray(sol.col_value, dtype=np.float64), lo, hi)
        y = np.asarray(sol.row_dual, dtype=np.float64)
        return x, y

    def lagrangian_bound(
        self, cost: np.ndarray, y: np.ndarray | None, lo: np.ndarray, hi: np.ndarray
    ) -> float:
        """Certified lower bound on ``min { cost @ r : A r = b, lo <= r <= hi }`` from duals y."""
        if y is None:
            y = np.zeros(self.b.size)
        if self._At is None:
            self._At = self.A.T.toarray()
        d = cost - self._At @ y
        terms = np.where(d > 0, d * lo, d * hi)
        val = float(y @ self.b + terms.sum())
        scale = float(np.abs(y * self.b).sum() + np.abs(terms).sum())
        return val - 1e-12 * (1.0 + scale) - 1e-13

    def propagate(
        self, lo: np.ndarray, hi: np.ndarray, n_pass: int = 3
    ) -> tuple[np.ndarray, np.ndarray]:
        """Interval propagation through the equalities ``Σ_{c ∈ row} r_c = b_row``.

        ``r_c >= b_row - Σ_{c' ≠ c} hi_c'`` and ``r_c <= b_row - Σ_{c' ≠ c} lo_c'``; the new bounds
        are relaxed by ``1e-14`` so floating-point rounding never cuts off a feasible point.
        """
        if self._coo is None:
            coo = self.A.tocoo()
            self._coo = (coo.row, coo.col)
        rows, cols = self._coo
        lo, hi = lo.copy(), hi.copy()
        for _ in range(n_pass):
            s_lo = np.bincount(rows, weights=lo[cols], minlength=self.b.size)
            s_hi = np.bincount(rows, weights=hi[cols], minlength=self.b.size)
            new_lo = self.b[rows] - (s_hi[rows] - hi[cols]) - 1e-14
            new_hi = self.b[rows] - (s_lo[rows] - lo[cols]) + 1e-14
            lo_c = np.full(lo.size, -np.inf)
            hi_c = np.full(hi.size, np.inf)
            np.maximum.at(lo_c, cols, new_lo)
            np.minimum.at(hi_c, cols, new_hi)
            nlo = np.maximum(lo, lo_c)
            nhi = np.minimum(hi, hi_c)
            nlo = np.minimum(nlo, nhi)  # keep the box non-empty (an empty one is infeasible)
            if np.array_equal(nlo, lo) and np.array_equal(nhi, hi):
                break
            lo, hi = nlo, nhi
        return lo, hi

    def full(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros(int(np.prod(self.shape)))
        out[self.cells] = x
        return out.reshape(self.shape)

    def polish(self, x: np.ndarray) -> np.ndarray:
        """Project ``x`` onto ``A r = b`` on its support (least squares); else keep ``x``."""
        supp = x > 1e-13
        if not supp.any():
            return x
        As = self.A[:, supp]
        if As.shape[1] <= 400:
            z, *_ = np.linalg.lstsq(As.toarray(), self.b, rcond=None)
        else:  # large supports: sparse least squares on the correction
            from scipy.sparse.linalg import lsqr

            corr = lsqr(As, self.b - As @ x[supp], atol=1e-15, btol=1e-15, iter_lim=2000)[0]
            z = x[supp] + corr
        res_old = np.max(np.abs(self.A @ x - self.b))
        if z.min() < 0 or np.max(np.abs(As @ z - self.b)) >= res_old:
            return x  # keep the LP point (feasible to the LP tolerance)
        out = np.zeros_like(x)
        out[supp] = z
        return out


def tighten_bounds(
    lp: DeltaLP, lo: np.ndarray, hi: np.ndarray, deadline: float = np.inf
) -> tuple[np.ndarray, np.ndarray]:
    """Optimization-based bound tightening: certified ``min``/``max`` of each cell over Δ12 ∩ box.

    Each new bound comes from :meth:`DeltaLP.lagrangian_bound`, so the box still contains every
    point of Δ12 ∩ [lo, hi]; tighter boxes make tighter secants. Stops early (still valid) at
    ``deadline``.
    """
    lo, hi = lo.copy(), hi.copy()
    m = lp.n_cells
    for c in range(m):
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
    lp: DeltaLP, x: np.ndarray, *, max_iter: int = 50, deadline: float = np.inf
) -> tuple[np.ndarray, float]:
    """Successive-LP descent of ``H`` from the feasible point ``x``; returns (point, entropy bits).

    Stops at a fixed point (a vertex), after ``max_iter`` LPs, or at ``deadline``.
    """
    h = entropy_bits(x)
    for _ in range(max_iter):
        if time.perf_counter() >= deadline:
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
    obbt: bool = True,
    split: str = "omega",
    propagate: bool = True,
    progress=None,
) -> BnBResult:
    """Best-first chord branch-and-bound; the returned ``lower`` is certified (bits).

    ``lower_floor`` is another valid lower bound (e.g. the pairings bound): it only serves the
    stopping test ``best_h - max(lower, lower_floor) <= gap_tol``. ``incumbent`` seeds the best
    feasible point. ``obbt`` tightens the root box by LP (at most a third of the budget); ``split``
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
        # spend at most a third of the remaining budget on bound tightening
        obbt_deadline = time.perf_counter() + (deadline - time.perf_counter()) / 3.0
        root_lo, root_hi = tighten_bounds(lp, root_lo, root_hi, obbt_deadline)
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
            err = phi(x) - (alpha + beta * x)
            if bnd >= best_h - 0.1 * gap_tol or err.max() <= 1e-12:
                closed_min = min(closed_min, bnd)
                continue
            seq += 1
            heapq.heappush(heap, _Node(bnd, seq, lo, hi, y, x, err))
        pending = []
        lower = min(closed_min, heap[0].bound if heap else np.inf, best_h)
        if not heap or best_h - max(lower, lower_floor) <= gap_tol:
            break
        if n_nodes >= max_nodes:
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
