"""The accuracy interval of the best multimodal classifier and its guidance (paper Thm 5).

:func:`performance_bounds` reads the PID parts of an estimate (redundancy, uniqueness, synergy
bounds, ``p(y)``) and returns a :class:`PerformanceBounds`: intervals on the multimodal and
unimodal Bayes accuracies, the gain of fusing, and data-collection and fusion recommendations.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), Theorem 5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_scalar, check_table
from ._information import accuracy_interval

__all__ = ["PerformanceBounds", "performance_bounds"]


def _mid(iv: tuple[float, float]) -> float:
    return 0.5 * (iv[0] + iv[1])


@dataclass(frozen=True, slots=True)
class PerformanceBounds:
    """Predicted accuracy of the best multimodal and unimodal classifiers, with guidance.

    Accuracies are fractions in ``[0, 1]``; information in bits. All intervals refer to Bayes
    classifiers of the variables the estimate was computed on (for raw data: the cluster codes).

    Attributes
    ----------
    accuracy_lower, accuracy_upper : float
        Interval on the best multimodal accuracy: Feder--Merhav (or the majority rate) at
        ``I_lower = R+U1+U2+S_lower``, and Fano at ``I_upper = R+U1+U2+S_upper``.
    accuracy_lower_paper, accuracy_upper_paper : float
        The paper's forms: ``2^{I_lower - H(Y)}`` and ``(I_upper + 1) / log2 K`` (not capped).
    mi_interval : (float, float)
        ``(I_lower, I_upper)`` on ``I(X1,X2;Y)``, bits.
    synergy_interval : (float, float)
        ``(S_lower, S_upper)``, bits.
    entropy_y : float
    n_classes : int
        Labels with positive probability (``K`` in the bounds).
    majority : float
        ``max_y p(y)``.
    unimodal1, unimodal2 : (float, float)
        Intervals on the Bayes accuracy of each modality alone (from ``I(X_i;Y)``).
    unimodal_measured : (float, float) or None
        Measured unimodal accuracies, if supplied; then they replace the intervals as the baseline.
    gain_interval : (float, float)
        Range of the gain of the best multimodal over the best unimodal classifier (accuracy
        points as a fraction); the lower end is at least 0 (more inputs never hurt Bayes).
    gain_estimate : float
        Midpoint of the multimodal interval minus the unimodal baseline (midpoint or measured),
        at least 0.
    data_collection, fusion : str
        Recommendation codes: ``"collect" | "probably_collect" | "probably_skip" | "skip"`` and
        ``"interaction" | "probably_interaction" | "probably_simple" | "simple"``.
    data_collection_reason, fusion_reason : str
        The numbers behind each recommendation.
    min_gain, synergy_threshold : float
        The thresholds used (accuracy fraction; bits).
    """

    accuracy_lower: float
    accuracy_upper: float
    accuracy_lower_paper: float
    accuracy_upper_paper: float
    mi_interval: tuple[float, float]
    synergy_interval: tuple[float, float]
    entropy_y: float
    n_classes: int
    majority: float
    unimodal1: tuple[float, float]
    unimodal2: tuple[float, float]
    unimodal_measured: tuple[float, float] | None
    gain_interval: tuple[float, float]
    gain_estimate: float
    data_collection: str
    data_collection_reason: str
    fusion: str
    fusion_reason: str
    min_gain: float
    synergy_threshold: float

    @property
    def accuracy_interval(self) -> tuple[float, float]:
        """``(accuracy_lower, accuracy_upper)``."""
        return (self.accuracy_lower, self.accuracy_upper)

    @property
    def accuracy_estimate(self) -> float:
        """Midpoint of the multimodal accuracy interval (the paper's point estimate)."""
        return _mid(self.accuracy_interval)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (accuracies as fractions, information in bits).

        Returns
        -------
        dict
            The fields (accuracies in [0, 1], information in bits).
        """
        return {
            "accuracy_lower": self.accuracy_lower,
            "accuracy_upper": self.accuracy_upper,
            "accuracy_estimate": self.accuracy_estimate,
            "accuracy_lower_paper": self.accuracy_lower_paper,
            "accuracy_upper_paper": self.accuracy_upper_paper,
            "mi_interval": list(self.mi_interval),
            "synergy_interval": list(self.synergy_interval),
            "entropy_y": self.entropy_y,
            "n_classes": self.n_classes,
            "majority": self.majority,
            "unimodal1": list(self.unimodal1),
            "unimodal2": list(self.unimodal2),
            "unimodal_measured": None
            if self.unimodal_measured is None
            else list(self.unimodal_measured),
            "gain_interval": list(self.gain_interval),
            "gain_estimate": self.gain_estimate,
            "data_collection": self.data_collection,
            "data_collection_reason": self.data_collection_reason,
            "fusion": self.fusion,
            "fusion_reason": self.fusion_reason,
            "min_gain": self.min_gain,
            "synergy_threshold": self.synergy_threshold,
            "units": {"accuracy": "fraction", "information": "bits"},
        }

    def __repr__(self) -> str:
        def iv(v: tuple[float, float]) -> str:
            return f"[{v[0]:.4f}, {v[1]:.4f}]"

        lines = [
            f"PerformanceBounds(K={self.n_classes}, H(Y)={self.entropy_y:.4f} bits)",
            f"  multimodal accuracy  {iv(self.accuracy_interval)}  midpoint "
            f"{self.accuracy_estimate:.4f}  (I(X1,X2;Y) in {iv(self.mi_interval)} bits)",
            f"  modality 1 accuracy  {iv(self.unimodal1)}",
            f"  modality 2 accuracy  {iv(self.unimodal2)}",
        ]
        if self.unimodal_measured is not None:
            m1, m2 = self.unimodal_measured
            lines.append(f"  measured unimodal    {m1:.4f}, {m2:.4f}")
        lines += [
            f"  gain over unimodal   {iv(self.gain_interval)}  estimate {self.gain_estimate:.4f}",
            f"  synergy              {iv(self.synergy_interval)} bits",
            f"  data collection: {self.data_collection} — {self.data_collection_reason}",
            f"  fusion: {self.fusion} — {self.fusion_reason}",
            "  (Bayes accuracies of classifiers of the discretized variables the estimate used)",
        ]
        return "\n".join(lines)


def _fields(result: Any) -> tuple[float, float, float, float, float, float, float, np.ndarray]:
    """(R, U1, U2, S_lo, S_hi, I(X1;Y), I(X2;Y), p(y)) from an EstimateResult or a PIDResult."""
    try:
        r, u1, u2 = float(result.redundancy), float(result.unique1), float(result.unique2)
    except AttributeError:
        raise TypeError(
            "result must be an EstimateResult (or have redundancy, unique1, unique2 and synergy "
            f"bounds), got {type(result).__name__}"
        ) from None
    if hasattr(result, "synergy_lower"):
        s_lo, s_hi = float(result.synergy_lower), float(result.synergy_upper)
    elif hasattr(result, "synergy"):
        s_lo = s_hi = float(result.synergy)
    else:
        raise TypeError(f"{type(result).__name__} has neither synergy bounds nor synergy")
    marg = getattr(result, "marginals", None)
    if marg is None:
        raise TypeError(
            f"{type(result).__name__} carries no marginals; pass p_y=... (the label distribution)"
        )
    return r, u1, u2, s_lo, s_hi, r + u1, r + u2, np.asarray(marg.p_y, dtype=np.float64)


def performance_bounds(
    result: Any,
    *,
    p_y: Sequence[float] | np.ndarray | None = None,
    unimodal_accuracies: tuple[float, float] | None = None,
    min_gain: float = 0.02,
    synergy_threshold: float = 0.1,
) -> PerformanceBounds:
    """Interval on the best achievable multimodal accuracy, unimodal baselines and guidance.

    Parameters
    ----------
    result : EstimateResult or PIDResult
        Output of :func:`mmbounds.estimate` (synergy bounded) or :func:`mmbounds.pid` (exact S;
        then pass ``p_y``). Must carry ``marginals`` (for ``p(y)``) unless ``p_y`` is given.
    p_y : array_like or None
        Label distribution; overrides ``result.marginals.p_y``.
    unimodal_accuracies : (float, float) or None
        Measured accuracies of the best unimodal models you have; they become the baseline of the
        gain instead of the predicted unimodal intervals.
    min_gain : float
        Gain (accuracy fraction) worth the cost of labeling multimodal data (default 2 points).
    synergy_threshold : float
        Synergy (bits) above which a fusion that models interactions is recommended.

    Returns
    -------
    PerformanceBounds
        Intervals (fractions), recommendation codes and the numbers behind them.

    Raises
    ------
    TypeError
        If ``result`` lacks the PID parts or ``p(y)``.
    ValueError
        On out-of-range thresholds or accuracies.

    Notes
    -----
    With ``I_lo = R+U1+U2+S_lower`` and ``I_hi = R+U1+U2+S_upper``:
    ``accuracy_lower = max(1 - phi*(H(Y) - I_lo), max_y p(y))`` (Feder--Merhav) and
    ``accuracy_upper = 1 - e_min(H(Y) - I_hi)`` (Fano). The lower side uses the lower synergy bound
    and the upper side the upper one because both bounds increase with ``I``. The gain of the best
    multimodal over the best unimodal Bayes classifier lies in
    ``[max(0, acc_lo - max_i uni_hi_i), max(0, acc_hi - max_i uni_lo_i)]``.

    Recommendations: labeled multimodal data is ``"skip"`` when even the upper end of the gain is
    below ``min_gain``, ``"collect"`` when the lower end reaches it, otherwise ``"probably_*"``
    from the estimated gain. Fusion is ``"interaction"`` when ``S_lower >= synergy_threshold``
    (interaction-modelling fusion: tensor/multiplicative, bilinear or cross-attention),
    ``"simple"`` when ``S_upper < synergy_threshold`` (early/late fusion), otherwise
    ``"probably_*"`` from the synergy midpoint.

    Examples
    --------
    >>> import numpy as np
    >>> import mmbounds
    >>> xor = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         xor[a, b, a ^ b] = 0.25
    >>> perf = performance_bounds(mmbounds.estimate(xor, options={"solver": "cvxpy"}))
    >>> round(perf.accuracy_lower, 3), round(perf.accuracy_upper, 3)
    (0.5, 1.0)
    >>> perf.unimodal1, perf.fusion
    ((0.5, 0.5), 'probably_interaction')
    """
    check_scalar(min_gain, name="min_gain", min_val=0.0, max_val=1.0)
    check_scalar(synergy_threshold, name="synergy_threshold", min_val=0.0)
    if p_y is not None:
        py = check_table(p_y, name="p_y", ndim=1)
        r, u1, u2 = float(result.redundancy), float(result.unique1), float(result.unique2)
        if hasattr(result, "synergy_lower"):
            s_lo, s_hi = float(result.synergy_lower), float(result.synergy_upper)
        else:
            s_lo = s_hi = float(result.synergy)
        mi1, mi2 = r + u1, r + u2
    else:
        r, u1, u2, s_lo, s_hi, mi1, mi2, py = _fields(result)
    s_lo = max(s_lo, 0.0)
    s_hi = max(s_hi, s_lo)
    pos = py[py > 0]
    k = int(pos.size)
    h_y = float(-(pos * np.log2(pos)).sum())
    majority = float(py.max())
    base = r + u1 + u2
    i_lo, i_hi = min(base + s_lo, h_y), min(base + s_hi, h_y)

    acc = accuracy_interval((i_lo, i_hi), h_y, k, majority=majority)
    uni1 = accuracy_interval(min(mi1, h_y), h_y, k, majority=majority)
    uni2 = accuracy_interval(min(mi2, h_y), h_y, k, majority=majority)
    paper_lo = float(2.0 ** (i_lo - h_y))
    paper_hi = float((i_hi + 1.0) / math.log2(k)) if k > 1 else 1.0

    measured: tuple[float, float] | None = None
    if unimodal_accuracies is not None:
        if len(unimodal_accuracies) != 2:
            raise ValueError("unimodal_accuracies must be a pair (acc_modality1, acc_modality2)")
        measured = tuple(  # type: ignore[assignment]
            float(check_scalar(a, name=f"unimodal_accuracies[{i}]", min_val=0.0, max_val=1.0))
            for i, a in enumerate(unimodal_accuracies)
        )
        best_lo = best_hi = best_mid = max(measured)  # type: ignore[arg-type]
        baseline = f"measured best unimodal accuracy {best_mid:.3f}"
    else:
        best_lo, best_hi = max(uni1[0], uni2[0]), max(uni1[1], uni2[1])
        best_mid = max(_mid(uni1), _mid(uni2))
        baseline = f"best unimodal interval [{best_lo:.3f}, {best_hi:.3f}]"
    gain = (max(0.0, acc[0] - best_hi), max(0.0, acc[1] - best_lo))
    gain_est = max(0.0, _mid(acc) - best_mid)

    if gain[1] < min_gain:
        collect = "skip"
    elif gain[0] >= min_gain:
        collect = "collect"
    elif gain_est >= min_gain:
        collect = "probably_collect"
    else:
        collect = "probably_skip"
    collect_reason = (
        f"multimodal accuracy in [{acc[0]:.3f}, {acc[1]:.3f}] vs {baseline}: gain in "
        f"[{gain[0]:.3f}, {gain[1]:.3f}], estimate {gain_est:.3f} (threshold {min_gain:.3f})"
    )

    s_mid = 0.5 * (s_lo + s_hi)
    share = s_mid / i_hi if i_hi > 0 else 0.0
    if s_lo >= synergy_threshold:
        fusion = "interaction"
    elif s_hi < synergy_threshold:
        fusion = "simple"
    elif s_mid >= synergy_threshold:
        fusion = "probably_interaction"
    else:
        fusion = "probably_simple"
    fusion_reason = (
        f"synergy in [{s_lo:.3f}, {s_hi:.3f}] bits, midpoint {s_mid:.3f} "
        f"({100 * share:.0f}% of I(X1,X2;Y) <= {i_hi:.3f}; threshold {synergy_threshold:.3f} "
        "bits): label information only the combination carries, which late fusion of "
        "unimodal predictions cannot use"
    )
    return PerformanceBounds(
        accuracy_lower=acc[0],
        accuracy_upper=acc[1],
        accuracy_lower_paper=paper_lo,
        accuracy_upper_paper=paper_hi,
        mi_interval=(float(i_lo), float(i_hi)),
        synergy_interval=(float(s_lo), float(s_hi)),
        entropy_y=h_y,
        n_classes=k,
        majority=majority,
        unimodal1=uni1,
        unimodal2=uni2,
        unimodal_measured=measured,
        gain_interval=(float(gain[0]), float(gain[1])),
        gain_estimate=float(gain_est),
        data_collection=collect,
        data_collection_reason=collect_reason,
        fusion=fusion,
        fusion_reason=fusion_reason,
        min_gain=float(min_gain),
        synergy_threshold=float(synergy_threshold),
    )
