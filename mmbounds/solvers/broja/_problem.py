"""The pruned BROJA problem of the fast solver: masks, index maps, gauge pins and the softmax.

:func:`_prepare` builds a :class:`_Problem` on the array namespace's device from the pruned
marginals; :func:`_softmax` gives the pair log-partition ``s`` and the conditionals
``w = q(y | x1, x2)`` of the potentials ``(lam, mu)`` (see :mod:`._ipm` for the method).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...info import entropy_nats
from .._backend import is_torch_array

__all__: list[str] = []


@dataclass
class _Problem:
    """The pruned problem on the namespace's device (internal)."""

    xp: Any
    p1: Any  # (n1, ny) p(x1, y), pruned
    p2: Any  # (n2, ny)
    neg1: Any  # (n1, ny) 0 on allowed cells, -inf elsewhere
    neg2: Any  # (n2, ny)
    pad1: Any  # (n1, ny) 1 where p(x1, y) = 0 (keeps D1 invertible), else 0
    pad2: Any  # (n2, ny)
    live: Any  # (n1, n2) bool, pairs with at least one allowed cell
    n_live: int
    cols: Any  # flat (x2, y) indices of allowed cells: the Schur variables (None: all)
    bd_pos: tuple[Any, Any]  # positions in S of the block-diagonal D2 entries
    bd_src: tuple[Any, Any, Any]  # the matching (x2, y, z) indices into D2
    pin: Any  # positions in S of one mu per label (gauge)
    pin_full: Any  # the same mu, as flat (x2, y) indices
    h_y: float  # H(Y) in nats


def _to_np(x: Any) -> np.ndarray:
    if is_torch_array(x):
        return np.asarray(x.detach().cpu().numpy(), dtype=np.float64)
    return np.asarray(x, dtype=np.float64)


def _theta(pb: _Problem, lam: Any, mu: Any) -> Any:
    """``-lam(x1,y) - mu(x2,y)`` on allowed cells, ``-inf`` elsewhere; shape (n1, n2, ny)."""
    return (pb.neg1 - lam)[:, None, :] + (pb.neg2 - mu)[None, :, :]


def _softmax(pb: _Problem, lam: Any, mu: Any) -> tuple[Any, Any]:
    """``s = logsumexp_y theta`` (0 on dead pairs) and ``w = q(y | x1, x2)`` (0 on dead cells)."""
    xp = pb.xp
    theta = _theta(pb, lam, mu)
    s = xp.logsumexp(theta, axis=2)
    s = xp.where(pb.live, s, 0.0)
    return s, xp.exp(theta - s[:, :, None])


def _prepare(p1: np.ndarray, p2: np.ndarray, xp: Any) -> _Problem:
    """Masks, index maps and gauge pins of the pruned problem."""
    n1, ny = p1.shape
    n2 = p2.shape[0]
    ok1, ok2 = p1 > 0, p2 > 0
    live = (ok1.astype(np.float64) @ ok2.T.astype(np.float64)) > 0
    flat2 = np.flatnonzero(ok2.ravel())
    pos2 = np.full(n2 * ny, -1)
    pos2[flat2] = np.arange(flat2.size)
    # block-diagonal entries of D2 that survive in S: (j, y, z) with both (j, y), (j, z) allowed
    jj, yy, zz = np.nonzero(ok2[:, :, None] & ok2[:, None, :])
    pin = pos2[np.argmax(p2, axis=0) * ny + np.arange(ny)]
    return _Problem(
        xp=xp,
        p1=xp.asarray(p1),
        p2=xp.asarray(p2),
        neg1=xp.asarray(np.where(ok1, 0.0, -np.inf)),
        neg2=xp.asarray(np.where(ok2, 0.0, -np.inf)),
        pad1=xp.asarray((~ok1).astype(np.float64)),
        pad2=xp.asarray((~ok2).astype(np.float64)),
        live=xp.asarray(live.astype(np.float64)) > 0,
        n_live=int(live.sum()),
        cols=None if flat2.size == n2 * ny else xp.index(flat2),
        bd_pos=(xp.index(pos2[jj * ny + yy]), xp.index(pos2[jj * ny + zz])),
        bd_src=(xp.index(jj), xp.index(yy), xp.index(zz)),
        pin=xp.index(pin),
        pin_full=xp.index(np.argmax(p2, axis=0) * ny + np.arange(ny)),
        h_y=entropy_nats(p1.sum(0)),
    )
