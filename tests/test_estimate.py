import json
import math
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import mmbounds
from mmbounds import EstimateResult, Marginals, estimate
from mmbounds.data import random_joint, sample_joint

from .conftest import CANONICAL, random_table


@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_canonical_through_estimate(name):
    p, r, u1, u2, s = CANONICAL[name]
    res = estimate(p)
    assert isinstance(res, EstimateResult)
    assert res.redundancy == pytest.approx(r, abs=1e-6)
    assert res.unique1 == pytest.approx(u1, abs=1e-6)
    assert res.unique2 == pytest.approx(u2, abs=1e-6)
    assert res.synergy_true == pytest.approx(s, abs=1e-6)
    assert res.synergy_lower - 1e-6 <= s <= res.synergy_upper + 1e-6


def test_three_input_forms_agree():
    rng = np.random.default_rng(0)
    p = random_table(rng, (3, 4, 2), sparse=False)
    a = estimate(p)
    b = estimate((p.sum(1), p.sum(0), p.sum(2)))
    c = estimate(Marginals.from_joint(p))
    for other in (b, c):
        assert other.redundancy == pytest.approx(a.redundancy, abs=1e-9)
        assert other.synergy_lower == pytest.approx(a.synergy_lower, abs=1e-9)
        assert other.synergy_upper == pytest.approx(a.synergy_upper, abs=1e-9)
    assert b.synergy_true is None


def test_samples_input_and_reconciliation():
    rng = np.random.default_rng(1)
    p = random_table(rng, (3, 3, 2), sparse=False)

    def draw(n):
        idx = rng.choice(p.size, size=n, p=p.ravel())
        return np.unravel_index(idx, p.shape)

    a, b, c = draw(3000), draw(3000), draw(6000)
    names = np.array(["low", "mid", "high"])
    # the subject is the sample input and its reconciliation, not the population intervals
    res = estimate(
        x1=(names[a[0]], a[2]), x2=(b[1], b[2]), paired=(names[c[0]], c[1]), confidence=None
    )
    assert res.consistency.reconciled
    assert res.consistency.max_tv < 0.1
    assert res.marginals.categories[0] == ("high", "low", "mid")
    truth = mmbounds.pid(p)
    assert res.redundancy == pytest.approx(truth.redundancy, abs=0.05)


def test_result_is_frozen_and_exports():
    res = estimate(CANONICAL["and"][0])
    with pytest.raises(AttributeError):
        res.redundancy = 1.0
    d = res.to_dict()
    json.dumps(d)
    assert d["units"] == "bits"
    assert {b["name"] for b in d["bounds"]} >= {"synergy_lower_shared", "synergy_upper_coupling"}
    text = repr(res)
    assert "R " in text and "[not guaranteed]" in text
    assert "<table>" in res._repr_html_()
    checks = res.checks
    assert abs(checks["R+U1-I(X1;Y)"]) < 1e-9 and checks["upper-lower"] >= -1e-9
    frame = res.to_frame()
    assert set(frame["name"]) >= {"redundancy", "synergy_upper_coupling"}


def test_best_bounds_use_guaranteed_only():
    rng = np.random.default_rng(8)
    for _ in range(20):
        res = estimate(random_table(rng, (2, 2, 2), sparse=False))
        valid_lower = [b.value for b in res.bounds if b.side == "lower" and b.guaranteed]
        assert res.synergy_lower == pytest.approx(max([0.0] + valid_lower))
        assert res.synergy_lower <= res.synergy_true + 1e-6 <= res.synergy_upper + 2e-6


def test_classifier_posteriors_are_marked_as_estimates():
    p = CANONICAL["and"][0]
    f1 = np.array([[0.9, 0.1], [0.4, 0.6]])
    f2 = np.array([[0.8, 0.2], [0.3, 0.7]])
    res = estimate(p, posteriors=(f1, f2))
    extra = [b for b in res.bounds if b.name.endswith("_classifiers")]
    assert len(extra) == 3 and not any(b.guaranteed for b in extra)
    with pytest.raises(ValueError, match=r"posteriors\[0\] has 2 rows and posteriors\[1\] has 3"):
        estimate(p, posteriors=(f1, np.full((3, 2), 0.5)))


@pytest.mark.parametrize("classifier", ["linear", "mlp"])
def test_a_labeled_source_of_one_class_gives_classifier_bounds(classifier):
    # before: "linear" ended in scikit-learn's "This solver needs samples of at least 2 classes";
    # a discrete source of one class is reconciled with a warning, and so are these
    rng = np.random.default_rng(0)
    X1, X2, U1, U2 = (rng.normal(size=(60, 3)) for _ in range(4))
    y1, y2 = np.zeros(60, int), rng.integers(0, 2, 60)
    with (
        pytest.warns(mmbounds.EstimationWarning, match=r"1 of 2 classes never occur in y"),
        pytest.warns(mmbounds.InconsistentMarginalsWarning) as caught,
    ):
        res = estimate(
            x1=(X1, y1),
            x2=(X2, y2),
            paired=(U1, U2),
            classifier=classifier,
            bounds=["synergy_lower_disagreement_l2_classifiers"],
            discretizer={"n_clusters": 2, "n_init": 1},
            confidence=None,
            progress=False,
        )
    assert any("1 (32 in x2, none in x1)" in str(w.message) for w in caught)
    assert np.array_equal(res.extras["posteriors"][0], np.tile([1.0, 0.0], (60, 1)))
    assert math.isfinite(res.bound("synergy_lower_disagreement_l2_classifiers").value)


def test_bad_input_messages():
    with pytest.raises(TypeError, match="missing"):
        estimate(x1=([0, 1], [0, 1]))
    with pytest.raises(TypeError, match="not both"):
        estimate(CANONICAL["xor"][0], x1=([0], [0]), x2=([0], [0]), paired=([0], [0]))
    with pytest.raises(ValueError, match="three tables"):
        estimate((np.eye(2) / 2, np.eye(2) / 2))
    with pytest.raises(ValueError, match="unknown bound"):
        estimate(CANONICAL["xor"][0], bounds=["nope"])
    with pytest.raises(ValueError, match="unknown bound 'nope'"):
        estimate(CANONICAL["xor"][0], bounds="nope")
    one = estimate(CANONICAL["and"][0], bounds="synergy_lower_shared")
    assert [b.name for b in one.bounds] == ["synergy_lower_shared"]
    with pytest.raises(ValueError, match="data contains 1 NaN"):
        bad = CANONICAL["xor"][0].copy()
        bad[0, 0, 0] = np.nan
        estimate(bad)
    with pytest.raises(ValueError, match="y has a single class"):
        estimate(x1=([0, 1], [1, 1]), x2=([0, 1], [1, 1]), paired=([0, 1], [0, 1]))


def test_bad_confidence_is_refused_before_any_work(monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("the estimate ran before confidence was checked")

    monkeypatch.setattr(mmbounds.api, "estimate_samples", no_work)
    monkeypatch.setattr(mmbounds.api, "estimate_marginals", no_work)
    x = np.array([0, 1, 0, 1])
    one = (x, x)  # D1, D2 and DM the same samples: no intervals, but the level is still checked
    for bad, exc in ((1.5, ValueError), (0, ValueError), ("0.95", TypeError)):
        with pytest.raises(exc, match="confidence"):
            estimate(x1=(x, x), x2=(x.copy(), x), paired=(x, x.copy()), confidence=bad)
        with pytest.raises(exc, match="confidence"):
            estimate(x1=one, x2=one, paired=one, confidence=bad)
        with pytest.raises(exc, match="confidence"):
            estimate(CANONICAL["xor"][0], confidence=bad)


def test_seeded_results_reproducible():
    p = random_table(np.random.default_rng(3), (3, 3, 3), sparse=True)
    a = estimate(p, random_state=4).to_dict()
    b = estimate(p, random_state=4).to_dict()
    for key in ("redundancy", "synergy_lower", "synergy_upper"):
        assert a[key] == b[key]


def test_core_import_does_not_import_torch_or_matplotlib():
    code = (
        "import sys, mmbounds, mmbounds.cli, mmbounds.inference; mmbounds.estimate; "
        "print('torch' in sys.modules, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_subpackages_named_in_the_readme_work_after_import_mmbounds():
    # README: "import mmbounds" ... "mmbounds.plotting.plot_result(res)"; messages name
    # mmbounds.data.semi_supervised_split. Both load on first use, not at import.
    code = (
        "import sys, mmbounds; before = 'matplotlib' in sys.modules; "
        "f = mmbounds.plotting.plot_result; g = mmbounds.data.semi_supervised_split; "
        "print(before, callable(f) and callable(g), hasattr(mmbounds, 'no_such_thing'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False True False"


def test_branch_and_bound_upper_bound_and_witness_in_estimate():
    rng = np.random.default_rng(12)
    for _ in range(5):
        p = rng.dirichlet(0.3 * np.ones(36)).reshape(3, 4, 3)
        res = estimate(p, random_state=0)
        names = {b.name for b in res.bounds}
        assert {"synergy_upper_bnb", "synergy_upper_coupling_profile"} <= names
        bnb = res.bound("synergy_upper_bnb").value
        assert bnb <= res.bound("synergy_upper_coupling").value + 1e-9
        # the witness is a joint with these marginals: its synergy lies below every valid upper
        assert res.synergy_lower - 1e-6 <= res.synergy_witness <= res.synergy_upper + 1e-6
        assert res.synergy_true <= res.synergy_upper + 1e-6
    # reproducible with a seed
    a = estimate(p, random_state=3)
    b = estimate(p, random_state=3)
    assert a.synergy_upper == b.synergy_upper and a.synergy_witness == b.synergy_witness


def test_auto_skips_expensive_upper_bounds_on_large_tables():
    from mmbounds.bounds import BOUNDS

    AUTO_BNB_CELLS = BOUNDS["synergy_upper_bnb"].max_auto_cells
    p = random_table(np.random.default_rng(0), (21, 20, 20), sparse=True)
    assert p.size > AUTO_BNB_CELLS >= 20 * 20 * 10
    res = estimate(p)
    assert "synergy_upper_bnb" not in {b.name for b in res.bounds}
    assert res.synergy_witness is None


def test_xor_type_tables_say_in_words_that_synergy_is_not_identified():
    from mmbounds.data import bitwise_joint

    xor = estimate(bitwise_joint("xor"), random_state=0)
    assert "cannot tell whether synergy is present" in repr(xor)
    assert "cannot tell" in xor._repr_html_()
    assert "cannot tell" not in repr(estimate(bitwise_joint("and"), random_state=0))


def test_to_frame_says_what_each_row_holds_for():
    pytest.importorskip("pandas")
    rng = np.random.default_rng(3)
    x1, x2 = rng.integers(0, 2, 900), rng.integers(0, 2, 900)
    y = x1 & x2
    res = estimate(
        x1=(x1[:300], y[:300]),
        x2=(x2[300:600], y[300:600]),
        paired=(x1[600:], x2[600:]),
        options={"n_resamples": 10},
        random_state=0,
    )
    frame = res.to_frame()
    bounds = frame[frame["kind"] != "population"]
    assert set(bounds["scope"]) == {"sample tables"}
    pop = frame[frame["kind"] == "population"].set_index("name")
    assert set(pop["scope"]) == {"population (95% bootstrap)"}
    assert pop.loc["synergy", "verdict"] == res.inference["synergy"].verdict
    assert pop.loc["redundancy", "low"] == pytest.approx(res.inference["redundancy"].low)
    assert set(estimate(CANONICAL["and"][0]).to_frame()["scope"]) == {"tables"}


def test_discrete_samples_with_few_per_cell_warn_before_bootstrap_intervals():
    # two samples per source: every replicate is the same table, so the intervals collapse to
    # points; the result must not read as a confident verdict without a word
    from mmbounds.exceptions import EstimationWarning

    src = {"x1": ([0, 1], [0, 1]), "x2": ([0, 1], [1, 0]), "paired": ([0, 1], [1, 0])}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mmbounds.estimate(**src, random_state=0, options={"n_resamples": 20})
    said = [str(w.message) for w in caught if issubclass(w.category, EstimationWarning)]
    assert any(re.search(r"p\(x1,y\) has 0\.50 samples per cell.*Merge rare", s) for s in said)
    assert any("2 rows in the smallest sample (< 10)" in s for s in said)
    for iv in res.inference.intervals.values():  # below 10 rows: the whole range, no verdict
        assert (iv.low, iv.high, iv.verdict) == (0.0, 1.0, "undetermined")
    with warnings.catch_warnings():
        warnings.simplefilter("error", EstimationWarning)  # certified intervals hold at every n
        mmbounds.estimate(**src, random_state=0, options={"inference": "certified"})
        mmbounds.estimate(**src, confidence=None)  # no intervals: nothing to warn about


def test_one_cell_table_has_no_negative_zero():
    # a 1x1x1 table: every quantity is 0, written as +0.0 (a "-0.0" in a report reads as a bug)
    res = mmbounds.estimate(np.ones((1, 1, 1)))
    for v in (res.redundancy, res.unique1, res.unique2, res.synergy_lower, res.synergy_upper):
        assert v == 0.0 and math.copysign(1.0, v) == 1.0


def test_results_pickle_and_come_back_read_only():
    # the results hold read-only mappings (MappingProxyType), which plain pickle refuses
    import pickle
    from types import MappingProxyType

    from mmbounds.data import bitwise_joint

    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 2, (2, 900))
    y = a & b
    X = rng.normal(size=(300, 3))
    results = [
        estimate(bitwise_joint("xor"), progress=False),
        mmbounds.pid(bitwise_joint("and")),
        estimate(
            x1=(a[:300], y[:300]),
            x2=(b[300:600], y[300:600]),
            paired=(a[600:], b[600:]),
            random_state=0,
            progress=False,
            options={"n_resamples": 10},
        ),
        estimate(
            x1=(X, y[:300]),
            x2=(X[:, :2], y[:300]),
            paired=(X[::-1], X[::-1, :2]),
            random_state=0,
            progress=False,
            confidence=None,
        ),
    ]
    for res in results:
        back = pickle.loads(pickle.dumps(res))
        assert type(back) is type(res) and back.to_dict() == res.to_dict()
    assert results[2].inference is not None
    back = pickle.loads(pickle.dumps(results[3]))
    assert isinstance(back.extras, MappingProxyType)
    assert isinstance(back.extras["codes"], MappingProxyType)
    with pytest.raises(TypeError):
        back.solver_info["x"] = None


def test_a_repeated_seeded_call_gives_an_equal_result():
    # equality compares the numbers, not wall times (results held Marginals, which had no __eq__)
    p = random_joint((3, 3, 2), random_state=4)
    a, b = estimate(p, random_state=0), estimate(p, random_state=0)
    assert a == b and a.marginals == b.marginals and a.timings != b.timings
    other = estimate(random_joint((3, 3, 2), random_state=5), random_state=0)
    assert a != other and a.marginals != other.marginals and a.marginals != 1
    s = [sample_joint(p, 300, random_state=k) for k in range(3)]
    run = {"random_state": 0, "progress": False, "options": {"n_resamples": 10}}
    first, second = (estimate(x1=s[0][::2], x2=s[1][1:], paired=s[2][:2], **run) for _ in range(2))
    assert first == second and first.inference == second.inference
    with pytest.raises(TypeError, match="unhashable"):
        hash(a.marginals)


def test_analysis_functions_are_deterministic_by_default():
    # random_state defaulted to None (fresh entropy): two default calls on one 6x6x4 table gave
    # witnesses 1.338 and 1.313 bits
    import inspect

    import mmbounds.inference
    import mmbounds.pretraining
    import mmbounds.raw

    p = random_joint((6, 6, 4), random_state=1)
    a, b = estimate(p, progress=False), estimate(p, progress=False)
    assert a.synergy_witness == b.synergy_witness and a == b
    generators = {"random_joint", "sample_joint", "make_pid_synthetic", "semi_supervised_split"}
    fitted = {"Discretizer", "fit_unimodal", "BoundContext", "BootstrapResult"}
    checked = 0
    for mod in (mmbounds, mmbounds.inference, mmbounds.raw, mmbounds.pretraining):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if not callable(obj) or name in generators | fitted:
                continue
            try:
                param = inspect.signature(obj).parameters.get("random_state")
            except (TypeError, ValueError):
                continue
            if param is not None and param.default is not inspect.Parameter.empty:
                assert param.default == 0, name
                checked += 1
    assert checked >= 10
