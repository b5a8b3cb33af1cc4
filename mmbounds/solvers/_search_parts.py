"""The two independent parts of the search for ``min { H(r) : r ∈ Δ12 }`` below ``max_cells``.

:func:`chord_search` (witness search and chord branch-and-bound on the caller's model) and
:func:`block_bounds` (the block-envelope relaxations on a model of their own) share no state, so
:func:`mmbounds.solvers.min_entropy.min_entropy_search` may run them in two threads and gets the
same result, bit for bit, as one after the other.
"""

from __future__ import annotations

import time

import numpy as np

from ._block_lp import FAMILIES, block_relaxation
from ._cell_max_lp import joint_block_relaxation
from ._chord_bnb import BnBResult, branch_and_bound, entropy_bits, secants, slp_descent
from ._delta_lp import DeltaLP

__all__: list[str] = []

#: branch-and-bound nodes are capped at ``NODE_WORK // n_cells`` (a deterministic budget whose
#: cost is about the same at every size: an LP costs about in proportion to the active cells)
NODE_WORK = 40_000
#: the one-family block bounds (about 0.5 s each at 800 cells) run up to this many active cells
SINGLE_FAMILY_CELLS = 400


def chord_search(
    lp: DeltaLP,
    rng: np.random.Generator,
    *,
    lower_pair: float,
    deadline: float,
    max_nodes: int,
    max_lp: int,
    obbt_lp: int,
    gap_tol: float,
    n_starts: int,
    blocks: bool,
    progress: bool,
) -> tuple[np.ndarray, float, BnBResult]:
    """Witness search (successive LP from random vertices) and chord branch-and-bound over ``lp``.

    The part of :func:`mmbounds.solvers.min_entropy.min_entropy_search` that works on its own
    model ``lp``; with ``blocks`` the root is not tightened by LP (the block bounds take that
    role). Returns the polished witness table, its entropy (bits) and the branch-and-bound record.
    """
    max_nodes = max(1, min(max_nodes, NODE_WORK // max(lp.n_cells, 1)))
    # witness search: successive LP from random vertices
    best_x, best_h = None, np.inf
    witness_lp = max_lp // 4  # the rest: bound tightening and nodes
    for _ in range(n_starts):
        if best_x is not None and (time.perf_counter() >= deadline or lp.n_lp >= witness_lp):
            break
        x0, _ = lp.solve(rng.standard_normal(lp.n_cells))
        if x0 is None:
            continue
        x, hx = slp_descent(lp, x0, deadline=deadline, max_lp=witness_lp)
        if hx < best_h:
            best_x, best_h = x, hx

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=max_nodes, desc="chord-bnb", unit="node", leave=False)
    try:
        res = branch_and_bound(
            lp,
            incumbent=(best_x, best_h) if best_x is not None else None,
            lower_floor=lower_pair,
            deadline=deadline,
            max_nodes=max_nodes,
            max_lp=max_lp,
            # root tightening where it covers every cell (small tables); else the block bounds
            obbt_lp=obbt_lp if not blocks or 2 * lp.n_cells <= obbt_lp else 0,
            gap_tol=gap_tol,
            progress=bar,
        )
    finally:
        if bar is not None:
            bar.close()
    x, hx = res.best_x, res.best_h
    if res.best_h < best_h - 1e-12:  # B&B found a better point: descend from it as well
        x, hx = slp_descent(lp, res.best_x, max_lp=lp.n_lp + 50)
    elif best_x is not None:
        x, hx = best_x, best_h
    x = lp.polish(x)
    witness = lp.full(x)
    h = entropy_bits(witness)
    return witness, h, res


def block_bounds(p_x1y, p_x2y, p_x1x2) -> tuple[float, list[np.ndarray], int]:
    """Best block-envelope bound (the families alone and jointly), their LP points, LPs solved.

    The three one-family relaxations run up to :data:`SINGLE_FAMILY_CELLS` active cells; the joint
    relaxation of :mod:`mmbounds.solvers._cell_max_lp` (never weaker when its blocks are whole)
    runs at every size.
    """
    lp = DeltaLP.build(p_x1y, p_x2y, p_x1x2)
    lo, hi = lp.propagate(np.zeros(lp.n_cells), lp.ub.copy(), n_pass=20)
    best, starts = -np.inf, []
    if lp.n_cells <= SINGLE_FAMILY_CELLS:
        _, beta = secants(lo, hi)
        x_root, y_root = lp.solve(beta, lo, hi)
        for family in FAMILIES:
            rel = block_relaxation(lp, family, lo, hi, y_root)
            if rel is None:
                continue
            best = max(best, rel[0])
            if rel[1] is not None:
                starts.append(rel[1])
    joint = joint_block_relaxation(lp, lo, hi)
    if joint is not None:
        best = max(best, joint[0])
        if joint[1] is not None:
            starts.append(joint[1])
    return best, starts, lp.n_lp
