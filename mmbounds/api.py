"""The front door :func:`estimate`: one function, dispatched by the kind of input.

* tables or a labeled joint -> the core (:func:`mmbounds.core.estimate_marginals`);
* discrete samples -> :func:`mmbounds.raw.estimate_samples`;
* continuous features (or a discretizer / classifier) -> :func:`mmbounds.raw.estimate_features`,
  then the finite-sample layer (:mod:`mmbounds.inference`) adds the plug-in bias report and, with
  ``options.n_bootstrap``, bootstrap intervals.
"""

from __future__ import annotations

import dataclasses
import numbers
import warnings
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from ._options import Options, as_options
from ._progress import Progress
from ._validation import (
    check_bounds_arg,
    check_confidence,
    check_random_state,
    check_source_pairs,
)
from .core import estimate_marginals
from .exceptions import EstimationWarning
from .inference import bootstrap_codes, infer_population, miller_madow_report
from .raw import estimate_features, estimate_samples, needs_features
from .raw.samples import MIN_SAMPLES_PER_CELL, samples_per_cell, warn_few_samples
from .results import EstimateResult

__all__ = ["estimate"]


def estimate(
    data: Any = None,
    *,
    x1: tuple[Any, Any] | None = None,
    x2: tuple[Any, Any] | None = None,
    paired: tuple[Any, Any] | None = None,
    bounds: str | Sequence[str] = "auto",
    posteriors: tuple[Any, Any] | None = None,
    discretizer: Any = None,
    classifier: Any = None,
    confidence: float | None = 0.95,
    options: Options | dict[str, Any] | None = None,
    random_state: Any = 0,
    progress: bool = True,
) -> EstimateResult:
    """Redundancy, uniqueness and bounds on synergy without labeled multimodal data (bits).

    Parameters
    ----------
    data : Marginals, tuple of 3 arrays, or 3-D array, optional
        ``Marginals``; tables ``(p_x1y, p_x2y, p_x1x2)`` with shapes (n1, ny), (n2, ny), (n1, n2);
        or a full joint ``p[x1, x2, y]`` (then ``synergy_true`` is filled for validation). A tuple
        (or a list of arrays) is three tables; nested lists are read by their number of axes
        (3-D: a joint), see :func:`mmbounds._validation.check_data_form`.
    x1, x2, paired : pair of arrays, optional
        Samples instead of ``data``: D1 = ``(X1, y1)``, D2 = ``(X2, y2)``, DM = ``(X1u, X2u)``.
        1-D columns of integers or strings are discrete; float features (numpy or torch, 2-D, or
        1-D / ``(n, 1)`` with values that are not whole numbers) are discretized per modality.
        Labels are stripped of whitespace; missing labels and two spellings of one number
        (``"1"``, ``"1.0"``) raise.
    bounds : "auto", "all", str or sequence of str
        Names from :data:`mmbounds.bounds.BOUNDS`; ``"auto"`` leaves out the costliest bounds on
        large tables (:func:`mmbounds.bounds.select_bounds`).
    posteriors : pair of arrays (n_pairs, n_y), optional
        Posteriors of trained unimodal classifiers on the paired samples (columns in the order of
        the label values): adds the ``*_classifiers`` disagreement bounds, estimates
        (``guaranteed=False``).
    discretizer : None, dict, Discretizer or pair of those
        Sample input only: per-modality discretizer template (default: L2-normalize, PCA(5),
        k-means with the cluster count chosen for the sample size, at most the paper's 20); see
        :func:`mmbounds.raw.estimate_features`.
    classifier : None, "linear", "mlp", "empirical" or estimator
        Sample input only: train unimodal classifiers on D1, D2; their posteriors on DM add the
        ``*_classifiers`` bounds (estimates).
    confidence : float or None, default 0.95
        Sample input only: level of the confidence intervals for the **population**
        (``result.inference``: R, U1, U2, the ends of the synergy identified set and S, with a
        verdict each; ``options["inference"]`` picks the bootstrap or the certified mode). None
        skips them: the numbers are then bounds of the sample tables only. Ignored for tables
        (they are taken as population marginals; for a ``Marginals.from_samples`` object,
        :func:`mmbounds.inference.infer_population` gives the intervals), but checked there too
        (in (0, 1) or None).
    options : Options or dict, optional
        How to compute: ``solver``, ``tol``, ``backend``, ``device``, budgets, ``normalize``,
        ``reconcile``, ``n_jobs``, ``inference``, ``n_resamples``, ``negligible``, ``n_bootstrap``
        (see :class:`mmbounds.Options`).
    random_state : None, int or numpy.random.Generator, default 0
        Seed for every randomised step; one int reproduces the whole estimate, and the default
        makes repeated calls give the same numbers. ``None`` draws fresh entropy (the witness
        search's restarts and the resamples then change from call to call).
    progress : bool, default True
        Show one progress bar over the whole call (stderr): discretizing, counting and
        reconciling, the solve and every bound, the population resamples and the bootstrap. It
        appears at the first step finished after a second, so quick calls show none. Either way
        ``result.timings`` has each step's wall time and the call's ``"total"``.

    Returns
    -------
    EstimateResult

    Raises
    ------
    TypeError, ValueError
        On malformed input (the message names the argument).

    Examples
    --------
    >>> import numpy as np
    >>> import mmbounds
    >>> and_ = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         and_[a, b, a & b] = 0.25
    >>> res = mmbounds.estimate(and_, options={"solver": "cvxpy"})
    >>> round(res.redundancy, 4), round(res.synergy_true, 4)
    (0.3113, 0.5)
    >>> round(res.synergy_lower, 4), round(res.synergy_upper, 4)
    (0.5, 0.5)
    """
    opts = as_options(options)
    check_bounds_arg(bounds)
    if confidence is not None:  # checked before any work, and for tables too
        confidence = check_confidence(confidence)
    run = Progress(progress)
    samples = {"x1": x1, "x2": x2, "paired": paired}
    common = {"bounds": bounds, "posteriors": posteriors, "options": opts, "progress": run}
    if data is not None:
        if any(s is not None for s in samples.values()):
            raise TypeError(
                "pass either data (Marginals, tables or a joint) or x1/x2/paired samples, not both"
            )
        if discretizer is not None or classifier is not None or opts.n_bootstrap:
            raise TypeError(
                "discretizer, classifier and n_bootstrap need x1/x2/paired samples, not data"
            )
        return run.finish(estimate_marginals(data, random_state=random_state, **common))
    missing = [k for k, s in samples.items() if s is None]
    if missing:
        raise TypeError(f"estimate() needs data, or all of x1, x2 and paired; missing {missing}")
    check_source_pairs(x1, x2, paired)
    rng = check_random_state(random_state)
    same = confidence is not None and _same_samples(x1, x2, paired)  # compared once
    if confidence is not None and opts.inference == "bootstrap" and not same:
        run.add(1 + opts.n_resamples, key="resamples")  # the bar's total is right early
    run.add(opts.n_bootstrap or 0, key="bootstrap")
    if not opts.n_bootstrap and not needs_features(
        x1, x2, paired, discretizer=discretizer, classifier=classifier
    ):
        result = estimate_samples(x1, x2, paired, random_state=random_state, **common)
        if confidence is not None and opts.inference == "bootstrap" and not same:
            _warn_sparse_codes(result)
    else:
        seed = int(random_state) if isinstance(random_state, numbers.Integral) else None
        result = estimate_features(
            x1,
            x2,
            paired,
            discretizer=discretizer,
            classifier=classifier,
            random_state=rng,
            _seed=seed,
            **common,
        )
        result = _with_bias_report(result, bounds, opts, rng, seed, run)
    if confidence is None:
        return run.finish(result)
    if same:
        note = (
            "population intervals not computed: D1, D2 and DM are the same samples, and the "
            "intervals assume independent sources (split them, e.g. "
            "mmbounds.data.semi_supervised_split)"
        )
        msg = "; ".join(m for m in (result.message, note) if m)
        return run.finish(dataclasses.replace(result, message=msg))
    _warn_shared_labels(x1, x2, paired)
    with run.step("inference", units=0):
        inference = infer_population(
            result.marginals,
            confidence=confidence,
            mode=opts.inference,
            n_resamples=opts.n_resamples,
            negligible=opts.negligible,
            options=opts,
            random_state=rng,
            n_jobs=opts.n_jobs,
            progress=run,
            sample_upper=result.synergy_upper,
        )
    return run.finish(dataclasses.replace(result, inference=inference))


def _warn_sparse_codes(result: EstimateResult) -> None:
    """The few-samples warning of the feature layer, for discrete samples given as codes (when
    bootstrap intervals follow: certified ones hold at every sample size)."""
    sizes = tuple(int(round(n)) for n in result.marginals.sample_sizes)
    warn_few_samples(
        samples_per_cell(result.shape, sizes),
        result.shape,
        sizes,
        MIN_SAMPLES_PER_CELL,
        remedy="Merge rare values of X1, X2 or Y, or collect more samples; "
        "inference='certified' holds at every sample size",
        stacklevel=4,
    )


def _same_samples(x1: Any, x2: Any, paired: Any) -> bool:
    """True when DM's rows are D1's and D2's rows (the paper's protocol: one labeled sample).

    Compared by value: equal copies (``y.copy()``, a list, a recomputed label) are the same
    samples as the same object.
    """
    return _equal(x1[0], paired[0]) and _equal(x2[0], paired[1]) and _equal(x1[1], x2[1])


#: fewest labels at which D1 and D2 holding the same label sequence is taken as the same rows
_SHARED_LABELS_MIN = 20


def _warn_shared_labels(x1: Any, x2: Any, paired: Any) -> None:
    """Warn when two sources hold the same column (D1 and D2 the same labels, or D1 or D2 the
    same x as DM): most likely the same rows, which the population intervals (independent
    sources) do not allow for."""
    pairs = (
        ("D1 and D2", "labels", x1[1], x2[1]),
        ("D1 and DM", "values of x1", x1[0], paired[0]),
        ("D2 and DM", "values of x2", x2[0], paired[1]),
    )
    for names, what, a, b in pairs:
        if len(a) < _SHARED_LABELS_MIN or _grouped(a) or not _equal(a, b):
            continue
        warnings.warn(
            f"{names} hold the same sequence of {len(a)} {what}: if they are the same rows, the "
            "population intervals, which assume independent sources, can be too narrow. Give "
            f"{names} different rows (mmbounds.data.semi_supervised_split)",
            EstimationWarning,
            stacklevel=3,
        )


def _grouped(y: Any) -> bool:
    """Whether the labels come in one run per class (sorted or class-ordered data): then two
    independent samples with the same class counts have the same sequence too."""
    try:
        arr = np.asarray(y.detach().cpu() if hasattr(y, "detach") else y)
        changes = int(np.count_nonzero(arr[1:] != arr[:-1]))
        return changes + 1 <= len(set(arr.tolist()))
    except (TypeError, ValueError):
        return False


def _equal(a: Any, b: Any) -> bool:
    """Whether two sample arrays (numpy, torch, lists) hold the same values in the same order.

    The lengths are compared first; two torch tensors are compared on their device, without a
    copy to the host.
    """
    if a is b:
        return True
    try:
        if len(a) != len(b):
            return False
        if hasattr(a, "detach") and hasattr(b, "detach"):  # two tensors
            return a.shape == b.shape and a.device == b.device and bool((a == b).all())
        a_np, b_np = (np.asarray(v.detach().cpu() if hasattr(v, "detach") else v) for v in (a, b))
        return a_np.shape == b_np.shape and bool(np.array_equal(a_np, b_np))
    except (TypeError, ValueError, RuntimeError):  # values that cannot be compared: not the same
        return False


def _with_bias_report(
    result: EstimateResult, bounds: Any, opts: Options, rng: Any, seed: int | None, run: Progress
) -> EstimateResult:
    """The feature-layer result with the plug-in bias report and bootstrap intervals added."""
    codes = result.extras["codes"]
    sources = [(codes[a], codes[b]) for a, b in (("x1", "y1"), ("x2", "y2"))]
    sources.append((codes["x1_paired"], codes["x2_paired"]))
    boot = None
    if opts.n_bootstrap:
        with run.step("bootstrap", units=0):
            boot = bootstrap_codes(
                *sources,
                posteriors=result.extras["posteriors"],
                n_bootstrap=opts.n_bootstrap,
                n_jobs=opts.n_jobs,
                progress=run,
                random_state=rng,
                bounds=bounds,
                options=opts.replace(n_bootstrap=0),
            )
        boot = dataclasses.replace(boot, seed=seed)  # the integer that reproduces it
    with run.step("bias report", units=0):
        report = miller_madow_report(*sources)
    extras = {**result.extras, "miller_madow": report, "bootstrap": boot}
    return dataclasses.replace(result, extras=MappingProxyType(extras))
