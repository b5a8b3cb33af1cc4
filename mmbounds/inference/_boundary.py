"""The lower limit of ``S_L`` where the population may sit at its boundary ``S_L = 0``.

``S_L`` (the largest lower bound on S, the maximum-entropy bound where it binds) is at least 0
for every set of marginals, and it is 0 on whole families of populations: on a Markov chain
``Y -> X1 -> X2``, for instance, the joint is its own maximum-entropy joint and a BROJA minimizer,
so ``S_L = S = U2 = 0``. There the plug-in is biased upward by the order of its own sampling noise,
and the bootstrap does not see it: the replicates are drawn around the sample, where ``S_L`` is
already away from 0 and nearly linear, so the bias they estimate is small (negative in the samples
that overestimate most) and the interval keeps the plug-in's bias (Andrews, Econometrica 2000: the
bootstrap is inconsistent at a boundary of the parameter space). Measured on a 3x3x2 chain with a
rare x1 value (``p(x1) = 0.05``, ``x2 = 0`` almost only from it, 3,000 samples per source):
plug-in 0.0035 bits on average against a bootstrap bias estimate of 0.0008, and the interval of
``S_L`` excluded 0 in 34 of 120 samples (S with it, "present" at ``negligible = 0``).

The rule is a moment-selection pre-test (Andrews & Soares, Econometrica 2010): the sample counts as
possibly at the boundary when the plug-in is within ``kappa_n`` replicate standard deviations of 0,
``kappa_n = sqrt(ln n)`` (their BIC-type choice; ``n`` the total of the three sample sizes), and
there the lower limits of ``S_L`` and of S start at 0. It only widens, and only where the interval
would reach no further than about ``(kappa_n - z) s`` above 0: where synergy is well resolved
(XOR- or sum-mod-like populations, ``S_L`` many standard deviations above 0) nothing changes. On
the chain above the plug-in's ratio to the replicate standard deviation had 97.5% quantiles of 2.05,
2.58 and 3.31 at 1,000, 3,000 and 10,000 samples per source, against ``kappa_n`` = 2.83, 3.02 and
3.21 (``tests/test_inference_boundary.py`` measures the chain's coverage).

References
----------
D. W. K. Andrews, "Inconsistency of the bootstrap when a parameter is on the boundary of the
parameter space", Econometrica 68(2), 2000. D. W. K. Andrews and G. Soares, "Inference for
parameters defined by moment inequalities using generalized moment selection", Econometrica 78(1),
2010.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..results import Interval
from ._intervals import _NAMES, verdict

__all__ = ["boundary_kappa", "at_boundary", "floor_boundary"]

#: the column of the plug-in and replicate arrays that holds ``S_L``
_S_L = _NAMES.index("synergy_lower_end")


def boundary_kappa(sizes: Sequence[float]) -> float:
    """The pre-test threshold ``kappa_n = sqrt(ln n)``, ``n`` the total sample size.

    Parameters
    ----------
    sizes : sequence of float
        Sample sizes of D1, D2 and DM.

    Returns
    -------
    float
        ``sqrt(ln(sum(sizes)))`` (at least 1).

    Examples
    --------
    >>> round(boundary_kappa((3000, 3000, 3000)), 3)
    3.017
    """
    return math.sqrt(max(math.log(max(float(sum(sizes)), 1.0)), 1.0))


def at_boundary(plugin: float, reps: np.ndarray, kappa: float) -> bool:
    """Whether a nonnegative functional may be at its boundary 0: ``plugin <= kappa * s``.

    Parameters
    ----------
    plugin : float
        The functional on the sample (bits).
    reps : ndarray, shape (B,)
        Its bootstrap replicates.
    kappa : float
        The threshold in replicate standard deviations (:func:`boundary_kappa`).

    Returns
    -------
    bool
        True when the plug-in lies within ``kappa`` replicate standard deviations of 0 (never
        with fewer than two replicates or replicates that do not vary).

    Examples
    --------
    >>> reps = np.array([0.002, 0.004, 0.006, 0.003, 0.005])
    >>> at_boundary(0.004, reps, 3.0), at_boundary(0.02, reps, 3.0)
    (True, False)
    """
    reps = np.asarray(reps, dtype=np.float64)
    if reps.shape[0] < 2:
        return False
    s = float(reps.std(ddof=1))
    return s > 0.0 and float(plugin) <= kappa * s


def floor_boundary(
    intervals: dict[str, Interval],
    plugin: np.ndarray,
    reps: np.ndarray,
    sizes: Sequence[float],
    negligible: float,
) -> dict[str, Interval]:
    """The intervals with the lower limits of ``S_L`` and S at 0 where ``S_L`` may be 0.

    Parameters
    ----------
    intervals : dict of str to Interval
        From :func:`._intervals.bootstrap_intervals`.
    plugin : ndarray, shape (k,)
        The functionals on the sample (``S_L`` in column 3).
    reps : ndarray, shape (B, k)
        Their bootstrap replicates.
    sizes : sequence of float
        Sample sizes of D1, D2 and DM.
    negligible : float
        Bits below which a quantity counts as absent (verdicts).

    Returns
    -------
    dict of str to Interval
        ``intervals`` itself when the pre-test does not apply; otherwise a copy in which
        ``synergy_lower_end`` and ``synergy`` start at 0.

    Examples
    --------
    >>> iv = {"synergy_lower_end": Interval("synergy_lower_end", 0.01, 0.004, 0.02, 0.01, ""),
    ...       "synergy": Interval("synergy", 0.2, 0.004, 0.5, 0.2, "present")}
    >>> reps = np.zeros((4, 5)); reps[:, 3] = [0.006, 0.012, 0.009, 0.015]
    >>> out = floor_boundary(iv, np.array([0, 0, 0, 0.01, 0.4]), reps, (3000,) * 3, 0.0)
    >>> out["synergy"].low, out["synergy"].verdict
    (0.0, 'undetermined')
    """
    plugin, reps = np.asarray(plugin, dtype=np.float64), np.asarray(reps, dtype=np.float64)
    if not at_boundary(plugin[_S_L], reps[:, _S_L], boundary_kappa(sizes)):
        return intervals
    out = dict(intervals)
    for name in ("synergy_lower_end", "synergy"):
        iv = out[name]
        if iv.low > 0.0:
            lo_verdict = verdict(0.0, iv.high, negligible)
            out[name] = Interval(iv.name, iv.estimate, 0.0, iv.high, iv.plugin, lo_verdict)
    return out
