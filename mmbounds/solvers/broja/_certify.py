"""Certificates of the fast BROJA solver, written once for both layouts.

:func:`round_feasible` makes a joint meet both marginals exactly (Altschuler, Weed and Rigollet
2017, Algorithm 2), which gives the certified upper value; :func:`dual_bound` turns any dual
potentials into a certified lower bound (see :func:`._solution.dual_lower_bound`);
:func:`certify` returns both and their gap, in bits.

They work on a layout's primitives, so the dense layout (:mod:`._dense`, every cell an entry of
an ``(n1, n2, ny)`` array on the namespace's device) and the support layout (:mod:`._sparse`, a
list of the allowed cells) share one implementation:

* ``marg1(q)``, ``marg2(q)``: the ``(x1, y)`` and ``(x2, y)`` marginals of a cell array;
* ``at1(v)``, ``at2(v)``, ``aty(v)``, ``at_pair(s)``: an ``(x1, y)``, ``(x2, y)``, label or pair
  array read at every cell;
* ``pair_sum(q)``: the sum over labels per pair; ``label_sum1(v)``: the sum over ``x1`` per label
  of an ``(x1, y)`` array;
* ``pair_logsumexp(lam, mu)``: ``logsumexp_y(-lam(x1, y) - mu(x2, y))`` per pair over the allowed
  cells (``-inf`` on a pair without any); ``row_max(s)``: its maximum over ``x2`` per ``x1``;
* ``allowed1(lam)``, ``allowed2(mu)``: the potentials with 0 outside the allowed entries;
* attributes ``xp`` (the array namespace), ``p1``, ``p2``, ``row_mass`` (``p(x1)``) and ``h_y``
  (``H(Y)`` in nats).
"""

from __future__ import annotations

from typing import Any

from ...info import LN2

__all__: list[str] = []


class DenseCells:
    """The cell primitives of the dense layout: cells ``(n1, n2, ny)``, pairs ``(n1, n2)``."""

    def __init__(self, xp: Any) -> None:
        self.xp = xp

    def marg1(self, q: Any) -> Any:
        """``sum_x2 q``, shape (n1, ny)."""
        return self.xp.sum(q, 1)

    def marg2(self, q: Any) -> Any:
        """``sum_x1 q``, shape (n2, ny)."""
        return self.xp.sum(q, 0)

    def at1(self, v: Any) -> Any:
        return v[:, None, :]

    def at2(self, v: Any) -> Any:
        return v[None, :, :]

    def aty(self, v: Any) -> Any:
        return v[None, None, :]

    def at_pair(self, s: Any) -> Any:
        return s[:, :, None]

    def pair_sum(self, q: Any) -> Any:
        return self.xp.sum(q, 2)

    def label_sum1(self, v: Any) -> Any:
        return self.xp.sum(v, 0)


def round_feasible(ops: Any, q: Any) -> Any:
    """Make ``q`` meet both marginals for every ``y`` (Altschuler et al. 2017, Algorithm 2).

    Rows are scaled down to at most ``p(x1, y)``, columns to at most ``p(x2, y)``, and the
    missing mass is added as the rank-one table ``err1 err2^T / |err1|_1`` per label. The result
    changes ``q`` by at most twice its marginal error in l1 and stays inside the allowed cells.
    """
    xp, p1, p2 = ops.xp, ops.p1, ops.p2
    rows = ops.marg1(q)
    q = q * ops.at1(xp.where(rows > p1, p1 / xp.where(rows > 0, rows, 1.0), 1.0))
    cols = ops.marg2(q)
    q = q * ops.at2(xp.where(cols > p2, p2 / xp.where(cols > 0, cols, 1.0), 1.0))
    err1 = xp.clip(p1 - ops.marg1(q), 0.0, None)
    err2 = xp.clip(p2 - ops.marg2(q), 0.0, None)
    norm = ops.label_sum1(err1)
    norm = xp.where(norm > 0, norm, 1.0)
    return q + ops.at1(err1) * ops.at2(err2) / ops.aty(norm)


def cond_entropy(ops: Any, q: Any) -> float:
    """``H_q(Y | X1, X2)`` in nats; zero cells contribute 0."""
    xp = ops.xp
    q12 = ops.pair_sum(q)
    den = ops.at_pair(xp.where(q12 > 0, q12, 1.0))
    ratio = xp.where(q > 0, q, den) / den  # 1 on empty cells, so no 0/0 and no overflow
    return -xp.item(xp.sum(q * xp.log(ratio)))


def dual_bound(ops: Any, lam: Any, mu: Any) -> float:
    """Certified lower bound (bits) on the BROJA minimum from the potentials ``(lam, mu)``.

    ``lam(x1, .)`` is shifted by ``max_x2 logsumexp_y(-lam - mu)``, which makes any potentials
    dual feasible (the bound of :func:`._solution.dual_lower_bound`). Every ``x1`` of the pruned
    problem has an allowed pair, so the shifts are finite.
    """
    xp = ops.xp
    shift = ops.row_max(ops.pair_logsumexp(lam, mu))
    dual = xp.item(xp.sum(ops.allowed1(lam) * ops.p1))
    dual += xp.item(xp.sum(ops.allowed2(mu) * ops.p2))
    dual += xp.item(xp.sum(ops.row_mass * shift))
    return max(ops.h_y - dual, 0.0) / LN2


def certify(ops: Any, q: Any, lam: Any, mu: Any) -> tuple[float, float, Any, float]:
    """``(gap, upper, q_feasible, lower)`` (bits) for the joint ``q`` and the potentials."""
    q_feas = round_feasible(ops, q)
    upper = max(ops.h_y - cond_entropy(ops, q_feas), 0.0) / LN2
    lower = dual_bound(ops, lam, mu)
    return max(upper - lower, 0.0), upper, q_feas, lower
