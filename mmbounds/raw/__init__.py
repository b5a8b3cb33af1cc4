"""The sample and feature layers: discrete samples and raw features in, the core estimate out.

* :func:`estimate_samples` — discrete samples of D1, D2, DM -> :class:`~mmbounds.Marginals` -> the
  core estimate;
* :func:`estimate_features` — continuous features -> per-modality :class:`Discretizer` (+ optional
  unimodal classifiers, :func:`fit_unimodal`) -> discrete samples;
* :func:`true_interactions` — the exact PID of discretized labeled pairs (validation).
"""

from .classifiers import UnimodalClassifier, fit_unimodal, posteriors_on_pairs
from .discretize import Discretizer, auto_clusters
from .features import estimate_features, needs_features
from .samples import MIN_SAMPLES_PER_CELL, estimate_samples, samples_per_cell
from .truth import true_interactions

__all__ = [
    "Discretizer",
    "auto_clusters",
    "UnimodalClassifier",
    "fit_unimodal",
    "posteriors_on_pairs",
    "estimate_samples",
    "estimate_features",
    "needs_features",
    "samples_per_cell",
    "true_interactions",
    "MIN_SAMPLES_PER_CELL",
]
