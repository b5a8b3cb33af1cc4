"""The result of :func:`mmbounds.estimate`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._base import ResultMixin, clean_bits, fmt_bits
from ._glossary import TERMS, status_meaning, term
from ._records import Bound, ConsistencyReport
from ._status import status_text

__all__ = ["EstimateResult"]


def _solver_record(info: Any) -> dict[str, Any]:
    return {
        "converged": info.converged,
        "n_iter": info.n_iter,
        "residual": info.residual,
        "status": info.status,
        "method": info.method,
        "solve_time_s": info.solve_time_s,
    }


@dataclass(frozen=True, slots=True, repr=False)
class EstimateResult(ResultMixin):
    """Interactions between two modalities about a label, estimated without labeled multimodal data.

    All information quantities are in **bits**. R, U1 and U2 are exact functions of the observed
    marginals ``p(x1,y)`` and ``p(x2,y)``; synergy is bounded:
    ``synergy_lower <= S <= synergy_upper`` holds for every joint distribution with the (reconciled)
    observed marginals, using only the guaranteed bounds. Bounds that are estimates (trained
    classifiers) or not valid in general (the paper's c = 1 variant) are listed in ``bounds`` with
    ``guaranteed=False`` and never enter ``synergy_lower``/``synergy_upper``.

    Attributes
    ----------
    redundancy, unique1, unique2 : float
        R, U1, U2.
    synergy_lower, synergy_upper : float
        Best guaranteed lower bound (at least 0) and best guaranteed upper bound on S.
    synergy_lower_method, synergy_upper_method : str
        Names of the bounds that gave them.
    bounds : tuple of Bound
        Every bound computed, by name, with ``guaranteed`` flags.
    mi_x1y, mi_x2y, mi_x1x2, entropy_y : float
        ``I(X1;Y)``, ``I(X2;Y)``, ``I(X1;X2)``, ``H(Y)``.
    synergy_true : float or None
        The exact S when the full labeled joint was given (for validation); None otherwise.
    synergy_witness : float or None
        Synergy of a joint that has exactly the observed marginals (found by the branch-and-bound
        search): the largest synergy the data allow lies in ``[synergy_witness, synergy_upper]``.
        None when the search did not run (``bounds="auto"`` skips it on large tables) or found no
        such joint (the message then says so).
    shape : tuple of int
        ``(|X1|, |X2|, |Y|)``.
    n_support : int
        Cells of the BROJA program after pruning.
    consistency : ConsistencyReport
        Disagreement of the observed marginals and their reconciliation.
    solver_info : Mapping[str, SolverInfo]
        Record of each solve.
    timings : Mapping[str, float]
        Seconds per step.
    status : str
        ``"ok"``; ``"warning"`` (a solver did not fully converge, its bound is certified but may be
        loose; see ``message``); or ``"degraded"`` (a solver failed and a coarser valid bound was
        used in its place, or values had to be repaired beyond rounding; ``message`` names it).
        Any status but ``"ok"`` also warns :class:`~mmbounds.exceptions.StatusWarning` (a
        :class:`~mmbounds.exceptions.DegradedWarning` for ``"degraded"``).
    message : str
        The reason for the status (and other notes), ``""`` when there is nothing to say.
    backend : str
    random_state : int or None
    mmbounds_version : str
    marginals : Marginals
        The (reconciled) marginals the numbers refer to.
    extras : Mapping[str, Any]
        Optional parts added by the sample and feature layers (discretizers, bootstrap intervals,
        ...).
    inference : PopulationInference or None
        For sample input: confidence intervals for the **population** (R, U1, U2, the ends of the
        synergy identified set and S itself) with a verdict per quantity. The other numbers are
        bounds of the *sample* tables; they hold for the population only up to sampling error.
    residuals : Mapping[str, float]
        What the final check had to repair, in bits: bounds crossing by rounding, a witness
        clipped into the interval, R+U1+U2 projected (also listed in ``checks``).
    valid : bool
        Whether the numbers remain valid under ``status``: True when R, U1, U2 are certified to
        the solver tolerance and ``synergy_lower <= S <= synergy_upper`` is proven (always for
        ``"ok"`` and ``"warning"``); False when a degraded BROJA solve left R, U1, U2 uncertified.
        ``to_dict()`` also gives ``status_meaning``; ``status_text`` says it all in one line.

    Notes
    -----
    Two results compare equal (``==``) when their numbers, bounds, marginals, solver records and
    inference are equal; ``timings``, the solvers' wall times and ``extras`` (fitted discretizers,
    codes) are not compared, so a seeded call repeated gives an equal result.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> res = mmbounds.estimate(bitwise_joint("and"), progress=False)
    >>> round(res.redundancy, 4), round(res.unique1, 4), round(res.unique2, 4)
    (0.3113, 0.0, 0.0)
    >>> round(res.synergy_lower, 4), round(res.synergy_upper, 4), round(res.synergy_true, 4)
    (0.5, 0.5, 0.5)
    >>> res.status, res.valid, res.shape
    ('ok', True, (2, 2, 2))
    """

    redundancy: float
    unique1: float
    unique2: float
    synergy_lower: float
    synergy_upper: float
    synergy_lower_method: str
    synergy_upper_method: str
    bounds: tuple[Bound, ...]
    mi_x1y: float
    mi_x2y: float
    mi_x1x2: float
    entropy_y: float
    synergy_true: float | None
    synergy_witness: float | None
    shape: tuple[int, int, int]
    n_support: int
    consistency: ConsistencyReport
    solver_info: Mapping[str, Any]
    timings: Mapping[str, float] = field(compare=False)
    status: str
    message: str
    backend: str
    random_state: int | None
    mmbounds_version: str
    marginals: Any = field(repr=False)
    extras: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    residuals: Mapping[str, float] = field(default_factory=dict)
    inference: Any = None
    valid: bool = True

    # ------------------------------------------------------------------ derived values
    @property
    def lower_bounds(self) -> dict[str, float]:
        """Every lower bound on S by name (bits), guaranteed or not."""
        return {b.name: b.value for b in self.bounds if b.side == "lower"}

    @property
    def upper_bounds(self) -> dict[str, float]:
        """Every upper bound on S by name (bits)."""
        return {b.name: b.value for b in self.bounds if b.side == "upper"}

    @property
    def mi_total_interval(self) -> tuple[float, float]:
        """Interval on ``I(X1,X2;Y) = R + U1 + U2 + S`` (bits)."""
        base = self.redundancy + self.unique1 + self.unique2
        return (base + self.synergy_lower, base + self.synergy_upper)

    def bound(self, name: str) -> Bound:
        """The :class:`Bound` called ``name``.

        Parameters
        ----------
        name : str
            A bound's name (a key of :data:`mmbounds.bounds.BOUNDS`).

        Returns
        -------
        Bound
            Its name, side, value (bits), guarantee and note.

        Raises
        ------
        KeyError
            If the estimate has no such bound.
        """
        for b in self.bounds:
            if b.name == name:
                return b
        raise KeyError(f"no bound named {name!r}; have {[b.name for b in self.bounds]}")

    @property
    def checks(self) -> dict[str, float]:
        """Residuals (bits) of the identities and orderings the result must satisfy (≈ 0 or ≥ 0)."""
        out = {
            "R+U1-I(X1;Y)": self.redundancy + self.unique1 - self.mi_x1y,
            "R+U2-I(X2;Y)": self.redundancy + self.unique2 - self.mi_x2y,
            "min(R,U1,U2)": min(self.redundancy, self.unique1, self.unique2),
            "upper-lower": self.synergy_upper - self.synergy_lower,
        }
        if self.synergy_true is not None:
            out["S-lower"] = self.synergy_true - self.synergy_lower
            out["upper-S"] = self.synergy_upper - self.synergy_true
        out.update({f"repaired: {k}": v for k, v in self.residuals.items()})
        return out

    @property
    def status_text(self) -> str:
        """The status, its reason and whether the numbers remain valid, in one line."""
        return status_text(self.status, self.message, self.valid)

    # ------------------------------------------------------------------ export
    def _export(self) -> dict[str, Any]:
        # bits: residues below ZERO_BITS are exported as exact zeros (the attributes keep them)
        c = clean_bits
        return {
            "redundancy": c(self.redundancy),
            "unique1": c(self.unique1),
            "unique2": c(self.unique2),
            "synergy_lower": c(self.synergy_lower),
            "synergy_upper": c(self.synergy_upper),
            "synergy_lower_method": self.synergy_lower_method,
            "synergy_upper_method": self.synergy_upper_method,
            "synergy_true": c(self.synergy_true),
            "synergy_witness": c(self.synergy_witness),
            "bounds": list(self.bounds),
            "mi_x1y": c(self.mi_x1y),
            "mi_x2y": c(self.mi_x2y),
            "mi_x1x2": c(self.mi_x1x2),
            "entropy_y": c(self.entropy_y),
            "shape": list(self.shape),
            "n_support": self.n_support,
            "consistency": self.consistency,
            "solver_info": {k: _solver_record(v) for k, v in self.solver_info.items()},
            "timings": dict(self.timings),
            "checks": {k: c(v) for k, v in self.checks.items()},  # the attribute keeps them
            "status": self.status,
            "valid": self.valid,
            "status_meaning": status_meaning(self.status).meaning,
            "message": self.message,
            "backend": self.backend,
            "random_state": self.random_state,
            "mmbounds_version": self.mmbounds_version,
            "from_samples": self.from_samples,
            "inference": self.inference,
            "units": "bits",
        }

    def to_frame(self) -> Any:
        """One row per quantity as a pandas DataFrame (pandas imported lazily).

        Returns
        -------
        pandas.DataFrame
            Columns ``name``, ``kind`` (R/U1/U2, the bound's side, or ``population``), ``bits``,
            ``guaranteed``, ``scope`` (``tables`` or ``sample tables``: what the bound holds for;
            ``population (level mode)`` for the intervals of ``inference``), ``low``, ``high`` and
            ``verdict`` (population rows only); one row each for R, U1, U2, every bound and, for
            sample input, every population interval (``bits``: its estimate), as in the CSV.

        Raises
        ------
        ImportError
            Without pandas, naming the extra that installs it (``pip install "mmbounds[pandas]"``).
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(
                "to_frame() needs pandas, which mmbounds does not install by default: pip install "
                '"mmbounds[pandas]" (or pip install pandas); to_dict() needs nothing'
            ) from None

        rows = [
            ("redundancy", term("redundancy"), self.redundancy, True),
            ("unique1", term("unique1"), self.unique1, True),
            ("unique2", term("unique2"), self.unique2, True),
        ] + [(b.name, b.side, b.value, b.guaranteed) for b in self.bounds]
        scope = "sample tables" if self.from_samples else "tables"
        out = [(n, k, clean_bits(v), g, scope, None, None, None) for n, k, v, g in rows]
        if self.inference is not None:
            inf = self.inference
            level = f"population ({inf.confidence:.0%} {inf.mode})"
            out += [
                (k, "population", clean_bits(iv.estimate), None, level)
                + (clean_bits(iv.low), clean_bits(iv.high), iv.verdict)
                for k, iv in inf.intervals.items()
            ]
        columns = ["name", "kind", "bits", "guaranteed", "scope", "low", "high", "verdict"]
        return pd.DataFrame(out, columns=columns)

    def _header(self) -> str:
        return f"shape={self.shape}, status={self.status!r}, bits"

    @property
    def from_samples(self) -> bool:
        """True when the marginals were counted from samples (not given as population tables)."""
        return getattr(self.marginals, "sample_sizes", None) is not None

    def _rows(self) -> list[tuple[str, str, str]]:
        def row(key: str, value: float | None, note: str | None = None) -> tuple[str, str, str]:
            return (term(key), fmt_bits(value), TERMS[key].short if note is None else note)

        scope = term("sample_scope" if self.from_samples else "guaranteed_scope")
        rows = [
            row("redundancy", self.redundancy),
            row("unique1", self.unique1),
            row("unique2", self.unique2),
            row("synergy_lower", self.synergy_lower, f"{scope} ({self.synergy_lower_method})"),
            row("synergy_upper", self.synergy_upper, f"{scope} ({self.synergy_upper_method})"),
        ]
        if self.synergy_true is not None:
            rows.append(row("synergy_true", self.synergy_true))
        if self.synergy_witness is not None:
            rows.append(row("synergy_witness", self.synergy_witness))
        for b in self.bounds:
            tag = "" if b.guaranteed else f"  {term('not_guaranteed')}"
            rows.append((" " + term(f"bound_{b.side}"), fmt_bits(b.value), b.name + tag))
        if self.inference is not None:
            inf = self.inference
            head = f"{term('population')}, {inf.confidence:.0%} confidence ({inf.mode}):"
            rows.append(("", "", head))
            rows += inf._rows()
        return rows

    def _footer(self) -> list[str]:
        c = self.consistency
        lines = [
            "  ".join(
                f"{term(k)}={fmt_bits(getattr(self, k), 0)}"
                for k in ("mi_x1y", "mi_x2y", "mi_x1x2", "entropy_y")
            ),
            f"marginals: {term('max_tv')} {_g(c.max_tv)}"
            + (f", {term('unreachable')} {_g(c.unreachable)}" if c.unreachable > 0 else "")
            + f", {term('reconciled')}={c.reconciled}; {term('total_time')} {self.total_s:.3f} s",
        ]
        if self.inference is not None:
            lines += [f"note: {n}" for n in self.inference.notes]
        elif self.from_samples:
            lines.append(
                "note: these are bounds of the sample tables, not confidence intervals for the "
                "population; estimate(x1=..., x2=..., paired=..., confidence=0.95) on the samples "
                "adds them"
            )
        elif self._unidentified():
            lines.append(
                f"note: {term('synergy_lower')} {fmt_bits(self.synergy_lower, 0)} while a joint "
                f"with exactly these marginals has {term('synergy_witness')} "
                f"{fmt_bits(self.synergy_witness, 0)} bits: the pairwise marginals cannot tell "
                "whether synergy is present; only labeled multimodal data can decide"
            )
        if self.status != "ok":
            lines.append(self.status_text)
        elif self.message:
            lines.append(f"note: {self.message}")
        return lines

    def _unidentified(self) -> bool:
        """Printed ``S >=`` is 0 while a witness joint has printed synergy (XOR-type tables)."""
        w = self.synergy_witness
        return (
            fmt_bits(self.synergy_lower, 0) == "0.0000"
            and w is not None
            and fmt_bits(w, 0) != "0.0000"
        )

    @property
    def total_s(self) -> float:
        """Wall time of the whole call (``timings['total']``; the sum of the steps without it)."""
        if "total" in self.timings:
            return float(self.timings["total"])
        return float(sum(self.timings.values()))


def _g(v: float) -> str:
    """A disagreement (TV) with 3 significant digits; residues below 1e-9 as 0."""
    return f"{clean_bits(v):.3g}"
