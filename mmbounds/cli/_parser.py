"""The argument parser of the command line (flags, help texts, one sub-parser per command)."""

from __future__ import annotations

import argparse
from typing import NoReturn

from .._version import __version__
from ._commands import cmd_demo, cmd_estimate, cmd_figures, cmd_info
from ._datasets import cmd_datasets
from ._io import UsageError

__all__ = ["build_parser"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``UsageError``), not usage text + exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None


def _seed(text: str) -> int:
    """``--seed``: an int that :func:`~mmbounds._validation.check_random_state` accepts."""
    from .._validation import check_random_state

    seed = _int(text)
    try:
        check_random_state(seed)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text} is negative; give a seed >= 0") from None
    return seed


def _confidence(text: str) -> float:
    """``--confidence``: 0 (no population intervals) or a level strictly between 0 and 1."""
    from .._validation import check_confidence

    try:
        level = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid float value: {text!r}") from None
    try:
        return level if level == 0 else check_confidence(level)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text} is no level; give a number between 0 and 1 (e.g. 0.95), or 0 to skip the "
            "population intervals"
        ) from None


def _device(text: str) -> str:
    """``--device``: a torch device name, as the option ``device`` takes it."""
    from .._options import Options

    try:
        Options(device=text)
    except (ValueError, ImportError) as exc:  # the reason (no such device, no GPU, no torch)
        raise argparse.ArgumentTypeError(str(exc).splitlines()[0]) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    """Build the ``mmbounds`` argument parser with one sub-parser per command.

    The commands are ``demo``, ``estimate``, ``datasets`` (with the actions ``list``,
    ``describe``, ``export``), ``figures`` and ``info``; ``--debug`` is accepted before or after
    the command name.

    Returns
    -------
    argparse.ArgumentParser
        A fresh parser. Its namespace holds ``command``, ``debug``, the command's options and
        ``func``, the command function of :mod:`._commands` to call with that namespace. An
        argument error raises :class:`UsageError` with a one-line message instead of printing
        the usage and exiting; ``--help`` still prints the help and raises ``SystemExit(0)``.
    """
    parser = _Parser(
        prog="mmbounds",
        description="Redundancy, uniqueness and synergy bounds without labeled multimodal data "
        "(bits).",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = _Parser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks on errors"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_demo(sub, common)
    _add_estimate(sub, common)
    _add_datasets(sub, common)
    _add_figures(sub, common)
    p = sub.add_parser("info", parents=[common], help="versions and available backends")
    p.set_defaults(func=cmd_info)
    return parser


def _add_demo(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "demo", parents=[common], help="run the bounds on embedded example data and print the table"
    )
    p.add_argument("--quick", action="store_true", help="smaller examples")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.set_defaults(func=cmd_demo)


def _add_estimate(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "estimate", parents=[common], help="estimate interactions from tables or discrete samples"
    )
    p.add_argument("--tables", help=".npz with arrays p_x1y, p_x2y, p_x1x2")
    p.add_argument("--joint", help=".npy/.npz with a full joint p[x1, x2, y] (validation)")
    p.add_argument("--d1", help="CSV (header + rows x1,y) of labeled modality-1 samples")
    p.add_argument("--d2", help="CSV (header + rows x2,y) of labeled modality-2 samples")
    p.add_argument("--dm", help="CSV (header + rows x1,x2) of unlabeled paired samples")
    p.add_argument("--normalize", action="store_true", help="tables hold counts; rescale them")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument(
        "--backend",
        choices=("auto", "numpy", "torch"),
        default="auto",
        help="array library of the fast solvers (option backend; default auto)",
    )
    p.add_argument(
        "--device",
        type=_device,
        default=None,
        help="torch device, e.g. cuda (option device; implies torch)",
    )
    p.add_argument(
        "--confidence",
        type=_confidence,
        default=None,
        help="samples only: level of the population intervals (default 0.95; 0 skips them)",
    )
    p.add_argument(
        "--inference",
        choices=("bootstrap", "certified"),
        default=None,
        help="samples only: bias-corrected bootstrap (default) or certified finite-sample bounds",
    )
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument("--out", help="write the result to this file instead of stdout")
    p.add_argument(
        "--plot", metavar="FILE", help="also save a picture of the result (.png, .pdf or .svg)"
    )
    p.add_argument("--force", action="store_true", help="overwrite --out / --plot if they exist")
    p.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar on stderr (one appears at the first step after a second)",
    )
    p.set_defaults(func=cmd_estimate)


def _add_datasets(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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
    q.add_argument("--seed", type=_seed, default=0, help="seed of synthetic data (default 0)")
    q.add_argument("--n-samples", type=int, default=None, help="samples of synthetic data")
    p.set_defaults(func=cmd_datasets)


def _add_figures(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from ..figures import PARTS as FIGURE_PARTS

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
    p.add_argument(
        "--allow-pickle",
        action="store_true",
        help="read --multibench .pkl files with plain pickle.load. WARNING: unpickling runs any "
        "code a file names; only for files you trust (default: a restricted reader that admits "
        "numpy arrays and builtin containers only)",
    )
    p.add_argument("--force", action="store_true", help="overwrite existing output files")
    p.add_argument(
        "--n-tables",
        type=int,
        default=None,
        help="Dirichlet(1) tables of the synthetic study (default 100000; quick 300)",
    )
    p.add_argument("--workers", type=int, default=2, help="processes for the synthetic study")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument(
        "--parts",
        nargs="+",
        metavar="PART",
        choices=FIGURE_PARTS,
        help="only these parts (default: all that apply)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    p.set_defaults(func=cmd_figures)
