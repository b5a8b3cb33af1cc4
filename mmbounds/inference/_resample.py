"""Bootstrap resampling of the three sources: replicates of the functionals and of the tight bound.

Each source's count table is redrawn on its own (multinomial with its own size), every replicate
is reconciled and re-estimated (:func:`bootstrap_replicates`: the functionals of
:mod:`._functionals`; :func:`tight_upper_replicates`: the tightest upper bound on S, on small
tables). :mod:`.population` turns them into intervals.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._options import Options
from .._progress import Progress, as_progress
from .._validation import check_random_state
from ..bounds import BoundContext, identified_set
from ..marginals import Marginals
from ._functionals import functionals
from ._parallel import captured_warnings, run_tasks

__all__ = [
    "UPPER_RESAMPLES",
    "UPPER_RESAMPLE_CELLS",
    "bootstrap_replicates",
    "resample_marginals",
    "source_counts",
    "tight_upper_replicates",
]

#: reconciliation accuracy of a replicate (largest marginal change of the last EM step) and its
#: iteration cap: far below the sampling error the replicates measure, and 10-100 times cheaper
#: than the 1e-10 of a main estimate on sparse tables; replicates use SQUAREM-accelerated EM
#: (benchmarks/reconcile_em.py: 0.2-0.5 of plain EM's time, closer to the maximum)
_REPLICATE_EM_TOL = 1e-7
_REPLICATE_EM_ITER = 500
#: solver accuracy (bits, certified gaps) of a replicate, for the same reason, and its iteration cap
#: (the maximum-entropy bound stays certified when IPF stops early, only a little looser)
_REPLICATE_TOL = 1e-6
_REPLICATE_MAX_ITER = 2000
#: tables of at most this many cells get replicates of the tight upper bound on S, this many
#: (:func:`tight_upper_replicates`; the estimate takes 0.05-0.2 s per table of 18-64 cells)
UPPER_RESAMPLE_CELLS = 64
UPPER_RESAMPLES = 30


def source_counts(m: Marginals) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count tables of D1, D2 and DM (the observed tables times their sample sizes).

    Parameters
    ----------
    m : Marginals
        Marginals counted from samples (``m.sample_sizes`` set).

    Returns
    -------
    tuple of three ndarray
        The counts of ``p(x1,y)``, ``p(x2,y)`` and ``p(x1,x2)``.

    Raises
    ------
    ValueError
        If ``m`` has no sample sizes (it was built from population tables), or a table times
        its sample size holds no count.

    Examples
    --------
    >>> from mmbounds import Marginals
    >>> m = Marginals.from_samples(([0, 0, 1, 1], [0, 0, 1, 0]), ([0, 1], [0, 1]),
    ...                            ([0, 1], [1, 1]))
    >>> [c.tolist() for c in source_counts(m)]
    [[[2.0, 0.0], [1.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]]
    """
    if m.sample_sizes is None:
        raise ValueError(
            "population inference needs sample sizes: build the marginals from samples "
            "(Marginals.from_samples or estimate(x1=..., x2=..., paired=...))"
        )
    counts = tuple(np.rint(t * n) for t, n in zip(m.observed, m.sample_sizes))
    for name, c, n in zip(("D1", "D2", "DM"), counts, m.sample_sizes):
        if c.sum() < 1:
            raise ValueError(
                f"sample_sizes[{name}] == {n:g}: the table times its sample size rounds to no "
                "counts at all; give the number of samples the table was counted from"
            )
    return counts  # type: ignore[return-value]


def resample_marginals(
    counts: tuple[np.ndarray, ...], sizes: tuple[int, ...], seed: int
) -> Marginals:
    """One bootstrap replicate: each source's counts redrawn (multinomial), then reconciled.

    Parameters
    ----------
    counts : tuple of 3 ndarrays
        Count tables of D1, D2 and DM (:func:`source_counts`).
    sizes : tuple of 3 int
        Their sample sizes (each replicate draws as many).
    seed : int
        Seed of this replicate's generator.

    Returns
    -------
    Marginals
        The reconciled marginals of the redrawn tables (with their sample sizes).

    Examples
    --------
    >>> from mmbounds import Marginals
    >>> m = Marginals.from_samples(([0, 0, 1, 1], [0, 0, 1, 0]), ([0, 1], [0, 1]),
    ...                            ([0, 1], [1, 1]))
    >>> rep = resample_marginals(source_counts(m), m.sample_sizes, seed=0)
    >>> rep.shape, rep.sample_sizes
    ((2, 2, 2), (4.0, 2.0, 2.0))
    """
    rng = np.random.default_rng(seed)
    tables = []
    for t, n in zip(counts, sizes):
        draw = rng.multinomial(n, (t / t.sum()).ravel()).reshape(t.shape).astype(np.float64)
        tables.append(draw / n)
    with captured_warnings():  # resampled marginals disagree; they are reconciled
        # the redrawn tables are valid by construction: the trusted path, no second validation
        return Marginals._trusted(
            *tables,
            sample_sizes=sizes,
            tol=_REPLICATE_EM_TOL,
            max_iter=_REPLICATE_EM_ITER,
            accelerate=True,
        )


def _replicate_options(options: Options) -> Options:
    """The solver options of a replicate (looser tolerance, capped iterations)."""
    return options.replace(
        tol=max(options.tol, _REPLICATE_TOL),
        max_iter=min(options.max_iter or _REPLICATE_MAX_ITER, _REPLICATE_MAX_ITER),
    )


def _replicate(
    counts: tuple[np.ndarray, ...], sizes: tuple[int, ...], seed: int, options: Options
) -> np.ndarray:
    m = resample_marginals(counts, sizes, seed)
    with captured_warnings():
        return functionals(m, options)


def _tight_replicate(
    counts: tuple[np.ndarray, ...], sizes: tuple[int, ...], seed: int, options: Options
) -> float:
    """The tightest certified upper bound on S of one replicate (the bounds of
    ``bounds="auto"``, as the sample's ``synergy_upper``)."""
    m = resample_marginals(counts, sizes, seed)
    with captured_warnings():
        return identified_set(BoundContext(m, options, random_state=0), search=True)[1]


def tight_upper_replicates(
    m: Marginals,
    *,
    options: Options,
    random_state: Any = 0,
    n_jobs: int | None = None,
    progress: bool | Progress = False,
    n_resamples: int = UPPER_RESAMPLES,
) -> np.ndarray | None:
    """Bootstrap replicates of the tightest upper bound on S, for tables small enough.

    The resamples of :func:`bootstrap_replicates` recompute only the cheaper upper bounds; on
    tables of at most :data:`UPPER_RESAMPLE_CELLS` cells the tight one (branch-and-bound) is
    cheap enough to recompute on :data:`UPPER_RESAMPLES` resamples (the first seeds of
    :func:`bootstrap_replicates` when ``random_state`` is an int), and ``S_U``'s lower limit
    is then also built from them (:func:`._upper_end.upper_end_rules`).

    Parameters
    ----------
    m : Marginals
        Marginals counted from samples (``m.sample_sizes`` set).
    options : Options
        Solver options (those of a replicate are derived as in :func:`bootstrap_replicates`).
    random_state : None, int or numpy.random.Generator, default 0
        Source of the replicate seeds.
    n_jobs : int or None
        joblib workers, as in :func:`bootstrap_replicates`.
    progress : bool or Progress
        The caller's bar to tick (a bool: no bar).
    n_resamples : int
        Resamples, at most :data:`UPPER_RESAMPLES` of them are used.

    Returns
    -------
    ndarray of shape (min(n_resamples, UPPER_RESAMPLES),) or None
        The replicates' ``synergy_upper`` (bits) in the order of the seeds; None above
        :data:`UPPER_RESAMPLE_CELLS` cells.

    Examples
    --------
    >>> from mmbounds import Marginals, Options
    >>> from mmbounds.data import bitwise_joint, sample_joint
    >>> d1, d2, dm = (sample_joint(bitwise_joint("and"), 500, random_state=s) for s in range(3))
    >>> m = Marginals.from_samples((d1[0], d1[2]), (d2[1], d2[2]), (dm[0], dm[1]))
    >>> reps = tight_upper_replicates(m, options=Options())
    >>> reps.shape, bool(0.0 <= reps.min() <= reps.max() <= 1.0)
    ((30,), True)
    """
    if int(np.prod(m.shape)) > UPPER_RESAMPLE_CELLS:
        return None
    counts = source_counts(m)
    sizes = tuple(int(round(n)) for n in m.sample_sizes)  # type: ignore[union-attr]
    rng = check_random_state(random_state)
    k = min(int(n_resamples), UPPER_RESAMPLES)
    seeds = [int(s) for s in rng.integers(0, 2**63 - 1, size=k)]
    run = progress if isinstance(progress, Progress) else None
    if run is not None:
        run.add(k)
        run.label("population: tight upper bound of resamples")
    args = ((counts, sizes, s, _replicate_options(options)) for s in seeds)
    out = []
    for r in run_tasks(_tight_replicate, args, n_jobs):
        out.append(r)
        if run is not None:
            run.advance(1)
    return np.array(out)


def bootstrap_replicates(
    m: Marginals,
    *,
    n_resamples: int = 200,
    options: Options,
    random_state: Any = 0,
    n_jobs: int | None = None,
    progress: bool | Progress = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Plug-in functionals of ``m`` and their bootstrap replicates (see :func:`functionals`).

    Each source's count table is resampled on its own (multinomial with its own size); every
    replicate is reconciled and re-estimated. Seeds are drawn in advance from ``random_state``,
    so the replicates do not depend on ``n_jobs`` or on the joblib backend (Dask included).

    Parameters
    ----------
    m : Marginals
        Marginals counted from samples (``m.sample_sizes`` set).
    n_resamples : int
        Replicates ``B``.
    options : Options
        Solver options (replicates use a looser tolerance, far below the sampling error).
    random_state : None, int or numpy.random.Generator, default 0
        Source of the replicate seeds.
    n_jobs : int or None
        joblib workers (1: here; None: the active :func:`joblib.parallel_config`, serial when
        none is, e.g. a Dask cluster under ``parallel_config(backend="dask")``).
    progress : bool
        tqdm bar over the replicates.

    Returns
    -------
    plugin : ndarray, shape (15,)
        The functionals of ``m`` (:func:`functionals`).
    replicates : ndarray, shape (B, 15)
        The same on each replicate, in the order of the seeds.

    Examples
    --------
    >>> from mmbounds import Marginals, Options
    >>> from mmbounds.data import bitwise_joint, sample_joint
    >>> d1, d2, dm = (sample_joint(bitwise_joint("and"), 500, random_state=s) for s in range(3))
    >>> m = Marginals.from_samples((d1[0], d1[2]), (d2[1], d2[2]), (dm[0], dm[1]))
    >>> plugin, reps = bootstrap_replicates(m, n_resamples=5, options=Options())
    >>> plugin.shape, reps.shape, round(float(plugin[0]), 2)
    ((15,), (5, 15), 0.3)
    """
    counts = source_counts(m)
    sizes = tuple(int(round(n)) for n in m.sample_sizes)  # type: ignore[union-attr]
    run, owned = as_progress(progress, "mmbounds.inference")
    run.add(1 + n_resamples, key="resamples")
    run.label("population: plug-in")
    plugin = functionals(m, options)
    run.advance(1, "population: resamples")
    rep_options = _replicate_options(options)
    rng = check_random_state(random_state)
    seeds = [int(s) for s in rng.integers(0, 2**63 - 1, size=n_resamples)]
    it = run_tasks(_replicate, ((counts, sizes, s, rep_options) for s in seeds), n_jobs)
    reps = []
    for r in it:
        reps.append(r)
        run.advance(1)
    if owned:
        run.close()
    return plugin, np.array(reps)
