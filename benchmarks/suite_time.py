"""Wall time of the test suite before and after a change, on the tests both versions have.

Both versions run in this process's environment, alternately (``--rounds`` times each, so a load
spike on a shared machine hits both), on the test node ids that exist in both (collected with
``--collect-only``; the baseline's ``-m 'not slow'`` default applies to both). Each version runs
with the pytest arguments of its own CI command (the ``python -m pytest ...`` line of its
``.ci/run``, e.g. ``-n 2`` for two worker processes), which is the wall time CI sees;
``--serial`` drops them (one process for both: the work the tests do). Prints each round, the
medians and their ratio (new / base; below 1 means the new version is faster).

    python benchmarks/suite_time.py --base b8d1eb9 --rounds 2
    python benchmarks/suite_time.py --base b8d1eb9 --rounds 2 --serial
    python benchmarks/suite_time.py --base b8d1eb9 --new bb6267f   # two commits
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def collect(tree: Path) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
    )
    return {ln.strip() for ln in out.stdout.splitlines() if "::" in ln}


def ci_args(tree: Path) -> list[str]:
    """The arguments after ``python -m pytest`` in the tree's ``.ci/run`` (none if absent)."""
    ci = tree / ".ci" / "run"
    if not ci.exists():
        return []
    for line in reversed(ci.read_text().splitlines()):
        words = line.split()
        if words[:3] == ["python", "-m", "pytest"]:
            return words[3:]
    return []


def run(tree: Path, ids: list[str], args: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, *ids],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
    )
    tail = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-200:]
    return time.perf_counter() - t0, tail


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="b8d1eb9", help="baseline commit")
    ap.add_argument("--new", default=None, help="commit to compare (default: this working tree)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument(
        "--serial", action="store_true", help="one process for both (ignore the CI arguments)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "-q", "--detach", str(base), args.base], cwd=ROOT, check=True
        )
        new = ROOT
        if args.new:
            new = Path(tmp) / "new"
            subprocess.run(
                ["git", "worktree", "add", "-q", "--detach", str(new), args.new],
                cwd=ROOT,
                check=True,
            )
        try:
            common = sorted(collect(base) & collect(new))
            print(f"{len(common)} test ids in both versions (baseline {args.base})", flush=True)
            extra = {
                name: [] if args.serial else ci_args(tree)
                for name, tree in (("base", base), ("new", new))
            }
            print(f"pytest arguments: base {extra['base']}, new {extra['new']}", flush=True)
            times: dict[str, list[float]] = {"base": [], "new": []}
            for r in range(args.rounds):
                for name, tree in (("base", base), ("new", new)):
                    t, tail = run(tree, common, extra[name])
                    times[name].append(t)
                    print(f"round {r} {name:4s} {t:7.1f} s  {tail}", flush=True)
            med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
            print(
                f"median base {med['base']:.1f} s, new {med['new']:.1f} s, "
                f"ratio new/base {med['new'] / med['base']:.2f}"
            )
        finally:
            for tree in {base, new} - {ROOT}:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)


if __name__ == "__main__":
    main()
