"""Independent tasks of the inference layer, run in order: in this process or through joblib.

Replicates and sweep rows are independent tasks with their seeds drawn in advance, so a result
depends on the seeds only, never on how many workers ran them or in which order they finished.
``n_jobs=1`` runs the tasks here; any other value, ``None`` included, hands them to
:class:`joblib.Parallel`, which follows the active :func:`joblib.parallel_config` (serial when
none is active): ``with parallel_config(backend="dask"):`` sends them to a Dask cluster.

Python's warning filters are global to a process (before Python 3.14), so two tasks that capture
warnings at the same time in two threads of one process would corrupt each other's filters.
:func:`captured_warnings` holds a process-wide lock while a task captures them: threads of one
worker then take turns, processes still run side by side (give Dask workers one thread each).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from .._options import Options

__all__ = ["run_tasks", "captured_warnings", "check_n_jobs"]

_WARNINGS_LOCK = threading.RLock()


def check_n_jobs(n_jobs: Any) -> None:
    """Check an ``n_jobs`` argument: None or a nonzero int (negative counts as in joblib).

    Parameters
    ----------
    n_jobs : Any
        The argument to check.

    Raises
    ------
    TypeError
        When it is not None or an int.
    ValueError
        When it is 0.

    Examples
    --------
    >>> check_n_jobs(-1) is None
    True
    >>> check_n_jobs(0)
    Traceback (most recent call last):
    ...
    ValueError: n_jobs == 0, must be a positive count or negative (joblib)
    """
    Options(n_jobs=n_jobs)  # the one rule, that of the option


def run_tasks(
    fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]], n_jobs: int | None
) -> Iterator[Any]:
    """``fn(*args)`` for each ``args`` of ``tasks``, yielded in the order of ``tasks``.

    Parameters
    ----------
    fn : callable
        A module-level function (workers in other processes import it by name).
    tasks : iterable of tuple
        The positional arguments of each call.
    n_jobs : int or None
        1: run here, one after the other. Otherwise joblib workers (``None``: as the active
        :func:`joblib.parallel_config` says, serial when none is active).

    Returns
    -------
    iterator
        The results, in the order of ``tasks``.

    Examples
    --------
    >>> list(run_tasks(pow, [(2, 3), (3, 2)], n_jobs=1))
    [8, 9]
    >>> list(run_tasks(pow, [(2, 3), (3, 2)], n_jobs=None))
    [8, 9]
    """
    if n_jobs == 1:
        return (fn(*args) for args in tasks)
    from joblib import Parallel, delayed  # here: joblib (asyncio, ssl) slows `import mmbounds`

    return Parallel(n_jobs=n_jobs, return_as="generator")(delayed(fn)(*args) for args in tasks)


@contextmanager
def captured_warnings(
    *, record: bool = False, message: str = "", category: type[Warning] = Warning
) -> Iterator[Any]:
    """:func:`warnings.catch_warnings` ignoring (or recording) warnings, one thread at a time.

    Parameters
    ----------
    record : bool
        Record every warning and yield the list (else ignore the matching ones).
    message, category :
        Which warnings to ignore when not recording (as in :func:`warnings.filterwarnings`; the
        defaults match every warning). Others follow the filters already in force.

    Yields
    ------
    list of warnings.WarningMessage or None
        The caught warnings when ``record``.

    Examples
    --------
    >>> with captured_warnings(record=True) as caught:
    ...     warnings.warn("resampled marginals disagree")
    >>> len(caught)
    1
    >>> with captured_warnings(message="few samples"):
    ...     warnings.warn("few samples per cell")
    """
    with _WARNINGS_LOCK, warnings.catch_warnings(record=record) as caught:
        if record:
            warnings.simplefilter("always")
        else:
            warnings.filterwarnings("ignore", message=message, category=category)
        yield caught
