"""Recipes for unlabeled modality pairs with few multimodal labels, and what they achieve.

The setting: labeled unimodal data ``D1``, ``D2``, unlabeled pairs ``DM`` and a small budget of
multimodal labels on ``DM`` pairs. Unimodal classifiers ``f1``, ``f2`` trained on ``D1``, ``D2``
give two label posteriors on every pair. Two kinds of recipe live here.

**The agreement-routed recipe** (:func:`fit_routed`, numpy / scikit-learn only). A pair *agrees
confidently* (:func:`confident_agreement`) when ``f1`` and ``f2`` pick the same class and the
product-rule fusion ``f1 f2 / p(y)`` (:func:`fuse_posteriors`) gives it at least ``confidence``
(0.9). The recipe

1. spends the multimodal labels on pairs that do *not* agree confidently
   (:func:`choose_pairs_to_label`: uniformly among them);
2. pseudo-labels the confidently agreeing pairs with the fused class;
3. fits a multinomial logistic head on ``[log f1, log f2, z1, z2, z1 ⊗ z2]`` (``z_i``: PCA scores
   of modality ``i`` fitted on ``DM``; their products are the second-order interactions), L2
   strength chosen by cross-validation whose held-out folds are labeled pairs only;
4. predicts confidently agreeing pairs by the fused class and the others by the head.

Agreement is thus used as a signal in three places (where labels go, which pairs are
pseudo-labeled, which predictor answers); ``agreement=`` overrides the mask, which is how the
shuffled and inverted controls of the benchmark are run.

**Encoder objectives** (:func:`pretrain`, torch): an encoder per modality, fused code
``h = vec(e1 ⊗ e2)``, features ``[e1, e2, h]`` scored by :func:`linear_probe`. ``"contrastive"``
is symmetric InfoNCE; ``"none"`` the random encoder; ``"combined"`` adds reconstruction,
pair matching and distillation of ``f1``, ``f2``, and weights InfoNCE and matching per pair by
the total variation ``delta_i = TV(f1(x1_i), f2(x2_i))``::

    L = w_align   * sum_i a_i InfoNCE_i(p1, p2)                        "align"
      + w_retain  * (||x1 - dec1(e1)||^2 + ||x2 - dec2(e2)||^2)        "retain"
      + w_match   * sum_i m_i BCE(true pair vs. hard negative | h)     "match"
      + w_distill * (CE(f1(x1), g1(e1)) + CE(f2(x2), g2(e2)))          "distill"

    a_i ∝ 1 - align_disagreement * delta_i,   m_i ∝ 1 + match_disagreement * delta_i

(both normalized to mean 1; ``weights=`` sets each term, 0 removes it). Half of the matching
negatives are hard (the most similar wrong partner in the InfoNCE space).

What was measured
-----------------
``benchmarks/ssl_pretraining.py`` (results in ``benchmarks/results/ssl_summary.txt``): 5 suites,
5 seeds, 50 and 200 labels; every method gets the same ``D1``, ``D2``, ``DM``, ``f1``, ``f2`` and
number of labels, every probe chooses its L2 strength by cross-validation on its labels, all
encoders share architecture and epochs. Differences are test-accuracy points with paired 95%
t-intervals over seeds; "strongest baseline" is the equal-information baseline with the highest
mean in that cell (fusion, probes on posteriors / raw / raw second-order features, the five
encoders, the head alone, pseudo-labelling with random labels).

* :func:`fit_routed` beats the strongest baseline on one real pair, by about one point: mfeat
  fou+kar with 50 labels, 96.8 vs 94.7 (pseudo-labelling), +2.1 [+0.4, +3.8], with 200 labels
  +0.7 [-0.2, +1.6]. On 10 fresh seeds (``ssl_confirm_summary.txt``) the same pair gives +0.8
  [-0.1, +1.6] and +0.8 [+0.1, +1.5] (all 15 seeds pooled, ``ssl_pooled_summary.txt``: +1.2
  [+0.4, +2.0] and +0.8 [+0.3, +1.2]); the pair kar+zer, not used while designing the recipe,
  gives +0.3 [-0.1, +0.6] and +0.5 [-0.1, +1.1]. It beats its own shuffled-agreement control in
  6 of the 8 real-pair cells (all but mfeat zer+mor's two; +0.6 to +2.3 points).
* It does **not** beat the strongest baseline on the synergy (XOR) suite: both unimodal
  classifiers are at chance, no pair agrees confidently, so the recipe is its head alone
  (-4.8 [-11.0, +1.4] against a probe on raw ``[x1, x2, x1 ⊗ x2]`` with 50 labels, -0.9
  [-5.0, +3.3] against reconstruction + tensor fusion with 200). Nor on the gated suite, built so
  that disagreement marks exactly the synergistic pairs: -0.2 [-0.4, -0.1] and -0.1
  [-1.1, +0.9], although there it beats its shuffled control (+0.8 [+0.1, +1.6], +2.1
  [+1.1, +3.2]): the routing is a real signal, but the head on the disagreeing pairs learns the
  interaction no better than the baselines do. On mfeat zer+mor and the redundancy suite the
  product of the unimodal posteriors, with no multimodal labels, is as good or better.
* The ``"combined"`` encoder objective loses to the strongest baseline everywhere (e.g. mfeat
  fou+kar 71.8 / 84.3 against 94.7 / 96.3; XOR 75.8 / 82.5 against 82.5 / 86.8). An earlier
  ablation found that switching its disagreement weighting off moves accuracy by -1.1 to +1.1
  points and that removing the InfoNCE term helps by up to 11.5: it is an InfoNCE +
  reconstruction + distillation objective whose disagreement weights do not matter, not a way
  of using disagreement.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), §6 (the paper's SSL application; these recipes are
our own). A. Radford et al., "Learning Transferable Visual Models From Natural Language
Supervision", ICML 2021 (symmetric InfoNCE). A. Zadeh et al., "Tensor Fusion Network for
Multimodal Sentiment Analysis", EMNLP 2017 (multiplicative fusion). J. Li et al., "Align before
Fuse", NeurIPS 2021 (matching with hard negatives). D.-H. Lee, "Pseudo-Label", ICML 2013
workshop (pseudo-labelling).
"""

from ._encoder import Encoder
from ._probe import DEFAULT_CS, linear_probe
from ._routed import (
    RoutedClassifier,
    choose_pairs_to_label,
    confident_agreement,
    fit_routed,
    fuse_posteriors,
)
from ._train import pretrain
from ._weights import OBJECTIVES, SSL_TERMS, disagreement_scores

__all__ = [
    "DEFAULT_CS",
    "OBJECTIVES",
    "SSL_TERMS",
    "Encoder",
    "RoutedClassifier",
    "choose_pairs_to_label",
    "confident_agreement",
    "disagreement_scores",
    "fit_routed",
    "fuse_posteriors",
    "linear_probe",
    "pretrain",
]
