"""Tests of mmbounds.raw.discretize.Discretizer."""

from __future__ import annotations

import numpy as np
import pytest

from mmbounds.exceptions import EstimationWarning
from mmbounds.raw.discretize import Discretizer


def _blobs(n_per=60, centers=4, dim=8, seed=0):
    rng = np.random.default_rng(seed)
    means = rng.normal(scale=5.0, size=(centers, dim))
    X = np.vstack([m + rng.normal(scale=0.3, size=(n_per, dim)) for m in means])
    return X, np.repeat(np.arange(centers), n_per)


def test_default_recipe_is_deterministic_with_seed():
    X, _ = _blobs()
    a = Discretizer(n_clusters=20, random_state=0).fit(X)  # the paper's recipe
    b = Discretizer(n_clusters=20, random_state=0, n_threads=1).fit(X)
    assert np.array_equal(a.transform(X), b.transform(X))
    assert a.n_components_ == 5 and a.n_clusters_ == 20 and a.clustering_ == "kmeans"
    assert a.cluster_centers_.shape == (20, 5)
    assert a.cluster_sizes_.sum() == X.shape[0] and a.cluster_sizes_.min() > 0
    assert np.array_equal(np.bincount(a.transform(X), minlength=20), a.cluster_sizes_)
    # the default follows the sample size: floor(sqrt(n / 20)) clusters, at most 20
    auto = Discretizer(random_state=0).fit(X)
    assert auto.n_clusters_ == min(20, int(np.floor(np.sqrt(X.shape[0] / 20)))) == 3


def test_clusters_recover_blobs():
    X, labels = _blobs()
    codes = Discretizer(n_components=3, n_clusters=4, random_state=1, n_threads=1).fit_transform(X)
    # each blob maps to exactly one code and codes differ between blobs
    per_blob = [set(codes[labels == k].tolist()) for k in range(4)]
    assert all(len(s) == 1 for s in per_blob)
    assert len(set.union(*per_blob)) == 4


def test_transform_new_data_and_normalization():
    X, _ = _blobs()
    d = Discretizer(n_components=2, n_clusters=4, random_state=0, n_threads=1).fit(X)
    # row L2-normalization makes codes invariant to rescaling a row
    assert np.array_equal(d.transform(X * 3.0), d.transform(X))
    # ... at any scale float64 holds: squares of 1e300 overflow, of 1e-300 underflow
    for scale in (1e300, 1e-300):
        assert np.array_equal(d.transform(X * scale), d.transform(X))
        far = Discretizer(n_components=2, n_clusters=4, random_state=0, n_threads=1)
        assert np.array_equal(far.fit_transform(X * scale), d.transform(X))
    raw = Discretizer(
        normalize=False, n_components=None, n_clusters=4, random_state=0, n_threads=1
    ).fit(X)
    assert raw.pca_ is None and raw.cluster_centers_.shape == (4, 8)


@pytest.mark.parametrize(
    "values,categories,codes",
    [
        (np.array([3, 1, 3, 7]), [1, 3, 7], [1, 0, 1, 2]),
        (np.array(["b", "a", "b"]), ["a", "b"], [1, 0, 1]),
        (np.array([2.0, 0.0, 2.0]), [0.0, 2.0], [1, 0, 1]),
        (np.array([[5], [4], [5]]), [4, 5], [1, 0, 1]),
        (np.array([True, False, True]), [False, True], [1, 0, 1]),
    ],
)
def test_discrete_columns_pass_through(values, categories, codes):
    d = Discretizer(random_state=0).fit(values)
    assert d.passthrough_ and d.categories_.tolist() == categories
    assert d.transform(values).tolist() == codes
    assert d.n_clusters_ == len(categories)
    assert d.cluster_sizes_.sum() == len(codes)


def test_discrete_unseen_category_raises():
    d = Discretizer().fit(np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="1 values unseen during fit"):
        d.transform(np.array([0, 2]))


def test_one_d_real_values_are_clustered():
    x = np.linspace(0.0, 1.0, 50) + 0.001
    d = Discretizer(n_clusters=5, random_state=0, n_threads=1).fit(x)
    assert not d.passthrough_ and d.n_features_in_ == 1 and d.n_clusters_ == 5
    codes = d.transform(x)
    # 1-D clusters are intervals: codes change exactly 4 times along the sorted line
    assert np.count_nonzero(np.diff(codes)) == 4
    forced = Discretizer(discrete=True).fit(x)
    assert forced.passthrough_ and forced.n_clusters_ == 50


def test_torch_tensor_input_matches_numpy():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    X, _ = _blobs()
    a = Discretizer(random_state=3, n_threads=1).fit(X).transform(X)
    b = (
        Discretizer(random_state=3, n_threads=1)
        .fit(torch.as_tensor(X))
        .transform(torch.as_tensor(X))
    )
    assert np.array_equal(a, b)
    codes = Discretizer().fit_transform(torch.tensor([2, 0, 2]))
    assert codes.tolist() == [1, 0, 1]


def test_pca_components_capped():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    d = Discretizer(n_components=5, n_clusters=4, random_state=0, n_threads=1).fit(X)
    assert d.n_components_ == 3
    small = rng.normal(size=(4, 10))
    with pytest.warns(EstimationWarning, match="only 4 distinct projected rows"):
        s = Discretizer(n_components=5, n_clusters=6, random_state=0, n_threads=1).fit(small)
    assert s.n_components_ == 4 and s.n_clusters_ == 4


def test_too_few_distinct_rows_caps_clusters_without_nan():
    # rows (1, 0) and (2, 0) coincide after L2-normalization
    X = np.repeat(np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]]), 10, axis=0)
    with pytest.warns(EstimationWarning, match="only 2 distinct projected rows for n_clusters=20"):
        d = Discretizer(n_clusters=20, random_state=0, n_threads=1).fit(X)
    assert d.n_clusters_ == 2
    assert np.all(np.isfinite(d.cluster_centers_))
    assert sorted(d.cluster_sizes_.tolist()) == [10, 20]


def test_constant_features_give_one_code_and_only_our_warning():
    # PCA of identical rows divides a zero variance by zero; that must not leak a RuntimeWarning
    for X in (np.ones((30, 4)), np.zeros((30, 4))):
        with pytest.warns(EstimationWarning, match="only 1 distinct projected rows") as rec:
            codes = Discretizer(n_clusters=3, random_state=0, n_threads=1).fit_transform(X)
        assert [w.category for w in rec] == [EstimationWarning]
        assert codes.tolist() == [0] * 30


def test_empty_clusters_are_dropped_with_warning(monkeypatch):
    import sklearn.cluster

    class FarCenterKMeans:
        """Stand-in k-means that returns one center no sample is near (an empty cluster)."""

        def __init__(self, n_clusters, **kwargs):
            self.n_clusters = n_clusters

        def fit(self, z):
            centers = z[: self.n_clusters].copy()
            centers[-1] = 1e6
            self.cluster_centers_ = centers
            return self

    monkeypatch.setattr(sklearn.cluster, "KMeans", FarCenterKMeans)
    X, _ = _blobs()
    with pytest.warns(EstimationWarning, match="dropped 1 empty clusters of 5; 4 codes remain"):
        d = Discretizer(n_clusters=5, clustering="kmeans", random_state=0).fit(X)
    assert d.n_clusters_ == 4 and d.n_dropped_clusters_ == 1
    assert d.cluster_centers_.shape[0] == 4 and d.cluster_sizes_.min() > 0
    assert d.transform(X).max() == 3


def test_auto_clustering_switches_to_minibatch():
    X, _ = _blobs(n_per=100)
    d = Discretizer(n_clusters=4, minibatch_threshold=300, random_state=0, n_threads=1).fit(X)
    assert d.clustering_ == "minibatch"
    assert d.cluster_sizes_.sum() == 400
    again = Discretizer(n_clusters=4, minibatch_threshold=300, random_state=0, n_threads=1).fit(X)
    assert np.array_equal(d.transform(X), again.transform(X))


@pytest.mark.parametrize(
    "kwargs,X,exc,match",
    [
        ({}, np.array([[np.nan, 1.0], [0.0, 1.0]]), ValueError, "1 NaN or infinite"),
        ({}, np.zeros((1, 3)), ValueError, "1 samples; at least 2"),
        ({}, np.zeros((3, 2, 2)), ValueError, "flatten trailing axes"),
        ({}, "abc", TypeError, "array of samples"),
        ({"n_clusters": 0}, np.zeros((3, 2)), ValueError, "n_clusters == 0"),
        ({"n_clusters": 1}, np.zeros((3, 2)), ValueError, "n_clusters == 1, must be >= 2"),
        ({"n_clusters": "lots"}, np.zeros((3, 2)), ValueError, "int >= 2 or 'auto'"),
        ({"clustering": "dbscan"}, np.zeros((3, 2)), ValueError, "clustering must be one of"),
        ({"n_components": 2.5}, np.zeros((3, 2)), TypeError, "n_components must be"),
        ({"discrete": True}, np.zeros((3, 2)), ValueError, "discrete=True needs 1-D"),
        ({"n_threads": 0}, np.zeros((3, 2)), ValueError, "n_threads == 0"),
    ],
)
def test_bad_inputs(kwargs, X, exc, match):
    with pytest.raises(exc, match=match):
        Discretizer(**kwargs).fit(X)


def test_transform_checks():
    with pytest.raises(ValueError, match="not fitted"):
        Discretizer().transform(np.zeros((2, 2)))
    X, _ = _blobs()
    d = Discretizer(n_clusters=4, random_state=0, n_threads=1).fit(X)
    with pytest.raises(ValueError, match="X has 3 features but the Discretizer was fitted with 8"):
        d.transform(np.zeros((2, 3)))


def test_sklearn_clone_and_params():
    from sklearn.base import clone

    d = Discretizer(n_clusters=7, random_state=2)
    c = clone(d)
    assert c.get_params() == d.get_params() and c is not d
    assert c.set_params(n_clusters=3).n_clusters == 3
    with pytest.raises(ValueError, match="invalid parameter 'k'"):
        d.set_params(k=3)


def test_the_few_samples_warning_does_not_suggest_fewer_clusters_at_two():
    # 60 labeled samples per source and 10 classes: 'auto' gives 2 clusters per modality, and the
    # warning told the user to use fewer clusters
    import mmbounds

    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 600)
    x1, x2 = y[:, None] + rng.normal(size=(600, 3)), y[:, None] + rng.normal(size=(600, 3))
    with pytest.warns(mmbounds.EstimationWarning, match="few samples per cell") as rec:
        res = mmbounds.estimate(
            x1=(x1[:60], y[:60]),
            x2=(x2[60:120], y[60:120]),
            paired=(x1[120:], x2[120:]),
            random_state=0,
            confidence=None,
            progress=False,
        )
    assert res.extras["n_clusters"] == (2, 2)
    msg = " ".join(str(w.message) for w in rec if "few samples per cell" in str(w.message))
    assert "already have the fewest clusters (2); only more samples help" in msg
    assert "Use fewer clusters" not in msg


def test_discrete_fit_refuses_wrong_shapes_and_incomparable_values_by_name():
    d = Discretizer(n_clusters=3, random_state=0).fit(np.array([0, 1, 2, 1, 0, 2] * 5))
    x = np.array([0, 1, 2] * 4)
    np.testing.assert_array_equal(d.transform(x[:, None]), x)  # one column is the same column
    # two columns after a 1-D fit returned a 2-D code array before
    xf = x.astype(float)[:, None]  # a float column of codes: coded too (a float (n, 1) fit
    np.testing.assert_array_equal(d.transform(xf), x)  # clusters; after a discrete fit it codes)
    with pytest.raises(ValueError, match=r"shape \(12, 2\) but the Discretizer was fitted on one"):
        d.transform(np.c_[x, x])
    # strings after integer codes: numpy's "'<' not supported" TypeError before
    with pytest.raises(TypeError, match=r"X holds values \(str\) that cannot be compared"):
        d.transform(np.array(["a", "b"] * 3, dtype=object))
    with pytest.raises(ValueError, match="6 values unseen during fit"):
        d.transform(np.array(["a", "b"] * 3))
    mixed = np.array([1, "a", 2.5, "a"] * 5, dtype=object)
    with pytest.raises(TypeError, match=r"sorted \(types float, int, str\).*astype\(str\)"):
        Discretizer(n_clusters=2).fit(mixed)
    codes = Discretizer(n_clusters=2).fit_transform(mixed.astype(str))
    np.testing.assert_array_equal(codes[:4], [0, 2, 1, 2])
