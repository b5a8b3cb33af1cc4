"""The Newton system of the fast BROJA solver: assembly, blocked Cholesky, direction, step.

:func:`_factor` assembles ``H = [[D1, C], [C^T, D2]]`` and factors it blockwise
(:func:`_factor_block`); :func:`_newton` solves with the factors; :func:`_direction` refines the
solve by preconditioned conjugate gradients on the matrix-free operator (:func:`_apply`) and
returns the full primal-dual direction; :func:`_max_step` is the ratio test. The derivation is in
the docstring of :mod:`._ipm`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._problem import _Problem

__all__: list[str] = []

_RIDGES = (0.0, 1e-14, 1e-12, 1e-10, 1e-8, 1e-6)  # relative ridges tried if Cholesky fails
_CG_MAX = 40  # conjugate-gradient steps on the unreduced Newton system, at most
_CG_RTOL = 1e-12  # ... stopping when the residual is this fraction of the right-hand side
_GRAM_SPLIT = 4096  # the Gram product W^T W of the blockwise factorisation is done in blocks
_GRAM_BLOCKS = 4  # ... this many per side, above this many columns
_CHUNK = {"numpy": 2**20, "torch": 2**26}  # entries of C formed at a time (see _factor_block)
_SYRK_MIN = 1024  # numpy: from this many Schur variables the Gram product is one in-place dsyrk


def _take(x: Any, idx: Any, axis: int) -> Any:
    if idx is None:
        return x
    return x[idx] if axis == 0 else x[..., idx]


def _eye_idx(xp: Any, m: int) -> tuple[Any, Any]:
    """Index pair of the diagonal of an ``m x m`` array."""
    idx = xp.index(np.arange(m))
    return idx, idx


def _add_diag(a: Any, v: Any) -> None:
    """Add ``v (b, n)`` to the diagonals of the contiguous stack ``a (b, n, n)``, in place."""
    n = a.shape[-1]
    a.reshape(a.shape[0], n * n)[:, :: n + 1] += v


def _factor(pb: _Problem, w: Any, pi: Any, sig: Any) -> tuple[Any, ...]:
    """Assemble and factor the Newton matrix ``[[D1, C], [C^T, D2]]`` (with the gauge pins).

    Returns ``("block", (L1, W, LS) or None, alpha)`` from :func:`_factor_block`.
    """
    xp = pb.xp
    n1, n2, ny = w.shape
    q = pi[:, :, None] * w
    wr = (pi / sig - pi)[:, :, None] * w
    tv = xp.transpose
    d1 = xp.matmul(tv(wr, (0, 2, 1)), w)
    _add_diag(d1, xp.sum(q, 1) + pb.pad1)
    d2 = xp.matmul(tv(wr, (1, 2, 0)), tv(w, (1, 0, 2)))
    _add_diag(d2, xp.sum(q, 0) + pb.pad2)
    ar = xp.index(np.arange(ny))
    buf: list[Any] = []  # numpy: one C-ordered block reused, so the reshape below is a view

    def coupling(i0: int, i1: int) -> Any:
        """Rows ``(i, .)`` of ``C`` for ``i0 <= i < i1``, on the allowed ``(x2, y)`` columns:
        ``C[(i, y), (j, z)] = q_ijy [y = z] + rho_ij w_ijy w_ijz``, shape (i1 - i0, ny, m)."""
        a, c = tv(wr[i0:i1], (0, 2, 1))[:, :, :, None], w[i0:i1, None, :, :]
        if xp.name == "numpy":
            if not buf or buf[0].shape[0] < i1 - i0:
                buf[:] = [np.empty((i1 - i0, ny, n2, ny))]
            cb = np.multiply(a, c, out=buf[0][: i1 - i0])  # (i, y, j, z)
        else:
            cb = a * c
        cb[:, ar, :, ar] += tv(q[i0:i1], (2, 0, 1))  # y = z; indexed dims come first: (y, i, j)
        return _take(cb.reshape(i1 - i0, ny, n2 * ny), pb.cols, 2)

    return _factor_block(pb, d1, d2, coupling)


def _sub_gram(xp: Any, out: Any, a: Any) -> Any:
    """``out -= a^T a`` in place; returns the array whose lower triangle holds the result.

    On numpy from ``_SYRK_MIN`` columns this is one BLAS ``dsyrk`` on the Fortran-ordered view of
    ``out`` (half the flops of a product and no temporary; only that view's lower triangle is
    written, which is all the Cholesky factorisation reads). Otherwise, above ``_GRAM_SPLIT``
    columns the product is cut into ``_GRAM_BLOCKS`` column blocks per side and the blocks above
    the diagonal are mirrored: ``(k + 1) / (2 k)`` of the flops of one product (five eighths for
    four blocks), the main cost of a GPU iteration.
    """
    n = a.shape[1]
    if xp.name == "numpy" and n >= _SYRK_MIN:
        from scipy.linalg.blas import dsyrk

        return dsyrk(-1.0, a.T, beta=1.0, c=out.T, trans=0, lower=1, overwrite_c=1)
    at = xp.transpose(a, (1, 0))
    if n < _GRAM_SPLIT:
        out -= xp.matmul(at, a)
        return out
    edges = [n * i // _GRAM_BLOCKS for i in range(_GRAM_BLOCKS + 1)]
    for i in range(_GRAM_BLOCKS):
        ri = slice(edges[i], edges[i + 1])
        for j in range(i + 1):
            rj = slice(edges[j], edges[j + 1])
            blk = xp.matmul(at[ri], a[:, rj])
            out[ri, rj] -= blk
            if i != j:
                out[rj, ri] -= xp.transpose(blk, (1, 0))
    return out


def _factor_block(pb: _Problem, d1: Any, d2: Any, coupling: Any) -> tuple[Any, ...]:
    """The Cholesky factor of the whole Newton matrix, computed blockwise.

    With the ``lam`` variables first the lower factor is ``[[L1, 0], [W^T, LS]]``: ``L1`` the
    Cholesky factors of the ``D1_i`` (a batch), ``W = L1^{-1} C`` and ``LS`` the Cholesky factor of
    ``D2 - W^T W`` (plus the gauge pins). This is the blocked (right-looking) Cholesky of the whole
    matrix, so it is as backward stable as factoring it densely; its cost is one product
    ``W^T W`` of ``m^2 (n1 ny)`` flops (``m`` the allowed ``(x2, y)`` cells, at most ``n2 ny``),
    which a GPU runs at its matrix-product speed. ``coupling(i0, i1)`` gives the rows of ``C`` of
    the ``x1`` values ``i0 .. i1 - 1``: ``W`` is built in blocks of rows (``_CHUNK`` entries of
    ``C`` at a time), so ``C`` itself (as large as ``W``) is never held whole. The ``mu`` of cells
    with ``p(x2, y) = 0`` are decoupled (their rows of the matrix are the unit pads) and are left
    out, as in the Schur route.
    """
    xp = pb.xp
    n1, ny = d1.shape[:2]
    b = d2.shape[0] * ny if pb.cols is None else int(pb.cols.shape[0])  # allowed (x2, y) cells
    rows = max(1, _CHUNK[xp.name] // max(ny * b, 1))
    k = ny + 1
    scale = max(
        xp.item(xp.max(d1.reshape(n1, ny * ny)[:, ::k])),
        xp.item(xp.max(d2.reshape(d2.shape[0], ny * ny)[:, ::k])),
    )
    pin = pb.pin
    diag = _eye_idx(xp, b)
    for ridge in _RIDGES:
        r = ridge * scale
        d1r = d1
        if ridge:
            d1r = xp.copy(d1)
            _add_diag(d1r, xp.zeros(d1.shape[:2]) + r)
        l1 = xp.cholesky_batched(d1r)
        if l1 is None:
            continue
        l1 = xp.inv_lower(l1)  # L1^{-1}: ny x ny blocks, applied by batched products below
        wb = xp.zeros((n1, ny, b))
        for i0 in range(0, n1, rows):
            i1 = min(n1, i0 + rows)
            if xp.name == "numpy":
                np.matmul(l1[i0:i1], coupling(i0, i1), out=wb[i0:i1])
            else:
                wb[i0:i1] = xp.matmul(l1[i0:i1], coupling(i0, i1))
        wb = wb.reshape(n1 * ny, b)  # (n1 ny, m)
        sm = xp.zeros((b, b))
        sm[pb.bd_pos] = d2[pb.bd_src]  # the blocks of D2 on the allowed cells
        sm = _sub_gram(xp, sm, wb)
        sm[pin, pin] = sm[pin, pin] + scale
        if ridge:
            sm[diag] = sm[diag] + r
        factor = xp.cholesky(sm)
        if factor is not None:
            return ("block", (l1, wb, factor), scale)
    return ("block", None, scale)


def _newton(pb: _Problem, fac: Any, rhs1: Any, rhs2: Any) -> tuple[Any, Any]:
    """Solve ``[[D1, C], [C^T, D2]] (d lam, d mu) = (rhs1, rhs2)`` with the factors of
    :func:`_factor`: forward substitution with ``L1``, the Schur system ``LS LS^T x2 = rhs2 -
    W^T y1``, back substitution for ``x1``."""
    xp = pb.xp
    l1, wb, factor = fac[1]  # l1 holds the inverse factors L1^{-1}
    y1f = xp.matmul(l1, rhs1[:, :, None]).reshape(-1)
    b2 = _take(rhs2.reshape(-1), pb.cols, 0) - xp.matmul(xp.transpose(wb, (1, 0)), y1f)
    x2 = xp.cho_solve(factor, b2)
    z1 = (y1f - xp.matmul(wb, x2)).reshape(rhs1.shape[0], rhs1.shape[1], 1)
    x1 = xp.matmul(xp.transpose(l1, (0, 2, 1)), z1)
    if pb.cols is not None:  # decoupled cells: their rows read pad * dmu = rhs2, pad = 1
        full = xp.copy(rhs2.reshape(-1))
        full[pb.cols] = x2
        x2 = full
    return x1[:, :, 0], x2.reshape(rhs2.shape)


def _apply(
    pb: _Problem, q: Any, rho: Any, w: Any, alpha: float, v1: Any, v2: Any
) -> tuple[Any, Any]:
    """``(H + alpha E) (v1, v2)`` matrix-free, ``O(n1 n2 ny)``: the Newton matrix of the module
    docstring (plus the pads of dead cells and the gauge pins ``E``) applied to a direction."""
    xp = pb.xp
    du = v1[:, None, :] + v2[None, :, :]
    t = q * du + (rho * xp.sum(w * du, 2))[:, :, None] * w
    o1 = xp.sum(t, 1) + pb.pad1 * v1
    o2 = (xp.sum(t, 0) + pb.pad2 * v2).reshape(-1)
    o2[pb.pin_full] = o2[pb.pin_full] + alpha * v2.reshape(-1)[pb.pin_full]
    return o1, o2.reshape(v2.shape)


def _direction(
    ops: Any,
    fac: Any,
    w: Any,
    pi: Any,
    sig: Any,
    rp: Any,
    r1_: Any,
    r2_: Any,
    rc: Any,
) -> tuple[Any, Any, Any, Any]:
    """Newton direction for complementarity target ``rc``, by preconditioned conjugate gradients.

    The reduced system ``H d v = rhs`` is solved by CG with the exact operator applied
    (``ops.apply``: matrix-free on the dense layout, the assembled sparse matrix on the support
    layout) and the factorisation ``fac`` as preconditioner (``ops.solve``; it usually stops
    after the first solve; rounding in an ill-conditioned factor only costs a few cheap
    iterations). ``ops`` is the layout (:class:`._dense.DenseOps` or
    :class:`._sparse.SparseOps`). Returns ``(d lam, d mu, d pi, d sigma)``.
    """
    xp = ops.xp
    q = ops.joint(pi, w)
    rho = pi / sig - pi
    h = (pi * rp - rc) / sig
    hw = ops.joint(h, w)
    b1, b2 = ops.marg1(hw) - r1_, ops.marg2(hw) - r2_

    def norm(a1: Any, a2: Any) -> float:
        return max(xp.item(xp.max(xp.abs(a1))), xp.item(xp.max(xp.abs(a2))))

    def dot(a1: Any, a2: Any, c1: Any, c2: Any) -> float:
        return xp.item(xp.sum(a1 * c1)) + xp.item(xp.sum(a2 * c2))

    err0 = max(norm(b1, b2), 1e-300)
    target = max(_CG_RTOL * err0, 1e-16)
    x1, x2 = ops.solve(fac, b1, b2)
    h1, h2 = ops.apply(fac, q, rho, w, x1, x2)
    r1, r2 = b1 - h1, b2 - h2
    err = norm(r1, r2)
    best = (err, x1, x2)
    if err > target:
        z1, z2 = ops.solve(fac, r1, r2)
        p1, p2 = z1, z2
        rz = dot(r1, r2, z1, z2)
        for _ in range(_CG_MAX):
            a1, a2 = ops.apply(fac, q, rho, w, p1, p2)
            pap = dot(p1, p2, a1, a2)
            if not (pap > 0 and math.isfinite(pap)):
                break
            step = rz / pap
            x1, x2 = x1 + step * p1, x2 + step * p2
            r1, r2 = r1 - step * a1, r2 - step * a2
            err = norm(r1, r2)
            if err < best[0]:
                best = (err, x1, x2)
            if err <= target:
                break
            z1, z2 = ops.solve(fac, r1, r2)
            rz_new = dot(r1, r2, z1, z2)
            if not (rz_new > 0 and math.isfinite(rz_new)):
                break  # a preconditioner that is no longer positive definite here: keep the best
            p1, p2 = z1 + (rz_new / rz) * p1, z2 + (rz_new / rz) * p2
            rz = rz_new
    dlam, dmu = best[1], best[2]
    jdv = -ops.wdot(w, dlam, dmu)
    dpi = (pi * (jdv + rp) - rc) / sig
    dsig = -rp - jdv
    return dlam, dmu, dpi, dsig


def _max_step(xp: Any, x: Any, dx: Any) -> float:
    """Largest ``a <= 1`` with ``x + a dx >= 0`` (``x > 0``)."""
    neg = dx < 0
    ratio = xp.where(neg, x / xp.where(neg, -dx, 1.0), 2.0)
    return min(1.0, -xp.item(xp.max(-ratio)))
