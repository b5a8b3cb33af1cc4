"""IPF for the maximum-entropy table: layouts, over-relaxation, certificate, support logic."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mmbounds.solvers.maxent._ipf as ipf_module
import mmbounds.solvers.maxent._relaxation as relaxation_module
from mmbounds.exceptions import ConvergenceWarning
from mmbounds.info import entropy
from mmbounds.marginals import reachable_cells
from mmbounds.solvers.maxent import maxent_ipf, maxent_support

from .conftest import clustered_table


def margins(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return p.sum(1), p.sum(0), p.sum(2)


@pytest.mark.parametrize("seed", [0, 1])
def test_sparse_and_dense_layouts_agree(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    p = clustered_table(40, 30, 6, seed)
    monkeypatch.setattr(ipf_module, "_SPARSE_BELOW", 0)  # never sparse
    dense = maxent_ipf(*margins(p))
    monkeypatch.setattr(ipf_module, "_SPARSE_BELOW", 10**9)  # always sparse
    sparse = maxent_ipf(*margins(p))
    assert dense.info.n_iter == sparse.info.n_iter
    assert sparse.entropy_upper == pytest.approx(dense.entropy_upper, abs=1e-12)
    np.testing.assert_allclose(sparse.r, dense.r, atol=1e-15)
    assert not sparse.r.flags.writeable


def test_overrelaxation_needs_fewer_sweeps_for_the_same_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = clustered_table(120, 120, 10, seed=0)
    relaxed = maxent_ipf(*margins(p))
    monkeypatch.setattr(relaxation_module, "_OVERRELAX_MAX", 1.0)  # plain IPF
    plain = maxent_ipf(*margins(p))
    assert relaxed.info.status == plain.info.status == "optimal"
    assert relaxed.info.n_iter < 0.6 * plain.info.n_iter
    assert relaxed.entropy_upper == pytest.approx(plain.entropy_upper, abs=1e-6)
    # the joint itself has the three marginals, so its entropy is below the certified maximum
    assert entropy(p) <= relaxed.entropy_upper + 1e-12
    np.testing.assert_allclose(relaxed.r.sum(2), p.sum(2), atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(
    n1=st.integers(2, 6),
    n2=st.integers(2, 6),
    ny=st.integers(2, 4),
    density=st.floats(0.2, 1.0),
    seed=st.integers(0, 2**31 - 1),
    sparse=st.booleans(),
)
def test_certificate_holds_on_random_tables(
    n1: int, n2: int, ny: int, density: float, seed: int, sparse: bool
) -> None:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(n1 * n2 * ny, 0.5)).reshape(n1, n2, ny)
    p[rng.random(p.shape) > density] = 0.0
    if p.sum() == 0:
        p[0, 0, 0] = 1.0
    p /= p.sum()
    old = ipf_module._SPARSE_BELOW
    ipf_module._SPARSE_BELOW = 10**9 if sparse else 0
    try:
        for max_iter in (3, 2000):  # a stopped run is loose but still certified
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                sol = maxent_ipf(*margins(p), max_iter=max_iter, reduce_support=False)
            assert entropy(p) <= sol.entropy_upper + 1e-9
    finally:
        ipf_module._SPARSE_BELOW = old


@settings(max_examples=40, deadline=None)
@given(
    n1=st.integers(1, 5),
    n2=st.integers(1, 5),
    ny=st.integers(1, 4),
    seed=st.integers(0, 2**31 - 1),
)
def test_reachable_cells_match_the_support(n1: int, n2: int, ny: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    p1, p2, p12 = (rng.random(s) * (rng.random(s) < 0.6) for s in ((n1, ny), (n2, ny), (n1, n2)))
    cells = maxent_support(p1, p2, p12)
    r12, r1, r2 = reachable_cells(p1, p2, p12)
    np.testing.assert_array_equal(r12, cells.any(axis=2))
    np.testing.assert_array_equal(r1, cells.any(axis=1))
    np.testing.assert_array_equal(r2, cells.any(axis=0))


# entries from 1e-26 to 0.87: plain IPF stalls for 50 sweeps, so the measured contraction is ~1
# and the first relaxation (omega ~ 1.99) diverges; the iterate saved before it must be restored
TINY_CELLS = np.array(
    [
        [
            [7.5919948205543227e-14, 1.3497254906776610e-01, 1.9122212819932487e-18],
            [0.0, 0.0, 2.3250221191214100e-25],
            [8.6502740219625052e-01, 3.0831219513239647e-21, 3.0444354555717087e-13],
        ],
        [
            [0.0, 1.5449003388687517e-26, 2.8656667922515946e-20],
            [1.4634218903725260e-13, 3.0515808759085859e-08, 5.2795506130122210e-11],
            [1.5003152400625071e-17, 1.0072296112226970e-09, 1.7159622963709937e-08],
        ],
    ]
)


def test_diverging_overrelaxation_is_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    p = TINY_CELLS / TINY_CELLS.sum()
    relaxed = maxent_ipf(*margins(p))  # warnings are errors here: no overflow may leak out
    monkeypatch.setattr(relaxation_module, "_OVERRELAX_MAX", 1.0)
    plain = maxent_ipf(*margins(p))
    assert relaxed.info.status == plain.info.status == "optimal"
    assert np.isfinite(relaxed.entropy_upper)
    assert relaxed.entropy_upper == pytest.approx(plain.entropy_upper, abs=1e-8)
    assert entropy(p) <= relaxed.entropy_upper + 1e-12


def test_solutions_pickle_and_accept_tensors() -> None:
    import pickle

    from mmbounds.solvers.broja import broja_fast

    p = clustered_table(6, 5, 3, seed=2)
    for sol, field in ((maxent_ipf(*margins(p)), "r"), (broja_fast(p.sum(1), p.sum(0)), "q")):
        back = pickle.loads(pickle.dumps(sol))  # the lazily built table travels as an array
        np.testing.assert_array_equal(getattr(back, field), getattr(sol, field))
    torch = pytest.importorskip("torch")
    tensors = [torch.as_tensor(t) for t in margins(p)]
    assert maxent_ipf(*tensors).entropy_upper == pytest.approx(
        maxent_ipf(*margins(p)).entropy_upper, abs=1e-12
    )
