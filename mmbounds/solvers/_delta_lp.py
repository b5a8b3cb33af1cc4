"""The polytope Δ12 as a warm-started HiGHS linear program (:class:`DeltaLP`).

Δ12 is the set of tables ``r >= 0`` on ``X1 × X2 × Y`` with the three given pairwise marginals,
restricted to its active cells (``u_c = min(p12[i, j], p1y[i, k], p2y[j, k]) > 0``). Besides LP
solves over Δ12 ∩ box it gives the certified weak-duality bound, interval propagation and the
least-squares polish of a witness used by :mod:`mmbounds.solvers._chord_bnb`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

__all__: list[str] = []

#: primal/dual tolerances handed to HiGHS. Neither the bound nor the witness polish relies on them,
#: but tight tolerances keep LP solutions close to Δ12.
_LP_TOL = 1e-10
#: simplex iterations of one solve at most (a solve that reaches it reports no optimum, which every
#: caller handles: the node keeps its parent's duals, a witness step stops). The most measured on
#: 16 clustered 20x20x10 tables, 9 random ones up to 10x10x3 and a sparse sample table is 524
_LP_ITERATIONS = 100_000
#: supports up to this many cells are polished by a dense SVD least-squares solve; larger ones by
#: sparse LSQR on the correction (a dense 800 x 400 SVD costs a quarter of a CPU second)
DENSE_POLISH = 100
#: a polished witness whose largest marginal error exceeds this gets the cells of its violated
#: rows added to its support (a well-solved LP point polishes to about 1e-16)
POLISH_TOL = 1e-12
#: rounds of that support growth at most
POLISH_ROUNDS = 4


_HIGHS_LOCK = threading.Lock()
_BANNER_SHOWN: list[bool] = []  # non-empty once a Highs object exists in this process


def _quiet_highs(highspy):
    """A ``highspy.Highs`` object; the first one in the process is created with stdout silenced.

    HiGHS prints a licence banner from C++ the first time a solver is created in a process; it
    would corrupt machine-readable output (``mmbounds estimate --format json``). Redirecting file
    descriptor 1 is process-wide, so it is done once, under a lock: the block bounds of
    :func:`mmbounds.solvers.min_entropy.min_entropy_search` create their models in a second
    thread, and two overlapping redirections could leave stdout pointing at ``/dev/null``.
    """
    if not _BANNER_SHOWN:
        with _HIGHS_LOCK:
            if not _BANNER_SHOWN:
                h = _silenced_highs(highspy)
                _BANNER_SHOWN.append(True)
                return h
    return highspy.Highs()


def _silenced_highs(highspy):
    """``highspy.Highs()`` with file descriptor 1 sent to ``/dev/null`` while it is created."""
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
    b_full : ndarray
        Every marginal value: ``p(x1,x2)``, ``p(x1,y)``, ``p(x2,y)``, flattened and concatenated.
    """

    shape: tuple[int, int, int]
    cells: np.ndarray
    ub: np.ndarray
    A: sp.csr_matrix
    b: np.ndarray
    b_full: np.ndarray | None = field(default=None, repr=False)
    _h: object = field(default=None, repr=False)
    _coo: tuple | None = field(default=None, repr=False)
    _At: np.ndarray | None = field(default=None, repr=False)
    _presolve_off: bool = field(default=False, repr=False)
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
        return cls((n1, n2, ny), cells, u.ravel()[cells], A[keep], b[keep], b_full=b)

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
            h.setOptionValue("simplex_iteration_limit", _LP_ITERATIONS)
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

        Returns ``(None, None)`` when HiGHS does not report an optimum (e.g. after
        :data:`_LP_ITERATIONS` simplex iterations).
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
        status = highspy.HighsModelStatus
        infeasible = (status.kInfeasible, status.kUnboundedOrInfeasible, status.kNotset)
        if h.getModelStatus() in infeasible and not self._presolve_off:
            # HiGHS presolve can declare a feasible Δ12 infeasible when some marginal entries are
            # rounding residues (1e-15 next to 1e-1: a reconciled sample table); without presolve
            # the same LP solves. The model keeps presolve off from then on
            h.clearSolver()
            h.setOptionValue("presolve", "off")
            self._presolve_off = True
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
        """Project ``x`` onto ``A r = b`` near its support (least squares); else keep ``x``.

        First on the support of ``x``. When that leaves a residual above :data:`POLISH_TOL` (an
        LP solution that put a cell of about the solver's feasibility tolerance at zero: the
        equalities cannot hold on its support), the cells of the violated rows join the support
        and the correction is solved again; a correction that turns a cell negative is clipped and
        repeated (:data:`POLISH_ROUNDS` times at most). The result is the point of smallest
        residual among ``x`` and the non-negative corrections.
        """
        x = np.maximum(x, 0.0)  # an unclipped LP point may hold cells of -1e-14
        best, res_best = x, float(np.max(np.abs(self.A @ x - self.b)))
        supp = x > 1e-13
        if not supp.any():
            return x
        z = self._correct(x, supp)
        if z is not None:
            res = float(np.max(np.abs(self.A @ z - self.b)))
            if res < res_best:
                best, res_best = z, res
        for _ in range(POLISH_ROUNDS):
            if res_best <= POLISH_TOL:
                break
            viol = np.abs(self.A @ best - self.b) > POLISH_TOL
            grow = np.zeros(self.n_cells, dtype=bool)
            grow[self.A[viol].indices] = True
            supp = (best > 1e-13) | grow
            z = self._correct(best, supp, clip=True)
            if z is None:
                break
            res = float(np.max(np.abs(self.A @ z - self.b)))
            if res >= res_best:
                break
            best, res_best = z, res
        return best

    def _correct(self, x: np.ndarray, supp: np.ndarray, clip: bool = False) -> np.ndarray | None:
        """``x`` plus the least-norm correction on ``supp`` solving ``A r = b``; None if negative.

        With ``clip``, negative cells of the corrected point are set to zero instead (bounded by
        ``ub``); without it a negative cell rejects the correction.
        """
        As = self.A[:, supp]
        rhs = self.b - self.A @ x
        if As.shape[1] <= DENSE_POLISH:
            corr, *_ = np.linalg.lstsq(As.toarray(), rhs, rcond=None)
        else:  # large supports: sparse least squares
            from scipy.sparse.linalg import lsqr

            corr = lsqr(As, rhs, atol=1e-15, btol=1e-15, iter_lim=2000)[0]
        z = x.copy()
        z[supp] += corr
        if z.min() < 0:
            if not clip:
                return None
            z = np.clip(z, 0.0, self.ub)
        return z
