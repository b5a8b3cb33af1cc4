"""Re-score saved coverage replicates (``benchmarks/coverage.py --dump``) with the current rules.

Every bootstrap interval is a function of the plug-in values and the replicates only, so a change
of interval rule (``mmbounds.inference._intervals``) can be measured on a finished grid without
drawing or solving anything again. Prints the same rows as ``coverage.py`` (bootstrap variants
only; the certified mode is not stored).

Examples
--------
    python benchmarks/coverage.py --populations lower_5x5x2 --n 1000 --reps 200 --resamples 50 \\
        --dump benchmarks/results/raw
    python benchmarks/coverage_rescore.py benchmarks/results/raw --variants widened
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coverage import QUANT, SPLITS, print_rows, sizes_of, summarize  # noqa: E402
from populations import population  # noqa: E402

import mmbounds  # noqa: E402
from mmbounds.inference import VARIANTS  # noqa: E402
from mmbounds.inference._intervals import bootstrap_intervals, floor_sparse  # noqa: E402
from mmbounds.raw.samples import samples_per_cell  # noqa: E402

_NAME = re.compile(r"(?P<pop>.+)_n(?P<n>\d+)_(?P<split>[^_]+)_seed(?P<seed>\d+)\.npz$")


def rescore(path: Path, variants: tuple[str, ...]) -> list[dict]:
    """Rows of one dumped cell under the current interval rules."""
    m = _NAME.match(path.name)
    if m is None:
        raise ValueError(f"not a coverage dump: {path.name}")
    name, n, split = m["pop"], int(m["n"]), m["split"].replace("-", "/")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r} in {path.name}")
    data = np.load(path)
    negligible = mmbounds.Options().negligible
    # the population's shape (a sample may miss a value: then it has a few more per cell)
    shape = population(name).joint.shape
    per_cell = samples_per_cell(shape, sizes_of(n, split))
    n_labels = shape[2]
    results = []
    for plugin, reps in zip(data["plugin"], data["replicates"]):
        out = {}
        for v in variants:
            iv = bootstrap_intervals(plugin, reps, 0.95, negligible, v, per_cell=per_cell)
            iv = floor_sparse(iv, per_cell, negligible, n_labels)
            out[f"bootstrap:{v}"] = {q: (iv[q].low, iv[q].high, iv[q].verdict) for q in QUANT}
        lo_p, hi_p = max(float(plugin[3]), 0.0), float(plugin[4])
        out["plugin"] = {"synergy": (lo_p, max(hi_p, lo_p), "")}
        results.append((out, {"bootstrap": float("nan")}))
    truth = population(name).truth()
    rows = summarize((name, n, split), results, truth)
    print_rows(rows, truth)
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", help="folder written by coverage.py --dump")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    a = ap.parse_args(argv)
    variants = tuple(a.variants.split(","))
    files = sorted(Path(a.folder).glob("*.npz"))
    if not files:
        raise SystemExit(f"no .npz dumps in {a.folder}")
    for path in files:
        rescore(path, variants)


if __name__ == "__main__":
    main()
