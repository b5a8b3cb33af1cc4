"""Shared helpers of the validation door: torch / masked / complex input, string options."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["check_option"]


def _is_tensor(x: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def _to_numpy(x: Any) -> Any:
    if _is_tensor(x):
        return x.detach().cpu().numpy()
    return x


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
