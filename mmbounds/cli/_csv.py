"""The CSV files of the command line: ``--d1``, ``--d2``, ``--dm`` (a header, two columns)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from ._io import UsageError

__all__ = ["read_pairs_csv", "read_sources_csv"]

_LAYOUT = "x1,y for --d1, x2,y for --d2 and x1,x2 for --dm"


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _fractional(values: list[str]) -> str | None:
    """For a column of measurements, one that is not a whole number, else None.

    Measurements: numbers, some not whole, and more distinct values than ``max(20, n / 10)``
    (decimal category codes such as 401.9 repeat; measurements mostly do not)."""
    if len(set(values)) <= max(20, len(values) / 10):
        return None
    example = None
    for v in values:
        try:
            x = float(v)
        except ValueError:
            return None  # text: category names
        if example is None and math.isfinite(x) and not x.is_integer():
            example = v
    return example


def _rows(path: str, where: str) -> tuple[list[list[str]], list[int]]:
    """The non-empty rows of ``path`` and the file line (1-based) each one starts on."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"file not found: {where}")
    if p.is_dir():
        raise UsageError(f"{where}: {path} is a folder; give a CSV file")
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        # utf-8-sig: a byte order mark (Excel's "CSV UTF-8") is not part of the first name
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            start = 1
            for row in reader:
                if row:  # blank lines are skipped, but counted in the line numbers
                    rows.append(row)
                    lines.append(start)
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{where}: not a UTF-8 text CSV (byte {exc.start} cannot be decoded); save it as UTF-8"
        ) from None
    except csv.Error as exc:
        raise UsageError(f"{where}: malformed CSV ({exc})") from None
    return rows, lines


def read_pairs_csv(
    path: str, flag: str, features: tuple[int, ...] = (), labels: tuple[int, ...] = ()
) -> tuple[tuple[str, str], tuple[list[str], list[str]]]:
    """Read the header and the two columns of a CSV file of sample pairs (values as strings).

    Empty rows are skipped (the line numbers of the messages still count them); the first
    remaining row is the header, which the README requires: a first row of numbers only is
    refused, as it would be a sample taken for the header. The file must be UTF-8 (a byte order
    mark is allowed).

    Parameters
    ----------
    path : str
        The CSV file, as given on the command line.
    flag : str
        Its option (``"--d1"``, ``"--d2"`` or ``"--dm"``), for the messages.
    features : tuple of int
        The columns that hold a modality. A modality column of measurements (numbers, not all
        whole, with more than ``max(20, n / 10)`` distinct values) is refused: read as codes,
        each distinct value would become a category (382 measurements gave a 382-value modality
        where the Python API, given the same numbers, discretizes them into a few clusters).
    labels : tuple of int
        The columns that hold the label. One of continuous numbers (the same rule) is refused,
        as :func:`mmbounds.estimate` refuses non-integer labels.

    Returns
    -------
    tuple of ((str, str), (list of str, list of str))
        The header's two names (stripped; empty when the header has not two cells), and the
        first and the second column of the rows after the header, in file order, as strings
        (:func:`mmbounds.estimate` reads a column of strings as discrete values).

    Raises
    ------
    UsageError
        If ``path`` does not exist, is a folder, is not UTF-8 text, is malformed CSV, starts with
        a row of numbers instead of a header, has no row after the header, has a row without
        exactly two columns, a missing value (an empty or ``NA`` cell: its first line is named),
        a modality column of measurements (``features``) or a label column of continuous
        numbers (``labels``).
    OSError
        If the file exists but cannot be opened (no read permission: ``PermissionError``).
    """
    from .._validation import MISSING_STRINGS

    where = f"{flag} {path}"
    rows, lines = _rows(path, where)
    if rows and all(_number(v) for v in rows[0]):
        raise UsageError(
            f"{where}: line {lines[0]} ({','.join(rows[0])}) holds numbers, not column names; "
            f"each file starts with a header row: {_LAYOUT}. Add one (the first sample would "
            "otherwise be taken for the header)"
        )
    if len(rows) < 2:
        raise UsageError(f"{where}: expected a header and at least one row of two columns")
    bad = [lines[i] for i, r in enumerate(rows) if i and len(r) != 2]
    if bad:
        hint = ""
        if len(rows[0]) == 3 and rows[0][0] == "":
            hint = " (its first column looks like a row index: save the table with index=False)"
        elif len(rows[0]) == 1 and any(d in rows[0][0] for d in ";\t|"):
            sep = next(d for d in ";\t|" if d in rows[0][0])
            hint = f" (its header is split by {sep!r}: the files must be comma-separated)"
        raise UsageError(
            f"{where}: line {bad[0]} does not have exactly two columns{hint}; each file holds a "
            f"header and two columns of discrete values: {_LAYOUT}. For raw multi-column "
            "features use the Python API (mmbounds.estimate discretizes them) or discretize "
            "them first"
        )
    body, body_lines = rows[1:], lines[1:]
    cols = [r[0] for r in body], [r[1] for r in body]
    header = (rows[0][0].strip(), rows[0][1].strip()) if len(rows[0]) == 2 else ("", "")
    for k, col in enumerate(cols):
        name = f"column {header[k]!r}" if header[k] else f"column {k + 1}"
        missing = [i for i, v in enumerate(col) if v.strip() in MISSING_STRINGS]
        if missing:
            raise UsageError(
                f"{where}: {name} has {len(missing)} missing value(s) (empty or NA/nan cells), "
                f"first on line {body_lines[missing[0]]}; drop or impute those rows"
            )
        example = _fractional(col) if k in features or k in labels else None
        if example is not None and k in features:
            raise UsageError(
                f"{where}: {name} holds measurements ({example!r}), not discrete codes; the "
                "command line takes each distinct value as a category. Discretize it first "
                "(e.g. mmbounds.raw.Discretizer), or pass the numbers to mmbounds.estimate in "
                "Python, which discretizes raw features"
            )
        if example is not None:
            raise UsageError(
                f"{where}: label {name} holds continuous numbers ({example!r}), not classes; "
                "the label must be discrete (mmbounds.estimate refuses non-integer labels too): "
                "bin it first (e.g. numpy.digitize) or write the class codes as integers"
            )
    return header, cols


def read_sources_csv(d1: str, d2: str, dm: str) -> tuple[tuple[list[str], list[str]], ...]:
    """Read ``--d1``, ``--d2`` and ``--dm`` and check that their headers do not contradict.

    The headers are free names, but where they repeat they must say the same: ``--dm``'s two
    columns must not be ``--d2``'s and ``--d1``'s first columns in reverse (x2,x1 instead of
    x1,x2), and the label column of one labeled file must not be the first column of the other or
    of ``--dm`` (x1 and y swapped). Such files run without error and give another decomposition.

    Parameters
    ----------
    d1, d2, dm : str
        The CSV files of ``x1,y``, ``x2,y`` and ``x1,x2`` (see :func:`read_pairs_csv`).

    Returns
    -------
    tuple of 3 pairs of lists of str
        The two columns of each file, in the order ``d1, d2, dm``.

    Raises
    ------
    UsageError
        As :func:`read_pairs_csv`, or if the headers say the columns are swapped.
    """
    (h1, c1), (h2, c2), (hm, cm) = (
        read_pairs_csv(d1, "--d1", features=(0,), labels=(1,)),
        read_pairs_csv(d2, "--d2", features=(0,), labels=(1,)),
        read_pairs_csv(dm, "--dm", features=(0, 1)),
    )
    a1, y1 = (v.casefold() for v in h1)
    a2, y2 = (v.casefold() for v in h2)
    m1, m2 = (v.casefold() for v in hm)
    named = all((a1, y1, a2, y2, m1, m2)) and len({a1, a2}) == 2
    if named and (m1, m2) == (a2, a1):
        raise UsageError(
            f"--dm {dm}: its columns are named {hm[0]!r}, {hm[1]!r}, but --d1's modality column "
            f"is {h1[0]!r} and --d2's {h2[0]!r}: the paired columns look swapped. Put the column "
            "of x1 first (or rename the headers if the names mean something else)"
        )
    for flag, path, header, label, other in (("--d1", d1, h1, y1, y2), ("--d2", d2, h2, y2, y1)):
        first = header[0].casefold()
        if named and first == other and first != label:
            raise UsageError(
                f"{flag} {path}: its first column is named {header[0]!r}, the label column of "
                "the other labeled file: the columns look swapped. Each labeled file holds the "
                "modality first and the label second (or rename the headers if the names mean "
                "something else)"
            )
    return c1, c2, cm
