"""Upper bounds on synergy (paper Theorem 4; DESIGN §3).

Every ``r`` in Δ12 (the joints with the three observed marginals) has
``S(r) = H(X1,X2) + H(Y) - H(r) - (R+U1+U2)``, so any certified lower bound ``L`` on
``min_{r in Δ12} H(r)`` gives ``S <= H(X1,X2) + H(Y) - L - (R+U1+U2)``:

``synergy_upper_coupling``
    ``L`` = the best majorization-meet entropy over the pairings ``(p(x1,x2), p(y))``,
    ``(p(x1,y), p(x2))``, ``(p(x2,y), p(x1))`` and the conditional pairings given x1, x2 and y.
``synergy_upper_coupling_profile``
    The same pairings with the stronger profile minimum-entropy-coupling bound.
``synergy_upper_bnb``
    Branch-and-bound on the chord LP relaxation of ``min H`` over Δ12 and the block-envelope LPs
    (both certified by LP duality; deterministic budgets), which also finds a witness joint with
    the observed marginals, so ``[synergy_witness, synergy_upper]`` shows the remaining gap.

``R+U1+U2`` enters lowered by the certified BROJA gap, so an inexact solve loosens a bound instead
of invalidating it.
"""

from __future__ import annotations

from ..marginals import Marginals
from ..solvers.coupling import greedy_coupling_entropy
from ..solvers.min_entropy import min_entropy_lower_pairings, min_entropy_search, pairing_values
from . import _disagreement  # noqa: F401  (registered before the upper bounds: registry order)
from ._context import BoundContext
from ._registry import BoundValue, register

__all__ = ["coupling_lower_entropy", "coupling_gap"]

#: above this many cells ``bounds="auto"`` skips the branch-and-bound upper bound (20×20×20; the
#: search caps its own work by the active cells: block bounds and a node budget up to 1,500 of
#: them, one interior-point chord LP above)
AUTO_BNB_CELLS = 8_000
#: above this many cells ``bounds="auto"`` skips the profile coupling bound
AUTO_PROFILE_CELLS = 20_000


def coupling_lower_entropy(m: Marginals, *, coupling: str = "meet") -> float:
    """Certified lower bound (bits) on ``min_{r in Δ12} H(r)`` from minimum-entropy couplings.

    The best over every pairing (:func:`mmbounds.solvers.min_entropy.pairing_values`) of the
    majorization meet (``coupling="meet"``, the paper's) or the stronger profile bound
    (``coupling="profile"``).

    Parameters
    ----------
    m : Marginals
        Validated marginals.
    coupling : {"meet", "profile"}
        The coupling bound of each pairing.

    Returns
    -------
    float
        Lower bound on ``min H(r)`` over the joints ``r`` of ``(x1, x2)`` in Δ12, bits.

    Examples
    --------
    >>> import numpy as np
    >>> from mmbounds import Marginals
    >>> m = Marginals.from_joint(np.full((2, 2, 2), 1 / 8))
    >>> round(coupling_lower_entropy(m), 6)
    2.0
    """
    return min_entropy_lower_pairings(m.p_x1y, m.p_x2y, m.p_x1x2, coupling=coupling)


def coupling_gap(m: Marginals) -> float:
    """How much an exact minimum-entropy coupling could tighten the meet bound, at most (bits).

    ``max_P greedy_P - max_P meet_P`` over the pairings ``P``: the greedy coupling is feasible for
    its pairing, so the best bound any exact coupling computation could give lies below
    ``max_P greedy_P``. Not a bound on S.

    Parameters
    ----------
    m : Marginals
        Validated marginals.

    Returns
    -------
    float
        ``max_P greedy_P - max_P meet_P`` (>= 0), bits.

    Examples
    --------
    >>> import numpy as np
    >>> from mmbounds import Marginals
    >>> round(coupling_gap(Marginals.from_joint(np.full((2, 2, 2), 1 / 8))), 6)
    0.0
    """
    greedy = pairing_values(m.p_x1y, m.p_x2y, m.p_x1x2, greedy_coupling_entropy)
    return max(max(greedy.values()) - coupling_lower_entropy(m, coupling="meet"), 0.0)


@register(
    "synergy_upper_coupling",
    side="upper",
    guaranteed=True,
    cost="closed_form",
    label="coupling (majorization meet)",
    note="H(X1,X2)+H(Y)-L-(R+U1+U2), L = best majorization-meet entropy",
)
def _coupling(ctx: BoundContext) -> BoundValue:
    return BoundValue(ctx.upper_from_entropy(ctx.pairings_lower("meet")))


@register(
    "synergy_upper_coupling_profile",
    side="upper",
    guaranteed=True,
    cost="closed_form",
    label="coupling (profile bound)",
    note="same with the profile minimum-entropy-coupling bound",
    max_auto_cells=AUTO_PROFILE_CELLS,
)
def _coupling_profile(ctx: BoundContext) -> BoundValue:
    return BoundValue(ctx.upper_from_entropy(ctx.pairings_lower("profile")))


@register(
    "synergy_upper_bnb",
    side="upper",
    guaranteed=True,
    cost="search",
    label="branch-and-bound (chord LP)",
    note="branch-and-bound on the chord LP of min H over the marginal polytope",
    max_auto_cells=AUTO_BNB_CELLS,
)
def _bnb(ctx: BoundContext) -> BoundValue:
    m, o = ctx.m, ctx.options
    sol = min_entropy_search(
        m.p_x1y,
        m.p_x2y,
        m.p_x1x2,
        time_budget_s=o.time_budget_s,
        max_nodes=o.max_nodes,
        max_lp=o.max_lp,
        random_state=ctx.random_state,
        pairings_lower=ctx.pairings_lower("profile"),
        warn=False,
    )
    bound = ctx.upper_from_entropy(sol.entropy_lower)
    # the witness's synergy uses the solver's value of R+U1+U2 (an upper value): never overstated
    witness = None
    if sol.witness is not None:
        witness = ctx.entropy_x1x2 + ctx.entropy_y - sol.witness_entropy - ctx.parts.min_mi
    return BoundValue(bound, sol.info, witness)
