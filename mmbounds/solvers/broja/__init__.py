"""The BROJA program: the reference cvxpy solver, the fast certified solver and the dispatcher.

Modules: :mod:`._solution` (the result record, the support, the dual bound), :mod:`._cvxpy` (the
reference formulation), :mod:`._ipm` (the interior-point driver :func:`broja_fast`) with the
central-path loop :mod:`._path` and its warm start on large dense tables :mod:`._warm`, its two
layouts :mod:`._dense` (all cells: :mod:`._problem`, :mod:`._newton`) and :mod:`._sparse` (the
support cells only, a sparse Newton matrix), the certificates written once for both
(:mod:`._certify`), the choice between them :mod:`._layout`, and :mod:`._dispatch`
(:func:`broja`).
"""

from ._cvxpy import broja_cvxpy
from ._dispatch import broja
from ._ipm import broja_fast
from ._solution import BrojaSolution, broja_support, dual_lower_bound

__all__ = [
    "BrojaSolution",
    "broja",
    "broja_cvxpy",
    "broja_fast",
    "broja_support",
    "dual_lower_bound",
]
