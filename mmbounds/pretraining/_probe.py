"""The linear probe that scores frozen representations (:func:`linear_probe`), and the
cross-validated choice of its regularisation (shared with
:func:`~mmbounds.pretraining.fit_routed`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._validation import _to_numpy, check_features, check_scalar

__all__ = ["linear_probe", "DEFAULT_CS"]

#: Grid of inverse L2 strengths searched when ``C="cv"``.
DEFAULT_CS: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0)


def _n_folds(y: np.ndarray, max_folds: int = 3) -> int:
    """Stratified folds the labels allow (0 when cross-validation is impossible)."""
    _, counts = np.unique(y, return_counts=True)
    k = int(min(max_folds, counts.min())) if counts.size > 1 else 0
    return k if k >= 2 else 0


def check_cs(Cs: Any) -> None:
    """Raise unless ``Cs`` is a non-empty sequence of positive numbers (the probe's grid of C).

    Parameters
    ----------
    Cs : sequence of float
        The candidate inverse regularisation strengths.

    Returns
    -------
    None
    """
    try:
        bad = not len(Cs) or any(not float(c) > 0 for c in Cs)
    except (TypeError, ValueError):
        bad = True
    if bad:
        raise ValueError(f"Cs must be a non-empty sequence of positive numbers, got {Cs!r}")


def _choose_C(
    fit_score: Callable[[float, np.ndarray, np.ndarray], float],
    y: np.ndarray,
    Cs: Sequence[float],
    seed: int = 0,
) -> float:
    """The C of ``Cs`` with the best mean held-out accuracy over stratified folds of ``y``.

    ``fit_score(C, train_idx, test_idx)`` trains on ``train_idx`` and returns the accuracy on
    ``test_idx``. Ties go to the earlier entry of ``Cs`` (the stronger regularisation for an
    ascending grid such as :data:`DEFAULT_CS`); without enough labels for two folds the middle of
    the grid is returned.
    """
    from sklearn.model_selection import StratifiedKFold

    Cs = [float(c) for c in Cs]
    k = _n_folds(y)
    if k == 0:
        return Cs[len(Cs) // 2]
    folds = list(StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(y.size), y))
    scores = [np.mean([fit_score(C, tr, te) for tr, te in folds]) for C in Cs]
    return Cs[int(np.argmax(scores))]


def linear_probe(
    features_train: Any,
    y_train: Any,
    features_test: Any,
    y_test: Any,
    *,
    C: float | str = 1.0,
    Cs: Sequence[float] = DEFAULT_CS,
    max_iter: int = 5000,
) -> float:
    """Accuracy of a linear classifier trained on frozen features (the standard SSL probe).

    Parameters
    ----------
    features_train, features_test : array_like, shapes (n_train, d), (n_test, d)
        Frozen representations (e.g. :meth:`Encoder.transform`).
    y_train, y_test : array_like
        Labels.
    C : float or "cv"
        Inverse L2 strength of the multinomial logistic regression (features standardized with
        training statistics); ``"cv"`` chooses it from ``Cs`` by stratified 3-fold
        cross-validation on the training rows only (fewer folds when a class has fewer rows).
    Cs : sequence of float
        The grid searched when ``C="cv"``.
    max_iter : int
        L-BFGS iterations.

    Returns
    -------
    float
        Test accuracy in ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [0.2], [1.0], [1.2]]); y = np.array([0, 0, 1, 1])
    >>> linear_probe(X, y, X, y)
    1.0
    >>> linear_probe(X, y, X, y, C="cv")
    1.0
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if isinstance(C, str):
        if C != "cv":
            raise ValueError(f"C == {C!r}: pass a positive number or 'cv'")
    else:
        check_scalar(C, name="C", min_val=0.0, include_min=False)
    check_cs(Cs)
    f_tr = check_features(features_train, name="features_train", kind="continuous")
    f_te = check_features(
        features_test, name="features_test", kind="continuous", n_features=f_tr.shape[1]
    )
    y_tr, y_te = np.asarray(_to_numpy(y_train)), np.asarray(_to_numpy(y_test))
    if y_tr.shape != (f_tr.shape[0],) or y_te.shape != (f_te.shape[0],):
        raise ValueError(
            f"labels must be 1-D and match the feature rows: y_train {y_tr.shape} for "
            f"{f_tr.shape[0]} rows, y_test {y_te.shape} for {f_te.shape[0]} rows"
        )
    if np.unique(y_tr).size < 2:
        raise ValueError("y_train needs at least 2 classes for a probe")

    def model(c: float) -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=int(max_iter)))

    def fit_score(c: float, tr: np.ndarray, te: np.ndarray) -> float:
        return float(model(c).fit(f_tr[tr], y_tr[tr]).score(f_tr[te], y_tr[te]))

    c = _choose_C(fit_score, y_tr, Cs) if isinstance(C, str) else float(C)
    clf = model(c).fit(f_tr, y_tr)
    return float(np.mean(clf.predict(f_te) == y_te))
