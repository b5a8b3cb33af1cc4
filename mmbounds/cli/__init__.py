"""The ``mmbounds`` command line: ``demo``, ``estimate``, ``datasets``, ``figures``, ``info``.

Results go to stdout (``--format text|json|csv``); progress and errors go to stderr. Exit codes:
0 success; 2 bad input: bad arguments (argparse's errors too), missing, corrupt or malformed input
files, values the validation door rejects (its ``ValueError`` / ``TypeError``), an output that
exists without ``--force``; 1 any other failure (a solver error, a missing optional dependency);
141 (128 + SIGPIPE, what a shell reports for a program a closed pipe stops) when the reader of
stdout goes away first, as in ``mmbounds estimate ... | head -1``, with nothing printed. An error
prints one line ``mmbounds: error: ...`` (a traceback only with ``--debug``); a warning prints one
line ``mmbounds: warning: ...``, without the internal file and line (they come back with
``--debug``). No command overwrites a file unless ``--force`` is given. ``mmbounds --version``
prints the version.

The top layer of the package: it calls the front door :func:`mmbounds.estimate`, the data
registry, :mod:`mmbounds.plotting` and :mod:`mmbounds.figures`, each imported inside the command
that needs it (so ``import mmbounds.cli`` stays light). Modules: :mod:`._parser` (the argument
parser), :mod:`._commands` (one function per command; ``datasets`` in :mod:`._datasets`),
:mod:`._io` (array input files, output targets, printing), :mod:`._csv` (the CSV input files).
"""

from __future__ import annotations

import os
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
    """Run the ``mmbounds`` command line on ``argv`` and return its exit code.

    Parses the arguments with :func:`~mmbounds.cli._parser.build_parser` and calls the chosen
    command. Errors are caught and printed as one line ``mmbounds: error: ...`` on stderr; while
    the command runs, each warning prints as one line ``mmbounds: warning: ...`` (the previous
    ``warnings.showwarning`` is restored afterwards). With ``--debug`` a command's error
    propagates with its traceback and warnings print the standard way.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments without the program name, e.g. ``["estimate", "--tables", "t.npz"]``;
        None reads ``sys.argv[1:]`` (what argparse does by default).

    Returns
    -------
    int
        The exit code: 0 on success (``--help`` included); 2 on bad input: bad arguments,
        missing, corrupt or malformed input files, values the validation door rejects
        (``ValueError`` / ``TypeError``), an output that exists without ``--force``; 1 on any
        other failure (a missing optional dependency, a solver error); 141, quietly, when stdout
        is a pipe whose reader has gone (``| head -1``).

    Raises
    ------
    Exception
        Only with ``--debug`` (given in ``argv``): the error a command raised propagates with its
        traceback instead of becoming an exit code. Errors of the arguments themselves still
        return 2.

    Examples
    --------
    >>> from mmbounds.cli import main
    >>> main(["datasets", "describe", "xor"])
    name: xor
    kind: table
    description: y = x1 XOR x2: S 1
    shape: [2, 2, 2]
    0
    >>> main(["datasets", "describe", "xr"])  # one line on stderr: unknown dataset 'xr'; ...
    2
    """
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
        code = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's flush at exit
        return code
    except BrokenPipeError:
        return _closed_pipe()
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


def _closed_pipe() -> int:
    """Stop quietly when the reader of stdout has gone (``mmbounds ... | head -1``).

    What the Python documentation advises (:mod:`signal`, "Note on SIGPIPE"): point stdout at
    ``os.devnull``, so that the interpreter's own flush at exit does not fail again with a
    traceback, and exit without a message. The code is 141 = 128 + SIGPIPE, the status a shell
    reports for ``cat`` or ``yes`` stopped by a closed pipe (and for Python CLIs that restore
    ``SIG_DFL``), so ``set -o pipefail`` scripts read it as they do for those; it is neither 1
    (a failure) nor 2 (bad input).
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # stdout is no file descriptor (a captured stream): nothing is flushed at exit
    return 141


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
