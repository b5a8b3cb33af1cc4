"""Re-score saved coverage replicates (``benchmarks/coverage.py --dump``) with the current rules.

Every bootstrap interval is a function of the plug-in values, the replicates and the sample's
shape and sizes only, so a change of interval rule (``mmbounds.inference._intervals``,
``._sparse``) can be measured on a finished grid without solving anything again: each
repetition's counts are drawn again from its seed (cheap) for its table shape, and the rows
are those a fresh ``coverage.py`` run would print (bootstrap variants only; the certified mode
is not stored).

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

from coverage import SPLITS, print_rows, rep_shape, score, sizes_of, summarize  # noqa: E402
from populations import population  # noqa: E402

import mmbounds  # noqa: E402
from mmbounds.inference import FUNCTIONALS, VARIANTS  # noqa: E402

_NAME = re.compile(r"(?P<pop>.+)_n(?P<n>\d+)_(?P<split>[^_]+)_seed(?P<seed>\d+)\.npz$")


def rescore(path: Path, variants: tuple[str, ...]) -> list[dict]:
    """Rows of one dumped cell under the current interval rules."""
    m = _NAME.match(path.name)
    if m is None:
        raise ValueError(f"not a coverage dump: {path.name}")
    name, n, split, seed = m["pop"], int(m["n"]), m["split"].replace("-", "/"), int(m["seed"])
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r} in {path.name}")
    negligible = mmbounds.Options().negligible
    with np.load(path) as data:
        if data["plugin"].shape[1] != len(FUNCTIONALS):
            print(
                f"# {path.name}: skipped, dumped with {data['plugin'].shape[1]} functionals (this "
                f"code has {len(FUNCTIONALS)}); its rows would not be those of a fresh run"
            )
            return []
        raw = list(zip(data["plugin"], data["replicates"]))
    results = []
    for rep, (plugin, reps) in enumerate(raw):
        shape = rep_shape(name, n, split, rep, seed)  # the sample's own, as in the run
        out = score(plugin, reps, shape, sizes_of(n, split), variants, negligible)
        results.append((out, {"bootstrap": np.nan}))
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
