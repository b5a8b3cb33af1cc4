"""The exact PID of discretized *labeled* multimodal samples: the truth the bounds are checked on.

It needs labeled multimodal data, which the estimator never sees; the same fitted discretizers map
the samples so that the truth and the bounds refer to the same discrete variables.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from .._pid import pid
from .._validation import check_features, check_labels, check_random_state
from ..marginals import categories_of
from ..results import EstimateResult, PIDResult
from ._discretizers import codes_of, fit_discretizer, is_discrete_column, resolve_discretizers

__all__ = ["true_interactions"]

_MAX_SEED = 2**31 - 1


def _joint_counts(
    c1: np.ndarray, c2: np.ndarray, y: np.ndarray, cats: tuple[Sequence[Hashable], ...]
) -> np.ndarray:
    idx = []
    for col, cat in zip((c1, c2, y), cats):
        lookup = {v: i for i, v in enumerate(cat)}
        idx.append(
            np.fromiter((lookup[v] for v in col.tolist()), dtype=np.int64, count=col.shape[0])
        )
    p = np.zeros(tuple(len(c) for c in cats))
    np.add.at(p, tuple(idx), 1.0)
    return p


def true_interactions(
    X1: Any,
    X2: Any,
    y: Any,
    *,
    like: EstimateResult | None = None,
    discretizer: Any = None,
    random_state: Any = 0,
    solver: str = "auto",
    tol: float = 1e-9,
) -> PIDResult:
    """Exact PID of the discretized labeled multimodal joint ``p(x1, x2, y)`` (bits).

    The "truth" the bounds are validated against (it needs labeled multimodal data, which the
    estimator never sees).

    Parameters
    ----------
    X1, X2 : array_like or torch.Tensor, shape (n, d1), (n, d2) or (n,)
        Labeled multimodal samples (row ``i`` of both is one sample).
    y : array_like, shape (n,)
        Their labels.
    like : EstimateResult, optional
        A result of the raw-data pipeline; its fitted discretizers (``like.extras``) map ``X1``,
        ``X2`` so that the truth and the bounds refer to the same discrete variables. Its
        categories of x1, x2, y are kept (a category unseen here has probability 0).
    discretizer : None, dict, Discretizer or pair
        Used only without ``like``: discretizers fitted here on ``X1`` and ``X2`` (as in
        :func:`estimate_features`; discrete 1-D columns pass through).
    random_state : None, int or numpy.random.Generator, default 0
        Seeds the discretizers fitted here.
    solver, tol :
        BROJA solver options of :func:`mmbounds.pid`.

    Returns
    -------
    PIDResult
        R, U1, U2 and the true S of the discretized joint.

    Raises
    ------
    ValueError
        On NaN features, mismatched lengths, fewer than 2 samples, or ``like`` without discretizers.

    Examples
    --------
    >>> import numpy as np
    >>> x1 = np.array([0, 0, 1, 1] * 5); x2 = np.array([0, 1, 0, 1] * 5)
    >>> round(true_interactions(x1, x2, x1 ^ x2).synergy, 4)
    1.0
    """
    a = check_features(X1, name="X1", min_samples=2)
    b = check_features(X2, name="X2", min_samples=2)
    if y is None:
        raise ValueError("y (labels) is missing; the true interactions need labeled pairs")
    lab = check_labels(y, name="y", min_size=2)
    if not (a.shape[0] == b.shape[0] == lab.shape[0]):
        raise ValueError(
            f"X1, X2 and y must have the same length, got {a.shape[0]}, {b.shape[0]}, "
            f"{lab.shape[0]}"
        )
    if like is not None and not isinstance(like, EstimateResult):
        raise TypeError(
            "like must be an EstimateResult of the raw-data pipeline (estimate() with x1=, x2=, "
            f"paired= samples), got {type(like).__name__}"
        )
    if like is not None:
        discs = like.extras.get("discretizers") if like.extras else None
        if discs is None:
            raise ValueError(
                "like has no fitted discretizers in extras; pass a result of the raw-data "
                "pipeline (estimate() with x1=, x2=, paired= samples and continuous features)"
            )
        c = []
        for d, x in zip(discs, (a, b)):
            c.append(x if d is None else codes_of(d, x))
        base = like.marginals.categories
        cats = tuple(
            categories_of(base[i], np.unique(v).tolist()) for i, v in enumerate((c[0], c[1], lab))
        )
    else:
        rng = check_random_state(random_state)
        seeds = [int(s) for s in rng.integers(0, _MAX_SEED, size=2)]
        templates = resolve_discretizers(discretizer)
        c = []
        for i, x in enumerate((a, b)):
            if discretizer is None and is_discrete_column(x):
                c.append(x)
            else:
                c.append(codes_of(fit_discretizer(templates[i], (x,), seeds[i]), x))
        cats = tuple(categories_of(np.unique(v).tolist()) for v in (c[0], c[1], lab))
    p = _joint_counts(c[0], c[1], lab, cats)
    return pid(p, normalize=True, solver=solver, tol=tol)
