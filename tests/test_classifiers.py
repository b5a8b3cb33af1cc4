"""Tests of mmbounds.raw.classifiers: unimodal classifiers and posteriors on pairs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.naive_bayes import GaussianNB

from mmbounds.exceptions import EstimationWarning
from mmbounds.raw.classifiers import UnimodalClassifier, fit_unimodal, posteriors_on_pairs


def _data(n=300, seed=0, n_classes=3):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n)
    X = rng.normal(size=(n, 4))
    X[:, 0] += 3.0 * y
    return X, y


def test_linear_fits_and_aligns_to_given_class_order():
    X, y = _data()
    clf = fit_unimodal(X, y, random_state=0)
    assert isinstance(clf, UnimodalClassifier) and clf.classes_.tolist() == [0, 1, 2]
    assert np.mean(clf.predict(X) == y) > 0.85
    rev = fit_unimodal(X, y, classes=[2, 1, 0], random_state=0)
    p, q = clf.predict_proba(X), rev.predict_proba(X)
    assert np.allclose(q, p[:, ::-1])
    assert np.allclose(p.sum(axis=1), 1.0)


def test_missing_class_gets_zero_probability_with_warning():
    X, y = _data(n_classes=2)
    with pytest.warns(EstimationWarning, match=r"1 of 3 classes never occur in y \(\[7\]\)"):
        clf = fit_unimodal(X, y, classes=[0, 1, 7], random_state=0)
    p = clf.predict_proba(X)
    assert p.shape == (X.shape[0], 3) and np.all(p[:, 2] == 0.0)
    assert np.allclose(p.sum(axis=1), 1.0)


@pytest.mark.parametrize("model", ["linear", "mlp"])
def test_a_single_class_gets_probability_one_with_warning(model):
    # before: "linear" ended in scikit-learn's "needs samples of at least 2 classes"
    X, _ = _data()
    with pytest.warns(EstimationWarning, match=r"1 of 2 classes never occur in y \(\[1\]\)"):
        clf = fit_unimodal(X, np.zeros(len(X), int), model=model, classes=[0, 1], random_state=0)
    assert np.allclose(clf.predict_proba(X[:5]), [[1.0, 0.0]] * 5)
    # the fallback still checks model_params (a typo passed silently before on one class)
    bads = [{"CC": 1.0}, {"C": -1.0}] if model == "linear" else [{"epochz": 3}, {"epochs": -3}]
    for bad in bads:
        with pytest.raises((TypeError, ValueError)), warnings.catch_warnings():
            warnings.simplefilter("ignore", EstimationWarning)
            fit_unimodal(X, np.zeros(len(X), int), model=model, model_params=bad, classes=[0, 1])


def test_empirical_is_the_conditional_frequency_table():
    x = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    y = np.array(["a", "a", "b", "b", "b", "a", "b", "b", "b"])
    clf = fit_unimodal(x, y, model="empirical")
    p = clf.predict_proba(np.array([0, 1, 2, 9]))
    assert np.allclose(p[0], [2 / 3, 1 / 3]) and np.allclose(p[1], [0, 1])
    assert np.allclose(p[2], [1 / 4, 3 / 4])
    assert np.allclose(p[3], [3 / 9, 6 / 9])  # unseen code: class prior
    smooth = fit_unimodal(x, y, model="empirical", model_params={"alpha": 1.0})
    assert np.allclose(smooth.predict_proba(np.array([1])), [[1 / 4, 3 / 4]])
    with pytest.raises(ValueError, match="X must be a 1-D column of discrete codes"):
        fit_unimodal(np.zeros((9, 2)), y, model="empirical")


def test_mlp_is_seeded_accurate_and_leaves_global_rng_alone():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    X, y = _data(n=240)
    state = torch.get_rng_state()
    params = {"epochs": 60, "hidden_sizes": (16,)}
    a = fit_unimodal(X, y, model="mlp", model_params=params, random_state=5)
    b = fit_unimodal(X, y, model="mlp", model_params=params, random_state=5)
    assert torch.equal(state, torch.get_rng_state())
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X))
    assert np.mean(a.predict(X) == y) > 0.85
    c = fit_unimodal(X, y, model="mlp", model_params=params, random_state=6)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))
    assert a.predict_proba(torch.as_tensor(X)).shape == (240, 3)
    with pytest.raises(TypeError, match="unknown mlp options"):
        fit_unimodal(X, y, model="mlp", model_params={"depth": 3})


def test_custom_estimator_is_copied_and_aligned():
    X, y = _data()
    proto = GaussianNB()
    clf = fit_unimodal(X, y, model=proto, classes=[1, 0, 2])
    assert not hasattr(proto, "classes_")  # the user's object is left unfitted
    ref = GaussianNB().fit(X, y).predict_proba(X)
    assert np.allclose(clf.predict_proba(X), ref[:, [1, 0, 2]])
    with pytest.raises(TypeError, match="must have fit\\(\\) and predict_proba\\(\\)"):
        fit_unimodal(X, y, model=object())


class _Fixed:
    """A custom model whose predict_proba returns ``rows`` (tiled) and whose classes are given."""

    def __init__(self, rows, classes=None):
        self.rows, self.classes = rows, classes

    def fit(self, X, y):
        self.classes_ = np.unique(y) if self.classes is None else np.asarray(self.classes)
        return self

    def predict_proba(self, X):
        return np.tile(self.rows, (len(X), 1)) if np.ndim(self.rows) else np.full(len(X), 0.5)


@pytest.mark.parametrize(
    "rows,classes,exc,match",
    [
        ([0.4, 0.6, 1.0], None, ValueError, "must sum to 1 \\(worst row sums to 2"),  # renormalized
        ([1.5, -0.5, 0.0], None, ValueError, "negative probabilities"),  # clipped
        ([0.2, 0.3, 0.4, 0.1], None, ValueError, "has 4 columns but"),  # silently accepted
        ([1.0], None, ValueError, "has 1 columns but"),  # IndexError
        (0.5, None, ValueError, "must be 2-D"),  # IndexError
        ([0.5, 0.5], [5, 6], ValueError, "classes_ \\[5, 6\\] include \\[5, 6\\]"),
    ],
)
def test_custom_model_output_is_checked_like_posteriors(rows, classes, exc, match):
    X, y = _data()
    with pytest.raises(exc, match=match):
        fit_unimodal(X, y, model=_Fixed(rows, classes)).predict_proba(X)


def test_posteriors_on_pairs_alignment_and_shapes():
    X, y = _data()
    f1 = fit_unimodal(X[:, :2], y, random_state=0)
    f2 = fit_unimodal(X[:, 2:], y, model=GaussianNB(), classes=[2, 0, 1])
    X1u, X2u = X[:50, :2], X[:50, 2:]
    P1, P2 = posteriors_on_pairs(f1, f2, X1u, X2u, classes=[0, 1, 2])
    assert P1.shape == (50, 3) and P2.shape == (50, 3)
    assert np.allclose(P1, f1.predict_proba(X1u))
    assert np.allclose(P2, f2.predict_proba(X2u)[:, [1, 2, 0]])
    assert np.allclose(P1.sum(axis=1), 1) and np.allclose(P2.sum(axis=1), 1)
    # a plain scikit-learn estimator works too; a wider label set gives zero columns
    raw = GaussianNB().fit(X[:, 2:], y)
    _, Q2 = posteriors_on_pairs(f1, raw, X1u, X2u, classes=[0, 1, 2, 3])
    assert Q2.shape == (50, 4) and np.all(Q2[:, 3] == 0)


def test_posteriors_on_pairs_errors():
    X, y = _data()
    f = fit_unimodal(X, y, random_state=0)
    with pytest.raises(ValueError, match="X1u has 5 rows but X2u has 4"):
        posteriors_on_pairs(f, f, X[:5], X[:4], classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"f1 predicts classes \[2\] that are not in classes"):
        posteriors_on_pairs(f, f, X[:5], X[:5], classes=[0, 1])
    with pytest.raises(TypeError, match="f2 has no classes_"):
        posteriors_on_pairs(f, GaussianNB(), X[:5], X[:5], classes=[0, 1, 2])


@pytest.mark.parametrize(
    "X,y,kwargs,exc,match",
    [
        (np.zeros((4, 2)), [0, 1, 0], {}, ValueError, "X has 4 samples but y has 3"),
        (np.array([[np.nan], [1.0]]), [0, 1], {}, ValueError, "X contains 1 NaN"),
        (np.zeros((1, 2)), [0], {}, ValueError, "y has 1 samples; at least 2"),
        (
            np.zeros((3, 2)),
            [0, 1, 5],
            {"classes": [0, 1]},
            ValueError,
            r"y has labels \[5\] that are not in classes",
        ),
        (np.zeros((3, 2)), [0, 1, 1], {"model": "forest"}, ValueError, "model must be"),
        (np.array([["a"], ["b"]]), [0, 1], {}, TypeError, "X must be numeric, got dtype <U1"),
        (np.zeros((3, 2)), [0, 1, 1], {"classes": [0, 1, 1]}, ValueError, "repeated entries"),
    ],
)
def test_fit_unimodal_bad_inputs(X, y, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fit_unimodal(X, np.asarray(y), **kwargs)


def test_feature_count_checked_at_predict():
    X, y = _data()
    clf = fit_unimodal(X, y, random_state=0)
    with pytest.raises(ValueError, match="X has 2 features but the classifier was fitted with 4"):
        clf.predict_proba(X[:, :2])
