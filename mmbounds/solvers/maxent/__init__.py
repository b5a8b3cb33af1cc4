"""Maximum-entropy joint with three prescribed pairwise marginals (iterative proportional fitting).

Modules: :mod:`._ipf` (the driver :func:`maxent_ipf` and its certified entropy bound),
:mod:`._support` (the support, its facial reduction and the LP certificate), :mod:`._certificate`
(the entropy bound valid for any potentials), :mod:`._layouts` (dense and sparse
iterates), :mod:`._relaxation` (the over-relaxation) and :mod:`._solution` (the result record).
"""

from ._ipf import maxent_ipf
from ._solution import MaxEntSolution
from ._support import face_certificate, feasible_support, maxent_support

__all__ = ["MaxEntSolution", "maxent_ipf", "maxent_support", "feasible_support", "face_certificate"]
