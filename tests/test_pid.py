"""Exact PID: canonical values (DESIGN.md §2), identities, symmetries, solver agreement."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmbounds import pid
from mmbounds.exceptions import ConvergenceWarning
from mmbounds.info import mutual_information
from mmbounds.solvers.broja import broja_cvxpy, broja_fast, dual_lower_bound

from .conftest import CANONICAL, random_table


@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_canonical_values(name):
    p, r, u1, u2, s = CANONICAL[name]
    res = pid(p, solver="cvxpy")
    assert res.redundancy == pytest.approx(r, abs=1e-6)
    assert res.unique1 == pytest.approx(u1, abs=1e-6)
    assert res.unique2 == pytest.approx(u2, abs=1e-6)
    assert res.synergy == pytest.approx(s, abs=1e-6)


def _check_identities(p, res):
    assert res.redundancy + res.unique1 == pytest.approx(mutual_information(p, 0, 2), abs=1e-9)
    assert res.redundancy + res.unique2 == pytest.approx(mutual_information(p, 1, 2), abs=1e-9)
    total = res.redundancy + res.unique1 + res.unique2 + res.synergy
    assert total == pytest.approx(mutual_information(p, (0, 1), 2), abs=1e-9)
    assert min(res.redundancy, res.unique1, res.unique2, res.synergy) >= -1e-7


@settings(deadline=None, max_examples=30)
@given(
    st.integers(0, 2**31 - 1),
    st.tuples(st.integers(2, 6), st.integers(2, 6), st.integers(2, 4)),
    st.booleans(),
)
def test_identities_and_symmetries(seed, shape, sparse):
    rng = np.random.default_rng(seed)
    p = random_table(rng, shape, sparse)
    res = pid(p, solver="cvxpy")
    _check_identities(p, res)
    swapped = pid(np.transpose(p, (1, 0, 2)), solver="cvxpy")
    assert swapped.unique1 == pytest.approx(res.unique2, abs=1e-6)
    assert swapped.unique2 == pytest.approx(res.unique1, abs=1e-6)
    assert swapped.redundancy == pytest.approx(res.redundancy, abs=1e-6)
    assert swapped.synergy == pytest.approx(res.synergy, abs=1e-6)
    perm = (rng.permutation(shape[0]), rng.permutation(shape[1]), rng.permutation(shape[2]))
    relabelled = pid(p[np.ix_(*perm)], solver="cvxpy")
    assert relabelled.synergy == pytest.approx(res.synergy, abs=1e-6)
    assert relabelled.redundancy == pytest.approx(res.redundancy, abs=1e-6)


def test_certified_gap_of_reference_solver():
    rng = np.random.default_rng(5)
    for _ in range(10):
        p = random_table(rng, (4, 5, 3), sparse=bool(rng.integers(2)))
        sol = broja_cvxpy(p.sum(1), p.sum(0))
        assert sol.info.converged
        assert sol.info.residual <= 1e-7
        q = sol.q
        np.testing.assert_allclose(q.sum(axis=1), p.sum(axis=1), atol=1e-7)
        np.testing.assert_allclose(q.sum(axis=0), p.sum(axis=0), atol=1e-7)


def _sharp_tables():
    """Small Dirichlet(0.05-5) tables, some with zero cells; the 17th's Clarabel point has a
    value 8.7e-9 bits below the minimum (it misses the marginals by 8e-10)."""
    rng = np.random.default_rng(0)
    for _ in range(40):
        shape = tuple(rng.integers(1, 5, size=3))
        p = rng.dirichlet(np.full(int(np.prod(shape)), rng.choice([0.05, 0.3, 1, 5])))
        p = p.reshape(shape)
        if rng.random() < 0.3:
            p[rng.random(shape) < 0.4] = 0
            p /= p.sum()
        yield p


def test_reference_solver_value_is_feasible_and_never_below_the_minimum():
    # its value is that of a joint meeting both marginals, so it is at least the minimum, which
    # the fast solver's certificate brackets: [min_mi - residual, min_mi]
    for p in _sharp_tables():
        if min(p.shape) < 2 or np.count_nonzero(p.sum((0, 1))) < 2:
            continue
        p1, p2 = p.sum(1), p.sum(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ref = broja_cvxpy(p1, p2)
        fast = broja_fast(p1, p2)
        np.testing.assert_allclose(ref.q.sum(axis=1), p1, rtol=0, atol=1e-15)
        np.testing.assert_allclose(ref.q.sum(axis=0), p2, rtol=0, atol=1e-15)
        assert ref.min_mi >= fast.min_mi - fast.info.residual - 1e-12
        assert fast.min_mi >= ref.min_mi - ref.info.residual - 1e-12


def test_dual_bound_is_a_lower_bound_for_any_potentials():
    rng = np.random.default_rng(2)
    p = random_table(rng, (3, 4, 3), sparse=False)
    best = broja_cvxpy(p.sum(1), p.sum(0)).min_mi
    for _ in range(20):
        lam = rng.normal(size=(3, 3))
        mu = rng.normal(size=(4, 3))
        assert dual_lower_bound(p.sum(1), p.sum(0), lam, mu) <= best + 1e-12


def test_single_label_value_is_trivial():
    p = np.full((2, 3, 1), 1 / 6)
    res = pid(p)
    assert res.synergy == pytest.approx(0.0, abs=1e-12)
    assert res.redundancy == pytest.approx(0.0, abs=1e-12)


def test_pid_rejects_bad_tables():
    with pytest.raises(ValueError, match="p must have 3 axes"):
        pid(np.full((2, 2), 0.25))
    with pytest.raises(ValueError, match="must sum to 1"):
        pid(np.full((2, 2, 2), 0.2))
    with pytest.raises(ValueError, match="solver must be one of"):
        pid(np.full((2, 2, 2), 1 / 8), solver="magic")
