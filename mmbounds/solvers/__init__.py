"""Solvers: BROJA (cvxpy reference, fast), maximum entropy (dual Newton, IPF), couplings.

The BROJA solvers live in the subpackage :mod:`mmbounds.solvers.broja` (its dispatcher is
``mmbounds.solvers.broja.broja``; this package does not re-export it, so that the name
``mmbounds.solvers.broja`` stays the subpackage).
"""

from ._types import SolverInfo
from .broja import BrojaSolution, broja_cvxpy, broja_fast
from .coupling import greedy_coupling_entropy, majorization_meet, meet_entropy
from .maxent import MaxEntSolution, maxent_ipf, maxent_newton, solve_maxent

__all__ = [
    "SolverInfo",
    "BrojaSolution",
    "broja_cvxpy",
    "broja_fast",
    "MaxEntSolution",
    "solve_maxent",
    "maxent_ipf",
    "maxent_newton",
    "majorization_meet",
    "meet_entropy",
    "greedy_coupling_entropy",
]
