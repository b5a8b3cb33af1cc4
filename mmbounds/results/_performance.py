"""Result of :func:`mmbounds.performance_bounds`: accuracy ranges and the guidance they certify."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._base import ResultMixin

__all__ = ["PerformanceBounds", "COLLECT_VERDICTS", "FUSION_VERDICTS"]

COLLECT_VERDICTS = ("collect", "dont_collect", "undetermined")
FUSION_VERDICTS = ("interaction", "late_fusion", "undetermined")

Pair = tuple[float, float]


def _iv(v: Pair) -> str:
    return f"[{v[0]:.4f}, {v[1]:.4f}]"


@dataclass(frozen=True, slots=True, repr=False)
class PerformanceBounds(ResultMixin):
    """Accuracy of the best multimodal, unimodal and late-fusion classifiers, with guidance.

    Accuracies are fractions in ``[0, 1]``, information in bits. Every range is over the joints
    ``q(x1, x2, y)`` that have the three pairwise marginals of the estimate (the variables the
    estimate used: for raw data, the cluster codes).

    Attributes
    ----------
    accuracy_lower, accuracy_upper : float
        Range of the Bayes accuracy ``sum max_y q``: the lower end is exact (LP); the upper end is
        certified (exact when ``upper_method == "milp"``).
    accuracy_upper_attained : float
        Bayes accuracy of a joint with these marginals that the upper-end search found: the
        exact upper end lies in ``[accuracy_upper_attained, accuracy_upper]``.
    upper_method : str
        ``"milp"`` (exact), ``"milp_budget"`` (HiGHS dual bound after the node budget),
        ``"lp_relaxation"`` or ``"mutual_information"`` (the Fano end was smaller).
    unimodal1, unimodal2 : float
        Exact Bayes accuracies of each modality alone, ``sum_x max_y p(x, y)``.
    gain_interval : (float, float)
        Exact range of the multimodal Bayes accuracy minus the best unimodal one.
    late_fusion_interval : (float, float)
        Range of the accuracy of the product rule ``argmax_y p(y|x1) p(y|x2) / p(y)`` (late
        fusion of the two unimodal posteriors; needs no multimodal labels).
    fusion_gap_interval : (float, float)
        Range of Bayes accuracy minus that rule's accuracy (same joint).
    mi_accuracy_interval : (float, float)
        The fallback through ``I(X1,X2;Y)``: Feder--Merhav (or the majority rate) and Fano.
    paper_accuracy_lower, paper_accuracy_upper : float
        The paper's forms ``2^{I_lo - H(Y)}`` and ``(I_hi + 1) / log2 K`` (capped at 1). The upper
        form is NOT guaranteed (it can fall below the Bayes accuracy on skewed priors); reported
        for comparison only.
    mi_interval, synergy_interval : (float, float)
        ``I(X1,X2;Y)`` and ``S`` intervals used by the fallback, bits.
    entropy_y : float
    n_classes : int
    majority : float
        ``max_y p(y)``.
    data_collection, fusion : str
        One of ``"collect"``, ``"dont_collect"``, ``"undetermined"``; one of ``"interaction"``,
        ``"late_fusion"``, ``"undetermined"`` (see :func:`mmbounds.performance_bounds`).
    data_collection_reason, fusion_reason : str
        The numbers behind each verdict.
    min_gain, fusion_threshold : float
        Thresholds (accuracy fractions).
    confidence : float or None
        For sample input: level of the confidence limits the verdicts used; None for tables.
    decision_gain, decision_gap : (float, float)
        The ends the verdicts compared with the thresholds: the ranges themselves for tables,
        their confidence limits for samples.
    basis : str
        What the numbers refer to, in words.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> pb = mmbounds.performance_bounds(bitwise_joint("xor"))
    >>> round(pb.accuracy_lower, 4), round(pb.accuracy_upper, 4), pb.upper_method
    (0.5, 1.0, 'milp')
    >>> round(pb.unimodal1, 4), round(pb.majority, 4), pb.data_collection
    (0.5, 0.5, 'undetermined')
    """

    accuracy_lower: float
    accuracy_upper: float
    accuracy_upper_attained: float
    upper_method: str
    unimodal1: float
    unimodal2: float
    gain_interval: Pair
    late_fusion_interval: Pair
    fusion_gap_interval: Pair
    mi_accuracy_interval: Pair
    paper_accuracy_lower: float
    paper_accuracy_upper: float
    mi_interval: Pair
    synergy_interval: Pair
    entropy_y: float
    n_classes: int
    majority: float
    data_collection: str
    data_collection_reason: str
    fusion: str
    fusion_reason: str
    min_gain: float
    fusion_threshold: float
    confidence: float | None
    decision_gain: Pair
    decision_gap: Pair
    basis: str

    @property
    def accuracy_interval(self) -> Pair:
        """``(accuracy_lower, accuracy_upper)``."""
        return (self.accuracy_lower, self.accuracy_upper)

    @property
    def best_unimodal(self) -> float:
        """``max(unimodal1, unimodal2)``."""
        return max(self.unimodal1, self.unimodal2)

    def _export(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["accuracy_interval"] = self.accuracy_interval
        out["paper_upper_guaranteed"] = False
        out["units"] = {"accuracy": "fraction", "information": "bits"}
        return out

    def _header(self) -> str:
        return f"K={self.n_classes}, accuracies as fractions"

    def _rows(self) -> list[tuple[str, str, str]]:
        # sample input (confidence set): exact values of the sample tables, not of the population
        of = "" if self.confidence is None else " of the sample tables"
        exact = "exact" if self.upper_method == "milp" else f"upper end: {self.upper_method}"
        return [
            ("Bayes", _iv(self.accuracy_interval), f"best multimodal classifier ({exact}{of})"),
            ("uni1", f"{self.unimodal1:.4f}", f"modality 1 alone (exact{of})"),
            ("uni2", f"{self.unimodal2:.4f}", f"modality 2 alone (exact{of})"),
            ("gain", _iv(self.gain_interval), "Bayes minus best unimodal"),
            ("late", _iv(self.late_fusion_interval), "product of unimodal posteriors"),
            ("gap", _iv(self.fusion_gap_interval), "Bayes minus late fusion"),
            ("MI", _iv(self.mi_accuracy_interval), "fallback via I(X1,X2;Y) (Feder-Merhav/Fano)"),
            (
                "paper",
                f"{self.paper_accuracy_lower:.4f}, {self.paper_accuracy_upper:.4f}",
                "paper's forms; the upper one is NOT guaranteed",
            ),
        ]

    def _footer(self) -> list[str]:
        return [  # the basis first: what the accuracies are accuracies of
            self.basis,
            f"data collection: {self.data_collection} — {self.data_collection_reason}",
            f"fusion: {self.fusion} — {self.fusion_reason}",
        ]
