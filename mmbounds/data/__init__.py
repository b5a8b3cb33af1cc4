"""Data for mmbounds: bitwise tables, synthetic generators, shipped datasets, loaders, splits.

Nothing in this subpackage downloads data or imports torch.
"""

from ._container import MultimodalData
from ._multibench import load_avmnist, load_multibench_affect
from ._npz import load_npz, save_npz
from ._shipped import MFEAT_VIEWS, load_digits_halves, load_mfeat
from .bitwise import BITWISE_TASKS, bitwise_joint, random_joint, sample_joint
from .registry import describe_dataset, list_datasets, load_dataset
from .splits import SemiSupervisedData, same_samples_split, semi_supervised_split
from .synthetic import SYNTHETIC_SETTINGS, make_pid_synthetic

__all__ = [
    "BITWISE_TASKS",
    "MFEAT_VIEWS",
    "SYNTHETIC_SETTINGS",
    "MultimodalData",
    "SemiSupervisedData",
    "bitwise_joint",
    "describe_dataset",
    "list_datasets",
    "load_avmnist",
    "load_dataset",
    "load_digits_halves",
    "load_mfeat",
    "load_multibench_affect",
    "load_npz",
    "make_pid_synthetic",
    "random_joint",
    "same_samples_split",
    "sample_joint",
    "save_npz",
    "semi_supervised_split",
]
