"""Solvers: BROJA (cvxpy reference and fast), maximum entropy (IPF), minimum-entropy couplings."""

from ._types import SolverInfo
from .broja import BrojaSolution, broja, broja_cvxpy
from .coupling import greedy_coupling_entropy, majorization_meet, meet_entropy
from .maxent import MaxEntSolution, maxent_ipf

__all__ = [
    "SolverInfo",
    "BrojaSolution",
    "broja",
    "broja_cvxpy",
    "MaxEntSolution",
    "maxent_ipf",
    "majorization_meet",
    "meet_entropy",
    "greedy_coupling_entropy",
]
