"""The observed pairwise marginals: tables and samples in, validated consistent tables out.

:class:`Marginals` (``_table``) holds ``p(x1,y)``, ``p(x2,y)``, ``p(x1,x2)``; ``_reconcile`` checks
their consistency and reconciles them by maximum likelihood; ``_counts`` turns discrete samples
into count tables; ``_measures`` holds the public information measures (``mmbounds.entropy``, ...),
which validate their table before calling the kernels of :mod:`mmbounds.info`.
"""

from ..results import ConsistencyReport
from ._counts import categories_of, count_table, index_of, sample_columns
from ._measures import co_information, conditional_mutual_information, entropy, mutual_information
from ._reconcile import (
    log_likelihood,
    reachable_cells,
    reconcile_ml,
    tv_distance,
    unreachable_mass,
)
from ._table import Marginals

__all__ = [
    "Marginals",
    "ConsistencyReport",
    "reachable_cells",
    "tv_distance",
    "unreachable_mass",
    "reconcile_ml",
    "log_likelihood",
    "categories_of",
    "count_table",
    "index_of",
    "sample_columns",
    "entropy",
    "mutual_information",
    "conditional_mutual_information",
    "co_information",
]
