"""Per-modality discretization of continuous features (DESIGN.md §5).

PID and its bounds are defined for discrete variables. Continuous modalities are mapped to cluster
indices with the paper's recipe: L2-normalize each row, project with PCA onto a few components,
and cluster with k-means. The same fitted :class:`Discretizer` must map ``D_i`` and ``DM`` so that
the cluster labels mean the same thing in every data set. Already discrete 1-D columns (ints,
strings) pass through as integer codes.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), experimental setup (PCA(5), k-means(20)).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

from .._validation import (
    _to_numpy,
    check_bool,
    check_option,
    check_random_state,
    check_scalar,
)
from ..exceptions import EstimationWarning
from ._categories import category_codes, fit_categories
from ._rows import nearest, unit_rows

__all__ = ["Discretizer", "auto_clusters"]

_MAX_SEED = 2**31 - 1
_MAX_AUTO = 20  # the paper's count: "auto" never uses more
#: samples per cell "auto" leaves per pairwise table (real-data S coverage .80/.87/.97 at 5/10/20)
_PER_CELL = 20.0


def auto_clusters(n_labeled: int, n_paired: int, n_classes: int) -> int:
    """Clusters for one modality from the sample sizes: at least 20 samples per cell.

    ``k <= n_labeled / (20 n_classes)`` keeps 20 samples per cell of ``p(x_i, y)`` and
    ``k <= sqrt(n_paired / 20)`` of ``p(x1, x2)`` (with the same ``k`` for both modalities); the
    result is clipped to ``[2, 20]``.

    Parameters
    ----------
    n_labeled, n_paired, n_classes : int
        Samples of the smaller labeled source, unlabeled pairs, and label values.

    Returns
    -------
    int

    Examples
    --------
    >>> auto_clusters(667, 667, 10), auto_clusters(100_000, 100_000, 2)
    (3, 20)
    """
    k = min(n_labeled / (_PER_CELL * max(n_classes, 1)), math.sqrt(n_paired / _PER_CELL))
    return int(min(_MAX_AUTO, max(2, math.floor(k))))


class Discretizer:
    """Map one modality's samples to discrete codes, ``0`` up to ``n_clusters_ - 1``.

    Continuous input ``(n_samples, n_features)``: optional row L2-normalization, PCA to
    ``n_components``, then k-means with ``n_clusters``. Discrete input (a 1-D array of ints, bools,
    strings, or floats that are all whole numbers) passes through: each distinct value becomes its
    index in the sorted ``categories_``.

    Parameters
    ----------
    normalize : bool
        L2-normalize each row before PCA (skipped when there is a single feature).
    n_components : int or None
        PCA components; capped at ``min(n_samples, n_features)``. None skips PCA.
    n_clusters : int >= 2 or "auto"
        k-means clusters; capped at the number of distinct projected rows (with a warning).
        ``"auto"`` (default) follows the sample size: the feature layer
        (:func:`mmbounds.raw.estimate_features`) picks the count that leaves at least 20
        samples per cell of every pairwise table (:func:`auto_clusters`); fitted alone,
        ``min(20, floor(sqrt(n / 20)))``. The paper used 20.
    clustering : {"auto", "kmeans", "minibatch"}
        ``"kmeans"``: ``sklearn.cluster.KMeans``; ``"minibatch"``: ``MiniBatchKMeans``;
        ``"auto"``: MiniBatchKMeans above ``minibatch_threshold`` rows, KMeans otherwise.
    n_init : int
        k-means restarts (set explicitly so results do not depend on the sklearn version).
    max_iter : int
        k-means iterations per restart.
    minibatch_threshold : int
        Row count above which ``clustering="auto"`` uses MiniBatchKMeans.
    discrete : bool or None
        Force pass-through (True) or clustering (False) of 1-D input; None decides from the data.
    n_threads : int or None
        Limit the OpenMP/BLAS threads used while fitting (via ``threadpoolctl``); None keeps the
        libraries' defaults. ``n_threads=1`` can be much faster on busy, few-core machines, where
        spinning OpenMP threads of k-means compete for the CPUs.
    random_state : None, int or numpy.random.Generator
        Seeds PCA and k-means; an int gives identical codes on every run.

    Attributes
    ----------
    passthrough_ : bool
        True if the input was treated as already discrete.
    categories_ : ndarray or None
        Sorted distinct values of discrete input (code ``i`` is ``categories_[i]``).
    n_features_in_ : int
        Features seen in :meth:`fit` (1 for 1-D input).
    n_components_ : int or None
        PCA components actually used.
    pca_ : sklearn.decomposition.PCA or None
        The fitted projection.
    clustering_ : str or None
        ``"kmeans"`` or ``"minibatch"`` as resolved.
    cluster_centers_ : ndarray of shape ``(n_clusters_, n_components_)``, or None
        Centers of the non-empty clusters, in projected space.
    n_clusters_ : int
        Number of codes (clusters kept, or categories).
    cluster_sizes_ : ndarray of int, shape ``(n_clusters_,)``
        Training samples per code.
    n_dropped_clusters_ : int
        Clusters removed because no training sample was assigned to them.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 0.1, (50, 4)) + 1, rng.normal(0, 0.1, (50, 4)) - 1])
    >>> d = Discretizer(n_components=2, n_clusters=2, random_state=0).fit(X)
    >>> codes = d.transform(X)
    >>> sorted(d.cluster_sizes_.tolist()), len(set(codes[:50].tolist()))
    ([50, 50], 1)
    >>> Discretizer().fit_transform(np.array(["b", "a", "b"])).tolist()
    [1, 0, 1]
    """

    def __init__(
        self,
        *,
        normalize: bool = True,
        n_components: int | None = 5,
        n_clusters: int | str = "auto",
        clustering: str = "auto",
        n_init: int = 3,
        max_iter: int = 300,
        minibatch_threshold: int = 10_000,
        discrete: bool | None = None,
        n_threads: int | None = None,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.normalize = normalize
        self.n_components = n_components
        self.n_clusters = n_clusters
        self.clustering = clustering
        self.n_init = n_init
        self.max_iter = max_iter
        self.minibatch_threshold = minibatch_threshold
        self.discrete = discrete
        self.n_threads = n_threads
        self.random_state = random_state

    # ----------------------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> Discretizer:
        """Fit the discretizer on ``X`` of shape ``(n_samples, n_features)`` or ``(n_samples,)``.

        Parameters
        ----------
        X : array_like or torch.Tensor
            Continuous features or a discrete 1-D column.
        y : ignored
            Present for scikit-learn compatibility.

        Returns
        -------
        Discretizer
            ``self``, fitted.

        Raises
        ------
        ValueError
            On NaN/inf, fewer than 2 samples, bad shapes or bad parameters.
        """
        self._check_params()
        arr, is_discrete = self._prepare(X, fitting=True)
        self.pca_ = None
        self.cluster_centers_ = None
        self.clustering_ = None
        self.n_components_ = None
        self.n_dropped_clusters_ = 0
        if is_discrete:
            self.passthrough_ = True
            self.categories_, codes = fit_categories(arr)
            self.n_features_in_ = 1
            self.n_clusters_ = int(self.categories_.size)
            self.cluster_sizes_ = np.bincount(codes.ravel(), minlength=self.n_clusters_)
            return self
        self.passthrough_ = False
        self.categories_ = None
        self.n_features_in_ = int(arr.shape[1])
        rng = check_random_state(self.random_state)
        pca_seed, km_seed = (int(s) for s in rng.integers(0, _MAX_SEED, size=2))
        z = self._normalize(arr)
        if self.n_components is not None:
            from sklearn.decomposition import PCA

            n_comp = min(int(self.n_components), z.shape[0], z.shape[1])
            self.n_components_ = n_comp
            with np.errstate(divide="ignore", invalid="ignore"):  # constant z: 0/0 variance ratio
                self.pca_ = PCA(n_components=n_comp, random_state=pca_seed).fit(z)
            z = self.pca_.transform(z)
        if self.n_threads is None:
            self._fit_clusters(z, km_seed)
        else:
            from threadpoolctl import threadpool_limits

            with threadpool_limits(limits=int(self.n_threads)):
                self._fit_clusters(z, km_seed)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Map ``X`` to integer codes with the fitted discretizer.

        Parameters
        ----------
        X : array_like or torch.Tensor
            Same kind of input as in :meth:`fit` (same number of features).

        Returns
        -------
        ndarray of int64, shape (n_samples,)
            Codes in ``0 .. n_clusters_ - 1``.

        Raises
        ------
        ValueError
            If not fitted, on a feature-count mismatch, or on discrete values unseen in fit.
        """
        if not hasattr(self, "passthrough_"):
            raise ValueError("this Discretizer is not fitted yet; call fit(X) first")
        arr, _ = self._prepare(X, fitting=False)
        if self.passthrough_:
            return category_codes(self.categories_, arr)
        if arr.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {arr.shape[1]} features but the Discretizer was fitted with "
                f"{self.n_features_in_}"
            )
        z = self._normalize(arr)
        if self.pca_ is not None:
            z = self.pca_.transform(z)
        return nearest(z, self.cluster_centers_)

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Fit on ``X`` and return its codes (same as ``fit(X).transform(X)``).

        Parameters
        ----------
        X : array_like
            Samples of one modality.
        y : None
            Ignored (scikit-learn convention).

        Returns
        -------
        ndarray of int64, shape (n_samples,)
        """
        return self.fit(X).transform(X)

    _PARAMS = tuple(
        "normalize n_components n_clusters clustering n_init max_iter minibatch_threshold "
        "discrete n_threads random_state".split()
    )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor parameters (scikit-learn convention, so ``sklearn.clone`` works).

        Parameters
        ----------
        deep : bool
            Ignored (no nested estimators).

        Returns
        -------
        dict
        """
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params: Any) -> Discretizer:
        """Set constructor parameters; unknown names raise ``ValueError``.

        Parameters
        ----------
        **params
            Constructor parameters by name.

        Returns
        -------
        Discretizer
            ``self``.
        """
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ValueError(f"invalid parameter {name!r}; valid: {', '.join(self._PARAMS)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        return (
            f"Discretizer(normalize={self.normalize}, n_components={self.n_components}, "
            f"n_clusters={self.n_clusters}, clustering={self.clustering!r}, "
            f"random_state={self.random_state!r})"
        )

    # ----------------------------------------------------------------------------------------------
    def _check_params(self) -> None:
        check_bool(self.normalize, name="normalize")
        if self.n_components is not None:
            check_scalar(self.n_components, name="n_components", kind=numbers.Integral, min_val=1)
        if isinstance(self.n_clusters, str) and self.n_clusters != "auto":
            raise ValueError(f"n_clusters must be an int >= 2 or 'auto', got {self.n_clusters!r}")
        if self.n_clusters != "auto":  # one cluster would erase the modality
            check_scalar(self.n_clusters, name="n_clusters", kind=numbers.Integral, min_val=2)
        check_option(self.clustering, name="clustering", options=("auto", "kmeans", "minibatch"))
        check_scalar(self.n_init, name="n_init", kind=numbers.Integral, min_val=1)
        check_scalar(self.max_iter, name="max_iter", kind=numbers.Integral, min_val=1)
        check_scalar(
            self.minibatch_threshold, name="minibatch_threshold", kind=numbers.Integral, min_val=1
        )
        if self.n_threads is not None:
            check_scalar(self.n_threads, name="n_threads", kind=numbers.Integral, min_val=1)
        if self.discrete not in (None, True, False):
            raise TypeError(f"discrete must be None or a bool, got {self.discrete!r}")

    def _prepare(self, X: Any, *, fitting: bool) -> tuple[np.ndarray, bool]:
        """Validate ``X``; return the array and whether it is treated as discrete."""
        X = _to_numpy(X)
        if X is None or isinstance(X, (str, bytes, dict)) or np.isscalar(X):
            raise TypeError(f"X must be an array of samples, got {type(X).__name__}")
        arr = np.asarray(X)
        if arr.ndim == 2 and arr.shape[1] == 1 and arr.dtype.kind not in "fc":
            arr = arr[:, 0]
        if arr.ndim not in (1, 2):
            raise ValueError(
                f"X must be 1-D (discrete codes) or 2-D (n_samples, n_features), got shape "
                f"{arr.shape}; flatten trailing axes first"
            )
        min_rows = 2 if fitting else 1
        if arr.shape[0] < min_rows:
            raise ValueError(f"X has {arr.shape[0]} samples; at least {min_rows} needed")
        if arr.ndim == 2 and arr.shape[1] == 0:
            raise ValueError(f"X has no features (shape {arr.shape})")
        if arr.dtype.kind in "fc":
            n_bad = int(np.count_nonzero(~np.isfinite(arr)))
            if n_bad:
                raise ValueError(f"X contains {n_bad} NaN or infinite values; impute them first")
        if fitting:
            if arr.ndim == 2:
                if self.discrete:
                    raise ValueError(f"discrete=True needs 1-D input, got shape {arr.shape}")
                is_discrete = False
            elif self.discrete is not None:
                is_discrete = bool(self.discrete)
            else:
                is_discrete = arr.dtype.kind not in "fc" or bool(np.all(arr == np.round(arr)))
        else:
            is_discrete = self.passthrough_
            if not is_discrete and arr.ndim == 1:
                arr = arr[:, None]
            elif is_discrete and arr.ndim == 2 and arr.shape[1] == 1:
                arr = arr[:, 0]  # one column of codes of any dtype (floats too) is that column
        if arr.dtype.kind == "O" and is_discrete:
            n_none = sum(v is None for v in arr)
            if n_none:
                raise ValueError(f"X has {n_none} missing values (None)")
        if not is_discrete:
            if arr.ndim == 1:
                arr = arr[:, None]
            if arr.dtype.kind not in "biuf":
                raise TypeError(f"continuous X must be numeric, got dtype {arr.dtype}")
            arr = arr.astype(np.float64, copy=False)
        return arr, is_discrete

    def _normalize(self, arr: np.ndarray) -> np.ndarray:
        if not self.normalize or arr.shape[1] < 2:
            return arr
        return unit_rows(arr)  # all-zero rows stay zero

    def _fit_clusters(self, z: np.ndarray, seed: int) -> None:
        from sklearn.cluster import KMeans, MiniBatchKMeans

        n_distinct = int(np.unique(z, axis=0).shape[0])
        k = self.n_clusters
        if k == "auto":
            k = int(min(_MAX_AUTO, max(2, math.floor(math.sqrt(z.shape[0] / _PER_CELL)))))
        k = int(k)
        if n_distinct < k:
            warnings.warn(
                f"only {n_distinct} distinct projected rows for n_clusters={k}; using "
                f"{n_distinct} clusters",
                EstimationWarning,
                stacklevel=3,
            )
            k = n_distinct
        clustering = self.clustering
        if clustering == "auto":
            clustering = "minibatch" if z.shape[0] > self.minibatch_threshold else "kmeans"
        self.clustering_ = clustering
        if clustering == "kmeans":
            km = KMeans(
                n_clusters=k,
                n_init=int(self.n_init),
                max_iter=int(self.max_iter),
                random_state=seed,
            )
        else:
            km = MiniBatchKMeans(
                n_clusters=k,
                n_init=int(self.n_init),
                max_iter=int(self.max_iter),
                batch_size=2048,
                random_state=seed,
            )
        km.fit(z)
        centers = km.cluster_centers_
        sizes = np.bincount(nearest(z, centers), minlength=k)
        keep = sizes > 0
        self.n_dropped_clusters_ = int(k - keep.sum())
        if self.n_dropped_clusters_:
            warnings.warn(
                f"dropped {self.n_dropped_clusters_} empty clusters of {k}; "
                f"{int(keep.sum())} codes remain",
                EstimationWarning,
                stacklevel=3,
            )
        self.cluster_centers_ = centers[keep]
        self.n_clusters_ = int(keep.sum())
        self.cluster_sizes_ = sizes[keep]
