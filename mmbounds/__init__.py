"""mmbounds: redundancy, uniqueness and synergy of two modalities without labeled multimodal data.

All information quantities are in bits. The core imports numpy and scipy only; torch is imported
inside the functions that need it.

Layers (each imports only the ones before it): ``info`` -> ``results`` -> ``_validation`` /
``_options`` -> ``marginals`` -> ``solvers`` -> ``pid`` -> ``bounds`` (the registry) -> ``core``
(the estimate on tables) -> ``raw`` (samples, features) -> ``inference`` -> ``api`` (the front
door :func:`estimate`) -> ``performance``, ``pretraining`` -> ``plotting`` -> ``figures`` ->
``cli``.
See ``docs/architecture.md``.

>>> import mmbounds
>>> res = mmbounds.estimate((p_x1y, p_x2y, p_x1x2))  # doctest: +SKIP
"""

from __future__ import annotations

from . import bounds
from ._options import Options
from ._pid import pid
from ._version import __version__
from .api import estimate
from .bounds import *  # noqa: F403  (one function per registered bound)
from .bounds import BOUND_FUNCTIONS, BOUNDS, BoundSpec, disagreement, evaluate
from .exceptions import (
    ConvergenceWarning,
    DegradedWarning,
    EstimationWarning,
    InconsistentMarginalsWarning,
    SolverError,
    StatusWarning,
)
from .marginals import (  # the validated public measures (mmbounds.info holds the kernels)
    ConsistencyReport,
    Marginals,
    co_information,
    conditional_mutual_information,
    entropy,
    mutual_information,
)
from .performance import PerformanceBounds, performance_bounds
from .raw import true_interactions
from .results import Bound, EstimateResult, PIDResult

__all__ = [
    "estimate",
    "Options",
    "EstimateResult",
    "Marginals",
    "ConsistencyReport",
    "pid",
    "PIDResult",
    "performance_bounds",
    "PerformanceBounds",
    "true_interactions",
    "Bound",
    "BOUNDS",
    "BoundSpec",
    "evaluate",
    "disagreement",
    "bounds",
    "entropy",
    "mutual_information",
    "conditional_mutual_information",
    "co_information",
    "ConvergenceWarning",
    "InconsistentMarginalsWarning",
    "EstimationWarning",
    "StatusWarning",
    "DegradedWarning",
    "SolverError",
    "__version__",
] + list(BOUND_FUNCTIONS)

#: subpackages loaded on first use (``mmbounds.plotting.plot_result(res)`` after ``import
#: mmbounds``), so that the core import stays free of matplotlib and the dataset readers
_LAZY_SUBPACKAGES = frozenset({"data", "plotting", "figures", "pretraining", "cli"})


def __getattr__(name: str) -> object:
    if name in _LAZY_SUBPACKAGES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
