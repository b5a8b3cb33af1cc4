"""Loss terms and objective presets of :func:`pretrain`, and the disagreement scores weighting them.

:data:`SSL_TERMS` names the terms (and the strengths of the disagreement weighting),
:data:`OBJECTIVES` the preset weights of each objective, and :func:`disagreement_scores` the
total-variation distance between two unimodal posteriors; the private helpers check the
``weights=`` and ``posteriors=`` arguments of :func:`~mmbounds.pretraining.pretrain`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._validation import check_posteriors, check_scalar

__all__ = ["OBJECTIVES", "SSL_TERMS", "disagreement_scores"]

#: tolerance of the posteriors' row sums (and negative entries): trained networks' float32 softmax
_ATOL = 1e-4

#: Loss terms and the strengths of the disagreement weighting (defaults of ``"combined"``).
SSL_TERMS: dict[str, float] = {
    "align": 1.0,
    "retain": 1.0,
    "match": 0.5,
    "distill": 0.5,
    "align_disagreement": 1.0,
    "match_disagreement": 1.0,
}
#: Preset weights of each objective (``weights=`` overrides entries).
OBJECTIVES: dict[str, dict[str, float]] = {
    "combined": dict(SSL_TERMS),
    "contrastive": {k: (1.0 if k == "align" else 0.0) for k in SSL_TERMS},
    "none": {k: 0.0 for k in SSL_TERMS},
}


def disagreement_scores(p1: Any, p2: Any) -> np.ndarray:
    """Total-variation distance between two unimodal posteriors, pair by pair.

    Parameters
    ----------
    p1, p2 : array_like, shape (n_pairs, n_classes)
        ``f1(x1_i)`` and ``f2(x2_i)``, rows summing to 1 (columns in the same label order).

    Returns
    -------
    ndarray, shape (n_pairs,)
        ``delta_i = 1/2 sum_y |f1(x1_i)_y - f2(x2_i)_y|`` in ``[0, 1]``.

    Examples
    --------
    >>> disagreement_scores([[1.0, 0.0], [0.5, 0.5]], [[0.0, 1.0], [0.5, 0.5]]).tolist()
    [1.0, 0.0]
    """
    a = check_posteriors(p1, name="p1", atol=_ATOL)
    b = check_posteriors(p2, name="p2", n_samples=a.shape[0], n_classes=a.shape[1], atol=_ATOL)
    return np.clip(0.5 * np.abs(a - b).sum(axis=1), 0.0, 1.0)


def _resolve_posteriors(
    posteriors: Any, x1: np.ndarray, x2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(posteriors, (tuple, list)) or len(posteriors) != 2:
        raise TypeError("posteriors must be a pair (f1, f2) of arrays or fitted classifiers")
    out = []
    for i, (p, x) in enumerate(zip(posteriors, (x1, x2), strict=True)):
        if hasattr(p, "predict_proba"):
            p = p.predict_proba(x)
        out.append(check_posteriors(p, name=f"posteriors[{i}]", n_samples=x.shape[0], atol=_ATOL))
    if out[0].shape != out[1].shape:
        raise ValueError(f"posteriors disagree in shape: {out[0].shape} vs {out[1].shape}")
    return out[0], out[1]


def _resolve_weights(objective: str, weights: Mapping[str, float] | None) -> dict[str, float]:
    w = dict(OBJECTIVES[objective])
    for k, v in (weights or {}).items():
        if k not in SSL_TERMS:
            raise ValueError(f"weights: unknown term {k!r}; choose from {list(SSL_TERMS)}")
        w[k] = float(check_scalar(v, name=f"weights[{k!r}]", min_val=0.0))
    for k in ("align_disagreement",):
        if w[k] > 1.0:
            raise ValueError(f"weights[{k!r}] == {w[k]}, must be <= 1 (alignment weights >= 0)")
    return w
