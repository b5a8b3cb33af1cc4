"""The functionals of a set of marginals that every population interval is built from.

:func:`functionals` is evaluated on the sample's marginals and on every bootstrap replicate
(:mod:`mmbounds.inference.population`); the interval rules of :mod:`._intervals` read its columns
(:data:`FUNCTIONALS`).
"""

from __future__ import annotations

import numpy as np

from .._options import Options
from ..bounds import BoundContext, identified_set
from ..info import entropy
from ..marginals import Marginals

__all__ = ["FUNCTIONALS", "functionals"]

#: the columns of :func:`functionals` (and of every bootstrap replicate)
FUNCTIONALS = (
    "redundancy",
    "unique1",
    "unique2",
    "synergy_lower_end",
    "synergy_upper_end",
    "mi_x1y",
    "mi_x2y",
    "upper_from_entropy_y",
    "upper_from_entropy_x1x2",
    "upper_from_x1",
    "upper_from_x2",
    "entropy_y_given_x1",
    "entropy_y_given_x2",
    "entropy_x2_given_x1",
    "entropy_x1_given_x2",
)


def functionals(m: Marginals, options: Options) -> np.ndarray:
    """The functionals of the marginals that the intervals are built from, bits.

    ``(R, U1, U2, S_L, S_U, I(X1;Y), I(X2;Y))`` (``S_L`` not clipped), then eight upper bounds on
    S that need no coupling: ``S = I(X1,X2;Y) - (R + U1 + U2)`` with ``I(X1,X2;Y)`` at most
    ``H(Y)``, ``H(X1,X2)``, ``I(X1;Y) + H(X2|X1)`` and ``I(X2;Y) + H(X1|X2)`` (each minus
    ``R + U1 + U2``, lowered by the certified BROJA gap), and, since ``R + U1 + U2 >= I(Xi;Y)``,
    ``S <= I(Xj;Y|Xi)`` at most ``H(Y|Xi)`` and ``H(Xj|Xi)`` (pure entropies, which stay smooth
    where a uniqueness is 0).

    Parameters
    ----------
    m : Marginals
        The marginals.
    options : Options
        Solver options.

    Returns
    -------
    ndarray, shape (15,)
        In the order of :data:`FUNCTIONALS`. The two mutual informations serve R's interval at
        the corners where U1 or U2 is 0, the eight bounds the upper limit of ``S_U`` (see
        ``mmbounds.inference._intervals.bootstrap_intervals``).

    Examples
    --------
    >>> from mmbounds import Marginals, Options
    >>> from mmbounds.data import bitwise_joint
    >>> values = functionals(Marginals.from_joint(bitwise_joint("and")), Options())
    >>> FUNCTIONALS[:4], values[:4].round(4).tolist()
    (('redundancy', 'unique1', 'unique2', 'synergy_lower_end'), [0.3113, 0.0, 0.0, 0.5])
    """
    ctx = BoundContext(m, options)
    lo, hi = identified_set(ctx)
    p = ctx.parts
    h_y, h12, tot = ctx.entropy_y, ctx.entropy_x1x2, ctx.certified_min_mi
    h1, h2 = entropy(m.p_x1x2.sum(axis=1)), entropy(m.p_x1x2.sum(axis=0))
    # H(Y|Xi) = H(Xi,Y) - H(Xi), H(Xj|Xi) = H(X1,X2) - H(Xi)
    h_y_1, h_y_2 = ctx.entropy_x1y - h1, ctx.entropy_x2y - h2
    through_min_mi = (h_y, h12, p.mi_x1y + h12 - h1, p.mi_x2y + h12 - h2)
    return np.array(
        [
            *(p.redundancy, p.unique1, p.unique2, lo, hi, p.mi_x1y, p.mi_x2y),
            *(t - tot for t in through_min_mi),
            *(h_y_1, h_y_2, h12 - h1, h12 - h2),
        ]
    )
