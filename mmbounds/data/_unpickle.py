"""Reading pickles without running their code: a restricted unpickler for the file loaders.

``pickle.load`` on a file calls whatever the file names (``os.system`` included).
:func:`load_pickle` admits only what a pickle of data needs: numpy arrays, dtypes and scalars,
builtin containers and scalars, ``collections.OrderedDict``; anything else raises before it is
imported. The unrestricted ``pickle.load`` runs only with ``allow_pickle=True``, for files the
caller trusts.
"""

from __future__ import annotations

import builtins
import codecs
import collections
import importlib
import pickle
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["load_pickle", "SAFE_GLOBALS"]


def _numpy_core(module: str, name: str) -> Any:
    for base in ("numpy._core", "numpy.core"):
        try:
            return getattr(importlib.import_module(f"{base}.{module}"), name)
        except (ImportError, AttributeError):
            continue
    return None  # pragma: no cover - every numpy release has one of them


_BUILTINS = (
    "dict",
    "list",
    "tuple",
    "set",
    "frozenset",
    "bytearray",
    "bytes",
    "str",
    "int",
    "float",
    "complex",
    "bool",
    "slice",
    "range",
)

#: ``(module, name) -> object``: every global a default (safe) load may use.
SAFE_GLOBALS: dict[tuple[str, str], Any] = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("_codecs", "encode"): codecs.encode,  # bytes in protocol-2 pickles
    **{(m, n): getattr(builtins, n) for n in _BUILTINS for m in ("builtins", "__builtin__")},
}
for _module, _name in (("multiarray", "_reconstruct"), ("multiarray", "scalar")) + (
    ("numeric", "_frombuffer"),
):
    _obj = _numpy_core(_module, _name)
    if _obj is not None:
        for _base in ("numpy._core", "numpy.core"):
            SAFE_GLOBALS[(f"{_base}.{_module}", _name)] = _obj


class _Refused(pickle.UnpicklingError):
    """A global outside :data:`SAFE_GLOBALS`."""


class _RestrictedUnpickler(pickle.Unpickler):
    """Resolves only :data:`SAFE_GLOBALS`; any other global raises before it is imported."""

    def find_class(self, module: str, name: str) -> Any:
        try:
            return SAFE_GLOBALS[(module, name)]
        except KeyError:
            raise _Refused(f"{module}.{name}") from None


def load_pickle(path: Path, *, allow_pickle: bool = False) -> Any:
    """The object pickled in ``path``, with only numpy arrays and builtin containers by default.

    Parameters
    ----------
    path : Path
        An existing file.
    allow_pickle : bool
        True: plain ``pickle.load``, which **runs any code the file names**; only for files you
        trust.

    Returns
    -------
    object
        What the file holds.

    Raises
    ------
    ValueError
        If the file names anything beyond numpy arrays and builtin containers (without
        ``allow_pickle``), or is not a readable pickle (truncated, corrupt, another format).
    """
    with open(path, "rb") as fh:
        try:
            if allow_pickle:
                return pickle.load(fh)
            return _RestrictedUnpickler(fh).load()
        except _Refused as exc:
            raise ValueError(
                f"{str(path)!r} refers to {exc}, which is not a numpy array or a builtin "
                "container; it was not loaded, since unpickling it could run code. If you trust "
                "the file, pass allow_pickle=True (CLI: --allow-pickle)"
            ) from None
        except pickle.UnpicklingError as exc:
            raise ValueError(
                f"cannot read {str(path)!r} as a pickle ({exc}); is it a MultiBench .pkl file?"
            ) from None
        except (
            EOFError,
            ValueError,
            TypeError,
            LookupError,  # KeyError, IndexError, an unknown codec of _codecs.encode
            ArithmeticError,  # OverflowError: an integer too large for an index
            AttributeError,
            ImportError,
        ) as exc:
            what = "truncated" if isinstance(exc, EOFError) else f"{type(exc).__name__}: {exc}"
            raise ValueError(
                f"cannot read {str(path)!r} as a pickle ({what}); is it a MultiBench .pkl file?"
            ) from None
