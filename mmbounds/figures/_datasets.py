"""Per-dataset rows: discretize, truth from the labeled joint, every bound from its marginals;
and their interval and decomposition figures."""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .._pid import pid
from ..api import estimate
from ..plotting import plot_dataset_intervals, plot_decomposition, witness_value
from ..raw import Discretizer
from ._writer import _bar, _new_figure, _Writer

__all__ = ["N_SYNTHETIC_SAMPLES", "dataset_rows"]

#: Samples per synthetic-feature setting per mode (the paper used 20,000).
N_SYNTHETIC_SAMPLES = {"full": 20_000, "quick": 4_000, "tiny": 600}


def _discretize(X: np.ndarray, seed: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cluster-count caps on tiny data are expected here
        return Discretizer(n_clusters=20, random_state=seed, n_threads=1).fit_transform(X)


def _joint(c1: np.ndarray, c2: np.ndarray, y: np.ndarray) -> np.ndarray:
    _, yi = np.unique(y, return_inverse=True)
    p = np.zeros((int(c1.max()) + 1, int(c2.max()) + 1, int(yi.max()) + 1))
    np.add.at(p, (c1, c2, yi), 1.0)
    # drop empty codes (a k-means cluster may be unused by this sample)
    p = p[p.sum(axis=(1, 2)) > 0][:, p.sum(axis=(0, 2)) > 0]
    return p / p.sum()


def _row_from_joint(group: str, label: str, p: np.ndarray, n_samples: int | None) -> dict[str, Any]:
    """Truth = PID of the labeled joint ``p``; every bound from its three pairwise marginals."""
    t0 = time.perf_counter()
    truth = pid(p)
    res = estimate((p.sum(axis=1), p.sum(axis=0), p.sum(axis=2)), progress=False, random_state=0)
    return {
        "group": group,
        "dataset": label,
        "n_samples": None if n_samples is None else int(n_samples),
        "shape": "x".join(str(s) for s in p.shape),
        "redundancy": res.redundancy,
        "unique1": res.unique1,
        "unique2": res.unique2,
        "synergy_true": truth.synergy,
        "synergy_lower": res.synergy_lower,
        "synergy_lower_method": res.synergy_lower_method,
        "synergy_upper": res.synergy_upper,
        "synergy_upper_method": res.synergy_upper_method,
        "synergy_witness": witness_value(res),
        "mi_total": truth.mi_x1x2y,
        "entropy_y": res.entropy_y,
        "seconds": time.perf_counter() - t0,
        "bounds": [
            {
                "name": b.name,
                "side": b.side,
                "value": float(b.value),
                "guaranteed": bool(b.guaranteed),
            }
            for b in res.bounds
        ],
        "result": res,
    }


def _pairs_of(data: Any, seed: int, group: str, bar: Any) -> list[dict[str, Any]]:
    codes = {name: _discretize(data[name], seed) for name in data.modality_names}
    rows = []
    for a, b in data.pairs():
        label = f"{data.name}: {a}+{b}"
        bar.set_postfix_str(label)
        rows.append(
            _row_from_joint(group, label, _joint(codes[a], codes[b], data.y), data.n_samples)
        )
        bar.update(1)
    return rows


def dataset_rows(
    group: str,
    *,
    mode: str = "quick",
    multibench: str | os.PathLike | None = None,
    allow_pickle: bool = False,
    random_state: int = 0,
    progress: bool = True,
) -> list[dict[str, Any]]:
    """Truth and every bound (bits) for each dataset / modality pair of one group.

    Parameters
    ----------
    group : {"bitwise", "synthetic_features", "shipped", "multibench"}
        ``"bitwise"``: exact joints of the bitwise tasks; ``"synthetic_features"``: every
        :data:`mmbounds.data.SYNTHETIC_SETTINGS`; ``"shipped"``: every view pair of mfeat and the
        digits halves; ``"multibench"``: the datasets found under ``multibench``.
    mode : {"full", "quick", "tiny"}
        Sizes (see :data:`N_SYNTHETIC_SAMPLES`; ``"tiny"`` keeps one mfeat pair and two settings).
    multibench : path, optional
        A MultiBench affect ``.pkl`` file, an AV-MNIST folder, or a folder holding such files.
    allow_pickle : bool
        Read the ``.pkl`` files with plain ``pickle.load``, **which runs any code a file names**
        (default: the restricted reader of :func:`mmbounds.data.load_multibench_affect`).
    random_state : int
        Seed of the generators and discretizers.
    progress : bool, default True
        tqdm progress bar on stderr.

    Returns
    -------
    list of dict
        One row per dataset / pair: ``group``, ``dataset``, ``n_samples``, ``shape``, R, U1, U2,
        ``synergy_true``, best guaranteed ``synergy_lower`` / ``synergy_upper`` (and their
        methods), ``synergy_witness``, ``bounds`` (every bound) and the ``result`` itself.

    Examples
    --------
    >>> rows = dataset_rows("bitwise", mode="tiny", progress=False)
    >>> [(r["dataset"], round(r["synergy_true"], 4), round(r["synergy_upper"], 4))
    ...  for r in rows]
    [('and', 0.5, 0.5), ('or', 0.5, 0.5), ('xor', 1.0, 1.0)]
    """
    from ..data import (
        BITWISE_TASKS,
        SYNTHETIC_SETTINGS,
        bitwise_joint,
        load_digits_halves,
        load_mfeat,
        make_pid_synthetic,
    )

    rows: list[dict[str, Any]] = []
    if group == "bitwise":
        names = list(BITWISE_TASKS)[: 3 if mode == "tiny" else None]
        bar = _bar(progress, total=len(names), desc="bitwise tasks")
        for name in names:
            rows.append(_row_from_joint(group, name, bitwise_joint(name), None))
            bar.update(1)
    elif group == "synthetic_features":
        settings = list(SYNTHETIC_SETTINGS)[: 2 if mode == "tiny" else None]
        bar = _bar(progress, total=len(settings), desc="synthetic features")
        for s in settings:
            data = make_pid_synthetic(
                s, n_samples=N_SYNTHETIC_SAMPLES[mode], random_state=random_state
            )
            c1, c2 = _discretize(data["x1"], random_state), _discretize(data["x2"], random_state)
            rows.append(_row_from_joint(group, s, _joint(c1, c2, data.y), data.n_samples))
            bar.update(1)
    elif group == "shipped":
        mfeat = load_mfeat(("fou", "kar") if mode == "tiny" else None)
        datasets = [mfeat] if mode == "tiny" else [mfeat, load_digits_halves()]
        total = sum(len(list(d.pairs())) for d in datasets)
        bar = _bar(progress, total=total, desc="shipped datasets")
        for data in datasets:
            rows += _pairs_of(data, random_state, group, bar)
    elif group == "multibench":
        if multibench is None:
            raise ValueError("group 'multibench' needs multibench=PATH")
        datasets = _multibench_datasets(Path(multibench), allow_pickle=allow_pickle)
        total = sum(len(list(d.pairs())) for d in datasets)
        bar = _bar(progress, total=total, desc="MultiBench")
        for data in datasets:
            rows += _pairs_of(data, random_state, group, bar)
    else:
        raise ValueError(
            "group must be 'bitwise', 'synthetic_features', 'shipped' or "
            f"'multibench', got {group!r}"
        )
    bar.close()
    return rows


def _multibench_datasets(path: Path, *, allow_pickle: bool = False) -> list[Any]:
    """MultiBench test splits under ``path``: affect ``.pkl`` files and AV-MNIST folders."""
    from ..data import load_avmnist, load_multibench_affect

    if not path.exists():
        raise FileNotFoundError(f"multibench path does not exist: {str(path)!r}")

    def is_avmnist(d: Path) -> bool:
        return (d / "image").is_dir() and (d / "audio").is_dir()

    found: list[Any] = []
    if path.is_file():
        found.append(load_multibench_affect(path, "test", allow_pickle=allow_pickle))
    elif is_avmnist(path):
        found.append(load_avmnist(path, "test"))
    else:
        for f in sorted(path.iterdir()):
            if f.suffix == ".pkl":
                found.append(load_multibench_affect(f, "test", allow_pickle=allow_pickle))
            elif f.is_dir() and is_avmnist(f):
                found.append(load_avmnist(f, "test"))
    if not found:
        raise FileNotFoundError(
            f"no MultiBench data under {str(path)!r}: expected affect .pkl files "
            "(MOSI, MOSEI, MUStARD, UR-FUNNY) or an AV-MNIST folder with image/ and audio/"
        )
    return found


def _interval_figures(w: _Writer, group: str, rows: list[dict[str, Any]]) -> None:
    n = len(rows)
    # tall enough for the legend beside the axes too (one line per bound and marker kind)
    entries = len({b["name"] for r in rows for b in r["bounds"]}) + 4
    fig, axes = _new_figure(10.0, max(1.4 + 0.55 * n, 0.5 + 0.24 * entries))
    plot_dataset_intervals([{**r, "label": r["dataset"]} for r in rows], ax=axes[0, 0])
    axes[0, 0].set_title(
        f"synergy bounds from pairwise marginals vs true S ({group})", fontsize="medium"
    )
    w.figure(fig, f"intervals_{group}")
    fig, axes = _new_figure(9.5, 1.4 + 0.38 * n)
    plot_decomposition(
        [r["dataset"] for r in rows],
        *[
            [r[k] for r in rows]
            for k in ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper")
        ],
        synergy_true=[r["synergy_true"] for r in rows],
        ax=axes[0, 0],
    )
    axes[0, 0].set_title(f"R, U1, U2 and the synergy interval ({group})", fontsize="medium")
    w.figure(fig, f"decomposition_{group}")
