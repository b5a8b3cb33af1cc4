"""The ``mmbounds`` command line: ``demo``, ``estimate``, ``datasets``, ``figures``, ``info``.

Results go to stdout (``--format text|json|csv``); progress and errors go to stderr. Exit codes:
0 success, 1 failure, 2 usage error (bad arguments, missing or malformed input files, an output
that exists without ``--force``). User mistakes print one line ``mmbounds: error: ...`` (a traceback
only with ``--debug``). No command overwrites a file unless ``--force`` is given.

The top layer of the package: it calls the front door :func:`mmbounds.estimate`, the data
registry, :mod:`mmbounds.plotting` and :mod:`mmbounds.figures`, each imported inside the command
that needs it (so ``import mmbounds.cli`` stays light). Modules: :mod:`._parser` (the argument
parser), :mod:`._commands` (one function per command), :mod:`._io` (input files, output targets,
printing).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

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
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failure, 2 usage error)."""
    parser = build_parser()
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


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
