"""Check predicted accuracy intervals (mmbounds.performance, paper Thm 5) against trained models.

For each dataset: a stratified 60/40 train/test split. The estimator sees the training part in the
paper's protocol (D1 = (x1, y), D2 = (x2, y), DM = (x1, x2) from the same samples, never the labeled
triples) with the default discretizer (L2-normalize, PCA(5), k-means(20)), and
``mmbounds.performance_bounds`` turns the estimate into an accuracy interval. Then, with the
labeled multimodal training part, torch models are trained on the raw features and scored on the
test part: two unimodal MLPs, late fusion (sum of two unimodal logit towers, trained jointly: cannot
model interactions), early fusion (MLP on the concatenation) and tensor fusion (outer product of
the two tower embeddings, Zadeh et al. 2017: models interactions). Because the interval refers to
the Bayes classifier *of the cluster codes*, the script also records the plug-in Bayes accuracy of
the discretized training joint (which the interval must contain: same marginals) and the test
accuracy of the empirical code classifier ``argmax p(y | c1, c2)``.

Datasets: the PID-controlled synthetic suites (every setting), every mfeat view pair (15) and the
digits halves. Printed: coverage of the interval, Pearson/Spearman correlations between interval
midpoint and actual best multimodal accuracy, and between the synergy midpoint and the
complex-minus-simple gap (tensor minus late fusion).

    OMP_NUM_THREADS=1 python benchmarks/performance.py                  # all 24 datasets, ~5 min
    OMP_NUM_THREADS=1 python benchmarks/performance.py --quick          # 3 datasets, < 1 min
    python benchmarks/performance.py --out benchmarks/results/performance.csv --seed 0
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mmbounds  # noqa: E402
from mmbounds.data import (  # noqa: E402
    MFEAT_VIEWS,
    SYNTHETIC_SETTINGS,
    load_digits_halves,
    load_mfeat,
    make_pid_synthetic,
)
from mmbounds.performance import performance_bounds  # noqa: E402
from mmbounds.raw import true_interactions  # noqa: E402

MODELS = ("unimodal1", "unimodal2", "late", "early", "tensor")


# --------------------------------------------------------------------------------------------------
# data


def datasets(quick: bool, seed: int) -> list[tuple[str, str, np.ndarray, np.ndarray, np.ndarray]]:
    """(name, family, X1, X2, y) for every dataset of the run."""
    out = []
    settings = ["synergy", "redundancy"] if quick else list(SYNTHETIC_SETTINGS)
    for st in settings:
        d = make_pid_synthetic(st, n_samples=4000, dim=40, random_state=seed)
        out.append((f"synthetic-{st}", "synthetic", d["x1"], d["x2"], d.y))
    mf = load_mfeat()
    pairs = [("fou", "kar")] if quick else list(itertools.combinations(MFEAT_VIEWS, 2))
    for v1, v2 in pairs:
        out.append((f"mfeat-{v1}-{v2}", "mfeat", mf[v1], mf[v2], mf.y))
    if not quick:
        dg = load_digits_halves()
        out.append(("digits-halves", "digits", dg["left"], dg["right"], dg.y))
    return out


def split(y: np.ndarray, seed: int, test: float = 0.4) -> tuple[np.ndarray, np.ndarray]:
    """Stratified train/test indices."""
    rng = np.random.default_rng(seed)
    tr, te = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = int(round(test * idx.size))
        te.append(idx[:k])
        tr.append(idx[k:])
    return np.sort(np.concatenate(tr)), np.sort(np.concatenate(te))


# --------------------------------------------------------------------------------------------------
# models (torch)


def train_models(
    x1: np.ndarray,
    x2: np.ndarray,
    y: np.ndarray,
    x1t: np.ndarray,
    x2t: np.ndarray,
    yt: np.ndarray,
    *,
    epochs: int,
    seed: int,
) -> dict[str, float]:
    """Test accuracy of each model in MODELS, trained on the labeled multimodal training part."""
    import torch
    from torch import nn

    def std(a: np.ndarray, b: np.ndarray) -> tuple[Any, Any]:
        m, s = a.mean(0), a.std(0)
        s = np.where(s > 0, s, 1.0)
        return (
            torch.as_tensor((a - m) / s, dtype=torch.float32),
            torch.as_tensor((b - m) / s, dtype=torch.float32),
        )

    a1, b1 = std(x1, x1t)
    a2, b2 = std(x2, x2t)
    classes, yi = np.unique(y, return_inverse=True)
    yt_i = np.searchsorted(classes, yt)
    ytr = torch.as_tensor(yi, dtype=torch.long)
    k = classes.size

    def tower(d: int, out: int) -> nn.Module:
        return nn.Sequential(nn.Linear(d, 128), nn.ReLU(), nn.Linear(128, out), nn.ReLU())

    class Uni(nn.Module):
        def __init__(self, i: int) -> None:
            super().__init__()
            self.i = i
            self.net = nn.Sequential(tower((a1, a2)[i].shape[1], 64), nn.Linear(64, k))

        def forward(self, u: Any, v: Any) -> Any:
            return self.net((u, v)[self.i])

    class Late(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.f1 = nn.Sequential(tower(a1.shape[1], 64), nn.Linear(64, k))
            self.f2 = nn.Sequential(tower(a2.shape[1], 64), nn.Linear(64, k))

        def forward(self, u: Any, v: Any) -> Any:
            return self.f1(u) + self.f2(v)

    class Early(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = nn.Sequential(tower(a1.shape[1] + a2.shape[1], 64), nn.Linear(64, k))

        def forward(self, u: Any, v: Any) -> Any:
            return self.net(torch.cat([u, v], 1))

    class Tensor(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.t1, self.t2 = tower(a1.shape[1], 32), tower(a2.shape[1], 32)
            self.head = nn.Sequential(nn.Linear(33 * 33, 64), nn.ReLU(), nn.Linear(64, k))

        def forward(self, u: Any, v: Any) -> Any:
            one = torch.ones(u.shape[0], 1)
            e1 = torch.cat([self.t1(u), one], 1)
            e2 = torch.cat([self.t2(v), one], 1)
            return self.head((e1[:, :, None] * e2[:, None, :]).flatten(1))

    builders = {
        "unimodal1": lambda: Uni(0),
        "unimodal2": lambda: Uni(1),
        "late": Late,
        "early": Early,
        "tensor": Tensor,
    }
    out = {}
    n = ytr.shape[0]
    for name in MODELS:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            gen = torch.Generator().manual_seed(seed)
            net = builders[name]()
            opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
            for _ in range(epochs):
                net.train()
                order = torch.randperm(n, generator=gen)
                for s in range(0, n, 128):
                    idx = order[s : s + 128]
                    opt.zero_grad()
                    loss = nn.functional.cross_entropy(net(a1[idx], a2[idx]), ytr[idx])
                    loss.backward()
                    opt.step()
            net.eval()
            with torch.no_grad():
                pred = net(b1, b2).argmax(1).numpy()
        out[name] = float(np.mean(pred == yt_i))
    return out


# --------------------------------------------------------------------------------------------------
# code-level reference


def code_accuracies(
    c1: np.ndarray, c2: np.ndarray, y: np.ndarray, c1t: np.ndarray, c2t: np.ndarray, yt: np.ndarray
) -> tuple[float, float]:
    """(plug-in Bayes accuracy of the discretized training joint, test accuracy of its classifier).

    The test classifier is ``argmax_y p(y | c1, c2)`` from training counts; an unseen code pair
    falls back to ``argmax_y p(c1|y) p(c2|y) p(y)`` (naive Bayes, add-one smoothing).
    """
    classes, yi = np.unique(y, return_inverse=True)
    n1 = int(max(c1.max(), c1t.max())) + 1
    n2 = int(max(c2.max(), c2t.max())) + 1
    k = classes.size
    counts = np.zeros((n1, n2, k))
    np.add.at(counts, (c1, c2, yi), 1.0)
    bayes_train = counts.max(axis=2).sum() / y.size
    py = counts.sum((0, 1)) + 1.0
    p1 = (counts.sum(1) + 1.0) / (counts.sum(1) + 1.0).sum(0, keepdims=True)
    p2 = (counts.sum(0) + 1.0) / (counts.sum(0) + 1.0).sum(0, keepdims=True)
    nb = np.log(p1[c1t]) + np.log(p2[c2t]) + np.log(py / py.sum())
    cell = counts[c1t, c2t]
    seen = cell.sum(1) > 0
    pred = np.where(seen, cell.argmax(1), nb.argmax(1))
    return float(bayes_train), float(np.mean(classes[pred] == yt))


# --------------------------------------------------------------------------------------------------


def run_one(
    name: str, family: str, x1: np.ndarray, x2: np.ndarray, y: np.ndarray, *, seed: int, epochs: int
) -> dict[str, Any]:
    tr, te = split(y, seed)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few samples per cell on mfeat: noted in the report
        res = mmbounds.estimate(
            x1=(x1[tr], y[tr]), x2=(x2[tr], y[tr]), paired=(x1[tr], x2[tr]), random_state=seed
        )
        truth = true_interactions(x1[tr], x2[tr], y[tr], like=res)
    est_s = time.perf_counter() - t0
    perf = performance_bounds(res)
    d1, d2 = res.extras["discretizers"]
    c1, c2 = d1.transform(x1[tr]), d2.transform(x2[tr])
    c1t, c2t = d1.transform(x1[te]), d2.transform(x2[te])
    bayes_train, code_test = code_accuracies(c1, c2, y[tr], c1t, c2t, y[te])
    t0 = time.perf_counter()
    accs = train_models(x1[tr], x2[tr], y[tr], x1[te], x2[te], y[te], epochs=epochs, seed=seed)
    train_s = time.perf_counter() - t0
    best_mm = max(accs["late"], accs["early"], accs["tensor"])
    lo, hi = perf.accuracy_interval
    return {
        "dataset": name,
        "family": family,
        "seed": seed,
        "n_train": int(tr.size),
        "n_test": int(te.size),
        "n_classes": perf.n_classes,
        "redundancy": res.redundancy,
        "unique1": res.unique1,
        "unique2": res.unique2,
        "synergy_lower": res.synergy_lower,
        "synergy_upper": res.synergy_upper,
        "synergy_mid": 0.5 * (res.synergy_lower + res.synergy_upper),
        "synergy_true_codes": truth.synergy,
        "entropy_y": perf.entropy_y,
        "mi_lower": perf.mi_interval[0],
        "mi_upper": perf.mi_interval[1],
        "acc_lower": lo,
        "acc_upper": hi,
        "acc_mid": perf.accuracy_estimate,
        "acc_lower_paper": perf.accuracy_lower_paper,
        "acc_upper_paper": perf.accuracy_upper_paper,
        "uni1_lower": perf.unimodal1[0],
        "uni1_upper": perf.unimodal1[1],
        "uni2_lower": perf.unimodal2[0],
        "uni2_upper": perf.unimodal2[1],
        "gain_estimate": perf.gain_estimate,
        "code_bayes_train": bayes_train,
        "code_acc_test": code_test,
        **{f"acc_{m}": accs[m] for m in MODELS},
        "best_multimodal": best_mm,
        "best_unimodal": max(accs["unimodal1"], accs["unimodal2"]),
        "gain_actual": best_mm - max(accs["unimodal1"], accs["unimodal2"]),
        "gap_complex_simple": accs["tensor"] - accs["late"],
        "inside_best": bool(lo <= best_mm <= hi),
        "inside_code_bayes_train": bool(lo - 1e-9 <= bayes_train <= hi + 1e-9),
        "inside_code_test": bool(lo <= code_test <= hi),
        "data_collection": perf.data_collection,
        "fusion": perf.fusion,
        "estimate_s": round(est_s, 2),
        "train_s": round(train_s, 2),
    }


def _corr(a: list[float], b: list[float]) -> str:
    from scipy.stats import pearsonr, spearmanr

    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return "n/a"
    return f"Pearson {pearsonr(a, b)[0]:+.2f}, Spearman {spearmanr(a, b)[0]:+.2f} (n={len(a)})"


def summarize(rows: list[dict[str, Any]]) -> None:
    print(
        f"\n{'dataset':<24} {'S interval':>15} {'acc interval':>15} {'code Bayes':>10} "
        f"{'code test':>9} {'best mm':>8} {'late':>6} {'tensor':>6} fusion"
    )
    for r in rows:
        print(
            f"{r['dataset']:<24} [{r['synergy_lower']:.2f}, {r['synergy_upper']:.2f}]".ljust(40)
            + f" [{r['acc_lower']:.3f}, {r['acc_upper']:.3f}] {r['code_bayes_train']:>10.3f} "
            f"{r['code_acc_test']:>9.3f} {r['best_multimodal']:>8.3f} {r['acc_late']:>6.3f} "
            f"{r['acc_tensor']:>6.3f} {r['fusion']}"
        )
    n = len(rows)
    for key, label in (
        ("inside_best", "best raw-feature multimodal model"),
        ("inside_code_test", "code classifier (test)"),
        ("inside_code_bayes_train", "plug-in code Bayes accuracy (train)"),
    ):
        k = sum(r[key] for r in rows)
        print(f"inside the interval: {label}: {k}/{n}")
    above = sum(r["best_multimodal"] > r["acc_upper"] for r in rows)
    below = sum(r["best_multimodal"] < r["acc_lower"] for r in rows)
    print(f"best raw model above / below the interval: {above} / {below}")
    mid = [r["acc_mid"] for r in rows]
    best = [r["best_multimodal"] for r in rows]
    print("midpoint vs best multimodal accuracy: " + _corr(mid, best))
    print("midpoint vs code classifier accuracy: " + _corr(mid, [r["code_acc_test"] for r in rows]))
    print(
        "est. gain vs actual gain over unimodal: "
        + _corr([r["gain_estimate"] for r in rows], [r["gain_actual"] for r in rows])
    )
    print(
        "synergy midpoint vs tensor - late gap: "
        + _corr([r["synergy_mid"] for r in rows], [r["gap_complex_simple"] for r in rows])
    )
    print(
        "synergy lower bound vs tensor - late gap: "
        + _corr([r["synergy_lower"] for r in rows], [r["gap_complex_simple"] for r in rows])
    )
    for fam in sorted({r["family"] for r in rows}):
        sub = [r for r in rows if r["family"] == fam]
        print(
            f"  [{fam}] midpoint vs best: "
            + _corr([r["acc_mid"] for r in sub], [r["best_multimodal"] for r in sub])
            + "; synergy vs gap: "
            + _corr([r["synergy_mid"] for r in sub], [r["gap_complex_simple"] for r in sub])
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 datasets, fewer epochs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--out", default="benchmarks/results/performance.csv")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    epochs = 15 if args.quick else args.epochs
    t0 = time.perf_counter()
    rows = []
    for name, fam, x1, x2, y in datasets(args.quick, args.seed):
        rows.append(run_one(name, fam, x1, x2, y, seed=args.seed, epochs=epochs))
        print(f"[{time.perf_counter() - t0:6.1f}s] {name}", file=sys.stderr)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summarize(rows)
    print(f"\nwrote {out} ({len(rows)} rows) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
