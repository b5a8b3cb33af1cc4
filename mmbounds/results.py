"""Result types of mmbounds (all information quantities in bits).

A leaf module: it imports nothing from the package, computes nothing and plots nothing, so every
layer can build its results from it. One mechanism serves every result: each class says which
values it exports (``_export``) and which rows it shows (``_rows``); :class:`ResultMixin` turns
those into a JSON-safe ``to_dict()``, an aligned ``__repr__`` and a small escaped HTML table for
notebooks. Exporting never runs a solver.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "ResultMixin",
    "Bound",
    "ConsistencyReport",
    "EstimateResult",
    "PIDResult",
    "jsonable",
    "fmt_bits",
]


def jsonable(v: Any) -> Any:
    """``v`` with numpy scalars and arrays, tuples, mappings and results made JSON-safe.

    Non-finite floats become ``None`` (a result never holds them; this only keeps JSON valid).
    """
    if hasattr(v, "to_dict") and callable(v.to_dict):
        return v.to_dict()
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, np.ndarray):
        return jsonable(v.tolist())
    if isinstance(v, Mapping):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return v


def fmt_bits(v: float | None, width: int = 8) -> str:
    """A value in bits at fixed precision (``—`` for None; residues below 5e-7 print as 0)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—".rjust(width)
    return f"{0.0 if abs(v) < 5e-7 else v:{width}.4f}"


class ResultMixin:
    """``to_dict`` / ``__repr__`` / ``_repr_html_`` from ``_export`` and ``_rows``."""

    __slots__ = ()

    def _export(self) -> dict[str, Any]:  # pragma: no cover - every result defines it
        raise NotImplementedError

    def _rows(self) -> list[tuple[str, str, str]]:
        """``(label, value, note)`` rows shown by ``repr`` and in notebooks."""
        return []

    def _header(self) -> str:
        return ""

    def _footer(self) -> list[str]:
        return []

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (bits)."""
        return jsonable(self._export())

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__}({self._header()})"]
        lines += [f"  {k:<6}{v}  {note}".rstrip() for k, v, note in self._rows()]
        lines += [f"  {line}" for line in self._footer()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><td>{html.escape(k)}</td><td style='text-align:right'>{html.escape(v.strip())}"
            f"</td><td>{html.escape(n)}</td></tr>"
            for k, v, n in self._rows()
        )
        foot = "".join(f"<div>{html.escape(line)}</div>" for line in self._footer())
        return (
            f"<div><b>mmbounds {html.escape(type(self).__name__)}</b> "
            f"{html.escape(self._header())}<table>{body}</table>{foot}</div>"
        )


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
            "value": self.value,
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
    """

    tv_y: float
    tv_x1: float
    tv_x2: float
    reconciled: bool
    shift: tuple[float, float, float]
    weights: tuple[float, float, float]
    n_iter: int
    unreachable: float = 0.0

    @property
    def max_tv(self) -> float:
        """Largest of the three disagreements."""
        return max(self.tv_y, self.tv_x1, self.tv_x2)

    def _export(self) -> dict[str, Any]:
        return {
            "tv_y": self.tv_y,
            "tv_x1": self.tv_x1,
            "tv_x2": self.tv_x2,
            "max_tv": self.max_tv,
            "reconciled": self.reconciled,
            "shift": list(self.shift),
            "weights": list(self.weights),
            "n_iter": self.n_iter,
            "unreachable": self.unreachable,
        }

    def _header(self) -> str:
        return (
            f"max_tv={self.max_tv:.3g}, reconciled={self.reconciled}, "
            f"unreachable={self.unreachable:.3g}"
        )


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
    marginals ``p(x1,y)`` and ``p(x2,y)``; synergy is bounded: ``synergy_lower <= S <=
    synergy_upper`` holds for every joint distribution with the (reconciled) observed marginals,
    using only the guaranteed bounds. Bounds that are estimates (trained classifiers) or not valid
    in general (the paper's c = 1 variant) are listed in ``bounds`` with ``guaranteed=False`` and
    never enter ``synergy_lower``/``synergy_upper``.

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
        ``"ok"`` or ``"warning"`` (a solver did not fully converge; see ``message``).
    message : str
    backend : str
    random_state : int or None
    mmbounds_version : str
    marginals : Marginals
        The (reconciled) marginals the numbers refer to.
    extras : Mapping[str, Any]
        Optional parts added by the sample and feature layers (discretizers, bootstrap intervals,
        ...).
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
    timings: Mapping[str, float]
    status: str
    message: str
    backend: str
    random_state: int | None
    mmbounds_version: str
    marginals: Any = field(repr=False)
    extras: Mapping[str, Any] = field(default_factory=dict, repr=False)

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
        """The :class:`Bound` called ``name``."""
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
        return out

    # ------------------------------------------------------------------ export
    def _export(self) -> dict[str, Any]:
        return {
            "redundancy": self.redundancy,
            "unique1": self.unique1,
            "unique2": self.unique2,
            "synergy_lower": self.synergy_lower,
            "synergy_upper": self.synergy_upper,
            "synergy_lower_method": self.synergy_lower_method,
            "synergy_upper_method": self.synergy_upper_method,
            "synergy_true": self.synergy_true,
            "synergy_witness": self.synergy_witness,
            "bounds": list(self.bounds),
            "mi_x1y": self.mi_x1y,
            "mi_x2y": self.mi_x2y,
            "mi_x1x2": self.mi_x1x2,
            "entropy_y": self.entropy_y,
            "shape": list(self.shape),
            "n_support": self.n_support,
            "consistency": self.consistency,
            "solver_info": {k: _solver_record(v) for k, v in self.solver_info.items()},
            "timings": dict(self.timings),
            "checks": self.checks,
            "status": self.status,
            "message": self.message,
            "backend": self.backend,
            "random_state": self.random_state,
            "mmbounds_version": self.mmbounds_version,
            "units": "bits",
        }

    def to_frame(self) -> Any:
        """One row per quantity as a pandas DataFrame (pandas imported lazily)."""
        import pandas as pd

        rows = [
            ("redundancy", "R", self.redundancy, True),
            ("unique1", "U1", self.unique1, True),
            ("unique2", "U2", self.unique2, True),
        ] + [(b.name, b.side, b.value, b.guaranteed) for b in self.bounds]
        return pd.DataFrame(rows, columns=["name", "kind", "bits", "guaranteed"])

    def _header(self) -> str:
        return f"shape={self.shape}, status={self.status!r}, bits"

    def _rows(self) -> list[tuple[str, str, str]]:
        rows = [
            ("R", fmt_bits(self.redundancy), "redundancy"),
            ("U1", fmt_bits(self.unique1), "uniqueness of modality 1"),
            ("U2", fmt_bits(self.unique2), "uniqueness of modality 2"),
            (
                "S >=",
                fmt_bits(self.synergy_lower),
                f"best guaranteed ({self.synergy_lower_method})",
            ),
            (
                "S <=",
                fmt_bits(self.synergy_upper),
                f"best guaranteed ({self.synergy_upper_method})",
            ),
        ]
        if self.synergy_true is not None:
            rows.append(("S", fmt_bits(self.synergy_true), "true synergy (labeled joint given)"))
        if self.synergy_witness is not None:
            rows.append(
                (
                    "S max>=",
                    fmt_bits(self.synergy_witness),
                    "synergy of a joint with these marginals",
                )
            )
        for b in self.bounds:
            tag = "" if b.guaranteed else "  [not guaranteed]"
            rows.append((" " + b.side, fmt_bits(b.value), b.name + tag))
        return rows

    def _footer(self) -> list[str]:
        c = self.consistency
        lines = [
            f"I(X1;Y)={self.mi_x1y:.4f}  I(X2;Y)={self.mi_x2y:.4f}  I(X1;X2)={self.mi_x1x2:.4f}  "
            f"H(Y)={self.entropy_y:.4f}",
            f"marginals: max TV disagreement {c.max_tv:.3g}"
            + (f", unreachable mass {c.unreachable:.3g}" if c.unreachable > 0 else "")
            + f", reconciled={c.reconciled}; total {sum(self.timings.values()):.3f} s",
        ]
        if self.message:
            lines.append(f"note: {self.message}")
        return lines


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
        ``"ok"`` or ``"warning"`` (the BROJA solve did not certify its gap; see ``message``).
    message : str
    mmbounds_version : str
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
            "redundancy": self.redundancy,
            "unique1": self.unique1,
            "unique2": self.unique2,
            "synergy": self.synergy,
            "mi_x1y": self.mi_x1y,
            "mi_x2y": self.mi_x2y,
            "mi_x1x2y": self.mi_x1x2y,
            "status": self.info.status,
            "method": self.info.method,
            "message": self.message,
            "mmbounds_version": self.mmbounds_version,
            "units": "bits",
        }

    def __repr__(self) -> str:
        vals = (self.redundancy, self.unique1, self.unique2, self.synergy)
        body = ", ".join(
            f"{k}={fmt_bits(v, 0)}" for k, v in zip(("R", "U1", "U2", "S"), vals, strict=True)
        )
        return f"PIDResult({body} bits)"

    def _rows(self) -> list[tuple[str, str, str]]:
        return [
            ("R", fmt_bits(self.redundancy), "redundancy"),
            ("U1", fmt_bits(self.unique1), "uniqueness of modality 1"),
            ("U2", fmt_bits(self.unique2), "uniqueness of modality 2"),
            ("S", fmt_bits(self.synergy), "synergy"),
        ]

    def _header(self) -> str:
        return f"status={self.status!r}, bits"
