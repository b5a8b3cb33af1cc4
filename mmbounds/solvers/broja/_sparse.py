"""The support layout of the fast BROJA solver: only the cells a feasible joint can use.

A feasible ``q`` can be positive only on the cells ``(x1, x2, y)`` with ``p(x1, y) > 0`` and
``p(x2, y) > 0``: for each label a product ``A_y x B_y``, so ``N = sum_y |A_y| |B_y|`` cells,
often a small fraction of ``n1 n2 ny`` (clustered tables; the COPY gate, where ``N = ny``).
:class:`SparseOps` stores the cells as a list sorted by pair ``(x1, x2)`` and gives the
interior-point driver (:mod:`._ipm`) the same operations as the dense layout (:mod:`._dense`):
segment reductions over the pairs, ``bincount`` for the marginals, and the Newton matrix

    H = sum_cells q_e u_e u_e^T + sum_pairs rho_k g_k g_k^T     (u_e = e_lam(x1,y) + e_mu(x2,y),
                                                                 g_k = sum_{e in k} w_e u_e)

assembled as a scipy sparse matrix over the allowed ``lam`` and ``mu`` only (its pattern is fixed,
so an iteration writes the values into a precomputed compressed-column layout with one
``bincount``) and factored by SuperLU (column approximate minimum degree ordering, partial
pivoting), or by dense LAPACK Cholesky when it has few variables; the conjugate-gradient
refinement applies ``H`` matrix-free in ``O(N)``. Memory is linear in the support plus the fill
of the factor; no ``(n1 ny) x (n2 ny)`` block and no array of the input's size is ever formed. The
gauge (``lam(., y) + a, mu(., y) - a``: each label's cells form a connected complete bipartite
graph, so this is the whole null space) is fixed by the same pins as the dense layout, one ``mu``
per label.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ...info import entropy_nats
from .._backend import NumpyNamespace
from ._certify import certify, cond_entropy, round_feasible

__all__: list[str] = []

_RIDGES = (0.0, 1e-12, 1e-10, 1e-8, 1e-6)  # relative ridges tried if the factorisation fails
_DENSE_FACTOR = (400, 1500, 0.02)  # H is factored densely (LAPACK Cholesky) up to 400 variables,
# or up to 1500 when at least 2% of its entries are nonzero (else SuperLU: the COPY gate's H is
# almost diagonal); measured with benchmarks/solvers.py --peers (3x faster at 300 variables)

Triplets = tuple[np.ndarray, np.ndarray, np.ndarray]
"""The positive entries of a source-label marginal: row, label, value, sorted by (row, label)."""


def triplets(p: np.ndarray, rows: np.ndarray, labels: np.ndarray) -> Triplets:
    """The positive entries of ``p[rows][:, labels]``, renumbered, without copying the block."""
    i, y = np.nonzero(p)
    row_of = np.full(p.shape[0], -1)
    row_of[rows] = np.arange(rows.size)
    label_of = np.full(p.shape[1], -1)
    label_of[labels] = np.arange(labels.size)
    keep = (row_of[i] >= 0) & (label_of[y] >= 0)
    i, y = i[keep], y[keep]
    return row_of[i], label_of[y], p[i, y]


def support_cells(t1: Triplets, t2: Triplets, ny: int) -> tuple[np.ndarray, ...]:
    """The support cells ``(i, j, y)``, sorted by pair ``(i, j)`` then label (three index arrays).

    For each label the cells are the product of its allowed ``x1`` and ``x2``; built from the
    positive entries alone, without any array of ``n1 n2 ny`` (or ``n1 ny``) entries.
    """
    oa = np.argsort(t1[1], kind="stable")
    ob = np.argsort(t2[1], kind="stable")
    ia, jb = t1[0][oa], t2[0][ob]
    ca = np.bincount(t1[1], minlength=ny)
    cb = np.bincount(t2[1], minlength=ny)
    sa = np.cumsum(ca) - ca
    sb = np.cumsum(cb) - cb
    nc = ca * cb
    cy = np.repeat(np.arange(ny), nc)
    t = np.arange(cy.size) - np.repeat(np.cumsum(nc) - nc, nc)
    cby = cb[cy]
    ci = ia[sa[cy] + t // cby]
    cj = jb[sb[cy] + t % cby]
    order = np.lexsort((cy, cj, ci))
    return ci[order], cj[order], cy[order]


def support_cost(t1: Triplets, t2: Triplets, n1: int, n2: int, ny: int) -> tuple[int, int]:
    """``(N, E)``: support cells and entries of the Newton matrix of the support layout.

    ``E = 4 N + sum_pairs (2 m_k)^2`` (``m_k`` the cells of pair ``k``), from one sparse product
    of the two allowed patterns (no cell list).
    """
    a = sp.csr_matrix((np.ones(t1[0].size), (t1[0], t1[1])), shape=(n1, ny))
    b = sp.csr_matrix((np.ones(t2[0].size), (t2[0], t2[1])), shape=(n2, ny))
    m = (a @ b.T).data  # cells per live pair
    n = int(round(float(m.sum())))
    return n, 4 * n + int(round(float(4.0 * np.sum(m * m))))


def dense_factor(n_var: int, nnz: int) -> bool:
    """Whether the support layout factors its Newton matrix densely (``_DENSE_FACTOR``)."""
    small, mid, density = _DENSE_FACTOR
    return n_var <= small or (n_var <= mid and nnz >= density * n_var * n_var)


class SparseOps:
    """The operations of the interior-point driver on the support layout (internal, numpy).

    The potentials ``lam``, ``mu`` and the marginal residuals are vectors over the allowed
    ``(x1, y)`` and ``(x2, y)`` cells (the entries of ``t1``, ``t2``), pair arrays are vectors over
    the live pairs and cell arrays vectors over the support cells.
    """

    name = "support"

    def __init__(self, t1: Triplets, t2: Triplets, shape: tuple[int, int, int]) -> None:
        self.xp = NumpyNamespace()
        n1, n2, ny = shape
        self.shape = shape
        self.t1, self.t2 = t1, t2
        self.p1, self.p2 = t1[2], t2[2]
        self.py = np.bincount(t1[1], t1[2], minlength=ny)
        self.h_y = entropy_nats(self.py)
        ci, cj, cy = support_cells(t1, t2, ny)
        self.ci, self.cj, self.cy = ci, cj, cy
        n = ci.size
        pair = ci * n2 + cj
        new = np.ones(n, dtype=bool)
        new[1:] = pair[1:] != pair[:-1]
        self.starts = np.flatnonzero(new)
        self.ck = np.cumsum(new) - 1  # pair of each cell
        self.n_live = self.starts.size
        pair_i = ci[self.starts]
        row_new = np.ones(self.n_live, dtype=bool)
        row_new[1:] = pair_i[1:] != pair_i[:-1]
        self.row_starts = np.flatnonzero(row_new)  # pairs are sorted by x1: rows are runs
        self.row_ids = pair_i[self.row_starts]
        self.row_mass = np.bincount(t1[0], t1[2], minlength=n1)
        self.n_a = t1[0].size
        self.n_var = self.n_a + t2[0].size
        # the variable of each cell: its (x1, y) and (x2, y) entries (triplets are sorted)
        self.va = np.searchsorted(t1[0] * ny + t1[1], ci * ny + cy)
        self.vb = np.searchsorted(t2[0] * ny + t2[1], cj * ny + cy)
        pins = np.lexsort((t2[0], -t2[2], t2[1]))  # per label, the largest p(x2, y) first
        first = np.ones(pins.size, dtype=bool)
        first[1:] = t2[1][pins][1:] != t2[1][pins][:-1]
        self.pins = pins[first]
        self._pattern(self.va, self.n_a + self.vb, self.n_a + self.pins)

    def _pattern(self, var_a: np.ndarray, var_b: np.ndarray, pins: np.ndarray) -> None:
        """Compressed-column pattern of ``H`` and the map from its terms to the stored entries."""
        rows = [var_a, var_b, var_a, var_b]
        cols = [var_a, var_b, var_b, var_a]
        m = np.diff(np.append(self.starts, self.ci.size))
        self.groups = []  # (pairs, their cells (n_k, m)) per pair size m
        for size in np.unique(m):
            k = np.flatnonzero(m == size)
            cells = self.starts[k][:, None] + np.arange(size)[None, :]
            idx = np.concatenate([var_a[cells], var_b[cells]], axis=1)  # (n_k, 2m)
            rows.append(np.broadcast_to(idx[:, :, None], idx.shape + (2 * size,)).ravel())
            cols.append(np.broadcast_to(idx[:, None, :], idx.shape + (2 * size,)).ravel())
            self.groups.append((k, cells))
        key = np.concatenate(cols) * self.n_var + np.concatenate(rows)  # column-major order
        uniq, self.inv = np.unique(key, return_inverse=True)
        self.indices = (uniq % self.n_var).astype(np.int32)
        self.indptr = np.searchsorted(uniq, np.arange(self.n_var + 1) * self.n_var).astype(np.int32)
        self.diag_pos = np.searchsorted(uniq, np.arange(self.n_var) * (self.n_var + 1))
        self.pin_pos = np.searchsorted(uniq, pins * (self.n_var + 1))
        self.dense_factor = dense_factor(self.n_var, uniq.size)
        if self.dense_factor:
            self.cols_of = np.repeat(np.arange(self.n_var), np.diff(self.indptr))
            self.diag_idx = np.arange(self.n_var)

    # --- the operations of the driver -----------------------------------------------------------
    def start(self, shift: float) -> tuple[np.ndarray, np.ndarray]:
        """The starting potentials (see :func:`._ipm._solve`), on the allowed cells."""
        return -np.log(self.p1) + shift, np.log(self.py[self.t2[1]]) - np.log(self.p2)

    def _segment_logsumexp(self, theta: np.ndarray) -> np.ndarray:
        m = np.maximum.reduceat(theta, self.starts)
        return np.log(np.add.reduceat(np.exp(theta - m[self.ck]), self.starts)) + m

    def _theta(self, lam: np.ndarray, mu: np.ndarray) -> np.ndarray:
        return -lam[self.va] - mu[self.vb]

    def softmax(self, lam: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pair log-partitions ``s`` and the conditionals ``w`` on the support cells."""
        theta = self._theta(lam, mu)
        s = self._segment_logsumexp(theta)
        return s, np.exp(theta - s[self.ck])

    def live(self, x: Any, fill: float) -> Any:
        """Every pair of the layout is live."""
        return x

    def joint(self, pi: np.ndarray, w: np.ndarray) -> np.ndarray:
        return pi[self.ck] * w

    def marg1(self, q: np.ndarray) -> np.ndarray:
        return np.bincount(self.va, q, minlength=self.n_a)

    def marg2(self, q: np.ndarray) -> np.ndarray:
        return np.bincount(self.vb, q, minlength=self.n_var - self.n_a)

    def wdot(self, w: np.ndarray, v1: np.ndarray, v2: np.ndarray) -> np.ndarray:
        return np.add.reduceat(w * (v1[self.va] + v2[self.vb]), self.starts)

    def factor(self, w: np.ndarray, pi: np.ndarray, sig: np.ndarray) -> Any:
        """Assemble ``H`` (with the gauge pins) and factor it; None if every ridge fails."""
        q = pi[self.ck] * w
        rho = pi / sig - pi
        vals = [q, q, q, q]
        for k, cells in self.groups:
            g = np.concatenate([w[cells], w[cells]], axis=1)
            vals.append((rho[k][:, None, None] * g[:, :, None] * g[:, None, :]).ravel())
        data = np.bincount(self.inv, np.concatenate(vals), minlength=self.indices.size)
        alpha = float(np.max(data[self.diag_pos]))
        data[self.pin_pos] += alpha
        if self.dense_factor:
            return self._factor_dense(data, alpha)
        shape = (self.n_var, self.n_var)
        h = sp.csc_matrix((data, self.indices, self.indptr), shape=shape)
        for ridge in _RIDGES:
            a = h
            if ridge:
                d = data.copy()
                d[self.diag_pos] += ridge * alpha
                a = sp.csc_matrix((d, self.indices, self.indptr), shape=shape)
            try:
                lu = splu(a, permc_spec="COLAMD")  # partial pivoting: late on the path H is
                # ill-conditioned, and unpivoted (symmetric-mode) factors then stall the path
            except RuntimeError:  # exactly singular
                continue
            if math.isfinite(float(np.sum(np.abs(lu.U.diagonal())))):
                return (lu, None, alpha)
        return None

    def _factor_dense(self, data: np.ndarray, alpha: float) -> Any:
        """LAPACK Cholesky of ``H`` held densely (few variables: faster than a sparse LU)."""
        xp = self.xp
        for ridge in _RIDGES:
            a = np.zeros((self.n_var, self.n_var))
            a[self.indices, self.cols_of] = data
            if ridge:
                a[self.diag_idx, self.diag_idx] += ridge * alpha
            factor = xp.cholesky(a)
            if factor is not None:
                return (factor, None, alpha)
        return None

    def solve(self, fac: Any, r1: np.ndarray, r2: np.ndarray) -> tuple[Any, Any]:
        if self.dense_factor:
            x = self.xp.cho_solve(fac[0], np.concatenate([r1, r2]))
            return x[: self.n_a], x[self.n_a :]
        x = fac[0].solve(np.concatenate([r1, r2]))
        return x[: self.n_a], x[self.n_a :]

    def apply(self, fac: Any, q: Any, rho: Any, w: Any, v1: Any, v2: Any) -> tuple[Any, Any]:
        """``(H + alpha E) v`` matrix-free, ``O(N)``, as :func:`._newton._apply` does it."""
        du = v1[self.va] + v2[self.vb]
        t = q * du + (rho * np.add.reduceat(w * du, self.starts))[self.ck] * w
        o2 = self.marg2(t)
        o2[self.pins] += fac[2] * v2[self.pins]
        return self.marg1(t), o2

    # --- the primitives of the certificates (:mod:`._certify`) -------------------------------
    def at1(self, v: np.ndarray) -> np.ndarray:
        return v[self.va]

    def at2(self, v: np.ndarray) -> np.ndarray:
        return v[self.vb]

    def aty(self, v: np.ndarray) -> np.ndarray:
        return v[self.cy]

    def at_pair(self, s: np.ndarray) -> np.ndarray:
        return s[self.ck]

    def pair_sum(self, q: np.ndarray) -> np.ndarray:
        return np.add.reduceat(q, self.starts)

    def label_sum1(self, v: np.ndarray) -> np.ndarray:
        return np.bincount(self.t1[1], v, minlength=self.shape[2])

    def pair_logsumexp(self, lam: np.ndarray, mu: np.ndarray) -> np.ndarray:
        return self._segment_logsumexp(self._theta(lam, mu))

    def row_max(self, s: np.ndarray) -> np.ndarray:
        shift = np.zeros(self.shape[0])
        shift[self.row_ids] = np.maximum.reduceat(s, self.row_starts)
        return shift

    def allowed1(self, lam: np.ndarray) -> np.ndarray:  # every entry is allowed
        return lam

    def allowed2(self, mu: np.ndarray) -> np.ndarray:
        return mu

    def certify(self, q: np.ndarray, lam: Any, mu: Any) -> tuple[float, float, Any, float]:
        """``(gap, upper, q_feasible, lower)`` in bits (:func:`._certify.certify`)."""
        return certify(self, q, lam, mu)

    def round_feasible(self, q: np.ndarray) -> np.ndarray:
        return round_feasible(self, q)

    def cond_entropy(self, q: np.ndarray) -> float:
        """``H_q(Y | X1, X2)`` in nats."""
        return cond_entropy(self, q)

    def scatter(
        self, q: np.ndarray, out: np.ndarray, index: tuple[Any, Any, Any], swap: bool
    ) -> None:
        """Write the cells into the full table ``out`` through ``index = (r1, r2, ry)``.

        ``swap``: the layout's first source is the table's second one.
        """
        a, b = (self.cj, self.ci) if swap else (self.ci, self.cj)
        out[index[0][a], index[1][b], index[2][self.cy]] = q
