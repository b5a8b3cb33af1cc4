"""Names of the built-in datasets, for the command line and notebooks.

Three kinds exist: ``"table"`` (an exact joint ``p(x1, x2, y)``: the bitwise tasks), ``"synthetic"``
(generated :class:`~mmbounds.data.MultimodalData`, the PID-controlled settings) and ``"shipped"``
(real data bundled with mmbounds or scikit-learn). File-based loaders (MultiBench, npz) are not
listed because they need a path.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import check_option
from ._container import MultimodalData
from ._shipped import MFEAT_VIEWS, load_digits_halves, load_mfeat
from .bitwise import BITWISE_TASKS, bitwise_joint
from .synthetic import _DESCRIPTIONS, SYNTHETIC_SETTINGS, make_pid_synthetic

__all__ = ["describe_dataset", "list_datasets", "load_dataset"]

_BITWISE_TEXT = {
    "and": "y = x1 AND x2 (x1, x2 uniform bits): R 0.311, S 0.5",
    "or": "y = x1 OR x2: R 0.311, S 0.5",
    "xor": "y = x1 XOR x2: S 1",
    "unique1": "y = x1, x2 independent: U1 1",
    "unique2": "y = x2, x1 independent: U2 1",
    "redundant": "x1 = x2 = y, one uniform bit: R 1",
    "copy": "y = (x1, x2): U1 1, U2 1",
    "redundant_unique": "x1 = (c, a), x2 = c, y = (c, a): R 1, U1 1",
    "redundant_and": "x1 = (c, a), x2 = (c, b), y = (c, a AND b): R 1.311, S 0.5",
    "redundant_or": "x1 = (c, a), x2 = (c, b), y = (c, a OR b): R 1.311, S 0.5",
    "redundant_xor": "x1 = (c, a), x2 = (c, b), y = (c, a XOR b): R 1, S 1",
}

_SHIPPED = {
    "mfeat": {
        "description": "UCI Multiple Features digits: 2,000 samples, 10 classes, 6 views "
        + ", ".join(f"{k} {v}" for k, v in MFEAT_VIEWS.items())
        + " (CC BY 4.0, R. Duin, UCI ML Repository)",
        "n_samples": 2000,
        "n_classes": 10,
        "modalities": dict(MFEAT_VIEWS),
    },
    "digits_halves": {
        "description": "scikit-learn digits split into left/right 4-column image halves: "
        "1,797 samples, 10 classes",
        "n_samples": 1797,
        "n_classes": 10,
        "modalities": {"left": 32, "right": 32},
    },
}


def list_datasets() -> list[str]:
    """Names of every built-in dataset: bitwise tasks, synthetic settings, shipped data.

    Returns
    -------
    list of str

    Examples
    --------
    >>> names = list_datasets()
    >>> "xor" in names and "synergy" in names and "mfeat" in names
    True
    """
    return [*BITWISE_TASKS, *SYNTHETIC_SETTINGS, *_SHIPPED]


def describe_dataset(name: str) -> dict[str, Any]:
    """A JSON-safe description of a built-in dataset (nothing is loaded or generated).

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`.

    Returns
    -------
    dict
        Always ``name``, ``kind`` (``"table"``, ``"synthetic"`` or ``"shipped"``) and
        ``description``; tables add ``shape``, the others ``modalities`` (name -> number of
        features) and ``n_classes`` (and ``n_samples`` for shipped data).

    Examples
    --------
    >>> describe_dataset("xor")["shape"]
    [2, 2, 2]
    """
    check_option(name, name="name", options=list_datasets())
    if name in BITWISE_TASKS:
        return {
            "name": name,
            "kind": "table",
            "description": _BITWISE_TEXT[name],
            "shape": list(BITWISE_TASKS[name]),
        }
    if name in SYNTHETIC_SETTINGS:
        return {
            "name": name,
            "kind": "synthetic",
            "description": _DESCRIPTIONS[name],
            "modalities": {"x1": 100, "x2": 100},
            "n_classes": 2,
            "n_samples": 20000,
            "latent_parts": list(SYNTHETIC_SETTINGS[name]),
        }
    info = _SHIPPED[name]
    return {"name": name, "kind": "shipped", **{k: v for k, v in info.items()}}


def load_dataset(name: str, **kwargs: Any) -> np.ndarray | MultimodalData:
    """Load or generate a built-in dataset by name.

    Parameters
    ----------
    name : str
        One of :func:`list_datasets`.
    **kwargs
        Passed to the underlying function: :func:`make_pid_synthetic` for synthetic settings
        (e.g. ``random_state``, ``n_samples``), :func:`load_mfeat` for ``"mfeat"`` (``views``).

    Returns
    -------
    ndarray or MultimodalData
        The joint table for a bitwise task, a dataset otherwise.

    Examples
    --------
    >>> load_dataset("and").shape
    (2, 2, 2)
    """
    check_option(name, name="name", options=list_datasets())
    if name in BITWISE_TASKS:
        if kwargs:
            raise TypeError(f"bitwise task {name!r} takes no options, got {sorted(kwargs)}")
        return bitwise_joint(name)
    if name in SYNTHETIC_SETTINGS:
        return make_pid_synthetic(name, **kwargs)
    if name == "mfeat":
        return load_mfeat(**kwargs)
    if kwargs:
        raise TypeError(f"{name!r} takes no options, got {sorted(kwargs)}")
    return load_digits_halves()
