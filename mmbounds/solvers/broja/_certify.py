"""Certificates of the fast BROJA solver: the feasible rounding and the dual lower bound.

:func:`_round_feasible` makes a joint meet both marginals exactly (Altschuler, Weed and Rigollet
2017, Algorithm 2), which gives the certified upper value; :func:`_dual_bound_xp` evaluates the
dual bound of :func:`._solution.dual_lower_bound` on the device; :func:`_certify` returns both and
their gap, in bits.
"""

from __future__ import annotations

import math
from typing import Any

from ...info import LN2
from ._problem import _Problem, _theta

__all__: list[str] = []


def _round_feasible(pb: _Problem, q: Any) -> Any:
    """Make ``q`` meet both marginals for every ``y`` (Altschuler et al. 2017, Algorithm 2).

    Rows are scaled down to at most ``p(x1,y)``, columns to at most ``p(x2,y)``, and the missing
    mass
    is added as the rank-one table ``err1 err2^T / |err1|_1``. The result changes ``q`` by at most
    twice its marginal error in l1 and stays inside the allowed cells.
    """
    xp = pb.xp
    rows = xp.sum(q, 1)  # (n1, ny)
    f1 = xp.where(rows > pb.p1, pb.p1 / xp.where(rows > 0, rows, 1.0), 1.0)
    q = q * f1[:, None, :]
    cols = xp.sum(q, 0)
    f2 = xp.where(cols > pb.p2, pb.p2 / xp.where(cols > 0, cols, 1.0), 1.0)
    q = q * f2[None, :, :]
    err1 = xp.clip(pb.p1 - xp.sum(q, 1), 0.0, None)
    err2 = xp.clip(pb.p2 - xp.sum(q, 0), 0.0, None)
    norm = xp.sum(err1, 0)  # (ny,)
    norm = xp.where(norm > 0, norm, 1.0)
    return q + err1[:, None, :] * err2[None, :, :] / norm[None, None, :]


def _cond_entropy(xp: Any, q: Any) -> float:
    """``H_q(Y|X1,X2)`` in nats; zero cells contribute 0."""
    q12 = xp.sum(q, 2)
    den = xp.where(q12 > 0, q12, 1.0)[:, :, None]
    ratio = xp.where(q > 0, q, den) / den  # 1 on empty cells, so no 0/0 and no overflow
    return -xp.item(xp.sum(q * xp.log(ratio)))


def _dual_bound_xp(pb: _Problem, lam: Any, mu: Any) -> float:
    """Lower bound (bits) on the minimum, on the namespace's device.

    The same bound as :func:`._solution.dual_lower_bound` (shift ``lam(x1, .)`` by
    ``max_x2 s``), kept on the device so a GPU solve does not copy ``n1 n2 ny`` cells back to the
    host.
    """
    xp = pb.xp
    s = xp.logsumexp(_theta(pb, lam, mu), axis=2)
    s = xp.where(pb.live, s, -math.inf)
    shift = xp.max(s, 1)  # every pruned x1 has a live pair
    dual = xp.item(xp.sum(xp.where(pb.neg1 == 0, lam, 0.0) * pb.p1))
    dual += xp.item(xp.sum(xp.where(pb.neg2 == 0, mu, 0.0) * pb.p2))
    dual += xp.item(xp.sum(xp.sum(pb.p1, 1) * shift))
    return max(pb.h_y - dual, 0.0) / LN2


def _certify(pb: _Problem, q: Any, lam: Any, mu: Any) -> tuple[float, float, Any, float]:
    """``(gap, upper, q_feasible, lower)`` (bits) for the joint ``q`` and the potentials."""
    q_feas = _round_feasible(pb, q)
    upper = max(pb.h_y - _cond_entropy(pb.xp, q_feas), 0.0) / LN2
    lower = _dual_bound_xp(pb, lam, mu)
    return max(upper - lower, 0.0), upper, q_feas, lower
