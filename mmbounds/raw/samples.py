"""Discrete samples -> marginals (with their provenance) -> the core estimate.

``D1 = (x1, y1)``, ``D2 = (x2, y2)`` and ``DM = (x1u, x2u)`` are 1-D columns of any hashable labels;
:meth:`mmbounds.Marginals.from_samples` counts them (one shared index per variable) and weights the
reconciliation by the sample sizes.
"""

from __future__ import annotations

import warnings
from typing import Any

from .._options import Options
from .._progress import Progress, as_progress
from .._validation import check_posterior_pair, check_source_pairs
from ..core import solve_marginals
from ..exceptions import EstimationWarning
from ..marginals import Marginals
from ..results import EstimateResult

__all__ = ["estimate_samples", "samples_per_cell", "warn_few_samples", "MIN_SAMPLES_PER_CELL"]

#: Below this many samples per cell of a pairwise table, the feature layer warns.
MIN_SAMPLES_PER_CELL = 5.0


def estimate_samples(
    x1: tuple[Any, Any],
    x2: tuple[Any, Any],
    paired: tuple[Any, Any],
    *,
    bounds: Any = "auto",
    posteriors: tuple[Any, Any] | None = None,
    options: Options,
    random_state: Any = 0,
    progress: bool | Progress = True,
    categories: tuple[Any, Any, Any] | None = None,
) -> EstimateResult:
    """The estimate from discrete samples of ``D1``, ``D2``, ``DM`` (bits).

    Parameters
    ----------
    x1, x2, paired : pair of 1-D arrays
        ``D1 = (x1, y1)``, ``D2 = (x2, y2)``, ``DM = (x1u, x2u)``; values may be any hashables.
    bounds, posteriors, random_state :
        As in :func:`mmbounds.estimate`.
    progress : bool or Progress, default True
        A progress bar, or the caller's to tick (counting and reconciling, then the solve).
    options : Options
        Checked options.
    categories : tuple of 3 sequences, optional
        The values of x1, x2 and y (default: those seen; see
        :meth:`mmbounds.Marginals.from_samples`): a bootstrap resample passes its sample's.

    Returns
    -------
    EstimateResult

    Examples
    --------
    >>> from mmbounds import Options
    >>> a, b = [0, 0, 1, 1] * 5, [0, 1, 0, 1] * 5
    >>> y = [u ^ v for u, v in zip(a, b)]
    >>> res = estimate_samples((a, y), (b, y), (a, b), options=Options())
    >>> res.shape, round(res.synergy_upper, 4)
    ((2, 2, 2), 1.0)
    """
    check_source_pairs(x1, x2, paired)
    run, owned = as_progress(progress)
    run.add(1)
    with run.step("marginals"):  # counting and (when the sources disagree) reconciliation
        m = Marginals.from_samples(
            x1,
            x2,
            paired,
            source_names=("x1", "x2", "paired"),
            categories=categories,
            reconcile=options.reconcile,
        )
    # one posterior row per paired sample
    post = check_posterior_pair(posteriors, m.shape[2], n_samples=int(m.sample_sizes[2]))
    result = solve_marginals(
        m,
        bounds=bounds,
        posteriors=post,
        options=options,
        random_state=random_state,
        progress=run,
    )
    return run.finish(result) if owned else result


def samples_per_cell(shape: tuple[int, int, int], sizes: tuple[int, int, int]) -> dict[str, float]:
    """Average samples per cell of each pairwise table.

    Parameters
    ----------
    shape : tuple of int
        ``(|X1|, |X2|, |Y|)``.
    sizes : tuple of int
        Sample sizes of D1, D2 and DM.

    Returns
    -------
    dict
        ``{"x1y": ..., "x2y": ..., "x1x2": ...}``.

    Examples
    --------
    >>> samples_per_cell((2, 5, 2), (40, 40, 100))
    {'x1y': 10.0, 'x2y': 4.0, 'x1x2': 10.0}
    """
    n1, n2, ny = shape
    return {
        "x1y": sizes[0] / (n1 * ny),
        "x2y": sizes[1] / (n2 * ny),
        "x1x2": sizes[2] / (n1 * n2),
    }


def warn_few_samples(
    per_cell: dict[str, float],
    shape: tuple[int, int, int],
    sizes: tuple[int, int, int],
    threshold: float,
    *,
    remedy: str | None = None,
    stacklevel: int = 5,
) -> None:
    """Warn (:class:`~mmbounds.EstimationWarning`) when a table has fewer samples per cell.

    Parameters
    ----------
    per_cell : dict
        From :func:`samples_per_cell`.
    shape : tuple of int
        ``(|X1|, |X2|, |Y|)``.
    sizes : tuple of int
        Sample sizes of D1, D2 and DM.
    threshold : float
        Fewest samples per cell without a warning.
    remedy : str, optional
        What to do, in words (default: fewer clusters or more data, for discretized features).
    stacklevel : int
        Passed to :func:`warnings.warn` (the default points at the caller of
        :func:`mmbounds.estimate` through the feature layer).

    Examples
    --------
    >>> import warnings
    >>> per_cell = samples_per_cell((20, 20, 2), (400, 400, 400))
    >>> per_cell
    {'x1y': 10.0, 'x2y': 10.0, 'x1x2': 1.0}
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_few_samples(per_cell, (20, 20, 2), (400, 400, 400), threshold=5.0)
    >>> type(caught[0].message).__name__, str(caught[0].message)[:30]
    ('EstimationWarning', 'few samples per cell: p(x1,x2)')
    """
    worst = min(per_cell, key=per_cell.get)
    if per_cell[worst] >= threshold:
        return
    dims = {"x1y": (shape[0], shape[2]), "x2y": (shape[1], shape[2]), "x1x2": (shape[0], shape[1])}
    n = sizes[("x1y", "x2y", "x1x2").index(worst)]
    a, b = dims[worst]
    warnings.warn(
        f"few samples per cell: p({worst[:2]},{worst[2:]}) has {per_cell[worst]:.2f} samples per "
        f"cell ({n} samples over {a} x {b} cells) < {threshold:g}; plug-in information estimates "
        "are biased upward and intervals under-cover (measured on mfeat splits: synergy coverage "
        "0.80 at 5 samples per cell, 0.97 at 20). "
        + (
            remedy
            or "Use fewer clusters (n_clusters='auto' keeps 20 per cell) or more data; see "
            "extras['miller_madow'] and mmbounds.inference.sweep_clusters"
        ),
        EstimationWarning,
        stacklevel=stacklevel,
    )
