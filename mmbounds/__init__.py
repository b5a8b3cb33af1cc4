"""mmbounds: redundancy, uniqueness and synergy of two modalities without labeled multimodal data.

All information quantities are in bits. The core imports numpy and scipy only; torch is imported
inside the functions that need it.

>>> import mmbounds
>>> res = mmbounds.estimate((p_x1y, p_x2y, p_x1x2))  # doctest: +SKIP
"""

from __future__ import annotations

from .bounds import (
    BOUNDS,
    Bound,
    disagreement,
    synergy_lower_disagreement_bhattacharyya,
    synergy_lower_disagreement_l2,
    synergy_lower_disagreement_paper,
    synergy_lower_shared,
    synergy_lower_shared_paper,
    synergy_upper_coupling,
)
from .estimate import estimate
from .exceptions import (
    ConvergenceWarning,
    EstimationWarning,
    InconsistentMarginalsWarning,
    SolverError,
)
from .info import (
    co_information,
    conditional_mutual_information,
    entropy,
    mutual_information,
)
from .marginals import ConsistencyReport, Marginals
from .performance import PerformanceBounds, performance_bounds
from .pid import PIDResult, pid
from .pipeline import true_interactions
from .result import EstimateResult


def _get_version() -> str:
    try:
        from importlib.metadata import version

        return version("mmbounds")
    except Exception:  # pragma: no cover
        return "0+unknown"


__version__ = _get_version()

__all__ = [
    "estimate",
    "EstimateResult",
    "Marginals",
    "ConsistencyReport",
    "pid",
    "performance_bounds",
    "PerformanceBounds",
    "true_interactions",
    "PIDResult",
    "Bound",
    "BOUNDS",
    "disagreement",
    "synergy_lower_shared",
    "synergy_lower_shared_paper",
    "synergy_lower_disagreement_bhattacharyya",
    "synergy_lower_disagreement_l2",
    "synergy_lower_disagreement_paper",
    "synergy_upper_coupling",
    "entropy",
    "mutual_information",
    "conditional_mutual_information",
    "co_information",
    "ConvergenceWarning",
    "InconsistentMarginalsWarning",
    "EstimationWarning",
    "SolverError",
    "__version__",
]
