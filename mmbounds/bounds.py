"""Bounds on synergy from the three observable pairwise marginals (bits).

Each bound is a function ``Marginals -> float`` registered by name in :data:`BOUNDS`; all share the
PID parts R, U1, U2 (computed once and passed as ``parts``). Lower bounds (DESIGN §3):

``synergy_lower_shared``
    ``S >= R - I(X1;X2) + min_{r in Δ12} I_r(X1;X2|Y)`` — the minimum of S over every joint with the
    observed marginals (maximum entropy by IPF, certified through its dual bound). The tightest
    lower
    bound the three marginals allow.
``synergy_lower_shared_paper``
    The paper's looser relaxation: only ``p(x1,x2)`` and ``p(x1,y)`` are kept, which turns the
    minimisation into a BROJA program with X1 as the target. Valid, kept for reproduction.
``synergy_lower_disagreement_bhattacharyya`` / ``synergy_lower_disagreement_l2``
    ``S >= E_{p(x1,x2)}[-log2 sum_y sqrt(f1_y f2_y)] - (U1+U2)/2`` and
    ``S >= alpha_l2 / (4 ln 2) - (U1+U2)/2`` with ``f_i = p(y|x_i)``. Guaranteed when the
    posteriors come
    from the marginals (Bayes classifiers of the discrete variables); estimates with trained
    classifiers.
``synergy_lower_disagreement_paper``
    ``alpha_l2 - max(U1, U2)`` with the constant c = 1 of the paper's released code. **Not a valid
    bound**: it exceeds the true S on some tables. Reported for comparison only.

Upper bound:

Upper bounds all read ``S <= H(X1,X2) + H(Y) - L - (R+U1+U2)`` with ``L`` a certified lower bound on
``min_{r in Δ12} H(r)``:

``synergy_upper_coupling``
    ``L`` = the best majorization-meet entropy over the pairings ``(p(x1,x2), p(y))``,
    ``(p(x1,y), p(x2))``, ``(p(x2,y), p(x1))`` and the conditional pairings given x1, x2 and y
    (the paper's bound, with all pairings).
``synergy_upper_coupling_profile``
    The same pairings with a stronger minimum-entropy-coupling lower bound (profile bound).
``synergy_upper_bnb``
    Branch-and-bound on the chord (secant) LP relaxation of ``min H`` over Δ12, certified through
    LP duality; also returns a witness joint with the observed marginals and large synergy.

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
from .solvers.coupling import greedy_coupling_entropy
from .solvers.maxent import maxent_ipf
from .solvers.min_entropy import min_entropy_lower_pairings, min_entropy_search, pairing_values

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
    "synergy_upper_coupling_profile",
    "synergy_upper_bnb",
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
        True when the inequality is proven for these inputs; False for estimates (trained
        classifiers)
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


def _certified_min(value: float, info: Any) -> float:
    """A BROJA minimum lowered by its certified residual (gap, bits): a value never above the
    true minimum, so a bound built on it stays valid when the solve is not exactly optimal."""
    return value - max(float(info.residual), 0.0)


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
    backend: str = "auto",
    device: Any = None,
) -> Any:
    """Tightest lower bound on S from the three marginals (maximum entropy over Δ12), bits.

    ``S_R = R - I(X1;X2) + H(X1,Y) + H(X2,Y) - H(Y) - Hmax`` with ``Hmax`` the certified upper
    bound on the maximum entropy of a table with the three marginals (IPF), so the value stays
    valid when IPF stops early. With ``return_solution=True`` returns ``(value, MaxEntSolution)``.
    ``backend`` and ``device`` choose where IPF runs (:func:`mmbounds.solvers.maxent.maxent_ipf`).

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
    sol = maxent_ipf(
        m.p_x1y, m.p_x2y, m.p_x1x2, tol=tol, max_iter=max_iter, backend=backend, device=device
    )
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

    ``R - I(X1;X2) + min I_r(X1;X2|Y)`` over ``r`` with ``r(x1,x2) = p(x1,x2)``, ``r(x1,y) =
    p(x1,y)``;
    the minimum equals ``min I_r(X2,Y;X1) - I(X1;Y)``, a BROJA program with target X1.
    """
    pp = _parts(m, parts, method=method, tol=tol)
    # BROJA with sources (X2, Y) and target X1: marginals p(x2, x1) and p(y, x1)
    sol = broja(m.p_x1x2.T.copy(), m.p_x1y.T.copy(), solver=method, tol=tol)
    # the solver's value sits above the true minimum by up to its certified gap
    min_cmi = _certified_min(sol.min_mi, sol.info) - mutual_information(m.p_x1y, 0, 1)
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
    d = _divergence(f1, f2, kind, pairwise=True)
    w = m.p_x1x2
    return float(np.sum(np.where(w > 0, w * d, 0.0)))


def _divergence(f1: np.ndarray, f2: np.ndarray, kind: str, pairwise: bool = False) -> np.ndarray:
    """Row-wise divergence of two stacks of label distributions (``pairwise``: every row of
    ``f1`` against every row of ``f2``, by matrix products instead of an ``n1 n2 ny`` array)."""
    if kind == "l2":
        if not pairwise:
            return np.sum((f1 - f2) ** 2, axis=-1)
        sq1, sq2 = np.sum(f1 * f1, axis=1), np.sum(f2 * f2, axis=1)
        return np.maximum(sq1[:, None] + sq2[None, :] - 2.0 * (f1 @ f2.T), 0.0)
    if kind == "bhattacharyya":
        if pairwise:
            bc = np.sqrt(f1) @ np.sqrt(f2).T
        else:
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


# --------------------------------------------------------------------------- upper bounds
def coupling_lower_entropy(m: Marginals, *, method: str = "meet") -> float:
    """Certified lower bound (bits) on ``min_{r in Δ12} H(r)`` from minimum-entropy couplings.

    The best over every pairing (:func:`mmbounds.solvers.min_entropy.pairing_values`) of the
    majorization meet (``method="meet"``, the paper's) or the stronger profile bound
    (``method="profile"``).
    """
    return min_entropy_lower_pairings(m.p_x1y, m.p_x2y, m.p_x1x2, coupling=method)


def _upper_from_entropy(m: Marginals, pp: PIDParts, entropy_lower: float) -> float:
    """``S <= H(X1,X2) + H(Y) - L - (R+U1+U2)``, ``L`` a certified lower bound on min H over Δ12.

    ``R+U1+U2`` is the BROJA minimum lowered by its certified gap, so an inexact solve loosens
    the bound instead of invalidating it.
    """
    return entropy(m.p_x1x2) + entropy(m.p_y) - entropy_lower - _certified_min(pp.min_mi, pp.info)


def synergy_upper_coupling(m: Marginals, *, parts: PIDParts | None = None) -> float:
    """Upper bound on S from minimum-entropy couplings (majorization meet, the paper's), bits.

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
    return _upper_from_entropy(m, pp, coupling_lower_entropy(m, method="meet"))


def synergy_upper_coupling_profile(m: Marginals, *, parts: PIDParts | None = None) -> float:
    """Upper bound on S from the profile minimum-entropy-coupling bound (never above the meet's)."""
    pp = _parts(m, parts)
    return _upper_from_entropy(m, pp, coupling_lower_entropy(m, method="profile"))


def synergy_upper_bnb(
    m: Marginals,
    *,
    parts: PIDParts | None = None,
    budget_s: float = 5.0,
    max_nodes: int = 200,
    random_state: Any = None,
    return_solution: bool = False,
) -> Any:
    """Certified upper bound on S by branch-and-bound on the chord relaxation of min H over Δ12.

    Also finds a witness ``r`` in Δ12 (observed marginals) with small ``H(r)``; its synergy
    ``S(r)`` is attained by a joint consistent with the data, so the largest synergy the data allow
    lies in ``[S(witness), bound]``. With ``return_solution=True`` returns
    ``(bound, S(witness), MinEntropySolution)``.
    """
    pp = _parts(m, parts)
    sol = min_entropy_search(
        m.p_x1y,
        m.p_x2y,
        m.p_x1x2,
        time_budget_s=budget_s,
        max_nodes=max_nodes,
        random_state=random_state,
        warn=False,
    )
    bound = _upper_from_entropy(m, pp, sol.entropy_lower)
    if not return_solution:
        return bound
    # the witness's synergy uses the solver's value of R+U1+U2 (an upper value): never overstated
    witness = entropy(m.p_x1x2) + entropy(m.p_y) - sol.witness_entropy - pp.min_mi
    return bound, witness, sol


def coupling_gap(m: Marginals) -> float:
    """How much an exact minimum-entropy coupling could tighten the meet bound, at most (bits).

    ``max_P greedy_P - max_P meet_P`` over the pairings ``P``: the greedy coupling is feasible for
    its pairing, so the best bound any exact coupling computation could give lies below
    ``max_P greedy_P``. Not a bound on S.
    """
    greedy = pairing_values(m.p_x1y, m.p_x2y, m.p_x1x2, greedy_coupling_entropy)
    return max(max(greedy.values()) - coupling_lower_entropy(m, method="meet"), 0.0)


BOUNDS: dict[str, tuple[str, Callable[..., float]]] = {
    "synergy_lower_shared": ("lower", synergy_lower_shared),
    "synergy_lower_shared_paper": ("lower", synergy_lower_shared_paper),
    "synergy_lower_disagreement_bhattacharyya": ("lower", synergy_lower_disagreement_bhattacharyya),
    "synergy_lower_disagreement_l2": ("lower", synergy_lower_disagreement_l2),
    "synergy_lower_disagreement_paper": ("lower", synergy_lower_disagreement_paper),
    "synergy_upper_coupling": ("upper", synergy_upper_coupling),
    "synergy_upper_coupling_profile": ("upper", synergy_upper_coupling_profile),
    "synergy_upper_bnb": ("upper", synergy_upper_bnb),
}
"""Registry: name -> (side, function)."""
