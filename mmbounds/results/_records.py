"""Small result records: one bound, the consistency of the marginals, the exact PID."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._base import ResultMixin, clean_bits, fmt_bits
from ._glossary import TERMS, term

__all__ = ["Bound", "ConsistencyReport", "PIDResult"]


@dataclass(frozen=True, slots=True, repr=False)
class Bound(ResultMixin):
    """One bound on synergy.

    Attributes
    ----------
    name : str
        Registry name (e.g. ``"synergy_lower_shared"``; see :data:`mmbounds.bounds.BOUNDS`).
    side : str
        ``"lower"`` or ``"upper"``.
    value : float
        Bits.
    guaranteed : bool
        True when the inequality is proven for these inputs; False for estimates (trained
        classifiers) and for the paper's c = 1 disagreement variant.
    note : str
        One line on what the number is.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> res = mmbounds.estimate(bitwise_joint("xor"), progress=False)
    >>> b = res.bound("synergy_upper_coupling")
    >>> b.side, round(b.value, 4), b.guaranteed
    ('upper', 1.0, True)
    """

    name: str
    side: str
    value: float
    guaranteed: bool
    note: str

    def _export(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "side": self.side,
            "value": clean_bits(self.value),
            "guaranteed": self.guaranteed,
            "note": self.note,
        }

    def _header(self) -> str:
        return f"{self.name}, {self.side}, {self.value:.6f} bits, guaranteed={self.guaranteed}"


@dataclass(frozen=True, slots=True, repr=False)
class ConsistencyReport(ResultMixin):
    """How much the observed marginals disagree, as total-variation distances.

    Attributes
    ----------
    tv_y : float
        TV between ``p(y)`` implied by ``p(x1,y)`` and by ``p(x2,y)`` (D1 vs D2).
    tv_x1 : float
        TV between ``p(x1)`` implied by ``p(x1,y)`` and by ``p(x1,x2)`` (D1 vs DM).
    tv_x2 : float
        TV between ``p(x2)`` implied by ``p(x2,y)`` and by ``p(x1,x2)`` (D2 vs DM).
    reconciled : bool
        True when the tables were replaced by the maximum-likelihood consistent triple.
    shift : tuple of float
        TV moved in each table ``(p_x1y, p_x2y, p_x1x2)`` by the reconciliation (0 when not needed).
    weights : tuple of float
        Relative weights of the three sources (sample sizes, normalised).
    n_iter : int
        EM iterations used.
    unreachable : float
        Largest mass one observed table puts on cells that no joint with the other two tables can
        have (a cell ``(x1, x2)`` with no ``y`` where ``p(x1,y) > 0`` and ``p(x2,y) > 0``, and
        likewise for the other tables). Positive means no joint has all three tables, even when
        the single-variable marginals agree; such tables are reconciled too.
    realizable : bool or None
        Whether a joint has the three (reported) tables: True for the marginals of a given joint
        and for reconciled tables (by construction); for tables that agree pairwise, the outcome
        of a certified linear-programming test (False: the observed tables have no joint and were
        reconciled); None when not tested (more than 20,000 candidate cells, or undecided).
    misfit : float
        L1 distance of the observed tables from the marginals of the closest table found by that
        test (0 when not tested).

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import random_joint
    >>> p, q = random_joint((3, 3, 2), random_state=0), random_joint((3, 3, 2), random_state=1)
    >>> rep = mmbounds.Marginals(p.sum(1), p.sum(0), p.sum(2)).consistency
    >>> round(rep.max_tv, 6), rep.reconciled, rep.realizable
    (0.0, False, True)
    >>> m = mmbounds.Marginals(p.sum(1), q.sum(0), p.sum(2), warn_tv=1.0)  # D2 drawn from q
    >>> rep = m.consistency
    >>> round(rep.tv_y, 3), round(rep.tv_x2, 3), rep.reconciled, rep.realizable
    (0.13, 0.075, True, True)
    """

    tv_y: float
    tv_x1: float
    tv_x2: float
    reconciled: bool
    shift: tuple[float, float, float]
    weights: tuple[float, float, float]
    n_iter: int
    unreachable: float = 0.0
    realizable: bool | None = None
    misfit: float = 0.0

    @property
    def max_tv(self) -> float:
        """Largest of the three disagreements."""
        return max(self.tv_y, self.tv_x1, self.tv_x2)

    def _export(self) -> dict[str, Any]:
        return {
            # distances below 1e-9 are residues of an exact 0 (like bits: clean_bits)
            "tv_y": clean_bits(self.tv_y),
            "tv_x1": clean_bits(self.tv_x1),
            "tv_x2": clean_bits(self.tv_x2),
            "max_tv": clean_bits(self.max_tv),
            "reconciled": self.reconciled,
            "shift": [clean_bits(v) for v in self.shift],
            "weights": list(self.weights),
            "n_iter": self.n_iter,
            "unreachable": clean_bits(self.unreachable),
            "realizable": self.realizable,
            "misfit": clean_bits(self.misfit),
        }

    def _header(self) -> str:
        return (
            f"max_tv={self.max_tv:.3g}, reconciled={self.reconciled}, "
            f"unreachable={self.unreachable:.3g}"
        )


@dataclass(frozen=True, slots=True, repr=False)
class PIDResult(ResultMixin):
    """Exact PID of a labeled joint ``p(x1, x2, y)``; all values in bits.

    Attributes
    ----------
    redundancy, unique1, unique2, synergy : float
        R, U1, U2, S.
    mi_x1y, mi_x2y, mi_x1x2y : float
        ``I(X1;Y)``, ``I(X2;Y)``, ``I(X1,X2;Y)``.
    info : SolverInfo
        The BROJA solve.
    status : str
        ``"ok"`` or ``"warning"`` (the BROJA solve stopped before its tolerance; see ``message``;
        :func:`mmbounds.pid` then warns :class:`~mmbounds.exceptions.StatusWarning`).
    message : str
        The reason for the status (``""`` when ok).
    mmbounds_version : str
    valid : bool
        Whether the numbers remain valid: False when the solve has no certified gap (then R, U1,
        U2, S are the solver's last values).

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> res = mmbounds.pid(bitwise_joint("and"))
    >>> round(res.redundancy, 4), round(res.unique1, 4), round(res.synergy, 4)
    (0.3113, 0.0, 0.5)
    >>> round(res.mi_x1x2y, 4), res.status
    (0.8113, 'ok')
    """

    redundancy: float
    unique1: float
    unique2: float
    synergy: float
    mi_x1y: float
    mi_x2y: float
    mi_x1x2y: float
    info: Any
    status: str = "ok"
    message: str = ""
    mmbounds_version: str = ""
    valid: bool = True

    @property
    def checks(self) -> dict[str, float]:
        """Residuals (bits) of the identities the decomposition satisfies."""
        return {
            "R+U1-I(X1;Y)": self.redundancy + self.unique1 - self.mi_x1y,
            "R+U2-I(X2;Y)": self.redundancy + self.unique2 - self.mi_x2y,
            "R+U1+U2+S-I(X1,X2;Y)": self.redundancy
            + self.unique1
            + self.unique2
            + self.synergy
            - self.mi_x1x2y,
            "min(R,U1,U2,S)": min(self.redundancy, self.unique1, self.unique2, self.synergy),
        }

    def _export(self) -> dict[str, Any]:
        return {
            "redundancy": clean_bits(self.redundancy),
            "unique1": clean_bits(self.unique1),
            "unique2": clean_bits(self.unique2),
            "synergy": clean_bits(self.synergy),
            "mi_x1y": clean_bits(self.mi_x1y),
            "mi_x2y": clean_bits(self.mi_x2y),
            "mi_x1x2y": clean_bits(self.mi_x1x2y),
            "status": self.status,
            "solver_status": self.info.status,
            "valid": self.valid,
            "method": self.info.method,
            "message": self.message,
            "mmbounds_version": self.mmbounds_version,
            "units": "bits",
        }

    def __repr__(self) -> str:
        vals = (self.redundancy, self.unique1, self.unique2, self.synergy)
        keys = ("redundancy", "unique1", "unique2", "synergy_true")
        body = ", ".join(f"{term(k)}={fmt_bits(v, 0)}" for k, v in zip(keys, vals, strict=True))
        return f"PIDResult({body} bits)"

    def _rows(self) -> list[tuple[str, str, str]]:
        return [
            (term(k), fmt_bits(getattr(self, k)), TERMS[k].short)
            for k in ("redundancy", "unique1", "unique2")
        ] + [(term("synergy_true"), fmt_bits(self.synergy), "synergy")]

    def _header(self) -> str:
        return f"status={self.status!r}, bits"
