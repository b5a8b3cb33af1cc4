"""Maximum-entropy joint with three prescribed pairwise marginals.

Modules: :mod:`._select` (:func:`solve_maxent`, the solver the bounds use: Newton, IPF as fallback),
:mod:`._newton` (:func:`maxent_newton`, Newton's method on the dual, certified by its duality
gap), :mod:`._ipf` (iterative proportional fitting, :func:`maxent_ipf`, and its certified bound),
:mod:`._support` (the support, its facial reduction and the LP certificate), :mod:`._certificate`
(the entropy bound valid for any potentials), :mod:`._layouts` (dense and sparse
iterates), :mod:`._relaxation` (the over-relaxation) and :mod:`._solution` (the result record).
"""

from ._ipf import maxent_ipf
from ._newton import maxent_newton
from ._select import solve_maxent
from ._solution import MaxEntSolution
from ._support import face_certificate, feasible_support, maxent_support

__all__ = [
    "MaxEntSolution",
    "solve_maxent",
    "maxent_ipf",
    "maxent_newton",
    "maxent_support",
    "feasible_support",
    "face_certificate",
]
