"""Loaders for MultiBench formats: affect pickles (MOSI, MOSEI, MUStARD, UR-FUNNY) and AV-MNIST.

Both read local files (nothing is downloaded) and return a :class:`MultimodalData` with every
modality flattened to ``(n, d)`` and NaN / +-inf replaced by 0.

References
----------
P. P. Liang et al., "MultiBench: Multiscale Benchmarks for Multimodal Representation Learning",
NeurIPS Datasets and Benchmarks, 2021.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._validation import _to_numpy, check_bool, check_option, check_scalar
from ._container import MultimodalData, _check_names
from ._npz import read_npy
from ._paths import _check_path
from ._unpickle import load_pickle

__all__ = ["load_avmnist", "load_multibench_affect"]

_AFFECT_MODALITIES = ("vision", "audio", "text")


def _flatten_clean(x: Any, *, name: str) -> np.ndarray:
    """``(n, ...)`` array -> ``(n, d)`` float array with NaN and +-inf replaced by 0."""
    arr = np.asarray(_to_numpy(x))
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    arr = arr.astype(np.float32 if arr.dtype == np.float32 else np.float64)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have a sample axis, got a scalar")
    arr = arr.reshape(arr.shape[0], -1)
    return np.nan_to_num(arr, nan=0.0, posinf=0.0, neginf=0.0)


def load_multibench_affect(
    path: str | os.PathLike,
    split: str = "test",
    *,
    modalities: Sequence[str] = _AFFECT_MODALITIES,
    label: str = "auto",
    allow_pickle: bool = False,
) -> MultimodalData:
    """Load one split of a MultiBench affect pickle (MOSI, MOSEI, MUStARD, UR-FUNNY).

    The file is read with a restricted unpickler that admits only numpy arrays and builtin
    containers and scalars (:func:`mmbounds.data._unpickle.load_pickle`): a pickle naming any
    other function or class is refused before that code is imported.

    Expected format: a pickle of a dict with keys ``"train"``, ``"valid"``, ``"test"``; each split
    is a dict with arrays ``"vision"``, ``"audio"``, ``"text"`` of shape ``(n, t, d)`` and
    ``"labels"`` of shape ``(n, 1)`` or ``(n, 1, 1)`` (other keys, e.g. ``"id"``, are ignored).
    Every modality is cleaned (NaN and +-inf -> 0) and flattened to ``(n, t * d)``.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.pkl`` file.
    split : {"train", "valid", "test"}
        Which split to return.
    modalities : sequence of str
        Modalities to keep, among ``"vision"``, ``"audio"``, ``"text"``.
    label : {"auto", "binary", "class"}
        ``"binary"``: ``y = int(score > 0)`` (sentiment datasets MOSI/MOSEI, MUStARD);
        ``"class"``: the stored values as integer classes (e.g. UR-FUNNY's 0/1 humor labels);
        ``"auto"``: ``"binary"`` when the file name mentions mosi, mosei, sarcasm or mustard or
        when any label is not an integer, ``"class"`` otherwise.
    allow_pickle : bool, default False
        Read the file with plain ``pickle.load``. **Warning: unpickling runs any code the file
        names** (a crafted ``.pkl`` can delete files or open a shell); set it only for files you
        trust, when the restricted reader refuses a file that needs other classes.

    Returns
    -------
    MultimodalData
        One float array per requested modality and integer labels.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    TypeError
        If the pickle (or the split) is not a dict.
    ValueError
        On a pickle that names code (without ``allow_pickle``) or is corrupt, a missing split,
        modality or label key, mismatched lengths, NaN labels or one sample.

    Examples
    --------
    >>> import numpy as np, os, pickle, tempfile
    >>> rng = np.random.default_rng(0)
    >>> split = {"vision": rng.normal(size=(6, 2, 3)), "audio": rng.normal(size=(6, 2, 2)),
    ...          "text": rng.normal(size=(6, 2, 4)), "labels": rng.normal(size=(6, 1, 1))}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "mosi_data.pkl")
    ...     with open(path, "wb") as f:
    ...         pickle.dump({"train": split, "valid": split, "test": split}, f)
    ...     data = load_multibench_affect(path, modalities=("vision", "text"))
    >>> data.modality_names, data.modalities["text"].shape
    (('vision', 'text'), (6, 8))
    >>> data.y.tolist() == (split["labels"].ravel() > 0).astype(int).tolist()
    True
    """
    allow_pickle = check_bool(allow_pickle, name="allow_pickle")
    p = _check_path(path)
    check_option(split, name="split", options=("train", "valid", "test"))
    check_option(label, name="label", options=("auto", "binary", "class"))
    mods = _check_names(modalities, available=_AFFECT_MODALITIES, name="modalities")
    content = load_pickle(p, allow_pickle=allow_pickle)
    if not isinstance(content, Mapping):
        raise TypeError(f"{str(p)!r} must hold a dict of splits, got {type(content).__name__}")
    if split not in content:
        raise ValueError(f"{str(p)!r} has no split {split!r}; it has {sorted(map(str, content))}")
    part = content[split]
    if not isinstance(part, Mapping):
        raise TypeError(f"split {split!r} of {str(p)!r} must be a dict of arrays")
    missing = [k for k in (*mods, "labels") if k not in part]
    if missing:
        raise ValueError(f"split {split!r} of {str(p)!r} lacks keys {missing}")
    try:
        scores = np.asarray(part["labels"], dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(
            f"labels of split {split!r} of {str(p)!r} must be numbers (sentiment scores or "
            f"classes), got {type(part['labels']).__name__}"
        ) from None
    n = np.asarray(part[mods[0]]).shape[0]
    if scores.shape[0] != n:
        raise ValueError(
            f"labels of split {split!r} have {scores.shape[0]} entries but {mods[0]!r} has {n} "
            "samples; expected labels of shape (n, 1) or (n, 1, 1)"
        )
    n_nan = int(np.count_nonzero(~np.isfinite(scores)))
    if n_nan:
        raise ValueError(f"labels of split {split!r} contain {n_nan} NaN or infinite values")
    if label == "auto":
        stem = p.name.lower()
        named = any(k in stem for k in ("mosi", "mosei", "sarcasm", "mustard"))
        label = "binary" if named or np.any(scores != np.round(scores)) else "class"
    y = (scores > 0).astype(np.int64) if label == "binary" else np.round(scores).astype(np.int64)
    arrays = {m: _flatten_clean(part[m], name=f"{split}[{m!r}]") for m in mods}
    return MultimodalData(
        arrays,
        y,
        name=p.stem,
        description=f"MultiBench affect data {p.name}, split {split!r}, labels {label}.",
        metadata={"path": str(p), "split": split, "label": label},
    )


def load_avmnist(
    path: str | os.PathLike,
    split: str = "test",
    *,
    n_samples: int | None = None,
    scale: bool = True,
) -> MultimodalData:
    """Load MultiBench AV-MNIST (digit images paired with spoken-digit spectrograms).

    Expected layout (as distributed with MultiBench)::

        path/image/train_data.npy   (60000, 784)       MNIST pixels 0-255
        path/image/test_data.npy    (10000, 784)
        path/audio/train_data.npy   (60000, 112, 112)  spectrograms 0-255
        path/audio/test_data.npy    (10000, 112, 112)
        path/train_labels.npy       (60000,)           digits 0-9
        path/test_labels.npy        (10000,)

    Any leading-sample-axis shapes work; each modality is flattened to ``(n, d)``.

    Parameters
    ----------
    path : str or os.PathLike
        The AV-MNIST directory.
    split : {"train", "test"}
        Which files to read.
    n_samples : int or None
        Keep only the first ``n_samples`` samples (the arrays are memory-mapped, so this avoids
        reading the full training set).
    scale : bool
        Divide pixel and spectrogram values by 255, as MultiBench does.

    Returns
    -------
    MultimodalData
        ``modalities["image"]`` and ``modalities["audio"]`` as float32 arrays; ``y`` digits.

    Raises
    ------
    FileNotFoundError
        If the directory or one of the expected files is missing (the message names the file).
    ValueError
        On an unreadable ``.npy`` file, mismatched lengths, labels that are NaN or not whole
        numbers, or an invalid ``n_samples``.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:  # a miniature copy of the MultiBench layout
    ...     os.makedirs(os.path.join(tmp, "image")); os.makedirs(os.path.join(tmp, "audio"))
    ...     np.save(os.path.join(tmp, "image", "test_data.npy"), np.full((4, 784), 255.0))
    ...     np.save(os.path.join(tmp, "audio", "test_data.npy"), np.zeros((4, 112, 112)))
    ...     np.save(os.path.join(tmp, "test_labels.npy"), np.array([3, 1, 4, 1]))
    ...     data = load_avmnist(tmp, n_samples=3)
    >>> data.modalities["image"].shape, data.modalities["audio"].shape, data.y.tolist()
    ((3, 784), (3, 12544), [3, 1, 4])
    >>> float(data.modalities["image"].max())
    1.0
    """
    root = _check_path(path, is_dir=True)
    check_option(split, name="split", options=("train", "test"))
    if n_samples is not None:
        check_scalar(n_samples, name="n_samples", kind=numbers.Integral, min_val=2)
        n_samples = int(n_samples)
    files = {
        "image": root / "image" / f"{split}_data.npy",
        "audio": root / "audio" / f"{split}_data.npy",
        "labels": root / f"{split}_labels.npy",
    }
    for key, f in files.items():
        if not f.is_file():
            raise FileNotFoundError(f"AV-MNIST {key} file not found: {str(f)!r}")
    arrays = {k: read_npy(f, mmap_mode="r") for k, f in files.items()}
    n = arrays["labels"].shape[0] if n_samples is None else n_samples
    out: dict[str, np.ndarray] = {}
    for key in ("image", "audio"):
        a = arrays[key]
        if a.shape[0] != arrays["labels"].shape[0]:
            raise ValueError(
                f"{str(files[key])!r} has {a.shape[0]} samples but "
                f"{str(files['labels'])!r} has {arrays['labels'].shape[0]}"
            )
        x = np.array(a[:n], dtype=np.float32).reshape(min(n, a.shape[0]), -1)
        if scale:
            x /= 255.0
        out[key] = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)
    y = np.asarray(arrays["labels"][:n]).reshape(-1)
    if y.dtype.kind not in "biuf":
        raise TypeError(f"{str(files['labels'])!r} must hold numeric digit labels, got {y.dtype}")
    if y.dtype.kind == "f":
        bad = ~np.isfinite(y) | (y != np.round(y))
        if bad.any():
            raise ValueError(
                f"{str(files['labels'])!r} has {int(bad.sum())} labels that are NaN, infinite or "
                f"not whole numbers (first at index {int(np.argmax(bad))}); digit labels are 0-9"
            )
    y = y.astype(np.int64)
    return MultimodalData(
        out,
        y,
        name="avmnist",
        description=f"MultiBench AV-MNIST ({split} split): MNIST images + spoken-digit audio.",
        metadata={"path": str(root), "split": split},
    )
