"""The linear probe that scores frozen representations (:func:`linear_probe`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import _to_numpy, check_features, check_scalar

__all__ = ["linear_probe"]


def linear_probe(
    features_train: Any,
    y_train: Any,
    features_test: Any,
    y_test: Any,
    *,
    C: float = 1.0,
    max_iter: int = 5000,
) -> float:
    """Accuracy of a linear classifier trained on frozen features (the standard SSL probe).

    Parameters
    ----------
    features_train, features_test : array_like, shapes (n_train, d), (n_test, d)
        Frozen representations (e.g. :meth:`Encoder.transform`).
    y_train, y_test : array_like
        Labels.
    C : float
        Inverse L2 strength of the multinomial logistic regression (features standardized with
        training statistics).
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
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    check_scalar(C, name="C", min_val=0.0, include_min=False)
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
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=float(C), max_iter=int(max_iter)))
    clf.fit(f_tr, y_tr)
    return float(np.mean(clf.predict(f_te) == y_te))
