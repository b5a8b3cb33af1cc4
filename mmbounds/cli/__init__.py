"""The ``mmbounds`` command line: ``demo``, ``estimate``, ``datasets``, ``figures``, ``info``.

Results go to stdout (``--format text|json|csv``); progress and errors go to stderr. Exit codes:
0 success; 2 bad input: bad arguments (argparse's errors too), missing, corrupt or malformed input
files, values the validation door rejects (its ``ValueError`` / ``TypeError``), an output that
exists without ``--force``; 1 any other failure (a solver error, a missing optional dependency).
An error prints one line ``mmbounds: error: ...`` (a traceback only with ``--debug``); a warning
prints one line ``mmbounds: warning: ...``, without the internal file and line (they come back
with ``--debug``). No command overwrites a file unless ``--force`` is given.

The top layer of the package: it calls the front door :func:`mmbounds.estimate`, the data
registry, :mod:`mmbounds.plotting` and :mod:`mmbounds.figures`, each imported inside the command
that needs it (so ``import mmbounds.cli`` stays light). Modules: :mod:`._parser` (the argument
parser), :mod:`._commands` (one function per command), :mod:`._io` (input files, output targets,
printing).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence
from typing import Any

from ._io import UsageError
from ._parser import build_parser

__all__ = ["main"]

_USAGE_ERRORS = (
    UsageError,
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
    ValueError,  # the validation door: a bad value in the input
    TypeError,  # the validation door: the wrong kind of input
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failure, 2 bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:  # argparse's errors, raised as one line by the parser
        sys.stderr.write(f"mmbounds: error: {_one_line(exc)}\n")
        return 2
    except SystemExit as exc:  # --help, --version
        return int(exc.code or 0)
    shown = warnings.showwarning
    if not args.debug:
        warnings.showwarning = _show_warning
    try:
        return int(args.func(args))
    except _USAGE_ERRORS as exc:
        if args.debug:
            raise
        sys.stderr.write(f"mmbounds: error: {_one_line(exc)}\n")
        return 2
    except ImportError as exc:
        if args.debug:
            raise
        sys.stderr.write(f"mmbounds: error: {_one_line(exc)}\n")
        return 1
    except Exception as exc:  # pragma: no cover - unexpected failures
        if args.debug:
            raise
        sys.stderr.write(f"mmbounds: error: {type(exc).__name__}: {_one_line(exc)}\n")
        return 1
    finally:
        warnings.showwarning = shown


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """One line ``mmbounds: warning: <message>``, without the internal path and line."""
    (file or sys.stderr).write(f"mmbounds: warning: {_one_line(message)}\n")


def _one_line(exc: BaseException | Warning | str) -> str:
    return " ".join(str(exc).split())
