"""Per-modality discretizers of the feature layer: templates, fitting once per modality, codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .discretize import Discretizer

__all__ = [
    "is_discrete_column",
    "resolve_discretizers",
    "fit_discretizer",
    "codes_of",
]


def is_discrete_column(x: np.ndarray) -> bool:
    """Whether ``x`` is one column of categories (1-D, not floats with fractional parts).

    Parameters
    ----------
    x : ndarray
        Samples of one modality.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_discrete_column(np.array([0, 1, 1])), is_discrete_column(np.array([0.5, 1.0]))
    (True, False)
    """
    return x.ndim == 1 and (x.dtype.kind not in "fc" or bool(np.all(x == np.round(x))))


def resolve_discretizers(discretizer: Any) -> tuple[Any, Any]:
    """Two templates (or fitted discretizers) from None, a dict, a Discretizer, or a pair.

    Parameters
    ----------
    discretizer : None, dict, discretizer or pair
        The ``discretizer=`` argument of :func:`mmbounds.estimate`: one setting for both
        modalities, or a pair (modality 1, modality 2).

    Returns
    -------
    tuple
        One template (or fitted discretizer) per modality.
    """
    if isinstance(discretizer, (tuple, list)):
        if len(discretizer) != 2:
            raise ValueError(
                f"discretizer as a sequence must be a pair (modality 1, modality 2), got "
                f"{len(discretizer)} entries"
            )
        return _one_discretizer(discretizer[0], 1), _one_discretizer(discretizer[1], 2)
    return _one_discretizer(discretizer, 1), _one_discretizer(discretizer, 2)


def _one_discretizer(spec: Any, i: int) -> Any:
    if spec is None:
        return Discretizer()
    if isinstance(spec, dict):
        return Discretizer(**spec)
    if not isinstance(spec, Discretizer) and _is_clusterer(spec):
        k = getattr(spec, "n_clusters", "k")
        raise TypeError(
            f"discretizer for modality {i} is a {type(spec).__name__}, a clusterer: its "
            "transform() gives distances, not codes; pass "
            f"Discretizer(n_clusters={k}) (k-means after PCA) or an object whose transform() "
            "returns one code per sample"
        )
    if hasattr(spec, "transform") and (hasattr(spec, "fit") or hasattr(spec, "passthrough_")):
        return spec
    raise TypeError(
        f"discretizer for modality {i} must be None, a dict of Discretizer parameters or a "
        f"Discretizer, got {type(spec).__name__}"
    )


def _is_clusterer(spec: Any) -> bool:
    kind = getattr(spec, "_estimator_type", None)
    if kind is None and hasattr(spec, "__sklearn_tags__"):
        try:
            kind = spec.__sklearn_tags__().estimator_type
        except Exception:  # pragma: no cover - foreign tag implementations
            kind = None
    return kind == "clusterer"


def _is_fitted(d: Any) -> bool:
    return hasattr(d, "passthrough_") or hasattr(d, "cluster_centers_")


def fit_discretizer(
    template: Any, data: Sequence[np.ndarray], seed: int, n_clusters: int | None = None
) -> Any:
    """Clone an unfitted template (seeding it if unseeded) and fit on the union of ``data``.

    Parameters
    ----------
    template : discretizer
        A :class:`~mmbounds.raw.Discretizer`, a scikit-learn style transformer, or an already
        fitted one (returned as it is).
    data : sequence of ndarray
        The samples of the modality in each source (identical arrays are used once).
    seed : int
        Seed of an unseeded ``Discretizer``.
    n_clusters : int, optional
        Replaces a template's ``"auto"`` cluster count.

    Returns
    -------
    discretizer
        The fitted copy (the template itself stays unfitted).
    """
    if _is_fitted(template):
        return template
    if isinstance(template, Discretizer):
        params = template.get_params()
        if params["random_state"] is None:
            params["random_state"] = seed
        if params["n_clusters"] == "auto" and n_clusters is not None:
            params["n_clusters"] = n_clusters
        d = Discretizer(**params)
    elif hasattr(template, "get_params"):
        from sklearn.base import clone

        d = clone(template)
    else:  # not a scikit-learn estimator: a private copy, so the template stays unfitted
        import copy

        d = copy.deepcopy(template)
    parts = [data[0]]
    for extra in data[1:]:
        if not any(
            extra is p or (extra.shape == p.shape and np.array_equal(extra, p)) for p in parts
        ):
            parts.append(extra)
    d.fit(parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0))
    return d


def codes_of(d: Any, x: np.ndarray) -> np.ndarray:
    """The discrete codes of ``x``: ``d.transform(x)``, which must give one integer per sample.

    Parameters
    ----------
    d : discretizer
        A fitted object with ``transform``.
    x : ndarray
        Samples of one modality.

    Returns
    -------
    ndarray of int64, shape (n_samples,)
    """
    codes = np.asarray(d.transform(x))
    if codes.ndim == 2 and codes.shape[1] == 1:
        codes = codes[:, 0]
    if codes.shape != (x.shape[0],) or codes.dtype.kind not in "biu":
        raise TypeError(
            f"discretizer {type(d).__name__}.transform() returned shape {codes.shape} (dtype "
            f"{codes.dtype}); it must return one integer code per sample, shape ({x.shape[0]},)"
        )
    return codes.astype(np.int64, copy=False)
