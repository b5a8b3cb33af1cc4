"""Unimodal classifiers ``f_i(x_i) ~ p(y | x_i)`` and their posteriors on unlabeled pairs.

The disagreement lower bound on synergy (DESIGN.md §3, paper Thm 2) needs two unimodal
classifiers, each trained on its labeled data ``D_i``, evaluated on the paired unlabeled samples
``DM``. This module trains them (a scaled logistic regression, a small torch MLP, the empirical
conditional table of discrete codes, or any object with ``fit``/``predict_proba``) and returns their
class posteriors on the pairs with columns aligned to one label order. The disagreement itself and
the bounds live in :mod:`mmbounds.bounds`.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), Theorem 2.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import (
    _to_numpy,
    check_features,
    check_labels,
    check_posteriors,
    check_random_state,
    check_scalar,
)
from ..exceptions import EstimationWarning
from ._mlp import fit_mlp

__all__ = ["UnimodalClassifier", "fit_unimodal", "posteriors_on_pairs"]

_MAX_SEED = 2**31 - 1


class UnimodalClassifier:
    """A fitted unimodal classifier whose ``predict_proba`` columns follow ``classes_``.

    Instances come from :func:`fit_unimodal`; they are not meant to be built directly.

    Attributes
    ----------
    classes_ : ndarray
        Label order of the probability columns.
    model : str
        ``"linear"``, ``"mlp"``, ``"empirical"`` or ``"custom"``.
    estimator_ : object
        The underlying fitted model.
    n_features_in_ : int
        Number of features (1 for a discrete column).

    Examples
    --------
    >>> clf = fit_unimodal(np.array([[0.0], [0.1], [1.0], [1.1]]), ["a", "a", "b", "b"])
    >>> clf.classes_.tolist(), clf.model, clf.n_features_in_
    (['a', 'b'], 'linear', 1)
    >>> clf.predict(np.array([[0.05], [1.05]])).tolist()
    ['a', 'b']
    """

    def __init__(
        self,
        estimator: Any,
        classes: np.ndarray,
        columns: np.ndarray,
        model: str,
        n_features: int,
        discrete: bool,
        n_outputs: int | None = None,
    ) -> None:
        self.estimator_ = estimator
        self._n_outputs = n_outputs  # columns of the model's predict_proba
        self.classes_ = classes
        self._columns = columns  # columns[j] = estimator column of classes_[j], or -1
        self.model = model
        self.n_features_in_ = n_features
        self._discrete = discrete

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape ``(n_samples, len(classes_))``, rows summing to 1.

        Classes absent from the training labels get probability 0.

        Parameters
        ----------
        X : array_like
            Samples of the modality the classifier was fitted on.

        Returns
        -------
        ndarray of float64
        """
        arr = check_features(X, name="X", kind="codes" if self._discrete else "continuous")
        if not self._discrete and arr.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {arr.shape[1]} features but the classifier was fitted with "
                f"{self.n_features_in_}"
            )
        # the model's own output is checked like user posteriors: one row per sample, one column
        # per class of the model, probabilities summing to 1 (never clipped into shape)
        raw = check_posteriors(
            self.estimator_.predict_proba(arr),
            name=f"predict_proba of the {self.model} model",
            n_samples=arr.shape[0],
            n_classes=self._n_outputs,
        )
        out = np.zeros((raw.shape[0], self.classes_.size))
        present = self._columns >= 0
        out[:, present] = raw[:, self._columns[present]]
        return out

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class for each sample.

        Parameters
        ----------
        X : array_like
            Samples of the modality the classifier was fitted on.

        Returns
        -------
        ndarray
            One entry of ``classes_`` per sample.
        """
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __repr__(self) -> str:
        return (
            f"UnimodalClassifier(model={self.model!r}, n_classes={self.classes_.size}, "
            f"n_features_in={self.n_features_in_})"
        )


def fit_unimodal(
    X: Any,
    y: Any,
    *,
    model: str | Any = "linear",
    classes: Sequence[Any] | np.ndarray | None = None,
    model_params: dict[str, Any] | None = None,
    random_state: int | np.random.Generator | None = None,
) -> UnimodalClassifier:
    """Train a classifier of ``y`` from one modality.

    Parameters
    ----------
    X : array_like or torch.Tensor, shape (n_samples, n_features) or (n_samples,)
        Features of one modality (a 1-D array is a discrete column of codes).
    y : array_like, shape (n_samples,)
        Labels.
    model : {"linear", "mlp", "empirical"} or estimator
        ``"linear"``: ``StandardScaler`` + ``LogisticRegression``; ``"mlp"``: a small torch MLP
        (standardized inputs, ReLU hidden layers, Adam, cross-entropy); ``"empirical"``: for a
        discrete 1-D ``X``, the training frequencies ``p(y | x)`` (the Bayes classifier of the
        discretized sample; unseen codes get the class prior); or any object with ``fit(X, y)``
        and ``predict_proba(X)`` (copied, then fitted; its ``classes_`` attribute, if present, gives
        the column order, otherwise sorted labels are assumed).
    classes : sequence or None
        Label order of the output columns; every label in ``y`` must be in it. Default: sorted
        distinct labels of ``y``. Classes missing from ``y`` get probability 0 (with a warning).
    model_params : dict or None
        Extra options: for ``"linear"`` keyword arguments of ``LogisticRegression`` (default
        ``C=1.0, max_iter=2000``); for ``"mlp"`` ``hidden_sizes`` (64,), ``epochs`` 30,
        ``batch_size`` 64, ``lr`` 3e-3, ``weight_decay`` 1e-4; for ``"empirical"`` ``alpha``
        (additive smoothing, default 0).
    random_state : None, int or numpy.random.Generator
        Seeds the model (torch's generator for ``"mlp"``, inside a forked RNG state so the global
        torch seed is left alone).

    Returns
    -------
    UnimodalClassifier
        Fitted; ``predict_proba`` columns follow ``classes_``.

    Raises
    ------
    ValueError
        On mismatched lengths, NaN features, fewer than 2 samples, labels outside ``classes``.
    TypeError
        On an unknown ``model`` or a custom model without ``fit``/``predict_proba``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [0.1], [1.0], [1.1]]); y = np.array(["a", "a", "b", "b"])
    >>> clf = fit_unimodal(X, y, random_state=0)
    >>> clf.classes_.tolist(), clf.predict([[0.05], [1.05]]).tolist()
    (['a', 'b'], ['a', 'b'])
    """
    params = dict(model_params or {})
    y_arr = check_labels(y, name="y", min_size=2)
    discrete = isinstance(model, str) and model == "empirical"
    x_arr = check_features(X, name="X", kind="codes" if discrete else "continuous")
    if x_arr.shape[0] != y_arr.shape[0]:
        raise ValueError(f"X has {x_arr.shape[0]} samples but y has {y_arr.shape[0]}")
    cls = _resolve_classes(y_arr, classes)
    rng = check_random_state(random_state)
    seed = int(rng.integers(0, _MAX_SEED))
    if isinstance(model, str):
        if model == "linear":
            est = _fit_linear(x_arr, y_arr, seed, params)
        elif model == "mlp":
            est = fit_mlp(x_arr, y_arr, seed, params)
        elif model == "empirical":
            est = _EmpiricalClassifier(**params).fit(x_arr, y_arr)
        else:
            raise ValueError(
                f"model must be 'linear', 'mlp', 'empirical' or an estimator, got {model!r}"
            )
        name = model
    else:
        if not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
            raise TypeError(
                f"model must have fit() and predict_proba(), got {type(model).__name__}"
            )
        if params:
            raise TypeError("model_params is only used with the built-in models")
        est = _clone(model)
        est.fit(x_arr, y_arr)
        name = "custom"
    est_classes = np.asarray(getattr(est, "classes_", np.unique(y_arr)))
    unknown = [c for c in est_classes.tolist() if _index_of(cls, c) < 0]
    if unknown:
        raise ValueError(
            f"the {name} model's classes_ {est_classes.tolist()} include {unknown}, which are not "
            f"labels of y ({cls.tolist()}); fit it on these labels"
        )
    columns = np.array([_index_of(est_classes, c) for c in cls], dtype=np.int64)
    n_features = 1 if x_arr.ndim == 1 else int(x_arr.shape[1])
    return UnimodalClassifier(
        est, cls, columns, name, n_features, discrete, n_outputs=int(est_classes.size)
    )


def posteriors_on_pairs(
    f1: Any,
    f2: Any,
    X1u: Any,
    X2u: Any,
    classes: Sequence[Any] | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Posteriors of both unimodal classifiers on unlabeled pairs, columns in ``classes`` order.

    Parameters
    ----------
    f1, f2 : UnimodalClassifier or estimator
        Fitted classifiers of modality 1 and 2 (anything with ``predict_proba`` and ``classes_``).
    X1u, X2u : array_like
        Paired unlabeled samples (row ``i`` of both is one pair), ``n_pairs`` rows each.
    classes : sequence
        Label order of the output columns; each classifier's classes must be among them.

    Returns
    -------
    (P1, P2) : tuple of ndarray of float64, each shape (n_pairs, n_classes)
        ``P1[i] = f1(x1_i)`` and ``P2[i] = f2(x2_i)``; rows sum to 1.

    Raises
    ------
    ValueError
        If the pair counts differ or a classifier knows a class outside ``classes``.

    Examples
    --------
    >>> import numpy as np
    >>> f = fit_unimodal(np.array([0, 0, 1, 1]), np.array([0, 0, 1, 1]), model="empirical")
    >>> P1, P2 = posteriors_on_pairs(f, f, np.array([0, 1]), np.array([1, 1]), classes=[1, 0])
    >>> P1.tolist(), P2.tolist()
    ([[0.0, 1.0], [1.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]])
    """
    cls = _resolve_classes(None, classes)
    n1, n2 = _n_rows(X1u, "X1u"), _n_rows(X2u, "X2u")
    if n1 != n2:
        raise ValueError(f"X1u has {n1} rows but X2u has {n2}; they must be paired samples")
    out = []
    for f, X, name in ((f1, X1u, "f1"), (f2, X2u, "f2")):
        if not hasattr(f, "predict_proba"):
            raise TypeError(f"{name} must have predict_proba(), got {type(f).__name__}")
        f_classes = getattr(f, "classes_", None)
        if f_classes is None:
            raise TypeError(f"{name} has no classes_ attribute; fit it first")
        f_classes = np.asarray(f_classes)
        extra = [c for c in f_classes.tolist() if _index_of(cls, c) < 0]
        if extra:
            raise ValueError(f"{name} predicts classes {extra} that are not in classes")
        raw = check_posteriors(
            f.predict_proba(X), name=f"{name}.predict_proba", n_samples=n1, n_classes=f_classes.size
        )
        probs = np.zeros((n1, cls.size))
        for j, c in enumerate(f_classes.tolist()):
            probs[:, _index_of(cls, c)] = raw[:, j]
        out.append(probs)
    return out[0], out[1]


# --------------------------------------------------------------------------------------------------
# helpers


def _n_rows(X: Any, name: str) -> int:
    arr = np.asarray(_to_numpy(X))
    if arr.ndim == 0:
        raise ValueError(f"{name} must be an array of samples, got a scalar")
    return int(arr.shape[0])


def _resolve_classes(y: np.ndarray | None, classes: Any) -> np.ndarray:
    """The output label order; checks that every label of ``y`` is in it."""
    if classes is None:
        return np.unique(y)
    cls = check_labels(classes, name="classes", min_size=1)
    if np.unique(cls).size != cls.size:
        raise ValueError(f"classes has repeated entries: {cls.tolist()}")
    if y is not None:
        unknown = [c for c in np.unique(y).tolist() if _index_of(cls, c) < 0]
        if unknown:
            raise ValueError(f"y has labels {unknown} that are not in classes {cls.tolist()}")
        missing = [c for c in cls.tolist() if not np.any(y == c)]
        if missing:
            warnings.warn(
                f"{len(missing)} of {cls.size} classes never occur in y ({missing}); "
                "their predicted probability is 0",
                EstimationWarning,
                stacklevel=3,
            )
    return cls


def _index_of(values: np.ndarray, item: Any) -> int:
    hits = np.flatnonzero(values == item)
    return int(hits[0]) if hits.size else -1


def _clone(model: Any) -> Any:
    try:
        from sklearn.base import clone

        return clone(model)
    except (TypeError, RuntimeError):  # not a scikit-learn estimator
        return copy.deepcopy(model)


def _fit_linear(X: np.ndarray, y: np.ndarray, seed: int, params: dict[str, Any]) -> Any:
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    options = {"C": 1.0, "max_iter": 2000, **params}
    options.setdefault("random_state", seed)
    model = LogisticRegression(**options)  # an unknown model_params key fails here
    check = getattr(model, "_validate_params", None)  # scikit-learn >= 1.2
    if check is not None:
        check()  # and a bad value here, also when the fallback below is taken
    if np.unique(y).size < 2:
        # one class seen (the classes it lacks are warned about): probability 1 whatever X,
        # as the mlp's softmax over one output gives
        return DummyClassifier(strategy="prior").fit(X, y)
    return make_pipeline(StandardScaler(), model).fit(X, y)


class _EmpiricalClassifier:
    """``p(y | x)`` from training counts of a discrete column (``alpha``: additive smoothing)."""

    def __init__(self, alpha: float = 0.0) -> None:
        self.alpha = float(check_scalar(alpha, name="alpha", min_val=0.0))

    def fit(self, x: np.ndarray, y: np.ndarray) -> _EmpiricalClassifier:
        self.categories_, xi = np.unique(x, return_inverse=True)
        self.classes_, yi = np.unique(y, return_inverse=True)
        counts = np.zeros((self.categories_.size, self.classes_.size))
        np.add.at(counts, (xi.ravel(), yi.ravel()), 1.0)
        counts += self.alpha
        self.table_ = counts / counts.sum(axis=1, keepdims=True)
        self.prior_ = np.bincount(yi.ravel(), minlength=self.classes_.size) / yi.size
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        idx = np.clip(np.searchsorted(self.categories_, x), 0, self.categories_.size - 1)
        seen = self.categories_[idx] == x
        out = np.tile(self.prior_, (x.shape[0], 1))
        out[seen] = self.table_[idx[seen]]
        return out
