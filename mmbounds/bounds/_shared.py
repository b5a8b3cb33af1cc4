"""Lower bounds on synergy from shared information (paper Theorem 1; DESIGN §3).

``S >= R - I(X1;X2) + min_{r in Δ12} I_r(X1;X2|Y)``. Over Δ12 the minimum of ``I_r(X1;X2|Y)`` is the
maximum of ``H(r)``: the maximum-entropy table with the three marginals (dual Newton with IPF as
fallback, certified by the dual bound), which makes this the minimum of S over every joint with the
observed marginals — the tightest lower bound they allow. The paper's released code kept only
``p(x1,x2)`` and ``p(x1,y)``, a BROJA program with X1 as the target: valid, looser, kept for
reproduction.
"""

from __future__ import annotations

import numpy as np

from ..info import mutual_information
from ..solvers.broja import broja
from ..solvers.maxent import solve_maxent
from ._context import BoundContext, certified_min
from ._registry import BoundValue, register

__all__: list[str] = []

#: above this many cells ``bounds="auto"`` skips the paper's relaxation: it is never larger than
#: the max-entropy bound (its feasible set contains Δ12) and costs a second BROJA solve.
AUTO_PAPER_CELLS = 20_000


@register(
    "synergy_lower_shared",
    side="lower",
    guaranteed=True,
    cost="solve",
    label="shared info. (max-entropy)",
    note="min of S over all joints with the observed marginals (max-entropy)",
)
def _shared(ctx: BoundContext) -> BoundValue:
    m, o, pp = ctx.m, ctx.options, ctx.parts
    sol = solve_maxent(
        m.p_x1y,
        m.p_x2y,
        m.p_x1x2,
        tol=o.tol,
        max_iter=o.max_iter,
        backend=o.backend,
        device=o.device,
    )
    # Hmax is the solver's certified upper bound on the maximum entropy: valid when it stops early
    value = (
        pp.redundancy
        - ctx.mi_x1x2
        + ctx.entropy_x1y
        + ctx.entropy_x2y
        - ctx.entropy_y
        - sol.entropy_upper
    )
    return BoundValue(value, sol.info)


@register(
    "synergy_lower_shared_paper",
    side="lower",
    guaranteed=True,
    cost="solve",
    label="shared info. (paper relaxation)",
    note="paper's relaxation: only p(x1,x2), p(x1,y) kept (BROJA over X1)",
    max_auto_cells=AUTO_PAPER_CELLS,
    resampled=False,  # dominated by the max-entropy bound
)
def _shared_paper(ctx: BoundContext) -> BoundValue:
    m, o, pp = ctx.m, ctx.options, ctx.parts
    # BROJA with sources (X2, Y) and target X1: marginals p(x2, x1) and p(y, x1); the minimum of
    # I_r(X1;X2|Y) is min I_r(X2,Y;X1) - I(X1;Y)
    sol = broja(
        m.p_x1x2.T.copy(),
        m.p_x1y.T.copy(),
        solver=o.solver,
        tol=o.tol,
        backend=o.backend,
        device=o.device,
    )
    # the solver's value sits above the true minimum by up to its certified gap; when the solve
    # failed (no finite gap) the minimum is still at least max(I(X1;X2), I(X1;Y))
    i_x1y = mutual_information(m.p_x1y, 0, 1)
    floor = -np.inf if np.isfinite(sol.info.residual) else max(ctx.mi_x1x2, i_x1y)
    min_cmi = certified_min(sol.min_mi, sol.info, floor) - i_x1y
    return BoundValue(pp.redundancy - ctx.mi_x1x2 + min_cmi, sol.info)
