"""From raw features to bounds: discretize each modality, optionally train unimodal classifiers,
estimate, and attach what the user needs to judge the numbers (DESIGN.md §5).

The flow for ``estimate(x1=(X1, y1), x2=(X2, y2), paired=(X1u, X2u))`` with continuous features:

1. each modality's :class:`~mmbounds.discretize.Discretizer` is fitted **once** on everything
   seen of that modality (``X_i`` of ``D_i`` and ``X_iu`` of ``DM``; an array identical to the
   other is used once) and applied to all of it, so a cluster index means the same thing in every
   source; already discrete 1-D columns pass through untouched;
2. optionally, unimodal classifiers are trained on ``D1``, ``D2`` (raw features) and their
   posteriors on ``DM`` give the disagreement bounds; those are **estimates**
   (``guaranteed=False``), never used for ``synergy_lower``;
3. :func:`mmbounds.estimate` runs on the discrete codes;
4. ``result.extras`` receives the fitted discretizers, cluster sizes, samples per cell (with an
   :class:`~mmbounds.exceptions.EstimationWarning` when they are few), Miller–Madow corrected mutual
   informations, the classifier description and, with ``n_bootstrap > 0``, bootstrap intervals.

:func:`true_interactions` computes the exact PID of the discretized *labeled* multimodal joint with
the same discretizers, for validation.

References
----------
P. P. Liang et al., "Multimodal Learning Without Labeled Multimodal Data: Guarantees and
Applications", ICLR 2024 (arXiv 2306.04539), §5 and experiments.
"""

from __future__ import annotations

import dataclasses
import numbers
import warnings
from collections.abc import Hashable, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from ._validation import _is_tensor, _to_numpy, check_labels, check_random_state, check_scalar
from .discretize import Discretizer
from .exceptions import EstimationWarning
from .marginals import _categories
from .pid import PIDResult, pid
from .result import EstimateResult

__all__ = ["estimate_raw", "true_interactions", "needs_pipeline", "MIN_SAMPLES_PER_CELL"]

#: Below this many samples per cell of a pairwise table, :func:`estimate_raw` warns.
MIN_SAMPLES_PER_CELL = 5.0

_MAX_SEED = 2**31 - 1
_SOURCES = (("x1", "x1y"), ("x2", "x2y"), ("paired", "x1x2"))
_CLASSIFIER_NOTE = (
    "disagreement bounds '*_classifiers' use trained unimodal classifiers on the paired samples: "
    "they are estimates, not guarantees, and never enter synergy_lower"
)


# --------------------------------------------------------------------------------------------------
# dispatch helper used by mmbounds.estimate


def needs_pipeline(
    x1: Any, x2: Any, paired: Any, *, discretizer: Any, classifier: Any, n_bootstrap: Any
) -> bool:
    """Whether :func:`mmbounds.estimate` should route sample input through :func:`estimate_raw`.

    True when a raw-data option is set (``discretizer``, ``classifier``, ``n_bootstrap > 0``) or a
    feature column is 2-D with more than one column (continuous features).
    """
    if discretizer is not None or classifier is not None:
        return True
    if not isinstance(n_bootstrap, bool) and isinstance(n_bootstrap, numbers.Integral):
        if n_bootstrap > 0:
            return True
    elif n_bootstrap is not None:
        return True  # let estimate_raw raise the type error
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
    return False


# --------------------------------------------------------------------------------------------------
# input validation


def _check_features(x: Any, *, name: str) -> np.ndarray:
    """One modality's samples: a 1-D column (discrete or continuous) or a 2-D numeric array."""
    if x is None:
        raise ValueError(f"{name} is missing (None); pass an array of samples")
    if _is_tensor(x):
        x = _to_numpy(x)
    if isinstance(x, (str, bytes, dict)) or np.isscalar(x):
        raise TypeError(f"{name} must be an array of samples, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.ndim == 0:
        raise TypeError(f"{name} must be an array of samples, got a scalar")
    if arr.ndim > 2:
        raise ValueError(
            f"{name} has shape {arr.shape}; features must be 1-D or 2-D (n_samples, n_features): "
            "flatten trailing axes first"
        )
    if arr.shape[0] < 2:
        raise ValueError(f"{name} has {arr.shape[0]} sample(s); at least 2 are needed")
    if arr.ndim == 2:
        if arr.shape[1] == 0:
            raise ValueError(f"{name} has no features (shape {arr.shape})")
        if arr.shape[1] == 1:
            arr = arr[:, 0]
    if arr.dtype.kind in "fc":
        n_bad = int(np.count_nonzero(~np.isfinite(arr)))
        if n_bad:
            raise ValueError(
                f"{name} contains {n_bad} NaN or infinite values; impute or drop them first"
            )
    elif arr.ndim == 2 and arr.dtype.kind not in "biu":
        raise TypeError(f"{name} must be numeric when 2-D, got dtype {arr.dtype}")
    if arr.dtype.kind == "O":
        arr = check_labels(arr, name=name)  # rejects None / NaN entries
    return arr


def _check_sources(
    x1: Any, x2: Any, paired: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate ``D1``, ``D2``, ``DM``: pairs of equal length, finite features, labels present."""
    out: list[np.ndarray] = []
    for (src, _tag), s in zip(_SOURCES, (x1, x2, paired)):
        if s is None:
            raise TypeError(f"estimate() needs {src}=({'X, y' if src != 'paired' else 'X1u, X2u'})")
        if not isinstance(s, (tuple, list)) or len(s) != 2:
            raise TypeError(f"{src} must be a pair of arrays, got {type(s).__name__}")
        if src == "paired":
            a = _check_features(s[0], name="paired[0] (modality 1 features)")
            b = _check_features(s[1], name="paired[1] (modality 2 features)")
            what = ("modality-1 rows", "modality-2 rows")
        else:
            a = _check_features(s[0], name=f"{src}[0] (features)")
            if s[1] is None:
                raise ValueError(f"{src}[1] (labels) is missing; D_i must be labeled: {src}=(X, y)")
            b = check_labels(s[1], name=f"{src}[1] (labels)", min_size=2)
            what = ("feature rows", "labels")
        if a.shape[0] != b.shape[0]:
            raise ValueError(
                f"{src} has {a.shape[0]} {what[0]} but {b.shape[0]} {what[1]}; lengths must match"
            )
        out += [a, b]
    for i, (lab, d, u) in enumerate((("x1", out[0], out[4]), ("x2", out[2], out[5]))):
        if d.ndim != u.ndim or (d.ndim == 2 and d.shape[1] != u.shape[1]):
            raise ValueError(
                f"modality {i + 1}: {lab}[0] has shape {d.shape} but paired[{i}] has shape "
                f"{u.shape}; both must hold the same features"
            )
    return out[0], out[1], out[2], out[3], out[4], out[5]


def _is_discrete_column(x: np.ndarray) -> bool:
    return x.ndim == 1 and (x.dtype.kind not in "fc" or bool(np.all(x == np.round(x))))


# --------------------------------------------------------------------------------------------------
# discretizers


def _resolve_discretizers(discretizer: Any) -> tuple[Any, Any]:
    """Two templates (or fitted discretizers) from None, a dict, a Discretizer, or a pair."""
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
    if hasattr(spec, "transform") and (hasattr(spec, "fit") or hasattr(spec, "passthrough_")):
        return spec
    raise TypeError(
        f"discretizer for modality {i} must be None, a dict of Discretizer parameters or a "
        f"Discretizer, got {type(spec).__name__}"
    )


def _is_fitted(d: Any) -> bool:
    return hasattr(d, "passthrough_") or hasattr(d, "cluster_centers_")


def _fit_discretizer(template: Any, data: Sequence[np.ndarray], seed: int) -> Any:
    """Clone an unfitted template (seeding it if unseeded) and fit on the union of ``data``."""
    if _is_fitted(template):
        return template
    if isinstance(template, Discretizer):
        params = template.get_params()
        if params["random_state"] is None:
            params["random_state"] = seed
        d = Discretizer(**params)
    else:
        from sklearn.base import clone

        d = clone(template)
    parts = [data[0]]
    for extra in data[1:]:
        if not any(
            extra is p or (extra.shape == p.shape and np.array_equal(extra, p)) for p in parts
        ):
            parts.append(extra)
    d.fit(parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0))
    return d


def _codes(d: Any, x: np.ndarray) -> np.ndarray:
    return np.asarray(d.transform(x)).astype(np.int64, copy=False)


# --------------------------------------------------------------------------------------------------
# classifiers


def _classifier_posteriors(
    classifier: Any,
    raw: tuple[np.ndarray, ...],
    codes: tuple[np.ndarray, ...],
    classes: np.ndarray,
    seeds: Sequence[int],
) -> tuple[tuple[np.ndarray, np.ndarray], dict[str, Any]]:
    """Train f1 on D1, f2 on D2; posteriors on DM (columns in ``classes`` order)."""
    from .classifiers import fit_unimodal, posteriors_on_pairs

    x1, y1, x2, y2, x1u, x2u = raw
    c1, c2, c1u, c2u = codes
    if isinstance(classifier, str) and classifier not in ("linear", "mlp", "empirical"):
        raise ValueError(
            f"classifier must be 'linear', 'mlp', 'empirical', None or an object with fit() and "
            f"predict_proba(); got {classifier!r}"
        )
    if not isinstance(classifier, str) and not (
        hasattr(classifier, "fit") and hasattr(classifier, "predict_proba")
    ):
        raise TypeError(
            f"classifier must have fit() and predict_proba(), got {type(classifier).__name__}"
        )
    models, kinds, inputs = [], [], []
    per_modality = ((x1, y1, c1, x1u, c1u, seeds[0]), (x2, y2, c2, x2u, c2u, seeds[1]))
    for x, y, c, xu, cu, seed in per_modality:
        if _is_discrete_column(x) or classifier == "empirical":
            # a discrete modality (or an explicit request): p(y | code) from the training counts
            model, train, test, kind = "empirical", c, cu, "empirical"
        else:
            model = classifier
            train = x if x.ndim == 2 else x[:, None]
            test = xu if xu.ndim == 2 else xu[:, None]
            kind = classifier if isinstance(classifier, str) else "custom"
        f = fit_unimodal(train, y, model=model, classes=classes, random_state=seed)
        models.append(f)
        kinds.append(kind)
        inputs.append(test)
    p1, p2 = posteriors_on_pairs(models[0], models[1], inputs[0], inputs[1], classes)
    info = {
        "kind": classifier if isinstance(classifier, str) else type(classifier).__name__,
        "models": tuple(models),
        "kinds": tuple(kinds),
        "guaranteed": False,
        "note": _CLASSIFIER_NOTE,
    }
    return (p1, p2), info


# --------------------------------------------------------------------------------------------------
# bias / samples per cell


def _samples_per_cell(shape: tuple[int, int, int], sizes: tuple[int, int, int]) -> dict[str, float]:
    n1, n2, ny = shape
    return {
        "x1y": sizes[0] / (n1 * ny),
        "x2y": sizes[1] / (n2 * ny),
        "x1x2": sizes[2] / (n1 * n2),
    }


def _warn_few_samples(
    per_cell: dict[str, float],
    shape: tuple[int, int, int],
    sizes: tuple[int, int, int],
    threshold: float,
) -> None:
    worst = min(per_cell, key=per_cell.get)
    if per_cell[worst] >= threshold:
        return
    dims = {"x1y": (shape[0], shape[2]), "x2y": (shape[1], shape[2]), "x1x2": (shape[0], shape[1])}
    n = sizes[("x1y", "x2y", "x1x2").index(worst)]
    a, b = dims[worst]
    warnings.warn(
        f"few samples per cell: p({worst[:2]},{worst[2:]}) has {per_cell[worst]:.2f} samples per "
        f"cell ({n} samples over {a} x {b} cells) < {threshold:g}; plug-in information estimates "
        "are biased upward. Use fewer clusters (n_clusters) or more data; see "
        "extras['miller_madow'] and mmbounds.uncertainty.sweep_clusters",
        EstimationWarning,
        stacklevel=4,
    )


# --------------------------------------------------------------------------------------------------
# public API


def estimate_raw(
    *,
    x1: tuple[Any, Any],
    x2: tuple[Any, Any],
    paired: tuple[Any, Any],
    discretizer: Any = None,
    classifier: Any = None,
    n_bootstrap: int = 0,
    n_jobs: int | None = None,
    random_state: Any = None,
    progress: bool = False,
    posteriors: tuple[Any, Any] | None = None,
    confidence: float = 0.95,
    min_samples_per_cell: float = MIN_SAMPLES_PER_CELL,
    **estimate_kwargs: Any,
) -> EstimateResult:
    """Estimate R, U1, U2 and synergy bounds from raw (continuous or discrete) samples (bits).

    This is what :func:`mmbounds.estimate` runs for sample input with continuous features or with
    any of ``discretizer``, ``classifier``, ``n_bootstrap``.

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
        ``Discretizer()`` (L2-normalize, PCA(5), k-means(20)); a dict: ``Discretizer(**dict)``.
        An unfitted template is copied, seeded from ``random_state`` when its own ``random_state``
        is None, and fitted on ``X_i`` and ``X_iu`` together; a fitted one is used as is (this is
        how bootstrap replicates and :func:`true_interactions` reuse the same discrete variables).
    classifier : None, "linear", "mlp", "empirical" or estimator
        Train unimodal classifiers on ``D1``, ``D2`` (see :func:`mmbounds.classifiers.fit_unimodal`;
        a discrete modality always uses ``"empirical"``) and add disagreement bounds from their
        posteriors on ``DM``. Those bounds are estimates (``guaranteed=False``).
    n_bootstrap : int
        Bootstrap replicates (0: none). See :func:`mmbounds.uncertainty.bootstrap`.
    n_jobs : int or None
        joblib workers for the bootstrap; results do not depend on it.
    random_state : None, int or numpy.random.Generator
        One int reproduces the discretizers, classifiers and bootstrap.
    progress : bool
        Progress bars (estimation steps and bootstrap).
    posteriors : pair of arrays, optional
        Precomputed posteriors on ``DM`` (instead of ``classifier``).
    confidence : float
        Level of the bootstrap percentile intervals.
    min_samples_per_cell : float
        Warn when a pairwise table has fewer samples per cell than this.
    **estimate_kwargs
        Passed to :func:`mmbounds.estimate` (``bounds``, ``method``, ``tol``, ``reconcile``, ...).

    Returns
    -------
    EstimateResult
        With ``extras``: ``discretizers`` (pair; None for a pass-through modality),
        ``cluster_sizes``, ``n_samples`` (D1, D2, DM), ``samples_per_cell`` (per table),
        ``min_samples_per_cell``, ``miller_madow`` (see
        :func:`mmbounds.uncertainty.miller_madow_report`), ``classifier`` (None or a dict with
        ``kind``, ``models``, ``guaranteed=False``, ``note``), ``bootstrap`` (None or
        :class:`~mmbounds.uncertainty.BootstrapResult`), ``codes`` (the discrete samples) and
        ``posteriors``.

    Raises
    ------
    TypeError, ValueError
        On malformed input: NaN features, mismatched lengths, fewer than 2 samples in a source,
        missing labels, feature counts that differ between ``D_i`` and ``DM``.

    Warns
    -----
    EstimationWarning
        When a pairwise table has fewer than ``min_samples_per_cell`` samples per cell.
    """
    from .estimate import estimate
    from .uncertainty import bootstrap_codes, miller_madow_report

    if posteriors is not None and classifier is not None:
        raise TypeError("pass either classifier= or posteriors=, not both")
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, numbers.Integral):
        raise TypeError(f"n_bootstrap must be an int, got {type(n_bootstrap).__name__}")
    check_scalar(n_bootstrap, name="n_bootstrap", kind=numbers.Integral, min_val=0)
    check_scalar(min_samples_per_cell, name="min_samples_per_cell", min_val=0.0)
    rng = check_random_state(random_state)
    seed_int = int(random_state) if isinstance(random_state, numbers.Integral) else None
    seeds = [int(s) for s in rng.integers(0, _MAX_SEED, size=4)]
    raw = _check_sources(x1, x2, paired)
    X1, y1, X2, y2, X1u, X2u = raw

    templates = _resolve_discretizers(discretizer)
    discs: list[Any] = []
    codes: list[np.ndarray] = []
    for i, (X, Xu) in enumerate(((X1, X1u), (X2, X2u))):
        t = templates[i]
        explicit = discretizer is not None
        if not explicit and _is_discrete_column(X) and _is_discrete_column(Xu):
            discs.append(None)  # discrete columns pass through untouched
            codes += [X, Xu]
            continue
        d = _fit_discretizer(t, (X, Xu), seeds[i])
        discs.append(d)
        codes += [_codes(d, X), _codes(d, Xu)]
    c1, c1u, c2, c2u = codes

    clf_info = None
    if classifier is not None:
        classes = np.unique(np.concatenate([y1, y2]).astype(np.result_type(y1, y2), copy=False))
        posteriors, clf_info = _classifier_posteriors(
            classifier, raw, (c1, c2, c1u, c2u), classes, seeds[2:]
        )
    if estimate_kwargs.get("data") is not None:
        raise TypeError("data= cannot be combined with x1/x2/paired samples")
    estimate_kwargs.pop("data", None)
    result = estimate(
        x1=(c1, y1),
        x2=(c2, y2),
        paired=(c1u, c2u),
        posteriors=posteriors,
        # an int is recorded in the result; a Generator is passed on so it seeds the estimate too
        random_state=seed_int if seed_int is not None else rng,
        progress=progress,
        **estimate_kwargs,
    )

    sizes = (int(y1.shape[0]), int(y2.shape[0]), int(c1u.shape[0]))
    per_cell = _samples_per_cell(result.shape, sizes)
    _warn_few_samples(per_cell, result.shape, sizes, float(min_samples_per_cell))
    boot = None
    if n_bootstrap > 0:
        boot = bootstrap_codes(
            (c1, y1),
            (c2, y2),
            (c1u, c2u),
            posteriors=result_posteriors(posteriors),
            n_bootstrap=int(n_bootstrap),
            confidence=confidence,
            n_jobs=n_jobs,
            progress=progress,
            random_state=rng,
            estimate_kwargs=estimate_kwargs,
        )
        boot = dataclasses.replace(boot, seed=seed_int)  # the integer that reproduces it
    frozen_codes = {}
    for k, v in (
        ("x1", c1),
        ("y1", y1),
        ("x2", c2),
        ("y2", y2),
        ("x1_paired", c1u),
        ("x2_paired", c2u),
    ):
        v = np.array(v, copy=True)
        v.setflags(write=False)
        frozen_codes[k] = v
    extras = {
        **dict(result.extras),
        "discretizers": tuple(discs),
        "cluster_sizes": tuple(
            None if d is None else np.asarray(d.cluster_sizes_).copy() for d in discs
        ),
        "n_samples": {"d1": sizes[0], "d2": sizes[1], "dm": sizes[2]},
        "samples_per_cell": per_cell,
        "min_samples_per_cell": min(per_cell.values()),
        "miller_madow": miller_madow_report((c1, y1), (c2, y2), (c1u, c2u)),
        "classifier": clf_info,
        "bootstrap": boot,
        "codes": MappingProxyType(frozen_codes),
        "posteriors": result_posteriors(posteriors),
    }
    message = result.message
    if clf_info is not None or posteriors is not None:
        message = "; ".join(m for m in (message, _CLASSIFIER_NOTE) if m)
    return dataclasses.replace(result, extras=MappingProxyType(extras), message=message)


def result_posteriors(posteriors: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """Posteriors as a pair of float64 numpy arrays (or None)."""
    if posteriors is None:
        return None
    return (
        np.asarray(_to_numpy(posteriors[0]), dtype=np.float64),
        np.asarray(_to_numpy(posteriors[1]), dtype=np.float64),
    )


def _joint_counts(
    c1: np.ndarray, c2: np.ndarray, y: np.ndarray, cats: tuple[Sequence[Hashable], ...]
) -> np.ndarray:
    idx = []
    for col, cat in zip((c1, c2, y), cats):
        lookup = {v: i for i, v in enumerate(cat)}
        idx.append(
            np.fromiter((lookup[v] for v in col.tolist()), dtype=np.int64, count=col.shape[0])
        )
    p = np.zeros(tuple(len(c) for c in cats))
    np.add.at(p, tuple(idx), 1.0)
    return p


def true_interactions(
    X1: Any,
    X2: Any,
    y: Any,
    *,
    like: EstimateResult | None = None,
    discretizer: Any = None,
    random_state: Any = None,
    method: str = "auto",
    tol: float = 1e-9,
) -> PIDResult:
    """Exact PID of the discretized labeled multimodal joint ``p(x1, x2, y)`` (bits).

    The "truth" the bounds are validated against (it needs labeled multimodal data, which the
    estimator never sees).

    Parameters
    ----------
    X1, X2 : array_like or torch.Tensor, shape (n, d1), (n, d2) or (n,)
        Labeled multimodal samples (row ``i`` of both is one sample).
    y : array_like, shape (n,)
        Their labels.
    like : EstimateResult, optional
        A result of the raw-data pipeline; its fitted discretizers (``like.extras``) map ``X1``,
        ``X2`` so that the truth and the bounds refer to the same discrete variables. Its
        categories of x1, x2, y are kept (a category unseen here has probability 0).
    discretizer : None, dict, Discretizer or pair
        Used only without ``like``: discretizers fitted here on ``X1`` and ``X2`` (as in
        :func:`estimate_raw`; discrete 1-D columns pass through).
    random_state : None, int or numpy.random.Generator
        Seeds the discretizers fitted here.
    method, tol :
        BROJA solver options of :func:`mmbounds.pid`.

    Returns
    -------
    PIDResult
        R, U1, U2 and the true S of the discretized joint.

    Raises
    ------
    ValueError
        On NaN features, mismatched lengths, fewer than 2 samples, or ``like`` without discretizers.

    Examples
    --------
    >>> import numpy as np
    >>> x1 = np.array([0, 0, 1, 1] * 5); x2 = np.array([0, 1, 0, 1] * 5)
    >>> round(true_interactions(x1, x2, x1 ^ x2).synergy, 4)
    1.0
    """
    a = _check_features(X1, name="X1")
    b = _check_features(X2, name="X2")
    if y is None:
        raise ValueError("y (labels) is missing; the true interactions need labeled pairs")
    lab = check_labels(y, name="y", min_size=2)
    if not (a.shape[0] == b.shape[0] == lab.shape[0]):
        raise ValueError(
            f"X1, X2 and y must have the same length, got {a.shape[0]}, {b.shape[0]}, "
            f"{lab.shape[0]}"
        )
    if like is not None:
        discs = like.extras.get("discretizers") if like.extras else None
        if discs is None:
            raise ValueError(
                "like has no fitted discretizers in extras; pass a result of the raw-data "
                "pipeline (estimate() with x1=, x2=, paired= samples and continuous features)"
            )
        c = []
        for d, x in zip(discs, (a, b)):
            c.append(x if d is None else _codes(d, x))
        base = like.marginals.categories
        cats = tuple(
            _categories(base[i], np.unique(v).tolist()) for i, v in enumerate((c[0], c[1], lab))
        )
    else:
        rng = check_random_state(random_state)
        seeds = [int(s) for s in rng.integers(0, _MAX_SEED, size=2)]
        templates = _resolve_discretizers(discretizer)
        c = []
        for i, x in enumerate((a, b)):
            if discretizer is None and _is_discrete_column(x):
                c.append(x)
            else:
                c.append(_codes(_fit_discretizer(templates[i], (x,), seeds[i]), x))
        cats = tuple(_categories(np.unique(v).tolist()) for v in (c[0], c[1], lab))
    p = _joint_counts(c[0], c[1], lab, cats)
    return pid(p, normalize=True, method=method, tol=tol)
