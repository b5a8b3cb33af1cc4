"""The ``mmbounds`` command line: ``demo``, ``estimate``, ``datasets``, ``figures``, ``info``.

Results go to stdout (``--format text|json|csv``); progress and errors go to stderr. Exit codes:
0 success, 1 failure, 2 usage error (bad arguments, missing or malformed input files, an output
that exists without ``--force``). User mistakes print one line ``mmbounds: error: ...`` (a traceback
only with ``--debug``). No command overwrites a file unless ``--force`` is given.
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
    from .core import estimate
    from .data import bitwise_joint, random_joint

    rows = []
    cases: list[tuple[str, Any]] = [
        (name, bitwise_joint(name)) for name in ("and", "or", "xor", "unique1", "redundant", "copy")
    ]
    cases.append(
        ("random 4x4x3 (Dirichlet 0.5)", random_joint((4, 4, 3), alpha=0.5, random_state=0))
    )
    for name, joint in cases:
        res = estimate(joint, random_state=0)
        rows.append(_row(name, res))
    if not quick:
        rows.append(_row("mfeat fou+kar (20 clusters)", _mfeat_demo()))
    return rows


def _mfeat_demo() -> Any:
    """Shipped UCI Multiple Features, views fou and kar, the paper's protocol (same samples)."""
    import warnings

    from .core import estimate
    from .data import load_mfeat
    from .exceptions import EstimationWarning
    from .raw import true_interactions

    data = load_mfeat(["fou", "kar"])
    x1, x2, y = data["fou"], data["kar"], data.y
    with warnings.catch_warnings():
        # 2,000 samples over 20 x 20 x 10 cells: the low-count note is printed below instead
        warnings.simplefilter("ignore", EstimationWarning)
        res = estimate(x1=(x1, y), x2=(x2, y), paired=(x1, x2), random_state=0)
        truth = true_interactions(x1, x2, y, like=res)
    import dataclasses

    return dataclasses.replace(res, synergy_true=truth.synergy)


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
        cells = " ".join(
            "      —" if v is None else f"{0.0 if abs(v) < 5e-7 else v:7.4f}" for v in vals
        )
        out.write(f"{r['data']:<{width}}  {cells}\n")
    out.write(
        "(bits; S >= / S <= are the best guaranteed bounds from the pairwise marginals only)\n"
    )


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


def _check_target(path: str | None, force: bool, *, what: str) -> Path | None:
    """Refuse to overwrite ``path`` without ``--force``; its folder must exist."""
    if path is None:
        return None
    p = Path(path)
    if p.is_dir():
        raise _UsageError(f"{what} {path} is a folder; give a file name")
    if p.exists() and not force:
        raise _UsageError(f"{p} exists; pass --force to overwrite")
    if not p.parent.is_dir():
        raise _UsageError(f"folder of {what} {path} does not exist")
    return p


_PLOT_FORMATS = (".png", ".pdf", ".svg")


def _save_result_plot(res: Any, path: Path) -> None:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise _UsageError("--plot needs matplotlib: pip install mmbounds[plots]") from None
    fig = Figure(figsize=(8.5, 3.2), layout="constrained")
    res.plot(ax=fig.subplots())
    fig.savefig(path, dpi=150)


def _cmd_estimate(args: argparse.Namespace) -> int:
    from .core import estimate

    out_path = _check_target(args.out, args.force, what="--out")
    plot_path = _check_target(args.plot, args.force, what="--plot")
    if plot_path is not None and plot_path.suffix.lower() not in _PLOT_FORMATS:
        raise _UsageError(f"--plot {args.plot}: use a .png, .pdf or .svg file name")
    kwargs: dict[str, Any] = {
        "random_state": args.seed,
        "backend": args.backend,
        "device": args.device,
    }
    if args.tables:
        z = _load_npz(args.tables)
        missing = [k for k in ("p_x1y", "p_x2y", "p_x1x2") if k not in z]
        if missing:
            raise _UsageError(
                f"{args.tables}: missing arrays {missing} (need p_x1y, p_x2y, p_x1x2)"
            )
        res = estimate((z["p_x1y"], z["p_x2y"], z["p_x1x2"]), normalize=args.normalize, **kwargs)
    elif args.joint:
        z = _load_npz(args.joint)
        arr = z if isinstance(z, np.ndarray) else z[next(iter(z.files))]
        res = estimate(arr, normalize=args.normalize, **kwargs)
    elif args.d1 and args.d2 and args.dm:
        res = estimate(
            x1=_read_pairs_csv(args.d1),
            x2=_read_pairs_csv(args.d2),
            paired=_read_pairs_csv(args.dm),
            **kwargs,
        )
    else:
        raise _UsageError(
            "give --tables FILE.npz, --joint FILE.npy, or all of --d1 --d2 --dm CSV files"
        )
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
    if out_path is not None:
        out_path.write_text(text)
    else:
        sys.stdout.write(text)
    if plot_path is not None:
        _save_result_plot(res, plot_path)
        sys.stderr.write(f"mmbounds: wrote {plot_path}\n")
    return 0


def _check_dataset_name(name: str) -> None:
    import difflib

    from .data import list_datasets

    names = list_datasets()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise _UsageError(f"unknown dataset {name!r}{hint} (see `mmbounds datasets list`)")


def _cmd_datasets(args: argparse.Namespace) -> int:
    from .data import describe_dataset, list_datasets

    if args.action == "list":
        info = [describe_dataset(n) for n in list_datasets()]
        if args.format == "json":
            sys.stdout.write(json.dumps(info, indent=2) + "\n")
            return 0
        width = max(len(d["name"]) for d in info)
        for d in info:
            sys.stdout.write(f"{d['name']:<{width}}  {d['kind']:<9}  {d['description']}\n")
        return 0
    _check_dataset_name(args.name)
    if args.action == "describe":
        d = describe_dataset(args.name)
        if args.format == "json":
            sys.stdout.write(json.dumps(d, indent=2) + "\n")
        else:
            for k, v in d.items():
                sys.stdout.write(f"{k}: {v}\n")
        return 0
    return _export_dataset(args)


def _export_dataset(args: argparse.Namespace) -> int:
    from .data import describe_dataset, load_dataset, save_npz

    target = Path(args.out)
    if target.suffix != ".npz":
        target = target.with_name(target.name + ".npz")
    _check_target(str(target), args.force, what="--out")
    kind = describe_dataset(args.name)["kind"]
    if kind == "table":
        if args.n_samples is not None:
            raise _UsageError(f"{args.name} is an exact table; --n-samples does not apply")
        p = load_dataset(args.name)
        np.savez(target, joint=p, p_x1y=p.sum(axis=1), p_x2y=p.sum(axis=0), p_x1x2=p.sum(axis=2))
        sys.stdout.write(f"{target}\n")
        sys.stderr.write(
            f"mmbounds: wrote the joint p[x1,x2,y] {p.shape} and its three marginals; "
            f"use `mmbounds estimate --joint {target}` or `--tables {target}`\n"
        )
        return 0
    kwargs: dict[str, Any] = {}
    if kind == "synthetic":
        kwargs["random_state"] = args.seed
        if args.n_samples is not None:
            kwargs["n_samples"] = args.n_samples
    elif args.n_samples is not None:
        raise _UsageError(f"{args.name} is shipped data; --n-samples does not apply")
    data = load_dataset(args.name, **kwargs)
    save_npz(target, data)
    sys.stdout.write(f"{target}\n")
    sys.stderr.write(f"mmbounds: wrote {data!r}\n")
    return 0


def _cmd_figures(args: argparse.Namespace) -> int:
    from .figures import regenerate

    if args.n_tables is not None and args.n_tables < 1:
        raise _UsageError(f"--n-tables must be >= 1, got {args.n_tables}")
    if args.workers < 1:
        raise _UsageError(f"--workers must be >= 1, got {args.workers}")
    if args.multibench is not None and not Path(args.multibench).exists():
        raise _UsageError(f"--multibench path does not exist: {args.multibench}")
    report = regenerate(
        args.out,
        quick=args.quick,
        tiny=args.tiny,
        multibench=args.multibench,
        force=args.force,
        n_tables=args.n_tables,
        n_workers=args.workers,
        random_state=args.seed,
        parts=args.parts,
        progress=not args.no_progress,
    )
    sys.stdout.write(str(report) + "\n")
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
    from .figures import PARTS as FIGURE_PARTS

    parser = argparse.ArgumentParser(
        prog="mmbounds",
        description="Redundancy, uniqueness and synergy bounds without labeled multimodal data "
        "(bits).",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks on errors"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "demo", parents=[common], help="run the bounds on embedded example data and print the table"
    )
    p.add_argument("--quick", action="store_true", help="smaller examples")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "estimate", parents=[common], help="estimate interactions from tables or discrete samples"
    )
    p.add_argument("--tables", help=".npz with arrays p_x1y, p_x2y, p_x1x2")
    p.add_argument("--joint", help=".npy/.npz with a full joint p[x1, x2, y] (validation)")
    p.add_argument("--d1", help="CSV (header + rows x1,y) of labeled modality-1 samples")
    p.add_argument("--d2", help="CSV (header + rows x2,y) of labeled modality-2 samples")
    p.add_argument("--dm", help="CSV (header + rows x1,x2) of unlabeled paired samples")
    p.add_argument("--normalize", action="store_true", help="tables hold counts; rescale them")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--backend",
        choices=("auto", "numpy", "torch"),
        default="auto",
        help="array library of the fast solvers (default auto)",
    )
    p.add_argument("--device", default=None, help="torch device, e.g. cuda (implies torch)")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument("--out", help="write the result to this file instead of stdout")
    p.add_argument(
        "--plot", metavar="FILE", help="also save a picture of the result (.png, .pdf or .svg)"
    )
    p.add_argument("--force", action="store_true", help="overwrite --out / --plot if they exist")
    p.set_defaults(func=_cmd_estimate)

    p = sub.add_parser(
        "datasets",
        parents=[common],
        help="list, describe or export built-in data",
        description="Built-in datasets: bitwise tables, synthetic settings and shipped real data.",
    )
    dsub = p.add_subparsers(dest="action", required=True)
    q = dsub.add_parser("list", parents=[common], help="names, kinds and descriptions")
    q.add_argument("--format", choices=("text", "json"), default="text")
    q = dsub.add_parser("describe", parents=[common], help="what one dataset holds")
    q.add_argument("name", help="a name from `mmbounds datasets list`")
    q.add_argument("--format", choices=("text", "json"), default="text")
    q = dsub.add_parser(
        "export",
        parents=[common],
        help="write a dataset to .npz",
        description="Write a dataset to .npz: a table as arrays joint, p_x1y, p_x2y, p_x1x2 "
        "(readable by `estimate --joint/--tables`); other data in the format of "
        "mmbounds.data.load_npz (x_<modality>, y).",
    )
    q.add_argument("name", help="a name from `mmbounds datasets list`")
    q.add_argument("--out", required=True, metavar="FILE.npz", help="target file")
    q.add_argument("--force", action="store_true", help="overwrite FILE.npz if it exists")
    q.add_argument("--seed", type=int, default=0, help="seed of synthetic data (default 0)")
    q.add_argument("--n-samples", type=int, default=None, help="samples of synthetic data")
    p.set_defaults(func=_cmd_datasets)

    p = sub.add_parser(
        "figures",
        parents=[common],
        help="regenerate the paper figures and tables (PNG, PDF, CSV)",
        description="Regenerate every figure and table that can be rebuilt here: the synthetic "
        "bounds study, per-dataset intervals (bitwise, synthetic features, shipped real data, "
        "MultiBench with --multibench), performance and SSL when available.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--quick",
        action="store_true",
        help="small sizes (~300 random tables; a few minutes on two cores)",
    )
    p.add_argument(
        "--tiny",
        action="store_true",
        help="smoke-test sizes for CI (a dozen tables, a few datasets; < 1 minute)",
    )
    p.add_argument(
        "--multibench",
        metavar="PATH",
        help="MultiBench affect .pkl file(s) and/or AV-MNIST folder to include",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    p.add_argument(
        "--n-tables",
        type=int,
        default=None,
        help="Dirichlet(1) tables of the synthetic study (default 100000; quick 300)",
    )
    p.add_argument("--workers", type=int, default=2, help="processes for the synthetic study")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--parts",
        nargs="+",
        metavar="PART",
        choices=FIGURE_PARTS,
        help="only these parts (default: all that apply)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    p.set_defaults(func=_cmd_figures)

    p = sub.add_parser("info", parents=[common], help="versions and available backends")
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
    except _USAGE_ERRORS as exc:
        if args.debug:
            raise
        sys.stderr.write(f"mmbounds: error: {_one_line(exc)}\n")
        return 2
    except (ValueError, TypeError, ImportError) as exc:
        if args.debug:
            raise
        sys.stderr.write(f"mmbounds: error: {_one_line(exc)}\n")
        return 1
    except Exception as exc:  # pragma: no cover - unexpected failures
        if args.debug:
            raise
        sys.stderr.write(f"mmbounds: error: {type(exc).__name__}: {_one_line(exc)}\n")
        return 1


_USAGE_ERRORS = (
    _UsageError,
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
