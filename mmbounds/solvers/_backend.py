"""A minimal array namespace so each solver is written once for numpy and torch.

``get_namespace(*arrays, backend="auto", device=None)`` returns an object exposing the few
operations our solvers use (array creation, elementwise maths, reductions, ``einsum`` and a
symmetric positive definite solve). numpy is always available; torch is imported only inside this
module's functions, the first time a tensor arrives or ``backend="torch"`` is requested, so
``import mmbounds`` never imports torch. Tensors are detected through ``sys.modules`` without
importing torch (as array-api-compat does).

All arrays created by a namespace are float64 on the namespace's device.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from .._validation import TORCH_MISSING, check_device

__all__ = [
    "NumpyNamespace",
    "TorchNamespace",
    "get_namespace",
    "is_torch_array",
]

# Problems with at least this many cells go to torch on CUDA under backend="auto", when torch is
# already imported and a GPU is visible (a large dense BROJA problem is about 1e7 cells).
_AUTO_CUDA_CELLS = 2_000_000


def is_torch_array(x: Any) -> bool:
    """True if ``x`` is a ``torch.Tensor``; never imports torch.

    Parameters
    ----------
    x : object
        Anything.

    Returns
    -------
    bool
        Whether torch is already imported and ``x`` is one of its tensors.

    Examples
    --------
    >>> import numpy as np
    >>> is_torch_array(np.zeros(2))
    False
    """
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


# the ufunc reductions behind np.sum / np.max, without their Python-level dispatch (the solvers
# reduce small arrays thousands of times per solve)
_add_reduce = np.add.reduce
_max_reduce = np.maximum.reduce


_METHODS = """
    Methods
    -------
    asarray(x), to_numpy(x)
        ``x`` as a float64 array of this namespace; an array as a numpy array.
    zeros(shape), zeros_like(x), eye(n)
        New float64 arrays on the namespace's device.
    exp(x), log(x), sqrt(x), abs(x), clip(x, lo, hi), where(cond, a, b), isfinite(x)
        Elementwise operations, as numpy's.
    sum(x, axis), max(x, axis), logsumexp(x, axis), all_finite(x), item(x)
        Reductions (``all_finite`` and ``item`` return Python ``bool``/``float``).
    einsum(subscripts, *operands), copy(x), nonzero(mask)
        As numpy's (``nonzero`` returns a tuple of index arrays).
    matmul(a, b), permute(x, axes), transpose(x, axes), index(idx), segment_sum(x, offsets)
        Products and layout (each method's docstring says what it returns).
    solve(a, b), inv(a), cholesky_batched(a), inv_lower(low), cholesky(a), cho_solve(factor, b)
        Linear algebra on stacks ``(..., n, n)``; the Cholesky methods return None if not SPD.
    """


class NumpyNamespace:
    """The namespace backed by numpy (float64, CPU)."""

    name = "numpy"
    device = "cpu"

    def asarray(self, x: Any) -> np.ndarray:
        if is_torch_array(x):
            x = x.detach().cpu().numpy()
        return np.asarray(x, dtype=np.float64)

    def to_numpy(self, x: Any) -> np.ndarray:
        return np.asarray(x)

    def zeros(self, shape: tuple[int, ...]) -> np.ndarray:
        return np.zeros(shape)

    def zeros_like(self, x: np.ndarray) -> np.ndarray:
        return np.zeros_like(x)

    def eye(self, n: int) -> np.ndarray:
        return np.eye(n)

    def exp(self, x: np.ndarray) -> np.ndarray:
        return np.exp(x)

    def log(self, x: np.ndarray) -> np.ndarray:
        return np.log(x)

    def sqrt(self, x: np.ndarray) -> np.ndarray:
        return np.sqrt(x)

    def abs(self, x: np.ndarray) -> np.ndarray:
        return np.abs(x)

    def clip(self, x: np.ndarray, lo: float | None = None, hi: float | None = None) -> np.ndarray:
        return np.clip(x, lo, hi)

    def where(self, cond: np.ndarray, a: Any, b: Any) -> np.ndarray:
        return np.where(cond, a, b)

    def sum(self, x: np.ndarray, axis: int | tuple[int, ...] | None = None) -> np.ndarray:
        return _add_reduce(x, axis=axis)

    def max(self, x: np.ndarray, axis: int | None = None) -> np.ndarray:
        return _max_reduce(x, axis=axis)

    def logsumexp(self, x: np.ndarray, axis: int) -> np.ndarray:
        """``log(sum(exp(x), axis))``; all ``-inf`` slices give ``-inf`` without a warning."""
        m = np.max(x, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        with np.errstate(divide="ignore"):
            out = np.log(np.sum(np.exp(x - m), axis=axis))
        return out + np.squeeze(m, axis=axis)

    def einsum(self, subscripts: str, *operands: np.ndarray) -> np.ndarray:
        return np.einsum(subscripts, *operands, optimize=True)

    def matmul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Batched matrix product (BLAS on each slice of contiguous stacks)."""
        return np.matmul(a, b)

    def permute(self, x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
        """``x`` with its axes reordered, as a C-contiguous copy (so products stay on BLAS)."""
        return np.ascontiguousarray(np.transpose(x, axes))

    def transpose(self, x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
        """``x`` with its axes reordered, as a view (``matmul`` reads strided stacks directly)."""
        return np.transpose(x, axes)

    def copy(self, x: np.ndarray) -> np.ndarray:
        return x.copy()

    def isfinite(self, x: np.ndarray) -> np.ndarray:
        return np.isfinite(x)

    def all_finite(self, x: np.ndarray) -> bool:
        return bool(np.all(np.isfinite(x)))

    def item(self, x: Any) -> float:
        return float(x)

    def nonzero(self, mask: np.ndarray) -> tuple[np.ndarray, ...]:
        return np.nonzero(mask)

    def solve(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Solve each system of a stack: ``a (..., n, n)``, ``b (..., n)``."""
        return np.linalg.solve(a, b[..., None])[..., 0]

    def inv(self, a: np.ndarray) -> np.ndarray:
        """Inverse of each matrix of a stack ``a (..., n, n)``."""
        return np.linalg.inv(a)

    def index(self, idx: np.ndarray) -> np.ndarray:
        """An integer index array usable on this namespace's arrays."""
        return np.asarray(idx, dtype=np.intp)

    def segment_sum(self, x: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Sums of ``x[offsets[s]:offsets[s + 1]]`` (non-empty runs)."""
        return np.add.reduceat(x, offsets[:-1])

    def cholesky_batched(self, a: np.ndarray) -> np.ndarray | None:
        """Lower Cholesky factors of a stack ``a (..., n, n)``; None if any is not SPD."""
        try:
            return np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            return None

    def inv_lower(self, low: np.ndarray) -> np.ndarray:
        """Inverses of a stack of lower-triangular matrices ``low (..., n, n)``."""
        return np.linalg.inv(low)

    def cholesky(self, a: np.ndarray) -> Any | None:
        """Cholesky factor of a symmetric positive definite ``a`` (overwritten); None if not SPD.

        LAPACK ``potrf`` is called directly (as ``scipy.linalg.cho_factor`` does, without its
        per-call argument checks): the interior-point solvers factor a small matrix per iteration.
        """
        potrf, _ = _lapack_cholesky(a.dtype)
        c, info = potrf(a, lower=1, clean=0, overwrite_a=1)
        return None if info != 0 else (c, True)

    def cho_solve(self, factor: Any, b: np.ndarray) -> np.ndarray:
        """Solve ``a x = b`` given ``factor = cholesky(a)``."""
        c = factor[0]
        _, potrs = _lapack_cholesky(c.dtype)
        x, info = potrs(c, b, lower=1)
        if info != 0:
            raise ValueError(f"potrs: illegal value in argument {-info}")
        return x


class TorchNamespace:
    """The namespace backed by torch (float64 tensors on ``device``).

    Parameters
    ----------
    device : str, int or torch.device, optional
        Where new tensors live (default: the CPU); checked by
        :func:`mmbounds._validation.check_device` (a ``ValueError`` for a device torch cannot
        hold float64 numbers on).
    """

    name = "torch"

    def __init__(self, device: Any = None) -> None:
        try:
            import torch
        except ImportError:
            raise ImportError(TORCH_MISSING) from None
        self._t = torch
        self.device = check_device(device) if device is not None else torch.device("cpu")

    def asarray(self, x: Any) -> Any:
        t = self._t
        if isinstance(x, t.Tensor):
            return x.detach().to(device=self.device, dtype=t.float64)
        a = np.asarray(x, dtype=np.float64)
        if not a.flags.writeable:  # torch shares memory with numpy and wants it writeable
            a = a.copy()
        return t.as_tensor(a, device=self.device)

    def to_numpy(self, x: Any) -> np.ndarray:
        return x.detach().cpu().numpy()

    def zeros(self, shape: tuple[int, ...]) -> Any:
        return self._t.zeros(shape, dtype=self._t.float64, device=self.device)

    def zeros_like(self, x: Any) -> Any:
        return self._t.zeros_like(x)

    def eye(self, n: int) -> Any:
        return self._t.eye(n, dtype=self._t.float64, device=self.device)

    def exp(self, x: Any) -> Any:
        return self._t.exp(x)

    def log(self, x: Any) -> Any:
        return self._t.log(x)

    def sqrt(self, x: Any) -> Any:
        return self._t.sqrt(x)

    def abs(self, x: Any) -> Any:
        return self._t.abs(x)

    def clip(self, x: Any, lo: float | None = None, hi: float | None = None) -> Any:
        return self._t.clamp(x, min=lo, max=hi)

    def where(self, cond: Any, a: Any, b: Any) -> Any:
        t = self._t
        # a Python scalar beside a float64 tensor keeps float64 and costs no host-to-device copy
        if not isinstance(a, t.Tensor) and not isinstance(b, t.Tensor):
            a = t.tensor(a, dtype=t.float64, device=self.device)
        return t.where(cond, a, b)

    def sum(self, x: Any, axis: int | tuple[int, ...] | None = None) -> Any:
        return self._t.sum(x) if axis is None else self._t.sum(x, dim=axis)

    def max(self, x: Any, axis: int | None = None) -> Any:
        return self._t.max(x) if axis is None else self._t.amax(x, dim=axis)

    def logsumexp(self, x: Any, axis: int) -> Any:
        return self._t.logsumexp(x, dim=axis)

    def einsum(self, subscripts: str, *operands: Any) -> Any:
        return self._t.einsum(subscripts, *operands)

    def matmul(self, a: Any, b: Any) -> Any:
        """Batched matrix product."""
        return self._t.matmul(a, b)

    def permute(self, x: Any, axes: tuple[int, ...]) -> Any:
        """``x`` with its axes reordered, as a contiguous copy."""
        return x.permute(*axes).contiguous()

    def transpose(self, x: Any, axes: tuple[int, ...]) -> Any:
        """``x`` with its axes reordered, as a view."""
        return x.permute(*axes)

    def copy(self, x: Any) -> Any:
        return x.clone()

    def isfinite(self, x: Any) -> Any:
        return self._t.isfinite(x)

    def all_finite(self, x: Any) -> bool:
        return bool(self._t.isfinite(x).all())

    def item(self, x: Any) -> float:
        return float(x)

    def nonzero(self, mask: Any) -> tuple[Any, ...]:
        return self._t.nonzero(mask, as_tuple=True)

    def solve(self, a: Any, b: Any) -> Any:
        """Solve each system of a stack: ``a (..., n, n)``, ``b (..., n)``."""
        return self._t.linalg.solve(a, b.unsqueeze(-1)).squeeze(-1)

    def inv(self, a: Any) -> Any:
        """Inverse of each matrix of a stack ``a (..., n, n)``."""
        return self._t.linalg.inv(a)

    def index(self, idx: np.ndarray) -> Any:
        """An integer index tensor on this namespace's device."""
        return self._t.as_tensor(np.asarray(idx, dtype=np.int64), device=self.device)

    def segment_sum(self, x: Any, offsets: Any) -> Any:
        """Sums of ``x[offsets[s]:offsets[s + 1]]`` (non-empty runs)."""
        return self._t.segment_reduce(x, "sum", offsets=offsets)

    def cholesky_batched(self, a: Any) -> Any | None:
        """Lower Cholesky factors of a stack ``a (..., n, n)``; None if any is not SPD."""
        c, info = self._t.linalg.cholesky_ex(a)
        if bool((info != 0).any()) or not bool(self._t.isfinite(c).all()):
            return None
        return c

    def inv_lower(self, low: Any) -> Any:
        """Inverses of a stack of lower-triangular matrices ``low (..., n, n)``."""
        eye = self._t.eye(low.shape[-1], dtype=low.dtype, device=low.device)
        return self._t.linalg.solve_triangular(low, eye.expand(low.shape), upper=False)

    def cholesky(self, a: Any) -> Any | None:
        """Lower Cholesky factor of a symmetric positive definite ``a``; None if not SPD."""
        c, info = self._t.linalg.cholesky_ex(a)
        if int(info) != 0 or not bool(self._t.isfinite(c).all()):
            return None
        return c

    def cho_solve(self, factor: Any, b: Any) -> Any:
        """Solve ``a x = b`` given ``factor = cholesky(a)``."""
        return self._t.cholesky_solve(b.reshape(-1, 1), factor).reshape(b.shape)


_LAPACK: dict[Any, tuple[Any, Any]] = {}


NumpyNamespace.__doc__ += _METHODS
TorchNamespace.__doc__ += _METHODS


def _lapack_cholesky(dtype: Any) -> tuple[Any, Any]:
    """``(potrf, potrs)`` of scipy's LAPACK for ``dtype`` (looked up once per dtype)."""
    key = np.dtype(dtype)
    if key not in _LAPACK:
        from scipy.linalg import get_lapack_funcs

        _LAPACK[key] = tuple(get_lapack_funcs(("potrf", "potrs"), dtype=key))
    return _LAPACK[key]


def _cuda_ready() -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and bool(torch.cuda.is_available())


def get_namespace(
    *arrays: Any,
    backend: str = "auto",
    device: Any = None,
    n_cells: int | None = None,
) -> NumpyNamespace | TorchNamespace:
    """Pick the array namespace for ``arrays``.

    Parameters
    ----------
    *arrays : array_like
        The inputs of a solver (numpy arrays, nested lists or torch tensors).
    backend : {"auto", "numpy", "torch"}
        ``"auto"`` gives torch if any input is a tensor (on that tensor's device unless
        ``device`` is given), or if ``n_cells`` is large and torch with CUDA is already imported;
        numpy otherwise.
    device : str or torch.device, optional
        Torch device (e.g. ``"cuda"``); ignored by numpy. Passing a device with ``backend="auto"``
        selects torch.
    n_cells : int, optional
        Size of the problem, used only by ``"auto"`` to route very large problems to a GPU.

    Returns
    -------
    NumpyNamespace or TorchNamespace
        Float64 operations on the CPU (numpy) or on the torch device.

    Raises
    ------
    ValueError
        For an unknown backend, or a device other than the CPU with ``backend="numpy"``.

    Examples
    --------
    >>> import numpy as np
    >>> get_namespace(np.ones(3)).name
    'numpy'
    """
    if backend not in ("auto", "numpy", "torch"):
        raise ValueError(f"backend must be 'auto', 'numpy' or 'torch', got {backend!r}")
    if backend == "numpy":
        if device is not None and str(device) != "cpu":
            raise ValueError(f"backend='numpy' runs on the CPU only, got device={device!r}")
        return NumpyNamespace()
    tensors = [a for a in arrays if is_torch_array(a)]
    if backend == "torch" or tensors or device is not None:
        if device is None and tensors:
            device = tensors[0].device
        return TorchNamespace(device)
    if n_cells is not None and n_cells >= _AUTO_CUDA_CELLS and _cuda_ready():
        return TorchNamespace("cuda")
    return NumpyNamespace()
