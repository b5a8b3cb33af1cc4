import numpy as np
import pytest

from mmbounds._validation import (
    check_labels,
    check_option,
    check_posteriors,
    check_random_state,
    check_scalar,
    check_table,
)


def test_check_table_copies_and_never_mutates():
    p = np.full((2, 2, 2), 1 / 8)
    before = p.copy()
    out = check_table(p, name="p")
    out[0, 0, 0] = 5
    np.testing.assert_array_equal(p, before)


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.array([[0.5, np.nan], [0.25, 0.25]]), r"p_x1y contains 1 NaN"),
        (np.array([[0.5, np.inf], [0.25, 0.25]]), r"p_x1y contains 1 NaN or infinite"),
        (np.array([[0.7, -0.2], [0.25, 0.25]]), r"p_x1y has negative entries"),
        (np.array([[0.5, 0.2], [0.25, 0.25]]), r"p_x1y must sum to 1 \(got 1.2\)"),
        (np.zeros((2, 2)), r"p_x1y sums to 0"),
        (np.ones(3) / 3, r"p_x1y must have 2 axes"),
        (np.zeros((0, 2)), r"p_x1y is empty"),
    ],
)
def test_check_table_errors(bad, match):
    with pytest.raises(ValueError, match=match):
        check_table(bad, name="p_x1y", ndim=2)


def test_check_table_type_and_normalize():
    with pytest.raises(TypeError, match="p must be a numeric array"):
        check_table([["a", "b"]], name="p", ndim=2)
    with pytest.raises(ValueError, match=r"in estimate: options=\{'normalize': True\}"):
        check_table(np.array([[1, 3], [2, 2]]), name="p", ndim=2)  # estimate has no normalize=
    out = check_table(np.array([[1, 3], [2, 2]]), name="p", ndim=2, normalize=True)
    assert out.sum() == pytest.approx(1.0)
    assert out[0, 1] == pytest.approx(3 / 8)


def test_scalars_options_and_random_state():
    with pytest.raises(ValueError, match=r"tol == -1, must be > 0"):
        check_scalar(-1, name="tol", min_val=0, include_min=False)
    with pytest.raises(TypeError, match="max_iter must be"):
        check_scalar(1.5, name="max_iter", kind=int)
    with pytest.raises(ValueError, match="method must be one of"):
        check_option("newton", name="method", options=("auto", "cvxpy"))
    a = check_random_state(3).random(3)
    b = check_random_state(3).random(3)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="random_state"):
        check_random_state("seed")


def test_labels_and_posteriors():
    with pytest.raises(ValueError, match=r"y has 1 missing labels \(None, NaN"):
        check_labels(np.array([0.0, np.nan]), name="y")
    with pytest.raises(ValueError, match=r"y has 1 missing labels \(None, NaN or infinite"):
        check_labels(np.array([0.0, np.inf]), name="y")
    with pytest.raises(TypeError, match=r"x1\[1\] \(y\) holds an unhashable label at row 1"):
        check_labels(np.array(["a", {}, "b"], dtype=object), name="x1[1] (y)")
    with pytest.raises(ValueError, match="x has 0 samples"):
        check_labels([], name="x")
    with pytest.raises(ValueError, match="must be 1-D"):
        check_labels(np.zeros((3, 2)), name="x")
    with pytest.raises(ValueError, match=r"rows of f must sum to 1 \(worst row sums to 0\.7\)"):
        check_posteriors(np.array([[0.5, 0.2]]), name="f")
    with pytest.raises(ValueError, match=r"worst row sums to 1\.3\b"):
        check_posteriors(np.array([[0.5, 0.5], [0.8, 0.5]]), name="f")
    with pytest.raises(ValueError, match="f has 2 columns but the label has 3"):
        check_posteriors(np.array([[0.5, 0.5]]), name="f", n_classes=3)


def test_public_bound_functions_check_posteriors():
    """Posteriors reach the disagreement bounds only through the one posterior check: rows like
    ``[5, -4]`` gave a synergy lower bound of 14.6 bits on a 2x2x2 table (where S <= 1)."""
    from mmbounds import Marginals
    from mmbounds.bounds import disagreement, evaluate

    m = Marginals.from_joint(np.random.default_rng(0).dirichlet(np.ones(8)).reshape(2, 2, 2))
    name = "synergy_lower_disagreement_bhattacharyya_classifiers"
    good = np.array([[0.9, 0.1], [0.2, 0.8]])
    cases = [
        (([[5.0, -4.0]], [[0.5, 0.5]]), r"posteriors\[0\] has negative probabilities"),
        ((good, good[:1]), r"posteriors\[0\] has 2 rows and posteriors\[1\] has 1"),
        ((good, np.full((2, 3), 1 / 3)), r"posteriors\[1\] has 3 columns but the label has 2"),
        ((good, 2 * good), r"rows of posteriors\[1\] must sum to 1"),
    ]
    for post, match in cases:
        with pytest.raises(ValueError, match=match):
            evaluate(name, m, posteriors=post)
        with pytest.raises(ValueError, match=match):
            disagreement(m, posteriors=post)
    with pytest.raises(TypeError, match="posteriors must be a pair"):
        disagreement(m, posteriors=good)
    with pytest.raises(TypeError, match="m must be mmbounds.Marginals"):
        disagreement(np.full((2, 2, 2), 1 / 8))
    # the checked posteriors give the value of the formula: -log2 BC averaged over the two rows
    bc = np.sqrt(good * good[::-1]).sum(axis=1)
    assert disagreement(m, kind="bhattacharyya", posteriors=(good, good[::-1])) == pytest.approx(
        float(np.mean(-np.log2(bc))), abs=1e-12
    )


def test_broja_solvers_check_their_tables_and_options():
    from mmbounds import pid
    from mmbounds.solvers.broja import broja, broja_cvxpy, broja_fast

    ok = np.full((2, 2), 0.25)
    negative = np.array([[0.6, -0.1], [0.0, 0.5]])
    other_py = np.array([[0.3, 0.2], [0.3, 0.2]])
    for solve in (broja, broja_fast, broja_cvxpy):
        with pytest.raises(ValueError, match="p_x1y has negative entries"):
            solve(negative, ok)
        with pytest.raises(ValueError, match=r"disagree on p\(y\) by 0.1"):
            solve(ok, other_py)
        with pytest.raises(ValueError, match="p_x2y contains NaN"):
            solve(ok, np.array([[0.25, np.nan], [0.25, 0.25]]))
        with pytest.raises(ValueError, match="p_x2y must be a non-empty 2-D table"):
            solve(ok, np.full(4, 0.25))
    with pytest.raises(ValueError, match="solver must be one of"):
        broja(ok, ok, solver="bogus")
    with pytest.raises(ValueError, match=r"tol == -1.0, must be > 0"):
        broja_fast(ok, ok, tol=-1.0)
    with pytest.raises(ValueError, match="max_iter == 0"):
        broja_fast(ok, ok, max_iter=0)
    assert broja_fast(ok, ok, max_iter=np.int64(50)).info.status == "optimal"  # numpy ints
    # tables that disagree on p(y) by rounding, or by a Marginals(atol=...) the user chose, pass
    shifted = ok + np.array([[2e-5, -2e-5], [0.0, 0.0]])
    assert broja_fast(shifted, ok).min_mi >= 0.0
    with pytest.raises(ValueError, match="tol == -1, must be > 0"):
        pid(np.full((2, 2, 2), 1 / 8), tol=-1)
    with pytest.raises(TypeError, match="tol must be Real"):
        pid(np.full((2, 2, 2), 1 / 8), tol="x")


def test_samples_given_as_tables_are_told_to_pass_them_by_name():
    # estimate((d1, d2, dm)) failed with "p_x1y must be a numeric array ... inhomogeneous shape"
    import mmbounds

    a = np.arange(12) % 2
    for data in (((a, a), (a, a), (a, a)), [(a, a), (a, a), (a, a)], ((a, a), (a, a))):
        with pytest.raises(TypeError, match=r"look like samples; pass them by name: estimate\(x1="):
            mmbounds.estimate(data)
    t = [[0.25, 0.25], [0.25, 0.25]]  # three 2x2 tables as nested lists are still tables
    assert mmbounds.estimate((t, t, t)).synergy_upper == pytest.approx(1.0)
    tt = ((0.25, 0.25), (0.25, 0.25))  # and as nested tuples
    assert mmbounds.estimate((tt, tt, tt)).synergy_upper == pytest.approx(1.0)
    t3 = ((0.1, 0.2, 0.2), (0.2, 0.2, 0.1))  # two rows of three: not samples of three either
    assert mmbounds.estimate((t3, t3, tt)).shape == (2, 2, 3)
