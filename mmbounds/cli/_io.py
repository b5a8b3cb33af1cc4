"""Array input files, output targets, messages and printing of the command line (no estimation).

The CSV input files are read in :mod:`._csv`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "UsageError",
    "PLOT_FORMATS",
    "load_npz",
    "naming",
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


@contextlib.contextmanager
def naming(rules: Sequence[tuple[str, str]]) -> Iterator[None]:
    """Say the command line's options where an error of the Python API names its arguments.

    The options are checked by the parser where that is simple (``--seed``, ``--confidence``,
    ``--device``); what only the validation door can judge (the values in a file, the size
    ``--n-samples`` a dataset needs) comes back in the API's words (``data``, ``x1[1] (y)``,
    ``n_samples``), which these rules rewrite.

    Parameters
    ----------
    rules : sequence of (str, str)
        Regular expressions and the literal text that replaces each of their matches, applied
        in order.

    Yields
    ------
    None

    Raises
    ------
    ValueError, TypeError
        The block's error, of the same type, with the rewritten message (the original is its
        ``__cause__``); an error that no rule changes propagates unchanged.

    Examples
    --------
    >>> try:
    ...     with naming([(r"^data\\b", "--joint j.npy")]):
    ...         raise ValueError("data contains 4 NaN or infinite entries")
    ... except ValueError as exc:
    ...     print(exc)
    --joint j.npy contains 4 NaN or infinite entries
    """
    try:
        yield
    except (ValueError, TypeError) as exc:
        message = str(exc)
        for pattern, text in rules:
            message = re.sub(pattern, lambda _, text=text: text, message)
        if message == str(exc):
            raise
        raise type(exc)(message) from exc


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
