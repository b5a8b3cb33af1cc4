"""Turn a labeled multimodal dataset into the semi-supervised setting of the paper.

The estimation problem (DESIGN.md §1) sees three data sets: ``D1 = {(x1, y)}``, ``D2 = {(x2, y)}``
and unlabeled pairs ``DM = {(x1, x2)}``. :func:`semi_supervised_split` draws them from disjoint
random parts of a labeled dataset (optionally keeping a labeled multimodal test part for the "true"
interactions); :func:`same_samples_split` uses the same samples for all three, the protocol of the
paper's real-data experiments.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), §2 and experiments.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import check_random_state, check_scalar
from ._container import MultimodalData, _check_names

__all__ = ["SemiSupervisedData", "same_samples_split", "semi_supervised_split"]


@dataclass(frozen=True)
class SemiSupervisedData:
    """The three observable data sets (and an optional labeled test set) of one modality pair.

    Attributes
    ----------
    x1, y1 : ndarray
        ``D1``: modality-1 features and their labels.
    x2, y2 : ndarray
        ``D2``: modality-2 features and their labels.
    x1_paired, x2_paired : ndarray
        ``DM``: unlabeled paired features (row ``i`` of both is one sample).
    x1_test, x2_test, y_test : ndarray or None
        Labeled multimodal test samples (for the true interactions), or None.
    modalities : tuple of str
        Names of modality 1 and modality 2.
    indices : dict of str to ndarray
        Row indices into the source dataset for ``"d1"``, ``"d2"``, ``"dm"`` (and ``"test"``).

    Examples
    --------
    >>> from mmbounds.data import make_pid_synthetic, semi_supervised_split
    >>> data = make_pid_synthetic("synergy", n_samples=900, dim=4, random_state=0)
    >>> split = semi_supervised_split(data, random_state=0)
    >>> split.modalities, split.x1.shape, split.x2.shape, split.x1_paired.shape
    (('x1', 'x2'), (300, 4), (300, 4), (300, 4))
    >>> sorted(split.indices), split.y_test is None
    (['d1', 'd2', 'dm'], True)
    """

    x1: np.ndarray
    y1: np.ndarray
    x2: np.ndarray
    y2: np.ndarray
    x1_paired: np.ndarray
    x2_paired: np.ndarray
    x1_test: np.ndarray | None
    x2_test: np.ndarray | None
    y_test: np.ndarray | None
    modalities: tuple[str, str]
    indices: dict[str, np.ndarray]

    def __repr__(self) -> str:
        test = "none" if self.y_test is None else str(self.y_test.shape[0])
        return (
            f"SemiSupervisedData(modalities={self.modalities}, n_d1={self.y1.shape[0]}, "
            f"n_d2={self.y2.shape[0]}, n_dm={self.x1_paired.shape[0]}, n_test={test})"
        )


def _as_pair(
    data_or_arrays: Any, modalities: Sequence[str] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, str]]:
    """Extract ``(X1, X2, y, names)`` from a MultimodalData or an ``(X1, X2, y)`` tuple."""
    if isinstance(data_or_arrays, MultimodalData):
        data = data_or_arrays
        if modalities is None:
            if len(data.modalities) != 2:
                raise ValueError(
                    f"data has {len(data.modalities)} modalities {data.modality_names}; pass "
                    "modalities=(m1, m2) to choose a pair"
                )
            modalities = data.modality_names
        names = _check_names(modalities, available=data.modality_names, name="modalities")
        if len(names) != 2:
            raise ValueError(f"modalities must name exactly 2 modalities, got {list(names)}")
        return data[names[0]], data[names[1]], data.y, (names[0], names[1])
    if isinstance(data_or_arrays, (tuple, list)) and len(data_or_arrays) == 3:
        if isinstance(modalities, str):
            raise TypeError(f"modalities must be a pair of names, got the string {modalities!r}")
        names = ("x1", "x2") if modalities is None else tuple(modalities)
        if len(names) != 2 or not all(isinstance(n, str) for n in names):
            raise ValueError(f"modalities must be two names, got {modalities!r}")
        if names[0] == names[1]:  # one dict key: X2 would replace X1
            raise ValueError(f"modalities must be two different names, got {modalities!r}")
        x1, x2, y = data_or_arrays
        data = MultimodalData({names[0]: x1, names[1]: x2}, y)  # validates lengths and values
        return data[names[0]], data[names[1]], data.y, (names[0], names[1])
    raise TypeError(
        "data_or_arrays must be a MultimodalData or a tuple (X1, X2, y), "
        f"got {type(data_or_arrays).__name__}"
    )


def semi_supervised_split(
    data_or_arrays: MultimodalData | tuple[Any, Any, Any],
    *,
    modalities: Sequence[str] | None = None,
    fractions: Sequence[float] = (1 / 3, 1 / 3, 1 / 3),
    random_state: int | np.random.Generator | None = None,
) -> SemiSupervisedData:
    """Split labeled multimodal data into disjoint ``D1``, ``D2``, ``DM`` (and a test part).

    Parameters
    ----------
    data_or_arrays : MultimodalData or tuple (X1, X2, y)
        The labeled multimodal dataset.
    modalities : (str, str) or None
        The pair to use (required when ``data`` has more than two modalities); for a tuple input,
        the names given to ``X1`` and ``X2``.
    fractions : sequence of 3 or 4 floats
        Shares ``(d1, d2, dm)`` or ``(d1, d2, dm, test)`` of the samples; each > 0 and the sum
        <= 1 (samples left over are unused). Each part receives at least one sample.
    random_state : None, int or numpy.random.Generator
        Seed of the random permutation.

    Returns
    -------
    SemiSupervisedData
        Disjoint parts; ``x1_test`` etc. are None when only three fractions are given.

    Raises
    ------
    ValueError
        On bad fractions, a part that would be empty, or invalid data.

    Examples
    --------
    >>> import numpy as np
    >>> x1, x2, y = np.arange(20.0)[:, None], -np.arange(20.0)[:, None], np.arange(20) % 2
    >>> s = semi_supervised_split((x1, x2, y), fractions=(0.25, 0.25, 0.25, 0.25), random_state=0)
    >>> s.y1.shape, s.x1_paired.shape, s.y_test.shape
    ((5,), (5, 1), (5,))
    """
    x1, x2, y, names = _as_pair(data_or_arrays, modalities)
    fr = _check_fractions(fractions)
    n = y.shape[0]
    counts = [int(np.floor(f * n + 1e-9)) for f in fr]
    empty = [lab for lab, c in zip(("d1", "d2", "dm", "test"), counts) if c < 1]
    if empty:
        raise ValueError(
            f"fractions {tuple(fr)} of {n} samples leave {empty} empty; use more samples or "
            "larger fractions"
        )
    rng = check_random_state(random_state)
    perm = rng.permutation(n)
    bounds = np.cumsum([0, *counts])
    parts = {
        lab: np.sort(perm[bounds[i] : bounds[i + 1]])
        for i, lab in enumerate(("d1", "d2", "dm", "test")[: len(counts)])
    }
    test = parts.get("test")
    return SemiSupervisedData(
        x1=x1[parts["d1"]],
        y1=y[parts["d1"]],
        x2=x2[parts["d2"]],
        y2=y[parts["d2"]],
        x1_paired=x1[parts["dm"]],
        x2_paired=x2[parts["dm"]],
        x1_test=None if test is None else x1[test],
        x2_test=None if test is None else x2[test],
        y_test=None if test is None else y[test],
        modalities=names,
        indices=parts,
    )


def same_samples_split(
    data_or_arrays: MultimodalData | tuple[Any, Any, Any],
    *,
    modalities: Sequence[str] | None = None,
) -> SemiSupervisedData:
    """Use the same labeled samples for ``D1``, ``D2``, ``DM`` and the test set (paper protocol).

    The paper's real-data experiments estimate every marginal from one labeled split, so
    ``p(x1, y)``, ``p(x2, y)`` and ``p(x1, x2)`` are exactly consistent and the "true" interactions
    come from the same samples.

    Parameters
    ----------
    data_or_arrays : MultimodalData or tuple (X1, X2, y)
        The labeled multimodal dataset.
    modalities : (str, str) or None
        The pair to use (required for more than two modalities).

    Returns
    -------
    SemiSupervisedData
        All parts hold every sample, in the original order.

    Examples
    --------
    >>> import numpy as np
    >>> from mmbounds.data import bitwise_joint, sample_joint
    >>> x1, x2, y = sample_joint(bitwise_joint("xor"), 100, random_state=0)
    >>> split = same_samples_split((x1, x2, y))
    >>> split.x1.shape, split.x1_paired.shape, split.y_test.shape
    ((100,), (100,), (100,))
    >>> bool(np.array_equal(split.y1, split.y2)), split.modalities
    (True, ('x1', 'x2'))
    """
    x1, x2, y, names = _as_pair(data_or_arrays, modalities)
    idx = np.arange(y.shape[0])
    return SemiSupervisedData(
        x1=x1,
        y1=y,
        x2=x2,
        y2=y,
        x1_paired=x1,
        x2_paired=x2,
        x1_test=x1,
        x2_test=x2,
        y_test=y,
        modalities=names,
        indices={"d1": idx, "d2": idx, "dm": idx, "test": idx},
    )


def _check_fractions(fractions: Any) -> list[float]:
    """3 or 4 positive shares summing to at most 1."""
    if isinstance(fractions, (str, bytes)) or not isinstance(fractions, Sequence):
        raise TypeError(f"fractions must be a sequence of 3 or 4 floats, got {fractions!r}")
    if len(fractions) not in (3, 4):
        raise ValueError(
            f"fractions must have 3 entries (d1, d2, dm) or 4 (d1, d2, dm, test), "
            f"got {len(fractions)}"
        )
    out = [
        float(
            check_scalar(
                f, name=f"fractions[{i}]", kind=numbers.Real, min_val=0.0, include_min=False
            )
        )
        for i, f in enumerate(fractions)
    ]
    if sum(out) > 1.0 + 1e-9:
        raise ValueError(f"fractions must sum to at most 1, got {sum(out):.4g}")
    return out
