"""How an estimate is computed: the solver options, validated once and handed to every solver.

:class:`Options` holds the knobs that reach the solvers (``solver``, ``tol``, ``backend``,
``device``, budgets) and those of the input and sample layers (``normalize``, ``reconcile``,
``n_bootstrap``, ``n_jobs``), each with one name across the package. Pass an ``Options`` or a plain
dict to :func:`mmbounds.estimate` (``options={"solver": "cvxpy"}``).
"""

from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass
from typing import Any

from ._validation import check_bool, check_device, check_option, check_scalar

__all__ = ["Options", "as_options", "SOLVERS", "BACKENDS", "INFERENCE_MODES"]

SOLVERS = ("auto", "cvxpy", "fast")
"""BROJA solvers: the cvxpy + Clarabel reference, the fast interior-point solver, or automatic."""
BACKENDS = ("auto", "numpy", "torch")
INFERENCE_MODES = ("bootstrap", "certified")
#: most bootstrap replicates accepted (each is a full solve; far beyond what an interval needs)
MAX_RESAMPLES = 100_000
#: the bootstrap interval rules a user can choose; the uncorrected percentile interval is not one
#: of them: it keeps the plug-in's upward bias and calls pure noise "present" (5x5x4 noise, 500
#: samples per source, 100 resamples: S in [0.011, 1.96]); the benchmarks still score it, through
#: ``mmbounds.inference.infer_population(..., variant="percentile")``
BOOTSTRAP_INTERVALS = ("widened", "bias_corrected", "basic")


@dataclass(frozen=True, slots=True)
class Options:
    """Options of :func:`mmbounds.estimate`, checked when built.

    Parameters
    ----------
    solver : {"auto", "cvxpy", "fast"}
        BROJA solver (every BROJA solve of the estimate uses it).
    tol : float
        Target accuracy: certified optimality gap of the BROJA solves (bits) and largest marginal
        error of the maximum-entropy fit (IPF); at most 0.01 (a coarser target would move the
        bounds by more than the differences they are read for).
    max_iter : int or None
        Iteration cap of each iterative solver; None keeps each solver's own default (1,000
        interior-point iterations for BROJA, 5,000 IPF sweeps).
    backend : {"auto", "numpy", "torch"}
        Array library of the fast solvers.
    device : str, int, torch.device or None
        Torch device (e.g. ``"cuda"``); selects torch under ``backend="auto"``. Checked when
        built: torch must be able to hold float64 numbers on it (``"meta"`` is refused).
    max_nodes : int
        Node budget of the branch-and-bound upper bound.
    max_lp : int
        Linear-program budget of the branch-and-bound upper bound (root bound tightening, witness
        search and nodes together). With ``max_nodes`` it is the whole budget by default, so an
        estimate depends only on its inputs and ``random_state``.
    time_budget_s : float or None
        Optional wall-clock budget (seconds) of the branch-and-bound upper bound and its witness
        search, on top of the deterministic ones. None by default; when set, the result's message
        says that its search bounds depend on timing. It applies to each such search: the
        sample's and, with bootstrap inference on tables of at most 64 cells, each of the up to
        30 resamples on which that bound is recomputed.
    max_memory_gib : float
        Largest solver memory (GiB, estimated from the support size before anything is
        allocated) an estimate may use; above it a ``ValueError`` names the estimate and the way
        out (fewer clusters, the GPU backend, or a larger limit).
    normalize : bool
        Rescale tables (counts) to sum to 1.
    reconcile : bool
        Reconcile inconsistent marginals by maximum likelihood (else raise).
    n_bootstrap : int
        Percentile-bootstrap replicates of every bound of a feature estimate (0: none); kept in
        ``extras["bootstrap"]``. The population intervals are ``inference``'s.
    n_jobs : int or None
        joblib workers for resampling and sweeps (results do not depend on it): 1 runs here;
        None follows the active ``joblib.parallel_config`` (serial when none is; a Dask cluster
        under ``parallel_config(backend="dask")``).
    inference : {"bootstrap", "certified"}
        How sample input gets its population intervals (:mod:`mmbounds.inference.population`):
        bias-corrected bootstrap (asymptotic) or concentration bounds (valid at every n,
        conservative).
    n_resamples : int
        Replicates of the ``"bootstrap"`` inference (2 to ``MAX_RESAMPLES`` = 100,000).
    bootstrap_interval : {"widened", "bias_corrected", "basic"}
        How the ``"bootstrap"`` inference turns replicates into intervals
        (:mod:`mmbounds.inference._intervals`): the bias-corrected estimate widened by the
        estimated bias on each side (default; the one that reaches nominal coverage in
        ``benchmarks/coverage.py``), the bias-corrected interval (Student's t) or the basic
        (reverse-percentile) interval. The uncorrected percentile interval is not offered: it
        keeps the plug-in's upward bias and calls pure noise "present".
    negligible : float
        Bits below which a quantity counts as absent in the verdicts. Values within 1e-9 bits
        of 0 (solver residues) count as 0 even with ``negligible=0``.

    Examples
    --------
    >>> opts = Options(solver="cvxpy", tol=1e-8)
    >>> opts.solver, opts.tol, opts.n_resamples
    ('cvxpy', 1e-08, 200)
    >>> Options(inference="exact")
    Traceback (most recent call last):
        ...
    ValueError: inference must be one of 'bootstrap', 'certified'; got 'exact'
    """

    solver: str = "auto"
    tol: float = 1e-9
    max_iter: int | None = None
    backend: str = "auto"
    device: Any = None
    max_nodes: int = 200
    max_lp: int = 1000
    time_budget_s: float | None = None
    max_memory_gib: float = 2.0
    normalize: bool = False
    reconcile: bool = True
    n_bootstrap: int = 0
    n_jobs: int | None = None
    inference: str = "bootstrap"
    n_resamples: int = 200
    negligible: float = 0.01
    bootstrap_interval: str = "widened"

    def __post_init__(self) -> None:
        check_option(self.solver, name="solver", options=SOLVERS)
        check_scalar(self.tol, name="tol", min_val=0.0, include_min=False, max_val=1e-2)
        if self.max_iter is not None:
            check_scalar(self.max_iter, name="max_iter", kind=numbers.Integral, min_val=1)
        check_option(self.backend, name="backend", options=BACKENDS)
        check_device(self.device)
        check_scalar(self.max_nodes, name="max_nodes", kind=numbers.Integral, min_val=1)
        check_scalar(self.max_lp, name="max_lp", kind=numbers.Integral, min_val=1)
        if self.time_budget_s is not None:
            check_scalar(self.time_budget_s, name="time_budget_s", min_val=0.0, include_min=False)
        check_scalar(self.max_memory_gib, name="max_memory_gib", min_val=0.0, include_min=False)
        # stored as Python bools (np.True_ is accepted; a stored np.bool_ would leak into records)
        object.__setattr__(self, "normalize", check_bool(self.normalize, name="normalize"))
        object.__setattr__(self, "reconcile", check_bool(self.reconcile, name="reconcile"))
        check_scalar(self.n_bootstrap, name="n_bootstrap", kind=numbers.Integral, min_val=0)
        if self.n_jobs is not None:
            check_scalar(self.n_jobs, name="n_jobs", kind=numbers.Integral)
            if self.n_jobs == 0:
                raise ValueError("n_jobs == 0, must be a positive count or negative (joblib)")
        check_option(self.inference, name="inference", options=INFERENCE_MODES)
        check_scalar(
            self.n_resamples, name="n_resamples", kind=numbers.Integral, min_val=2,
            max_val=MAX_RESAMPLES,
        )  # fmt: skip
        check_scalar(self.negligible, name="negligible", min_val=0.0)
        if self.bootstrap_interval == "percentile":
            raise ValueError(
                "bootstrap_interval='percentile' is not offered: the uncorrected percentile "
                "interval keeps the plug-in's upward bias and calls pure noise 'present'; use "
                f"one of {BOOTSTRAP_INTERVALS} (default 'widened')"
            )
        check_option(
            self.bootstrap_interval, name="bootstrap_interval", options=BOOTSTRAP_INTERVALS
        )

    def replace(self, **changes: Any) -> Options:
        """A copy with some fields changed (checked again).

        Parameters
        ----------
        **changes
            New values of fields, by name.

        Returns
        -------
        Options
            A new, validated object (``self`` is frozen and unchanged).

        Examples
        --------
        >>> Options().replace(tol=1e-6).tol
        1e-06
        """
        return dataclasses.replace(self, **changes)


def as_options(options: Options | dict[str, Any] | None) -> Options:
    """``options`` as :class:`Options` (None: the defaults; a dict: its keys as fields).

    Parameters
    ----------
    options : Options, dict or None
        The caller's options.

    Returns
    -------
    Options
        ``options`` itself if it is one; otherwise a new, validated object.

    Raises
    ------
    ValueError
        For an unknown key of a dict.
    TypeError
        For any other kind of object.

    Examples
    --------
    >>> as_options({"solver": "cvxpy"}).solver
    'cvxpy'
    """
    if options is None:
        return Options()
    if isinstance(options, Options):
        return options
    if isinstance(options, dict):
        known = {f.name for f in dataclasses.fields(Options)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"options: unknown option(s) {unknown}; choose from {sorted(known)}")
        return Options(**options)
    raise TypeError(
        f"options must be None, a dict or mmbounds.Options, got {type(options).__name__}"
    )
