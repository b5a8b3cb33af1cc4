"""Newton directions of the max-entropy dual (internal to :mod:`._newton`).

Each solves ``H d = -g`` with ``H = A diag(q) A^T`` (``A`` maps a cell vector to its three
marginals) on the potentials the support cells reach:

:class:`_DenseNewton`
    ``H`` assembled and factored (up to ``dense_max`` potentials).
:class:`_DenseSchur`
    the block of potentials with the most keys has a diagonal Hessian block; it is eliminated
    exactly and the Schur complement on the other two blocks is assembled with sparse products
    and factored (up to ``schur_max`` of those potentials). Exact directions, so Newton keeps
    its quadratic convergence and its line search can follow a recession direction (a proper
    face) on sparse tables, where an inexact direction stalls.
:class:`_SchurCG`
    the same Schur complement, matrix free, by preconditioned conjugate gradients (large
    tables: a few passes over the support cells per product, no matrix is formed).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._backend import NumpyNamespace

__all__: list[str] = []

_RIDGE = 1e-13  # ridge of the unit-diagonal Hessian (gauge directions have curvature 0)
_NULL_CURVATURE = (
    1e-12  # CG: curvature below this (relative to the Jacobi norm) is a null direction
)
_FREE_KEY = 1e-12  # a Schur diagonal below this fraction of its key's mass: the key drops out
_HOST = NumpyNamespace()


def _concat(xp: Any, parts: list[Any]) -> Any:
    return xp._t.cat(parts) if xp.name == "torch" else np.concatenate(parts)


def _factor_solve(mat: np.ndarray, rhs: np.ndarray) -> np.ndarray | None:
    """Solve ``mat x = rhs`` (symmetric PSD) by Cholesky of its unit-diagonal scaling plus a
    tiny ridge (raised if the factorisation fails); None if it never succeeds."""
    dg = np.diag(mat).copy()
    scale = 1.0 / np.sqrt(np.where(dg > 0, dg, 1.0))
    mat *= scale[:, None]
    mat *= scale[None, :]
    eye = np.eye(mat.shape[0])
    ridge = _RIDGE
    for _ in range(6):
        factor = _HOST.cholesky(mat + ridge * eye)  # LAPACK potrf, no LU
        if factor is None:
            ridge *= 100.0
            continue
        return _HOST.cho_solve(factor, rhs * scale) * scale
    return None


class _DenseNewton:
    """Newton directions from the assembled Hessian (numpy, up to ``dense_max`` potentials)."""

    slope_from_cells = False  # its gauge part stays at rounding level: g.d and d.p are read

    def __init__(self, lay: Any) -> None:
        self.xp = lay.xp
        sizes = [int(lay.offsets[w].shape[0]) - 1 for w in range(3)]
        rows = [np.asarray(lay.xp.to_numpy(lay.segment[w]), dtype=np.intp) for w in range(3)]
        rows[1] = rows[1] + sizes[0]
        rows[2] = rows[2] + sizes[0] + sizes[1]
        self.m = m = sum(sizes)
        self.pairs = np.concatenate([a * m + b for a in rows for b in rows])

    def direction(self, q: Any, marg: Any, grad: Any) -> Any:
        m = self.m
        qh = np.asarray(self.xp.to_numpy(q))
        hess = np.bincount(self.pairs, np.tile(qh, 9), minlength=m * m).reshape(m, m)
        d = _factor_solve(hess, -np.asarray(self.xp.to_numpy(grad)))
        return None if d is None else self.xp.asarray(d)


class _DenseSchur:
    """Exact Newton directions through the assembled Schur complement (see the module docstring).

    With ``e`` the block with the most keys, ``B = A_o diag(q) A_e^T`` and ``h_e = A_e q``:
    ``S = A_o diag(q) A_o^T - B diag(1/h_e) B^T``, ``S x = B (g_e / h_e) - g_o`` and
    ``d_e = -(g_e + B^T x) / h_e``. Two of a cell's three keys determine it, so ``B`` has one
    entry per cell and ``o`` block, and ``B diag(1/h_e) B^T`` one term per pair of such entries
    in the same ``e`` key: the index pairs are listed once and every step is one weighted
    ``bincount``. A key of ``o`` all of whose cells are alone in their ``e`` key has a zero row
    in ``S`` (its potential is absorbed by theirs): it is dropped.
    """

    #: the Newton loop reads this solver's slope through ``A^T d`` only (its exact directions
    #: may carry a ridge-amplified gauge component, invisible in ``A^T d``)
    slope_from_cells = True

    def __init__(self, xp: Any, dual: Any) -> None:
        self.xp, self.dual = xp, dual
        lay = dual.lay
        self.e = e = int(np.argmax(dual.sizes))
        self.o = o = [w for w in range(3) if w != e]
        seg = [np.asarray(xp.to_numpy(lay.segment[w]), dtype=np.intp) for w in range(3)]
        n = seg[0].shape[0]
        self.n0, self.ne = dual.sizes[o[0]], dual.sizes[e]
        self.mo = mo = self.n0 + dual.sizes[o[1]]
        self.row0, self.row1, self.seg_e = seg[o[0]], seg[o[1]] + self.n0, seg[e]
        # the entries of B as (o row, cell), grouped by e key; all pairs within each group
        rows, cells = np.r_[self.row0, self.row1], np.r_[np.arange(n), np.arange(n)]
        order = np.argsort(self.seg_e[cells], kind="stable")
        rows, cells = rows[order], cells[order]
        starts = np.flatnonzero(np.r_[True, np.diff(self.seg_e[cells]) != 0])
        sizes = np.diff(np.r_[starts, cells.size])
        squares = sizes * sizes
        offset = np.repeat(np.cumsum(squares) - squares, squares)
        local = np.arange(int(squares.sum())) - offset
        width = np.repeat(sizes, squares)
        first = np.repeat(starts, squares)
        a_idx, b_idx = first + local // width, first + local % width
        self.pair_cells = (cells[a_idx], cells[b_idx])
        self.index = np.concatenate(
            [
                np.arange(mo) * (mo + 1),  # diagonal of A_o diag(q) A_o^T
                self.row0 * mo + self.row1,  # its off-diagonal block, both triangles
                self.row1 * mo + self.row0,
                rows[a_idx] * mo + rows[b_idx],  # B diag(1/h_e) B^T
            ]
        )

    def direction(self, q: Any, marg: Any, grad: Any) -> Any:
        xp, e, mo = self.xp, self.e, self.mo
        qh = np.asarray(xp.to_numpy(q))
        g = [np.asarray(xp.to_numpy(v)) for v in self.dual.split(grad)]
        h = [np.asarray(xp.to_numpy(v)) for v in self.dual.split(marg)]
        he = np.where(h[e] > 0, h[e], 1.0)
        h_o = np.concatenate([h[w] for w in self.o])
        ca, cb = self.pair_cells
        weights = np.concatenate([h_o, qh, qh, -qh[ca] * qh[cb] / he[self.seg_e[ca]]])
        schur = np.bincount(self.index, weights, minlength=mo * mo).reshape(mo, mo)
        g_o = np.concatenate([g[w] for w in self.o])
        w_e = qh * (g[e] / he)[self.seg_e]
        rhs = np.bincount(np.r_[self.row0, self.row1], np.r_[w_e, w_e], minlength=mo) - g_o
        keep = np.diag(schur) > _FREE_KEY * np.where(h_o > 0, h_o, 1.0)
        x = np.zeros(mo)
        if keep.any():
            sub = _factor_solve(np.ascontiguousarray(schur[np.ix_(keep, keep)]), rhs[keep])
            if sub is None:
                return None
            x[keep] = sub
        bt_x = np.bincount(self.seg_e, qh * (x[self.row0] + x[self.row1]), minlength=self.ne)
        d_e = -(g[e] + bt_x) / he
        parts = {e: d_e, self.o[0]: x[: self.n0], self.o[1]: x[self.n0 :]}
        return xp.asarray(np.concatenate([parts[w] for w in range(3)]))


class _SchurCG:
    """Newton directions by conjugate gradients on a Schur complement (matrix free).

    The block of potentials with the most keys (``e``, usually ``u12``) has a diagonal Hessian
    block, ``diag(A_e q)``; it is eliminated exactly, and CG (Jacobi-preconditioned) solves the
    Schur complement ``S = H_oo - H_oe H_ee^{-1} H_eo`` on the other two blocks. Products with
    ``S`` are three passes over the support cells; no matrix is formed. A key of ``e`` with a
    single cell drops out of ``S`` altogether, so clustered tables leave a small, well
    conditioned system.
    """

    slope_from_cells = False  # inexact (truncated CG) directions: g.d and d.p are read

    def __init__(self, xp: Any, dual: Any, max_cg: int = 400) -> None:
        self.xp, self.dual, self.max_cg = xp, dual, max_cg
        self.e = int(np.argmax(dual.sizes))
        self.o = [w for w in range(3) if w != self.e]

    def _split(self, v: Any) -> tuple[Any, Any]:
        n0 = self.dual.sizes[self.o[0]]
        return v[:n0], v[n0:]

    def _cells(self, x: Any) -> Any:
        seg = self.dual.lay.segment
        x0, x1 = self._split(x)
        return x0[seg[self.o[0]]] + x1[seg[self.o[1]]]

    def _marg(self, q: Any) -> Any:
        lay = self.dual.lay
        return _concat(self.xp, [lay.marginal(q, w) for w in self.o])

    def direction(self, q: Any, marg: Any, grad: Any) -> Any:
        xp, lay, e = self.xp, self.dual.lay, self.e
        g, h = self.dual.split(grad), self.dual.split(marg)
        he = xp.where(h[e] > 0, h[e], 1.0)
        seg_e = lay.segment[e]
        h_o = _concat(xp, [h[w] for w in self.o])

        def matvec(x: Any) -> Any:
            qw = q * self._cells(x)
            return self._marg(qw) - self._marg(q * (lay.marginal(qw, e) / he)[seg_e])

        rhs = self._marg(q * (g[e] / he)[seg_e]) - _concat(xp, [g[w] for w in self.o])
        diag = h_o - self._marg(q * q / he[seg_e])
        diag = xp.where(diag > 1e-3 * h_o, diag, xp.where(h_o > 0, 1e-3 * h_o, 1.0))
        x = _pcg(xp, matvec, rhs, 1.0 / diag, h_o, xp.item(xp.max(xp.abs(grad))), self.max_cg)
        d_e = -(g[e] + lay.marginal(q * self._cells(x), e)) / he
        x0, x1 = self._split(x)
        parts = {e: d_e, self.o[0]: x0, self.o[1]: x1}
        return _concat(xp, [parts[w] for w in range(3)])


def _pcg(xp: Any, matvec: Any, b: Any, prec: Any, norm: Any, grad_size: float, max_cg: int) -> Any:
    """Preconditioned conjugate gradients from 0, to the relative residual
    ``min(0.5, sqrt(grad_size))`` (inexact Newton, superlinear). ``norm`` weighs the curvature
    test: a direction of (numerically) zero curvature is a gauge freedom, stepping along it would
    only blow the potentials up, so CG stops there."""
    x = xp.zeros_like(b)
    r = b
    z = prec * r
    p = z
    rz = xp.item(xp.sum(r * z))
    stop = min(0.25, max(grad_size, 0.0)) * rz
    for _ in range(max_cg):
        hp = matvec(p)
        php = xp.item(xp.sum(p * hp))
        if not php > _NULL_CURVATURE * xp.item(xp.sum(p * p * norm)):
            break
        alpha = rz / php
        x = x + alpha * p
        r = r - alpha * hp
        z = prec * r
        rz_new = xp.item(xp.sum(r * z))
        if rz_new <= stop:
            break
        p = z + (rz_new / rz) * p
        rz = rz_new
    return x
