"""Input files, output targets and printing of the command line (no estimation here)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "UsageError",
    "PLOT_FORMATS",
    "load_npz",
    "read_pairs_csv",
    "read_sources_csv",
    "check_target",
    "writing",
    "print_rows",
    "format_result",
    "save_result_plot",
]

PLOT_FORMATS = (".png", ".pdf", ".svg")


class UsageError(Exception):
    """A mistake in the command line or its input files (exit code 2)."""


def load_npz(path: str) -> dict[str, np.ndarray] | np.ndarray:
    """Read the arrays of a ``.npz`` (a dict, all read now) or the array of a ``.npy`` file.

    Never unpickles; a corrupt file or one holding Python objects is a ``UsageError``.

    Parameters
    ----------
    path : str
        The ``.npz`` or ``.npy`` file, as given on the command line.

    Returns
    -------
    dict of str to ndarray, or ndarray
        For a ``.npz``: every member array by name, read into memory (the file is closed). For
        a ``.npy``: its array.

    Raises
    ------
    UsageError
        If ``path`` does not exist, is a folder, or cannot be read as a ``.npz``/``.npy`` file
        (corrupt, truncated, or holding Python objects); the message names the file.
    """
    from ..data._npz import read_arrays

    p = Path(path)
    if not p.exists():
        raise UsageError(f"file not found: {path}")
    if p.is_dir():
        raise UsageError(f"{path} is a folder; give a .npz or .npy file")
    try:
        return read_arrays(p)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


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


def read_pairs_csv(path: str, features: tuple[int, ...] = ()) -> tuple[list[str], list[str]]:
    """Read the two columns of a CSV file with a header row (values kept as strings).

    Empty rows are skipped; the first remaining row is the header and is dropped. The file must
    be UTF-8.

    Parameters
    ----------
    path : str
        The CSV file, as given on the command line (``--d1``, ``--d2`` or ``--dm``).
    features : tuple of int
        The columns that hold a modality. A modality column of measurements (numbers, not all
        whole, with more than ``max(20, n / 10)`` distinct values) is refused: read as codes,
        each distinct value would become a category (382 measurements gave a 382-value modality
        where the Python API, given the same numbers, discretizes them into a few clusters).

    Returns
    -------
    tuple of (list of str, list of str)
        The first and the second column of the rows after the header, in file order, as strings
        (:func:`mmbounds.estimate` reads a column of strings as discrete values).

    Raises
    ------
    UsageError
        If ``path`` does not exist, is a folder, is not UTF-8 text, is malformed CSV, has no row
        after the header, has a row without exactly two columns, or a modality column of
        measurements (``features``).
    OSError
        If the file exists but cannot be opened (no read permission: ``PermissionError``).
    """
    return _read_csv(path, features)[1]


def _read_csv(
    path: str, features: tuple[int, ...]
) -> tuple[tuple[str, str], tuple[list[str], list[str]]]:
    """The header and the two columns of ``path`` (see :func:`read_pairs_csv`)."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"file not found: {path}")
    if p.is_dir():
        raise UsageError(f"{path} is a folder; give a CSV file")
    try:
        with p.open(newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.reader(fh) if r]
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path}: not a UTF-8 text CSV (byte {exc.start} cannot be decoded); save it as UTF-8"
        ) from None
    except csv.Error as exc:
        raise UsageError(f"{path}: malformed CSV ({exc})") from None
    if len(rows) < 2:
        raise UsageError(f"{path}: expected a header and at least one row of two columns")
    body = rows[1:]
    bad = [i + 2 for i, r in enumerate(body) if len(r) != 2]
    if bad:
        hint = (
            " (its first column looks like a row index: save the table with index=False)"
            if len(rows[0]) == 3 and rows[0][0] == ""
            else ""
        )
        raise UsageError(
            f"{path}: line {bad[0]} does not have exactly two columns{hint}; each file holds a "
            "header and two columns of discrete values: x1,y for --d1, x2,y for --d2 and x1,x2 "
            "for --dm. For raw multi-column features use the Python API (mmbounds.estimate "
            "discretizes them) or discretize them first"
        )
    cols = [r[0] for r in body], [r[1] for r in body]
    header = (rows[0][0].strip(), rows[0][1].strip()) if len(rows[0]) == 2 else ("", "")
    for k in features:
        example = _fractional(cols[k])
        if example is not None:
            raise UsageError(
                f"{path}: column {rows[0][k]!r} holds measurements ({example!r}), not discrete "
                "codes; the command line takes each distinct value as a category. Discretize it "
                "first (e.g. mmbounds.raw.Discretizer), or pass the numbers to mmbounds.estimate "
                "in Python, which discretizes raw features"
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
        _read_csv(d1, (0,)),
        _read_csv(d2, (0,)),
        _read_csv(dm, (0, 1)),
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


def check_target(path: str | None, force: bool, *, what: str) -> Path | None:
    """Check an output file name: refuse to overwrite ``path`` without ``--force``.

    Nothing is written or created here; the check runs before any work so that a bad target
    fails fast.

    Parameters
    ----------
    path : str or None
        The output file given on the command line; None when the option was not given.
    force : bool
        Whether ``--force`` was given (an existing file may then be overwritten).
    what : str
        The option's name for the error messages, e.g. ``"--out"``.

    Returns
    -------
    Path or None
        ``path`` as a :class:`~pathlib.Path`, or None when ``path`` is None.

    Raises
    ------
    UsageError
        If ``path`` is a folder, exists and ``force`` is False, or its folder does not exist.
    """
    if path is None:
        return None
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{what} {path} is a folder; give a file name")
    if p.exists() and not force:
        raise UsageError(f"{p} exists; pass --force to overwrite")
    if not p.parent.is_dir():
        raise UsageError(f"folder of {what} {path} does not exist")
    return p


@contextlib.contextmanager
def writing(path: Path, *, what: str) -> Iterator[Path]:
    """Turn a failure to write ``path`` into a :class:`UsageError` naming the option.

    :func:`check_target` runs before the work; the write itself can still fail (a folder that
    is not writable, a full disk, a special file system such as ``/proc``). Without this the
    command line would print the bare ``[Errno 2] No such file or directory``.

    Parameters
    ----------
    path : Path
        The file being written.
    what : str
        The option's name for the message, e.g. ``"--out"``.

    Yields
    ------
    Path
        ``path``.

    Raises
    ------
    UsageError
        If the block raises an :class:`OSError`.

    Examples
    --------
    >>> from pathlib import Path
    >>> try:
    ...     with writing(Path("/proc/result.json"), what="--out") as p:
    ...         _ = p.write_text("{}")
    ... except UsageError as exc:
    ...     print(str(exc).split(":")[0])
    cannot write --out /proc/result.json
    """
    try:
        yield path
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(
            f"cannot write {what} {path}: {reason}; choose a file in a writable folder"
        ) from exc


def print_rows(rows: list[dict[str, Any]], fmt: str, out: Any) -> None:
    """Write the demo table to ``out``: one row per dataset, as text, JSON or CSV.

    JSON and CSV hold every key of the rows. The text table shows R, U1, U2, the bounds on S and
    the true S (4 decimals, ``—`` where a value is None, residues below 5e-7 as 0), flags each
    row whose status is not ``"ok"`` and prints its message below, says of each row whose
    ``S >=`` prints 0 while its true S does not that the pairwise marginals cannot tell whether
    synergy is present (XOR-type), then a note on what the bounds mean.

    Parameters
    ----------
    rows : list of dict
        At least one row; each has the keys ``data`` (the dataset's name), ``R``, ``U1``,
        ``U2``, ``S_lower``, ``S_upper``, ``S_true`` (bits or None), ``status`` and
        ``message``; more keys are allowed. The CSV columns are the keys of the first row.
    fmt : str
        ``"json"``, ``"csv"``; anything else writes the text table.
    out : file-like
        A text stream with ``write``, e.g. ``sys.stdout``.
    """
    if fmt == "json":
        json.dump(rows, out, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        return
    from ..results._glossary import term

    width = max(len(r["data"]) for r in rows)
    keys = ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper")
    cols = [term(k) for k in keys] + [term("synergy_true_column")]
    head = f"{'data':<{width}}  " + " ".join(f"{c:>7}" for c in cols)
    out.write(head + "\n" + "-" * len(head) + "\n")
    for r in rows:
        vals = [r[k] for k in ("R", "U1", "U2", "S_lower", "S_upper", "S_true")]
        cells = " ".join(
            "      —" if v is None else f"{0.0 if abs(v) < 5e-7 else v:7.4f}" for v in vals
        )
        flag = "" if r["status"] == "ok" else f"  [{r['status']}]"
        out.write(f"{r['data']:<{width}}  {cells}{flag}\n")
    for r in rows:
        if r["status"] != "ok":
            out.write(f"{r['data']}: status {r['status']!r}: {r['message']}\n")
    for r in rows:  # XOR-type: S >= prints 0 while the labeled joint has synergy
        s_lo, s_true = r["S_lower"], r["S_true"]
        if s_true is not None and abs(s_lo) < 5e-5 and s_true >= 5e-5:
            out.write(
                f"{r['data']}: S >= 0 while the labeled joint has S = {s_true:.4f}: the pairwise "
                "marginals cannot tell whether synergy is present; only labeled multimodal data "
                "can decide\n"
            )
    out.write(
        "(bits; S >= / S <= are the best guaranteed bounds from the pairwise marginals only; for\n"
        " the mfeat sample they bound the sample tables: `mmbounds estimate --d1 --d2 --dm` on\n"
        " independent samples adds confidence intervals for the population)\n"
    )


CSV_COLUMNS = ("name", "side", "bits", "guaranteed", "scope", "low", "high", "verdict", "note")


def format_result(res: Any, fmt: str) -> str:
    """One estimate as text (its ``repr``), JSON or CSV (both from ``res.to_dict()``).

    The CSV has one row per quantity and bound (columns :data:`CSV_COLUMNS`), then a ``status``
    row (``verdict``: the status, ``guaranteed``: whether the numbers remain valid, ``note``: what
    the status means) and a ``message`` row (``note``: the reason, empty when there is none).
    Values in bits; residues below 1e-9 are written as 0.

    Parameters
    ----------
    res : EstimateResult
        The result of :func:`mmbounds.estimate`.
    fmt : str
        ``"text"``, ``"json"``; anything else writes the CSV.

    Returns
    -------
    str
        The whole output, ending with a line break (CSV rows end with ``\\r\\n``, as the
        :mod:`csv` module writes them).
    """
    if fmt == "text":
        return repr(res) + "\n"
    d = res.to_dict()
    if fmt == "json":
        return json.dumps(d, indent=2) + "\n"
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    scope = "sample tables" if d.get("from_samples") else "tables"
    for k in ("redundancy", "unique1", "unique2", "synergy_lower", "synergy_upper"):
        method = d.get(f"{k}_method", "")
        w.writerow([k, "", d[k], True, scope, "", "", "", f"by {method}" if method else ""])
    for b in d["bounds"]:
        w.writerow(
            [b["name"], b["side"], b["value"], b["guaranteed"], scope, "", "", "", b["note"]]
        )
    for k in ("synergy_true", "synergy_witness"):
        if d.get(k) is not None:
            w.writerow([k, "", d[k], k == "synergy_true", scope, "", "", "", _short(k)])
    inf = d.get("inference")
    if inf:
        level = f"population ({inf['confidence']:.0%} {inf['mode']})"
        for k, iv in inf["intervals"].items():
            w.writerow([k, "", iv["estimate"], "", level, iv["low"], iv["high"], iv["verdict"], ""])
    w.writerow(["status", "", "", d["valid"], "", "", "", d["status"], d["status_meaning"]])
    w.writerow(["message", "", "", "", "", "", "", "", d["message"]])
    return buf.getvalue()


def _short(key: str) -> str:
    from ..results._glossary import TERMS

    return f"{TERMS[key].label}: {TERMS[key].short}"


def save_result_plot(res: Any, path: Path) -> None:
    """Save :func:`mmbounds.plotting.plot_result` of ``res`` to ``path`` (format from suffix).

    The figure is 8.5 x 3.2 inches, written at 150 dpi with a tight bounding box; an existing
    file is overwritten (:func:`check_target` guards it before).

    Parameters
    ----------
    res : EstimateResult
        The result to draw.
    path : Path
        The image file; its suffix (``.png``, ``.pdf`` or ``.svg``) chooses the format.

    Raises
    ------
    UsageError
        If matplotlib is not installed.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise UsageError(
            "--plot needs matplotlib (a dependency of mmbounds): pip install matplotlib"
        ) from None
    from ..plotting import plot_result

    fig = Figure(figsize=(8.5, 3.2), layout="constrained")
    plot_result(res, ax=fig.subplots())
    fig.savefig(path, dpi=150, bbox_inches="tight", pad_inches=0.05)  # nothing clipped
