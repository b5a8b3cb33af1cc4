"""Certified mode: intervals valid at every sample size under iid sampling of each source.

**Assumptions.** D1, D2 and DM are independent iid samples of sizes ``n1, n2, nm`` from the
population marginals ``P1 = p(x1, y)``, ``P2 = p(x2, y)``, ``P12 = p(x1, x2)`` of one joint, over
the observed value sets (a value never seen in any source is taken to have probability 0).

**Confidence sets.** For a source with ``k`` cells, Weissman et al. (2003):
``P(||P^ - P||_1 >= eps) <= (2^k - 2) exp(-n eps^2 / 2)``; with
``eps = sqrt(2 (k ln 2 + ln(3/alpha)) / n)`` each source's total variation ``t = eps / 2`` holds
with probability ``1 - alpha/3``, all three together with ``1 - alpha`` (union bound). The
reconciliation moves each table by a known TV (``consistency.shift``), added to its radius.

**Continuity.** ``|H(P) - H(Q)| <= T log2(K - 1) + h(T)`` for TV ``T <= 1 - 1/K`` on ``K`` cells
(Fannes–Audenaert), so a mutual information ``H(A) + H(B) - H(A,B)`` moves by at most the sum of
the three moduli. The BROJA minimum ``M = R + U1 + U2`` moves by at most the modulus of
``I(X1,X2;Y)`` at TV ``t1 + t2 + min(t1, t2)``: an optimal joint for one pair of marginals is
turned into a feasible one for the other by replacing its ``(x1, y)`` marginal and then fixing its
``(x2, y)`` marginal label by label, which moves it by at most that much. Hence intervals for
``I(X1;Y)``, ``I(X2;Y)``, ``M`` and from them for ``R = I1 + I2 - M``, ``U1 = M - I2``,
``U2 = M - I1``. S lies in ``[0, H(Y) - M]``: the lower end is 0 (the max-entropy bound is not
known to be continuous in the marginals near the edge of realizability) and the upper end uses
the certified upper limit of ``H(Y)`` and the lower limit of ``M``.

The intervals are conservative (often vacuous below a few samples per cell); they never cover the
population value with less than the stated probability.

References
----------
T. Weissman, E. Ordentlich, G. Seroussi, S. Verdú, M. J. Weinberger, "Inequalities for the L1
deviation of the empirical distribution", HP Labs tech. report HPL-2003-97, 2003.
K. M. R. Audenaert, "A sharp continuity estimate for the von Neumann entropy", J. Phys. A 40, 2007.
"""

from __future__ import annotations

import math

import numpy as np

from ..info import entropy, mutual_information
from ..marginals import Marginals
from ..results import Interval
from ._intervals import verdict

__all__ = ["certified_intervals", "tv_radius", "entropy_modulus"]


def tv_radius(n: float, k: int, alpha: float) -> float:
    """TV radius holding with probability ``1 - alpha`` for ``n`` samples over ``k`` cells.

    Parameters
    ----------
    n : float
        Sample size of the source.
    k : int
        Cells of its table.
    alpha : float
        Allowed probability that the empirical table lies farther than the radius.

    Returns
    -------
    float
        The total-variation radius, at most 1.

    Examples
    --------
    >>> round(tv_radius(1000, 4, 0.05), 4)
    0.0537
    """
    eps = math.sqrt(2.0 * (k * math.log(2.0) + math.log(1.0 / alpha)) / max(n, 1.0))
    return min(eps / 2.0, 1.0)


def entropy_modulus(t: float, k: int) -> float:
    """Largest change (bits) of the entropy of a distribution on ``k`` cells within TV ``t``.

    Parameters
    ----------
    t : float
        Total-variation distance.
    k : int
        Number of cells.

    Returns
    -------
    float
        ``t log2(k - 1) + h(t)`` (Fannes–Audenaert), or ``log2 k`` from ``t >= 1 - 1/k`` on.

    Examples
    --------
    >>> entropy_modulus(0.5, 2)
    1.0
    """
    if k <= 1 or t <= 0:
        return 0.0
    if t >= 1.0 - 1.0 / k:
        return math.log2(k)
    h = -t * math.log2(t) - (1 - t) * math.log2(1 - t)
    return t * math.log2(k - 1) + h


def _mi_modulus(t: float, ka: int, kb: int) -> float:
    return entropy_modulus(t, ka) + entropy_modulus(t, kb) + entropy_modulus(t, ka * kb)


def certified_intervals(
    m: Marginals, plugin: np.ndarray, *, confidence: float, negligible: float
) -> dict[str, Interval]:
    """Certified intervals for R, U1, U2, the ends of the identified set and S (bits).

    Parameters
    ----------
    m : Marginals
        Marginals counted from samples (``m.sample_sizes`` set).
    plugin : ndarray
        ``(R, U1, U2, S_L, S_U)`` of ``m`` (see :func:`mmbounds.inference.functionals`).
    confidence : float
        Joint level of the intervals, in (0, 1).
    negligible : float
        Bits below which a quantity counts as absent (verdicts).

    Returns
    -------
    dict of str to Interval
        One interval per name of :data:`mmbounds.inference.QUANTITIES` and ``"synergy"``.
    """
    n1, n2, ny = m.shape
    alpha = (1.0 - confidence) / 3.0
    sizes = m.sample_sizes
    shift = m.consistency.shift
    t1 = min(tv_radius(sizes[0], n1 * ny, alpha) + shift[0], 1.0)
    t2 = min(tv_radius(sizes[1], n2 * ny, alpha) + shift[1], 1.0)
    i1, i2 = mutual_information(m.p_x1y, 0, 1), mutual_information(m.p_x2y, 0, 1)
    r, u1, u2 = (float(v) for v in plugin[:3])
    big_m = i1 + i2 - r
    d1, d2 = _mi_modulus(t1, n1, ny), _mi_modulus(t2, n2, ny)
    dm = _mi_modulus(min(t1 + t2 + min(t1, t2), 1.0), n1 * n2, ny)
    h_y = entropy(m.p_y)
    h_y_hi = min(h_y + entropy_modulus(min(t1, t2), ny), math.log2(ny))
    m_lo = max(big_m - dm, 0.0)
    cap = {"i1": min(i1 + d1, math.log2(ny)), "i2": min(i2 + d2, math.log2(ny))}
    values = {
        "redundancy": (r, r - d1 - d2 - dm, min(r + d1 + d2 + dm, cap["i1"], cap["i2"])),
        "unique1": (u1, u1 - dm - d2, min(u1 + dm + d2, cap["i1"])),
        "unique2": (u2, u2 - dm - d1, min(u2 + dm + d1, cap["i2"])),
        "synergy_lower_end": (float(plugin[3]), 0.0, max(h_y_hi - m_lo, 0.0)),
        "synergy_upper_end": (float(plugin[4]), 0.0, max(h_y_hi - m_lo, 0.0)),
        "synergy": (0.5 * (max(float(plugin[3]), 0.0) + float(plugin[4])), 0.0, h_y_hi - m_lo),
    }
    out = {}
    for name, (est, lo, hi) in values.items():
        lo = max(lo, 0.0)
        hi = max(hi, lo)
        out[name] = Interval(name, max(est, 0.0), lo, hi, est, verdict(lo, hi, negligible))
    return out
