"""Disagreement-aware self-supervised pretraining on unlabeled modality pairs (torch).

Agreement-only pretraining (CLIP-style InfoNCE between the two modality embeddings) keeps what the
modalities *share* and is free to discard the rest, so the label information that lives in the
unique parts or only in their *combination* (synergy) is lost. :func:`pretrain` keeps the
agreement objective but adds three named terms, each with its own weight (``weights=``), on the
unlabeled pairs ``DM`` and the posteriors ``f1(x1), f2(x2)`` of unimodal classifiers trained on
``D1``, ``D2``. With ``delta_i = TV(f1(x1_i), f2(x2_i))`` in ``[0, 1]`` (total variation between
the two unimodal label posteriors of pair ``i``), the loss is::

    L = w_align   * sum_i a_i InfoNCE_i(p1, p2)                        "align"
      + w_retain  * (||x1 - dec1(e1)||^2 + ||x2 - dec2(e2)||^2)        "retain"
      + w_match   * sum_i m_i BCE(true pair vs. hard negative | h)     "match"
      + w_distill * (CE(f1(x1), g1(e1)) + CE(f2(x2), g2(e2)))          "distill"

    a_i ∝ 1 - align_disagreement * delta_i,   m_i ∝ 1 + match_disagreement * delta_i

(both normalized to mean 1 over ``DM``). ``e_i = enc_i(x_i)`` are the modality embeddings,
``p_i = proj_i(e_i)`` their projections for InfoNCE, and ``h = vec(e1 ⊗ e2)`` the fused code,
the outer product of the two embeddings (tensor fusion: every pairwise product, so a *linear*
read-out of ``h`` can express interactions such as ``XOR = sign(a1 a2)``). The representation for
downstream use is ``[e1, e2, h]``; the fusion has no parameters, so whatever the fused code knows
comes from what the embeddings keep.

* **align** -- symmetric InfoNCE (temperature ``temperature``), down-weighted on pairs where the
  unimodal predictors disagree: there the modalities carry different label information, and
  pulling them together would erase it.
* **retain** -- each embedding must reconstruct its (standardized) input, so non-shared
  information (the ingredients of uniqueness and synergy) is kept rather than collapsed away by
  the agreement term.
* **match** -- a head on the fused code ``h`` decides whether ``(x1, x2)`` is a true pair or a
  mismatched one. Half of the negatives are *hard*: for each ``x1_i`` the partner ``x2_j`` (j != i)
  most similar in the aligned space, which agrees with ``x1_i`` on what the modalities share, so
  telling them apart needs the combination. Pairs whose unimodal predictors disagree weigh more.
* **distill** -- each embedding predicts its unimodal classifier's posterior, keeping the label
  information the classifiers found in ``D1``, ``D2`` (uniqueness).

``objective="contrastive"`` is the agreement-only baseline (only ``align``, unweighted);
``objective="none"`` returns the randomly initialised encoder. Every objective uses the same
architecture, so differences come from the objectives only. Setting a weight to 0 removes that
term (and its computation) -- this is how the ablations are run.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), §6 (disagreement-aware SSL; our recipe is our own).
A. Radford et al., "Learning Transferable Visual Models From Natural Language Supervision",
ICML 2021 (CLIP, symmetric InfoNCE). A. Zadeh et al., "Tensor Fusion Network for Multimodal
Sentiment Analysis", EMNLP 2017 (multiplicative fusion). J. Li et al., "Align before Fuse", NeurIPS
2021 (image-text matching with hard negatives).
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
