"""Accuracy intervals for the best multimodal classifier, and what they recommend (paper Thm 5).

From the interactions estimated without labeled multimodal data, ``I(X1,X2;Y) = R + U1 + U2 + S``
lies in ``[R+U1+U2+S_lower, R+U1+U2+S_upper]`` and ``H(Y|X1,X2) = H(Y) - I(X1,X2;Y)``. Two classic
inequalities turn a conditional entropy ``h = H(Y|X)`` (bits) into bounds on the Bayes accuracy
``P* = E_x[max_y p(y|x)]`` of a ``K``-class problem:

* **Fano** (upper side): ``h <= h_b(P_e) + P_e log2(K-1)`` for every classifier's error ``P_e``;
  the right side increases on ``[0, (K-1)/K]``, so ``P_e >= phi^{-1}(h)`` and
  ``P* <= 1 - phi^{-1}(h)`` (inverted exactly by root finding, never above 1).
* **Feder--Merhav** (lower side): the Bayes error is at most ``phi*(h)``, the piecewise-linear
  function through the points ``(log2 k, 1 - 1/k)``, ``k = 1..K``; it is concave, so the bound
  for one distribution carries over to ``H(Y|X)`` by Jensen. Its weaker smooth form, the one the
  paper quotes, is ``P* >= 2^{-h} = 2^{I - H(Y)}`` (``max_y p >= 2^{-H}`` and convexity of
  ``2^{-t}``). The majority rate ``max_y p(y)`` is a lower bound as well.

Both sides are monotone in ``I``: the lower accuracy bound uses the lower synergy bound and the
upper accuracy bound the upper synergy bound, so the interval holds whenever the true S lies in
``[S_lower, S_upper]``. The same formulas with ``I(X_i;Y)`` (exact from ``D_i``) give intervals
for the unimodal Bayes accuracies.

**What the numbers refer to.** The estimate is computed on the *discretized* modalities (cluster
codes), so these are intervals on the accuracy of the best classifier *of the codes*. A model of
the raw features can do better (the codes lose information) or worse (finite data, limited model).

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

__all__ = [
    "PerformanceBounds",
    "performance_bounds",
    "accuracy_interval",
    "fano_accuracy_upper",
    "feder_merhav_accuracy_lower",
]
