"""One BLAS thread for the solvers: :func:`one_blas_thread`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["one_blas_thread"]


_CONTROLLER: list[Any] = []


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with one BLAS thread (no effect without ``threadpoolctl``).

    The interior-point and Newton solvers run this way, for two reasons. Their products and
    factorisations are small enough that threads mostly contend (on a busy 2-core machine a
    1000 x 1000 Cholesky takes 18 ms on one thread and 75 ms to 1 s on two). And a threaded
    factorisation rounds differently: the max-entropy Newton solver on a 20 x 20 x 10 mfeat table
    took 23 iterations with one BLAS thread and 26 with two, and the lower bound moved by 1e-14,
    so results depended on the machine's thread count. The ``threadpoolctl`` controller (about
    1 ms to build) is cached.

    Returns
    -------
    contextlib.AbstractContextManager
        Entered with ``with``; yields None.

    Examples
    --------
    >>> import numpy as np
    >>> with one_blas_thread():
    ...     float(np.linalg.cholesky(np.eye(2))[1, 1])
    1.0
    """
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover
            _CONTROLLER.append(None)
        else:
            _CONTROLLER.append(ThreadpoolController())
    ctl = _CONTROLLER[0]
    if ctl is None:  # pragma: no cover
        yield
        return
    with ctl.limit(limits=1, user_api="blas"):
        yield
