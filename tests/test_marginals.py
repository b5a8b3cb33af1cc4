import warnings

import numpy as np
import pytest

import mmbounds
from mmbounds import InconsistentMarginalsWarning, Marginals

from .conftest import random_table


def test_consistent_tables_pass_unchanged():
    rng = np.random.default_rng(0)
    p = random_table(rng, (3, 4, 2), sparse=True)
    m = Marginals(p.sum(1), p.sum(0), p.sum(2))
    assert not m.consistency.reconciled
    np.testing.assert_array_equal(m.p_x1y, p.sum(1))
    np.testing.assert_array_equal(m.p_x1x2, p.sum(2))
    assert m.consistency.max_tv < 1e-12


def test_inconsistent_tables_are_reconciled_by_ml():
    rng = np.random.default_rng(1)
    p = random_table(rng, (3, 3, 2), sparse=False)
    q = random_table(rng, (3, 3, 2), sparse=False)
    with pytest.warns(InconsistentMarginalsWarning, match=r"disagree by up to 0\.\d+"):
        m = Marginals(p.sum(1), q.sum(0), p.sum(2), sample_sizes=(100, 100, 100))
    c = m.consistency
    assert c.reconciled and c.max_tv > 0.05
    # consistent afterwards: shared single-variable marginals agree
    np.testing.assert_allclose(m.p_x1y.sum(0), m.p_x2y.sum(0), atol=1e-9)
    np.testing.assert_allclose(m.p_x1y.sum(1), m.p_x1x2.sum(1), atol=1e-9)
    np.testing.assert_allclose(m.p_x2y.sum(1), m.p_x1x2.sum(0), atol=1e-9)


def test_reconciliation_weights_follow_sample_sizes():
    rng = np.random.default_rng(2)
    p = random_table(rng, (2, 2, 2), sparse=False)
    q = random_table(rng, (2, 2, 2), sparse=False)
    kw = {"warn_tv": 1.0}
    heavy1 = Marginals(p.sum(1), q.sum(0), p.sum(2), sample_sizes=(10_000, 10, 10), **kw)
    heavy2 = Marginals(p.sum(1), q.sum(0), p.sum(2), sample_sizes=(10, 10_000, 10), **kw)
    # the source with most samples moves least
    assert heavy1.consistency.shift[0] < heavy2.consistency.shift[0]
    assert heavy2.consistency.shift[1] < heavy1.consistency.shift[1]


def test_reconcile_false_raises():
    p = np.full((2, 2, 2), 1 / 8)
    bad = np.array([[0.1, 0.4], [0.1, 0.4]])
    with pytest.raises(ValueError, match="pass reconcile=True"):
        Marginals(p.sum(1), bad, p.sum(2), reconcile=False)


def test_shape_mismatch_messages():
    with pytest.raises(ValueError, match=r"p_x1x2 has shape \(2, 3\) but p_x1y, p_x2y imply"):
        Marginals(np.full((2, 2), 0.25), np.full((2, 2), 0.25), np.full((2, 3), 1 / 6))
    with pytest.raises(ValueError, match="p_x1y has 2 label values but p_x2y has 3"):
        Marginals(np.full((2, 2), 0.25), np.full((2, 3), 1 / 6), np.full((2, 2), 0.25))


def test_from_samples_labels_and_errors():
    x1 = ["a", "b", "a", "b"]
    y = ["cat", "dog", "cat", "dog"]
    m = Marginals.from_samples((x1, y), ([1, 2, 1, 2], y), (x1, [1, 2, 2, 1]))
    assert m.categories == (("a", "b"), (1, 2), ("cat", "dog"))
    assert m.observed[0][0, 0] == pytest.approx(0.5)
    # the pairs (a, 2) and (b, 1) contradict D1 and D2 (a -> cat, 2 -> dog): reconciled, no
    # warning for 4 samples a source (sampling alone explains it)
    assert m.consistency.unreachable == pytest.approx(0.5) and m.consistency.reconciled
    assert m.sample_sizes == (4.0, 4.0, 4.0)
    with pytest.raises(ValueError, match="y has a single class"):
        Marginals.from_samples((x1, ["c"] * 4), (x1, ["c"] * 4), (x1, x1))
    with pytest.raises(ValueError, match="x1y: x1 has 4 samples but y has 3"):
        Marginals.from_samples((x1, y[:3]), (x1, y), (x1, x1))
    with pytest.raises(ValueError, match=r"x1x2\[1\] \(x2\) has 0 samples"):
        Marginals.from_samples((x1, y), (x1, y), (x1, []))
    with pytest.raises(ValueError, match="missing labels"):
        Marginals.from_samples((["a", None], ["c", "d"]), (x1, y), (x1, x1))
    with pytest.raises(TypeError, match="x2y must be a pair"):
        Marginals.from_samples((x1, y), x1, (x1, x1))


def test_from_samples_keeps_given_categories_as_zero_rows():
    # a bootstrap resample passes its sample's values: one it happens to miss is a zero row or
    # column (here class "dog" in both labeled sources), not a smaller table or a single class
    x1, y = ["a", "b", "a", "b"], ["cat", "cat", "cat", "cat"]
    cats = (("a", "b", "c"), ("u", "v"), ("cat", "dog"))
    m = Marginals.from_samples((x1, y), (["u", "v", "u", "u"], y), (x1, ["u"] * 4), categories=cats)
    assert m.shape == (3, 2, 2) and m.categories == cats
    assert m.observed[0].tolist() == [[0.5, 0.0], [0.5, 0.0], [0.0, 0.0]]
    with pytest.raises(
        ValueError,
        match=r"x1y and x2y hold 1 value\(s\) of y not among the 2 categories given for it "
        r"\(e.g. 'cow'\)",
    ):
        Marginals.from_samples((x1, ["cow"] * 4), (["u"] * 4, y), (x1, ["u"] * 4), categories=cats)


def test_immutable():
    m = Marginals.from_joint(np.full((2, 2, 2), 1 / 8))
    with pytest.raises(AttributeError):
        m.p_x1y = None
    with pytest.raises(ValueError):
        m.p_x1y[0, 0] = 1.0


def test_unrealizable_tables_are_reconciled_not_rejected():
    # single-variable marginals agree exactly, yet no joint has all three tables:
    # y = x1, y = 1 - x2 and x1 = x2 contradict each other
    p_x1y = np.array([[0.5, 0.0], [0.0, 0.5]])
    p_x2y = np.array([[0.0, 0.5], [0.5, 0.0]])
    p_x1x2 = np.array([[0.4, 0.1], [0.1, 0.4]])
    with pytest.raises(ValueError, match=r"mass 0\.8 .*no joint has these three tables"):
        Marginals(p_x1y, p_x2y, p_x1x2, reconcile=False)
    with pytest.warns(InconsistentMarginalsWarning, match=r"mass 0\.8 .*no joint"):
        m = Marginals(p_x1y, p_x2y, p_x1x2)
    assert m.consistency.reconciled
    support = (m.p_x1x2[:, :, None] > 0) & (m.p_x1y[:, None, :] > 0) & (m.p_x2y[None] > 0)
    assert m.p_x1x2[~support.any(axis=2)].sum() == 0.0
    res = mmbounds.estimate(m, options={"solver": "cvxpy"})
    assert 0.0 <= res.synergy_lower <= res.synergy_upper + 1e-9


def test_count_tables_whose_totals_disagree_with_sample_sizes_warn():
    c1 = np.array([[10, 5], [5, 10]])  # 30 counts each
    c12 = np.array([[20, 10], [10, 20]])  # 60 counts
    match = r"sum to 30 but sample_sizes\[D1\] is 3000"
    with pytest.warns(mmbounds.EstimationWarning, match=match):
        m = Marginals(c1, c1, c12, normalize=True, sample_sizes=(3000, 30, 60))
    assert m.sample_sizes == (3000.0, 30.0, 60.0)  # still accepted: the sizes are the caller's
    # one warning per disagreeing table, naming it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Marginals(c1, c1, c12, normalize=True, sample_sizes=(3000, 30, 600))
    assert [str(w.message).split(" ")[0] for w in caught] == ["p_x1y", "p_x1x2"]
    # totals that match, and probability tables (even of whole numbers), are silent
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Marginals(c1, c1, c12, normalize=True, sample_sizes=(30, 30, 60))
        Marginals(c1 / 30, c1 / 30, c12 / 60, normalize=True, sample_sizes=(3000, 30, 60))
        one = np.array([[0.0, 1.0]])
        Marginals(one, one, [[1.0]], normalize=True, sample_sizes=(100, 100, 100))


def test_a_class_missing_from_one_labeled_source_is_named():
    # D1 has a fourth class 91 times in 300, D2 never: the warning gave only a total variation
    import mmbounds
    from mmbounds.exceptions import InconsistentMarginalsWarning

    rng = np.random.default_rng(0)
    y1, y2, x = rng.integers(0, 4, 300), rng.integers(0, 3, 300), rng.integers(0, 2, 300)
    with pytest.warns(InconsistentMarginalsWarning) as rec:
        mmbounds.estimate(x1=(x, y1), x2=(x, y2), paired=(x, x), confidence=None)
    named = [str(w.message) for w in rec if "missing from one labeled source" in str(w.message)]
    assert named == [
        "label values missing from one labeled source: 3 (91 in x1, none in x2); at these counts "
        "chance rarely explains it: check that both sources use the same label set and come "
        "from the same population"
    ]
    # a rare class absent by chance (2 expected) is not named
    y1 = np.where(np.arange(300) < 2, 3, rng.integers(0, 3, 300))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Marginals.from_samples((x, y1), (x, y2), (x, x))
    assert not any("missing from one labeled source" in str(w.message) for w in caught)


def test_paired_columns_swapped_are_suggested_as_the_cause():
    # paired=(x2u, x1u) with x1 in {0, 1} and x2 in {2, 3, 4}: TV 1 on p(x1) and p(x2), and the
    # warning only said to check that the sources come from one population
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 600)
    a, b = (y + (rng.random(600) < 0.2)) % 2, rng.integers(0, 3, 600) + 2
    with pytest.warns(InconsistentMarginalsWarning, match="paired columns swapped or recoded"):
        Marginals.from_samples((a[:200], y[:200]), (b[200:400], y[200:400]), (b[400:], a[400:]))
    with warnings.catch_warnings(record=True) as caught:  # a small disagreement: no such hint
        warnings.simplefilter("always")
        Marginals.from_samples((a[:200], y[:200]), (b[200:400], y[200:400]), (a[400:], b[400:]))
    assert not any("swapped" in str(w.message) for w in caught)


def test_given_categories_must_be_distinct():
    # equal values (0 twice; 1 and True) made the shape larger than the index map: IndexError
    a, b = [0, 1, 0, 1], [0, 0, 1, 1]
    for cats in (((0, 0, 1), (0, 1), (0, 1)), ((0, 1, True), (0, 1), (0, 1))):
        with pytest.raises(ValueError, match=r"categories: the 3 categories of x1 hold a value"):
            Marginals.from_samples((a, b), (a, b), (a, a), categories=cats)


def test_given_categories_must_be_three_sequences():
    # a pair, a flat list or None for one variable gave IndexError / "'int' object is not
    # iterable"; four sets a lengths error that did not name categories
    a, b = [0, 1, 0, 1], [0, 0, 1, 1]
    for cats in (([0, 1], [0, 1]), ([0, 1],) * 4, "abc"):
        with pytest.raises(TypeError, match="categories must be three sequences"):
            Marginals.from_samples((a, b), (a, b), (a, a), categories=cats)
    for cats in ((None, [0, 1], [0, 1]), [0, 1, 2]):
        with pytest.raises(TypeError, match="categories: the values of x1 must be a sequence"):
            Marginals.from_samples((a, b), (a, b), (a, a), categories=cats)
    with pytest.raises(TypeError, match="categories must be three sequences"):
        Marginals(np.full((2, 2), 0.25), np.full((2, 2), 0.25), np.full((2, 2), 0.25),
                  categories=[(0, 1), (0, 1)])  # fmt: skip


def test_tuple_labels_are_single_categories():
    # tuples are hashable labels: an object array of them, or a list, became a 2-D array
    # ("unhashable label ... (ndarray)" or "must be 1-D, got shape (30, 2)")
    x = [0, 1] * 15
    y_list = [(1, 2), (3, 4)] * 15
    y_obj = np.empty(30, dtype=object)
    y_obj[:] = y_list
    for y in (y_list, y_obj):
        m = Marginals.from_samples((x, y), (x, y), (x, x))
        assert m.categories[2] == ((1, 2), (3, 4))
        np.testing.assert_allclose(m.p_x1y, [[0.5, 0.0], [0.0, 0.5]])


def test_given_categories_must_be_hashable():
    a, b = [0, 1, 0, 1], [0, 0, 1, 1]
    with pytest.raises(TypeError, match=r"categories: the values of y must be hashable"):
        Marginals.from_samples((a, b), (a, b), (a, a), categories=([0, 1], [0, 1], [[0], [1]]))
    with pytest.raises(ValueError, match=r"categories: the values of x2 hold nan"):
        Marginals.from_samples((a, b), (a, b), (a, a), categories=([0, 1], [0, 1, np.nan], [0, 1]))
