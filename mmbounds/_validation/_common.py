"""Shared helpers of the validation door: torch / masked / complex input, string options, flags
and torch devices."""

from __future__ import annotations

import numbers
import sys
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["check_option", "check_bool", "check_device"]

#: what a missing torch costs a user who asked for it (the one install hint of the package)
TORCH_MISSING = (
    "backend='torch' (or a device) needs torch: pip install -c constraints.txt 'mmbounds[torch]'"
)


def _is_tensor(x: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def _to_numpy(x: Any) -> Any:
    """``x`` on the host as numpy if it is a tensor (else unchanged).

    A floating or complex tensor of a dtype numpy has no counterpart for (bfloat16, the float8
    types, complex32) is first cast on the torch side to float64 or complex128; float16, float32
    and float64 keep their dtype (the table check reads their rounding from it).
    """
    if not _is_tensor(x):
        return x
    x = x.detach()
    torch = sys.modules["torch"]
    if x.dtype.is_floating_point and x.dtype not in (torch.float16, torch.float32, torch.float64):
        x = x.to(torch.float64)
    elif x.dtype.is_complex and x.dtype not in (torch.complex64, torch.complex128):
        x = x.to(torch.complex128)
    return x.cpu().numpy()


def _float_eps(x: Any) -> float:
    """Machine epsilon of a low-precision float array or tensor (0 for float64 and all else)."""
    dtype = getattr(x, "dtype", None)
    if _is_tensor(x):
        if not dtype.is_floating_point or dtype.itemsize >= 8:
            return 0.0
        if dtype.itemsize < 2:  # float8: a tolerance of 4 eps would be 0.5 to 1 of the sum
            raise TypeError(
                f"tensors of dtype {dtype} are too coarse for probability tables (their spacing "
                "near 1 is 0.125 or more); convert them with .to(torch.float32) or .double()"
            )
        return float(sys.modules["torch"].finfo(dtype).eps)
    try:
        floating = dtype is not None and np.issubdtype(dtype, np.floating)
    except TypeError:  # a dtype attribute numpy does not read
        return 0.0
    return float(np.finfo(dtype).eps) if floating and dtype.itemsize < 8 else 0.0


def _too_large(name: str) -> str:
    """The message for a number beyond float64 (a Python int above 1.8e308)."""
    return (
        f"{name} holds a number too large for float64 (above 1.8e308); divide the counts by a "
        "common factor first"
    )


def _float64_copy(x: Any, *, name: str) -> np.ndarray:
    """A float64 copy of ``x``: TypeError if it is not numeric, ValueError for a number beyond
    float64 (as a ``Decimal`` beyond it, which becomes inf, is refused with the non-finite)."""
    try:
        return np.array(x, dtype=np.float64, copy=True)
    except OverflowError:
        raise ValueError(_too_large(name)) from None
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array, could not convert: {exc}") from None


def _plain(x: Any, *, name: str) -> Any:
    """``x`` without torch or mask wrappers; masked entries and complex values raise."""
    if np.ma.isMaskedArray(x):
        n_masked = int(np.ma.count_masked(x))
        if n_masked:
            raise ValueError(f"{name} has {n_masked} masked entries; fill or drop them first")
        x = np.ma.getdata(x)
    x = _to_numpy(x)
    if np.iscomplexobj(x) if isinstance(x, np.ndarray) else _has_complex(x):
        raise TypeError(f"{name} has complex values; pass real numbers (e.g. np.abs or .real)")
    return x


def _has_complex(x: Any) -> bool:
    if isinstance(x, complex):
        return True
    if isinstance(x, (list, tuple)):
        return any(_has_complex(v) for v in x)
    return False


def check_option(value: Any, *, name: str, options: Iterable[str]) -> str:
    """Check that ``value`` is one of the allowed strings.

    Parameters
    ----------
    value : Any
        The value given.
    name : str
        Argument name for the message.
    options : iterable of str
        The allowed strings.

    Returns
    -------
    str
        ``value``, unchanged.

    Examples
    --------
    >>> check_option("fast", name="solver", options=("auto", "fast"))
    'fast'
    """
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def check_bool(value: Any, *, name: str) -> bool:
    """Check that a flag is ``True`` or ``False`` (a numpy bool too); return it as a bool.

    Parameters
    ----------
    value : Any
        The value given.
    name : str
        Argument name for the message.

    Returns
    -------
    bool
        ``value`` as a Python bool.

    Raises
    ------
    TypeError
        For anything else (``1``, ``"no"``, None): a truthy string would read as True.

    Examples
    --------
    >>> check_bool(np.True_, name="normalize")
    True
    >>> check_bool("no", name="normalize")
    Traceback (most recent call last):
        ...
    TypeError: normalize must be True or False, got 'no'
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_device(device: Any, *, name: str = "device") -> Any:
    """Check a torch device: None, or one on which torch can hold float64 numbers.

    Accepted: a ``str`` such as ``"cpu"``, ``"cuda"`` or ``"cuda:1"``, a ``torch.device``, or an
    int (an accelerator index, as torch reads it), when torch parses it and allocates a float64
    tensor there. ``"meta"`` is refused: its tensors hold no numbers, and results must be numbers.

    Parameters
    ----------
    device : Any
        The value given.
    name : str
        Argument name for the message.

    Returns
    -------
    torch.device, str or None
        The parsed device (None for None; ``"cpu"`` as given when torch is not imported: the
        host needs no check, and torch is imported only for another device).

    Raises
    ------
    TypeError
        For a value that is no str, int or ``torch.device``.
    ValueError
        For a device torch does not know, a CUDA device on a machine where torch sees none, or a
        device torch cannot hold float64 numbers on (backends not built in, the meta device).
    ImportError
        If torch is not installed.

    Examples
    --------
    >>> check_device(None) is None
    True
    >>> check_device(1.5)
    Traceback (most recent call last):
        ...
    TypeError: device must be None, a str such as 'cuda' or a torch.device; got float (1.5)
    """
    if device is None:
        return None
    torch = sys.modules.get("torch")
    if not (torch is not None and isinstance(device, torch.device)) and (
        isinstance(device, (bool, np.bool_)) or not isinstance(device, (str, numbers.Integral))
    ):
        raise TypeError(
            f"{name} must be None, a str such as 'cuda' or a torch.device; got "
            f"{type(device).__name__} ({device!r})"
        )
    if isinstance(device, numbers.Integral) and device < 0:
        raise ValueError(f"{name} == {device}, must be a device index >= 0 (or 'cpu', 'cuda')")
    if isinstance(device, str) and device == "cpu" and sys.modules.get("torch") is None:
        return device  # the host: valid without torch (the numpy backend ignores the device)
    try:
        import torch
    except ImportError:
        raise ImportError(TORCH_MISSING) from None
    remedy = "use 'cpu', or 'cuda' / 'cuda:0' on a machine with a CUDA GPU"
    try:
        dev = torch.device(int(device) if isinstance(device, numbers.Integral) else device)
    except (RuntimeError, TypeError, ValueError) as exc:
        why = str(exc).splitlines()[0][:120]
        raise ValueError(
            f"{name} == {device!r}, must be a torch device such as 'cpu', 'cuda' or 'cuda:0' "
            f"(torch: {why})"
        ) from None
    if dev.type == "meta":
        raise ValueError(
            f"{name} == {device!r}: meta tensors hold no numbers, and the bounds are numbers; "
            + remedy
        )
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"{name}={device!r}: torch sees no CUDA GPU on this machine; use 'cpu' or leave "
                f"{name}=None"
            )
        n_gpus = torch.cuda.device_count()
        if dev.index is not None and dev.index >= n_gpus:
            raise ValueError(
                f"{name}={device!r}: torch sees {n_gpus} CUDA GPU(s) (cuda:0 to "
                f"cuda:{n_gpus - 1}); pick one of them"
            )
    try:
        torch.zeros(1, dtype=torch.float64, device=dev)
    except Exception as exc:  # each missing backend fails its own way (Runtime, Assertion, Import)
        why = str(exc).splitlines()[0][:120] if str(exc) else ""
        raise ValueError(
            f"{name} == {device!r}: torch cannot hold float64 numbers on it "
            f"({type(exc).__name__}: {why}); {remedy}"
        ) from None
    return dev
