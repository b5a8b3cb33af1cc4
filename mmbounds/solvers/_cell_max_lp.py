"""Joint block-envelope relaxation of ``min { H(r) : r ∈ Δ12 ∩ box }``: the three groupings at once.

:mod:`mmbounds.solvers._block_lp` convexifies the entropy of the blocks of *one* family
(``"ij"``, ``"ik"`` or ``"jk"``: the cells that share one marginal row) at a time. Here the three
families act together, cell by cell. For every ``r`` in the box and every family ``f``, the block
``r_b`` of ``f`` holding cell ``c`` is a convex combination ``Σ_v λ_{fv} v`` of the vertices of its
block polytope, and ``φ(r_c) >= Σ_v λ_{fv} φ(v_c)`` (φ concave). So

.. math::

    H(r) >= \\min \\Big\\{ Σ_c s_c :\\; s_c >= Σ_v λ_{f b(c) v} φ(v_c)\\ (∀ f, c),\\;
        Σ_v λ_{fbv} v = r\\ (∀ f),\\; Σ_v λ_{fbv} = 1,\\; λ >= 0,\\; A r = b \\Big\\},

an LP never weaker than the best single family (take ``s`` from that family alone). Each cell
takes the largest of the three families' convexified values of ``φ(r_c)``.

**Certification.** For any weights ``w_{fc} >= 0`` with ``Σ_f w_{fc} = 1``, cell prices ``g_f`` and
marginal prices ``z`` (``d = Σ_f g_f - A^T z``),

.. math::

    \\min_{Δ12 ∩ box} H >= Σ_f Σ_b \\min_{v ∈ b} \\big( Σ_{c ∈ b} w_{fc} φ(v_c) - g_f^T v \\big)
        + z^T b + Σ_c \\min(d_c l_c, d_c u_c),

(write ``H = Σ_f Σ_c w_{fc} φ(r_c)``, bound each family's part by its vertices and add
``Σ_f g_f^T r = d^T r + z^T b``). The bound is evaluated in floating point from the solver's duals
(``w`` clipped at 0 and renormalized, so it is valid whatever their accuracy) and lowered by a
rounding margin.

**The LP.** Every vertex of every block is a column. Blocks with more than ``max_block`` free
cells, and the largest blocks while the columns exceed a cap, are relaxed by chunks of a few
cells, each in the slab of sums the rest of its block leaves it
(:func:`mmbounds.solvers._block_lp.chunk_block`). A chunk's envelope lies between its chords and
the block's, and a valid part is any set of points whose hull holds the part of every table of
the box, so the certificate below is unchanged. ``r`` is eliminated as family ``"ij"``'s mixture
(whose columns keep the ``p(x1, x2)`` sums; the other two families are tied to it cell by cell,
which gives their marginals). One solve, by interior point without crossover (only the duals are
needed, and any duals give a valid bound; simplex if it fails), with iteration caps:
deterministic, no column generation (HiGHS re-solves this model slowly).
"""

from __future__ import annotations

import heapq

import numpy as np
import scipy.sparse as sp

from ..info import neg_xlog2x
from ._block_lp import (
    FAMILIES,
    MAX_BLOCK,
    _block_ids,
    block_vertices,
    chunk_block,
    columns_from_parts,
    family_blocks,
    split_block,
)
from ._delta_lp import DeltaLP, _quiet_highs

__all__: list[str] = []

#: blocks with more free cells than this are relaxed cell by cell in the joint LP (a block of n
#: free cells has up to n 2^(n-1) vertices)
MAX_BLOCK_JOINT = MAX_BLOCK
#: vertex columns of the joint LP at most (the blocks with the most vertices are relaxed cell by
#: cell until they fit). Clustered 20x20x10 tables (mfeat pairs): mean certified gap 0.0283 bits
#: at 8,000, 0.0257 at 10,000, 0.0252 at 12,000; the largest estimate took 1.85, 2.14 and 1.97+ CPU
#: s (budget 2 s, loaded machine): 8,000
MAX_COLUMNS_JOINT = 8_000
#: cells per chunk of the blocks relaxed by chunks (a chunk of n cells has up to (n + 1) 2^n
#: vertices). Zer-mor (the widest gap of the clustered 20x20x10 tables) at 8,000 columns: certified
#: minimum entropy 7.1903 bits with blocks split into single cells, 7.2057, 7.2074, 7.2097 with
#: chunks of 3, 4, 5 cells (7.2085 with every block whole, 20,440 columns); fou-mor 6.9653 and
#: 6.9717, 6.9727, 6.9765 (6.9778)
CHUNK = 5
#: before enumerating, ``max_block`` is lowered while the vertex bound ``Σ n 2^(n-1)`` exceeds this
#: (a guard on time and memory: the clustered 20x20x10 tables stay below 210,000, about ten
#: times their actual vertices)
MAX_ENUMERATED = 500_000
#: iteration caps of the two solvers (deterministic; the interior point needs about 35 at 8,000
#: columns)
IPM_ITERATIONS = 200
SIMPLEX_ITERATIONS = 5_000


class _Family:
    """The enumerated vertex columns of one family: ``X`` (cells × cols), ``Phi`` = φ(X)."""

    def __init__(self, X: sp.csc_matrix, block: np.ndarray):
        self.X = X
        self.Xt = X.T.tocsr()
        coo = X.tocoo()
        self.Phit = sp.csr_matrix(
            (neg_xlog2x(np.clip(coo.data, 0.0, None)), (coo.col, coo.row)),
            shape=(X.shape[1], X.shape[0]),
        )
        self.block = block
        self.n_block = int(block.max()) + 1
        self.n_col = block.size

    def reduced(self, w: np.ndarray, g: np.ndarray) -> np.ndarray:
        """``Σ_c w_c φ(v_c) - g^T v`` of every column."""
        return self.Phit @ w - self.Xt @ g

    def block_min(self, values: np.ndarray) -> np.ndarray:
        out = np.full(self.n_block, np.inf)
        np.minimum.at(out, self.block, values)
        return out


def _vertex_bound(n_free: np.ndarray, max_block: int) -> int:
    """Upper bound ``Σ n 2^(n-1)`` on the vertices of the blocks of at most ``max_block`` free
    cells (the others split into cells: two each)."""
    whole = n_free <= max_block
    n = n_free[whole]
    return int(np.sum(n * (1 << np.maximum(n - 1, 0)))) + 2 * int(n_free[~whole].sum())


def _capped_parts(lp: DeltaLP, lo, hi, max_block: int, max_columns: int, chunk: int = CHUNK):
    """Each family's parts: its blocks whole (up to ``max_block`` free cells) or in chunks.

    While the three families have more than ``max_columns`` vertex columns, the part with the most
    columns steps down (deterministic order: most columns, then family, then block): a whole block
    to its chunks of ``chunk`` cells (:func:`mmbounds.solvers._block_lp.chunk_block`), chunks to
    single cells (chords); a part that the step would not shrink is kept.
    """
    free = [
        np.bincount(_block_ids(lp, family), weights=(hi - lo > 0).astype(float)).astype(np.int64)
        for family in FAMILIES
    ]
    while max_block > 1 and sum(_vertex_bound(n, max_block) for n in free) > MAX_ENUMERATED:
        max_block -= 1  # never enumerate far more vertices than the LP can take
    blocks = [b for family in FAMILIES for b in family_blocks(lp, family)]
    n_fam = [int(np.unique(_block_ids(lp, family)).size) for family in FAMILIES]
    fam_of = np.repeat(np.arange(len(FAMILIES)), n_fam)
    parts, level = [], []
    for g, s in blocks:
        if int(np.count_nonzero(hi[g] - lo[g] > 0)) <= max_block:
            parts.append([(g, block_vertices(s, lo[g], hi[g]))])
            level.append(0)
        else:
            parts.append(chunk_block(g, s, lo, hi, chunk))
            level.append(1)

    def n_cols(pp: list) -> int:
        return sum(v.shape[0] for _, v in pp)

    total = sum(n_cols(pp) for pp in parts)
    heap = [(-n_cols(pp), t) for t, pp in enumerate(parts)]
    heapq.heapify(heap)
    while total > max_columns and heap:
        neg, t = heapq.heappop(heap)
        g, s = blocks[t]
        new = chunk_block(g, s, lo, hi, chunk) if level[t] == 0 else split_block(g, lo, hi)
        lv = level[t] + 1
        if n_cols(new) >= -neg:  # kept (a whole block its chunks would not shrink stays whole)
            continue
        total += n_cols(new) + neg
        parts[t], level[t] = new, lv
        if lv < 2:
            heapq.heappush(heap, (-n_cols(new), t))
    out: list[list] = [[] for _ in FAMILIES]
    for t, pp in enumerate(parts):
        out[int(fam_of[t])].extend(pp)
    return out


def joint_lagrangian(
    lp: DeltaLP,
    fams: list[_Family],
    w: np.ndarray,
    g: np.ndarray,
    z: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> tuple[float, list[np.ndarray]]:
    """Certified lower bound from weights ``w`` (families × cells), prices ``g`` and ``z``.

    Returns the bound (bits, lowered by a rounding margin) and each family's reduced costs.
    ``w`` is clipped at 0 and renormalized per cell (a cell whose weights are all 0 gets equal
    weights), so any input gives a valid bound.
    """
    w = np.clip(np.asarray(w, dtype=np.float64), 0.0, None)
    tot = w.sum(axis=0)
    w = np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 1.0 / w.shape[0])
    total, scale, reds = 0.0, 0.0, []
    for f, fam in enumerate(fams):
        red = fam.reduced(w[f], g[f])
        mins = fam.block_min(red)
        total += float(mins.sum())
        scale += float(np.abs(mins).sum() + np.abs(g[f]).sum() * float(hi.max(initial=0.0)))
        reds.append(red)
    d = g.sum(axis=0) - lp.A.T @ z
    terms = np.where(d > 0, d * lo, d * hi)
    val = total + float(z @ lp.b) + float(terms.sum())
    scale += float(np.abs(z * lp.b).sum() + np.abs(terms).sum())
    return val - 1e-12 * (1.0 + scale) - 1e-13, reds


def joint_block_relaxation(
    lp: DeltaLP,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    max_block: int = MAX_BLOCK_JOINT,
    max_columns: int = MAX_COLUMNS_JOINT,
    chunk: int = CHUNK,
) -> tuple[float, np.ndarray | None] | None:
    """Certified joint block-envelope bound on ``min H`` over Δ12 ∩ [lo, hi] and its LP point.

    Parameters
    ----------
    lp : DeltaLP
        The polytope (its ``n_lp`` counter is incremented).
    lo, hi : ndarray
        The box of the active cells.
    max_block : int
        Blocks with more free cells are relaxed cell by cell.
    max_columns : int
        While the three families have more vertex columns than this, the parts with the most
        columns step down: whole blocks to chunks of ``chunk`` cells, chunks to single cells (a
        deterministic cap on the LP's size and cost).
    chunk : int
        Cells per chunk of the blocks relaxed by chunks (those above ``max_block`` free cells and
        those the column cap splits); 1: cell by cell (their chords).

    Returns
    -------
    tuple or None
        ``(bound, r)``: the certified bound (bits) and the LP's table of the active cells (None
        if the solver failed), or None when a family has more than
        :data:`mmbounds.solvers._block_lp.MAX_COLUMNS` vertex columns.
    """
    import highspy

    fams = [
        _Family(*columns_from_parts(lp, parts)[:2])
        for parts in _capped_parts(lp, lo, hi, max_block, max_columns, chunk)
    ]
    nf, nc = len(fams), lp.n_cells
    n_tie = (nf - 1) * nc
    n_row = lp.b.size
    m_off = n_tie
    s_off = n_tie + n_row
    c_off, pos = [], s_off + nf * nc
    for fam in fams:
        c_off.append(pos)
        pos += fam.n_block
    n_rows = pos
    row_lo = np.zeros(n_rows)
    row_hi = np.zeros(n_rows)
    row_lo[m_off:s_off] = row_hi[m_off:s_off] = lp.b
    row_hi[s_off : s_off + nf * nc] = np.inf
    row_lo[c_off[0] :] = row_hi[c_off[0] :] = 1.0

    # columns: s (nc, free, cost 1), then each family's vertices (in [0, 1])
    eye = sp.identity(nc, format="csr")
    parts = [
        sp.vstack(
            [sp.csr_matrix((s_off, nc))] + [eye] * nf + [sp.csr_matrix((n_rows - c_off[0], nc))]
        )
    ]
    for f, fam in enumerate(fams):
        n = fam.n_col
        # ties X_0 λ_0 - X_f λ_f = 0, and the marginals A X_0 λ_0 = b (blocks relaxed cell by
        # cell do not keep their sums)
        tie = [sp.csr_matrix((nc, n))] * (nf - 1) + [sp.csr_matrix((n_row, n))]
        if f == 0:
            tie = [fam.X.tocsr()] * (nf - 1) + [(lp.A @ fam.X).tocsr()]
        else:
            tie[f - 1] = -fam.X.tocsr()
        phi = [sp.csr_matrix((nc, n))] * nf
        phi[f] = -fam.Phit.T.tocsr()
        conv = [sp.csr_matrix((g.n_block, n)) for g in fams]
        conv[f] = sp.csr_matrix((np.ones(n), (fam.block, np.arange(n))), shape=(fam.n_block, n))
        parts.append(sp.vstack(tie + phi + conv))
    mat = sp.hstack(parts).tocsc()
    mat.sort_indices()
    n_col = mat.shape[1]
    cost = np.zeros(n_col)
    cost[:nc] = 1.0
    col_lo = np.zeros(n_col)
    col_hi = np.ones(n_col)
    col_lo[:nc], col_hi[:nc] = -np.inf, np.inf

    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = n_col, n_rows
    model.col_cost_, model.col_lower_, model.col_upper_ = cost, col_lo, col_hi
    model.row_lower_, model.row_upper_ = row_lo, row_hi
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = mat.indptr.astype(np.int32)
    model.a_matrix_.index_ = mat.indices.astype(np.int32)
    model.a_matrix_.value_ = mat.data.astype(np.float64)
    model.a_matrix_.num_col_, model.a_matrix_.num_row_ = n_col, n_rows
    order = ("ipm", "simplex")
    ok = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kIterationLimit)
    for solver in order:  # the other solver if the first reports no optimum (tolerances)
        h = _quiet_highs(highspy)
        h.setOptionValue("output_flag", False)
        h.setOptionValue("solver", solver)
        if solver == "ipm":
            h.setOptionValue("run_crossover", "off")
            h.setOptionValue("ipm_iteration_limit", IPM_ITERATIONS)
        else:
            h.setOptionValue("presolve", "off")  # HiGHS presolve has declared these infeasible
            h.setOptionValue("simplex_iteration_limit", SIMPLEX_ITERATIONS)
            h.setOptionValue("primal_feasibility_tolerance", 1e-10)
            h.setOptionValue("dual_feasibility_tolerance", 1e-10)
        h.passModel(model)
        h.run()
        lp.n_lp += 1
        sol = h.getSolution()
        # any duals give a valid bound: an iteration limit only loosens it
        if h.getModelStatus() in ok and sol.dual_valid:
            break
    else:
        return -np.inf, None
    dual = np.asarray(sol.row_dual, dtype=np.float64)
    q = dual[:n_tie].reshape(nf - 1, nc)
    z = dual[m_off:s_off]
    # reduced costs c - A^T y: family 0 is priced by Σ q + A^T z, family f by -q_f
    g = np.concatenate([(q.sum(axis=0) + lp.A.T @ z)[None, :], -q])
    w = dual[s_off : s_off + nf * nc].reshape(nf, nc)
    bound, _ = joint_lagrangian(lp, fams, w, g, z, lo, hi)
    col = np.asarray(sol.col_value, dtype=np.float64)
    r = np.clip(fams[0].X @ np.clip(col[nc : nc + fams[0].n_col], 0.0, 1.0), lo, hi)
    return bound, r
