"""Block-envelope relaxation of ``min { H(r) : r ∈ Δ12 ∩ box }``: a bound stronger than chords.

Group the active cells into *blocks* that share one marginal row: for the family ``"ij"`` the
cells ``(i, j, ·)``, whose sum is ``p(x1=i, x2=j)``; likewise ``"ik"`` (sum ``p(x1=i, y=k)``) and
``"jk"``.
On a box ``l <= r <= u`` the block's cells lie in the polytope
``B = { r_b : Σ r_b = s_b, l_b <= r_b <= u_b }``, whose vertices have every coordinate but one at a
bound. ``H_b(r_b) = Σ_c φ(r_c)`` is concave, so ``H_b(Σ_v λ_v v) >= Σ_v λ_v H_b(v)`` for every
convex combination of the vertices ``v`` of ``B``, and

.. math::

    \\min_{r ∈ Δ12 ∩ box} H(r) >= \\min \\{ Σ_{b, v} λ_{bv} H_b(v) : Σ_v λ_{bv} = 1,\\;
        λ >= 0,\\; r = Σ λ_{bv} v \\text{ has the three marginals} \\},

the LP whose objective is the sum of the blocks' convex envelopes on ``B`` (the Dantzig-Wolfe form;
it is the Lagrangian dual of relaxing the other two marginal families). A block of one cell has the
vertices ``l_c`` and ``u_c``: its envelope is the chord, so blocks too large to enumerate
(:data:`MAX_BLOCK`) are split into single cells, and the relaxation is never weaker than the chord
LP of :mod:`mmbounds.solvers._chord_bnb`. The value is certified by weak duality with the solver's
row duals (``0 <= λ <= 1``), as for the chord LP.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..info import neg_xlog2x
from ._delta_lp import DeltaLP, _quiet_highs

__all__: list[str] = []

#: blocks with more free cells than this are relaxed cell by cell (their chords)
MAX_BLOCK = 10
#: largest number of vertex columns of one relaxation (a deterministic cap on its cost)
MAX_COLUMNS = 60_000
#: simplex iterations of one relaxation in all (its restricted LPs together). The most measured on
#: 16 clustered 20x20x10 tables and 90 random ones up to 10x10x3 is 6,531; on a sparse 20x20x10
#: sample table the primal simplex stalled for 5.6 million iterations in one re-solve (115 s).
#: When the budget runs out the bound of the last solved round is returned (still certified).
MAX_SIMPLEX_ITERATIONS = 50_000
FAMILIES = ("ij", "ik", "jk")


def _masks(n: int) -> np.ndarray:
    """All ``2**n`` subsets of ``n`` items as a boolean array ``(2**n, n)``."""
    return ((np.arange(1 << n)[:, None] >> np.arange(n)[None, :]) & 1).astype(bool)


def _unique_rows(v: np.ndarray) -> np.ndarray:
    """The distinct rows of ``v`` in lexicographic order: ``np.unique(v, axis=0)``, faster."""
    if v.shape[0] <= 1:
        return v
    vs = v[np.lexsort(v.T[::-1])]
    keep = np.empty(vs.shape[0], dtype=bool)
    keep[0] = True
    np.any(vs[1:] != vs[:-1], axis=1, out=keep[1:])
    return vs[keep]


def block_vertices(s: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Vertices of ``{ r : Σ r = s, lo <= r <= hi }`` (rows; a superset is harmless).

    Every vertex has all coordinates but one, ``f``, at a bound; ``f`` takes the rest of ``s``.
    Rests outside ``[lo_f, hi_f]`` by more than rounding are dropped; the others are clipped.
    """
    free = np.flatnonzero(hi - lo > 0)
    base = lo.copy()
    if free.size == 0:
        return base[None, :]
    nf = free.size
    if nf == 1:
        base[free[0]] = np.clip(s - (lo.sum() - lo[free[0]]), lo[free[0]], hi[free[0]])
        return base[None, :]
    tol = 1e-13 * max(s, 1e-300)
    lo_f, hi_f = lo[free], hi[free]
    fixed_sum = float(lo.sum() - lo_f.sum())
    # vertex (t, mask): coordinate t free, the others at the bound their bit of ``mask`` picks
    others = np.nonzero(~np.eye(nf, dtype=bool))[1].reshape(nf, nf - 1)
    masks = _masks(nf - 1)[None, :, :]
    # vals: (nf, 2^(nf-1), nf-1)
    vals = np.where(masks, hi_f[others][:, None, :], lo_f[others][:, None, :])
    rest = s - fixed_sum - vals.sum(axis=2)
    ok = (rest >= lo_f[:, None] - tol) & (rest <= hi_f[:, None] + tol)
    if not ok.any():  # empty only by rounding: the box's nearest corner keeps the relaxation valid
        return base[None, :]
    t_of, m_of = np.nonzero(ok)
    v = np.empty((t_of.size, nf))
    v[np.arange(t_of.size)[:, None], others[t_of]] = vals[t_of, m_of]
    v[np.arange(t_of.size), t_of] = np.clip(rest[t_of, m_of], lo_f[t_of], hi_f[t_of])
    vf = _unique_rows(v)
    res = np.tile(base, (vf.shape[0], 1))
    res[:, free] = vf
    return res


def _block_ids(lp: DeltaLP, family: str) -> np.ndarray:
    i, j, k = np.unravel_index(lp.cells, lp.shape)
    n1, n2, ny = lp.shape
    return {"ij": i * n2 + j, "ik": i * ny + k, "jk": j * ny + k}[family]


def _block_sums(lp: DeltaLP, family: str, ids: np.ndarray) -> dict[int, float]:
    """Marginal value of each block (the row of ``lp.b`` that the block's cells share)."""
    n1, n2, ny = lp.shape
    offset = {"ij": 0, "ik": n1 * n2, "jk": n1 * n2 + n1 * ny}[family]
    src = lp.b_full[offset:]
    return {int(b): float(src[b]) for b in np.unique(ids)}


def family_blocks(lp: DeltaLP, family: str) -> list[tuple[np.ndarray, float]]:
    """``(cells, sum)`` of every block of ``family``, in the order of the block ids."""
    ids = _block_ids(lp, family)
    sums = _block_sums(lp, family, ids)
    order = np.argsort(ids, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(ids[order]) != 0])
    return [(g, sums[int(ids[g[0]])]) for g in np.split(order, starts[1:])]


def block_parts(
    lp: DeltaLP, family: str, lo: np.ndarray, hi: np.ndarray, *, max_block: int = MAX_BLOCK
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(cells, vertices)`` of every block of ``family`` (vertices: one row each).

    Blocks with more than ``max_block`` free cells are split into single cells, whose vertices
    are ``lo_c`` and ``hi_c`` (their chords).
    """
    out = []
    for g, s in family_blocks(lp, family):
        if int(np.count_nonzero(hi[g] - lo[g] > 0)) > max_block:
            out.extend(split_block(g, lo, hi))  # too large: cell by cell (chords)
        else:
            out.append((g, block_vertices(s, lo[g], hi[g])))
    return out


def split_block(cells: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """The one-cell parts ``(cells, vertices)`` of a block relaxed cell by cell."""
    return [(np.array([c]), np.array([[lo[c]], [hi[c]]])) for c in cells]


def slab_vertices(a: float, b: float, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Vertices of ``{ r : a <= Σ r <= b, lo <= r <= hi }`` (rows; a superset is harmless).

    They are the box's corners with a sum strictly inside ``(a, b)`` and the vertices of the two
    faces ``Σ r = a`` and ``Σ r = b`` (:func:`block_vertices`), ``a`` and ``b`` first clipped to
    the box's range of sums.
    """
    s_lo, s_hi = float(lo.sum()), float(hi.sum())
    a, b = max(a, s_lo), min(b, s_hi)
    corners = np.where(_masks(lo.size), hi[None, :], lo[None, :])
    sums = corners.sum(axis=1)
    out = [block_vertices(a, lo, hi), block_vertices(b, lo, hi), corners[(sums > a) & (sums < b)]]
    return _unique_rows(np.concatenate(out))


def chunk_block(
    cells: np.ndarray, s: float, lo: np.ndarray, hi: np.ndarray, size: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The parts ``(cells, vertices)`` of a block of sum ``s`` relaxed by chunks of ``size`` cells.

    The free cells, largest ``hi`` first, are cut into near-equal chunks. The other cells of the
    block lie in their boxes, so a chunk ``C`` sums to between
    ``a = s - Σ_{c ∉ C} hi_c`` and ``b = s - Σ_{c ∉ C} lo_c``: its cells lie in the slab
    ``{ a <= Σ r_C <= b } ∩ box`` (:func:`slab_vertices`), whose
    envelope lies between the chunk's chords and the whole block's envelope. Chunks whose slab
    is the whole box, fixed cells and chunks of one cell are relaxed by their chords.
    """
    width = hi[cells] - lo[cells]
    free, fixed = cells[width > 0], cells[width <= 0]
    out = split_block(fixed, lo, hi)
    if free.size <= 1:
        return out + split_block(free, lo, hi)
    order = free[np.argsort(-hi[free], kind="stable")]
    tot_lo, tot_hi = float(lo[cells].sum()), float(hi[cells].sum())
    for chunk in np.array_split(order, -(-order.size // size)):
        c_lo, c_hi = float(lo[chunk].sum()), float(hi[chunk].sum())
        a = s - (tot_hi - c_hi)
        b = s - (tot_lo - c_lo)
        if chunk.size == 1 or (a <= c_lo and b >= c_hi):
            out.extend(split_block(chunk, lo, hi))
        else:
            out.append((chunk, slab_vertices(a, b, lo[chunk], hi[chunk])))
    return out


def columns_from_parts(lp: DeltaLP, parts: list[tuple[np.ndarray, np.ndarray]]):
    """``(X, block, cost)`` of the vertex columns of ``parts`` (see :func:`enumerate_columns`)."""
    col_cells = [np.tile(cells, verts.shape[0]) for cells, verts in parts]
    col_vals = [verts.ravel() for _, verts in parts]
    nv = np.array([verts.shape[0] for _, verts in parts])
    size = np.array([cells.size for cells, _ in parts])
    n_col = int(nv.sum())
    col_of = np.repeat(np.arange(n_col), np.repeat(size, nv))
    X = sp.csc_matrix(
        (np.concatenate(col_vals), (np.concatenate(col_cells), col_of)), shape=(lp.n_cells, n_col)
    )
    cost = np.concatenate([neg_xlog2x(np.clip(v, 0.0, None)).sum(axis=1) for _, v in parts])
    return X, np.repeat(np.arange(len(parts)), nv), cost


def enumerate_columns(
    lp: DeltaLP, family: str, lo: np.ndarray, hi: np.ndarray, *, max_block: int = MAX_BLOCK
):
    """Every vertex column of the block relaxation: ``(X, block, cost)`` or None if too many.

    ``X`` (cells × columns, sparse) holds the vertices, ``block[col]`` the block of each column and
    ``cost[col]`` its entropy ``Σ φ(v_c)``. Blocks with more than ``max_block`` free cells are
    split into single cells (chords); None above :data:`MAX_COLUMNS` columns.
    """
    parts = block_parts(lp, family, lo, hi, max_block=max_block)
    if sum(verts.shape[0] for _, verts in parts) > MAX_COLUMNS:
        return None
    return columns_from_parts(lp, parts)


def _block_min(values: np.ndarray, block: np.ndarray, n_block: int) -> np.ndarray:
    out = np.full(n_block, np.inf)
    np.minimum.at(out, block, values)
    return out


def block_relaxation(
    lp: DeltaLP,
    family: str,
    lo: np.ndarray,
    hi: np.ndarray,
    y0: np.ndarray | None = None,
    *,
    max_rounds: int = 40,
    per_block: int = 4,
) -> tuple[float, np.ndarray | None] | None:
    """Certified block-envelope lower bound on ``min H`` over Δ12 ∩ [lo, hi] and its LP point.

    Column generation: a restricted LP over a few vertex columns per block (plus penalized slacks,
    so it is always feasible) is solved, every enumerated vertex is priced with its row duals
    ``y``, the most negative ones join, and so on for ``max_rounds`` rounds. Whatever ``y``,

    .. math:: \\min_{Δ12 ∩ box} H >= y^T b + Σ_b \\min_{v ∈ b} (H_b(v) - y^T A v),

    (the convexity rows kept, the marginal rows relaxed), which is the returned bound, lowered by a
    rounding margin; it equals the full LP's value once no column prices out. ``y0`` (e.g. the
    chord LP's duals) picks the first columns. The restricted LPs share a budget of
    :data:`MAX_SIMPLEX_ITERATIONS` simplex iterations (deterministic); when it runs out the rounds
    stop with the bound reached so far. Returns ``(bound, x)``, ``x = Σ λ v`` the restricted LP's
    point (None if it still uses slacks), or None when there are more than :data:`MAX_COLUMNS`
    vertices.
    """
    import highspy

    cols = enumerate_columns(lp, family, lo, hi)
    if cols is None:
        return None
    X, block, cost = cols
    n_block = int(block.max()) + 1
    n_col = cost.size
    AX = (lp.A @ X).tocsc()
    AXt = AX.T.tocsr()
    n_row = lp.b.size

    def lagrangian(y: np.ndarray) -> tuple[float, np.ndarray]:
        red = cost - AXt @ y
        mins = _block_min(red, block, n_block)
        val = float(y @ lp.b + mins.sum())
        scale = float(np.abs(y * lp.b).sum() + np.abs(mins).sum() + np.abs(cost).sum())
        return val - 1e-12 * (1.0 + scale) - 1e-13, red

    def pick(red: np.ndarray, mu: np.ndarray | None) -> np.ndarray:
        # per block, the ``per_block`` columns of smallest reduced cost (negative ones, with the
        # convexity duals ``mu``, if given)
        order = np.lexsort((red, block))
        rank = np.arange(n_col) - np.searchsorted(block[order], block[order], side="left")
        chosen = order[rank < per_block]
        if mu is not None:
            chosen = chosen[red[chosen] - mu[block[chosen]] < -1e-12]
        return chosen

    y = np.zeros(n_row) if y0 is None else np.asarray(y0, dtype=np.float64)
    best, red = lagrangian(y)
    in_lp = np.zeros(n_col, dtype=bool)
    first = pick(red, None)

    h = _quiet_highs(highspy)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "off")  # HiGHS presolve has declared these LPs infeasible
    h.setOptionValue("simplex_strategy", 4)  # primal: added columns keep the basis feasible
    h.setOptionValue("primal_feasibility_tolerance", 1e-10)
    h.setOptionValue("dual_feasibility_tolerance", 1e-10)
    big = 10.0 * (1.0 + float(cost.max()) / max(float(lp.b.min()), 1e-300))
    big = min(big, 1e6)
    conv_rows = n_row + block
    # rows: the marginals (= b) then the convexity rows (= 1)
    h.addRows(
        n_row + n_block,
        np.concatenate([lp.b, np.ones(n_block)]),
        np.concatenate([lp.b, np.ones(n_block)]),
        0,
        np.zeros(0, dtype=np.int32),
        np.zeros(0, dtype=np.int32),
        np.zeros(0),
    )
    # slacks: +/- one per marginal row and one per convexity row, penalized
    n_sl = n_row + n_block
    idx = np.arange(n_sl, dtype=np.int32)
    for sign in (1.0, -1.0):
        h.addCols(
            n_sl,
            np.full(n_sl, big),
            np.zeros(n_sl),
            np.full(n_sl, np.inf),
            n_sl,
            idx,
            idx,
            np.full(n_sl, sign),
        )
    lp_cols: list[int] = []

    def add(chosen: np.ndarray) -> None:
        chosen = chosen[~in_lp[chosen]]
        if chosen.size == 0:
            return
        sub = AX[:, chosen].tocsc()
        starts, index, values = [], [], []
        pos = 0
        for t, c in enumerate(chosen):
            seg = slice(sub.indptr[t], sub.indptr[t + 1])
            starts.append(pos)
            index.append(sub.indices[seg])
            values.append(sub.data[seg])
            index.append(np.array([conv_rows[c]]))
            values.append(np.array([1.0]))
            pos += sub.indptr[t + 1] - sub.indptr[t] + 1
        h.addCols(
            chosen.size,
            cost[chosen],
            np.zeros(chosen.size),
            np.ones(chosen.size),
            pos,
            np.asarray(starts, dtype=np.int32),
            np.concatenate(index).astype(np.int32),
            np.concatenate(values),
        )
        in_lp[chosen] = True
        lp_cols.extend(int(c) for c in chosen)

    add(first)
    lam = None
    left = MAX_SIMPLEX_ITERATIONS
    for _ in range(max_rounds):
        h.setOptionValue("simplex_iteration_limit", left)
        h.run()
        lp.n_lp += 1
        left -= int(h.getInfo().simplex_iteration_count)
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        sol = h.getSolution()
        duals = np.asarray(sol.row_dual, dtype=np.float64)
        y, mu = duals[:n_row], duals[n_row:]
        val, red = lagrangian(y)
        best = max(best, val)
        col_val = np.asarray(sol.col_value, dtype=np.float64)
        lam = col_val[2 * n_sl :], float(col_val[: 2 * n_sl].sum()), list(lp_cols)
        chosen = pick(red, mu)
        chosen = chosen[~in_lp[chosen]]
        if chosen.size == 0 or left <= 0:
            break
        add(chosen)
    x = None
    if lam is not None and lam[1] <= 1e-12:
        weights = np.zeros(n_col)
        weights[np.asarray(lam[2])] = np.clip(lam[0], 0.0, 1.0)
        x = np.clip(X @ weights, lo, hi)
    return best, x
