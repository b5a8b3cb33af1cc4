"""Save and load a labeled multimodal dataset in the generic ``.npz`` format.

One array ``x_<modality>`` per modality, the labels ``y`` and optional 0-d strings ``name`` and
``description`` (:func:`save_npz`, :func:`load_npz`).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from ._container import MultimodalData
from ._paths import _check_path

__all__ = ["load_npz", "save_npz", "read_npy", "read_arrays"]

_OBJECT_ADVICE = "Object arrays cannot be loaded"


def _unreadable(path: Path, exc: BaseException, what: str) -> ValueError:
    """A ValueError naming the file; numpy's advice to unpickle object data is replaced."""
    if _OBJECT_ADVICE in str(exc) or "pickled" in str(exc) or "Python objects" in str(exc):
        if not _starts_like_numpy_or_pickle(path):  # numpy calls any unknown file a pickle
            return ValueError(
                f"cannot read {str(path)!r} as {what}: it is not one (a .npy starts with "
                "\\x93NUMPY, a .npz is a zip archive); save arrays with np.save or np.savez"
            )
        return ValueError(
            f"{str(path)!r} holds Python objects (pickled data), which are never loaded: they "
            "could run code. Save numbers as numeric arrays and strings as unicode arrays "
            "(np.asarray(x, dtype=str))"
        )
    return ValueError(f"cannot read {str(path)!r} as {what}: {' '.join(str(exc).split())}")


def _starts_like_numpy_or_pickle(path: Path) -> bool:
    """Whether the file begins as a .npy, a zip (.npz) or a pickle does (protocol 2 and above)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(6)
    except OSError:
        return True
    return head.startswith((b"\x93NUMPY", b"PK", b"\x80"))


def read_npy(path: Path, *, mmap_mode: str | None = None) -> np.ndarray:
    """The array of a ``.npy`` file (never unpickled); a clear ValueError if unreadable.

    Parameters
    ----------
    path : Path
        The file.
    mmap_mode : str, optional
        As in :func:`numpy.load` (memory-map instead of reading).

    Returns
    -------
    ndarray
    """
    try:
        return np.load(path, mmap_mode=mmap_mode, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise _unreadable(path, exc, "a .npy file") from None


def read_arrays(path: Path) -> dict[str, np.ndarray] | np.ndarray:
    """Every array of a ``.npz`` (a dict, read now) or the array of a ``.npy`` file.

    Object arrays are refused (``allow_pickle=False``); corrupt or truncated files raise a
    ValueError naming the file.

    Parameters
    ----------
    path : Path
        A ``.npz`` or ``.npy`` file.

    Returns
    -------
    dict of str to ndarray, or ndarray
    """
    try:
        with open(path, "rb") as fh:  # our handle: closed even when numpy fails half-way
            z = np.load(fh, allow_pickle=False)
            if isinstance(z, np.ndarray):
                return z
            with z:
                out = {k: z[k] for k in z.files}
        bad = [k for k, v in out.items() if not isinstance(v, np.ndarray)]
        if bad:
            raise ValueError(f"member {bad[0]!r} is not a .npy array")
        return out
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise _unreadable(path, exc, "a .npz/.npy file") from None


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

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> from mmbounds.data import MultimodalData, load_npz
    >>> data = MultimodalData({"a": np.eye(3), "b": np.ones((3, 2))}, y=np.array(["x", "y", "x"]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save_npz(os.path.join(tmp, "toy"), data)
    ...     back = load_npz(path)
    >>> path.name, back.modality_names, back.y.tolist()
    ('toy.npz', ('a', 'b'), ['x', 'y', 'x'])
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
    npz = read_arrays(p)
    if isinstance(npz, np.ndarray):
        raise ValueError(
            f"{str(p)!r} holds one array (.npy); load_npz reads a .npz with arrays x_<modality> "
            "and y (see save_npz)"
        )
    keys = list(npz)
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
