"""Certified lower bounds on ``min { H(r) : r ∈ Δ12 }`` and low-entropy witnesses.

These give the synergy upper bound.

Δ12 is the set of tables ``r`` on ``X1 × X2 × Y`` with the three observed marginals ``p(x1, y)``,
``p(x2, y)``, ``p(x1, x2)``. For every ``r ∈ Δ12``,
``S(r) = H(X1,X2) + H(Y) - H_r(X1,X2,Y) - (R + U1 + U2)`` with ``R + U1 + U2`` fixed by the data, so

.. math::

    S \\le S_{max} = H(X1,X2) + H(Y) - (R + U1 + U2) - \\min_{r ∈ Δ12} H(r)
      \\le H(X1,X2) + H(Y) - (R + U1 + U2) - L

for any certified lower bound ``L`` on the minimum (DESIGN.md §3). A *witness* is a feasible ``r``
of low entropy: ``S(r) <= S_max``, so ``H(witness) - L`` bounds how loose the certified upper bound
can be.

This module provides (the first two implemented in :mod:`mmbounds.solvers._pairings`, the
branch-and-bound in :mod:`mmbounds.solvers._chord_bnb` over the LP of
:mod:`mmbounds.solvers._delta_lp`)

* :func:`coupling_entropy_lower` — a lower bound on the minimum-entropy coupling of two
  distributions, either the majorization meet or the (never weaker) profile bound;
* :func:`min_entropy_lower_pairings` — the best such bound over the six ways of seeing a table
  of Δ12 as a coupling (three unconditional, three conditional);
* :func:`min_entropy_search` — the pairings bound, refined by a chord-relaxation
  branch-and-bound over Δ12 (exact 1-D solve for 2×2×2) and by the block-envelope relaxations of
  :mod:`mmbounds.solvers._block_lp` and :mod:`mmbounds.solvers._cell_max_lp`, with a witness
  from successive linear programming and 2×2×2 exchange moves
  (:func:`mmbounds.solvers._chord_bnb.cube_descent`).

References
----------
P. P. Liang, C. K. Ling, Y. Cheng et al., "Multimodal learning without labeled multimodal data:
guarantees and applications", ICLR 2024 (arXiv 2306.04539), Theorem 4.
S. Compton, D. Katz, B. Qi, K. Greenewald, M. Kocaoglu, "Minimum-entropy coupling approximation
guarantees beyond the majorization barrier", AISTATS 2023.
J. E. Falk, R. M. Soland, "An algorithm for separable nonconvex programming problems",
Management Science 15(9), 1969.
"""

from __future__ import annotations

import contextvars
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .._validation import check_bool, check_option, check_random_state, check_scalar
from ..exceptions import ConvergenceWarning
from ._chord_bnb import cube_descent, entropy_bits, secants, slp_descent
from ._delta_lp import DeltaLP
from ._delta_points import exact_low_dim, in_delta
from ._pairings import (
    _COUPLINGS,
    coupling_entropy_lower,
    min_entropy_lower_pairings,
    pairing_values,
)
from ._search_parts import block_bounds, chord_search
from ._types import SolverInfo

#: linear programs of the root bound tightening by default (128: every cell of a table of up to
#: 64 cells, else the 64 cells with the largest ``u_c``; about 1-2 s on a 500-cell table on these
#: machines, where all 2 m = 896 of them took 16 s)
OBBT_LP = 128
#: above this many active cells (those with ``u_c > 0``) the LP-based search is skipped: the
#: simplex LPs of dense 20×20×10 tables take seconds each; the pairings bound is returned
MAX_SEARCH_CELLS = 1500
#: above ``max_cells``: rounds (stopping when one gains nothing) of LARGE_SLP successive-LP steps
#: (about 0.1 s each at 4,000 cells) and :func:`cube_descent`
LARGE_SLP, LARGE_ROUNDS = 4, 2
#: from this many active cells the block bounds run in a second thread while the witness search
#: and branch-and-bound run in the caller's (HiGHS releases the GIL while it solves): the same
#: result, bit for bit, in less wall time (a clustered 20x20x10 mfeat table, about 800 cells:
#: about 1.4 s instead of 2.2 s on 2 cores)
CONCURRENT_CELLS = 200

__all__ = [
    "pairing_values",
    "MinEntropySolution",
    "coupling_entropy_lower",
    "min_entropy_lower_pairings",
    "min_entropy_search",
]


@dataclass(frozen=True, slots=True)
class MinEntropySolution:
    """Certified lower bound on ``min_{r∈Δ12} H(r)`` and a low-entropy feasible table.

    Attributes
    ----------
    entropy_lower : float
        Certified lower bound ``L`` on the minimum joint entropy over Δ12, bits. The synergy upper
        bound is ``H(X1,X2) + H(Y) - (R + U1 + U2) - entropy_lower``.
    witness : ndarray, shape (n_x1, n_x2, n_y), or None
        A table in Δ12 (read-only) with low entropy; its synergy ``S(witness) <= S_max``. None
        when the search found no table of Δ12 (its linear programs failed, or the table it ended
        with misses a marginal by more than 1e-8; ``info.status`` is then ``"numerical_error"``).
    witness_entropy : float
        ``H(witness)`` in bits (an upper value on the minimum; ``inf`` without a witness).
    gap : float
        ``witness_entropy - entropy_lower`` in bits: how much of the synergy interval may be slack.
    method : str
        Which bound supplied ``entropy_lower``: ``"exact-1d"`` (Δ12 is a point or a segment),
        ``"pairings"``, ``"chord-bnb"`` (branch-and-bound), ``"block-lp"`` (a block-envelope
        relaxation) or ``"chord-lp"`` (the root chord LP of a table above ``max_cells``).
    info : SolverInfo
        ``converged`` is ``gap <= gap_tol``; ``n_iter`` counts LPs; ``residual`` is the gap (bits);
        ``status`` is ``"optimal"``, ``"max_iter"`` (a node or LP budget), ``"time_budget"`` or
        ``"numerical_error"`` (no witness found; ``entropy_lower`` is still certified).
    n_nodes : int
        Branch-and-bound nodes evaluated.
    pairings_lower : float
        The pairings (coupling) bound alone, bits.

    Examples
    --------
    >>> from mmbounds.data import bitwise_joint
    >>> p = bitwise_joint("xor")
    >>> sol = min_entropy_search(p.sum(1), p.sum(0), p.sum(2))
    >>> round(sol.entropy_lower, 4), round(sol.gap, 4), sol.method
    (2.0, 0.0, 'exact-1d')
    """

    entropy_lower: float
    witness: np.ndarray | None
    witness_entropy: float
    gap: float
    method: str
    info: SolverInfo
    n_nodes: int
    pairings_lower: float

    def __repr__(self) -> str:
        shape = "None" if self.witness is None else f"array{self.witness.shape}"
        return (
            "MinEntropySolution(\n"
            f"  entropy_lower   = {self.entropy_lower:.6f} bits\n"
            f"  witness_entropy = {self.witness_entropy:.6f} bits\n"
            f"  gap             = {self.gap:.6f} bits\n"
            f"  pairings_lower  = {self.pairings_lower:.6f} bits\n"
            f"  method          = {self.method}\n"
            f"  witness         = {shape}\n"
            f"  n_nodes         = {self.n_nodes}\n"
            f"  status          = {self.info.status}\n)"
        )


def min_entropy_search(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    p_x1x2: np.ndarray,
    *,
    time_budget_s: float | None = None,
    max_nodes: int = 2000,
    max_lp: int = 2000,
    obbt_lp: int = OBBT_LP,
    gap_tol: float = 1e-3,
    n_starts: int = 8,
    coupling: str = "profile",
    random_state=0,
    progress: bool = False,
    warn: bool = True,
    pairings_lower: float | None = None,
    blocks: bool = True,
    max_cells: int = MAX_SEARCH_CELLS,
    concurrent: bool = True,
) -> MinEntropySolution:
    """Certified lower bound on ``min_{r∈Δ12} H(r)`` and a low-entropy witness table in Δ12.

    Parameters
    ----------
    p_x1y : ndarray, shape (n_x1, n_y)
    p_x2y : ndarray, shape (n_x2, n_y)
    p_x1x2 : ndarray, shape (n_x1, n_x2)
        Consistent pairwise marginals (trusted; validate them with
        :class:`mmbounds.marginals.Marginals`).
    time_budget_s : float or None
        Optional wall-clock budget in seconds for the witness search plus branch-and-bound. None
        (the default): only the deterministic budgets below apply, so the result depends on the
        inputs and the seed alone; with a value it also depends on the machine's speed.
    max_nodes : int
        Maximum number of branch-and-bound nodes.
    max_lp : int
        Maximum number of linear programs in all (bound tightening, witness search, nodes): the
        deterministic budget of the whole search. The block bounds (``blocks``) have their own
        fixed caps (40 restricted LPs per family, 60,000 vertex columns) and are counted in
        ``info.n_iter`` only.
    obbt_lp : int
        Linear programs spent on tightening the root box (two per cell, cells with the largest
        ``u_c`` first), within ``max_lp``.
    gap_tol : float
        Stop when ``witness_entropy - entropy_lower <= gap_tol`` (bits).
    n_starts : int
        Random restarts of the successive-LP witness search.
    coupling : {"profile", "meet"}
        Coupling bound used for the pairings bound.
    random_state : None, int or numpy.random.Generator, default 0
        Seeds the random restarts.
    progress : bool
        Show a tqdm bar over branch-and-bound nodes.
    warn : bool
        Issue a :class:`~mmbounds.exceptions.ConvergenceWarning` when the budget ends with
        ``gap > gap_tol`` (the bound is still certified, only less tight).
    pairings_lower : float, optional
        The pairings bound of ``coupling`` if the caller has already computed it (it is not
        computed again).
    blocks : bool
        Also compute the block-envelope relaxations at the root: those of
        :mod:`mmbounds.solvers._block_lp` (one per family of blocks ``(i, j, ·)``, ``(i, ·, k)``,
        ``(·, j, k)``; up to :data:`~mmbounds.solvers._search_parts.SINGLE_FAMILY_CELLS`
        active cells) and the joint one of :mod:`mmbounds.solvers._cell_max_lp` (all three at
        once): usually a much stronger bound than the chord nodes, and their points seed the
        witness search.
    max_cells : int
        Above this many active cells (dense tables, whose simplex LPs take seconds) neither
        branch-and-bound nor the block bounds run: one interior-point solve of the root chord LP
        gives the bound (``method="chord-lp"``) and, crossed over to a vertex and improved by
        successive-LP steps and 2×2×2 exchange moves, the witness.
    concurrent : bool
        From :data:`CONCURRENT_CELLS` active cells, compute the block bounds in a second thread
        while the witness search and branch-and-bound run (False: one after the other). The
        two parts share nothing, so the result is the same bit for bit; only the wall time
        changes (the CPU time does not).

    Returns
    -------
    MinEntropySolution
        ``entropy_lower`` is ``max(pairings bound, branch-and-bound bound)``, both certified.

    Notes
    -----
    Branch-and-bound relaxes each ``-r_c log2 r_c`` by its secant on the cell's box ``[l_c, u_c]``
    (initially ``[0, min(p12[i,j], p1y[i,k], p2y[j,k])]``); the LP value over Δ12 is certified
    through weak duality with the solver's multipliers (see :mod:`mmbounds.solvers._chord_bnb`).

    Examples
    --------
    >>> import numpy as np
    >>> p = np.random.default_rng(0).dirichlet(np.ones(8)).reshape(2, 2, 2)
    >>> sol = min_entropy_search(p.sum(1), p.sum(0), p.sum(2), random_state=0)
    >>> bool(sol.entropy_lower <= sol.witness_entropy + 1e-12), sol.method
    (True, 'exact-1d')
    """
    if time_budget_s is not None:
        check_scalar(time_budget_s, name="time_budget_s", min_val=0.0)
    check_scalar(max_nodes, name="max_nodes", kind=int, min_val=1)
    check_scalar(max_lp, name="max_lp", kind=int, min_val=1)
    check_scalar(obbt_lp, name="obbt_lp", kind=int, min_val=0)
    check_scalar(gap_tol, name="gap_tol", min_val=0.0)
    check_scalar(n_starts, name="n_starts", kind=int, min_val=0)
    check_option(coupling, name="coupling", options=_COUPLINGS)
    concurrent = check_bool(concurrent, name="concurrent")
    rng = check_random_state(random_state)
    p_x1y, p_x2y, p_x1x2 = (np.asarray(t, dtype=np.float64) for t in (p_x1y, p_x2y, p_x1x2))
    t0 = time.perf_counter()
    deadline = np.inf if time_budget_s is None else t0 + time_budget_s

    lower_pair = pairings_lower
    if lower_pair is None:
        lower_pair = min_entropy_lower_pairings(p_x1y, p_x2y, p_x1x2, coupling=coupling)

    exact = exact_low_dim(p_x1y, p_x2y, p_x1x2)
    if exact is not None:
        h = entropy_bits(exact)
        # endpoints computed in floating point: allow for rounding in the cells (H is not
        # Lipschitz at 0)
        lower = max(lower_pair, h - 1e-10)
        return _finish(exact, h, lower, lower_pair, "exact-1d", "optimal", 0, 0, gap_tol, t0, warn)

    lp = DeltaLP.build(p_x1y, p_x2y, p_x1x2)
    if lp.n_cells > max_cells:
        return _too_large(lp, rng, lower_pair, gap_tol, t0, warn, (p_x1y, p_x2y, p_x1x2))
    pool = future = None
    if blocks and concurrent and lp.n_cells >= CONCURRENT_CELLS:
        # on a model of their own, in a copy of this context (the caller's np.errstate holds)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mmbounds-blocks")
        future = pool.submit(contextvars.copy_context().run, block_bounds, p_x1y, p_x2y, p_x1x2)
    try:
        witness, h, res = chord_search(
            lp,
            rng,
            lower_pair=lower_pair,
            deadline=deadline,
            max_nodes=max_nodes,
            max_lp=max_lp,
            obbt_lp=obbt_lp,
            gap_tol=gap_tol,
            n_starts=n_starts,
            blocks=blocks,
            progress=progress,
        )
        lower_block, starts, n_block_lp = -np.inf, [], 0
        if future is not None:
            lower_block, starts, n_block_lp = future.result()
        elif blocks:
            lower_block, starts, n_block_lp = block_bounds(p_x1y, p_x2y, p_x1x2)
    finally:
        # after future.result() the worker is idle; on an error or Ctrl-C the caller does not
        # wait for the block bounds (the worker finishes them and exits)
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    lower_bnb = min(res.lower, h)
    p = (p_x1y, p_x2y, p_x1x2)
    for x0 in starts:  # the block LPs' points seed the successive-LP descent as well
        # (clipped to the cell boxes: they come unclipped from the block LPs)
        xs, hs = slp_descent(lp, np.clip(x0, 0.0, lp.ub), max_lp=lp.n_lp + 20)
        if hs < h - 1e-12:
            ws = lp.full(lp.polish(xs))
            hw = entropy_bits(ws)
            if hw < h and in_delta(ws, *p):  # never trade a table of Δ12 for one outside it
                witness, h = ws, hw
    cube, h_cube = cube_descent(witness, rng)
    if h_cube < h - 1e-12:
        witness, h = cube, h_cube
    n_lp = lp.n_lp + n_block_lp
    lower = max(lower_pair, min(max(lower_bnb, lower_block), h))
    meth = "pairings"
    if lower > lower_pair:
        meth = "chord-bnb" if lower_bnb >= lower_block else "block-lp"
    return _finish(
        witness,
        h,
        lower,
        lower_pair,
        meth,
        res.status,
        res.n_nodes,
        n_lp,
        gap_tol,
        t0,
        warn,
        (p_x1y, p_x2y, p_x1x2),
    )


def _too_large(lp, rng, lower_pair, gap_tol, t0, warn, p):
    """Dense tables: one chord LP by interior point (with crossover to a vertex) and local search.

    The simplex LPs of branch-and-bound take seconds each above :data:`MAX_SEARCH_CELLS` active
    cells; one interior-point solve of the root chord LP costs about a second at 4,000 cells. Its
    duals certify the bound; its vertex, improved by :data:`LARGE_SLP` successive-LP steps and
    :func:`cube_descent`, is the witness.
    """
    h_model = lp._model()
    h_model.setOptionValue("solver", "ipm")
    h_model.setOptionValue("run_crossover", "on")
    lo = np.zeros(lp.n_cells)
    alpha, beta = secants(lo, lp.ub)
    x, y = lp.solve(beta, lo, lp.ub)
    lower = lower_pair
    if y is not None:
        lower = max(lower, float(alpha.sum()) + lp.lagrangian_bound(beta, y, lo, lp.ub))
    if x is None:  # pragma: no cover - the interior-point solve failed: simplex (slow, exact)
        h_model.setOptionValue("solver", "simplex")
        x, y = lp.solve(beta, lo, lp.ub)
        if y is not None:
            lower = max(lower, float(alpha.sum()) + lp.lagrangian_bound(beta, y, lo, lp.ub))
    if x is None:  # pragma: no cover - HiGHS failed twice
        raise RuntimeError("min_entropy_search: the chord LP failed on a large table")
    witness, h = None, np.inf
    for _ in range(LARGE_ROUNDS):  # successive-LP steps, then 2x2x2 exchanges, alternately
        x, _ = slp_descent(lp, x, max_iter=LARGE_SLP)
        w = lp.full(lp.polish(x))
        hw = entropy_bits(w)
        cube, h_cube = cube_descent(w, rng)
        if h_cube < hw:
            w, hw = cube, h_cube
        if hw >= h - 1e-12:
            break
        witness, h = w, hw
        x = np.clip(w.ravel()[lp.cells], 0.0, lp.ub)
    lower = min(lower, h)
    meth = "chord-lp" if lower > lower_pair else "pairings"
    return _finish(
        witness, h, lower, lower_pair, meth, "max_iter", 1, lp.n_lp, gap_tol, t0, warn, p
    )


def _finish(witness, h, lower, lower_pair, meth, status, n_nodes, n_lp, gap_tol, t0, warn, p=None):
    """The solution record; ``p = (p_x1y, p_x2y, p_x1x2)``: the witness is checked against them."""
    if p is not None and not in_delta(witness, *p):
        # no table of Δ12 was found (every LP failed): no witness, and no claim of a small gap
        witness, h, status = None, np.inf, "numerical_error"
    gap = max(h - lower, 0.0)
    converged = gap <= gap_tol
    if converged:
        status = "optimal"
    elif warn:
        warnings.warn(
            f"min_entropy_search: gap {gap:.3g} bits > gap_tol={gap_tol:g} after {n_nodes} nodes "
            f"({status}); the bound is certified but loose; increase max_nodes or max_lp",
            ConvergenceWarning,
            stacklevel=3,
        )
    if witness is not None:
        witness = np.ascontiguousarray(witness, dtype=np.float64)
        witness.setflags(write=False)
    info = SolverInfo(converged, int(n_lp), float(gap), status, meth, time.perf_counter() - t0)
    return MinEntropySolution(
        float(lower), witness, float(h), float(gap), meth, info, int(n_nodes), float(lower_pair)
    )
