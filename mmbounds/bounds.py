"""Bounds on synergy from the three observable pairwise marginals (bits).

Each bound is a function ``Marginals -> float`` registered by name in :data:`BOUNDS`; all share the
PID parts R, U1, U2 (computed once and passed as ``parts``). Lower bounds (DESIGN §3):

``synergy_lower_shared``
    ``S >= R - I(X1;X2) + min_{r in Δ12} I_r(X1;X2|Y)`` — the minimum of S over every joint with the
    observed marginals (maximum entropy by IPF, certified through its dual bound). The tightest lower
    bound the three marginals allow.
``synergy_lower_shared_paper``
    The paper's looser relaxation: only ``p(x1,x2)`` and ``p(x1,y)`` are kept, which turns the
    minimisation into a BROJA program with X1 as the target. Valid, kept for reproduction.
``synergy_lower_disagreement_bhattacharyya`` / ``synergy_lower_disagreement_l2``
    ``S >= E_{p(x1,x2)}[-log2 sum_y sqrt(f1_y f2_y)] - (U1+U2)/2`` and
    ``S >= alpha_l2 / (4 ln 2) - (U1+U2)/2`` with ``f_i = p(y|x_i)``. Guaranteed when the posteriors come
    from the marginals (Bayes classifiers of the discrete variables); estimates with trained classifiers.
``synergy_lower_disagreement_paper``
    ``alpha_l2 - max(U1, U2)`` with the constant c = 1 of the paper's released code. **Not a valid
    bound**: it exceeds the true S on some tables. Reported for comparison only.

Upper bound:

``synergy_upper_coupling``
    ``S <= H(X1,X2) + H(Y) - L - (R+U1+U2)`` where ``L`` is a certified lower bound on
    ``min_{r in Δ12} H(r)``: the best majorization-meet entropy over the pairings
    ``(p(x1,x2), p(y))``, ``(p(x1,y), p(x2))``, ``(p(x2,y), p(x1))`` and the conditional pairings given
    x1, given x2 and given y.

References
----------
P. P. Liang, C. K. Ling, Y. Cheng et al., "Multimodal learning without labeled multimodal data:
guarantees and applications", ICLR 2024 (Theorems 1, 2 and 4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .info import entropy, mutual_information
from .marginals import Marginals
from .pid import PIDParts, redundancy_uniqueness
from .solvers.broja import broja
from .solvers.coupling import greedy_coupling_entropy, meet_entropy, meet_entropy_rows
from .solvers.maxent import maxent_ipf

__all__ = [
    "Bound",
    "BOUNDS",
    "disagreement",
    "synergy_lower_shared",
    "synergy_lower_shared_paper",
    "synergy_lower_disagreement_bhattacharyya",
    "synergy_lower_disagreement_l2",
    "synergy_lower_disagreement_paper",
    "synergy_upper_coupling",
    "coupling_lower_entropy",
    "coupling_gap",
]

LN2 = float(np.log(2.0))


@dataclass(frozen=True, slots=True)
class Bound:
    """One bound on synergy.

    Attributes
    ----------
    name : str
        Registry name (e.g. ``"synergy_lower_shared"``).
    side : str
        ``"lower"`` or ``"upper"``.
    value : float
        Bits.
    guaranteed : bool
        True when the inequality is proven for these inputs; False for estimates (trained classifiers)
        and for the paper's c = 1 disagreement variant.
    note : str
        One line on what the number is.
    """

    name: str
    side: str
    value: float
    guaranteed: bool
    note: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "name": self.name,
            "side": self.side,
            "value": self.value,
            "guaranteed": self.guaranteed,
            "note": self.note,
        }


def _parts(m: Marginals, parts: PIDParts | None, **kw: Any) -> PIDParts:
    return parts if parts is not None else redundancy_uniqueness(m.p_x1y, m.p_x2y, **kw)


def _conditional(p: np.ndarray) -> np.ndarray:
    """Rows of ``p`` divided by their sums (zero rows stay zero)."""
    s = p.sum(axis=1, keepdims=True)
    return np.divide(p, s, out=np.zeros_like(p), where=s > 0)


# --------------------------------------------------------------------------- shared information
def synergy_lower_shared(
    m: Marginals,
    *,
    parts: PIDParts | None = None,
    tol: float = 1e-9,
    max_iter: int = 5000,
    return_solution: bool = False,
) -> Any:
    """Tightest lower bound on S from the three marginals (maximum entropy over Δ12), bits.

    ``S_R = R - I(X1;X2) + H(X1,Y) + H(X2,Y) - H(Y) - Hmax`` with ``Hmax`` the certified upper bound on
    the maximum entropy of a table with the three marginals (IPF), so the value stays valid when IPF
    stops early. With ``return_solution=True`` returns ``(value, MaxEntSolution)``.

    Examples
    --------
    >>> import numpy as np
    >>> xor = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         xor[a, b, a ^ b] = 0.25
    >>> round(synergy_lower_shared(Marginals.from_joint(xor)), 6) + 0.0
    0.0
    """
    pp = _parts(m, parts)
    sol = maxent_ipf(m.p_x1y, m.p_x2y, m.p_x1x2, tol=tol, max_iter=max_iter)
    value = (
        pp.redundancy
        - mutual_information(m.p_x1x2, 0, 1)
        + entropy(m.p_x1y)
        + entropy(m.p_x2y)
        - entropy(m.p_y)
        - sol.entropy_upper
    )
    return (value, sol) if return_solution else value


def synergy_lower_shared_paper(
    m: Marginals, *, parts: PIDParts | None = None, method: str = "auto", tol: float = 1e-9
) -> float:
    """The paper's relaxation of the shared-information bound (only p(x1,x2), p(x1,y) kept), bits.

    ``R - I(X1;X2) + min I_r(X1;X2|Y)`` over ``r`` with ``r(x1,x2) = p(x1,x2)``, ``r(x1,y) = p(x1,y)``;
    the minimum equals ``min I_r(X2,Y;X1) - I(X1;Y)``, a BROJA program with target X1.
    """
    pp = _parts(m, parts, method=method, tol=tol)
    # BROJA with sources (X2, Y) and target X1: marginals p(x2, x1) and p(y, x1)
    sol = broja(m.p_x1x2.T.copy(), m.p_x1y.T.copy(), method=method, tol=tol)
    min_cmi = sol.min_mi - mutual_information(m.p_x1y, 0, 1)
    return pp.redundancy - mutual_information(m.p_x1x2, 0, 1) + min_cmi


# --------------------------------------------------------------------------- disagreement
def disagreement(
    m: Marginals,
    *,
    kind: str = "l2",
    posteriors: tuple[np.ndarray, np.ndarray] | None = None,
) -> float:
    """Expected disagreement ``alpha`` of the unimodal predictors over the paired data.

    Parameters
    ----------
    m : Marginals
    kind : {"l2", "bhattacharyya"}
        ``"l2"``: squared Euclidean distance of the label distributions; ``"bhattacharyya"``:
        ``-log2 sum_y sqrt(f1_y f2_y)`` (bits).
    posteriors : pair of ndarray (n_pairs, n_y), optional
        Classifier posteriors on the paired samples; the mean over the pairs is returned. By default
        ``f_i = p(y|x_i)`` from the marginals and the expectation is under ``p(x1,x2)``.

    Returns
    -------
    float
    """
    if posteriors is not None:
        f1, f2 = posteriors
        return float(np.mean(_divergence(f1, f2, kind)))
    f1 = _conditional(m.p_x1y)
    f2 = _conditional(m.p_x2y)
    d = _divergence(f1[:, None, :], f2[None, :, :], kind)
    w = m.p_x1x2
    return float(np.sum(np.where(w > 0, w * d, 0.0)))


def _divergence(f1: np.ndarray, f2: np.ndarray, kind: str) -> np.ndarray:
    if kind == "l2":
        return np.sum((f1 - f2) ** 2, axis=-1)
    if kind == "bhattacharyya":
        bc = np.sum(np.sqrt(f1 * f2), axis=-1)
        with np.errstate(divide="ignore"):
            return -np.log2(np.clip(bc, 1e-300, 1.0))
    raise ValueError(f"kind must be 'l2' or 'bhattacharyya'; got {kind!r}")


def synergy_lower_disagreement_bhattacharyya(
    m: Marginals,
    *,
    parts: PIDParts | None = None,
    posteriors: tuple[np.ndarray, np.ndarray] | None = None,
) -> float:
    """``E[-log2 BC(f1, f2)] - (U1+U2)/2`` (bits); guaranteed with the marginals' own posteriors."""
    pp = _parts(m, parts)
    alpha = disagreement(m, kind="bhattacharyya", posteriors=posteriors)
    return alpha - 0.5 * (pp.unique1 + pp.unique2)


def synergy_lower_disagreement_l2(
    m: Marginals,
    *,
    parts: PIDParts | None = None,
    posteriors: tuple[np.ndarray, np.ndarray] | None = None,
) -> float:
    """``alpha_l2 / (4 ln 2) - (U1+U2)/2`` (bits); guaranteed with the marginals' own posteriors."""
    pp = _parts(m, parts)
    alpha = disagreement(m, kind="l2", posteriors=posteriors)
    return alpha / (4.0 * LN2) - 0.5 * (pp.unique1 + pp.unique2)


def synergy_lower_disagreement_paper(
    m: Marginals,
    *,
    parts: PIDParts | None = None,
    posteriors: tuple[np.ndarray, np.ndarray] | None = None,
) -> float:
    """The paper's released variant ``alpha_l2 - max(U1, U2)`` (c = 1). **Not a valid bound.**"""
    pp = _parts(m, parts)
    alpha = disagreement(m, kind="l2", posteriors=posteriors)
    return alpha - max(pp.unique1, pp.unique2)


# --------------------------------------------------------------------------- coupling upper bound
def _pairings(m: Marginals) -> dict[str, tuple[float, float]]:
    """For each pairing: (certified meet lower bound, greedy feasible value) on the coupling entropy."""
    p1, p2, p12 = m.p_x1y, m.p_x2y, m.p_x1x2
    px1, px2, py = m.p_x1, m.p_x2, m.p_y
    out = {
        "(x1x2, y)": (meet_entropy(p12, py), greedy_coupling_entropy(p12, py)),
        "(x1y, x2)": (meet_entropy(p1, px2), greedy_coupling_entropy(p1, px2)),
        "(x2y, x1)": (meet_entropy(p2, px1), greedy_coupling_entropy(p2, px1)),
    }
    for name, base, weights, a, b in (
        ("(x2, y | x1)", entropy(px1), px1, _conditional(p12), _conditional(p1)),
        ("(x1, y | x2)", entropy(px2), px2, _conditional(p12.T), _conditional(p2)),
        ("(x1, x2 | y)", entropy(py), py, _conditional(p1.T), _conditional(p2.T)),
    ):
        lo = base + float(np.dot(weights, meet_entropy_rows(a, b)))
        hi = base + float(
            sum(w * greedy_coupling_entropy(ra, rb) for w, ra, rb in zip(weights, a, b) if w > 0)
        )
        out[name] = (lo, hi)
    return out


def coupling_lower_entropy(m: Marginals) -> tuple[float, str]:
    """Certified lower bound (bits) on ``min_{r in Δ12} H(r)`` from majorization meets, and its pairing."""
    pairs = _pairings(m)
    best = max(pairs, key=lambda k: pairs[k][0])
    return pairs[best][0], best


def synergy_upper_coupling(m: Marginals, *, parts: PIDParts | None = None) -> float:
    """Upper bound on S from minimum-entropy couplings (majorization meet), bits.

    Examples
    --------
    >>> import numpy as np
    >>> xor = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         xor[a, b, a ^ b] = 0.25
    >>> round(synergy_upper_coupling(Marginals.from_joint(xor)), 6)
    1.0
    """
    pp = _parts(m, parts)
    low, _ = coupling_lower_entropy(m)
    return entropy(m.p_x1x2) + entropy(m.p_y) - low - pp.min_mi


def coupling_gap(m: Marginals) -> float:
    """Greedy minus meet coupling entropy (bits) for the pairing that gives the bound.

    How much the coupling bound could tighten if the minimum-entropy coupling of that relaxation were
    solved exactly (an upper value on that slack, not a bound on S).
    """
    pairs = _pairings(m)
    best = max(pairs, key=lambda k: pairs[k][0])
    return max(pairs[best][1] - pairs[best][0], 0.0)


BOUNDS: dict[str, tuple[str, Callable[..., float]]] = {
    "synergy_lower_shared": ("lower", synergy_lower_shared),
    "synergy_lower_shared_paper": ("lower", synergy_lower_shared_paper),
    "synergy_lower_disagreement_bhattacharyya": ("lower", synergy_lower_disagreement_bhattacharyya),
    "synergy_lower_disagreement_l2": ("lower", synergy_lower_disagreement_l2),
    "synergy_lower_disagreement_paper": ("lower", synergy_lower_disagreement_paper),
    "synergy_upper_coupling": ("upper", synergy_upper_coupling),
}
"""Registry: name -> (side, function)."""
