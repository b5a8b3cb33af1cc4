"""A profile lower bound on the minimum-entropy coupling of two distributions.

For a coupling ``M`` of ``a`` and ``b`` write its *profile* ``F_M(t)`` for the mass held by cells of
value at least ``t``. Because ``m ln(1/m) = ∫_0^1 m [m < t] dt / t`` for ``0 <= m <= 1``,

.. math::

    H(M) = \\frac{1}{\\ln 2} \\int_0^1 \\frac{1 - F_M(t)}{t}\\, dt ,

so any pointwise upper bound ``U(t) >= F_M(t)`` valid for *every* coupling gives the certified lower
bound ``H(M) >= (1/ln 2) ∫ (1 - U(t)) / t dt`` on the minimum-entropy coupling. This is the idea of
the profile method of Compton, Katz, Qi, Greenewald and Kocaoglu (2023); the particular envelope
``U`` below is our own, built from four facts that hold for every coupling ``M`` and threshold
``t``:

1. a cell ``M_ij >= t`` needs ``a_i >= t`` (its row) and ``b_j >= t`` (its column), so
   ``F_M(t) <= P_a(t) = Σ_i a_i [a_i >= t]`` and likewise ``P_b(t)``;
2. row ``i`` holds at most ``floor(a_i / t)`` cells ``>= t`` (they sum to at most ``a_i``), so
   the number of such cells is ``N_M(t) <= n(t) = min(Σ_i floor(a_i/t), Σ_j floor(b_j/t))``;
3. the ``k`` largest cells of ``M`` lie in at most ``k`` rows and ``k`` columns, so they sum to
   at most ``C_k = min(A_k, B_k)`` (prefix sums of the sorted marginals, as for the meet);
4. hence ``t N_M(t) <= F_M(t) <= C_{N_M(t)}``, so ``N_M(t) <= N*(t) = max{k : k t <= C_k}``.

With ``C`` non-decreasing, ``F_M(t) <= U(t) = min(P_a(t), P_b(t), C_{min(n(t), N*(t))})``. ``U`` is
a step function whose steps lie among ``a_i/k``, ``b_j/k`` and ``C_k/k``, so the integral is a
finite sum. The meet bound ``H(a ∧ b)`` (Cicalese, Gargano, Vaccaro 2019) is a different
relaxation; the returned value is the larger of the two, so it is never below the meet and is
strictly above it when the counting facts (2, 4) bite, e.g. ``a = (0.4, 0.3, 0.3)``,
``b = (0.5, 0.5)``: meet 1.571, profile 1.650, optimum 1.846.

References
----------
S. Compton, D. Katz, B. Qi, K. Greenewald, M. Kocaoglu, "Minimum-entropy coupling approximation
guarantees beyond the majorization barrier", AISTATS 2023 (arXiv 2302.11838).
F. Cicalese, L. Gargano, U. Vaccaro, "Minimum-entropy couplings and their applications",
IEEE Trans. Inf. Theory 65(6), 2019.
"""

from __future__ import annotations

import numpy as np

from ..info import LN2
from .coupling import meet_entropy, meet_entropy_rows, pad_right

__all__: list[str] = []

#: absolute slack (bits) subtracted from the profile integral to absorb floating-point rounding.
_MARGIN_BITS = 1e-12


def _sorted_positive(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64).ravel()
    v = v[v > 0]
    return np.sort(v)[::-1]


#: the floor counts of fact 2 use multiples ``a_i / k`` up to this ``k``; below ``max(a) / k`` the
#: count constraint is dropped (a weaker but still valid envelope); this bounds the work on large
#: supports.
_MAX_MULTIPLE = 64


def _count_at_least(values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``#{v in values : v >= t}`` for each ``t`` (``values`` sorted ascending)."""
    return values.size - np.searchsorted(values, t, side="left")


def profile_entropy_lower(a: np.ndarray, b: np.ndarray) -> float:
    """The profile integral ``(1/ln 2) ∫_0^1 (1 - U(t)) / t dt`` in bits (see the module docstring).

    ``a`` and ``b`` are non-negative with equal sums (normally 1; a common total ``s`` is handled by
    scaling, ``-Σ M log2 M = s H(M/s) - s log2 s``). Runs in ``O(B log B)`` for ``B`` breakpoints.
    """
    a, b = _sorted_positive(a), _sorted_positive(b)
    if a.size == 0 or b.size == 0:
        return 0.0
    s = float(a.sum())
    a, b = a / s, b / s
    L = max(a.size, b.size)
    A = np.cumsum(pad_right(a, L))
    B = np.cumsum(pad_right(b, L))
    C = np.minimum(A, B)  # concave, non-decreasing: C_k / k is non-increasing
    K = min(L, _MAX_MULTIPLE)
    k = np.arange(1, K + 1, dtype=np.float64)
    ratios_a = (a[:, None] / k[None, :]).ravel()
    ratios_b = (b[:, None] / k[None, :]).ravel()
    if K < L:
        # below max / K the floor counts are dropped (cells_at_most), so a ratio there with k > 1 is
        # no step of U: leaving it out only merges intervals where U is constant
        ratios_a = ratios_a[(ratios_a >= a[0] / K) | (np.arange(ratios_a.size) % K == 0)]
        ratios_b = ratios_b[(ratios_b >= b[0] / K) | (np.arange(ratios_b.size) % K == 0)]
    ratios_a = np.sort(ratios_a)
    ratios_b = np.sort(ratios_b)
    c_ratio = np.sort(C / np.arange(1, L + 1))
    brk = np.unique(np.concatenate([ratios_a, ratios_b, c_ratio, [1.0]]))
    brk = brk[(brk > 0) & (brk <= 1.0)]
    t = np.concatenate([[0.5 * brk[0]], 0.5 * (brk[:-1] + brk[1:])])  # one point per step

    def mass_at_least(v_desc: np.ndarray) -> np.ndarray:
        asc = v_desc[::-1]
        csum = np.concatenate([[0.0], np.cumsum(asc)])
        return csum[-1] - csum[np.searchsorted(asc, t, side="left")]

    def cells_at_most(v_desc: np.ndarray, ratios: np.ndarray) -> np.ndarray:
        # Σ_i min(floor(v_i / t), K): exact (for our use) when K = L, else valid only for t >= max/K
        n = _count_at_least(ratios, t).astype(np.float64)
        if K < L:
            n[t < v_desc[0] / K] = np.inf
        return n

    n_cells = np.minimum(cells_at_most(a, ratios_a), cells_at_most(b, ratios_b))
    n_star = _count_at_least(c_ratio, t)  # #{k <= L : k t <= C_k}; L means "L or more"
    m = np.minimum(np.minimum(n_cells, n_star), L).astype(np.int64)
    C0 = np.concatenate([[0.0], C])
    U = np.minimum(np.minimum(mass_at_least(a), mass_at_least(b)), C0[m])
    if U[0] < 1.0 - 1e-9:  # below every breakpoint U must be 1 for valid marginals; refuse to bound
        return -np.inf
    lo = np.concatenate([[brk[0]], brk[:-1]])
    # log of a ratio as a difference: brk / lo overflows for subnormal breakpoints (issue 14)
    h = float(np.sum((1.0 - U[1:]) * (np.log(brk[1:]) - np.log(lo[1:])))) / LN2
    return s * h - s * np.log2(s) - _MARGIN_BITS


def profile_entropy_lower_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`profile_entropy_lower` of each pair of rows of ``a (m, k_a)`` and ``b (m, k_b)``.

    The same envelope and integral, vectorised over the rows: each row's breakpoints (the ratios
    ``a_i / k``, ``b_j / k``, ``C_k / k`` and 1) are sorted in one ``argsort``, and the counts and
    masses ``>= t`` at the step midpoints are reverse cumulative sums along that order (every ``t``
    lies strictly between two consecutive distinct breakpoints, so "at or after the position" is
    "``>= t``"). Entries absent from a row (zero atoms, ``k`` beyond that row's ``K`` or ``L``)
    are moved onto the row's smallest breakpoint, where they only add empty intervals.
    Rows of zeros give 0.
    """
    a = np.where(np.asarray(a, dtype=np.float64) > 0, a, 0.0)
    b = np.where(np.asarray(b, dtype=np.float64) > 0, b, 0.0)
    n_rows = a.shape[0]
    out = np.zeros(n_rows)
    na, nb = np.count_nonzero(a, axis=1), np.count_nonzero(b, axis=1)
    rows = np.flatnonzero((na > 0) & (nb > 0))
    if rows.size == 0:
        return out
    na, nb = na[rows], nb[rows]
    # each side keeps only as many columns as its fullest row has atoms
    a = -np.sort(-a[rows], axis=1)[:, : int(na.max())]
    b = -np.sort(-b[rows], axis=1)[:, : int(nb.max())]
    n_r = rows.size
    s = a.sum(axis=1)
    a, b = a / s[:, None], b / s[:, None]
    width = max(a.shape[1], b.shape[1])
    big_l = np.maximum(na, nb)  # (r,)
    kk = np.minimum(big_l, _MAX_MULTIPLE)
    k_max = int(min(width, _MAX_MULTIPLE))
    cum_a = np.cumsum(pad_right(a, width), axis=1)
    cum_b = np.cumsum(pad_right(b, width), axis=1)
    C = np.minimum(cum_a, cum_b)  # (r, width); as in the scalar version up to each row's L
    k = np.arange(1, k_max + 1, dtype=np.float64)
    kw = np.arange(1, width + 1)
    ok_k = k[None, :] <= kk[:, None]  # (r, k_max)

    def ratios(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rat = v[:, :, None] / k[None, None, :]
        valid = (v[:, :, None] > 0) & ok_k[:, None, :]
        return np.where(valid, rat, 0.0).reshape(n_r, -1), valid.reshape(n_r, -1)

    ra, va = ratios(a)
    rb, vb = ratios(b)
    vc = kw[None, :] <= big_l[:, None]
    rc = np.where(vc, C / kw[None, :], 0.0)
    vals = np.concatenate([ra, rb, rc, np.ones((n_r, 1))], axis=1)
    n_a, n_b = ra.shape[1], rb.shape[1]
    label = np.zeros(vals.shape, dtype=np.int8)  # 1: a ratio, 2: b ratio, 3: C ratio
    label[:, :n_a][va] = 1
    label[:, n_a : n_a + n_b][vb] = 2
    label[:, n_a + n_b : n_a + n_b + width][vc] = 3
    # masses: the ratios with k = 1 carry their atom
    weight_a = np.zeros(vals.shape)
    weight_b = np.zeros(vals.shape)
    weight_a[:, 0:n_a:k_max] = a
    weight_b[:, n_a : n_a + n_b : k_max] = b
    vals = np.minimum(vals, 1.0)  # brk <= 1 (rounding can leave C_L a hair above 1)
    order = np.argsort(vals, axis=1)  # ties only bound empty intervals: any order will do
    brk = np.take_along_axis(vals, order, axis=1)
    label = np.take_along_axis(label, order, axis=1)
    weight_a = np.take_along_axis(weight_a, order, axis=1)
    weight_b = np.take_along_axis(weight_b, order, axis=1)
    n_absent = np.count_nonzero(brk <= 0, axis=1)
    first = brk[np.arange(n_r), n_absent]  # smallest breakpoint of each row
    brk = np.where(brk > 0, brk, first[:, None])
    t = np.empty_like(brk)
    t[:, 0] = 0.5 * brk[:, 0]
    t[:, 1:] = 0.5 * (brk[:, :-1] + brk[:, 1:])

    def at_or_after(x: np.ndarray) -> np.ndarray:
        return np.cumsum(x[:, ::-1], axis=1)[:, ::-1]

    cells_a = at_or_after(label == 1).astype(np.float64)
    cells_b = at_or_after(label == 2).astype(np.float64)
    n_star = at_or_after(label == 3)
    cut = kk < big_l  # the floor counts are only valid for t >= max / K
    cells_a[cut[:, None] & (t < (a[:, 0] / kk)[:, None])] = np.inf
    cells_b[cut[:, None] & (t < (b[:, 0] / kk)[:, None])] = np.inf
    m = np.minimum(np.minimum(cells_a, cells_b), n_star)
    m = np.minimum(m, big_l[:, None]).astype(np.int64)
    C0 = np.concatenate([np.zeros((n_r, 1)), C], axis=1)
    U = np.minimum(
        np.minimum(at_or_after(weight_a), at_or_after(weight_b)), np.take_along_axis(C0, m, axis=1)
    )
    h = np.sum((1.0 - U[:, 1:]) * (np.log(brk[:, 1:]) - np.log(brk[:, :-1])), axis=1) / LN2
    val = s * h - s * np.log2(s) - _MARGIN_BITS
    out[rows] = np.where(U[:, 0] < 1.0 - 1e-9, -np.inf, val)
    return out


def coupling_lower(a: np.ndarray, b: np.ndarray, coupling: str) -> float:
    """Certified lower bound (bits) on the minimum-entropy coupling (``coupling``: meet|profile)."""
    h_meet = meet_entropy(a, b)
    if coupling == "meet":
        return h_meet
    return max(h_meet, profile_entropy_lower(a, b))


def coupling_lower_rows(a: np.ndarray, b: np.ndarray, coupling: str) -> np.ndarray:
    """:func:`coupling_lower` of each pair of rows of ``a (m, k_a)`` and ``b (m, k_b)``."""
    h_meet = meet_entropy_rows(a, b)
    if coupling == "meet":
        return h_meet
    return np.maximum(h_meet, profile_entropy_lower_rows(a, b))
