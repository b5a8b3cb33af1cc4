"""Semi-supervised recipes on unlabeled pairs, judged against baselines with the same information.

Protocol per suite and seed: split the labeled data into D1, D2 (unimodal labeled), DM (unlabeled
pairs) and a labeled multimodal test set; train linear unimodal classifiers f1, f2 on D1, D2; give
every method the same DM, the same f1, f2 and the same number of multimodal labels on DM pairs
(``--budgets``); report test accuracy. Every probe chooses its L2 strength by cross-validation on
its labeled pairs only; every encoder has the same architecture and epochs (matched compute; the
seconds each method took are in the CSV).

Equal-information baselines (labels drawn uniformly at random from DM):

- ``fusion``: product rule ``f1 f2 / p(y)``, no multimodal labels at all;
- ``probe_posteriors``: probe on ``[log f1, log f2]``; ``probe_raw``: on ``[x1, x2]``;
  ``probe_raw2``: on ``[x1, x2, x1 ⊗ x2]`` (standardized);
- encoders + probe on ``[e1, e2, e1 ⊗ e2]``: ``random_encoder``, ``contrastive`` (InfoNCE),
  ``ae_tensor`` (reconstruction only, then tensor fusion), ``nce_recon`` (InfoNCE +
  reconstruction), ``combined`` (the four-term objective with the disagreement weighting);
- ``head``: the routed recipe's head (log posteriors, PCA scores, their products) on the labels;
- ``pseudo``: the same head self-trained on the fused pseudo-labels of the confidently agreeing
  pairs plus the labels (pseudo-labelling of DM from f1 and f2).

The recipe (``routed``, :func:`mmbounds.pretraining.fit_routed`): spend the labels on pairs without
confident agreement, pseudo-label the others, predict agreeing test pairs by fusion and the rest by
the head. Controls that isolate the agreement signal: ``routed_shuffled`` (the agreement mask
permuted across pairs, on DM and on the test pairs), ``routed_inverted`` (the mask negated),
``routed_random_labels`` (labels drawn at random instead of where the classifiers disagree).

Suites: ``synthetic-synergy`` (XOR of the signs: both unimodal classifiers at chance),
``synthetic-gated`` (the label is the shared sign where the two modalities' signs agree and an XOR
of two other latents where they disagree, so disagreement marks exactly the synergistic pairs),
``synthetic-redundancy``, and the real pairs ``mfeat-fou-kar``, ``mfeat-zer-mor``.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/ssl_pretraining.py     # 2.5 CPU-minutes
    OMP_NUM_THREADS=1 python benchmarks/ssl_pretraining.py --quick       # ~20 CPU-seconds
    python benchmarks/ssl_pretraining.py --summarize-only                # from the CSV
    python benchmarks/ssl_pretraining.py --suites mfeat-fou-kar mfeat-kar-zer \
        --seeds 5 6 7 8 9 10 11 12 13 14 --out benchmarks/results/ssl_confirm.csv \
        --summary benchmarks/results/ssl_confirm_summary.txt                # 3.4 CPU-minutes
    python benchmarks/ssl_pretraining.py --summarize-only \
        --also benchmarks/results/ssl_confirm.csv \
        --summary benchmarks/results/ssl_pooled_summary.txt                 # seeds pooled

Writes one CSV row per (suite, seed, budget, method) and a summary: mean accuracy per method, and
paired 95% t-intervals over seeds of ``routed`` minus the strongest baseline (largest mean) and
minus each control.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmbounds.data import load_mfeat, make_pid_synthetic, semi_supervised_split  # noqa: E402
from mmbounds.pretraining import (  # noqa: E402
    choose_pairs_to_label,
    confident_agreement,
    fit_routed,
    fuse_posteriors,
    linear_probe,
    pretrain,
)
from mmbounds.raw.classifiers import fit_unimodal  # noqa: E402

SUITES = (
    "synthetic-synergy",
    "synthetic-gated",
    "synthetic-redundancy",
    "mfeat-fou-kar",
    "mfeat-zer-mor",
)
NONE = {k: 0.0 for k in ("align", "retain", "match", "distill")}
NO_DIS = {"align_disagreement": 0.0, "match_disagreement": 0.0}
ENCODERS: dict[str, dict[str, Any]] = {
    "random_encoder": {"objective": "none"},
    "contrastive": {"objective": "contrastive"},
    "ae_tensor": {"objective": "combined", "weights": {**NONE, "retain": 1.0, **NO_DIS}},
    "nce_recon": {"objective": "combined", "weights": {**NONE, "align": 1.0, "retain": 1.0}},
    "combined": {"objective": "combined"},
}
BASELINES = (
    "fusion",
    "probe_posteriors",
    "probe_raw",
    "probe_raw2",
    *ENCODERS,
    "head",
    "pseudo",
)
CONTROLS = ("routed_shuffled", "routed_inverted", "routed_random_labels")
ENC_KW = {"epochs": 10, "batch_size": 128, "hidden_dim": 64, "embed_dim": 8, "proj_dim": 16}


def make_gated(
    n: int, dim: int, seed: int, *, rho: float = 0.6, noise: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gated synergy: ``y = sign(a1)`` where ``sign(a1) == sign(a2)``, else ``sign(u1 u2)``.

    ``x_i`` are noisy random projections of ``(a_i, u_i)`` (all latents standard normal,
    ``corr(a1, a2) = rho``): the two unimodal classifiers disagree on a fraction
    ``arccos(rho) / pi`` of the pairs (0.30 at rho = 0.6), and exactly there the label is an
    interaction of the modalities.
    """
    rng = np.random.default_rng(seed)
    a1, e, u1, u2 = rng.normal(size=(4, n))
    a2 = rho * a1 + np.sqrt(1 - rho**2) * e
    proj = rng.normal(size=(2, 2, dim)) / np.sqrt(2)
    x1 = np.c_[a1, u1] @ proj[0] + noise * rng.normal(size=(n, dim))
    x2 = np.c_[a2, u2] @ proj[1] + noise * rng.normal(size=(n, dim))
    y = np.where((a1 > 0) == (a2 > 0), a1 > 0, u1 * u2 > 0).astype(int)
    return x1, x2, y


def load_suite(name: str, seed: int, n_samples: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X1, X2, y) of a suite (see the module docstring)."""
    kind, _, rest = name.partition("-")
    if name == "synthetic-gated":
        return make_gated(n_samples, 40, seed)
    if kind == "synthetic":
        d = make_pid_synthetic(rest, n_samples=n_samples, dim=40, random_state=seed)
        return d["x1"], d["x2"], d.y
    if kind == "mfeat":
        v1, v2 = rest.split("-")
        d = load_mfeat([v1, v2])
        return d[v1], d[v2], d.y
    raise ValueError(f"unknown suite {name!r}")


def _second_order(a: np.ndarray, d1: int) -> np.ndarray:
    return np.hstack([a, (a[:, :d1, None] * a[:, None, d1:]).reshape(a.shape[0], -1)])


def run_suite(name: str, seed: int, budgets: tuple[int, ...], n_samples: int) -> list[dict]:
    """Every method and budget of one suite and seed."""
    x1, x2, y = load_suite(name, seed, n_samples)
    s = semi_supervised_split((x1, x2, y), fractions=(0.2, 0.2, 0.4, 0.2), random_state=seed)
    f1 = fit_unimodal(s.x1, s.y1, random_state=seed)
    f2 = fit_unimodal(s.x2, s.y2, random_state=seed)
    cls = f1.classes_
    assert np.array_equal(cls, f2.classes_)
    xa, xb, xa_t, xb_t = s.x1_paired, s.x2_paired, s.x1_test, s.x2_test
    post = (f1.predict_proba(xa), f2.predict_proba(xb))
    post_t = (f1.predict_proba(xa_t), f2.predict_proba(xb_t))
    y_dm, y_te = y[s.indices["dm"]], s.y_test
    prior = 0.5 * (post[0].mean(0) + post[1].mean(0))
    agree = confident_agreement(*post, prior=prior)
    agree_t = confident_agreement(*post_t, prior=prior)
    rng = np.random.default_rng(1000 + seed)
    perm, perm_t = rng.permutation(agree.size), rng.permutation(agree_t.size)

    raw = np.hstack([xa, xb])
    mu, sd = raw.mean(0), np.where(raw.std(0) > 0, raw.std(0), 1.0)
    feats: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
    t0 = time.perf_counter()
    logp = (np.log(np.hstack(post) + 1e-6), np.log(np.hstack(post_t) + 1e-6))
    feats["probe_posteriors"] = (*logp, 0.0)
    feats["probe_raw"] = (raw, np.hstack([xa_t, xb_t]), 0.0)
    d1 = xa.shape[1]
    r2 = (
        _second_order((raw - mu) / sd, d1),
        _second_order((np.hstack([xa_t, xb_t]) - mu) / sd, d1),
    )
    feats["probe_raw2"] = (*r2, time.perf_counter() - t0)
    for v, kw in ENCODERS.items():
        t0 = time.perf_counter()
        enc = pretrain(xa, xb, posteriors=post, random_state=seed, **ENC_KW, **kw)
        feats[v] = (enc.transform(xa, xb), enc.transform(xa_t, xb_t), time.perf_counter() - t0)

    rows: list[dict] = []

    def add(method: str, budget: int, acc: float, secs: float) -> None:
        rows.append(
            {
                "suite": name,
                "seed": seed,
                "budget": budget,
                "method": method,
                "accuracy": float(acc),
                "seconds": round(secs, 3),
                "agree_fraction_test": round(float(agree_t.mean()), 4),
                "n_unlabeled": int(y_dm.size),
            }
        )

    fused = cls[fuse_posteriors(*post_t, prior=prior).argmax(1)]
    for budget in budgets:
        add("fusion", budget, np.mean(fused == y_te), 0.0)
        lab = rng.choice(y_dm.size, size=budget, replace=False)
        while np.unique(y_dm[lab]).size < 2:
            lab = rng.choice(y_dm.size, size=budget, replace=False)
        for v, (f_tr, f_te, secs) in feats.items():
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # lbfgs convergence notes on raw features
                acc = linear_probe(f_tr[lab], y_dm[lab], f_te, y_te, C="cv")
            add(v, budget, acc, secs + time.perf_counter() - t0)

        def routed(method: str, chosen: np.ndarray, budget: int = budget, **kw: Any) -> None:
            t0 = time.perf_counter()
            test_mask = kw.pop("test_mask", None)
            clf = fit_routed(xa, xb, post, chosen, y_dm[chosen], classes=cls, **kw)
            acc = clf.score(xa_t, xb_t, post_t, y_te, agreement=test_mask)
            add(method, budget, acc, time.perf_counter() - t0)

        routed("head", lab, route=False, pseudo_label=False)
        routed("pseudo", lab, route=False)
        routed("routed", choose_pairs_to_label(agree, budget, random_state=rng))
        routed("routed_random_labels", lab)
        controls: dict[str, tuple[np.ndarray, np.ndarray]] = {
            "routed_shuffled": (agree[perm], agree_t[perm_t]),
            "routed_inverted": (~agree, ~agree_t),
        }
        for method, (mask, mask_t) in controls.items():
            chosen = choose_pairs_to_label(mask, budget, random_state=rng)
            routed(method, chosen, agreement=mask, test_mask=mask_t)
    return rows


def paired_ci(diff: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95% t-interval of paired differences (over seeds)."""
    from scipy import stats

    m = float(diff.mean())
    if diff.size < 2:
        return m, float("nan"), float("nan")
    h = float(stats.t.ppf(0.975, diff.size - 1) * diff.std(ddof=1) / np.sqrt(diff.size))
    return m, m - h, m + h


def summarize(rows: list[dict], say: Callable[[str], None]) -> None:
    """Mean accuracy per method and paired CIs of the recipe against baselines and controls."""
    suites = list(dict.fromkeys(r["suite"] for r in rows))
    budgets = sorted({r["budget"] for r in rows})
    seeds = sorted({r["seed"] for r in rows})
    say(f"test accuracy, mean over seeds {seeds}; differences in points with paired 95% t-CIs")
    for name in suites:
        for b in budgets:
            sub = [r for r in rows if r["suite"] == name and r["budget"] == b]

            def acc(m: str, sub: list[dict] = sub) -> np.ndarray:
                return np.array(
                    [
                        r["accuracy"]
                        for r in sorted(sub, key=lambda r: r["seed"])
                        if r["method"] == m
                    ]
                )

            agree = np.mean([r["agree_fraction_test"] for r in sub])
            say(f"\n{name}, {b} labels (confident agreement on {agree:.0%} of test pairs)")
            means = {m: acc(m).mean() for m in [*BASELINES, "routed", *CONTROLS]}
            say("  " + " | ".join(f"{m} {100 * v:.1f}" for m, v in means.items()))
            secs = {m: np.mean([r["seconds"] for r in sub if r["method"] == m]) for m in means}
            say("  seconds: " + " | ".join(f"{m} {v:.2f}" for m, v in secs.items()))
            best = max(BASELINES, key=lambda m: means[m])
            for ref in (best, *CONTROLS):
                m, lo, hi = paired_ci(100 * (acc("routed") - acc(ref)))
                tag = "strongest baseline " if ref == best else ""
                verdict = "above 0" if lo > 0 else ("below 0" if hi < 0 else "contains 0")
                say(f"  routed - {tag}{ref}: {m:+.1f} [{lo:+.1f}, {hi:+.1f}] ({verdict})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 seeds, 2 suites, 1 budget")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--budgets", type=int, nargs="+", default=[50, 200])
    parser.add_argument(
        "--suites", nargs="+", default=list(SUITES), help="names as in SUITES; any mfeat-<v1>-<v2>"
    )
    parser.add_argument("--n-samples", type=int, default=4000, help="synthetic suites")
    parser.add_argument("--out", default="benchmarks/results/ssl.csv")
    parser.add_argument("--summary", default="benchmarks/results/ssl_summary.txt")
    parser.add_argument(
        "--summarize-only", action="store_true", help="rewrite the summary of an existing --out CSV"
    )
    parser.add_argument(
        "--also", nargs="*", default=[], help="with --summarize-only: more CSVs to pool (seeds)"
    )
    args = parser.parse_args(argv)
    lines: list[str] = []

    def say(line: str) -> None:
        print(line)
        lines.append(line)

    if args.summarize_only:
        rows = []
        for path in [args.out, *args.also]:
            with Path(path).open() as fh:
                rows += [
                    {
                        **r,
                        "seed": int(r["seed"]),
                        "budget": int(r["budget"]),
                        "accuracy": float(r["accuracy"]),
                        "seconds": float(r["seconds"]),
                        "agree_fraction_test": float(r["agree_fraction_test"]),
                    }
                    for r in csv.DictReader(fh)
                ]
        summarize(rows, say)
        Path(args.summary).write_text("\n".join(lines) + "\n")
        return 0
    import torch

    torch.set_num_threads(1)
    suites, seeds, budgets = args.suites, args.seeds, tuple(args.budgets)
    if args.quick:
        suites, seeds, budgets = ["synthetic-gated", "mfeat-fou-kar"], [0, 1], (50,)
    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    for name in suites:
        for seed in seeds:
            rows += run_suite(name, seed, budgets, args.n_samples)
            print(f"[{time.perf_counter() - t0:6.1f}s] {name} seed {seed}", file=sys.stderr)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summarize(rows, say)
    say(f"\nwrote {out} ({len(rows)} rows) in {time.perf_counter() - t0:.0f} s")
    Path(args.summary).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
