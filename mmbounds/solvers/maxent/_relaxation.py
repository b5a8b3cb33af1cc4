"""The over-relaxation of IPF: :class:`_Relaxation` picks ``omega`` from the contraction it sees."""

from __future__ import annotations

import math

__all__: list[str] = []

# IPF factors are raised to a power omega (over-relaxation; 1 is plain IPF) chosen from the
# contraction rate of the first plain sweeps, at most this; about five times fewer sweeps on
# clustered tables. The iteration falls back to plain IPF when a check shows no progress.
_OVERRELAX_MAX = 1.99
_PLAIN_SWEEPS = 50  # plain sweeps before the relaxation is chosen
_GRACE = 30  # sweeps an over-relaxed iteration gets before its progress is judged
_REESTIMATE = 100  # sweeps between re-estimates of the relaxation


class _Relaxation:
    """The over-relaxation ``omega`` of IPF, chosen from the contraction it observes (internal).

    Plain IPF (``omega = 1``) runs ``_PLAIN_SWEEPS`` sweeps; its error contraction per sweep
    ``rho`` then gives the SOR choice ``2 / (1 + sqrt(1 - rho))``. Every ``_REESTIMATE`` sweeps
    the contraction ``lam`` seen under ``omega`` is turned back into ``rho`` through the SOR
    relation ``(lam + omega - 1)^2 = lam omega^2 rho`` and ``omega`` is raised when that calls for
    more (slow modes show up late). IPF goes back to ``omega = 1`` for good, which always
    converges, when the relaxed iteration contracts no faster than plain IPF did, or makes no
    progress over ``_GRACE`` sweeps (an over-relaxed iteration first raises the error, so it is
    judged only after that many), or blows up; in the last case the caller restores the iterate
    saved when ``omega`` was first raised (``snapshot``).
    """

    def __init__(self) -> None:
        self.omega = 1.0
        self.state = "plain"  # -> "relaxed" -> "off"
        self.since = 0
        self.best = math.inf
        self.rho_plain = 1.0
        self.snapshot = False  # True once: the caller should save the iterate now
        self.history: list[tuple[int, float]] = []

    def _err_before(self, it: int, sweeps: int) -> tuple[int, float] | None:
        """The last check at least ``sweeps`` sweeps before ``it``."""
        for past in reversed(self.history):
            if past[0] <= it - sweeps:
                return past
        return None

    def _set(self, rho: float, it: int) -> None:
        omega = min(2.0 / (1.0 + math.sqrt(max(1.0 - rho, 0.0))), _OVERRELAX_MAX)
        if omega > self.omega * 1.001:
            self.snapshot = self.state == "plain"
            self.omega, self.state, self.since = omega, "relaxed", it

    def blown_up(self, err: float) -> bool:
        """True when a relaxed iteration diverged (the caller restores the snapshot)."""
        return self.state == "relaxed" and not (err <= 1e3 * self.best)

    def stop(self) -> None:
        """Back to plain IPF for good."""
        self.omega, self.state = 1.0, "off"

    def update(self, it: int, err: float) -> None:
        """Record the (finite) marginal error after sweep ``it`` and adjust ``omega``."""
        if self.state == "relaxed" and it >= self.since + _GRACE:
            past = self._err_before(it, _GRACE)
            if past is not None and past[0] > self.since and err > past[1]:
                self.stop()
        if self.state == "plain" and it >= _PLAIN_SWEEPS:
            past = self._err_before(it, _GRACE)
            if past is not None and 0 < err < past[1]:
                self.rho_plain = (err / past[1]) ** (1.0 / (it - past[0]))
                self._set(self.rho_plain, it)
        elif self.state == "relaxed" and it >= self.since + _GRACE + _REESTIMATE:
            past = self._err_before(it, _REESTIMATE)
            if past is not None and 0 < err < past[1]:
                lam, w = (err / past[1]) ** (1.0 / (it - past[0])), self.omega
                if lam >= self.rho_plain:  # no faster than plain IPF: over-relaxation does not pay
                    self.stop()
                else:
                    self._set((lam + w - 1.0) ** 2 / (lam * w * w), it)
        self.best = min(self.best, err)
        self.history.append((it, err))
