"""Maximum-entropy joint by Newton's method on the dual of the three-marginal problem.

The maximum-entropy table with marginals ``p = (p12, p1y, p2y)`` is ``q_c = exp(s_c)``,
``s_c = u12[x1,x2] + u1y[x1,y] + u2y[x2,y]`` on the candidate support ``M``
(:func:`._support.maxent_support`), where the potentials ``u`` minimise the smooth convex dual

.. math:: f(u) = Σ_{c ∈ M} e^{s_c} - <u, p>,  ∇f = A q - p,  ∇²f = A diag(q) A^T

(``A`` maps a table to its three marginals). Newton's method converges quadratically when the
optimum is attained. When it is not (some cells of ``M`` are zero in **every** table with the
marginals: a proper face, such as the AND gate's), the dual decreases without bound along a
recession direction; the line search minimises the convex dual along each Newton direction
(doubling the step while the dual keeps falling), which drives the potentials of those cells to
``-inf`` geometrically. No linear program is solved, so nothing can hang: the facial reduction
is the dual iteration itself, and its accuracy is measured by the certificate below.

Certificate: for every ``u`` (:mod:`._certificate`), ``H(r) <= log Z_M(u) - <u, p>`` for every
table ``r`` with the marginals; the Gibbs table ``q / Z`` has entropy ``log Z - <u, A q> / Z``, so
the duality gap is ``<u, A q / Z - p>``, which goes to 0 with the marginal residual. The returned
``entropy_upper`` is the rounding-safe bound of :func:`._certificate.gibbs_entropy_upper`.

Linear algebra: up to ``dense_max`` potentials the Hessian is assembled and factored (Cholesky of
its unit-diagonal scaling with a tiny ridge: the potentials have gauge freedoms, directions with
``A^T v = 0`` along which nothing changes). Above it, the Newton system is solved by conjugate
gradients on the Schur complement of the largest (diagonal) block of potentials, with a Jacobi
preconditioner (:class:`_SchurCG`): a few passes over the support cells per product, no matrix
is formed. Cells are stored by :class:`._layouts._Sparse` (numpy or torch).

References
----------
I. Csiszár, "I-divergence geometry of probability distributions and minimization problems",
Ann. Probab. 3(1), 1975.
S. Boyd, L. Vandenberghe, *Convex Optimization*, §9.5 (Newton's method), 2004.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from ..._validation import _to_numpy
from ...info import LN2
from .._backend import NumpyNamespace, get_namespace
from .._types import Lazy, SolverInfo
from ._certificate import gibbs_entropy_upper
from ._layouts import _Sparse
from ._solution import MaxEntSolution
from ._support import check_reachable, maxent_support

__all__ = ["maxent_newton"]

_RIDGE = 1e-13  # ridge of the unit-diagonal Hessian (gauge directions have curvature 0)
_ARMIJO = 1e-4
_FLAT = 1e-14  # a Newton decrement below this is under the dual's rounding noise
_NULL_CURVATURE = (
    1e-12  # CG: curvature below this (relative to the Jacobi norm) is a null direction
)
_HOST = NumpyNamespace()
_MAX_DOUBLINGS = 60  # the step may grow to 2**60 along a recession direction (a proper face)
_MAX_PUSH = 40.0  # ... but change no log-probability by more than this (potentials stay small)
_MAX_JUMP = 20.0  # largest change of a log-probability tried first by the line search


def _concat(xp: Any, parts: list[Any]) -> Any:
    return xp._t.cat(parts) if xp.name == "torch" else np.concatenate(parts)


def _expm1(xp: Any, x: Any) -> Any:
    return xp._t.expm1(x) if xp.name == "torch" else np.expm1(x)


class _Dual:
    """The dual on the support cells: potentials on the reached marginal keys (internal)."""

    def __init__(self, xp: Any, lay: _Sparse, targets: list[Any]) -> None:
        self.xp, self.lay = xp, lay
        self.sizes = [int(t.shape[0]) for t in targets]

    def split(self, v: Any) -> list[Any]:
        a, b = self.sizes[0], self.sizes[0] + self.sizes[1]
        return [v[:a], v[a:b], v[b:]]

    def cells(self, v: Any) -> Any:
        """``A^T v``: the sum of a cell's three potentials, for every support cell."""
        w = self.split(v)
        seg = self.lay.segment
        return w[0][seg[0]] + w[1][seg[1]] + w[2][seg[2]]

    def marginals(self, q: Any) -> Any:
        """``A q``: the three marginals of a cell vector, stacked."""
        return _concat(self.xp, [self.lay.marginal(q, w) for w in range(3)])


def maxent_newton(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    *,
    tol: float = 1e-9,
    gap_tol: float = 1e-12,
    max_iter: int = 200,
    dense_max: int = 200,
    start: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    backend: str = "auto",
    device: Any = None,
) -> MaxEntSolution:
    """Maximum-entropy table with three pairwise marginals (dual Newton, certified bound).

    Parameters
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray
        Consistent marginals, shapes (n1, ny), (n2, ny), (n1, n2). Trusted (validated upstream).
    tol : float
        Converged when the max absolute marginal error of the Gibbs table is below ``tol`` and
        the duality gap below ``gap_tol``.
    gap_tol : float
        Duality gap (bits) at which the iteration stops.
    max_iter : int
        Maximum number of Newton steps.
    dense_max : int
        Largest number of potentials for which the Hessian is formed and factored; above it
        the Newton systems are solved by preconditioned conjugate gradients.
    start : tuple of ndarray, optional
        Starting potentials ``(phi12, phi1y, phi2y)`` (``log q = phi12 + phi1y + phi2y``), e.g.
        :attr:`MaxEntSolution.potentials` of a few IPF sweeps; default: the potentials of
        ``p(x1,x2) p(y|x1) p(y|x2) / p(y)``.
    backend : {"auto", "numpy", "torch"}
        Array library (see :func:`.._backend.get_namespace`).
    device : str or torch.device, optional
        Torch device, e.g. ``"cuda"``.

    Returns
    -------
    MaxEntSolution
        ``entropy_upper`` is certified whether or not the iteration converged;
        ``info.residual`` is the max absolute marginal error, ``info.status`` is ``"optimal"``
        when both tolerances were met, ``"stalled"`` when no step lowered the dual any more
        (rounding) before they were, ``"max_iter"`` or ``"numerical_error"``.

    Raises
    ------
    ValueError
        If a positive marginal cell has no support cell (no joint has these marginals).

    Examples
    --------
    >>> import numpy as np
    >>> p = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         p[a, b, a & b] = 0.25  # the AND gate: its marginals admit this table only
    >>> sol = maxent_newton(p.sum(1), p.sum(0), p.sum(2))
    >>> sol.info.status, round(sol.entropy_upper, 9)
    ('optimal', 2.0)
    """
    t0 = time.perf_counter()
    n1, ny = p_x1y.shape
    n2 = p_x2y.shape[0]
    xp = get_namespace(p_x1y, backend=backend, device=device, n_cells=n1 * n2 * ny)
    p_x1y, p_x2y, p_x1x2 = (
        np.asarray(_to_numpy(t), dtype=np.float64) for t in (p_x1y, p_x2y, p_x1x2)
    )
    check_reachable(p_x1y, p_x2y, p_x1x2)
    mask = maxent_support(p_x1y, p_x2y, p_x1x2)
    n = int(mask.sum())
    lay = _Sparse(xp, mask)
    host_t = [t.reshape(-1)[xp.to_numpy(u)] for t, u in zip((p_x1x2, p_x1y, p_x2y), lay.uniq)]
    dual = _Dual(xp, lay, [xp.asarray(t) for t in host_t])
    target = xp.asarray(np.concatenate(host_t))
    keys = [np.asarray(xp.to_numpy(k)) for k in lay.uniq]
    if start is not None and all(
        np.all(np.isfinite(a.reshape(-1)[k])) for a, k in zip(start, keys)
    ):
        u = xp.asarray(np.concatenate([np.asarray(a).reshape(-1)[k] for a, k in zip(start, keys)]))
    else:
        u = xp.asarray(_start(host_t, keys, p_x1y, p_x2y, ny))
    solve = _DenseNewton(lay, n) if target.shape[0] <= dense_max else _SchurCG(xp, dual)
    status, it, resid, gap = "max_iter", 0, math.inf, math.inf
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        s = dual.cells(u)
        q = xp.exp(s)
        for it in range(max_iter + 1):
            marg = dual.marginals(q)
            z = xp.item(xp.sum(q))
            resid = xp.item(xp.max(xp.abs(marg - target)))
            gap = abs(xp.item(xp.sum(u * (marg / z - target)))) / LN2
            if not (math.isfinite(resid) and math.isfinite(gap)):
                status = "numerical_error"
                break
            if resid <= tol and gap <= gap_tol:
                status = "optimal"
                break
            if it == max_iter:
                break
            grad = marg - target
            d = solve.direction(q, marg, grad)
            if d is None:
                status = "numerical_error"
                break
            ds = dual.cells(d)
            slope = xp.item(xp.sum(grad * d))
            step = _line_search(xp, q, ds, xp.item(xp.sum(d * target)), slope)
            if step == 0.0 and slope > -_FLAT:
                # the predicted decrease is below rounding: the dual cannot judge the step, the
                # marginal residual can (quadratic convergence region)
                q_full = xp.exp(s + ds)
                if xp.item(xp.max(xp.abs(dual.marginals(q_full) - target))) < resid:
                    u, s, q = u + d, s + ds, q_full
                    continue
            if step == 0.0:  # rounding noise: accept a gap 100 times the target, not more
                status = "optimal" if resid <= tol and gap <= 100 * gap_tol else "stalled"
                break
            u = u + step * d
            s = dual.cells(u)
            q = xp.exp(s)
    phi = tuple(lay.potential_table(a, w) for w, a in enumerate(dual.split(u)))
    upper_nats = gibbs_entropy_upper(phi, (p_x1x2, p_x1y, p_x2y), mask)
    z = xp.item(xp.sum(q))
    rn = q / z
    h = -xp.item(xp.sum(xp.where(rn > 0, rn * xp.log(xp.where(rn > 0, rn, 1.0)), 0.0))) / LN2
    upper = max(upper_nats / LN2, h) if math.isfinite(upper_nats) else math.log2(n)
    if not math.isfinite(h):
        status, h = "numerical_error", 0.0

    def build() -> np.ndarray:
        out = lay.to_table(rn, (n1, n2, ny))
        out.setflags(write=False)
        return out

    info = SolverInfo(
        status == "optimal", it, float(resid), status, "newton", time.perf_counter() - t0
    )
    return MaxEntSolution(Lazy(build), float(h), float(upper), info)


def _start(
    targets: list[np.ndarray], keys: list[np.ndarray], p_x1y: np.ndarray, p_x2y: np.ndarray, ny: int
) -> np.ndarray:
    """Potentials of ``p(x1,x2) p(y|x1) p(y|x2) / p(y)``: near the optimum on most tables."""
    p1, p2, py = p_x1y.sum(1), p_x2y.sum(1), p_x1y.sum(0)
    u12 = np.log(targets[0])
    u1y = np.log(targets[1]) - np.log(p1[keys[1] // ny])
    u2y = np.log(targets[2]) - np.log(p2[keys[2] // ny]) - np.log(py[keys[2] % ny])
    return np.concatenate([u12, u1y, u2y])


def _line_search(xp: Any, q: Any, ds: Any, d_dot_t: float, slope: float) -> float:
    """Step along a Newton direction: Armijo backtracking from 1, doubling while the dual falls.

    The dual change ``Σ q (e^{t ds} - 1) - t <d, p>`` is evaluated with ``expm1`` (no
    cancellation near the optimum). Returns 0 when no step decreases it.
    """

    def change(t: float) -> float:
        v = xp.item(xp.sum(q * _expm1(xp, t * ds))) - t * d_dot_t
        return v if math.isfinite(v) else math.inf

    big = xp.item(xp.max(xp.abs(ds)))
    if not (slope < 0 and math.isfinite(big)):
        return 0.0
    # a first step that changes no cell's log-probability by more than _MAX_JUMP
    t0 = min(1.0, _MAX_JUMP / big) if big > 0 else 1.0
    t, f1 = t0, change(t0)
    while f1 > _ARMIJO * t * slope:
        t *= 0.5
        if t * big < 1e-12:
            return 0.0
        f1 = change(t)
    if t == t0:  # along a recession direction the dual keeps falling: follow it
        for _ in range(_MAX_DOUBLINGS):
            if 2.0 * t * big > _MAX_PUSH:  # far enough: e^-40 of a cell's mass is left
                break
            f2 = change(2.0 * t)
            if not f2 < f1:
                break
            t, f1 = 2.0 * t, f2
    return t


class _DenseNewton:
    """Newton directions from the assembled Hessian (numpy, up to ``dense_max`` potentials)."""

    def __init__(self, lay: _Sparse, n: int) -> None:
        self.xp = lay.xp
        sizes = [int(lay.offsets[w].shape[0]) - 1 for w in range(3)]
        rows = [np.asarray(lay.xp.to_numpy(lay.segment[w]), dtype=np.intp) for w in range(3)]
        rows[1] = rows[1] + sizes[0]
        rows[2] = rows[2] + sizes[0] + sizes[1]
        self.m = m = sum(sizes)
        self.pairs = np.concatenate([a * m + b for a in rows for b in rows])
        self.eye = np.eye(m)

    def direction(self, q: Any, marg: Any, grad: Any) -> Any:
        m = self.m
        qh = np.asarray(self.xp.to_numpy(q))
        hess = np.bincount(self.pairs, np.tile(qh, 9), minlength=m * m).reshape(m, m)
        dg = np.asarray(self.xp.to_numpy(marg))
        scale = 1.0 / np.sqrt(np.where(dg > 0, dg, 1.0))
        hess *= scale[:, None]
        hess *= scale[None, :]
        rhs = -np.asarray(self.xp.to_numpy(grad)) * scale
        ridge = _RIDGE
        for _ in range(6):
            factor = _HOST.cholesky(hess + ridge * self.eye)  # LAPACK potrf, no LU
            if factor is None:
                ridge *= 100.0
                continue
            return self.xp.asarray(_HOST.cho_solve(factor, rhs) * scale)
        return None


class _SchurCG:
    """Newton directions by conjugate gradients on a Schur complement (matrix free).

    The block of potentials with the most keys (``e``, usually ``u12``) has a diagonal Hessian
    block, ``diag(A_e q)``; it is eliminated exactly, and CG (Jacobi-preconditioned) solves the
    Schur complement ``S = H_oo - H_oe H_ee^{-1} H_eo`` on the other two blocks. Products with
    ``S`` are three passes over the support cells; no matrix is formed. A key of ``e`` with a
    single cell drops out of ``S`` altogether, so clustered tables leave a small, well
    conditioned system.
    """

    def __init__(self, xp: Any, dual: _Dual, max_cg: int = 400) -> None:
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
