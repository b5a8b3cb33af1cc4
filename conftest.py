"""Fixtures for every test and doctest of the repository (``tests/`` and the package's doctests)."""

from __future__ import annotations

import math

import pytest


@pytest.fixture(autouse=True)
def _no_progress_bars(monkeypatch):
    """No progress bar appears in a test or doctest (their delay is infinite) unless the test sets
    ``mmbounds._progress.DELAY_S`` itself: stderr stays deterministic under any load."""
    monkeypatch.setattr("mmbounds._progress.DELAY_S", math.inf)
