"""The BROJA dispatcher :func:`broja`: the fast certified solver, or the cvxpy reference.

``solver="auto"`` runs the interior-point solver (:func:`~mmbounds.solvers.broja.broja_fast`) and
falls back on the cvxpy reference (:func:`~mmbounds.solvers.broja.broja_cvxpy`) when it cannot
certify its gap.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..._options import SOLVERS
from ..._validation import check_option
from ...exceptions import ConvergenceWarning, SolverError
from ._cvxpy import broja_cvxpy
from ._ipm import broja_fast
from ._solution import BrojaSolution

__all__ = ["broja"]


def broja(
    p_x1y: np.ndarray,
    p_x2y: np.ndarray,
    *,
    solver: str = "auto",
    tol: float = 1e-9,
    max_iter: int = 1000,
    backend: str = "auto",
    device: str | None = None,
    verbose: bool = False,
) -> BrojaSolution:
    """Solve the BROJA program; ``solver`` is ``"auto"``, ``"cvxpy"`` or ``"fast"``.

    ``"auto"`` uses the fast dedicated solver (:func:`~mmbounds.solvers.broja.broja_fast`) and
    falls back to the cvxpy reference when it cannot certify its gap: measured with
    ``benchmarks/solvers.py --peers``, the fast solver (its layout chosen by cost) is faster than
    cvxpy + Clarabel on dense, clustered, real-data and COPY tables of every size tried. The
    tables are checked by the solver that runs (:func:`mmbounds._validation.check_label_marginals`).
    See :func:`broja_cvxpy`.

    Parameters
    ----------
    p_x1y, p_x2y : ndarray, shapes (n1, ny), (n2, ny)
        The source-label marginals (consistent on ``p(y)``).
    solver : {"auto", "cvxpy", "fast"}
        Which solver.
    tol : float
        Target certified gap, bits.
    max_iter : int
        Iteration cap of the fast solver.
    backend : {"auto", "numpy", "torch"}
        Array backend of the fast solver.
    device : str, optional
        Torch device of the fast solver (e.g. ``"cuda"``).
    verbose : bool
        Print solver progress.

    Returns
    -------
    BrojaSolution
        The optimal joint ``q``, the minimum ``I_q*(X1,X2;Y)`` (bits) and the solver record
        (``info.residual``: the certified gap, bits).

    Raises
    ------
    ValueError
        For an unknown ``solver``, or tables that are not two probability tables agreeing on
        ``p(y)``.

    Examples
    --------
    >>> import numpy as np
    >>> and_ = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         and_[a, b, a & b] = 0.25
    >>> round(broja(and_.sum(1), and_.sum(0)).min_mi, 4)
    0.3113
    """

    check_option(solver, name="solver", options=SOLVERS)

    def fast() -> BrojaSolution:
        return broja_fast(
            p_x1y,
            p_x2y,
            tol=tol,
            max_iter=max_iter,
            backend=backend,
            device=device,
            verbose=verbose,
        )

    if solver == "fast":
        sol = fast()
        if math.isfinite(sol.info.residual):
            return sol
        # no certified gap at all (a stalled solve on a near-deterministic table): the reference
        # solver is the fallback, named in the warning
        warnings.warn(
            f"broja: the fast solver stopped ({sol.info.status}) after {sol.info.n_iter} "
            "iterations without a certified gap; falling back on the cvxpy reference solver",
            ConvergenceWarning,
            stacklevel=2,
        )
        try:
            ref = broja_cvxpy(p_x1y, p_x2y, verbose=verbose)
        except SolverError:
            return sol
        return ref if math.isfinite(ref.info.residual) else sol
    if solver == "cvxpy":
        return broja_cvxpy(p_x1y, p_x2y, verbose=verbose)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        sol = fast()
    if sol.info.converged:
        return sol
    ref = broja_cvxpy(p_x1y, p_x2y, verbose=verbose)
    if ref.info.converged or ref.info.residual <= sol.info.residual:
        return ref
    for w in caught:  # neither certified its gap: report the fast solver's warning
        warnings.warn(w.message, w.category, stacklevel=2)
    return sol
