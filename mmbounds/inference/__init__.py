"""Finite-sample layer: resampling intervals, cluster sweeps and plug-in bias of estimates.

It calls the core and the sample layers on resampled or re-discretized data; they never call it.
"""

from ._bootstrap import BootstrapResult, bootstrap, bootstrap_codes
from .bias import miller_madow_mutual_information, miller_madow_report
from .population import (
    FUNCTIONALS,
    MODES,
    QUANTITIES,
    VARIANTS,
    bootstrap_replicates,
    functionals,
    infer_population,
    resample_marginals,
    source_counts,
)
from .sweep import ClusterSweep, sweep_clusters

__all__ = [
    "infer_population",
    "bootstrap_replicates",
    "VARIANTS",
    "functionals",
    "source_counts",
    "resample_marginals",
    "QUANTITIES",
    "FUNCTIONALS",
    "MODES",
    "BootstrapResult",
    "bootstrap",
    "bootstrap_codes",
    "ClusterSweep",
    "sweep_clusters",
    "miller_madow_mutual_information",
    "miller_madow_report",
]
