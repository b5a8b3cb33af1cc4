"""Raw features -> discrete codes per modality (+ unimodal classifiers) -> the sample estimate.

For ``x1=(X1, y1), x2=(X2, y2), paired=(X1u, X2u)`` with continuous features (DESIGN §5):

1. each modality's :class:`~mmbounds.raw.Discretizer` is fitted **once** on everything seen of that
   modality (``X_i`` of ``D_i`` and ``X_iu`` of ``DM``; an array identical to the other is used
   once) and applied to all of it, so a cluster index means the same thing in every source;
   already discrete 1-D columns pass through untouched;
2. optionally, unimodal classifiers are trained on ``D1``, ``D2`` (raw features) and their
   posteriors on ``DM`` give the disagreement bounds; those are **estimates**
   (``guaranteed=False``), never used for ``synergy_lower``;
3. the sample estimate runs on the discrete codes (:func:`mmbounds.raw.estimate_samples`);
4. ``result.extras`` receives the fitted discretizers, cluster sizes, samples per cell (with an
   :class:`~mmbounds.exceptions.EstimationWarning` when they are few), the classifier description,
   the codes and the posteriors.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), §5 and experiments.
"""

from __future__ import annotations

import dataclasses
import numbers
from types import MappingProxyType
from typing import Any

import numpy as np

from .._options import Options
from .._progress import Progress, as_progress
from .._validation import _to_numpy, check_random_state, check_scalar, check_sources
from ..results import EstimateResult
from ._discretizers import codes_of, fit_discretizer, is_discrete_column, resolve_discretizers
from ._posteriors import CLASSIFIER_NOTE, as_float_pair, classifier_posteriors
from .discretize import auto_clusters
from .samples import MIN_SAMPLES_PER_CELL, estimate_samples, samples_per_cell, warn_few_samples

__all__ = ["estimate_features", "needs_features"]

_MAX_SEED = 2**31 - 1


def needs_features(x1: Any, x2: Any, paired: Any, *, discretizer: Any, classifier: Any) -> bool:
    """Whether sample input goes through the feature layer (discretizers, classifiers).

    True when ``discretizer`` or ``classifier`` is set, a feature column is 2-D with more than
    one column, or a 1-D / ``(n, 1)`` float column holds numbers that are not whole (continuous
    features: discretized, never taken as categories).

    Parameters
    ----------
    x1, x2, paired : Any
        The sample arguments of :func:`mmbounds.estimate`.
    discretizer, classifier : Any
        The corresponding arguments.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> codes = (np.array([0, 1, 1]), np.array([0, 1, 0]))
    >>> needs_features(codes, codes, codes, discretizer=None, classifier=None)
    False
    >>> feats = (np.array([[0.2, 1.5], [0.3, 0.1], [1.2, 0.7]]), np.array([0, 1, 0]))
    >>> needs_features(feats, codes, codes, discretizer=None, classifier=None)
    True
    """
    if discretizer is not None or classifier is not None:
        return True
    cols = []
    for s, k in ((x1, (0,)), (x2, (0,)), (paired, (0, 1))):
        if isinstance(s, (tuple, list)) and len(s) == 2:
            cols += [s[i] for i in k]
    for c in cols:
        shape = getattr(c, "shape", None)
        if shape is None:
            try:
                shape = np.shape(c)
            except Exception:  # ragged input: let the discrete path report it
                continue
        if len(shape) > 1 and shape[1] > 1:
            return True
        if len(shape) in (1, 2) and _continuous_column(c):
            return True
    return False


def _continuous_column(c: Any) -> bool:
    """A float column (1-D or ``(n, 1)``) with a finite value that is not a whole number."""
    arr = np.asarray(_to_numpy(c))
    if arr.dtype.kind != "f":
        return False
    finite = arr[np.isfinite(arr)]
    return bool(np.any(finite != np.round(finite)))


def _frozen_codes(columns: dict[str, np.ndarray]) -> MappingProxyType:
    out = {}
    for k, v in columns.items():
        v = np.array(v, copy=True)
        v.setflags(write=False)
        out[k] = v
    return MappingProxyType(out)


def estimate_features(
    x1: tuple[Any, Any],
    x2: tuple[Any, Any],
    paired: tuple[Any, Any],
    *,
    discretizer: Any = None,
    classifier: Any = None,
    posteriors: tuple[Any, Any] | None = None,
    bounds: Any = "auto",
    options: Options,
    random_state: Any = 0,
    progress: bool | Progress = True,
    min_samples_per_cell: float = MIN_SAMPLES_PER_CELL,
    _seed: int | None = None,
) -> EstimateResult:
    """Estimate R, U1, U2 and synergy bounds from raw (continuous or discrete) samples (bits).

    Parameters
    ----------
    x1, x2 : pair (X, y)
        ``D1`` and ``D2``: features of one modality, numpy array or torch tensor of shape
        ``(n, n_features)`` (continuous) or ``(n,)`` (a discrete column, passed through untouched),
        and their labels ``(n,)``.
    paired : pair (X1u, X2u)
        ``DM``: unlabeled paired features, row ``i`` of both is one sample.
    discretizer : None, dict, Discretizer, or a pair of those
        Template for both modalities (or one per modality). None: the paper's recipe
        ``Discretizer()`` (L2-normalize, PCA(5), k-means) with the cluster count chosen for the
        sample size (:func:`mmbounds.raw.auto_clusters`: at least 20 samples per cell of every
        pairwise table, at most the paper's 20; ``{"n_clusters": 20}`` gives the paper's); a dict:
        ``Discretizer(**dict)``.
        An unfitted template is copied, seeded from ``random_state`` when its own ``random_state``
        is None, and fitted on ``X_i`` and ``X_iu`` together; a fitted one is used as is.
    classifier : None, "linear", "mlp", "empirical" or estimator
        Train unimodal classifiers on ``D1``, ``D2`` (:func:`mmbounds.raw.fit_unimodal`; a discrete
        modality always uses ``"empirical"``) and add disagreement bounds from their posteriors on
        ``DM``. Those bounds are estimates (``guaranteed=False``).
    posteriors : pair of arrays, optional
        Precomputed posteriors on ``DM`` (instead of ``classifier``).
    bounds : "auto", "all" or names
        As in :func:`mmbounds.estimate`.
    options : Options
        Checked options.
    random_state : None, int or numpy.random.Generator, default 0
        One int reproduces the discretizers, classifiers and the estimate.
    progress : bool or Progress, default True
        Progress bar over the estimation steps (discretizing each modality, the classifiers,
        counting, the solve), or the caller's to tick.
    min_samples_per_cell : float
        Warn when a pairwise table has fewer samples per cell than this.
    _seed : int, optional
        The integer a Generator ``random_state`` was made from (recorded in the result and used
        for the estimate), so a caller can keep drawing from the same generator afterwards.

    Returns
    -------
    EstimateResult
        With ``extras``: ``discretizers`` (pair; None for a pass-through modality),
        ``cluster_sizes``, ``n_samples`` (D1, D2, DM), ``n_clusters`` (per modality),
        ``samples_per_cell`` (per table), ``min_samples_per_cell``, ``classifier`` (None or a
        dict with ``kind``, ``models``, ``guaranteed=False``, ``note``), ``codes`` (the discrete
        samples) and ``posteriors``.

    Warns
    -----
    EstimationWarning
        When a pairwise table has fewer than ``min_samples_per_cell`` samples per cell.

    Examples
    --------
    >>> import mmbounds
    >>> from mmbounds.data import make_pid_synthetic, semi_supervised_split
    >>> s = semi_supervised_split(make_pid_synthetic("redundancy", n_samples=300, dim=2,
    ...                                              random_state=0), random_state=0)
    >>> res = estimate_features((s.x1, s.y1), (s.x2, s.y2), (s.x1_paired, s.x2_paired),
    ...                         discretizer={"n_clusters": 3, "n_init": 1},
    ...                         options=mmbounds.Options(), progress=False)
    >>> res.shape, res.extras["n_clusters"], res.extras["n_samples"]
    ((3, 3, 2), (3, 3), {'d1': 100, 'd2': 100, 'dm': 100})
    >>> round(res.redundancy, 2), bool(res.synergy_lower <= res.synergy_upper)
    (0.19, True)
    """
    if posteriors is not None and classifier is not None:
        raise TypeError("pass either classifier= or posteriors=, not both")
    check_scalar(min_samples_per_cell, name="min_samples_per_cell", min_val=0.0)
    rng = check_random_state(random_state)
    seed_int = int(random_state) if isinstance(random_state, numbers.Integral) else _seed
    seeds = [int(s) for s in rng.integers(0, _MAX_SEED, size=4)]
    raw = check_sources(x1, x2, paired)
    X1, y1, X2, y2, X1u, X2u = raw

    run, owned = as_progress(progress)
    run.add(2 + (classifier is not None))
    templates = resolve_discretizers(discretizer)
    n_classes = len(np.unique(np.concatenate([y1, y2]).astype(str)))
    auto_k = [auto_clusters(len(y), len(X1u), n_classes) for y in (y1, y2)]
    discs: list[Any] = []
    codes: list[np.ndarray] = []
    for i, (X, Xu) in enumerate(((X1, X1u), (X2, X2u))):
        with run.step("discretize"):
            if discretizer is None and is_discrete_column(X) and is_discrete_column(Xu):
                discs.append(None)  # discrete columns pass through untouched
                codes += [X, Xu]
                continue
            d = fit_discretizer(templates[i], (X, Xu), seeds[i], n_clusters=min(auto_k))
            discs.append(d)
            codes += [codes_of(d, X), codes_of(d, Xu)]
    c1, c1u, c2, c2u = codes

    clf_info = None
    if classifier is not None:
        try:
            classes = np.unique(np.concatenate([y1, y2]).astype(np.result_type(y1, y2), copy=False))
        except TypeError:  # e.g. 1 and "a": fine for counting, not for scikit-learn classifiers
            raise TypeError(
                "x1[1], x2[1] (labels) mix values that cannot be sorted (e.g. int and str); "
                "classifier= needs sortable labels: map them to one type (str or int) first"
            ) from None
        with run.step("classifiers"):
            posteriors, clf_info = classifier_posteriors(
                classifier, raw, (c1, c2, c1u, c2u), classes, seeds[2:]
            )
    result = estimate_samples(
        (c1, y1),
        (c2, y2),
        (c1u, c2u),
        bounds=bounds,
        posteriors=posteriors,
        options=options,
        # an int is recorded in the result; a Generator is passed on so it seeds the estimate too
        random_state=seed_int if seed_int is not None else rng,
        progress=run,
    )
    sizes = (int(y1.shape[0]), int(y2.shape[0]), int(c1u.shape[0]))
    per_cell = samples_per_cell(result.shape, sizes)
    remedy = None
    if result.shape[0] <= 2 and result.shape[1] <= 2:  # fewer clusters cannot help
        remedy = (
            "Both modalities already have the fewest clusters (2); only more samples help (the "
            f"label has {result.shape[2]} classes: merging rare ones helps too), or "
            "inference='certified', which holds at every sample size"
        )
    if options.inference != "certified":  # certified intervals hold at every sample size
        warn_few_samples(per_cell, result.shape, sizes, float(min_samples_per_cell), remedy=remedy)
    extras = {
        **dict(result.extras),
        "discretizers": tuple(discs),
        "cluster_sizes": tuple(
            None if d is None else np.asarray(d.cluster_sizes_).copy() for d in discs
        ),
        "n_samples": {"d1": sizes[0], "d2": sizes[1], "dm": sizes[2]},
        "n_clusters": tuple(None if d is None else getattr(d, "n_clusters_", None) for d in discs),
        "samples_per_cell": per_cell,
        "min_samples_per_cell": min(per_cell.values()),
        "classifier": clf_info,
        "codes": _frozen_codes(
            {"x1": c1, "y1": y1, "x2": c2, "y2": y2, "x1_paired": c1u, "x2_paired": c2u}
        ),
        "posteriors": as_float_pair(posteriors),
    }
    message = result.message
    if clf_info is not None or posteriors is not None:
        message = "; ".join(m for m in (message, CLASSIFIER_NOTE) if m)
    result = dataclasses.replace(result, extras=MappingProxyType(extras), message=message)
    return run.finish(result) if owned else result
