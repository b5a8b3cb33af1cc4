"""Write ``tests/data/reference_results.json``: every number ``estimate()`` printed before the
core redesign, on canonical and random tables (run once, on the commit named in the file).

    python tests/make_reference.py

``tests/test_reference.py`` checks that the current code reproduces them to 1e-9 bits.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repo root
import mmbounds  # noqa: E402
from tests.conftest import CANONICAL, random_table  # noqa: E402

SHAPES = [(2, 2, 2), (2, 3, 2), (3, 3, 2), (2, 2, 3), (3, 3, 3), (4, 3, 2), (4, 4, 3), (3, 5, 2)]
N_RANDOM = 200
OUT = Path(__file__).resolve().parent / "data" / "reference_results.json"


def cases() -> list[tuple[str, dict]]:
    out = [(f"canonical:{k}", {"joint": v[0]}) for k, v in sorted(CANONICAL.items())]
    rng = np.random.default_rng(20261201)
    for t in range(N_RANDOM):
        shape = SHAPES[t % len(SHAPES)]
        p = random_table(rng, shape, sparse=bool(t % 3 == 2))
        out.append((f"random:{t}:{'x'.join(map(str, shape))}", {"joint": p}))
    # inconsistent marginal tuples (reconciled by maximum likelihood)
    for t in range(10):
        shape = SHAPES[t % len(SHAPES)]
        a, b = random_table(rng, shape, False), random_table(rng, shape, False)
        c = random_table(rng, shape, False)
        out.append((f"tables:{t}", {"tables": (a.sum(1), b.sum(0), c.sum(2))}))
    return out


def summary(res) -> dict:
    d = {
        k: getattr(res, k)
        for k in (
            "redundancy",
            "unique1",
            "unique2",
            "synergy_lower",
            "synergy_upper",
            "synergy_lower_method",
            "synergy_upper_method",
            "synergy_true",
            "synergy_witness",
            "mi_x1y",
            "mi_x2y",
            "mi_x1x2",
            "entropy_y",
            "n_support",
            "status",
        )
    }
    d["bounds"] = {b.name: [b.side, b.value, b.guaranteed] for b in res.bounds}
    c = res.consistency
    d["consistency"] = [c.tv_y, c.tv_x1, c.tv_x2, c.reconciled, list(c.shift)]
    return d


def main() -> None:
    rows = {}
    for name, case in cases():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if "joint" in case:
                res = mmbounds.estimate(case["joint"], random_state=0)
            else:
                res = mmbounds.estimate(case["tables"], random_state=0)
        rows[name] = summary(res)
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=OUT.parent
    ).stdout.strip()
    payload = {"commit": commit, "shapes": SHAPES, "cases": rows}
    OUT.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(rows)} cases to {OUT}")


if __name__ == "__main__":
    main()
