"""Raw features -> discretizers -> bounds (mmbounds.raw via mmbounds.estimate)."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pytest

import mmbounds
from mmbounds.data import load_mfeat, make_pid_synthetic
from mmbounds.exceptions import EstimationWarning, StatusWarning
from mmbounds.raw import estimate_features, true_interactions
from mmbounds.raw.discretize import Discretizer

pytestmark = pytest.mark.filterwarnings("error")

FAST = {"n_threads": 1, "n_init": 1}
SUITES = ("redundancy", "uniqueness1", "uniqueness2", "synergy")


@contextlib.contextmanager
def _status_warnings():
    """Record the StatusWarning a solve stopping short of its tolerance gives (the result says the
    same: status, reason, validity) and pass every other warning on."""
    caught: list[warnings.WarningMessage] = []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always", StatusWarning)
        yield caught
    for w in record:
        if issubclass(w.category, StatusWarning):
            caught.append(w)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _same_samples(x1, x2, y, **kw):
    # one sample as D1, D2 and DM: population intervals would not apply (and are slow here)
    kw.setdefault("confidence", None)
    return mmbounds.estimate(x1=(x1, y), x2=(x2, y), paired=(x1, x2), **kw)


@pytest.fixture(scope="module")
def suites():
    out = {}
    for s in SUITES:
        d = make_pid_synthetic(s, n_samples=2000, dim=30, random_state=0)
        res = _same_samples(
            d["x1"],
            d["x2"],
            d.y,
            discretizer=FAST,
            random_state=0,
        )
        out[s] = (res, true_interactions(d["x1"], d["x2"], d.y, like=res))
    return out


@pytest.fixture(scope="module")
def mfeat():
    return load_mfeat()


# -------------------------------------------------------------------------------- synthetic suites


@pytest.mark.parametrize(
    "field,winner",
    [
        ("redundancy", "redundancy"),
        ("unique1", "uniqueness1"),
        ("unique2", "uniqueness2"),
        ("synergy_upper", "synergy"),
    ],
)
def test_suites_order_as_generated(suites, field, winner):
    values = {s: getattr(suites[s][0], field) for s in SUITES}
    assert max(values, key=values.get) == winner, values
    others = [v for s, v in values.items() if s != winner]
    assert values[winner] > max(others) + 0.3, values


def test_suites_true_synergy_largest_for_synergy_and_inside_bounds(suites):
    truth = {s: suites[s][1].synergy for s in SUITES}
    assert max(truth, key=truth.get) == "synergy", truth
    assert truth["synergy"] > 0.4
    for s in SUITES:
        res, t = suites[s]
        # same samples for D1, D2, DM and truth: the theorem holds exactly
        assert res.synergy_lower - 1e-6 <= t.synergy <= res.synergy_upper + 1e-6, (s, res, t)
        assert t.redundancy == pytest.approx(res.redundancy, abs=1e-6)


def test_suites_redundancy_has_largest_synergy_lower_bound(suites):
    # XOR synergy has the pairwise marginals of a zero-synergy joint, so no bound from marginals
    # can see it; redundancy forces synergy through I(X1;X2|Y) < I(X1;X2).
    lows = {s: suites[s][0].synergy_lower for s in SUITES}
    assert lows["synergy"] < 0.02
    assert max(lows, key=lows.get) == "redundancy", lows


# -------------------------------------------------------------------------------- mfeat protocol


@pytest.mark.parametrize("v1,v2", [("fou", "kar"), ("pix", "zer"), ("fac", "mor")])
def test_mfeat_true_synergy_inside_bounds(mfeat, v1, v2):
    x1, x2, y = mfeat[v1], mfeat[v2], mfeat.y
    # the paper's protocol: 20 clusters per view (auto would pick 10 for 2,000 pairs)
    with _status_warnings() as caught:  # IPF may stop near, not at, its 1e-9 tolerance
        res = _same_samples(x1, x2, y, discretizer={**FAST, "n_clusters": 20}, random_state=1)
    assert len(caught) == (res.status != "ok") and res.valid
    truth = true_interactions(x1, x2, y, like=res)
    assert res.shape == (20, 20, 10)
    assert res.synergy_lower - 1e-6 <= truth.synergy <= res.synergy_upper + 1e-6
    assert truth.unique1 == pytest.approx(res.unique1, abs=1e-6)
    assert res.extras["samples_per_cell"]["x1x2"] == pytest.approx(2000 / 400)


# -------------------------------------------------------------------------------- extras & options


def test_extras_content_and_reproducibility(mfeat):
    x1, x2, y = mfeat["mor"], mfeat["zer"], mfeat.y
    a = _same_samples(x1, x2, y, discretizer=FAST, random_state=3)
    b = _same_samples(x1, x2, y, discretizer=FAST, random_state=3)
    ex = a.extras
    d1, d2 = ex["discretizers"]
    assert isinstance(d1, Discretizer) and d1.n_features_in_ == 6 and d2.n_features_in_ == 47
    assert d1.random_state is not None  # seeded from random_state
    assert int(ex["cluster_sizes"][0].sum()) == 2000  # fitted once on the (deduplicated) data
    assert ex["n_samples"] == {"d1": 2000, "d2": 2000, "dm": 2000}
    assert ex["min_samples_per_cell"] == pytest.approx(20.0)  # auto: 10 clusters for 2,000
    assert ex["classifier"] is None and ex["bootstrap"] is None
    mm = ex["miller_madow"]["mi_x1y"]
    assert mm["corrected"] < mm["plugin"] and mm["plugin"] == pytest.approx(a.mi_x1y, abs=1e-9)
    assert (a.redundancy, a.synergy_lower, a.synergy_upper) == (
        b.redundancy,
        b.synergy_lower,
        b.synergy_upper,
    )
    assert np.array_equal(ex["codes"]["x1"], b.extras["codes"]["x1"])
    # a fitted discretizer pair is reused as is
    c = _same_samples(x1, x2, y, discretizer=(d1, d2), random_state=99)
    assert np.array_equal(c.marginals.p_x1x2, a.marginals.p_x1x2)
    # same tables; the branch-and-bound's witness starts follow random_state (LP round-off only)
    assert c.synergy_upper == pytest.approx(a.synergy_upper, abs=1e-9)


def test_torch_tensors_equal_numpy():
    torch = pytest.importorskip("torch")
    d = make_pid_synthetic("uniqueness1", n_samples=600, dim=12, random_state=2)
    a = _same_samples(d["x1"], d["x2"], d.y, discretizer={**FAST, "n_clusters": 6}, random_state=0)
    t1, t2 = torch.as_tensor(d["x1"]), torch.as_tensor(d["x2"])
    b = _same_samples(
        t1, t2, torch.as_tensor(d.y), discretizer={**FAST, "n_clusters": 6}, random_state=0
    )
    assert b.unique1 == pytest.approx(a.unique1, abs=1e-12)
    assert b.synergy_upper == pytest.approx(a.synergy_upper, abs=1e-12)


def test_discrete_column_passes_through_untouched():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 800)
    x1 = np.where(rng.random(800) < 0.8, y, 1 - y) + 10  # discrete codes 10, 11
    x2 = rng.normal(size=(800, 5)) + y[:, None]
    res = mmbounds.estimate(
        x1=(x1, y),
        x2=(x2, y),
        paired=(x1, x2),
        discretizer={**FAST, "n_clusters": 4},
        random_state=0,
    )
    d1, d2 = res.extras["discretizers"]
    assert d1.passthrough_ and d1.categories_.tolist() == [10, 11]
    assert d2.n_clusters_ == 4
    res2 = mmbounds.estimate(
        x1=(x1, y),
        x2=(x2, y),
        paired=(x1, x2),
        discretizer=(None, {**FAST, "n_clusters": 4}),
        random_state=0,
    )
    assert res2.shape == (2, 4, 2)
    # without any raw option and with 1-D columns only, the discrete path is unchanged
    c2 = res.extras["codes"]["x2"]
    plain = mmbounds.estimate(x1=(x1, y), x2=(c2, y), paired=(x1, c2))
    assert plain.extras == {} and plain.redundancy == pytest.approx(res.redundancy, abs=1e-9)


def test_disjoint_split_bounds_and_low_cell_warning():
    d = make_pid_synthetic("redundancy", n_samples=900, dim=10, random_state=1)
    x1, x2, y = d["x1"], d["x2"], d.y
    match = r"p\(x1,x2\) has 0\.75 samples per cell \(300 samples over 20 x 20 cells\) < 5"
    with pytest.warns(EstimationWarning, match=match), _status_warnings() as caught:
        res = mmbounds.estimate(
            x1=(x1[:300], y[:300]),
            x2=(x2[300:600], y[300:600]),
            paired=(x1[600:], x2[600:]),
            discretizer={**FAST, "n_clusters": 20},  # the paper's count
            confidence=None,
            random_state=0,
        )
    assert len(caught) == (res.status != "ok") and res.valid
    assert all("remain valid" in str(w.message) for w in caught)
    assert res.extras["samples_per_cell"]["x1x2"] == pytest.approx(300 / 400)
    # the discretizer of modality 1 was fitted on D1 and DM rows together
    assert int(res.extras["cluster_sizes"][0].sum()) == 600
    # the default count follows the sample size: at least 20 samples per cell, so no warning
    with _status_warnings() as caught:
        auto = mmbounds.estimate(
            x1=(x1[:300], y[:300]),
            x2=(x2[300:600], y[300:600]),
            paired=(x1[600:], x2[600:]),
            discretizer={k: v for k, v in FAST.items() if k != "n_clusters"},
            confidence=None,
            random_state=0,
        )
    assert len(caught) == (auto.status != "ok") and auto.valid
    assert auto.extras["n_clusters"] == (3, 3)  # floor(min(300 / (20 * 2), sqrt(300 / 20)))
    assert min(auto.extras["samples_per_cell"].values()) >= 20


def test_classifier_bounds_are_marked_estimates(mfeat):
    idx = np.random.default_rng(0).permutation(2000)[:600]  # samples are sorted by class
    x1, x2, y = mfeat["kar"][idx], mfeat["mor"][idx], mfeat.y[idx]
    disc = {**FAST, "n_clusters": 5}
    base = _same_samples(x1, x2, y, discretizer=disc, random_state=0)
    res = _same_samples(x1, x2, y, discretizer=disc, classifier="linear", random_state=0)
    names = [b.name for b in res.bounds if b.name.endswith("_classifiers")]
    assert len(names) == 3
    assert all(not res.bound(n).guaranteed for n in names)
    assert "estimates" in res.message
    assert res.extras["classifier"]["kind"] == "linear"
    assert res.extras["classifier"]["guaranteed"] is False
    assert res.synergy_lower == base.synergy_lower  # estimates never enter the guaranteed bound
    P1, P2 = res.extras["posteriors"]
    assert P1.shape == (600, 10) and np.allclose(P1.sum(1), 1.0)


def test_true_interactions_without_like_and_xor():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 2, 400), rng.integers(0, 2, 400)
    t = true_interactions(a, b, a ^ b)
    assert t.synergy == pytest.approx(1.0, abs=0.02) and t.redundancy < 0.01
    X1 = np.c_[a + 0.01 * rng.normal(size=400), rng.normal(size=400) * 0.01]
    t2 = true_interactions(
        X1, b, a ^ b, discretizer={**FAST, "n_clusters": 2, "normalize": False}, random_state=0
    )
    assert t2.synergy == pytest.approx(t.synergy, abs=1e-9)


# -------------------------------------------------------------------------------- bad inputs


def _xy(n=50, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, 2, n)


def test_bad_inputs_raise_clear_errors():
    X, y = _xy()
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"x1\[0\] \(features\) contains 1 NaN"):
        mmbounds.estimate(x1=(Xn, y), x2=(X, y), paired=(X, X))
    with pytest.raises(ValueError, match=r"paired\[1\] .* contains 1 NaN"):
        mmbounds.estimate(x1=(X, y), x2=(X, y), paired=(X, Xn))
    with pytest.raises(ValueError, match="x2 has 50 feature rows but 49 labels"):
        mmbounds.estimate(x1=(X, y), x2=(X, y[:-1]), paired=(X, X))
    with pytest.raises(ValueError, match="paired has 50 modality-1 rows but 40 modality-2 rows"):
        mmbounds.estimate(x1=(X, y), x2=(X, y), paired=(X, X[:40]))
    with pytest.raises(ValueError, match=r"x1\[0\] \(features\) has 1 sample\(s\); at least 2"):
        mmbounds.estimate(x1=(X[:1], y[:1]), x2=(X, y), paired=(X, X))
    with pytest.raises(ValueError, match=r"x2\[1\] \(labels\) is missing"):
        mmbounds.estimate(x1=(X, y), x2=(X, None), paired=(X, X))
    y_obj = y.astype(object)
    y_obj[4] = None
    with pytest.raises(ValueError, match="1 missing labels"):
        mmbounds.estimate(x1=(X, y_obj), x2=(X, y), paired=(X, X))
    with pytest.raises(ValueError, match=r"x1\[0\] has shape \(50, 3\) but paired\[0\] has shape"):
        mmbounds.estimate(x1=(X, y), x2=(X, y), paired=(X[:, :2], X))
    with pytest.raises(TypeError, match="need x1/x2/paired samples, not data"):
        mmbounds.estimate(np.full((2, 2, 2), 1 / 8), classifier="linear")
    with pytest.raises(TypeError, match=r"n_bootstrap must be Integral, got float"):
        mmbounds.estimate(x1=(X, y), x2=(X, y), paired=(X, X), options={"n_bootstrap": 1.5})
    with pytest.raises(ValueError, match="classifier must be 'linear'"):
        mmbounds.estimate(
            x1=(X, y),
            x2=(X, y),
            paired=(X, X),
            classifier="forest",
            discretizer={**FAST, "n_clusters": 2},
        )
    with pytest.raises(ValueError, match="like has no fitted discretizers"):
        true_interactions(X, X, y, like=mmbounds.estimate(np.full((2, 2, 2), 1 / 8)))


def test_generator_random_state_reproduces_the_whole_estimate():
    # a Generator must seed every randomised step, the branch-and-bound witness search included
    rng = np.random.default_rng(1)
    c1, c2 = rng.integers(0, 4, 300), rng.integers(0, 4, 300)
    y = (c1 + c2 + rng.integers(0, 2, 300)) % 3
    x1 = np.c_[c1, rng.normal(size=300)]
    x2 = np.c_[c2, rng.normal(size=300)]
    kw = {"discretizer": {**FAST, "n_clusters": 4}, "min_samples_per_cell": 1.0}
    runs = [
        estimate_features(
            (x1, y),
            (x2, y),
            (x1, x2),
            options=mmbounds.Options(),
            random_state=np.random.default_rng(5),
            **kw,
        )
        for _ in range(3)
    ]
    for r in runs[1:]:
        assert r.synergy_upper == runs[0].synergy_upper
        assert r.synergy_witness == runs[0].synergy_witness
