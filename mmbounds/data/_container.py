"""The labeled multimodal dataset container :class:`MultimodalData` and its name check.

:class:`MultimodalData` holds one feature array per modality and a label vector over the same
samples; every loader of :mod:`mmbounds.data` returns one. Features are validated by
:func:`mmbounds._validation.check_features`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_features, check_labels

__all__ = ["MultimodalData"]


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
            mods[key] = _check_modality(x, name=f"modality {key!r}", n_samples=y.shape[0])
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

        Yields
        ------
        tuple of str
            ``(name_a, name_b)`` with ``name_a`` stored before ``name_b``.
        """
        yield from itertools.combinations(self.modalities, 2)

    def subset(self, indices: Sequence[int] | np.ndarray) -> MultimodalData:
        """Return the samples at ``indices`` (positions or a boolean mask) as a new dataset.

        Parameters
        ----------
        indices : sequence of int or ndarray
            Sample positions, or a boolean mask of length ``n_samples``.

        Returns
        -------
        MultimodalData
            The selected samples of every modality and their labels.
        """
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
        """Return a dataset restricted to the modalities ``names`` (in that order).

        Parameters
        ----------
        names : sequence of str
            Modality names of this dataset.

        Returns
        -------
        MultimodalData
            The same samples with only those modalities.
        """
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


def _check_modality(x: Any, *, name: str, n_samples: int) -> np.ndarray:
    """One modality through :func:`check_features`, plus the cross-checks of the container.

    The rows must match the labels, and an ``(n, 1)`` array stays one continuous feature (2-D,
    numeric) rather than becoming a 1-D column of discrete codes.
    """
    arr = check_features(x, name=name, kind="any")
    if arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} samples but y has {n_samples}")
    if arr.ndim == 1 and np.ndim(x) == 2:
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be numeric when 2-D, got dtype {arr.dtype}")
        arr = arr[:, None]
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
