"""Accuracy of the best multimodal classifier from the three pairwise marginals, and guidance.

The Bayes accuracy of a joint ``q(x1, x2, y)`` is ``sum_{x1,x2} max_y q``. Over the polytope of
joints with the observed marginals ``p(x1,y)``, ``p(x2,y)``, ``p(x1,x2)`` its range is computed
exactly: the lower end by a linear program, the upper end by a mixed-integer program (HiGHS
through scipy; under a deterministic node budget its dual bound is certified). The unimodal Bayes
accuracies ``sum_x max_y p(x,y)`` are exact; a fixed decision rule (late fusion: the product of
the unimodal posteriors) has accuracy linear in the joint, so its range is two LPs. Guidance
(collect paired labels? model interactions?) follows only what these ranges certify.

The information-based interval of the paper (Thm 5) stays as a cheap fallback: from
``I(X1,X2;Y) in [R+U1+U2+S_lower, R+U1+U2+S_upper]``,

* **Fano** (upper side): ``h <= h_b(P_e) + P_e log2(K-1)`` for every classifier's error ``P_e``,
  inverted exactly: ``P* <= 1 - phi^{-1}(H(Y|X))``;
* **Feder--Merhav** (lower side): the Bayes error is at most ``phi*(h)``, the piecewise-linear
  function through ``(log2 k, 1 - 1/k)``; its weaker smooth form ``P* >= 2^{-h}`` is the
  paper's. The paper's upper form ``(I + 1) / log2 K`` is *not* a guaranteed bound (it can fall
  below the Bayes accuracy on skewed priors) and is reported only for comparison.

**What the numbers refer to.** An estimate on raw data is computed on the *discretized*
modalities (cluster codes), so these are ranges on the accuracy of the best classifier *of the
codes*. A model of the raw features can do better (the codes lose information) or worse.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), Theorem 5.
M. Feder and N. Merhav, "Relations between entropy and error probability", IEEE Trans. Inf.
Theory 40(1), 1994.
T. M. Cover and J. A. Thomas, "Elements of Information Theory", 2nd ed., 2006, Thm 2.10.1 (Fano).
"""

from ._bounds import PerformanceBounds, performance_bounds
from ._information import accuracy_interval, fano_accuracy_upper, feder_merhav_accuracy_lower
from ._polytope import JointPolytope
from ._ranges import AccuracyRanges, accuracy_ranges, late_fusion_rule

__all__ = [
    "PerformanceBounds",
    "performance_bounds",
    "accuracy_ranges",
    "AccuracyRanges",
    "JointPolytope",
    "late_fusion_rule",
    "accuracy_interval",
    "fano_accuracy_upper",
    "feder_merhav_accuracy_lower",
]
