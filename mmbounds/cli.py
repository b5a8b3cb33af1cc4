"""The ``mmbounds`` command line: ``demo``, ``estimate``, ``info``.

Results go to stdout (``--format text|json|csv``); progress and errors go to stderr. Exit codes:
0 success, 1 failure, 2 usage error. User mistakes print one line ``mmbounds: error: ...``
(a traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["main"]


class _UsageError(Exception):
    """A mistake in the command line or its input files (exit code 2)."""


def _demo_rows(quick: bool) -> list[dict[str, Any]]:
    from .data import bitwise_joint, random_joint
    from .estimate import estimate

    rows = []
    cases: list[tuple[str, Any]] = [(name, bitwise_joint(name)) for name in
                                    ("and", "or", "xor", "unique1", "redundant", "copy")]
    cases.append(("random 4x4x3 (Dirichlet 0.5)", random_joint((4, 4, 3), alpha=0.5, random_state=0)))
    for name, joint in cases:
        res = estimate(joint)
        rows.append(_row(name, res))
    return rows


def _row(name: str, res: Any) -> dict[str, Any]:
    return {
        "data": name,
        "R": res.redundancy,
        "U1": res.unique1,
        "U2": res.unique2,
        "S_lower": res.synergy_lower,
        "S_upper": res.synergy_upper,
        "S_true": res.synergy_true,
        "lower_by": res.synergy_lower_method,
        "upper_by": res.synergy_upper_method,
    }


def _print_rows(rows: list[dict[str, Any]], fmt: str, out: Any) -> None:
    if fmt == "json":
        json.dump(rows, out, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        return
    width = max(len(r["data"]) for r in rows)
    head = f"{'data':<{width}}  {'R':>7} {'U1':>7} {'U2':>7} {'S >=':>7} {'S <=':>7} {'S true':>7}"
    out.write(head + "\n" + "-" * len(head) + "\n")
    for r in rows:
        vals = [r[k] for k in ("R", "U1", "U2", "S_lower", "S_upper", "S_true")]
        cells = " ".join("      —" if v is None else f"{0.0 if abs(v) < 5e-7 else v:7.4f}" for v in vals)
        out.write(f"{r['data']:<{width}}  {cells}\n")
    out.write("(bits; S >= / S <= are the best guaranteed bounds from the pairwise marginals only)\n")


def _cmd_demo(args: argparse.Namespace) -> int:
    rows = _demo_rows(args.quick)
    _print_rows(rows, args.format, sys.stdout)
    return 0


def _load_npz(path: str) -> Any:
    p = Path(path)
    if not p.exists():
        raise _UsageError(f"file not found: {path}")
    try:
        return np.load(p, allow_pickle=False)
    except Exception as exc:
        raise _UsageError(f"cannot read {path} as .npz/.npy: {exc}") from None


def _read_pairs_csv(path: str) -> tuple[list[str], list[str]]:
    p = Path(path)
    if not p.exists():
        raise _UsageError(f"file not found: {path}")
    with p.open(newline="") as fh:
        rows = [r for r in csv.reader(fh) if r]
    if len(rows) < 2:
        raise _UsageError(f"{path}: expected a header and at least one row of two columns")
    body = rows[1:]
    bad = [i + 2 for i, r in enumerate(body) if len(r) != 2]
    if bad:
        raise _UsageError(f"{path}: line {bad[0]} does not have exactly two columns")
    return [r[0] for r in body], [r[1] for r in body]


def _cmd_estimate(args: argparse.Namespace) -> int:
    from .estimate import estimate

    kwargs: dict[str, Any] = {"random_state": args.seed}
    if args.tables:
        z = _load_npz(args.tables)
        missing = [k for k in ("p_x1y", "p_x2y", "p_x1x2") if k not in z]
        if missing:
            raise _UsageError(f"{args.tables}: missing arrays {missing} (need p_x1y, p_x2y, p_x1x2)")
        res = estimate((z["p_x1y"], z["p_x2y"], z["p_x1x2"]), normalize=args.normalize, **kwargs)
    elif args.joint:
        z = _load_npz(args.joint)
        arr = z if isinstance(z, np.ndarray) else z[next(iter(z.files))]
        res = estimate(arr, normalize=args.normalize, **kwargs)
    elif args.d1 and args.d2 and args.dm:
        res = estimate(
            x1=_read_pairs_csv(args.d1), x2=_read_pairs_csv(args.d2),
            paired=_read_pairs_csv(args.dm), **kwargs,
        )
    else:
        raise _UsageError("give --tables FILE.npz, --joint FILE.npy, or all of --d1 --d2 --dm CSV files")
    if args.format == "json":
        text = json.dumps(res.to_dict(), indent=2) + "\n"
    elif args.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["name", "side", "bits", "guaranteed"])
        for k in ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper"):
            w.writerow([k, "", getattr(res, k), True])
        for b in res.bounds:
            w.writerow([b.name, b.side, b.value, b.guaranteed])
        text = buf.getvalue()
    else:
        text = repr(res) + "\n"
    if args.out:
        out = Path(args.out)
        if out.exists() and not args.force:
            raise _UsageError(f"{out} exists; pass --force to overwrite")
        out.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    import importlib.metadata as md
    import platform

    from . import __version__

    lines = [f"mmbounds {__version__}", f"python {platform.python_version()} ({sys.platform})"]
    for pkg in ("numpy", "scipy", "cvxpy", "clarabel", "scikit-learn", "torch", "matplotlib"):
        try:
            lines.append(f"{pkg} {md.version(pkg)}")
        except md.PackageNotFoundError:
            lines.append(f"{pkg} not installed")
    backends = ["numpy"]
    try:
        import torch

        backends.append("torch (cuda)" if torch.cuda.is_available() else "torch (cpu)")
    except ImportError:
        pass
    lines.append("backends: " + ", ".join(backends))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mmbounds",
        description="Redundancy, uniqueness and synergy bounds without labeled multimodal data (bits).",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="run the bounds on embedded example data and print the table")
    p.add_argument("--quick", action="store_true", help="smaller examples")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("estimate", help="estimate interactions from tables or discrete samples")
    p.add_argument("--tables", help=".npz with arrays p_x1y, p_x2y, p_x1x2")
    p.add_argument("--joint", help=".npy/.npz with a full joint p[x1, x2, y] (validation)")
    p.add_argument("--d1", help="CSV (header + rows x1,y) of labeled modality-1 samples")
    p.add_argument("--d2", help="CSV (header + rows x2,y) of labeled modality-2 samples")
    p.add_argument("--dm", help="CSV (header + rows x1,x2) of unlabeled paired samples")
    p.add_argument("--normalize", action="store_true", help="tables hold counts; rescale them")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument("--out", help="write the result to this file instead of stdout")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.set_defaults(func=_cmd_estimate)

    p = sub.add_parser("info", help="versions and available backends")
    p.set_defaults(func=_cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failure, 2 usage error)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the message
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except (_UsageError, ValueError, TypeError) as exc:
        if args.debug:
            raise
        sys.stderr.write(f"mmbounds: error: {exc}\n")
        return 2 if isinstance(exc, _UsageError) else 1
    except Exception as exc:  # pragma: no cover - unexpected failures
        if args.debug:
            raise
        sys.stderr.write(f"mmbounds: error: {type(exc).__name__}: {exc}\n")
        return 1
