"""Maximum-entropy joint with three prescribed pairwise marginals (iterative proportional fitting).

    r* = argmax { H(r) : r(x1,x2) = p(x1,x2), r(x1,y) = p(x1,y), r(x2,y) = p(x2,y) }

r* has the form ``r = exp(phi12(x1,x2) + phi1y(x1,y) + phi2y(x2,y))`` on the cells whose three
containing marginal cells are positive. IPF rescales one marginal at a time; every iterate is such a
Gibbs table, so it yields a **certified** upper bound on the maximum entropy (cross-entropy
duality):
for any feasible r, ``H(r) <= -sum r log r_phi = log|supp| - <phi, p-marginals>``. The bound is
tight at
convergence and stays valid when IPF stops early.

References
----------
W. E. Deming, F. F. Stephan, "On a least squares adjustment of a sampled frequency table when the
expected marginal totals are known", Ann. Math. Statist. 11(4), 1940.
I. Csiszár, "I-divergence geometry of probability distributions and minimization problems",
Ann. Probab. 3(1), 1975.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import _to_numpy
from ..exceptions import ConvergenceWarning
from ..marginals import reachable_cells
from ._backend import get_namespace
from ._types import SolverInfo, materialize

__all__ = ["MaxEntSolution", "maxent_ipf", "maxent_support", "feasible_support"]

LN2 = float(np.log(2.0))
# IPF factors are raised to a power omega (over-relaxation; 1 is plain IPF) chosen from the
# contraction rate of the first plain sweeps, at most this; about five times fewer sweeps on
# clustered tables. The iteration falls back to plain IPF when a check shows no progress.
_OVERRELAX_MAX = 1.99
_PLAIN_SWEEPS = 50  # plain sweeps before the relaxation is chosen
_GRACE = 30  # sweeps an over-relaxed iteration gets before its progress is judged
_REESTIMATE = 100  # sweeps between re-estimates of the relaxation
# IPF works on the support cells alone when they are fewer than 1/_SPARSE_BELOW of the table
_SPARSE_BELOW = 8


@dataclass(frozen=True, slots=True)
class MaxEntSolution:
    """Result of :func:`maxent_ipf`.

    Attributes
    ----------
    r : ndarray, shape (n_x1, n_x2, n_y)
        Last IPF iterate (read-only); its marginals match the inputs to ``info.residual``. Copied
        from the solver's device on first access.
    entropy : float
        ``H(r)`` of the iterate, bits.
    entropy_upper : float
        Certified upper bound, bits, on the maximum entropy over all tables with the given
        marginals.
    info : SolverInfo
        ``residual`` is the max absolute marginal error of ``r``.
    """

    _r: Any = field(repr=False)
    entropy: float
    entropy_upper: float
    info: SolverInfo

    @property
    def r(self) -> np.ndarray:
        return materialize(self, "_r")

    def __reduce__(self) -> tuple[Any, ...]:  # pickles the built array, not the builder
        return (type(self), (self.r, self.entropy, self.entropy_upper, self.info))


def maxent_support(p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray) -> np.ndarray:
    """Cells that can be positive in a table with the three marginals."""
    return (p_x1x2[:, :, None] > 0) & (p_x1y[:, None, :] > 0) & (p_x2y[None, :, :] > 0)


def feasible_support(
    p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Cells that are positive in **some** table with the three marginals (facial reduction).

    A cell can be zero in every feasible table although its three marginal cells are positive (AND
    gate: ``r(1,1,0) = 0``). One linear program finds them: over the cone
    ``{(r, s) : r >= 0, marginals of r = s * p}`` maximise ``sum_c t_c`` with ``0 <= t_c <=
    min(r_c, 1)``;
    a relative-interior point scaled up gives ``t_c = 1`` exactly on the cells that can be positive.
    IPF restricted to that support converges geometrically instead of sublinearly.
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    if mask is None:
        mask = maxent_support(p_x1y, p_x2y, p_x1x2)
    i, j, k = np.nonzero(mask)
    n = i.size
    n1, n2, ny = mask.shape
    cols = np.arange(n)
    # scale each cell by its largest possible value u_c and each row by its target, so that the
    # LP is well conditioned even when marginal cells span many orders of magnitude
    u = np.minimum(np.minimum(p_x1x2[i, j], p_x1y[i, k]), p_x2y[j, k])
    blocks = []
    for rows, size, target in (
        (i * n2 + j, n1 * n2, p_x1x2.ravel()),
        (i * ny + k, n1 * ny, p_x1y.ravel()),
        (j * ny + k, n2 * ny, p_x2y.ravel()),
    ):
        a = sp.csr_matrix((u / target[rows], (rows, cols)), shape=(size, n))
        blocks.append(a[np.unique(rows)])
    a_r = sp.vstack(blocks).tocsr()
    m = a_r.shape[0]
    # variables [rho (n), t (n), s (1)]: rows of A rho = s ; t - rho <= 0 ; 0 <= t <= 1
    a_eq = sp.hstack([a_r, sp.csr_matrix((m, n)), sp.csr_matrix(-np.ones((m, 1)))]).tocsr()
    a_ub = sp.hstack([-sp.identity(n), sp.identity(n), sp.csr_matrix((n, 1))]).tocsr()
    c = np.concatenate([np.zeros(n), -np.ones(n), [0.0]])
    bounds = [(0, None)] * n + [(0, 1)] * n + [(0, None)]
    res = linprog(
        c, A_ub=a_ub, b_ub=np.zeros(n), A_eq=a_eq, b_eq=np.zeros(m), bounds=bounds, method="highs"
    )
    if res.status != 0:
        return mask.copy()
    out = np.zeros_like(mask)
    out[i, j, k] = res.x[n : 2 * n] > 0.5
    # every positive marginal cell must keep a support cell; otherwise the LP was inaccurate
    for marg, axis in ((p_x1x2, 2), (p_x1y, 1), (p_x2y, 0)):
        if np.any((marg > 0) & ~out.any(axis=axis)):
            return mask.copy()
    return out


def _ratio(xp: Any, target: Any, current: Any) -> Any:
    """``target / current``, and 1 where ``current`` is 0."""
    return xp.where(current > 0, target / xp.where(current > 0, current, 1.0), 1.0)


class _Relaxation:
    """The over-relaxation ``omega`` of IPF, chosen from the contraction it observes (internal).

    Plain IPF (``omega = 1``) runs ``_PLAIN_SWEEPS`` sweeps; its error contraction per sweep
    ``rho`` then gives the SOR choice ``2 / (1 + sqrt(1 - rho))``. Every ``_REESTIMATE`` sweeps
    the contraction ``lam`` seen under ``omega`` is turned back into ``rho`` through the SOR
    relation ``(lam + omega - 1)^2 = lam omega^2 rho`` and ``omega`` is raised when that calls for
    more (slow modes show up late). IPF goes back to ``omega = 1`` for good, which always
    converges, when the relaxed iteration contracts no faster than plain IPF did, or makes no
    progress over ``_GRACE`` sweeps (an over-relaxed iteration first raises the error, so it is
    judged only after that many), or blows up; in the last case the caller restores the iterate
    saved when ``omega`` was first raised (``snapshot``).
    """

    def __init__(self) -> None:
        self.omega = 1.0
        self.state = "plain"  # -> "relaxed" -> "off"
        self.since = 0
        self.best = math.inf
        self.rho_plain = 1.0
        self.snapshot = False  # True once: the caller should save the iterate now
        self.history: list[tuple[int, float]] = []

    def _err_before(self, it: int, sweeps: int) -> tuple[int, float] | None:
        """The last check at least ``sweeps`` sweeps before ``it``."""
        for past in reversed(self.history):
            if past[0] <= it - sweeps:
                return past
        return None

    def _set(self, rho: float, it: int) -> None:
        omega = min(2.0 / (1.0 + math.sqrt(max(1.0 - rho, 0.0))), _OVERRELAX_MAX)
        if omega > self.omega * 1.001:
            self.snapshot = self.state == "plain"
            self.omega, self.state, self.since = omega, "relaxed", it

    def blown_up(self, err: float) -> bool:
        """True when a relaxed iteration diverged (the caller restores the snapshot)."""
        return self.state == "relaxed" and not (err <= 1e3 * self.best)

    def stop(self) -> None:
        """Back to plain IPF for good."""
        self.omega, self.state = 1.0, "off"

    def update(self, it: int, err: float) -> None:
        """Record the (finite) marginal error after sweep ``it`` and adjust ``omega``."""
        if self.state == "relaxed" and it >= self.since + _GRACE:
            past = self._err_before(it, _GRACE)
            if past is not None and past[0] > self.since and err > past[1]:
                self.stop()
        if self.state == "plain" and it >= _PLAIN_SWEEPS:
            past = self._err_before(it, _GRACE)
            if past is not None and 0 < err < past[1]:
                self.rho_plain = (err / past[1]) ** (1.0 / (it - past[0]))
                self._set(self.rho_plain, it)
        elif self.state == "relaxed" and it >= self.since + _GRACE + _REESTIMATE:
            past = self._err_before(it, _REESTIMATE)
            if past is not None and 0 < err < past[1]:
                lam, w = (err / past[1]) ** (1.0 / (it - past[0])), self.omega
                if lam >= self.rho_plain:  # no faster than plain IPF: over-relaxation does not pay
                    self.stop()
                else:
                    self._set((lam + w - 1.0) ** 2 / (lam * w * w), it)
        self.best = min(self.best, err)
        self.history.append((it, err))


def _n_cells(p_x1y: np.ndarray, p_x2y: np.ndarray) -> int:
    """Number of cells ``n1 n2 ny`` of the joint table."""
    return p_x1y.shape[0] * p_x2y.shape[0] * p_x1y.shape[1]


class _Dense:
    """IPF on the full ``(n1, n2, ny)`` table: marginals are axis sums (internal)."""

    _AXES = (2, 1, 0)
    _EXPAND = (
        (slice(None), slice(None), None),
        (slice(None), None, slice(None)),
        (None, slice(None), slice(None)),
    )

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    def targets(self, *tables: Any) -> list[Any]:
        return list(tables)

    def marginal(self, r: Any, which: int) -> Any:
        """``p12``, ``p1y`` or ``p2y`` (``which`` = 0, 1, 2) of ``r``."""
        return self.xp.sum(r, self._AXES[which])

    def scale(self, r: Any, factor: Any, which: int) -> None:
        """Multiply ``r`` in place by a factor shaped like marginal ``which``."""
        r *= factor[self._EXPAND[which]]

    def to_table(self, r: Any, shape: tuple[int, int, int]) -> np.ndarray:
        return np.array(self.xp.to_numpy(r), dtype=np.float64)


class _Sparse:
    """IPF on the support cells only, a vector in ``(x1, x2, y)`` order (internal).

    Used when the support is a small part of the table (clustered labels): a marginal is a sum
    over contiguous runs of the cells sorted by its key (a segment sum: ``np.add.reduceat`` or
    ``torch.segment_reduce``, no atomic scatter), and scaling gathers the factor of each cell's
    run. Marginals, factors and log-potentials are kept on the reached keys only.
    """

    def __init__(self, xp: Any, mask: np.ndarray) -> None:
        self.xp = xp
        i, j, k = np.nonzero(mask)  # sorted by (i, j, k)
        self.cells = (i, j, k)
        n1, n2, ny = mask.shape
        self.shapes = ((n1, n2), (n1, ny), (n2, ny))
        self.segment, self.perms, self.offsets, self.uniq = [], [], [], []
        for which, key in enumerate((i * n2 + j, i * ny + k, j * ny + k)):
            perm = None if which == 0 else np.argsort(key, kind="stable")
            ks = key if perm is None else key[perm]
            starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
            seg = np.empty(key.size, dtype=np.intp)  # each cell's run number
            seg[perm if perm is not None else slice(None)] = np.repeat(
                np.arange(starts.size), np.diff(np.r_[starts, ks.size])
            )
            self.segment.append(xp.index(seg))
            self.perms.append(None if perm is None else xp.index(perm))
            self.offsets.append(xp.index(np.r_[starts, ks.size]))
            self.uniq.append(xp.index(ks[starts]))

    def targets(self, *tables: Any) -> list[Any]:
        """The marginal tables restricted to the keys that support cells reach."""
        return [t.reshape(-1)[u] for t, u in zip(tables, self.uniq)]

    def marginal(self, r: Any, which: int) -> Any:
        perm = self.perms[which]
        return self.xp.segment_sum(r if perm is None else r[perm], self.offsets[which])

    def scale(self, r: Any, factor: Any, which: int) -> None:
        r *= factor[self.segment[which]]

    def to_table(self, r: Any, shape: tuple[int, int, int]) -> np.ndarray:
        out = np.zeros(shape)
        out[self.cells] = self.xp.to_numpy(r)
        return out


def maxent_ipf(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    *,
    tol: float = 1e-9,
    max_iter: int = 5000,
    check_every: int = 10,
    reduce_support: bool = True,
    max_lp_cells: int = 20_000,
    progress: bool = False,
    backend: str = "auto",
    device: Any = None,
) -> MaxEntSolution:
    """Maximum-entropy table with three pairwise marginals (IPF, certified entropy bound).

    Parameters
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray
        Consistent marginals, shapes (n1, ny), (n2, ny), (n1, n2). Trusted (validated upstream).
    tol : float
        Stop when the max absolute marginal error is below ``tol``.
    max_iter : int
        Maximum number of IPF sweeps (each sweep fits all three marginals).
    check_every : int
        Sweeps between convergence checks (always checked at the end).
    reduce_support : bool
        When IPF has not converged after 200 sweeps, find the cells that are zero in every feasible
        table (:func:`feasible_support`, one LP), drop them and restart: IPF then converges
        geometrically instead of sublinearly. Skipped above ``max_lp_cells`` support cells.
    max_lp_cells : int
        Size limit for the support LP.
    progress : bool
        Show a tqdm progress bar.
    backend : {"auto", "numpy", "torch"}
        Array library of the sweeps (see :func:`._backend.get_namespace`; ``"auto"`` sends tables
        of at least two million cells to a CUDA GPU when torch is imported and one is visible).
    device : str or torch.device, optional
        Torch device, e.g. ``"cuda"``.

    Returns
    -------
    MaxEntSolution
        ``entropy_upper`` is valid whether or not IPF converged.

    Raises
    ------
    ValueError
        If a positive marginal cell has no support cell (no joint has these marginals).

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` sweeps end with a marginal error above 1e-5. Slower convergence below that
        is recorded in ``info.status`` only: ``entropy_upper`` is certified whenever IPF stops.
    """
    n1, ny = p_x1y.shape
    xp = get_namespace(p_x1y, backend=backend, device=device, n_cells=n1 * p_x2y.shape[0] * ny)
    # the tables go to the device inside _ipf; the support logic runs on host copies
    p_x1y, p_x2y, p_x1x2 = (
        np.asarray(_to_numpy(t), dtype=np.float64) for t in (p_x1y, p_x2y, p_x1x2)
    )
    first = min(200, max_iter)
    if (
        reduce_support
        and first < max_iter
        and 0 < _support_size(p_x1y, p_x2y, p_x1x2) <= max_lp_cells
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sol = _ipf(p_x1y, p_x2y, p_x1x2, None, tol, first, check_every, False, xp)
        if sol.info.converged:
            return sol
        mask = feasible_support(p_x1y, p_x2y, p_x1x2)
        return _ipf(p_x1y, p_x2y, p_x1x2, mask, tol, max_iter, check_every, progress, xp)
    return _ipf(p_x1y, p_x2y, p_x1x2, None, tol, max_iter, check_every, progress, xp)


def _support_size(p_x1y: np.ndarray, p_x2y: np.ndarray, p_x1x2: np.ndarray) -> int:
    """Number of cells of :func:`maxent_support`, without forming it."""
    a1, a2 = np.asarray(p_x1y > 0, dtype=np.float64), np.asarray(p_x2y > 0, dtype=np.float64)
    return int(round(float(np.sum((p_x1x2 > 0) * (a1 @ a2.T)))))


def _ipf(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    mask: np.ndarray | None,
    tol: float,
    max_iter: int,
    check_every: int,
    progress: bool,
    xp: Any,
) -> MaxEntSolution:
    """IPF on the cells of ``mask`` (None: :func:`maxent_support`, built on the namespace's
    device); log-potentials are tracked for the certified bound."""
    t0 = time.perf_counter()
    if mask is None:
        reach = reachable_cells(p_x1y, p_x2y, p_x1x2)
    else:
        reach = (mask.any(axis=2), mask.any(axis=1), mask.any(axis=0))
    for name, marg, ok in zip(("p_x1x2", "p_x1y", "p_x2y"), (p_x1x2, p_x1y, p_x2y), reach):
        lost = float(marg[~ok].sum())
        if lost > 0:
            raise ValueError(
                f"{name} puts mass {lost:.3g} on cells that no joint with the other two marginals "
                "can reach; reconcile the marginals first (Marginals(..., reconcile=True))"
            )
    t12, t1y, t2y = xp.asarray(p_x1x2), xp.asarray(p_x1y), xp.asarray(p_x2y)
    n_supp = _support_size(p_x1y, p_x2y, p_x1x2) if mask is None else int(mask.sum())
    if n_supp * _SPARSE_BELOW < _n_cells(p_x1y, p_x2y):
        if mask is None:
            mask = maxent_support(p_x1y, p_x2y, p_x1x2)
        lay: _Dense | _Sparse = _Sparse(xp, mask)
        r = xp.zeros((n_supp,)) + 1.0 / n_supp
    else:
        lay = _Dense(xp)
        if mask is None:  # built on the device: no n1 n2 ny host array to copy over
            on = (t12 > 0)[:, :, None] & (t1y > 0)[:, None, :] & (t2y > 0)[None, :, :]
            r = xp.where(on, xp.zeros_like(t12)[:, :, None] + 1.0 / n_supp, 0.0)
            del on
        else:
            r = xp.asarray(np.where(mask, 1.0 / n_supp, 0.0))
    t12, t1y, t2y = lay.targets(t12, t1y, t2y)
    log12, log1y, log2y = xp.zeros_like(t12), xp.zeros_like(t1y), xp.zeros_like(t2y)
    err = math.inf
    it = 0
    status = "max_iter"
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_iter, desc="ipf", leave=False)

    def marginal_error() -> float:
        """Largest absolute error of the three marginals of the current ``r``."""
        return max(
            xp.item(xp.max(xp.abs(lay.marginal(r, which) - target)))
            for which, target in enumerate((t12, t1y, t2y))
        )

    relax = _Relaxation()
    saved = None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a diverging relaxed
        # iteration is caught at the next check and undone; plain IPF stays finite
        for it in range(1, max_iter + 1):
            if relax.snapshot:
                saved = tuple(xp.copy(a) for a in (r, log12, log1y, log2y))
                relax.snapshot = False
            # over-relaxed IPF: each factor f is applied as f**omega; r stays the Gibbs table of
            # the accumulated log-potentials, so the certificate below holds for every iterate
            for which, (target, log_pot) in enumerate(((t12, log12), (t1y, log1y), (t2y, log2y))):
                step = relax.omega * xp.log(_ratio(xp, target, lay.marginal(r, which)))
                lay.scale(r, xp.exp(step), which)
                log_pot += step
            if bar is not None:
                bar.update(1)
            if it % check_every == 0 or it == max_iter:
                err = marginal_error()
                if relax.blown_up(err) and saved is not None:
                    r, log12, log1y, log2y = saved  # back to where omega was first raised
                    saved = None
                    relax.stop()
                    err = marginal_error()
                    continue
                if not math.isfinite(err):
                    status = "numerical_error"
                    break
                if err <= tol:
                    status = "optimal"
                    break
                relax.update(it, err)
    if bar is not None:
        bar.close()
    # certified bound: r_phi = r is a normalized Gibbs table with potentials log12 + log1y + log2y
    # relative to the uniform start, so log r = -log n_supp + phi on the support.
    phi_dot_p = xp.item(
        xp.sum(xp.where(t12 > 0, log12 * t12, 0.0))
        + xp.sum(xp.where(t1y > 0, log1y * t1y, 0.0))
        + xp.sum(xp.where(t2y > 0, log2y * t2y, 0.0))
    )
    total = xp.item(xp.sum(r))
    log_z = math.log(total)  # ~0; keeps the bound exact if r drifted from sum 1
    upper_nats = math.log(n_supp) - phi_dot_p + log_z
    # H(r / total) in bits, on the device (info.entropy's zero-safe sum, without a host copy)
    rn = r / total
    h = -xp.item(xp.sum(xp.where(rn > 0, rn * xp.log(xp.where(rn > 0, rn, 1.0)), 0.0))) / LN2
    upper = max(upper_nats / LN2, h)
    if not (math.isfinite(upper) and math.isfinite(h)):
        # the potentials are unusable: fall back on the always valid H <= log2 |support|
        warnings.warn(
            f"ipf: the iteration became non-finite after {it} sweeps; using the entropy bound "
            f"log2(support size) = {math.log2(n_supp):.4g} bits instead",
            ConvergenceWarning,
            stacklevel=2,
        )
        status = "numerical_error"
        upper = h = math.log2(n_supp)
    if status == "max_iter" and err > 1e-5:
        warnings.warn(
            f"ipf: marginal error {err:.2e} > tol={tol:g} after {max_iter} iterations; the entropy "
            "bound (and the synergy lower bound built on it) is still certified but may be loose. "
            "Increase max_iter or reconcile the marginals",
            ConvergenceWarning,
            stacklevel=2,
        )

    def build() -> np.ndarray:  # the table on the host, when first asked for
        out = lay.to_table(r, (p_x1y.shape[0], p_x2y.shape[0], p_x1y.shape[1]))
        out.setflags(write=False)
        return out

    info = SolverInfo(status == "optimal", it, float(err), status, "ipf", time.perf_counter() - t0)
    return MaxEntSolution(build, h, float(upper), info)
