"""One progress bar over a whole operation, shared by every layer it passes through (internal).

:func:`mmbounds.estimate` makes one :class:`Progress` and hands it down as ``progress=``:
discretizing, counting and reconciling, the BROJA solve, every bound, the population resamples and
the bootstrap all tick the same tqdm bar (stderr), and each step's wall time is recorded, so
``result.timings`` adds up to its ``"total"``. A function called on its own with
``progress=True`` makes its own (:func:`as_progress`); ``False`` shows nothing and still times.
The bar appears at the first tick after the operation has run for :data:`DELAY_S` seconds, so
the calls that show one by default stay silent when they are quick.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = ["DELAY_S", "Progress", "as_progress"]

#: seconds an operation runs before its bar appears (quick calls show none)
DELAY_S = 1.0


class Progress:
    """A tqdm bar (or nothing) plus the wall time of each named step.

    Parameters
    ----------
    enabled : bool
        Show the bar.
    desc : str
        Its title.

    Examples
    --------
    >>> run = Progress(False)
    >>> run.add(2)
    >>> with run.step("discretize", units=2):
    ...     pass
    >>> run.done, sorted(run.timings)
    (2, ['discretize'])
    """

    def __init__(self, enabled: bool, desc: str = "mmbounds.estimate") -> None:
        if not isinstance(enabled, (bool, np.bool_)):
            raise TypeError(
                f"progress must be True or False, got {type(enabled).__name__} {enabled!r}"
            )
        self.enabled = bool(enabled)
        self.desc = desc
        self.total = 0
        self.done = 0
        self.timings: dict[str, float] = {}
        self.started = time.perf_counter()
        self._bar: Any = None
        self._postfix = ""
        self._announced: dict[str, int] = {}

    def _shown(self) -> Any:
        """The tqdm bar, made at the first tick after :data:`DELAY_S` seconds (None before)."""
        if self._bar is None and self.enabled:
            if time.perf_counter() - self.started >= DELAY_S:
                from tqdm.auto import tqdm

                self._bar = tqdm(
                    total=self.total,
                    initial=self.done,
                    desc=self.desc,
                    unit="step",
                    leave=False,
                    dynamic_ncols=True,
                    postfix=self._postfix or None,
                )
        return self._bar

    def add(self, units: int, key: str | None = None) -> None:
        """Announce ``units`` more steps (the bar's total grows as each layer learns its work).

        Parameters
        ----------
        units : int
            Steps to come.
        key : str, optional
            Steps announced in advance under ``key`` (by a caller that knew them first) are not
            counted twice when the layer doing them announces them under the same ``key``.
        """
        if key is not None:
            if key in self._announced:
                units = int(units) - self._announced.pop(key)
            else:
                self._announced[key] = int(units)
        self.total += max(int(units), 0)
        bar = self._shown()
        if bar is not None:
            bar.total = self.total
            bar.refresh()

    def advance(self, units: int = 1, label: str | None = None) -> None:
        """Mark steps done.

        Parameters
        ----------
        units : int
            Steps done.
        label : str, optional
            What runs next (shown after the bar).
        """
        bar = self._shown()  # made before this tick counts: its update below adds the tick once
        self.done += int(units)
        if label is not None:
            self._postfix = label
        if bar is not None:
            if label is not None:
                bar.set_postfix_str(label, refresh=False)
            bar.update(int(units))

    def label(self, text: str) -> None:
        """Name the step now running.

        Parameters
        ----------
        text : str
            Shown after the bar.
        """
        self._postfix = text
        bar = self._shown()
        if bar is not None:
            bar.set_postfix_str(text)

    @contextmanager
    def step(self, name: str, units: int = 1) -> Iterator[None]:
        """Time the block as ``timings[name]`` (added up over repeats) and tick ``units`` after.

        Parameters
        ----------
        name : str
            The step's name in ``timings``.
        units : int
            Steps the block completes.

        Returns
        -------
        contextmanager
        """
        self.label(name)
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0
            self.advance(units)

    def close(self) -> None:
        """Remove the bar (none appears after)."""
        self.enabled = False
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def finish(self, result: Any) -> Any:
        """``result`` with this run's step timings and ``"total"`` (wall time since creation).

        Parameters
        ----------
        result : EstimateResult
            Its own step timings (the solve and each bound) are kept.

        Returns
        -------
        EstimateResult
            A copy with ``timings`` completed; the bar is closed.
        """
        self.close()
        timings = {**dict(result.timings), **self.timings}
        timings["total"] = time.perf_counter() - self.started
        return dataclasses.replace(result, timings=MappingProxyType(timings))


def as_progress(
    progress: bool | Progress, desc: str = "mmbounds.estimate"
) -> tuple[Progress, bool]:
    """The caller's :class:`Progress`, or a new one.

    Parameters
    ----------
    progress : bool or Progress
        A bar handed down, or whether to show a new one.
    desc : str
        Title of a new bar.

    Returns
    -------
    run : Progress
    owned : bool
        True for a new one: the caller finishes (or closes) it.
    """
    if isinstance(progress, Progress):
        return progress, False
    return Progress(progress, desc), True
