"""Save and load a labeled multimodal dataset in the generic ``.npz`` format.

One array ``x_<modality>`` per modality, the labels ``y`` and optional 0-d strings ``name`` and
``description`` (:func:`save_npz`, :func:`load_npz`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ._container import MultimodalData
from ._paths import _check_path

__all__ = ["load_npz", "save_npz"]


def save_npz(path: str | os.PathLike, data: MultimodalData, *, compress: bool = True) -> Path:
    """Save a :class:`MultimodalData` in the generic ``.npz`` format read by :func:`load_npz`.

    Format: one array ``x_<modality>`` per modality (in order), the labels ``y``, and the 0-d
    string arrays ``name`` and ``description``. Object arrays are not allowed, so string labels
    are stored as unicode arrays.

    Parameters
    ----------
    path : str or os.PathLike
        Target file; numpy appends ``.npz`` if missing.
    data : MultimodalData
        The dataset.
    compress : bool
        Use ``np.savez_compressed``.

    Returns
    -------
    Path
        The written file.
    """
    if not isinstance(data, MultimodalData):
        raise TypeError(f"data must be a MultimodalData, got {type(data).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    target = Path(path)
    if target.suffix != ".npz":
        target = target.with_name(target.name + ".npz")
    arrays: dict[str, np.ndarray] = {}
    for key, x in data.modalities.items():
        arrays[f"x_{key}"] = x.astype(str) if x.dtype == object else x
    arrays["y"] = data.y.astype(str) if data.y.dtype == object else data.y
    arrays["name"] = np.array(data.name)
    arrays["description"] = np.array(data.description)
    (np.savez_compressed if compress else np.savez)(target, **arrays)
    return target


def load_npz(path: str | os.PathLike) -> MultimodalData:
    """Load a labeled multimodal dataset from a generic ``.npz`` file.

    Format: arrays named ``x_<modality>`` (one per modality, shape ``(n, ...)``; trailing axes are
    flattened) and ``y`` (shape ``(n,)`` or ``(n, 1)``); optional 0-d strings ``name`` and
    ``description``. Other keys are ignored. Modalities keep the order in which they were saved.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.npz`` file.

    Returns
    -------
    MultimodalData

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If there is no ``y`` or no ``x_*`` array, or on NaN features / mismatched lengths.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> d = MultimodalData({"a": np.eye(3), "b": np.ones((3, 1))}, y=np.array([0, 1, 1]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     loaded = load_npz(save_npz(os.path.join(tmp, "toy"), d))
    >>> loaded.modality_names, loaded.y.tolist()
    (('a', 'b'), [0, 1, 1])
    """
    p = _check_path(path)
    with np.load(p, allow_pickle=False) as npz:
        keys = list(npz.files)
        if "y" not in keys:
            raise ValueError(f"{str(p)!r} has no 'y' array (labels); found keys {keys}")
        x_keys = [k for k in keys if k.startswith("x_") and len(k) > 2]
        if not x_keys:
            raise ValueError(
                f"{str(p)!r} has no modality arrays; name them 'x_<modality>' (found {keys})"
            )
        mods = {}
        for k in x_keys:
            x = npz[k]
            mods[k[2:]] = x.reshape(x.shape[0], -1) if x.ndim > 2 else x
        y = npz["y"]
        name = str(npz["name"]) if "name" in keys else p.stem
        description = str(npz["description"]) if "description" in keys else ""
    return MultimodalData(mods, y, name=name, description=description, metadata={"path": str(p)})
