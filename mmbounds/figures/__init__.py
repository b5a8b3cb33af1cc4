"""Regenerate the paper's figures and tables that can be rebuilt from what ships with mmbounds.

:func:`regenerate` (the ``mmbounds figures`` command) writes, into one output folder, a PNG, a PDF
and a CSV of the numbers for each of:

``synthetic``
    Random 2×2×2 tables from Dirichlet(1) (the paper's synthetic study, Fig. 2: 100,000 tables in
    full mode) and from a sparser Dirichlet(0.3), where high-synergy tables are less rare: every
    bound against the true synergy, with a summary of violations and mean gaps.
``bitwise`` / ``synthetic_features`` / ``shipped`` / ``multibench``
    Per-dataset intervals (the paper's Table 1 as a picture) and stacked R/U1/U2/S bars for the
    bitwise tasks (exact joints), the PID-controlled synthetic feature suites, the shipped real data
    (every view pair of UCI Multiple Features and the two halves of scikit-learn's digits) and,
    with ``multibench=PATH``, MultiBench datasets. Real-data protocol of the paper: each modality
    discretized with ``Discretizer(n_clusters=20)`` (L2-normalize, PCA(5), k-means(20)); the truth
    is :func:`mmbounds.pid` of the discretized labeled joint; the bounds see only its three
    pairwise marginals.
``performance`` / ``ssl``
    Accuracy intervals (:func:`mmbounds.performance.performance_bounds` of the real-data rows, and
    measured accuracies from ``performance.csv``) and semi-supervised results (from ``ssl.csv``).
    Both CSVs ship with the package (``mmbounds/figures/_results/``, copies of what
    ``benchmarks/performance.py`` and ``benchmarks/ssl_pretraining.py`` write into
    ``benchmarks/results/``), so an installed wheel draws every figure; ``results_dir=`` points
    at freshly measured ones. A missing CSV is reported in the notes.

Nothing is overwritten unless ``force=True``; progress goes to stderr (tqdm). A bound's side
and guarantee come from its result (``Bound.side``, ``Bound.guaranteed``), i.e. from the registry
:data:`mmbounds.bounds.BOUNDS`.

Modules: ``_synthetic`` (the synthetic study), ``_datasets`` (per-dataset rows and their
figures), ``_performance``, ``_ssl``, ``_writer`` (report, files, CSV helpers) and
``_regenerate`` (the driver).

References
----------
P. P. Liang, C. K. Ling, Y. Cheng et al., "Multimodal learning without labeled multimodal data:
guarantees and applications", ICLR 2024 (Fig. 2, Table 1, §5).
"""

from __future__ import annotations

from ._datasets import N_SYNTHETIC_SAMPLES, dataset_rows
from ._regenerate import PARTS, regenerate
from ._synthetic import N_TABLES, SyntheticStudy, synthetic_study
from ._writer import FiguresReport

__all__ = [
    "FiguresReport",
    "N_SYNTHETIC_SAMPLES",
    "N_TABLES",
    "PARTS",
    "SyntheticStudy",
    "dataset_rows",
    "regenerate",
    "synthetic_study",
]
