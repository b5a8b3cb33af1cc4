"""Disagreement-aware pretraining (mmbounds.pretraining) vs agreement-only and no pretraining.

Protocol per suite and seed: split the labeled data into D1, D2 (unimodal labeled), DM (unlabeled
pairs) and a labeled multimodal test set; train linear unimodal classifiers on D1, D2; pretrain on
DM; freeze; fit a linear probe on the fused features of a small labeled subset of DM (1% and 10% of
DM, stratified, at least 2 per class; the same subset for every variant of a seed) and report test
accuracy. Variants: ``raw`` (probe on the standardized concatenation [x1, x2]), ``none`` (random
encoder, same architecture), ``contrastive`` (agreement-only InfoNCE), ``disagreement`` (full
recipe) and ablations removing one term each (``no_align``, ``no_retain``, ``no_match``,
``no_distill``) or the disagreement weighting (``no_weighting``).

    OMP_NUM_THREADS=1 python benchmarks/ssl_pretraining.py           # full, ~10 min on 2 cores
    OMP_NUM_THREADS=1 python benchmarks/ssl_pretraining.py --quick   # under a minute
    python benchmarks/ssl_pretraining.py --out benchmarks/results/ssl.csv --seeds 0 1 2

(Not named ``benchmarks/ssl.py``: run as a script, that file would shadow the standard library's
``ssl`` for every script in ``benchmarks/`` and break ``import torch``.)

Writes one CSV row per (suite, seed, variant, labeled fraction); prints mean ± std over seeds.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmbounds.data import load_mfeat, make_pid_synthetic, semi_supervised_split  # noqa: E402
from mmbounds.pretraining import linear_probe, pretrain  # noqa: E402
from mmbounds.raw.classifiers import fit_unimodal  # noqa: E402

VARIANTS: dict[str, dict[str, Any]] = {
    "none": {"objective": "none"},
    "contrastive": {"objective": "contrastive"},
    "disagreement": {"objective": "disagreement"},
    "no_align": {"objective": "disagreement", "weights": {"align": 0.0}},
    "no_retain": {"objective": "disagreement", "weights": {"retain": 0.0}},
    "no_match": {"objective": "disagreement", "weights": {"match": 0.0}},
    "no_distill": {"objective": "disagreement", "weights": {"distill": 0.0}},
    "no_weighting": {
        "objective": "disagreement",
        "weights": {"align_disagreement": 0.0, "match_disagreement": 0.0},
    },
}
QUICK_VARIANTS = ("none", "contrastive", "disagreement")
FRACTIONS = (0.01, 0.1)


def load_suite(name: str, seed: int, n_samples: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X1, X2, y) of a suite: ``synthetic-<setting>`` or ``mfeat-<view1>-<view2>``."""
    kind, _, rest = name.partition("-")
    if kind == "synthetic":
        d = make_pid_synthetic(rest, n_samples=n_samples, dim=40, random_state=seed)
        return d["x1"], d["x2"], d.y
    if kind == "mfeat":
        v1, v2 = rest.split("-")
        d = load_mfeat([v1, v2])
        return d[v1], d[v2], d.y
    raise ValueError(f"unknown suite {name!r}")


def labeled_subset(y: np.ndarray, frac: float, rng: np.random.Generator) -> np.ndarray:
    """Stratified indices of about ``frac * len(y)`` labels (at least 2 per class)."""
    classes, counts = np.unique(y, return_counts=True)
    n_lab = max(int(round(frac * y.size)), 2 * classes.size)
    out = []
    for c, cnt in zip(classes, counts, strict=True):
        k = min(cnt, max(2, int(round(n_lab * cnt / y.size))))
        out.append(rng.choice(np.flatnonzero(y == c), size=k, replace=False))
    return np.sort(np.concatenate(out))


def run_suite(
    name: str,
    seed: int,
    variants: list[str],
    epochs: int,
    n_samples: int,
) -> list[dict[str, Any]]:
    """All variants and fractions of one suite and seed."""
    x1, x2, y = load_suite(name, seed, n_samples)
    s = semi_supervised_split((x1, x2, y), fractions=(0.2, 0.2, 0.4, 0.2), random_state=seed)
    f1 = fit_unimodal(s.x1, s.y1, random_state=seed)
    f2 = fit_unimodal(s.x2, s.y2, random_state=seed)
    classes = np.union1d(f1.classes_, f2.classes_)
    assert np.array_equal(f1.classes_, classes) and np.array_equal(f2.classes_, classes)
    post = (f1.predict_proba(s.x1_paired), f2.predict_proba(s.x2_paired))
    y_dm = y[s.indices["dm"]]
    rng = np.random.default_rng(seed)
    subsets = {f: labeled_subset(y_dm, f, rng) for f in FRACTIONS}
    rows = []
    feats: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
    raw_tr = np.hstack([s.x1_paired, s.x2_paired])
    raw_te = np.hstack([s.x1_test, s.x2_test])
    feats["raw"] = (raw_tr, raw_te, 0.0)
    for v in variants:
        t0 = time.perf_counter()
        enc = pretrain(
            s.x1_paired,
            s.x2_paired,
            posteriors=post,
            epochs=epochs,
            random_state=seed,
            **VARIANTS[v],
        )
        feats[v] = (
            enc.transform(s.x1_paired, s.x2_paired),
            enc.transform(s.x1_test, s.x2_test),
            time.perf_counter() - t0,
        )
    for v, (f_tr, f_te, secs) in feats.items():
        for frac, lab in subsets.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # lbfgs convergence on raw features
                acc = linear_probe(f_tr[lab], y_dm[lab], f_te, s.y_test)
            rows.append(
                {
                    "suite": name,
                    "seed": seed,
                    "variant": v,
                    "fraction": frac,
                    "n_labeled": int(lab.size),
                    "n_unlabeled": int(y_dm.size),
                    "accuracy": acc,
                    "pretrain_s": round(secs, 2),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed, 3 variants, 2 suites")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--out", default="benchmarks/results/ssl.csv")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    suites = ["synthetic-synergy", "synthetic-redundancy", "mfeat-fou-kar", "mfeat-zer-mor"]
    variants = list(VARIANTS)
    seeds, epochs, n_samples = args.seeds, args.epochs, 7500
    if args.quick:
        suites, variants, seeds, epochs, n_samples = suites[:2], list(QUICK_VARIANTS), [0], 15, 4000
    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    for name in suites:
        for seed in seeds:
            rows += run_suite(name, seed, variants, epochs, n_samples)
            print(f"[{time.perf_counter() - t0:6.1f}s] {name} seed {seed}", file=sys.stderr)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"linear-probe test accuracy, mean ± std over seeds {seeds} (epochs {epochs})")
    order = ["raw", *variants]
    for name in suites:
        print(f"\n{name}")
        for frac in FRACTIONS:
            sub = [r for r in rows if r["suite"] == name and r["fraction"] == frac]
            n_lab = sorted({r["n_labeled"] for r in sub})
            ref = np.array([r["accuracy"] for r in sub if r["variant"] == "contrastive"])
            cells = []
            for v in order:
                acc = np.array([r["accuracy"] for r in sub if r["variant"] == v])
                cells.append(f"{v} {100 * acc.mean():.1f}±{100 * acc.std():.1f}")
            mine = np.array([r["accuracy"] for r in sub if r["variant"] == "disagreement"])
            diff = 100 * (mine - ref)
            print(f"  {frac:>5.0%} (n={n_lab}): " + " | ".join(cells))
            print(
                f"         disagreement - contrastive: {diff.mean():+.1f} ± {diff.std():.1f} "
                "points (paired over seeds)"
            )
    print(f"\nwrote {out} ({len(rows)} rows) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
