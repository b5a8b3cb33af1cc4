"""The torch backend on a CUDA GPU agrees with numpy (skipped where no GPU is visible).

The same numerics (blockwise Newton factorisation, IPF layouts) are checked on the CPU with numpy
and torch, so CI without a GPU still runs them.
"""

from __future__ import annotations

import numpy as np
import pytest

import mmbounds
from mmbounds.solvers._backend import get_namespace
from mmbounds.solvers.broja import broja_cvxpy, broja_fast
from mmbounds.solvers.maxent import maxent_ipf

from .conftest import clustered_table


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


cuda = pytest.mark.skipif(not _cuda_available(), reason="no CUDA GPU visible")


TABLES = {
    "dense": lambda: np.random.default_rng(3).dirichlet(np.ones(24 * 18 * 5)).reshape(24, 18, 5),
    "clustered": lambda: clustered_table(24, 18, 5, seed=4, reach=1),
}


@pytest.mark.parametrize("kind", sorted(TABLES))
@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_cpu_backends_agree_with_cvxpy(kind: str, backend: str) -> None:
    pytest.importorskip("cvxpy")
    if backend == "torch":
        torch = pytest.importorskip("torch")
        torch.set_num_threads(1)
    p = TABLES[kind]()
    ref = broja_cvxpy(p.sum(1), p.sum(0))
    sol = broja_fast(
        p.sum(1), p.sum(0), backend=backend, device="cpu" if backend == "torch" else None
    )
    assert sol.info.status == "optimal"
    assert sol.info.residual <= 1e-9
    assert abs(sol.min_mi - ref.min_mi) <= 1e-6
    np.testing.assert_allclose(sol.q.sum(1), p.sum(1), atol=1e-12)
    np.testing.assert_allclose(sol.q.sum(0), p.sum(0), atol=1e-12)


def test_ipf_torch_cpu_matches_numpy() -> None:
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    p = TABLES["clustered"]()
    a = maxent_ipf(p.sum(1), p.sum(0), p.sum(2), backend="numpy")
    b = maxent_ipf(p.sum(1), p.sum(0), p.sum(2), backend="torch", device="cpu")
    assert a.info.n_iter == b.info.n_iter
    assert abs(a.entropy_upper - b.entropy_upper) <= 1e-10
    np.testing.assert_allclose(a.r, b.r, atol=1e-14)
    assert isinstance(b.r, np.ndarray) and not b.r.flags.writeable


@cuda
@pytest.mark.parametrize("kind", sorted(TABLES))
def test_cuda_broja_matches_numpy(kind: str) -> None:
    p = TABLES[kind]()
    ref = broja_fast(p.sum(1), p.sum(0), backend="numpy")
    sol = broja_fast(p.sum(1), p.sum(0), backend="torch", device="cuda")
    assert sol.info.status == "optimal"
    assert abs(sol.min_mi - ref.min_mi) <= 1e-9
    assert isinstance(sol.q, np.ndarray)


@cuda
@pytest.mark.parametrize("kind", sorted(TABLES))
def test_cuda_estimate_matches_numpy(kind: str) -> None:
    p = TABLES[kind]()
    ref = mmbounds.estimate(p, random_state=0, options={"backend": "numpy"})
    res = mmbounds.estimate(p, random_state=0, options={"backend": "torch", "device": "cuda"})
    assert res.backend == "torch" and ref.backend == "numpy"
    for field in ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper"):
        assert abs(getattr(res, field) - getattr(ref, field)) <= 1e-8, field
    for a, b in zip(ref.bounds, res.bounds, strict=True):
        assert a.name == b.name and abs(a.value - b.value) <= 1e-8, a.name


@cuda
def test_auto_backend_sends_large_problems_to_cuda() -> None:
    import torch  # noqa: F401  (auto routing needs torch imported)

    assert get_namespace(np.zeros((2, 2)), n_cells=10**7).name == "torch"
    assert get_namespace(np.zeros((2, 2)), n_cells=10**3).name == "numpy"
    assert get_namespace(np.zeros((2, 2)), backend="numpy", n_cells=10**7).name == "numpy"


@pytest.mark.skipif(_cuda_available(), reason="a CUDA GPU is visible")
def test_cuda_request_without_a_gpu_is_a_clear_error() -> None:
    pytest.importorskip("torch")
    p = TABLES["dense"]()
    with pytest.raises(ValueError, match="device='cuda': torch sees no CUDA GPU"):
        mmbounds.estimate(p, options={"backend": "torch", "device": "cuda"})


def test_torch_backend_without_torch_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(ImportError, match=r"backend='torch' \(or a device\) needs torch"):
        get_namespace(np.zeros((2, 2)), backend="torch")
