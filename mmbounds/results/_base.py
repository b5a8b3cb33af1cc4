"""The one result mechanism: JSON-safe export, aligned text and HTML from one description."""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = ["ResultMixin", "jsonable", "fmt_bits", "clean_bits", "ZERO_BITS"]

ZERO_BITS = 1e-9
"""Bits: exported values smaller than this in magnitude are solver residues of an exact zero (the
solvers' tolerances are 1e-9 and below; no reported digit reaches it). ``to_dict``, CSV and JSON
write them as ``0.0``; the result's attributes keep the computed values."""


def clean_bits(v: Any) -> Any:
    """``v`` with a residue below :data:`ZERO_BITS` written as an exact ``0.0`` (None stays None).

    Parameters
    ----------
    v : float or None
        A value in bits.

    Returns
    -------
    float or None

    Examples
    --------
    >>> clean_bits(2.4694135625225044e-11), clean_bits(-3e-12), clean_bits(0.25), clean_bits(None)
    (0.0, 0.0, 0.25, None)
    """
    if v is None:
        return None
    f = float(v)
    return 0.0 if abs(f) < ZERO_BITS else f


def jsonable(v: Any) -> Any:
    """``v`` with numpy scalars and arrays, tuples, mappings and results made JSON-safe.

    Non-finite floats become ``None`` (a result never holds them; this only keeps JSON valid).

    Parameters
    ----------
    v : object
        A value of an exported result.

    Returns
    -------
    object
        ``v`` built from dict, list, str, int, float, bool and None only.

    Examples
    --------
    >>> import numpy as np
    >>> jsonable({"a": np.arange(2), "b": (np.float64(0.5), float("nan"))})
    {'a': [0, 1], 'b': [0.5, None]}
    """
    if hasattr(v, "to_dict") and callable(v.to_dict):
        return v.to_dict()
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, np.ndarray):
        return jsonable(v.tolist())
    if isinstance(v, Mapping):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return v


def fmt_bits(v: float | None, width: int = 8) -> str:
    """A value in bits at fixed precision (``—`` for None; residues below 5e-7 print as 0).

    Parameters
    ----------
    v : float or None
        A value in bits.
    width : int
        Field width.

    Returns
    -------
    str
        ``v`` right-aligned with 4 decimals.

    Examples
    --------
    >>> fmt_bits(0.5), fmt_bits(None, width=3), fmt_bits(1e-9, width=6)
    ('  0.5000', '  —', '0.0000')
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—".rjust(width)
    return f"{0.0 if abs(v) < 5e-7 else v:{width}.4f}"


class _Proxy(dict):
    """A read-only mapping (``MappingProxyType``) as it travels in a pickle (internal)."""


def _swap_proxies(v: Any, to_pickle: bool) -> Any:
    """``v`` with every read-only mapping turned into a :class:`_Proxy` (``to_pickle``), or
    every :class:`_Proxy` back into a read-only mapping, through dicts, lists and tuples."""
    if isinstance(v, MappingProxyType if to_pickle else _Proxy):
        inner = {k: _swap_proxies(x, to_pickle) for k, x in v.items()}
        return _Proxy(inner) if to_pickle else MappingProxyType(inner)
    if type(v) in (dict, list, tuple):
        items = v.items() if isinstance(v, dict) else enumerate(v)
        out = {k: _swap_proxies(x, to_pickle) for k, x in items}
        return out if isinstance(v, dict) else type(v)(out.values())
    return v


def _rebuild(cls: type, fields: dict[str, Any]) -> Any:
    """A result from its pickled fields (:meth:`ResultMixin.__reduce__`)."""
    return cls(**{k: _swap_proxies(v, False) for k, v in fields.items()})


class ResultMixin:
    """``to_dict`` / ``__repr__`` / ``_repr_html_`` from ``_export`` and ``_rows``.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import bitwise_joint
    >>> res = mmbounds.pid(bitwise_joint("xor"))
    >>> isinstance(res, ResultMixin), round(res.to_dict()["synergy"], 4)
    (True, 1.0)
    >>> print(repr(res).splitlines()[0])
    PIDResult(R=0.0000, U1=0.0000, U2=0.0000, S=1.0000 bits)
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the fields (results are frozen dataclasses; their read-only mappings, which
        plain pickle refuses, travel as dicts and are read-only again after loading)."""
        fields = {
            f.name: _swap_proxies(getattr(self, f.name), True) for f in dataclasses.fields(self)
        }
        return (_rebuild, (type(self), fields))

    def _export(self) -> dict[str, Any]:  # pragma: no cover - every result defines it
        raise NotImplementedError

    def _rows(self) -> list[tuple[str, str, str]]:
        """``(label, value, note)`` rows shown by ``repr`` and in notebooks."""
        return []

    def _header(self) -> str:
        return ""

    def _footer(self) -> list[str]:
        return []

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (bits).

        Returns
        -------
        dict
            The result's fields; values in bits, arrays as nested lists.
        """
        return jsonable(self._export())

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__}({self._header()})"]
        rows = self._rows()
        width = max([6] + [len(k) + 1 for k, _, _ in rows])  # labels of the glossary, aligned
        lines += [f"  {k:<{width}}{v}  {note}".rstrip() for k, v, note in rows]
        lines += [f"  {line}" for line in self._footer()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><td>{html.escape(k)}</td><td style='text-align:right'>{html.escape(v.strip())}"
            f"</td><td>{html.escape(n)}</td></tr>"
            for k, v, n in self._rows()
        )
        foot = "".join(f"<div>{html.escape(line)}</div>" for line in self._footer())
        return (
            f"<div><b>mmbounds {html.escape(type(self).__name__)}</b> "
            f"{html.escape(self._header())}<table>{body}</table>{foot}</div>"
        )
