"""Row geometry of the discretizer: rows scaled to unit length, nearest cluster centers."""

from __future__ import annotations

import numpy as np

__all__ = ["unit_rows", "nearest"]

#: rows whose largest entry lies outside [1e-150, 1e150] are scaled by it first: their squares
#: would overflow to inf or underflow to 0 in the Euclidean norm
_SAFE = 1e150


def unit_rows(arr: np.ndarray) -> np.ndarray:
    """Every row divided by its Euclidean norm; all-zero rows stay zero.

    Rows near the limits of float64 (entries above 1e150 or below 1e-150 in magnitude) are first
    divided by their largest entry, so their norm neither overflows nor underflows; other rows
    are divided by their norm directly.

    Parameters
    ----------
    arr : ndarray, shape (n_samples, n_features)
        Finite floats; not modified.

    Returns
    -------
    ndarray
        A new array of rows with norm 1 (or 0).

    Examples
    --------
    >>> unit_rows(np.array([[3.0, 4.0], [3e300, 4e300], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.6, 0.8], [0.0, 0.0]]
    """
    peak = np.abs(arr).max(axis=1, keepdims=True)
    odd = (peak > _SAFE) | ((peak > 0) & (peak < 1 / _SAFE))
    arr = np.where(odd, arr / np.where(odd, peak, 1.0), arr)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return arr / np.where(norms > 0, norms, 1.0)


def nearest(z: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest center (squared Euclidean) for every row of ``z``.

    Parameters
    ----------
    z : ndarray, shape (n_samples, n_dims)
        Points.
    centers : ndarray, shape (n_centers, n_dims)
        Cluster centers.

    Returns
    -------
    ndarray of int64, shape (n_samples,)

    Examples
    --------
    >>> nearest(np.array([[0.0], [0.9], [2.2]]), np.array([[0.0], [1.0], [2.0]])).tolist()
    [0, 1, 2]
    """
    d2 = (
        np.einsum("ij,ij->i", z, z)[:, None]
        - 2.0 * z @ centers.T
        + np.einsum("ij,ij->i", centers, centers)[None, :]
    )
    return np.argmin(d2, axis=1).astype(np.int64)
