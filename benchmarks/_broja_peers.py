"""Tables and peer solvers for ``benchmarks/solvers.py --peers`` and ``--scaling``.

Tables: Dirichlet joints, the synthetic clustered joint of ``solvers.py``, the COPY gate
(``Y = (X1, X2)``), and clustered tables from real discretizations: two mfeat views (``fou``,
``kar``) and the two halves of scikit-learn's digits, each mapped to ``k`` codes by the package's
:class:`~mmbounds.raw.discretize.Discretizer` (PCA(5) + k-means, seed 0) and counted with the
label. Peers, each run in this process when importable: cvxpy + Clarabel (the package's reference
formulation), dit's BROJA PID and BROJA_2PID (ECOS); a peer that is not installed is reported as
such, never fetched.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np


def copy_gate(a: int, b: int) -> np.ndarray:
    """The COPY gate: ``X1`` uniform on ``a`` values, ``X2`` on ``b``, ``Y = (X1, X2)``."""
    p = np.zeros((a, b, a * b))
    i, j = np.meshgrid(np.arange(a), np.arange(b), indexing="ij")
    p[i, j, i * b + j] = 1.0 / (a * b)
    return p


def _codes(x: np.ndarray, k: int) -> np.ndarray:
    from mmbounds.raw.discretize import Discretizer

    disc = Discretizer(n_components=5, n_clusters=k, n_threads=1, random_state=0)
    return disc.fit_transform(x)


def real_table(name: str, k: int) -> np.ndarray:
    """Joint ``p(x1, x2, y)`` of a real dataset pair discretized into ``k`` codes per view."""
    from mmbounds.data import load_digits_halves, load_mfeat

    if name == "mfeat":
        data = load_mfeat(["fou", "kar"])
        x1, x2 = data["fou"], data["kar"]
    else:
        data = load_digits_halves()
        names = list(data.modalities)
        x1, x2 = data[names[0]], data[names[1]]
    c1, c2, y = _codes(x1, k), _codes(x2, k), np.asarray(data.y)
    p = np.zeros((int(c1.max()) + 1, int(c2.max()) + 1, int(y.max()) + 1))
    np.add.at(p, (c1, c2, y), 1.0)
    return p / p.sum()


def cpu_run(fn: Callable[[], Any], repeats: int, memory: bool = True) -> tuple[float, float, Any]:
    """Best CPU time (s, ``process_time``), peak traced memory (MiB) and the result of ``fn()``.

    Times are taken without tracemalloc; the peak comes from one extra traced run.
    """
    best, out = np.inf, None
    for _ in range(repeats):
        t0 = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t0)
    peak = np.nan
    if memory:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return best, peak, out


def dit_broja() -> Callable[[np.ndarray], float] | None:
    """``p -> I_q*(X1,X2;Y)`` (bits) by dit's BROJA PID, or None when dit is not installed."""
    try:
        import dit
        from dit.pid import PID_BROJA
    except ImportError:
        return None

    def run(p: np.ndarray) -> float:
        idx = np.argwhere(p > 0)
        outcomes = [tuple(int(v) for v in row) for row in idx]
        d = dit.Distribution(outcomes, [float(p[tuple(r)]) for r in idx])
        pid = PID_BROJA(d, [[0], [1]], [2])
        red = float(pid.get_pi(((0,), (1,))))
        u1, u2 = float(pid.get_pi(((0,),))), float(pid.get_pi(((1,),)))
        return red + u1 + u2

    return run


def broja_2pid() -> Callable[[np.ndarray], float] | None:
    """``p -> I_q*(X1,X2;Y)`` (bits) by BROJA_2PID with ECOS, or None when not installed."""
    try:
        from BROJA_2PID import pid
    except ImportError:
        return None

    def run(p: np.ndarray) -> float:
        # BROJA_2PID's keys are (target, source 1, source 2)
        pdf = {(int(y), int(a), int(b)): float(p[a, b, y]) for a, b, y in np.argwhere(p > 0)}
        out = pid(pdf, cone_solver="ECOS", output=0)
        return float(out["SI"] + out["UIY"] + out["UIZ"])

    return run


def exponent(cells: list[float], seconds: list[float]) -> float:
    """Least-squares slope of ``log seconds`` on ``log cells``."""
    return float(np.polyfit(np.log(cells), np.log(seconds), 1)[0])
