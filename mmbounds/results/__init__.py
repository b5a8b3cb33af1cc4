"""Result types of mmbounds (all information quantities in bits).

A leaf module: it imports nothing from the package, computes nothing and plots nothing, so every
layer can build its results from it. One mechanism serves every result: each class says which
values it exports (``_export``) and which rows it shows (``_rows``); :class:`ResultMixin` turns
those into a JSON-safe ``to_dict()``, an aligned ``__repr__`` and a small escaped HTML table for
notebooks. Exporting never runs a solver.
"""

from ._base import ResultMixin, clean_bits, fmt_bits, jsonable
from ._estimate import EstimateResult
from ._inference import VERDICTS, Interval, PopulationInference
from ._performance import COLLECT_VERDICTS, FUSION_VERDICTS, PerformanceBounds
from ._records import Bound, ConsistencyReport, PIDResult

__all__ = [
    "ResultMixin",
    "Bound",
    "ConsistencyReport",
    "EstimateResult",
    "PIDResult",
    "Interval",
    "PopulationInference",
    "VERDICTS",
    "PerformanceBounds",
    "COLLECT_VERDICTS",
    "FUSION_VERDICTS",
    "jsonable",
    "fmt_bits",
    "clean_bits",
]
