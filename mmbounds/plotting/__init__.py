"""Figures for interactions and synergy bounds (matplotlib; every information axis is in bits).

Every function has the form ``plot_x(data..., *, ax=None) -> Axes``: it draws into ``ax`` when
given, otherwise into a new figure from ``pyplot``. Nothing here changes matplotlib's global state
(no ``rcParams``, no styles) and nothing calls ``plt.show()``; matplotlib is imported inside the
functions, so ``import mmbounds`` never needs it.

Colours come from the Okabe–Ito palette, which stays distinguishable under the common forms of
colour blindness; each bound also has its own marker, and bounds that are **not guaranteed**
(trained-classifier estimates, the paper's c = 1 variant) are drawn hollow and with dashed lines,
so the distinction survives printing in grey.

Functions
---------
``plot_bounds_vs_truth``       every bound against the true synergy, with y = x (paper Fig. 2)
``plot_dataset_intervals``     per dataset: true S, every lower bound, the certified upper bound and
                               the witness (paper Table 1 as a picture)
``plot_decomposition``         stacked R / U1 / U2 bars with S as an interval
``plot_accuracy_intervals``    predicted accuracy intervals against measured accuracies
``plot_ssl_results``           grouped bars with error bars (semi-supervised results)
``plot_bootstrap_intervals``   bootstrap percentile intervals of the estimates
``plot_result``                one :class:`~mmbounds.EstimateResult`

Bound labels, sides and guarantees come from the registry :data:`mmbounds.bounds.BOUNDS`, styles
from its order (``_style``). Modules: ``_style`` (palette, labels, styles), ``_bounds`` (bounds vs
truth, dataset intervals), ``_decomposition``, ``_accuracy``, ``_ssl``, ``_result`` (one result,
bootstrap intervals). Plot a result with ``mmbounds.plotting.plot_result(res)``.

References
----------
M. Okabe and K. Ito, "Color Universal Design (CUD): how to make figures and presentations that are
friendly to colorblind people", 2008. P. P. Liang et al., "Multimodal learning without labeled
multimodal data: guarantees and applications", ICLR 2024 (Fig. 2, Table 1).
"""

from __future__ import annotations

from ._accuracy import plot_accuracy_intervals
from ._bounds import interval_row, plot_bounds_vs_truth, plot_dataset_intervals, witness_value
from ._decomposition import plot_decomposition
from ._result import plot_bootstrap_intervals, plot_result
from ._ssl import plot_ssl_results
from ._style import OKABE_ITO, PART_COLORS, bound_guaranteed, bound_label, bound_style

__all__ = [
    "OKABE_ITO",
    "PART_COLORS",
    "bound_guaranteed",
    "bound_label",
    "bound_style",
    "interval_row",
    "plot_accuracy_intervals",
    "plot_bootstrap_intervals",
    "plot_bounds_vs_truth",
    "plot_dataset_intervals",
    "plot_decomposition",
    "plot_result",
    "plot_ssl_results",
    "witness_value",
]
