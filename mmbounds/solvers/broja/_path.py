"""The central-path iteration of the fast BROJA solver, written once for both layouts.

:func:`_iterate` runs Mehrotra's predictor-corrector on the dual geometric program described in
:mod:`._ipm`, with every layout-dependent operation (softmax, marginals, Newton factorisation and
solve, certificates) taken from the layout object (:class:`._dense.DenseOps` or
:class:`._sparse.SparseOps`).
"""

from __future__ import annotations

import math
import time
from typing import Any

from ...info import LN2
from ._newton import _direction, _max_step

__all__: list[str] = []

_STEP_TO_BOUNDARY = 0.995  # fraction of the largest step that keeps pi, sigma > 0
_CERTIFY_BELOW = 1e-2  # certify once the path gap sum(pi sigma) (bits) is below this
_CERTIFY_TOLS = 100.0  # ... and below this many times tol (plus once at the end of a failed run)
_START_SHIFT = 1.0  # initial slack added to every pair: sigma = 1 - log q(x1, x2) at the start
_MIN_STEP = 1e-6  # a shorter step counts as a stall
_MERIT_GROWTH = 10.0  # backtrack when a step multiplies infeasibility + path gap by more
_BACKTRACK = 0.5  # step shrink factor of the merit backtracking


def _merit(xp: Any, r1: Any, r2: Any, rp: Any, path_gap: float) -> float:
    """Infeasibility plus path gap, ``|r1|_1 + |r2|_1 + |s + sigma|_1 + sum(pi sigma)``."""
    return (
        xp.item(xp.sum(xp.abs(r1)))
        + xp.item(xp.sum(xp.abs(r2)))
        + xp.item(xp.sum(xp.abs(rp)))
        + path_gap
    )


def _iterate(
    ops: Any,
    tol: float,
    max_iter: int,
    verbose: bool,
    progress: bool,
    t0: float,
    init: tuple[Any, Any, Any, Any] | None = None,
) -> tuple[str, int, float, float, Any]:
    """Follow the central path from the conditionally independent start (or from ``init``)
    until the certified gap is at most ``tol`` bits or ``max_iter`` iterations.

    ``init = (lam, mu, pi, sigma)`` is a warm start (:func:`._warm.alternating_start`): potentials
    and strictly positive multipliers and slacks on the layout's arrays.

    Returns ``(status, n_iter, gap, upper, q_feasible)`` with the best certificate found (an
    infinite gap when none was reached).
    """
    xp = ops.xp
    if init is None:
        # start: the conditionally independent coupling, strictly inside (sigma = shift - log q12)
        lam, mu = ops.start(_START_SHIFT)
        s, w = ops.softmax(lam, mu)
        pi = ops.live(xp.exp(s + _START_SHIFT), 0.0)
        sig = ops.live(-s, 1.0)
        # weighted central path pi sigma = tau c, c the start's products (mean 1; see _ipm): a
        # pair whose cells all carry ~1e-13 starts at pi sigma ~1e-11 and is never asked for the
        # mean product, which the linearised softmax cannot deliver (with c = 1 the first step
        # was cut to ~0)
        weight: Any = ops.live(pi * sig, 0.0)
        weight = weight * (ops.n_live / xp.item(xp.sum(weight)))
    else:  # a centred warm start (dense tables without zero cells): the plain central path
        lam, mu = xp.asarray(init[0]), xp.asarray(init[1])
        s, w = ops.softmax(lam, mu)
        pi = ops.live(xp.asarray(init[2]), 0.0)
        sig = ops.live(xp.asarray(init[3]), 1.0)
        weight = 1.0

    bar = _progress_bar(max_iter, progress)
    # the certified gap tracks the path gap (it is not smaller in practice): certify from a path gap
    # of _CERTIFY_TOLS * tol on (and at the end of an unsuccessful run), not on every iterate
    certify_below = min(_CERTIFY_BELOW, _CERTIFY_TOLS * tol)
    certified = False
    best = None  # (gap, upper, q_feasible)
    n_iter = 0
    status = "max_iter"
    while True:
        q = ops.joint(pi, w)
        r1_ = ops.p1 - ops.marg1(q)
        r2_ = ops.p2 - ops.marg2(q)
        rp = ops.live(s + sig, 0.0)
        path_gap = xp.item(xp.sum(pi * sig))
        # --- certify -----------------------------------------------------------------------------
        certified = path_gap / LN2 <= certify_below
        if certified:
            gap, upper, q_feas, lower = ops.certify(q, lam, mu)
            if math.isfinite(gap) and (best is None or gap < best[0]):
                best = (gap, upper, q_feas)
            if verbose:
                print(
                    f"broja_fast: it={n_iter:3d} t={time.perf_counter() - t0:.3f}s "
                    f"path_gap={path_gap / LN2:.2e} lower={lower:.12f} upper={upper:.12f} "
                    f"gap={gap:.2e}"
                )
            if best is not None and best[0] <= tol:
                status = "optimal"
                break
        elif verbose:
            print(
                f"broja_fast: it={n_iter:3d} t={time.perf_counter() - t0:.3f}s "
                f"path_gap={path_gap / LN2:.2e}"
            )
        if n_iter >= max_iter:
            break
        n_iter += 1
        if bar is not None:
            bar.update(1)
        # --- Mehrotra predictor-corrector --------------------------------------------------------
        fac = None  # the previous factors (W and the Schur complement) go before the new ones
        fac = ops.factor(w, pi, sig)
        if fac is None:
            status = "numerical_error"
            break
        tau = path_gap / ops.n_live

        rc = pi * sig
        _, _, dpi_a, dsig_a = _direction(ops, fac, w, pi, sig, rp, r1_, r2_, rc)
        a_aff = min(_max_step(xp, pi, dpi_a), _max_step(xp, sig, dsig_a))
        tau_aff = xp.item(xp.sum((pi + a_aff * dpi_a) * (sig + a_aff * dsig_a))) / ops.n_live
        centring = min((tau_aff / tau) ** 3, 1.0)
        rc = ops.live(pi * sig + dpi_a * dsig_a - centring * tau * weight, 0.0)
        dlam, dmu, dpi, dsig = _direction(ops, fac, w, pi, sig, rp, r1_, r2_, rc)
        step = min(1.0, _STEP_TO_BOUNDARY * min(_max_step(xp, pi, dpi), _max_step(xp, sig, dsig)))
        merit = _merit(xp, r1_, r2_, rp, path_gap)
        while True:  # backtrack on the residual merit: s is nonlinear in (lam, mu)
            lam_n, mu_n = lam + step * dlam, mu + step * dmu
            pi_n = pi + step * dpi
            sig_n = ops.live(sig + step * dsig, 1.0)
            s_n, w_n = ops.softmax(lam_n, mu_n)
            q_n = ops.joint(pi_n, w_n)
            merit_n = _merit(
                xp,
                ops.p1 - ops.marg1(q_n),
                ops.p2 - ops.marg2(q_n),
                ops.live(s_n + sig_n, 0.0),
                xp.item(xp.sum(pi_n * sig_n)),
            )
            if merit_n <= _MERIT_GROWTH * merit or step < _MIN_STEP:
                break
            step *= _BACKTRACK
        if verbose:
            infeasible_n = merit_n - xp.item(xp.sum(pi_n * sig_n))
            print(
                f"broja_fast:   affine step {a_aff:.3f}, centring {centring:.2e}, step {step:.3f}, "
                f"infeasibility {merit - path_gap:.2e} -> {infeasible_n:.2e}"
            )
        if step < _MIN_STEP or not math.isfinite(merit_n):
            status = "numerical_error"
            break
        lam, mu, pi, sig, s, w = lam_n, mu_n, pi_n, sig_n, s_n, w_n
    if bar is not None:
        bar.close()
    if status != "optimal" and not certified and path_gap / LN2 <= _CERTIFY_BELOW:
        gap, upper, q_feas, _ = ops.certify(q, lam, mu)  # the last iterate, near the path's end
        if math.isfinite(gap) and (best is None or gap < best[0]):
            best = (gap, upper, q_feas)
    if best is None:  # no certificate yet: the current joint, made feasible, with an infinite gap
        q_feas = ops.round_feasible(ops.joint(pi, w))
        best = (math.inf, max(ops.h_y - ops.cond_entropy(q_feas), 0.0) / LN2, q_feas)
    gap, upper, q_feas = best
    return status, n_iter, gap, upper, q_feas


def _progress_bar(total: int, progress: bool) -> Any:
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="broja_fast", unit="it", leave=False)
