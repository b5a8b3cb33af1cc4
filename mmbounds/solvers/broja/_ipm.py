"""Fast certified BROJA solver: a primal-dual interior-point method on the geometric-program dual.

The BROJA program (DESIGN §2) asks for

    max  H_q(Y | X1, X2)   over q >= 0 with q(x1, y) = p(x1, y), q(x2, y) = p(x2, y),

which is ``min I_q(X1,X2;Y) = H(Y) - max H_q(Y|X1,X2)``. For each ``y`` the slice ``q(., ., y)`` is
a coupling of ``p(., y)`` and ``p(., y)``; cells with ``p(x1,y) = 0`` or ``p(x2,y) = 0`` are zero
and are dropped, and so are the pairs ``(x1, x2)`` left without any allowed cell.

**Dual (a geometric program).** For potentials ``lam(x1,y)``, ``mu(x2,y)`` (nats) let

    s_ij(lam, mu) = logsumexp_y ( -lam(i,y) - mu(j,y) )        (allowed y of the pair only).

By the Gibbs variational principle ``H(w) <= sum_y w_y (lam + mu) + s`` for every distribution
``w``, so the convex program

    min  D(lam, mu) = <lam, p(x1,y)> + <mu, p(x2,y)>   s.t.  s_ij(lam, mu) <= 0  for every pair

bounds ``max H(Y|X1,X2)`` from above, with no duality gap. Its multiplier of the pair constraint is
the pair mass ``pi_ij = q(x1=i, x2=j)``, and ``q(y|i,j) = w_ij = softmax_y(-lam - mu)``, so the KKT
conditions read (``sigma = -s`` the slack)

    p(x1,y) = sum_j pi_ij w_ijy,   p(x2,y) = sum_i pi_ij w_ijy,   s + sigma = 0,   pi sigma = 0.

**Interior point.** We follow the weighted central path ``pi sigma = tau c`` with Mehrotra's
predictor-corrector (two solves per factorisation). The weights ``c`` are the products
``pi sigma`` of the start (normalised to mean 1), which therefore lies on the path: a pair whose
allowed cells all carry tiny masses (``1e-13`` next to ``1e-2``) keeps a target of its own scale,
whereas the unweighted path (``c = 1``) asks it to raise ``pi sigma`` by ten orders of magnitude,
which the linearised softmax cannot follow (the step collapses); any fixed positive weights lead
to the same optimum (Jansen, Roos, Terlaky and Vial 1996). Eliminating ``(d pi, d sigma)``
leaves, for ``d v = (d lam, d mu)``,

    H d v = -r_d + J^T h,   H = sum_ij A_ij^T ( diag(q_ij) + rho_ij w_ij w_ij^T ) A_ij,
    rho = pi / sigma - pi,   q_ij = pi_ij w_ij,

where ``A_ij`` picks the ``lam(i, .)`` and ``mu(j, .)`` blocks. ``H = [[D1, C], [C^T, D2]]`` has
``ny x ny`` diagonal blocks ``D1_i = diag(sum_j q_ij) + sum_j rho_ij w_ij w_ij^T`` (and ``D2_j``)
and the dense coupling ``C[(i,y), (j,z)] = q_ijy [y = z] + rho_ij w_ijy w_ijz``. It is factored
by blocked Cholesky: the ``D1_i`` as a batch (``L1``), then ``W = L1^{-1} C`` and the Schur
complement ``S = D2 - W^T W`` (one row and column per allowed ``(x2, y)``; the side with fewer
allowed cells is put there). This is backward stable, unlike forming ``D1^{-1}`` explicitly, which
loses digits late on the path where ``rho = pi / sigma`` reaches ``1e8``. ``S`` is singular along
the gauge ``lam(., y) + a_y, mu(., y) - a_y``; adding ``alpha e e^T`` on one ``mu`` per label picks
the solution with that coordinate fixed. A step costs ``O(n1 n2 ny^2)`` elementwise work, the
product ``W^T W`` (``n1 ny m^2`` flops for ``m <= n2 ny`` allowed cells, a matrix product that a
GPU runs at full speed) and one Cholesky factorisation of size ``m``. Each direction is refined by
conjugate gradients on the exact operator.

**Start.** The path starts at the conditionally independent coupling; on large dense tables
(numpy, from ``WARM_MIN_SCHUR`` Schur variables) it starts instead at the end of a few thousand
sweeps of alternating maximisation (:mod:`._warm`), which about halves the iterations; a warm
start that does not certify is followed by the cold one, and a cold start that stalls by the
warm one.

**Certificate.** Once the path gap ``sum(pi sigma)`` is within ``100 tol`` (and for the last iterate
of a run that stops early), any ``(lam, mu)`` gives a certified lower bound on the minimum
(:func:`._solution.dual_lower_bound`, which shifts the potentials to feasibility), and the joint
``pi w`` made to meet both marginals exactly per ``y`` (the rounding of Altschuler, Weed and
Rigollet) gives the certified upper value. The solver stops when the difference, in bits, is at
most ``tol``.

References
----------
N. Bertschinger, J. Rauh, E. Olbrich, J. Jost, N. Ay, "Quantifying unique information", Entropy
16(4), 2014.
S. Boyd and L. Vandenberghe, *Convex Optimization*, Cambridge University Press, 2004 (geometric
programs §4.5; primal-dual interior-point methods §11.7).
B. Jansen, C. Roos, T. Terlaky, J.-P. Vial, "Primal-dual target-following algorithms for linear
programming", Annals of Operations Research 62, 1996.
S. Mehrotra, "On the implementation of a primal-dual interior point method", SIAM J. Optim. 2(4),
1992.
J. Altschuler, J. Weed, P. Rigollet, "Near-linear time approximation algorithms for optimal
transport via Sinkhorn iteration", NeurIPS 2017 (Algorithm 2, rounding to the transport polytope).

This module holds the driver :func:`broja_fast`; the pruned problem is built in :mod:`._problem`,
the Newton system is assembled, factored and solved in :mod:`._newton`, and the certificates come
from :mod:`._certify`.
"""

from __future__ import annotations

import numbers
import time
import warnings
from typing import Any

import numpy as np

from ..._validation import check_label_marginals, check_scalar
from ...exceptions import ConvergenceWarning
from ...info import LN2, entropy_nats
from .._backend import get_namespace
from .._threads import one_blas_thread
from .._types import Lazy, SolverInfo
from ._certify import DenseCells, cond_entropy
from ._dense import DenseOps
from ._layout import _choose_layout, _dense_fits
from ._path import _iterate
from ._problem import _to_np
from ._solution import BrojaSolution
from ._sparse import SparseOps, triplets
from ._warm import WARM_MIN_SCHUR, alternating_start

__all__ = ["broja_fast"]

_METHOD = "ipm-mehrotra"


def broja_fast(
    p_x1y: Any,
    p_x2y: Any,
    *,
    tol: float = 1e-9,
    max_iter: int = 1000,
    backend: str = "auto",
    device: Any = None,
    verbose: bool = False,
    progress: bool = False,
    layout: str = "auto",
    start: str = "auto",
) -> BrojaSolution:
    """Solve the BROJA program to a certified duality gap (primal-dual interior point).

    Parameters
    ----------
    p_x1y : array_like, shape (n_x1, n_y)
        Marginal ``p(x1, y)`` (numpy array or torch tensor); trusted, sums to 1.
    p_x2y : array_like, shape (n_x2, n_y)
        Marginal ``p(x2, y)`` with the same ``p(y)``.
    tol : float
        Target for the certified duality gap, in bits: on success the true minimum lies in
        ``[min_mi - tol, min_mi]``.
    max_iter : int
        Maximum number of interior-point iterations (one factorisation each).
    backend : {"auto", "numpy", "torch"}
        Array library; ``"auto"`` follows the input type (see :func:`.._backend.get_namespace`).
    device : str or torch.device, optional
        Torch device, e.g. ``"cuda"``.
    verbose : bool
        Print one line per iteration (path parameter, step, bounds, gap).
    progress : bool
        Show a tqdm bar over iterations (if tqdm is installed).
    layout : {"auto", "dense", "support"}
        How the cells are stored: ``"dense"`` keeps all ``n1 n2 ny`` cells and factors the Newton
        matrix by blocked dense Cholesky (on the namespace's device); ``"support"`` keeps only the
        cells with ``p(x1, y) p(x2, y) > 0`` and factors a sparse Newton matrix (numpy and scipy,
        memory linear in the support plus the factor's fill). ``"auto"`` picks by the predicted
        cost (:func:`._layout._choose_layout`).
    start : {"auto", "cold", "alternating"}
        Where the interior point starts: ``"cold"`` at the conditionally independent coupling,
        ``"alternating"`` at the end of a few thousand sweeps of alternating maximisation
        (:mod:`._warm`; dense layout and marginals without zero entries only, else the cold
        start), which about halves the iterations on large dense tables. ``"auto"`` uses the
        alternating start on the numpy backend's dense layout from
        :data:`._warm.WARM_MIN_SCHUR` Schur variables on, where it is measured faster
        (``benchmarks/solvers.py --scaling``), and retries a stalled cold start from it (dense
        layout, positive marginals). Either start ends with the same certificate; a warm start
        that does not certify is followed by the cold one.

    Returns
    -------
    BrojaSolution
        ``q`` (numpy, shape ``(n_x1, n_x2, n_y)``) meets both marginals to rounding error;
        ``min_mi`` is ``I_q(X1,X2;Y)`` in bits (the certified upper value); ``info.residual`` is the
        final certified gap in bits and ``info.n_iter`` the number of iterations.

    Raises
    ------
    ValueError
        For tables that are not two probability tables agreeing on ``p(y)``, or a ``tol``,
        ``max_iter``, ``layout`` or ``start`` out of range.

    Warns
    -----
    ConvergenceWarning
        If the gap is still above ``tol`` after ``max_iter`` iterations (``status="max_iter"``) or
        the iteration stalled or became non-finite (``status="numerical_error"``); the best
        certified pair is returned.

    Notes
    -----
    See the module docstring for the dual geometric program, the Newton system and the two
    certificates. An iteration costs ``O(n1 n2 ny^2)`` elementwise work, a product of
    ``(n1 ny) x (n2 ny)^2`` flops and a Cholesky factorisation of size ``n2 ny`` (allowed cells
    only; the sides are swapped so that the factorised side is the smaller one). On a GPU give
    ``backend="torch", device="cuda"``: 1000 x 1000 x 10 takes about 1.2 s on an H200.

    Examples
    --------
    >>> import numpy as np
    >>> p_xor = np.zeros((2, 2, 2))
    >>> for a in range(2):
    ...     for b in range(2):
    ...         p_xor[a, b, a ^ b] = 0.25
    >>> sol = broja_fast(p_xor.sum(1), p_xor.sum(0))
    >>> round(sol.min_mi, 6), sol.info.status
    (0.0, 'optimal')
    """
    if layout not in ("auto", "dense", "support"):
        raise ValueError(f"layout must be 'auto', 'dense' or 'support', got {layout!r}")
    if start not in ("auto", "cold", "alternating"):
        raise ValueError(f"start must be 'auto', 'cold' or 'alternating', got {start!r}")
    check_scalar(tol, name="tol", min_val=0.0, include_min=False)
    check_scalar(max_iter, name="max_iter", kind=numbers.Integral, min_val=1)
    args = (p_x1y, p_x2y, tol, max_iter, backend, device, verbose, progress, layout, start)
    with one_blas_thread():  # faster here, and results independent of the thread count
        return _solve(*args)


def _warm_start(
    ops: Any, start: str, t2: Any, xp: Any, p1: np.ndarray, p2: np.ndarray
) -> tuple[np.ndarray, ...] | None:
    """The alternating warm start (:func:`._warm.alternating_start`) where ``start`` asks for it
    (see :func:`broja_fast`), else None."""
    if start == "cold" or ops.name != "dense" or not (np.all(p1 > 0) and np.all(p2 > 0)):
        return None
    if start == "auto" and (xp.name != "numpy" or t2[0].size < WARM_MIN_SCHUR):
        return None
    return alternating_start(p1, p2)


def _solve(
    p_x1y: Any,
    p_x2y: Any,
    tol: float,
    max_iter: int,
    backend: str,
    device: Any,
    verbose: bool,
    progress: bool,
    layout: str,
    start: str,
) -> BrojaSolution:
    """The body of :func:`broja_fast` (same arguments)."""
    t0 = time.perf_counter()
    p1_in, p2_in = _to_np(p_x1y), _to_np(p_x2y)
    check_label_marginals(p1_in, p2_in)
    n1, ny_full = p1_in.shape
    n2 = p2_in.shape[0]
    xp = get_namespace(p_x1y, p_x2y, backend=backend, device=device, n_cells=n1 * n2 * ny_full)
    r1 = np.flatnonzero(p1_in.sum(1) > 0)
    r2 = np.flatnonzero(p2_in.sum(1) > 0)
    ry = np.flatnonzero((p1_in.sum(0) > 0) & (p2_in.sum(0) > 0))
    t1, t2 = triplets(p1_in, r1, ry), triplets(p2_in, r2, ry)  # the positive entries, pruned
    swap = t1[2].size < t2[2].size  # factorise on the side with fewer cells
    shape = (r1.size, r2.size, ry.size)
    if swap:
        t1, t2, r1_in, r2_in = t2, t1, r2, r1
        shape = (r2.size, r1.size, ry.size)
    else:
        r1_in, r2_in = r1, r2

    def _finish(q_small: Any, upper: float, info: SolverInfo, ops: Any = None) -> BrojaSolution:
        def build() -> np.ndarray:  # the full joint, on the host, when first asked for
            out = np.zeros((n1, n2, ny_full))
            if ops is None:  # the closed form, a dense pruned table
                q_host = _to_np(q_small)
                out[np.ix_(r1, r2, ry)] = q_host.transpose(1, 0, 2) if swap else q_host
            else:
                ops.scatter(q_small, out, (r1, r2, ry), swap)
            out.setflags(write=False)
            return out

        return BrojaSolution(Lazy(build), upper, info)

    def dense(rows: np.ndarray, which: np.ndarray) -> np.ndarray:  # the pruned dense marginal
        return which[np.ix_(rows, ry)]

    p_first, p_second = (p2_in, p1_in) if swap else (p1_in, p2_in)
    if ry.size <= 1 or shape[0] == 1 or shape[1] == 1:
        # one label, or one value of a source: the constraints fix q, q = p(x1, y) p(x2, y) / p(y)
        p1, p2 = dense(r1_in, p_first), dense(r2_in, p_second)
        py = p1.sum(0)
        q = p1[:, None, :] * p2[None, :, :] / py[None, None, :]
        upper = max(entropy_nats(py) - cond_entropy(DenseCells(get_namespace(q)), q), 0.0) / LN2
        info = SolverInfo(True, 0, 0.0, "optimal", _METHOD, time.perf_counter() - t0)
        return _finish(q, upper, info)

    auto = layout == "auto"
    if auto:
        layout = _choose_layout(t1, t2, shape, xp)
    if layout == "support":
        ops: Any = SparseOps(t1, t2, shape)
    else:
        ops = DenseOps(dense(r1_in, p_first), dense(r2_in, p_second), xp)
    init = _warm_start(ops, start, t2, xp, dense(r1_in, p_first), dense(r2_in, p_second))
    status, n_iter, gap, upper, q_feas = _iterate(ops, tol, max_iter, verbose, progress, t0, init)
    retry: Any = None
    if init is not None and status != "optimal":  # the warm start did not certify: start cold
        retry = "cold"
    elif init is None and status == "numerical_error" and start == "auto":
        # a stalled cold start (near-deterministic small tables): the alternating start rescues
        # it (all 9 stalls of 400 random Dirichlet(0.1) tables of 2 to 4 values each)
        retry = _warm_start(
            ops, "alternating", t2, xp, dense(r1_in, p_first), dense(r2_in, p_second)
        )
    if retry is not None:
        first = (status, n_iter, gap, upper, q_feas)
        status, n_iter, gap, upper, q_feas = _iterate(
            ops, tol, max_iter, verbose, progress, t0, None if retry == "cold" else retry
        )
        if status != "optimal" and first[2] < gap:  # keep the better certificate
            status, _, gap, upper, q_feas = first
        n_iter += first[1]
    if (
        status == "numerical_error"
        and auto
        and ops.name == "support"
        and _dense_fits(t2, shape, xp)
    ):
        # a stalled sparse factorisation (rare, at the end of the path): the dense layout, once
        first = (status, n_iter, gap, upper, q_feas, ops)
        ops = DenseOps(dense(r1_in, p_first), dense(r2_in, p_second), xp)
        status, n_iter, gap, upper, q_feas = _iterate(ops, tol, max_iter, verbose, progress, t0)
        if status != "optimal" and first[2] < gap:  # keep the better certificate
            status, n_iter, gap, upper, q_feas, ops = first
        n_iter += first[1] if ops is not first[5] else 0
    if status != "optimal":
        reason = (
            f"after {n_iter} iterations (max_iter={max_iter}); increase max_iter or loosen tol"
            if status == "max_iter"
            else f"after {n_iter} iterations: the iteration stalled; try backend='numpy', a "
            "looser tol or method='cvxpy'"
        )
        warnings.warn(
            f"broja_fast: certified gap {gap:.2e} bits > tol={tol:.0e} {reason} ({status})",
            ConvergenceWarning,
            stacklevel=3,
        )
    info = SolverInfo(
        converged=status == "optimal",
        n_iter=n_iter,
        residual=gap,
        status=status,
        method=_METHOD,
        solve_time_s=time.perf_counter() - t0,
    )
    return _finish(q_feas, upper, info, ops)
