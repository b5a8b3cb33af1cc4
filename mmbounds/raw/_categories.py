"""Codes of an already discrete column: its sorted categories, and codes of new values by them."""

from __future__ import annotations

import numpy as np

__all__ = ["fit_categories", "category_codes"]


def _type_names(arr: np.ndarray) -> str:
    """The Python types in ``arr`` (at most four), for an error message."""
    if arr.dtype.kind != "O":
        return str(arr.dtype)
    names = sorted({type(v).__name__ for v in arr.ravel()[:10_000]})
    return ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")


def fit_categories(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of the 1-D column ``arr`` and the code of each entry.

    Parameters
    ----------
    arr : ndarray, shape (n,)
        Category values (ints, strings, or Python objects that can be ordered together).

    Returns
    -------
    categories : ndarray
        The distinct values, sorted; code ``i`` stands for ``categories[i]``.
    codes : ndarray of int64, shape (n,)

    Raises
    ------
    TypeError
        When the values cannot be sorted together (an object column mixing ``int`` and ``str``).

    Examples
    --------
    >>> cats, codes = fit_categories(np.array(["b", "a", "b"]))
    >>> cats.tolist(), codes.tolist()
    (['a', 'b'], [1, 0, 1])
    """
    try:
        categories, codes = np.unique(arr, return_inverse=True)
    except TypeError:  # an object column of values that cannot be ordered together
        raise TypeError(
            f"X holds values that cannot be sorted (types {_type_names(arr)}); convert the "
            "column to one orderable type first (e.g. X.astype(str))"
        ) from None
    return categories, codes.ravel().astype(np.int64)


def category_codes(categories: np.ndarray, arr: np.ndarray) -> np.ndarray:
    """Codes of the 1-D column ``arr`` by the sorted ``categories`` of :func:`fit_categories`.

    Parameters
    ----------
    categories : ndarray
        Sorted distinct values seen in fit.
    arr : ndarray
        New values.

    Returns
    -------
    ndarray of int64
        ``codes[t]`` with ``categories[codes[t]] == arr[t]``.

    Raises
    ------
    ValueError
        When ``arr`` is not 1-D or holds values not among ``categories``.
    TypeError
        When its values cannot be compared with ``categories`` (strings after integer codes).

    Examples
    --------
    >>> category_codes(np.array([2, 5, 7]), np.array([7, 2])).tolist()
    [2, 0]
    """
    if arr.ndim != 1:
        raise ValueError(
            f"X has shape {arr.shape} but the Discretizer was fitted on one discrete column; "
            "pass that column alone"
        )
    try:
        codes = np.searchsorted(categories, arr)
    except TypeError:
        raise TypeError(
            f"X holds values ({_type_names(arr)}) that cannot be compared with the categories "
            f"seen in fit ({_type_names(categories)}); pass values of the same type"
        ) from None
    codes = np.clip(codes, 0, categories.size - 1)
    unseen = categories[codes] != arr
    if np.any(unseen):
        examples = np.unique(arr[unseen])[:5].tolist()
        raise ValueError(
            f"X has {int(unseen.sum())} values unseen during fit (e.g. {examples}); fit on data "
            "covering every category"
        )
    return codes.astype(np.int64)
