"""Every guaranteed bound holds on random tables; the paper's c=1 variant is pinned as invalid."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmbounds import BOUNDS, Marginals, evaluate, pid
from mmbounds._pid import redundancy_uniqueness
from mmbounds.bounds import (
    disagreement,
    synergy_lower_disagreement_bhattacharyya,
    synergy_lower_disagreement_l2,
    synergy_lower_disagreement_paper,
    synergy_lower_shared,
    synergy_lower_shared_paper,
    synergy_upper_coupling,
    synergy_upper_coupling_profile,
)
from mmbounds.solvers.coupling import (
    greedy_coupling_entropy,
    majorization_meet,
    meet_entropy,
    meet_entropy_rows,
)

from .conftest import CANONICAL, random_table

TOL = 1e-6
GUARANTEED = [n for n, spec in BOUNDS.items() if spec.guaranteed and not spec.needs_posteriors]
FROM_MARGINALS = [n for n, spec in BOUNDS.items() if not spec.needs_posteriors]


def _all_bounds(p):
    m = Marginals.from_joint(p)
    parts = redundancy_uniqueness(m.p_x1y, m.p_x2y, solver="cvxpy")
    out = {}
    for name in FROM_MARGINALS:
        opts = {"solver": "cvxpy"} if name == "synergy_lower_shared_paper" else None
        out[name] = (BOUNDS[name].side, evaluate(name, m, parts=parts, options=opts))
    return m, out


def _assert_valid(p):
    s = pid(p, solver="cvxpy").synergy
    _, bounds = _all_bounds(p)
    for name in GUARANTEED:
        side, v = bounds[name]
        if side == "lower":
            assert v <= s + TOL, (name, v, s)
        else:
            assert v >= s - TOL, (name, v, s)
    return s, bounds


@settings(deadline=None, max_examples=40)
@given(
    st.integers(0, 2**31 - 1),
    st.tuples(st.integers(2, 6), st.integers(2, 6), st.integers(2, 4)),
    st.booleans(),
)
def test_guaranteed_bounds_hold_on_random_tables(seed, shape, sparse):
    _assert_valid(random_table(np.random.default_rng(seed), shape, sparse))


def test_bounds_hold_on_seeded_dirichlet_2x2x2():
    rng = np.random.default_rng(2024)
    for _ in range(150):
        _assert_valid(rng.dirichlet(np.ones(8)).reshape(2, 2, 2))


@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_canonical_bounds(name):
    p, *_, s = CANONICAL[name]
    _, bounds = _all_bounds(p)
    # on the canonical gates the shared-information bound is tight except for XOR
    lower = bounds["synergy_lower_shared"][1]
    assert lower <= s + TOL
    if name != "xor":
        assert lower == pytest.approx(s, abs=TOL)
    assert bounds["synergy_upper_coupling"][1] >= s - TOL


def test_swap_and_relabel_invariance():
    rng = np.random.default_rng(7)
    p = random_table(rng, (3, 4, 3), sparse=False)
    _, b = _all_bounds(p)
    _, b_swap = _all_bounds(np.transpose(p, (1, 0, 2)))
    perm = (rng.permutation(3), rng.permutation(4), rng.permutation(3))
    _, b_perm = _all_bounds(p[np.ix_(*perm)])
    symmetric = [n for n in GUARANTEED if n != "synergy_lower_shared_paper"]
    for name in symmetric:
        assert b_swap[name][1] == pytest.approx(b[name][1], abs=1e-6), name
    for name in FROM_MARGINALS:
        assert b_perm[name][1] == pytest.approx(b[name][1], abs=1e-6), name


def test_paper_c1_variant_exceeds_true_synergy_on_a_pinned_table():
    rng = np.random.default_rng(1)
    found = None
    for _ in range(400):
        p = rng.dirichlet(np.ones(8)).reshape(2, 2, 2)
        m = Marginals.from_joint(p)
        s = pid(p, solver="cvxpy").synergy
        v = synergy_lower_disagreement_paper(m)
        if v > s + 1e-3:
            found = (p, v, s)
            break
    assert found is not None, "expected the c=1 variant to be violated on some 2x2x2 table"
    p, v, s = found
    # the valid forms stay below on the same table
    m = Marginals.from_joint(p)
    assert synergy_lower_disagreement_l2(m) <= s + TOL
    assert synergy_lower_disagreement_bhattacharyya(m) <= s + TOL


def test_bhattacharyya_dominates_l2():
    rng = np.random.default_rng(3)
    for _ in range(30):
        m = Marginals.from_joint(random_table(rng, (3, 3, 3), sparse=False))
        assert (
            synergy_lower_disagreement_bhattacharyya(m) >= synergy_lower_disagreement_l2(m) - 1e-12
        )


def test_disagreement_from_posteriors_matches_marginals():
    rng = np.random.default_rng(4)
    p = random_table(rng, (3, 3, 2), sparse=False)
    m = Marginals.from_joint(p)
    # paired samples drawn exactly in proportion: use the posteriors of every (x1, x2) cell,
    # weighted
    f1 = p.sum(1) / p.sum((1, 2))[:, None]
    f2 = p.sum(0) / p.sum((0, 2))[:, None]
    n = 200_000
    idx = rng.choice(9, size=n, p=p.sum(2).ravel())
    i, j = np.unravel_index(idx, (3, 3))
    est = disagreement(m, kind="l2", posteriors=(f1[i], f2[j]))
    assert est == pytest.approx(disagreement(m, kind="l2"), abs=5e-3)
    with pytest.raises(ValueError, match="kind must be"):
        disagreement(m, kind="kl")


def test_maxent_bound_is_certified_even_when_stopped_early():
    rng = np.random.default_rng(9)
    p = random_table(rng, (4, 4, 3), sparse=True)
    m = Marginals.from_joint(p)
    s = pid(p, solver="cvxpy").synergy
    with pytest.warns(Warning, match="max_iter"):
        v = synergy_lower_shared(m, options={"max_iter": 1})
    assert v <= s + TOL
    assert v <= synergy_lower_shared(m) + 1e-9


def test_meet_is_below_greedy_and_rows_match():
    rng = np.random.default_rng(11)
    a = rng.dirichlet(np.ones(5), size=20)
    b = rng.dirichlet(np.ones(3), size=20)
    rows = meet_entropy_rows(a, b)
    for k in range(20):
        assert rows[k] == pytest.approx(meet_entropy(a[k], b[k]), abs=1e-12)
        assert rows[k] <= greedy_coupling_entropy(a[k], b[k]) + 1e-12
    z = majorization_meet(a[0], b[0])
    assert z.sum() == pytest.approx(1.0)


def test_upper_bound_is_exact_for_xor_and_deterministic_gates():
    for name in ("xor", "and", "unique1", "redundant"):
        p, *_, s = CANONICAL[name]
        assert synergy_upper_coupling(Marginals.from_joint(p)) == pytest.approx(s, abs=1e-9)


def test_inexact_broja_solve_loosens_bounds_instead_of_breaking_them(monkeypatch):
    # a solver value above the true minimum (by its certified gap) must not tighten any bound
    import dataclasses

    import mmbounds.bounds._shared as bounds_mod

    p = random_table(np.random.default_rng(5), (3, 3, 2), sparse=False)
    m = Marginals.from_joint(p)
    parts = redundancy_uniqueness(m.p_x1y, m.p_x2y, solver="cvxpy")
    gap = 0.05
    bad = dataclasses.replace(
        parts,
        min_mi=parts.min_mi + gap,
        info=dataclasses.replace(parts.info, residual=gap + parts.info.residual),
    )
    for fn in (synergy_upper_coupling, synergy_upper_coupling_profile):
        assert fn(m, parts=bad) >= fn(m, parts=parts) - 1e-12
    exact = synergy_lower_shared_paper(m, parts=parts, options={"solver": "cvxpy"})
    real_broja = bounds_mod.broja

    def off_by_gap(*args, **kwargs):
        sol = real_broja(*args, **kwargs)
        info = dataclasses.replace(sol.info, residual=gap + sol.info.residual)
        return dataclasses.replace(sol, min_mi=sol.min_mi + gap, info=info)

    monkeypatch.setattr(bounds_mod, "broja", off_by_gap)
    assert synergy_lower_shared_paper(m, parts=parts, options={"solver": "cvxpy"}) <= exact + 1e-12
