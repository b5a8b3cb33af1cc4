"""Certified lower bounds on min H over Δ12 (the synergy upper bound) and their witnesses."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmbounds.exceptions import ConvergenceWarning
from mmbounds.info import entropy
from mmbounds.solvers.coupling import meet_entropy
from mmbounds.solvers.min_entropy import (
    coupling_entropy_lower,
    min_entropy_lower_pairings,
    min_entropy_search,
)

FAST = {"time_budget_s": 0.15, "n_starts": 3, "warn": False}


def _marginals(p):
    return p.sum(axis=1), p.sum(axis=0), p.sum(axis=2)


def _vertex_min(A, b, n_vars):
    """Brute-force minimum entropy over {x >= 0 : A x = b}: enumerate bases (tiny problems only)."""
    rank = np.linalg.matrix_rank(A)
    best = np.inf
    for cols in itertools.combinations(range(n_vars), rank):
        sub = A[:, cols]
        if np.linalg.matrix_rank(sub) < rank:
            continue
        z, *_ = np.linalg.lstsq(sub, b, rcond=None)
        if z.min() < -1e-12 or np.max(np.abs(sub @ z - b)) > 1e-10:
            continue
        best = min(best, entropy(np.clip(z, 0.0, None)))
    return best


def _brute_mec(a, b):
    na, nb = a.size, b.size
    A = np.zeros((na + nb, na * nb))
    for i, j in itertools.product(range(na), range(nb)):
        A[i, i * nb + j] = 1.0
        A[na + j, i * nb + j] = 1.0
    return _vertex_min(A, np.concatenate([a, b]), na * nb)


def _brute_delta12(p):
    n1, n2, ny = p.shape
    cells = list(itertools.product(range(n1), range(n2), range(ny)))
    rows = []
    for i, j in itertools.product(range(n1), range(n2)):
        rows.append([float(c[0] == i and c[1] == j) for c in cells])
    for i, k in itertools.product(range(n1), range(ny)):
        rows.append([float(c[0] == i and c[2] == k) for c in cells])
    for j, k in itertools.product(range(n2), range(ny)):
        rows.append([float(c[1] == j and c[2] == k) for c in cells])
    b = np.concatenate([p.sum(2).ravel(), p.sum(1).ravel(), p.sum(0).ravel()])
    return _vertex_min(np.array(rows), b, len(cells))


def _random_table(rng, shape, alpha, zero_frac=0.0):
    p = rng.dirichlet(np.full(int(np.prod(shape)), alpha))
    if zero_frac:
        p[rng.random(p.size) < zero_frac] = 0.0
        if p.sum() == 0:
            p[0] = 1.0
        p /= p.sum()
    return p.reshape(shape)


def _check_solution(p, sol, tol=1e-9):
    h_true = entropy(p)
    w = sol.witness
    assert sol.entropy_lower <= h_true + tol
    assert sol.entropy_lower <= sol.witness_entropy + 1e-12
    assert sol.entropy_lower >= sol.pairings_lower - 1e-12
    assert np.all(w >= 0)
    for got, want in zip(_marginals(w), _marginals(p)):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    assert abs(entropy(w) - sol.witness_entropy) < 1e-9
    assert not w.flags.writeable
    assert np.isfinite([sol.entropy_lower, sol.witness_entropy, sol.gap]).all()


# ----------------------------------------------------------------------------- coupling bounds


def test_profile_beats_meet_on_known_pair():
    a, b = np.array([0.4, 0.3, 0.3]), np.array([0.5, 0.5])
    meet = coupling_entropy_lower(a, b, coupling="meet")
    prof = coupling_entropy_lower(a, b, coupling="profile")
    assert meet == pytest.approx(meet_entropy(a, b))
    assert prof > meet + 0.05
    assert prof <= _brute_mec(a, b) + 1e-12


@pytest.mark.parametrize("seed", range(6))
def test_profile_valid_against_brute_force_mec(seed):
    rng = np.random.default_rng(seed)
    for _ in range(25):
        na, nb = rng.integers(2, 4, size=2)
        alpha = rng.choice([0.3, 1.0, 3.0])
        a, b = rng.dirichlet(np.full(na, alpha)), rng.dirichlet(np.full(nb, alpha))
        if rng.random() < 0.4:  # ties and round numbers stress the step function
            a, b = np.round(a, 1) + 1e-3, np.round(b, 1) + 1e-3
            a, b = a / a.sum(), b / b.sum()
        exact = _brute_mec(a, b)
        meet = coupling_entropy_lower(a, b, coupling="meet")
        prof = coupling_entropy_lower(a, b, coupling="profile")
        assert meet <= prof + 1e-15
        assert prof <= exact + 1e-9


def test_coupling_bound_zero_cells_and_point_masses():
    assert coupling_entropy_lower(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(
        0.0, abs=1e-9
    )
    assert coupling_entropy_lower(np.array([0.5, 0.5, 0.0]), np.array([1.0])) == pytest.approx(
        1.0, abs=1e-9
    )


def test_bad_method_raises():
    with pytest.raises(ValueError, match="coupling"):
        coupling_entropy_lower(np.ones(2) / 2, np.ones(2) / 2, coupling="nope")
    p = np.full((2, 2, 2), 1 / 8)
    with pytest.raises(ValueError, match="coupling"):
        min_entropy_search(*_marginals(p), coupling="nope")


@pytest.mark.parametrize("shape,alpha", [((2, 2, 2), 1.0), ((3, 3, 2), 0.3), ((4, 4, 3), 0.3)])
def test_pairings_bound_valid_and_profile_not_weaker(shape, alpha):
    rng = np.random.default_rng(7)
    for _ in range(30):
        p = _random_table(rng, shape, alpha)
        meet = min_entropy_lower_pairings(*_marginals(p), coupling="meet")
        prof = min_entropy_lower_pairings(*_marginals(p), coupling="profile")
        assert meet <= prof + 1e-15
        assert prof <= entropy(p) + 1e-9


# ----------------------------------------------------------------------------- min_entropy_search


def test_2x2x2_is_exact_against_vertex_enumeration():
    rng = np.random.default_rng(3)
    for _ in range(40):
        p = _random_table(rng, (2, 2, 2), 1.0, zero_frac=0.15 * rng.random())
        sol = min_entropy_search(*_marginals(p), gap_tol=1e-3, random_state=0)
        _check_solution(p, sol)
        assert sol.method == "exact-1d" and sol.info.converged
        assert sol.witness_entropy - sol.entropy_lower <= 1e-3
        assert sol.witness_entropy == pytest.approx(_brute_delta12(p), abs=1e-9)


@pytest.mark.parametrize("shape", [(2, 2, 3), (3, 2, 2), (2, 3, 2)])
def test_branch_and_bound_converges_on_small_polytopes(shape):
    rng = np.random.default_rng(11)
    for _ in range(4):
        p = _random_table(rng, shape, 0.7)
        sol = min_entropy_search(*_marginals(p), time_budget_s=10.0, gap_tol=1e-4, random_state=1)
        _check_solution(p, sol)
        exact = _brute_delta12(p)
        assert sol.entropy_lower <= exact + 1e-9
        assert sol.witness_entropy >= exact - 1e-9
        assert sol.info.converged
        assert sol.witness_entropy - exact <= 1e-4


@pytest.mark.parametrize(
    "shape,alpha,zero_frac",
    [
        ((2, 2, 2), 1.0, 0.0),
        ((3, 3, 2), 0.3, 0.0),
        ((4, 4, 3), 0.3, 0.0),
        ((3, 3, 3), 1.0, 0.5),
        ((4, 4, 3), 1.0, 0.6),
        ((1, 3, 2), 1.0, 0.0),
        ((3, 3, 1), 1.0, 0.0),
    ],
)
def test_min_entropy_search_valid_on_random_tables(shape, alpha, zero_frac):
    rng = np.random.default_rng(2024)
    for _ in range(4):
        p = _random_table(rng, shape, alpha, zero_frac)
        sol = min_entropy_search(*_marginals(p), random_state=rng, **FAST)
        _check_solution(p, sol)
        meet = min_entropy_lower_pairings(*_marginals(p), coupling="meet")
        assert sol.entropy_lower >= meet - 1e-12


@pytest.mark.parametrize("name", ["xor", "and", "copy", "unique1", "pair", "point"])
def test_reference_tables(name):
    p = np.zeros((2, 2, 2))
    for i, j in itertools.product(range(2), range(2)):
        y = {"xor": i ^ j, "and": i & j, "copy": i, "unique1": i, "pair": 0, "point": 0}[name]
        if name == "copy" and i != j:
            continue
        if name == "point" and (i, j) != (0, 0):
            continue
        p[i, j, y] += 1.0
    p /= p.sum()
    sol = min_entropy_search(*_marginals(p), random_state=0)
    _check_solution(p, sol)
    if name == "xor":  # Δ12 = {xor}: marginals pin the table, so S_max = S = 1 bit
        assert sol.entropy_lower == pytest.approx(2.0, abs=1e-9)


def test_convergence_warning_and_status():
    p = _random_table(np.random.default_rng(0), (4, 4, 3), 1.0)
    with pytest.warns(ConvergenceWarning, match="max_nodes"):
        sol = min_entropy_search(*_marginals(p), max_nodes=1, gap_tol=0.0, random_state=0)
    assert sol.info.status == "max_iter"
    assert not sol.info.converged
    _check_solution(p, sol)


def test_seeded_runs_are_reproducible():
    p = _random_table(np.random.default_rng(1), (3, 3, 2), 0.5)
    kw = {"time_budget_s": 30.0, "max_nodes": 50, "warn": False, "n_starts": 4}
    s1 = min_entropy_search(*_marginals(p), random_state=5, **kw)
    s2 = min_entropy_search(*_marginals(p), random_state=5, **kw)
    assert s1.entropy_lower == s2.entropy_lower
    np.testing.assert_array_equal(s1.witness, s2.witness)


def test_repr_shows_shapes_not_arrays():
    p = _random_table(np.random.default_rng(2), (2, 2, 2), 1.0)
    text = repr(min_entropy_search(*_marginals(p), random_state=0))
    assert "entropy_lower" in text and "array(2, 2, 2)" in text


@settings(deadline=None, max_examples=25)
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)),
    alpha=st.sampled_from([0.2, 0.5, 1.0, 3.0]),
    zero_frac=st.sampled_from([0.0, 0.3]),
    seed=st.integers(0, 2**31 - 1),
)
def test_property_certified_and_feasible(shape, alpha, zero_frac, seed):
    rng = np.random.default_rng(seed)
    p = _random_table(rng, shape, alpha, zero_frac)
    sol = min_entropy_search(
        *_marginals(p), time_budget_s=0.1, n_starts=2, random_state=seed, warn=False
    )
    _check_solution(p, sol)


def _tiny_cell_table(seed):
    rng = np.random.default_rng(seed)
    shape = tuple(int(n) for n in rng.integers(2, 5, 3))
    n = int(np.prod(shape))
    p = rng.dirichlet(np.full(n, [0.05, 0.1, 0.2][seed % 3]))
    p[rng.random(n) < 0.3] = 0.0
    return (p / p.sum()).reshape(shape)


@pytest.mark.parametrize("seed", [22, 265, 271, 790, 934, 1412])
def test_witness_survives_an_lp_point_that_drops_a_tiny_cell(seed):
    # on these tables (cells of 1e-8..1e-7) the best LP point put a cell of about HiGHS's
    # feasibility tolerance at zero: its marginals missed by ~3e-8, the support polish could not
    # repair it and the search returned no witness (status numerical_error) although an exact
    # one had been found on the way
    p = _tiny_cell_table(seed)
    sol = min_entropy_search(*_marginals(p), n_starts=2, random_state=0, warn=False)
    assert sol.witness is not None and sol.info.status != "numerical_error"
    for got, want in zip(_marginals(sol.witness), _marginals(p)):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)
    _check_solution(p, sol)


def test_block_lp_start_with_a_negative_residue_cell_keeps_the_witness():
    # marginals consistent to 2e-13 (accepted unreconciled): a block LP's point held a cell of
    # -5.7e-14, the successive-LP descent kept it, its clipped entropy looked lowest and it
    # replaced the witness; _finish then refused it (no witness, status numerical_error)
    p_x1y = np.array(
        [[0.04617009548660996, 0.009676474292837344], [0.9436266886670016, 0.0005267415535511271]]
    )  # noqa: E501
    p_x2y = np.array(
        [
            [0.003178055630538077, 0.010203215846394595],
            [0.8308237154906126, 0.0],
            [0.1557950130324547, 0.0],
        ]
    )  # noqa: E501
    p_x1x2 = np.array(
        [
            [0.012854529923467391, 0.00013268102368044503, 0.04285935883222287],
            [0.000526741553551116, 0.8306910344670746, 0.11293565420000362],
        ]
    )  # noqa: E501
    sol = min_entropy_search(p_x1y, p_x2y, p_x1x2, random_state=0, warn=False)
    assert sol.witness is not None and sol.info.status == "optimal"
    assert sol.witness.min() >= 0.0
    ref = min_entropy_search(p_x1y, p_x2y, p_x1x2, random_state=0, warn=False, blocks=False)
    assert sol.witness_entropy == pytest.approx(ref.witness_entropy, abs=1e-9)


def test_polish_repairs_a_point_missing_a_cell_of_its_support():
    from mmbounds.solvers._delta_lp import DeltaLP

    p = np.random.default_rng(5).dirichlet(np.ones(12)).reshape(2, 2, 3)
    p[1, 1, 2] = 3e-8
    p /= p.sum()
    lp = DeltaLP.build(p.sum(axis=1), p.sum(axis=0), p.sum(axis=2))
    x = p.ravel()[lp.cells].copy()
    x[np.argmin(x)] = 0.0  # what an LP solution within tolerance 1e-7 may return
    res = float(np.max(np.abs(lp.A @ x - lp.b)))
    z = lp.polish(x)
    assert res > 1e-8
    assert z.min() >= 0.0 and float(np.max(np.abs(lp.A @ z - lp.b))) < 1e-15
    assert np.max(np.abs(z - x)) < 1e-7  # a correction, not another vertex


def test_no_witness_when_every_linear_program_fails(monkeypatch):
    # an LP solver that fails everywhere leaves no table of Δ12: no witness and no claimed
    # convergence (a zero table once came back as a "witness" of entropy 0 with status optimal)
    from mmbounds.solvers._delta_lp import DeltaLP

    monkeypatch.setattr(DeltaLP, "solve", lambda self, *a, **k: (None, None))
    p = _random_table(np.random.default_rng(3), (3, 3, 2), 1.0)
    sol = min_entropy_search(*_marginals(p), random_state=0, warn=False, blocks=False)
    assert sol.witness is None and sol.witness_entropy == np.inf
    assert sol.info.status == "numerical_error" and not sol.info.converged
    assert sol.entropy_lower == pytest.approx(min_entropy_lower_pairings(*_marginals(p)))
    assert "witness         = None" in repr(sol)
    # estimate() reports the failed search (its bound, the pairings one, stays certified)
    import mmbounds

    match = "synergy_upper_bnb: numerical_error, no witness found.*Remedy: none needed"
    with pytest.warns(mmbounds.StatusWarning, match=match):
        res = mmbounds.estimate(p, progress=False)
    assert res.status == "warning" and res.valid and res.synergy_witness is None
    assert res.synergy_upper == pytest.approx(res.bound("synergy_upper_coupling_profile").value)


@pytest.mark.filterwarnings("ignore::mmbounds.InconsistentMarginalsWarning")
@pytest.mark.filterwarnings("ignore::mmbounds.EstimationWarning")
def test_rounding_residues_in_reconciled_tables_keep_the_witness():
    # x1 an identifier: every x1 value once in D1 and once in DM, so reconciliation leaves masses
    # of 1e-14 where the counts are 0, and HiGHS presolve declared the (feasible) Δ12 infeasible
    import mmbounds

    rng = np.random.default_rng(0)
    n = 60
    x2, x1f = rng.normal(size=n), rng.normal(size=n)
    y = (x1f * x2 > 0).astype(int)
    x1 = np.arange(n)
    res = mmbounds.estimate(
        x1=(x1, y),
        x2=(x2, y),
        paired=(x1, rng.normal(size=n)),
        random_state=0,
        progress=False,
        confidence=None,
    )
    assert res.status == "ok"
    assert res.synergy_witness is not None
    assert 0.0 <= res.synergy_witness <= res.synergy_upper + 1e-9


def _clustered(seed: int = 0) -> np.ndarray:
    """A 6x6x4 table with structural zeros (the tests lower ``CONCURRENT_CELLS`` to reach it)."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(144, 0.4)).reshape(6, 6, 4)
    p[:3, 3:, 0] = p[3:, :3, 1] = 0.0
    return p / p.sum()


def test_block_bounds_in_a_second_thread_give_the_same_result(monkeypatch):
    import threading

    import mmbounds.solvers.min_entropy as me

    seen = []
    real = me.block_bounds

    def recorded(*args):
        seen.append(threading.current_thread() is threading.main_thread())
        return real(*args)

    monkeypatch.setattr(me, "block_bounds", recorded)
    monkeypatch.setattr(me, "CONCURRENT_CELLS", 0)
    p = _clustered()
    m = (p.sum(1), p.sum(0), p.sum(2))
    a = min_entropy_search(*m, warn=False, concurrent=True)
    b = min_entropy_search(*m, warn=False, concurrent=False)
    assert seen == [False, True]  # the first ran in the second thread, the other in this one
    assert a.method == "block-lp" or a.entropy_lower > a.pairings_lower
    assert (a.entropy_lower, a.witness_entropy, a.info.n_iter) == (
        b.entropy_lower,
        b.witness_entropy,
        b.info.n_iter,
    )
    assert a.witness.tobytes() == b.witness.tobytes()


def test_an_error_in_the_block_thread_reaches_the_caller(monkeypatch):
    import mmbounds.solvers.min_entropy as me

    def broken(*args):
        raise MemoryError("block bounds")

    monkeypatch.setattr(me, "block_bounds", broken)
    monkeypatch.setattr(me, "CONCURRENT_CELLS", 0)
    p = _clustered(1)
    with pytest.raises(MemoryError, match="block bounds"):
        min_entropy_search(p.sum(1), p.sum(0), p.sum(2), warn=False)


def test_quiet_highs_from_many_threads_leaves_stdout_alone(monkeypatch):
    # the banner's redirection of file descriptor 1 is process-wide: threads that created
    # models at the same moment could leave stdout pointing at /dev/null
    import os
    import threading

    import highspy

    from mmbounds.solvers import _delta_lp

    monkeypatch.setattr(_delta_lp, "_BANNER_SHOWN", [])
    before = os.fstat(1)
    start = threading.Barrier(8)

    def make():
        start.wait()
        _delta_lp._quiet_highs(highspy)

    threads = [threading.Thread(target=make) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = os.fstat(1)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
    assert _delta_lp._BANNER_SHOWN == [True]


def test_the_block_thread_keeps_the_callers_errstate(monkeypatch):
    # np.errstate is a context variable: the worker runs in a copy of the caller's context
    import mmbounds.solvers.min_entropy as me

    seen = []
    real = me.block_bounds

    def recorded(*args):
        seen.append(np.geterr()["divide"])
        return real(*args)

    monkeypatch.setattr(me, "block_bounds", recorded)
    monkeypatch.setattr(me, "CONCURRENT_CELLS", 0)
    p = _clustered(2)
    with np.errstate(divide="ignore"):
        min_entropy_search(p.sum(1), p.sum(0), p.sum(2), warn=False)
    min_entropy_search(p.sum(1), p.sum(0), p.sum(2), warn=False)
    assert seen == ["ignore", np.geterr()["divide"]] and seen[1] != "ignore"


def test_concurrent_must_be_a_bool():
    p = _clustered(3)
    with pytest.raises(TypeError, match="concurrent must be True or False"):
        min_entropy_search(p.sum(1), p.sum(0), p.sum(2), concurrent="no")
