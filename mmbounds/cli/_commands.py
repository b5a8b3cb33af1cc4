"""One function per command of the command line; each returns its exit code.

The package is imported inside each command, so ``mmbounds --help`` stays fast and light.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ._csv import read_sources_csv
from ._io import (
    PLOT_FORMATS,
    UsageError,
    check_target,
    format_result,
    load_npz,
    naming,
    print_rows,
    save_result_plot,
    writing,
)

__all__ = ["cmd_demo", "cmd_estimate", "cmd_figures", "cmd_info"]


# --------------------------------------------------------------------------------------------------
# demo


def _demo_rows(quick: bool) -> list[dict[str, Any]]:
    from ..api import estimate
    from ..data import bitwise_joint, random_joint

    cases: list[tuple[str, Any]] = [
        (name, bitwise_joint(name)) for name in ("and", "or", "xor", "unique1", "redundant", "copy")
    ]
    cases.append(
        ("random 4x4x3 (Dirichlet 0.5)", random_joint((4, 4, 3), alpha=0.5, random_state=0))
    )
    rows = [_row(name, estimate(joint, random_state=0, progress=False)) for name, joint in cases]
    if not quick:
        rows.append(_row("mfeat fou+kar (20 clusters)", _mfeat_demo()))
    return rows


def _mfeat_demo() -> Any:
    """Shipped UCI Multiple Features, views fou and kar, the paper's protocol (same samples)."""
    import dataclasses
    import warnings

    from ..api import estimate
    from ..data import load_mfeat
    from ..exceptions import EstimationWarning
    from ..raw import true_interactions

    data = load_mfeat(["fou", "kar"])
    x1, x2, y = data["fou"], data["kar"], data.y
    with warnings.catch_warnings():
        # 2,000 samples over 20 x 20 x 10 cells: the low-count note is printed below instead
        warnings.simplefilter("ignore", EstimationWarning)
        # one sample plays D1, D2 and DM (the paper's protocol): not the independent sources the
        # population intervals assume, so the row shows the bounds of the sample tables
        # the paper's 20 clusters per view (the default "auto" would choose 10 for 2,000 samples)
        res = estimate(
            x1=(x1, y),
            x2=(x2, y),
            paired=(x1, x2),
            discretizer={"n_clusters": 20},
            confidence=None,
            random_state=0,
            progress=False,  # a few seconds: the demo's output stays the same on every machine
        )
        truth = true_interactions(x1, x2, y, like=res)
    return dataclasses.replace(res, synergy_true=truth.synergy)


def _row(name: str, res: Any) -> dict[str, Any]:
    d = res.to_dict()
    return {
        "data": name,
        "R": d["redundancy"],
        "U1": d["unique1"],
        "U2": d["unique2"],
        "S_lower": d["synergy_lower"],
        "S_upper": d["synergy_upper"],
        "S_true": d["synergy_true"],
        "lower_by": d["synergy_lower_method"],
        "upper_by": d["synergy_upper_method"],
        "status": d["status"],
        "valid": d["valid"],
        "message": d["message"],
    }


def cmd_demo(args: argparse.Namespace) -> int:
    """Run ``mmbounds demo``: estimate embedded example data and print one table row per case.

    The cases are the bitwise tables ``and``, ``or``, ``xor``, ``unique1``, ``redundant``,
    ``copy`` and one random 4x4x3 Dirichlet(0.5) table, each estimated with ``random_state=0``.
    Without ``--quick`` a row for the shipped UCI Multiple Features views fou and kar follows
    (20 clusters per view, one sample as D1, D2 and DM, no population intervals, the true S from
    the labeled sample). The table goes to stdout in ``--format`` (see :func:`print_rows`).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of :func:`~mmbounds.cli._parser.build_parser` for this command.

    Returns
    -------
    int
        The exit code, 0; errors are raised and :func:`mmbounds.cli.main` turns them into
        exit codes.
    """
    print_rows(_demo_rows(args.quick), args.format, sys.stdout)
    return 0


# --------------------------------------------------------------------------------------------------
# estimate


def cmd_estimate(args: argparse.Namespace) -> int:
    """Run ``mmbounds estimate``: one :func:`mmbounds.estimate` call on tables or samples.

    The input is ``--tables`` (a ``.npz`` with ``p_x1y``, ``p_x2y``, ``p_x1x2``), else
    ``--joint`` (a ``.npy``, or a ``.npz`` whose array ``joint`` is used, else its first array),
    else all of ``--d1``, ``--d2``, ``--dm`` (CSV files of sample pairs); the first one given
    is used. ``--normalize`` applies to tables and joints, ``--confidence`` (0: no population
    intervals) and ``--inference`` to samples; ``--backend``, ``--device``, ``--seed`` to all. Both
    output targets are checked before anything is read. The result goes to ``--out`` or stdout
    in ``--format`` (see :func:`format_result`); with ``--plot`` a picture is saved as well and
    ``mmbounds: wrote <file>`` is printed on stderr. A progress bar appears on stderr at the
    first step finished after a second, unless ``--no-progress``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of :func:`~mmbounds.cli._parser.build_parser` for this command.

    Returns
    -------
    int
        The exit code, 0; errors are raised and :func:`mmbounds.cli.main` turns them into
        exit codes (2 for each error listed here).

    Raises
    ------
    UsageError
        If no complete input, or more than one, is given; ``--confidence`` (other than 0) or
        ``--inference`` is given with ``--tables`` or ``--joint``, or ``--normalize`` with
        ``--d1 --d2 --dm``; ``--out`` and ``--plot`` name the same file; ``--out`` or ``--plot``
        exists without ``--force``, is a folder or lies in a missing folder; ``--plot`` is not a
        ``.png``, ``.pdf`` or ``.svg`` name; ``--tables`` is a ``.npy`` or lacks one of the three
        arrays; the ``--joint`` ``.npz`` holds no arrays; an input file is missing, corrupt or
        malformed; ``--plot`` is given and matplotlib is not installed.
    OSError
        If an input CSV file exists but cannot be opened (see :func:`read_pairs_csv`).
    ValueError, TypeError
        If :func:`mmbounds.estimate` rejects the tables, the samples or the options; the message
        names the option, file and column instead of the Python argument (see :func:`naming`).
    """
    from ..api import estimate

    out_path = check_target(args.out, args.force, what="--out")
    plot_path = check_target(args.plot, args.force, what="--plot")
    if plot_path is not None and plot_path.suffix.lower() not in PLOT_FORMATS:
        raise UsageError(f"--plot {args.plot}: use a .png, .pdf or .svg file name")
    if out_path is not None and plot_path is not None and out_path.resolve() == plot_path.resolve():
        raise UsageError(f"--out and --plot name the same file ({args.out}); give two names")
    options: dict[str, Any] = {"backend": args.backend, "device": args.device}
    sources = {"--tables": args.tables, "--joint": args.joint}
    sources["--d1/--d2/--dm"] = args.d1 or args.d2 or args.dm
    if sum(bool(v) for v in sources.values()) > 1:
        given = " and ".join(k for k, v in sources.items() if v)
        raise UsageError(f"give one input: --tables, --joint or --d1 --d2 --dm, not {given}")
    # (--confidence 0, "no population intervals", is what tables get anyway)
    sample_only = [k for k in ("confidence", "inference") if getattr(args, k) not in (None, 0)]
    if sample_only and (args.tables or args.joint):
        names = " and ".join(f"--{k}" for k in sample_only)
        verb = "apply" if len(sample_only) > 1 else "applies"
        raise UsageError(
            f"{names} {verb} to samples (--d1 --d2 --dm) only: tables and joints are taken as "
            "the population, with no population intervals"
        )
    if args.normalize and sources["--d1/--d2/--dm"]:
        raise UsageError(
            "--normalize applies to --tables and --joint only (tables of counts): samples "
            "(--d1 --d2 --dm) are counted, not rescaled; leave it out"
        )
    # an error of the API names its argument (data, x1[1] (y), device=...): say the option
    rules = [(r"^device=", "--device ")]
    if args.tables:
        z = load_npz(args.tables)
        if isinstance(z, np.ndarray):
            raise UsageError(f"{args.tables}: a .npy holds one array; --tables needs a .npz")
        missing = [k for k in ("p_x1y", "p_x2y", "p_x1x2") if k not in z]
        if missing:
            raise UsageError(f"{args.tables}: missing arrays {missing} (need p_x1y, p_x2y, p_x1x2)")
        with naming([*rules, (r"^(?=p_x1y|p_x2y|p_x1x2)", f"--tables {args.tables}: ")]):
            res = estimate(
                (z["p_x1y"], z["p_x2y"], z["p_x1x2"]),
                options={**options, "normalize": args.normalize},
                random_state=args.seed,
                progress=not args.no_progress,
            )
    elif args.joint:
        z = load_npz(args.joint)
        if not isinstance(z, np.ndarray) and not z:
            raise UsageError(f"{args.joint}: the .npz holds no arrays")
        if not isinstance(z, np.ndarray) and "joint" not in z and len(z) > 1:
            raise UsageError(
                f"{args.joint}: the .npz holds {sorted(z)} but no array named 'joint'; save the "
                "joint as joint=... (or give the three tables with --tables)"
            )
        arr = z if isinstance(z, np.ndarray) else z.get("joint", next(iter(z.values())))
        with naming([*rules, (r"^data\b", f"--joint {args.joint}")]):
            res = estimate(
                arr,
                options={**options, "normalize": args.normalize},
                random_state=args.seed,
                progress=not args.no_progress,
            )
    elif args.d1 and args.d2 and args.dm:
        confidence = 0.95 if args.confidence is None else args.confidence
        if args.inference and not confidence:
            raise UsageError(
                f"--inference {args.inference} picks how population intervals are computed, "
                "and --confidence 0 asks for none; leave one of them out"
            )
        d1, d2, dm = read_sources_csv(args.d1, args.d2, args.dm)
        with naming([*rules, *_csv_names(args)]):  # the file and column, not the argument
            res = estimate(
                x1=d1,
                x2=d2,
                paired=dm,
                confidence=confidence or None,
                options={**options, "inference": args.inference or "bootstrap"},
                random_state=args.seed,
                progress=not args.no_progress,
            )
    else:
        raise UsageError(
            "give --tables FILE.npz, --joint FILE.npy, or all of --d1 --d2 --dm CSV files"
        )
    text = format_result(res, args.format)
    if out_path is not None:
        with writing(out_path, what="--out"):
            out_path.write_text(text)
    else:
        sys.stdout.write(text)
    if plot_path is not None:
        with writing(plot_path, what="--plot"):
            save_result_plot(res, plot_path)
        sys.stderr.write(f"mmbounds: wrote {plot_path}\n")
    return 0


def _csv_names(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The rules of :func:`naming` that replace the arguments of :func:`mmbounds.estimate`
    (``x1[0] (x1)``, ...) by the CSV file and column they were read from."""
    files = {"x1": args.d1, "x2": args.d2, "paired": args.dm}
    cols = {"x1": ("x1", "y"), "x2": ("x2", "y"), "paired": ("x1", "x2")}
    flags = {"x1": "--d1", "x2": "--d2", "paired": "--dm"}
    rules = [
        (re.escape(f"{arg}[{k}] ({col})"), f"{flags[arg]} {path} column {k + 1} ({col})")
        for arg, path in files.items()
        for k, col in enumerate(cols[arg])
    ]
    # checks across sources: "y (the values of x1 and x2 together)"
    for a, b in (("x1", "x2"), ("x1", "paired"), ("x2", "paired")):
        rules.append(
            (
                re.escape(f"(the values of {a} and {b} together)"),
                f"(the values in {flags[a]} {files[a]} and {flags[b]} {files[b]} together)",
            )
        )
    return rules


# --------------------------------------------------------------------------------------------------
# figures, info


def cmd_figures(args: argparse.Namespace) -> int:
    """Run ``mmbounds figures``: regenerate the paper's figures and tables into ``--out``.

    Checks the options, then calls :func:`mmbounds.figures.regenerate` (``--workers`` is its
    ``n_jobs``, ``--seed`` its ``random_state``, ``--no-progress`` turns the progress bars off)
    and prints its report on stdout.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of :func:`~mmbounds.cli._parser.build_parser` for this command.

    Returns
    -------
    int
        The exit code, 0; errors are raised and :func:`mmbounds.cli.main` turns them into
        exit codes (2 for each error listed here).

    Raises
    ------
    UsageError
        If ``--n-tables`` or ``--workers`` is below 1, the ``--multibench`` path does not
        exist, or ``--parts multibench`` is given without ``--multibench``.
    FileExistsError
        If an output file exists and ``--force`` is not given (nothing is written).
    FileNotFoundError
        If the ``--multibench`` path holds no data that can be recognised.
    ValueError
        If :func:`mmbounds.figures.regenerate` rejects the options.
    """
    from ..figures import regenerate

    if args.n_tables is not None and args.n_tables < 1:
        raise UsageError(f"--n-tables must be >= 1, got {args.n_tables}")
    if args.workers < 1:
        raise UsageError(f"--workers must be >= 1, got {args.workers}")
    if args.multibench is not None and not Path(args.multibench).exists():
        raise UsageError(f"--multibench path does not exist: {args.multibench}")
    if args.multibench is None and "multibench" in (args.parts or ()):
        raise UsageError(
            "--parts multibench needs --multibench PATH (MultiBench affect .pkl file(s) and/or "
            "an AV-MNIST folder)"
        )
    report = regenerate(
        args.out,
        quick=args.quick,
        tiny=args.tiny,
        multibench=args.multibench,
        allow_pickle=args.allow_pickle,
        force=args.force,
        n_tables=args.n_tables,
        n_jobs=args.workers,
        random_state=args.seed,
        parts=args.parts,
        progress=not args.no_progress,
    )
    sys.stdout.write(str(report) + "\n")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    """Run ``mmbounds info``: print the versions and the available array backends.

    One line each for mmbounds, Python (with the platform) and the packages numpy, scipy,
    cvxpy, clarabel, scikit-learn, torch and matplotlib (``not installed`` when missing), then
    the backends: numpy, and torch (cuda or cpu) when torch imports. The output depends on the
    machine.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed arguments of :func:`~mmbounds.cli._parser.build_parser` for this command.

    Returns
    -------
    int
        The exit code, 0.
    """
    import importlib.metadata as md
    import platform

    from .._version import __version__

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
