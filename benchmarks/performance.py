"""Do the accuracy ranges and the guidance of ``mmbounds.performance_bounds`` hold up?

Every dataset is split 60/40 (stratified). The estimator sees the training part in the paper's
protocol only: D1 = (x1, y), D2 = (x2, y), DM = (x1, x2), never the labeled triples; the guidance
is ``performance_bounds`` on that sample estimate (its verdicts use bootstrap confidence limits).
The predictions are validated against the quantity they bound, at the level of the codes the
estimate used: on the test part, the accuracy of the plug-in classifier ``argmax p(y | c1, c2)``
of the labeled training triples (multimodal), of ``argmax p(y | ci)`` (unimodal) and of the
product rule ``argmax p(y|c1) p(y|c2) / p(y)`` (late fusion). The plug-in Bayes accuracy of the
training joint has exactly the marginals the estimator saw, so it must lie in the range (a check
of validity, not of prediction). Raw-feature models (logistic regressions, an MLP on the
concatenation) are reported separately for the real datasets: they are not what is bounded.

Datasets
    ``knob``: x1, x2 uniform on 3 values, ``P(y=1) = sigmoid(4 s)`` with ``s = (1 - t)(f1(x1) +
    f2(x2)) + t * 2 f1(x1) f2(x2)``: ``t`` runs from additive (0) to product labels (1), 10
    levels x 5 seeds (random f1, f2 per seed).
    ``bitwise``: 2-bit modalities, labels AND, OR, XOR, a copy of one bit, a redundant bit
    (x2 = x1), and ``a0 XOR (a1 AND b1)``; 5% label noise; 2 seeds.
    ``digits``: scikit-learn's 8x8 digits, left/right halves (k-means codes).
    ``mfeat``: the 15 view pairs of UCI mfeat -- 15 pairs of the same 6 views of the same 2,000
    digits, so NOT independent datasets (marked; correlations are also given without them).

Printed: validity (range contains the training plug-in Bayes accuracy), coverage of held-out
accuracies, Pearson correlations with 95% bootstrap CIs (over datasets), and for each verdict how
often it was right and how many cases were undetermined.

    OMP_NUM_THREADS=1 python benchmarks/performance.py            # all datasets
    OMP_NUM_THREADS=1 python benchmarks/performance.py --quick    # a few datasets, ~1-2 min
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
from mmbounds.data import MFEAT_VIEWS, load_digits_halves, load_mfeat  # noqa: E402
from mmbounds.performance import performance_bounds  # noqa: E402
from mmbounds.raw import Discretizer  # noqa: E402

MIN_GAIN = 0.02
FUSION_THRESHOLD = 0.02
BITWISE = ("and", "or", "xor", "copy", "redundant", "mixed")


# ------------------------------------------------------------------------------------------ data
def knob_task(level: float, seed: int, n: int = 3000) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng([seed, 7])
    f1, f2 = rng.normal(size=3), rng.normal(size=3)
    f1, f2 = (f1 - f1.mean()) / f1.std(), (f2 - f2.mean()) / f2.std()
    x1, x2 = rng.integers(0, 3, n), rng.integers(0, 3, n)
    s = (1 - level) * (f1[x1] + f2[x2]) + level * 2 * f1[x1] * f2[x2]
    y = (rng.random(n) < 1 / (1 + np.exp(-4 * s))).astype(int)
    return x1, x2, y


def bitwise_task(name: str, seed: int, n: int = 3000) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng([seed, BITWISE.index(name)])
    a, b = rng.integers(0, 2, (n, 2)), rng.integers(0, 2, (n, 2))
    if name == "redundant":
        b = a.copy()
    y = {
        "and": a[:, 0] & b[:, 0],
        "or": a[:, 0] | b[:, 0],
        "xor": a[:, 0] ^ b[:, 0],
        "copy": a[:, 0],
        "redundant": a[:, 0],
        "mixed": a[:, 0] ^ (a[:, 1] & b[:, 1]),
    }[name]
    y = y ^ (rng.random(n) < 0.05)
    return a[:, 0] * 2 + a[:, 1], b[:, 0] * 2 + b[:, 1], y.astype(int)


def datasets(quick: bool) -> list[dict[str, Any]]:
    out = []
    levels = np.linspace(0, 1, 4 if quick else 10)
    for t, s in itertools.product(levels, range(2 if quick else 5)):
        x1, x2, y = knob_task(float(t), s)
        out.append(
            dict(name=f"knob-t{t:.2f}-s{s}", family="knob", x1=x1, x2=x2, y=y, knob=t, raw=False)
        )
    for name, s in itertools.product(BITWISE, range(1 if quick else 2)):
        x1, x2, y = bitwise_task(name, s)
        out.append(
            dict(name=f"bitwise-{name}-s{s}", family="bitwise", x1=x1, x2=x2, y=y, raw=False)
        )
    if not quick:
        dg = load_digits_halves()
        out.append(
            dict(
                name="digits-halves",
                family="digits",
                x1=dg["left"],
                x2=dg["right"],
                y=dg.y,
                raw=True,
            )
        )
        mf = load_mfeat()
        for v1, v2 in itertools.combinations(MFEAT_VIEWS, 2):
            out.append(
                dict(
                    name=f"mfeat-{v1}-{v2}",
                    family="mfeat (dependent)",
                    x1=mf[v1],
                    x2=mf[v2],
                    y=mf.y,
                    raw=True,
                )
            )
    return out


def split(y: np.ndarray, seed: int, test: float = 0.4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    tr, te = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        k = int(round(test * idx.size))
        te.append(idx[:k])
        tr.append(idx[k:])
    return np.sort(np.concatenate(tr)), np.sort(np.concatenate(te))


# ------------------------------------------------------------------------- code-level accuracies
def code_accuracies(c1, c2, y, c1t, c2t, yt, n1, n2, k) -> dict[str, float]:
    """Held-out accuracies of plug-in classifiers of the codes (trained on labeled triples)."""
    cnt = np.zeros((n1, n2, k))
    np.add.at(cnt, (c1, c2, y), 1.0)
    p1, p2 = cnt.sum(1), cnt.sum(0)
    py = cnt.sum((0, 1))
    late_rule = np.argmax(p1[:, None, :] * p2[None, :, :] / np.maximum(py, 1e-300), axis=2)
    cell = cnt[c1t, c2t]
    mm = np.where(cell.sum(1) > 0, cell.argmax(1), late_rule[c1t, c2t])
    return {
        "code_bayes_train": float(cnt.max(2).sum() / y.size),
        "code_mm_test": float(np.mean(mm == yt)),
        "code_uni1_test": float(np.mean(p1.argmax(1)[c1t] == yt)),
        "code_uni2_test": float(np.mean(p2.argmax(1)[c2t] == yt)),
        "code_late_test": float(np.mean(late_rule[c1t, c2t] == yt)),
    }


def raw_accuracies(x1, x2, y, x1t, x2t, yt, seed: int) -> dict[str, float]:
    """Raw-feature models: unimodal/early logistic regressions, their product, an MLP."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def lr() -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=500, C=1.0))

    m1, m2 = lr().fit(x1, y), lr().fit(x2, y)
    early = lr().fit(np.hstack([x1, x2]), y)
    mlp = make_pipeline(
        StandardScaler(), MLPClassifier((128,), max_iter=300, random_state=seed)
    ).fit(np.hstack([x1, x2]), y)
    prior = np.bincount(np.searchsorted(m1.classes_, y)) / y.size
    late = m1.predict_proba(x1t) * m2.predict_proba(x2t) / prior
    return {
        "raw_uni1": float(np.mean(m1.predict(x1t) == yt)),
        "raw_uni2": float(np.mean(m2.predict(x2t) == yt)),
        "raw_late": float(np.mean(m1.classes_[late.argmax(1)] == yt)),
        "raw_early": float(np.mean(early.predict(np.hstack([x1t, x2t])) == yt)),
        "raw_mlp": float(np.mean(mlp.predict(np.hstack([x1t, x2t])) == yt)),
    }


# ----------------------------------------------------------------------------------------- runs
def run_one(d: dict[str, Any], *, seed: int, n_clusters: int, n_resamples: int) -> dict[str, Any]:
    y_all = np.unique(d["y"], return_inverse=True)[1]
    tr, te = split(y_all, seed)
    if d["raw"]:
        disc = [Discretizer(n_clusters=n_clusters, random_state=seed, n_threads=1) for _ in (0, 1)]
        c1 = disc[0].fit(d["x1"][tr]).transform(d["x1"])
        c2 = disc[1].fit(d["x2"][tr]).transform(d["x2"])
    else:
        c1, c2 = d["x1"], d["x2"]
    n1, n2, k = int(c1.max()) + 1, int(c2.max()) + 1, int(y_all.max()) + 1
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few samples per cell on some tables: part of the test
        res = mmbounds.estimate(
            x1=(c1[tr], y_all[tr]),
            x2=(c2[tr], y_all[tr]),
            paired=(c1[tr], c2[tr]),
            random_state=seed,
            progress=False,
            confidence=None,  # the verdicts use performance_bounds' own bootstrap
        )
        perf = performance_bounds(
            res,
            min_gain=MIN_GAIN,
            fusion_threshold=FUSION_THRESHOLD,
            n_resamples=n_resamples,
            random_state=seed,
        )
    est_s = time.perf_counter() - t0
    acc = code_accuracies(c1[tr], c2[tr], y_all[tr], c1[te], c2[te], y_all[te], n1, n2, k)
    gain_true = acc["code_mm_test"] - max(acc["code_uni1_test"], acc["code_uni2_test"])
    gap_true = acc["code_mm_test"] - acc["code_late_test"]
    row: dict[str, Any] = {
        "dataset": d["name"],
        "family": d["family"],
        "knob": d.get("knob", ""),
        "shape": f"{n1}x{n2}x{k}",
        "acc_lower": perf.accuracy_lower,
        "acc_upper": perf.accuracy_upper,
        "upper_method": perf.upper_method,
        "mi_lower": perf.mi_accuracy_interval[0],
        "mi_upper": perf.mi_accuracy_interval[1],
        "uni_best_pred": perf.best_unimodal,
        "gain_lower": perf.gain_interval[0],
        "gain_upper": perf.gain_interval[1],
        "gain_conf_lower": perf.decision_gain[0],
        "gain_conf_upper": perf.decision_gain[1],
        "gap_lower": perf.fusion_gap_interval[0],
        "gap_upper": perf.fusion_gap_interval[1],
        "gap_conf_lower": perf.decision_gap[0],
        "gap_conf_upper": perf.decision_gap[1],
        "synergy_lower": res.synergy_lower,
        "synergy_upper": res.synergy_upper,
        **acc,
        "gain_true": gain_true,
        "gap_true": gap_true,
        "valid_train": bool(
            perf.accuracy_lower - 1e-9 <= acc["code_bayes_train"] <= perf.accuracy_upper + 1e-9
        ),
        "inside_test": bool(perf.accuracy_lower <= acc["code_mm_test"] <= perf.accuracy_upper),
        "data_collection": perf.data_collection,
        "fusion": perf.fusion,
        "collect_right": _right(
            perf.data_collection, gain_true, MIN_GAIN, "collect", "dont_collect"
        ),
        "fusion_right": _right(
            perf.fusion, gap_true, FUSION_THRESHOLD, "interaction", "late_fusion"
        ),
        "estimate_s": round(est_s, 2),
    }
    if d["raw"]:
        raw = raw_accuracies(
            d["x1"][tr], d["x2"][tr], y_all[tr], d["x1"][te], d["x2"][te], y_all[te], seed
        )
        row.update(raw)
        row["raw_gain"] = max(raw["raw_late"], raw["raw_early"], raw["raw_mlp"]) - max(
            raw["raw_uni1"], raw["raw_uni2"]
        )
    return row


def _right(verdict: str, truth: float, thr: float, yes: str, no: str) -> str:
    if verdict == "undetermined":
        return ""
    return str((verdict == yes and truth > thr) or (verdict == no and truth < thr))


# ------------------------------------------------------------------------------------ summaries
def corr_ci(a: list[float], b: list[float], seed: int = 0, n_boot: int = 2000) -> str:
    a_, b_ = np.asarray(a, float), np.asarray(b, float)
    if a_.size < 4 or a_.std() == 0 or b_.std() == 0:
        return f"n/a (n={a_.size})"
    r = float(np.corrcoef(a_, b_)[0, 1])
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(n_boot):
        i = rng.integers(0, a_.size, a_.size)
        if a_[i].std() > 0 and b_[i].std() > 0:
            boots.append(np.corrcoef(a_[i], b_[i])[0, 1])
    lo, hi = np.quantile(boots, [0.025, 0.975])
    return f"Pearson {r:+.2f}, 95% CI [{lo:+.2f}, {hi:+.2f}] (n={a_.size})"


def summarize(rows: list[dict[str, Any]]) -> None:
    n = len(rows)
    print(
        f"\n{'dataset':<26} {'range':>16} {'train':>6} {'test':>6} {'gain conf':>16} "
        f"{'true':>6}  collect       {'gap conf':>16} {'true':>6}  fusion"
    )
    for r in rows:
        print(
            f"{r['dataset']:<26} [{r['acc_lower']:.3f}, {r['acc_upper']:.3f}] "
            f"{r['code_bayes_train']:>6.3f} "
            f"{r['code_mm_test']:>6.3f} [{r['gain_conf_lower']:+.3f}, {r['gain_conf_upper']:+.3f}] "
            f"{r['gain_true']:>+6.3f}  {r['data_collection']:<13} [{r['gap_conf_lower']:+.3f}, "
            f"{r['gap_conf_upper']:+.3f}] {r['gap_true']:>+6.3f}  {r['fusion']}"
        )
    print(
        "\nvalidity: range contains the training plug-in Bayes accuracy: "
        f"{sum(r['valid_train'] for r in rows)}/{n}"
    )
    print(f"held-out code accuracy inside the range: {sum(r['inside_test'] for r in rows)}/{n}")
    w_ex = np.mean([r["acc_upper"] - r["acc_lower"] for r in rows])
    w_mi = np.mean([r["mi_upper"] - r["mi_lower"] for r in rows])
    print(f"mean width: exact range {w_ex:.3f}, MI-based interval {w_mi:.3f}")
    for key, truth, label in (
        ("data_collection", "collect_right", "collect"),
        ("fusion", "fusion_right", "fusion"),
    ):
        decided = [r for r in rows if r[key] != "undetermined"]
        right = sum(r[truth] == "True" for r in decided)
        counts = {v: sum(r[key] == v for r in rows) for v in sorted({r[key] for r in rows})}
        per = {
            v: f"{sum(r[truth] == 'True' for r in decided if r[key] == v)}/"
            f"{sum(r[key] == v for r in decided)}"
            for v in sorted({r[key] for r in decided})
        }
        rate = f"{right / len(decided):.2f}" if decided else "n/a"
        print(
            f"{label} verdicts: {counts}; right in {right}/{len(decided)} decided ({rate}); "
            f"by verdict {per}; undetermined {n - len(decided)}"
        )
    indep = [r for r in rows if not r["family"].startswith("mfeat")]
    for sub, tag in ((rows, "all"), (indep, "without mfeat")):
        mid_gain = [0.5 * (r["gain_lower"] + r["gain_upper"]) for r in sub]
        print(
            f"[{tag}] gain-range midpoint vs held-out code gain: "
            + corr_ci(mid_gain, [r["gain_true"] for r in sub])
        )
        print(
            f"[{tag}] gain lower end vs held-out code gain: "
            + corr_ci([r["gain_lower"] for r in sub], [r["gain_true"] for r in sub])
        )
        print(
            f"[{tag}] gap lower end vs held-out Bayes-minus-late gap: "
            + corr_ci([r["gap_lower"] for r in sub], [r["gap_true"] for r in sub])
        )
        print(
            f"[{tag}] synergy lower bound vs held-out gap: "
            + corr_ci([r["synergy_lower"] for r in sub], [r["gap_true"] for r in sub])
        )
    knob = [r for r in rows if r["family"] == "knob"]
    if knob:
        print(
            "knob (additive -> product): gap lower end vs t: "
            + corr_ci([float(r["knob"]) for r in knob], [r["gap_lower"] for r in knob])
        )
    raw = [r for r in rows if "raw_gain" in r]
    if raw:
        print("raw-feature models (reported separately; not what is bounded):")
        print(
            "  gain-range midpoint vs raw gain: "
            + corr_ci(
                [0.5 * (r["gain_lower"] + r["gain_upper"]) for r in raw],
                [r["raw_gain"] for r in raw],
            )
        )
        above = sum(max(r["raw_late"], r["raw_early"], r["raw_mlp"]) > r["acc_upper"] for r in raw)
        print(f"  best raw multimodal model above the code-level range: {above}/{len(raw)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n-clusters", type=int, default=6)
    ap.add_argument("--n-resamples", type=int, default=20)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    out = Path(args.out or f"benchmarks/results/performance{'_quick' if args.quick else ''}.csv")
    t0 = time.perf_counter()
    rows = []
    for d in datasets(args.quick):
        rows.append(
            run_one(d, seed=args.seed, n_clusters=args.n_clusters, n_resamples=args.n_resamples)
        )
        print(f"[{time.perf_counter() - t0:6.1f}s] {d['name']}", file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    keys = list(dict.fromkeys(k for r in rows for k in r))
    with out.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    summarize(rows)
    print(
        f"\nthresholds: min_gain {MIN_GAIN}, fusion_threshold {FUSION_THRESHOLD}; codes: "
        f"{args.n_clusters} k-means clusters per real modality; {args.n_resamples} bootstrap "
        "replicates"
    )
    print(f"wrote {out} ({len(rows)} rows) in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
