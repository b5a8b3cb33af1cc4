"""The ``mmbounds datasets`` command: list, describe and export the registered datasets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ._io import UsageError, check_target, naming, writing

__all__ = ["cmd_datasets"]


def _check_dataset_name(name: str) -> None:
    import difflib

    from ..data import list_datasets

    names = list_datasets()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(f"unknown dataset {name!r}{hint} (see `mmbounds datasets list`)")


def cmd_datasets(args: argparse.Namespace) -> int:
    """Run ``mmbounds datasets list|describe|export``: the built-in data registry.

    ``list`` prints each dataset's name, kind and description (``--format json``: a list of
    :func:`mmbounds.data.describe_dataset` records); ``describe NAME`` prints one record as
    ``key: value`` lines or JSON. ``export NAME --out FILE`` writes a ``.npz`` (the suffix is
    added when missing): a table as the arrays ``joint``, ``p_x1y``, ``p_x2y`` and ``p_x1x2``;
    synthetic data (drawn with ``--seed``, and ``--n-samples`` if given) and shipped data in
    the format of :func:`mmbounds.data.save_npz`. It prints the file name on stdout and what
    was written on stderr.

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
        If the dataset name is unknown (the message suggests close names); ``--n-samples`` is
        given for a table or shipped data; the export target exists without ``--force``, is a
        folder or lies in a missing folder.
    ValueError
        If the synthetic dataset cannot be drawn with ``--n-samples`` (too few); the message
        names the option.
    """
    import json

    from ..data import describe_dataset, list_datasets

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
    from ..data import describe_dataset, load_dataset, save_npz

    target = Path(args.out)
    if target.is_dir() or target.name in ("", ".", ".."):
        raise UsageError(f"--out {args.out} is a folder; give a file name")
    if target.suffix != ".npz":
        target = target.with_name(target.name + ".npz")
    check_target(str(target), args.force, what="--out")
    kind = describe_dataset(args.name)["kind"]
    if kind == "table":
        if args.n_samples is not None:
            raise UsageError(f"{args.name} is an exact table; --n-samples does not apply")
        p = load_dataset(args.name)
        with writing(target, what="--out"):
            np.savez(
                target, joint=p, p_x1y=p.sum(axis=1), p_x2y=p.sum(axis=0), p_x1x2=p.sum(axis=2)
            )
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
        raise UsageError(f"{args.name} is shipped data; --n-samples does not apply")
    with naming([(r"\bn_samples( ==)?", "--n-samples")]):  # the size a dataset needs
        data = load_dataset(args.name, **kwargs)
    with writing(target, what="--out"):
        save_npz(target, data)
    sys.stdout.write(f"{target}\n")
    sys.stderr.write(f"mmbounds: wrote {data!r}\n")
    return 0
