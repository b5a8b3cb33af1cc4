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

Linear algebra (:mod:`._directions`): up to ``dense_max`` potentials the Hessian is assembled
and factored (Cholesky of its unit-diagonal scaling with a tiny ridge: the potentials have gauge
freedoms, directions with ``A^T v = 0`` along which nothing changes); above it the largest
(diagonal) block of potentials is eliminated exactly and the Schur complement on the other two is
assembled and factored while it has at most ``schur_max`` potentials, else solved by
Jacobi-preconditioned conjugate gradients without forming a matrix. Cells are stored by
:class:`._layouts._Sparse` (numpy or torch).

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
from .._backend import get_namespace
from .._threads import one_blas_thread
from .._types import Lazy, SolverInfo
from ._certificate import gibbs_entropy_upper
from ._directions import _concat, _DenseNewton, _DenseSchur, _SchurCG
from ._layouts import _Sparse
from ._solution import MaxEntSolution
from ._support import check_reachable, maxent_support

__all__ = ["maxent_newton"]

_ARMIJO = 1e-4
_FLAT = 1e-14  # a Newton decrement below this is under the dual's rounding noise
_MAX_DOUBLINGS = 60  # the step may grow to 2**60 along a recession direction (a proper face)
_MAX_PUSH = 40.0  # ... but change no log-probability by more than this (potentials stay small)
_MAX_JUMP = 20.0  # largest change of a log-probability tried first by the line search


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
    schur_max: int = 1500,
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
        the Schur complement of the largest block is formed and factored.
    schur_max : int
        Largest number of potentials outside that block for which it is; above it the Schur
        system is solved by preconditioned conjugate gradients (no matrix formed).
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
    with one_blas_thread():  # results independent of the machine's BLAS thread count
        return _maxent_newton(
            p_x1y,
            p_x2y,
            p_x1x2,
            tol,
            gap_tol,
            max_iter,
            dense_max,
            schur_max,
            start,
            backend,
            device,
        )


def _maxent_newton(
    p_x1y: Any,
    p_x2y: Any,
    p_x1x2: Any,
    tol: float,
    gap_tol: float,
    max_iter: int,
    dense_max: int,
    schur_max: int,
    start: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    backend: str,
    device: Any,
) -> MaxEntSolution:
    """The body of :func:`maxent_newton` (same arguments), run with one BLAS thread."""
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
    solve = _directions(xp, dual, dense_max, schur_max)
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
            if solve.slope_from_cells:
                # an exact Newton direction (H d = -g) may carry a gauge component (A^T v = 0)
                # that the ridge amplifies; g.d and d.p read through it are rounding noise near
                # the optimum, so use the identities g.d = -sum q ds^2, d.p = sum q ds - g.d
                slope = -xp.item(xp.sum(q * ds * ds))
                d_dot_t = xp.item(xp.sum(q * ds)) - slope
            else:
                slope = xp.item(xp.sum(grad * d))
                d_dot_t = xp.item(xp.sum(d * target))
            step = _line_search(xp, q, ds, d_dot_t, slope)
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


def _directions(xp: Any, dual: _Dual, dense_max: int, schur_max: int) -> Any:
    """The Newton-direction solver for the size of the problem (see :mod:`._directions`)."""
    if sum(dual.sizes) <= dense_max:
        return _DenseNewton(dual.lay)
    if sum(dual.sizes) - max(dual.sizes) <= schur_max:
        return _DenseSchur(xp, dual)
    return _SchurCG(xp, dual)
