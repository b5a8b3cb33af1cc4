"""Unimodal classifiers of the feature layer: posteriors of f1 (trained on D1) and f2 (on D2) on DM.

Disagreement bounds computed from them are estimates (``guaranteed=False``), never used for
``synergy_lower``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import _to_numpy
from ._discretizers import is_discrete_column
from .classifiers import fit_unimodal, posteriors_on_pairs

__all__ = ["CLASSIFIER_NOTE", "classifier_posteriors", "as_float_pair"]

CLASSIFIER_NOTE = (
    "disagreement bounds '*_classifiers' use trained unimodal classifiers on the paired samples: "
    "they are estimates, not guarantees, and never enter synergy_lower"
)


def classifier_posteriors(
    classifier: Any,
    raw: tuple[np.ndarray, ...],
    codes: tuple[np.ndarray, ...],
    classes: np.ndarray,
    seeds: Sequence[int],
) -> tuple[tuple[np.ndarray, np.ndarray], dict[str, Any]]:
    """Train f1 on D1, f2 on D2; posteriors on DM (columns in ``classes`` order).

    Parameters
    ----------
    classifier : str or estimator
        ``"linear"``, ``"mlp"``, ``"empirical"`` or an object with ``fit`` and ``predict_proba``.
    raw : tuple of ndarray
        ``(X1, y1, X2, y2, X1u, X2u)``, the validated samples.
    codes : tuple of ndarray
        Discrete codes ``(c1, c2, c1u, c2u)`` (used by discrete modalities).
    classes : ndarray
        The label values, in column order.
    seeds : sequence of int
        One seed per modality.

    Returns
    -------
    posteriors : pair of ndarray, shape (n_pairs, n_classes)
        ``f1`` and ``f2`` on the paired samples.
    info : dict
        ``kind``, ``models``, ``kinds``, ``guaranteed=False`` and ``note``.
    """

    x1, y1, x2, y2, x1u, x2u = raw
    c1, c2, c1u, c2u = codes
    if isinstance(classifier, str) and classifier not in ("linear", "mlp", "empirical"):
        raise ValueError(
            f"classifier must be 'linear', 'mlp', 'empirical', None or an object with fit() and "
            f"predict_proba(); got {classifier!r}"
        )
    if not isinstance(classifier, str) and not (
        hasattr(classifier, "fit") and hasattr(classifier, "predict_proba")
    ):
        raise TypeError(
            f"classifier must have fit() and predict_proba(), got {type(classifier).__name__}"
        )
    models, kinds, inputs = [], [], []
    per_modality = ((x1, y1, c1, x1u, c1u, seeds[0]), (x2, y2, c2, x2u, c2u, seeds[1]))
    for x, y, c, xu, cu, seed in per_modality:
        if is_discrete_column(x) or classifier == "empirical":
            # a discrete modality (or an explicit request): p(y | code) from the training counts
            model, train, test, kind = "empirical", c, cu, "empirical"
        else:
            model = classifier
            train = x if x.ndim == 2 else x[:, None]
            test = xu if xu.ndim == 2 else xu[:, None]
            kind = classifier if isinstance(classifier, str) else "custom"
        f = fit_unimodal(train, y, model=model, classes=classes, random_state=seed)
        models.append(f)
        kinds.append(kind)
        inputs.append(test)
    p1, p2 = posteriors_on_pairs(models[0], models[1], inputs[0], inputs[1], classes)
    info = {
        "kind": classifier if isinstance(classifier, str) else type(classifier).__name__,
        "models": tuple(models),
        "kinds": tuple(kinds),
        "guaranteed": False,
        "note": CLASSIFIER_NOTE,
    }
    return (p1, p2), info


def as_float_pair(posteriors: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """Posteriors as a pair of float64 numpy arrays (or None).

    Parameters
    ----------
    posteriors : None or pair of array_like
        numpy arrays or torch tensors.

    Returns
    -------
    pair of ndarray or None
    """
    if posteriors is None:
        return None
    return (
        np.asarray(_to_numpy(posteriors[0]), dtype=np.float64),
        np.asarray(_to_numpy(posteriors[1]), dtype=np.float64),
    )
