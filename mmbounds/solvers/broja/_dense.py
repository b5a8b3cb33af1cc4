"""The dense layout of the fast BROJA solver: every ``(x1, x2, y)`` cell as one array entry.

:class:`DenseOps` gives the interior-point driver (:mod:`._ipm`) the operations it needs on the
pruned problem of :mod:`._problem`: pair arrays have shape ``(n1, n2)``, cell arrays
``(n1, n2, ny)`` (cells outside the support hold zeros), and the Newton system is factored by the
blocked Cholesky of :mod:`._newton`. Its memory is ``O(n1 n2 ny)`` for the cells plus the
``(n1 ny) x m`` block ``W`` and the ``m x m`` Schur complement (``m`` the allowed ``(x2, y)``
cells); the support layout (:mod:`._sparse`) is the one for tables whose support is a small
fraction of the cells.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._certify import DenseCells, certify, cond_entropy, round_feasible
from ._newton import _apply, _factor, _newton
from ._problem import _prepare, _softmax, _theta, _to_np

__all__: list[str] = []


class DenseOps(DenseCells):
    """The operations of the interior-point driver on the dense layout (internal)."""

    name = "dense"

    def __init__(self, p1: np.ndarray, p2: np.ndarray, xp: Any) -> None:
        self.pb = pb = _prepare(p1, p2, xp)
        self.xp = xp
        self.p1, self.p2 = pb.p1, pb.p2
        self.n_live = pb.n_live
        self.h_y = pb.h_y
        self.row_mass = xp.sum(pb.p1, 1)
        self._p = (p1, p2)

    def start(self, shift: float) -> tuple[Any, Any]:
        """The starting potentials (see :func:`._ipm._solve`), ``(n1, ny)`` and ``(n2, ny)``."""
        p1, p2 = self._p
        ok1, ok2 = p1 > 0, p2 > 0
        lam = np.where(ok1, -np.log(np.where(ok1, p1, 1.0)), 0.0) + shift
        mu = np.where(ok2, np.log(p1.sum(0)) - np.log(np.where(ok2, p2, 1.0)), 0.0)
        return self.xp.asarray(lam), self.xp.asarray(mu)

    def softmax(self, lam: Any, mu: Any) -> tuple[Any, Any]:
        """Pair log-partitions ``s`` (0 on dead pairs) and conditionals ``w`` (cells)."""
        return _softmax(self.pb, lam, mu)

    def live(self, x: Any, fill: float) -> Any:
        """``x`` on live pairs, ``fill`` on dead ones."""
        return self.xp.where(self.pb.live, x, fill)

    def joint(self, pi: Any, w: Any) -> Any:
        """The cell array ``pi(x1, x2) w(y | x1, x2)``."""
        return pi[:, :, None] * w

    def wdot(self, w: Any, v1: Any, v2: Any) -> Any:
        """``sum_y w (v1(x1, y) + v2(x2, y))`` per pair."""
        return self.xp.sum(w * (v1[:, None, :] + v2[None, :, :]), 2)

    def factor(self, w: Any, pi: Any, sig: Any) -> Any:
        """The factored Newton matrix, or None if it could not be factored."""
        fac = _factor(self.pb, w, pi, sig)
        return None if fac[1] is None else fac

    def solve(self, fac: Any, r1: Any, r2: Any) -> tuple[Any, Any]:
        return _newton(self.pb, fac, r1, r2)

    def apply(self, fac: Any, q: Any, rho: Any, w: Any, v1: Any, v2: Any) -> tuple[Any, Any]:
        return _apply(self.pb, q, rho, w, fac[-1], v1, v2)

    # --- the primitives of the certificates (:mod:`._certify`) -------------------------------
    def pair_logsumexp(self, lam: Any, mu: Any) -> Any:
        s = self.xp.logsumexp(_theta(self.pb, lam, mu), axis=2)
        return self.xp.where(self.pb.live, s, -float("inf"))

    def row_max(self, s: Any) -> Any:
        return self.xp.max(s, 1)

    def allowed1(self, lam: Any) -> Any:
        return self.xp.where(self.pb.neg1 == 0, lam, 0.0)

    def allowed2(self, mu: Any) -> Any:
        return self.xp.where(self.pb.neg2 == 0, mu, 0.0)

    def certify(self, q: Any, lam: Any, mu: Any) -> tuple[float, float, Any, float]:
        """``(gap, upper, q_feasible, lower)`` in bits (:func:`._certify.certify`)."""
        return certify(self, q, lam, mu)

    def round_feasible(self, q: Any) -> Any:
        return round_feasible(self, q)

    def cond_entropy(self, q: Any) -> float:
        """``H_q(Y | X1, X2)`` in nats."""
        return cond_entropy(self, q)

    def scatter(self, q: Any, out: np.ndarray, index: tuple[Any, Any, Any], swap: bool) -> None:
        """Write the cells into the full table ``out`` through ``index = (r1, r2, ry)``.

        ``swap``: the layout's first source is the table's second one.
        """
        q_host = _to_np(q)
        out[np.ix_(*index)] = q_host.transpose(1, 0, 2) if swap else q_host
