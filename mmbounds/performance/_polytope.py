"""Accuracy over the joints with given pairwise marginals: linear programs solved by HiGHS.

The joints ``q(x1, x2, y) >= 0`` with ``sum_x2 q = p(x1,y)``, ``sum_x1 q = p(x2,y)`` and
``sum_y q = p(x1,x2)`` form a polytope ``Pi``. The Bayes accuracy of a joint,
``A(q) = sum_{x1,x2} max_y q(x1,x2,y)``, is convex in ``q``; a fixed decision rule
``g(x1, x2)`` has accuracy ``sum q(x1,x2,g(x1,x2))``, linear in ``q``. Over ``Pi``:

* ``min A(q) + <c, q>`` is a linear program (epigraph variables ``t(x1,x2) >= q(x1,x2,y)``);
* ``max A(q) + <c, q>`` maximizes a convex function. It is the mixed-integer program that
  chooses one counted label per cell: ``w <= q``, ``w <= cap * z``, ``sum_y z = 1``, ``z``
  binary, with ``cap(x1,x2,y) = min(p(x1,x2), p(x1,y), p(x2,y))`` (no entry of a joint in
  ``Pi`` exceeds it). Solved to optimality when small; otherwise HiGHS stops after a fixed
  number of branch-and-bound nodes (deterministic) and its dual bound is reported, or, for large
  tables, the LP relaxation ``sum_y w / cap <= 1`` per cell is solved instead. Each of these is a
  valid upper bound; which one was used is recorded.
* ``min / max <c, q>`` (a fixed rule's accuracy) are two linear programs.

Only cells with ``p(x1,x2) > 0``, ``p(x1,y) > 0`` and ``p(x2,y) > 0`` carry variables. The ends
of the LPs are certified by their duals (a dual point gives a bound whatever the solver's
tolerances), then moved outward by ``PAD`` (1e-9, float rounding); the MILP's dual bound is moved
by ``MILP_PAD`` (1e-6) to absorb HiGHS's feasibility tolerances.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

__all__ = ["JointPolytope", "PAD", "Range"]

PAD = 1e-9
#: the MILP's dual bound carries HiGHS's feasibility and integrality tolerances: padded more.
#: 1e-6 was not enough: on a Dirichlet(0.1) 3x2x3 table (cells of 1e-7) HiGHS reported the
#: Bayes-minus-late-fusion maximum as -1.18e-6 at optimality while the table itself reaches
#: +7.4e-7 (tests/test_performance.py, hypothesis seed 156)
MILP_PAD = 1e-5
#: LP methods tried in turn (the interior point one is fastest on large tables)
_METHODS = ("highs-ipm", "highs-ds", "highs")
#: slack allowed on the marginal constraints when the tables are consistent only to rounding
ELASTIC = 1e-6
#: above this many binaries the MILP is not attempted; the LP relaxation is the upper bound
MAX_BINARIES = 80


@dataclass(frozen=True, slots=True)
class Range:
    """``[lower, upper]`` of a function over ``Pi``, and how the upper end was obtained.

    ``upper_attained`` is the value at a joint of ``Pi`` the solver found (so the true maximum is
    in ``[upper_attained, upper]``); ``exact`` is True when both ends are optimal; ``method`` is
    ``"lp"`` (linear: two LPs), ``"milp"`` (solved to optimality), ``"milp_budget"`` (node
    budget reached: HiGHS dual bound) or ``"lp_relaxation"``.
    """

    lower: float
    upper: float
    upper_attained: float
    exact: bool
    method: str


class JointPolytope:
    """The joints with pairwise marginals ``p1 = p(x1,y)``, ``p2 = p(x2,y)``, ``p12 = p(x1,x2)``.

    The tables must be consistent (as :class:`mmbounds.Marginals` makes them).

    Examples
    --------
    >>> from mmbounds import Marginals
    >>> from mmbounds.data import bitwise_joint
    >>> m = Marginals.from_joint(bitwise_joint("xor"))
    >>> poly = JointPolytope(m.p_x1y, m.p_x2y, m.p_x1x2)
    >>> poly.shape, poly.nv, round(poly.bayes(poly.vector(bitwise_joint("xor"))), 4)
    ((2, 2, 2), 8, 1.0)
    >>> r = poly.bayes_range()
    >>> round(r.lower, 4), round(r.upper, 4), r.exact
    (0.5, 1.0, True)
    """

    def __init__(self, p1: np.ndarray, p2: np.ndarray, p12: np.ndarray) -> None:
        p1, p2, p12 = (np.asarray(t, dtype=np.float64) for t in (p1, p2, p12))
        n1, ny = p1.shape
        n2 = p2.shape[0]
        self.shape = (n1, n2, ny)
        mask = (p12[:, :, None] > 0) & (p1[:, None, :] > 0) & (p2[None, :, :] > 0)
        a, b, y = np.nonzero(mask)
        self.a, self.b, self.y = a, b, y
        self.nv = int(a.size)
        self.cap = np.minimum(np.minimum(p12[a, b], p1[a, y]), p2[b, y])
        rows = np.concatenate([a * ny + y, n1 * ny + b * ny + y, (n1 + n2) * ny + a * n2 + b])
        rhs = np.concatenate([p1.ravel(), p2.ravel(), p12.ravel()])
        cols = np.tile(np.arange(self.nv), 3)
        used = np.unique(rows)
        # rows of positive mass without any variable would make Pi empty
        if np.any(rhs[np.setdiff1d(np.flatnonzero(rhs > 0), used)] > 1e-9):
            raise ValueError(
                "the marginals are inconsistent (no joint has them); build them with "
                "mmbounds.Marginals, which reconciles inconsistent tables"
            )
        remap = -np.ones(rhs.size, dtype=np.int64)
        remap[used] = np.arange(used.size)
        self.eq = sparse.csr_matrix(
            (np.ones(cols.size), (remap[rows], cols)), shape=(used.size, self.nv)
        )
        self.rhs = rhs[used]
        cells, self.cell = np.unique(a * n2 + b, return_inverse=True)
        self.ncell = int(cells.size)
        self.cell_of = sparse.csr_matrix(
            (np.ones(self.nv), (self.cell, np.arange(self.nv))), shape=(self.ncell, self.nv)
        )

    # ---------------------------------------------------------------------------------- helpers
    def vector(self, table: np.ndarray) -> np.ndarray:
        """A coefficient table restricted to the variables.

        Parameters
        ----------
        table : ndarray, shape (n1, n2, ny)
            Coefficients per joint cell.

        Returns
        -------
        ndarray, shape (nv,)
        """
        return np.asarray(table, dtype=np.float64)[self.a, self.b, self.y]

    def rule_vector(self, rule: np.ndarray) -> np.ndarray:
        """Indicator of ``y == rule[x1, x2]`` on the variables (a decision rule's accuracy).

        Parameters
        ----------
        rule : ndarray of int, shape (n1, n2)
            The label the rule predicts in each cell.

        Returns
        -------
        ndarray, shape (nv,)
        """
        return (np.asarray(rule)[self.a, self.b] == self.y).astype(np.float64)

    def bayes(self, q: np.ndarray) -> float:
        """The Bayes accuracy ``sum_cells max_y q`` of a joint given on the variables.

        Parameters
        ----------
        q : ndarray, shape (nv,)
            A joint restricted to the variables.

        Returns
        -------
        float
        """
        best = np.zeros(self.ncell)
        np.maximum.at(best, self.cell, q)
        return float(best.sum())

    def _lp(
        self,
        c: np.ndarray,
        a_ub: sparse.spmatrix | None,
        b_ub: np.ndarray | None,
        ub_extra: np.ndarray,
    ) -> tuple[np.ndarray, float]:
        """Minimize ``c`` over ``x = (q, extra)``: ``q`` in Pi, ``a_ub @ x <= b_ub``, bounds.

        Returns the minimizer and a *certified* lower bound on the minimum from the duals: for any
        ``y_eq`` and ``y_ub <= 0``, with ``r = c - A_eq^T y_eq - A_ub^T y_ub``, every feasible
        ``0 <= x <= ub`` has ``c @ x >= b_eq @ y_eq + b_ub @ y_ub + sum min(r, 0) ub``. Every
        entry of a joint in Pi is at most its ``cap``, and the extra variables' optima lie below
        ``ub_extra``, so the bound holds for the minimum over Pi.
        """
        n_extra = ub_extra.size
        eq = sparse.hstack([self.eq, sparse.csr_matrix((self.eq.shape[0], n_extra))]).tocsr()
        ub = np.concatenate([self.cap, ub_extra])
        res = self._solve(c, a_ub, b_ub, eq, self.rhs)
        if res is not None:
            y_eq = np.asarray(res.eqlin.marginals)
            r = c - eq.T @ y_eq
            bound = float(self.rhs @ y_eq)
        else:
            # tables consistent only to ~1e-7 (e.g. a reconciled bootstrap replicate): solve over
            # the larger set |A q - b| <= ELASTIC; its min is below Pi's, so the bound stays valid
            a_all = sparse.vstack([eq, -eq] + ([a_ub] if a_ub is not None else [])).tocsr()
            b_all = np.concatenate(
                [self.rhs + ELASTIC, -self.rhs + ELASTIC] + ([b_ub] if a_ub is not None else [])
            )
            res = self._solve(c, a_all, b_all, None, None)
            if res is None:
                raise RuntimeError(
                    "HiGHS could not solve the accuracy LP, with or without presolve, nor with "
                    f"the marginal constraints relaxed by {ELASTIC:g}: the tables may have no "
                    "common joint (build them with mmbounds.Marginals, which reconciles them)"
                )
            a_ub, b_ub = a_all, b_all
            r, bound = c.copy(), 0.0
        if a_ub is not None:
            y_ub = np.minimum(np.asarray(res.ineqlin.marginals), 0.0)
            r = r - a_ub.T @ y_ub
            bound += float(b_ub @ y_ub)
        bound += float(np.minimum(r, 0.0) @ ub)
        return np.asarray(res.x), min(bound, float(c @ res.x))

    @staticmethod
    def _solve(c: np.ndarray, a_ub: Any, b_ub: Any, a_eq: Any, b_eq: Any) -> Any:
        from scipy.optimize import linprog  # here: slow to import with mmbounds

        # interior point is fastest; simplex where it stumbles; then each without presolve, which
        # declared feasible programs infeasible (status 2, then 4 for the elastic one) when
        # reconciled tables kept entries of about 1e-13 (digits halves at 20 clusters, 179
        # labeled samples per source: every bootstrap replicate of performance_bounds failed)
        for presolve in (True, False):
            for method in _METHODS:
                res = linprog(
                    c,
                    A_ub=a_ub,
                    b_ub=b_ub,
                    A_eq=a_eq,
                    b_eq=b_eq,
                    bounds=(0, None),  # x <= ub holds on Pi; as bounds, rounding could empty Pi
                    method=method,
                    options={"presolve": presolve},
                )
                if res.status == 0 and res.x is not None:
                    return res
        return None

    # ----------------------------------------------------------------------------------- ranges
    def linear_range(self, c: np.ndarray) -> Range:
        """``[min, max]`` of ``<c, q>`` over Pi (two LPs, dual-certified ends).

        Parameters
        ----------
        c : ndarray, shape (nv,)
            Linear objective (e.g. :meth:`rule_vector`).

        Returns
        -------
        Range
        """
        if self.nv == 0:
            return Range(0.0, 0.0, 0.0, True, "lp")
        none = np.zeros(0)
        _, lo = self._lp(c, None, None, none)
        xq, neg_hi = self._lp(-c, None, None, none)
        return Range(lo - PAD, -neg_hi + PAD, float(c @ xq), True, "lp")

    def bayes_min(self, c: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """``min_q A(q) + <c, q>`` over Pi (LP), certified by its dual, and a minimizer.

        Parameters
        ----------
        c : ndarray, shape (nv,), optional
            Linear part of the objective (default 0).

        Returns
        -------
        (float, ndarray)
            A certified lower bound on the minimum (equal to it within 1e-9) and the joint.
        """
        nv, nc = self.nv, self.ncell
        if nv == 0:
            return 0.0, np.zeros(0)
        c = np.zeros(nv) if c is None else c
        a_ub = sparse.hstack([sparse.eye(nv), -self.cell_of.T]).tocsr()  # q <= t[cell]
        t_ub = np.zeros(nc)
        np.maximum.at(t_ub, self.cell, self.cap)
        x, bound = self._lp(np.concatenate([c, np.ones(nc)]), a_ub, np.zeros(nv), t_ub)
        return bound - PAD, x[:nv]

    def bayes_max(
        self,
        c: np.ndarray | None = None,
        *,
        max_nodes: int = 200,
        max_binaries: int = MAX_BINARIES,
    ) -> tuple[float, float, str]:
        """A certified upper bound on ``max_q A(q) + <c, q>`` over Pi.

        Parameters
        ----------
        c : ndarray, shape (nv,), optional
            Linear part of the objective (default 0).
        max_nodes : int
            Branch-and-bound node budget of the MILP (deterministic).
        max_binaries : int
            Above this many variables the LP relaxation is solved instead of the MILP.

        Returns
        -------
        (float, float, str)
            The bound, the value at the best joint found, and the method.
        """
        nv = self.nv
        if nv == 0:
            return 0.0, 0.0, "milp"
        c = np.zeros(nv) if c is None else c
        if nv > max_binaries:
            return self._relaxation(c)
        from scipy.optimize import Bounds, LinearConstraint, milp  # here: slow to import

        eye = sparse.eye(nv)
        zero = sparse.csr_matrix((nv, nv))
        m = self.eq.shape[0]
        cons = [
            LinearConstraint(
                sparse.hstack([self.eq, sparse.csr_matrix((m, 2 * nv))]), *[self.rhs] * 2
            ),
            LinearConstraint(
                sparse.vstack(
                    [
                        sparse.hstack([-eye, eye, zero]),
                        sparse.hstack([zero, eye, -sparse.diags(self.cap)]),
                    ]
                ),
                -np.inf,
                0.0,
            ),
            LinearConstraint(
                sparse.hstack([sparse.csr_matrix((self.ncell, 2 * nv)), self.cell_of]), 1.0, 1.0
            ),
        ]
        obj = np.concatenate([-c, -np.ones(nv), np.zeros(nv)])
        res = milp(
            obj,
            constraints=cons,
            integrality=np.concatenate([np.zeros(2 * nv), np.ones(nv)]),
            bounds=Bounds(0.0, np.concatenate([np.full(nv, np.inf), self.cap, np.ones(nv)])),
            options={"node_limit": int(max_nodes), "presolve": True},
        )
        dual = getattr(res, "mip_dual_bound", None)
        if res.status == 0 and res.x is not None:
            bound, method = -float(res.fun), "milp"
            if dual is not None and np.isfinite(dual):
                bound = max(bound, -float(dual))
        elif res.status == 1 and dual is not None and np.isfinite(dual):
            bound, method = -float(dual), "milp_budget"
        else:  # no bound came back: fall back to the relaxation
            return self._relaxation(c)
        attained = -np.inf
        if res.x is not None:
            q = np.clip(res.x[:nv], 0.0, None)
            attained = self.bayes(q) + float(c @ q)
        return bound + MILP_PAD, float(min(attained, bound)), method

    def _relaxation(self, c: np.ndarray) -> tuple[float, float, str]:
        """LP relaxation: ``w <= q``, ``sum_{y in cell} w / cap <= 1``; max ``sum w + <c, q>``."""
        nv = self.nv
        a_ub = sparse.vstack(
            [
                sparse.hstack([-sparse.eye(nv), sparse.eye(nv)]),
                sparse.hstack(
                    [sparse.csr_matrix((self.ncell, nv)), self.cell_of @ sparse.diags(1 / self.cap)]
                ),
            ]
        ).tocsr()
        b_ub = np.concatenate([np.zeros(nv), np.ones(self.ncell)])
        x, neg = self._lp(np.concatenate([-c, -np.ones(nv)]), a_ub, b_ub, self.cap)
        q = x[:nv]
        bound = -neg
        attained = self.bayes(q) + float(c @ q)
        return bound + PAD, float(min(attained, bound)), "lp_relaxation"

    def bayes_range(
        self, c: np.ndarray | None = None, *, max_nodes: int = 200, max_binaries: int = MAX_BINARIES
    ) -> Range:
        """Range of ``A(q) + <c, q>`` over Pi: exact lower end, certified upper end.

        Parameters
        ----------
        c : ndarray, shape (nv,), optional
            Linear part of the objective (default 0).
        max_nodes, max_binaries : int
            See :meth:`bayes_max`.

        Returns
        -------
        Range
        """
        lo, _ = self.bayes_min(c)
        hi, att, method = self.bayes_max(c, max_nodes=max_nodes, max_binaries=max_binaries)
        hi = max(hi, lo)
        return Range(lo, hi, max(min(att, hi), lo), method == "milp", method)
