"""Solvers: BROJA (cvxpy reference, fast), maximum entropy (dual Newton, IPF), couplings."""

from ._types import SolverInfo
from .broja import BrojaSolution, broja, broja_cvxpy
from .coupling import greedy_coupling_entropy, majorization_meet, meet_entropy
from .maxent import MaxEntSolution, maxent_ipf, maxent_newton, solve_maxent

__all__ = [
    "SolverInfo",
    "BrojaSolution",
    "broja",
    "broja_cvxpy",
    "MaxEntSolution",
    "solve_maxent",
    "maxent_ipf",
    "maxent_newton",
    "majorization_meet",
    "meet_entropy",
    "greedy_coupling_entropy",
]
