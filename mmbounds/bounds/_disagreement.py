"""Lower bounds on synergy from the disagreement of unimodal predictors (paper Theorem 2).

With ``f_i(x_i)`` label distributions and ``alpha`` their expected disagreement over ``p(x1,x2)``:

* ``S >= E[-log2 sum_y sqrt(f1_y f2_y)] - (U1+U2)/2`` (Bhattacharyya form);
* ``S >= alpha_l2 / (4 ln 2) - (U1+U2)/2`` (squared l2; Pinsker);
* ``alpha_l2 - max(U1, U2)``: the paper's released c = 1, **not a valid bound** (it exceeds the
  true S on some tables), reported for comparison only.

The first two are guaranteed when ``f_i = p(y|x_i)`` come from the marginals (Bayes classifiers of
the discrete variables). With trained-classifier posteriors on the paired samples they are
estimates, registered as separate ``*_classifiers`` bounds with ``guaranteed=False``.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_posterior_pair
from ..info import LN2
from ..marginals import Marginals
from ._context import BoundContext
from ._registry import BoundValue, register

__all__ = ["disagreement"]

_CLASSIFIER_NOTE = "estimate: trained-classifier posteriors on the paired samples; "


def _conditional(p: np.ndarray) -> np.ndarray:
    """Rows of ``p`` divided by their sums (zero rows stay zero)."""
    s = p.sum(axis=1, keepdims=True)
    return np.divide(p, s, out=np.zeros_like(p), where=s > 0)


def _divergence(f1: np.ndarray, f2: np.ndarray, kind: str, pairwise: bool = False) -> np.ndarray:
    """Row-wise divergence of two stacks of label distributions (``pairwise``: every row of
    ``f1`` against every row of ``f2``, by matrix products instead of an ``n1 n2 ny`` array)."""
    if kind == "l2":
        if not pairwise:
            return np.sum((f1 - f2) ** 2, axis=-1)
        sq1, sq2 = np.sum(f1 * f1, axis=1), np.sum(f2 * f2, axis=1)
        return np.maximum(sq1[:, None] + sq2[None, :] - 2.0 * (f1 @ f2.T), 0.0)
    if kind == "bhattacharyya":
        if pairwise:
            bc = np.sqrt(f1) @ np.sqrt(f2).T
        else:
            bc = np.sum(np.sqrt(f1 * f2), axis=-1)
        with np.errstate(divide="ignore"):
            return -np.log2(np.clip(bc, 1e-300, 1.0))
    raise ValueError(f"kind must be 'l2' or 'bhattacharyya'; got {kind!r}")


def disagreement(
    m: Marginals,
    *,
    kind: str = "l2",
    posteriors: tuple[np.ndarray, np.ndarray] | None = None,
) -> float:
    """Expected disagreement ``alpha`` of the unimodal predictors over the paired data.

    Parameters
    ----------
    m : Marginals
    kind : {"l2", "bhattacharyya"}
        ``"l2"``: squared Euclidean distance of the label distributions; ``"bhattacharyya"``:
        ``-log2 sum_y sqrt(f1_y f2_y)`` (bits).
    posteriors : pair of ndarray (n_pairs, n_y), optional
        Classifier posteriors on the paired samples; the mean over the pairs is returned. By default
        ``f_i = p(y|x_i)`` from the marginals and the expectation is under ``p(x1,x2)``.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``m`` is not :class:`~mmbounds.Marginals` or ``posteriors`` is not a pair.
    ValueError
        For posteriors that are not tables of probability rows with one column per label (and as
        many rows in both), or an unknown ``kind``.

    Examples
    --------
    >>> import numpy as np
    >>> from mmbounds import Marginals
    >>> xor = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         xor[a, b, a ^ b] = 0.25
    >>> disagreement(Marginals.from_joint(xor))
    0.0
    """
    if not isinstance(m, Marginals):
        raise TypeError(f"m must be mmbounds.Marginals, got {type(m).__name__}")
    return _alpha(m, kind, check_posterior_pair(posteriors, m.shape[2]))


def _alpha(m: Marginals, kind: str, posteriors: tuple | None) -> float:
    """:func:`disagreement` on validated posteriors (the bounds' contexts hold checked ones)."""
    if posteriors is not None:
        f1, f2 = posteriors
        return float(np.mean(_divergence(f1, f2, kind)))
    f1 = _conditional(m.p_x1y)
    f2 = _conditional(m.p_x2y)
    d = _divergence(f1, f2, kind, pairwise=True)
    w = m.p_x1x2
    return float(np.sum(np.where(w > 0, w * d, 0.0)))


def _bhattacharyya(ctx: BoundContext, posteriors: tuple | None) -> BoundValue:
    pp = ctx.parts
    alpha = _alpha(ctx.m, "bhattacharyya", posteriors)
    return BoundValue(alpha - 0.5 * (pp.unique1 + pp.unique2))


def _l2(ctx: BoundContext, posteriors: tuple | None) -> BoundValue:
    pp = ctx.parts
    alpha = _alpha(ctx.m, "l2", posteriors)
    return BoundValue(alpha / (4.0 * LN2) - 0.5 * (pp.unique1 + pp.unique2))


def _paper(ctx: BoundContext, posteriors: tuple | None) -> BoundValue:
    pp = ctx.parts
    alpha = _alpha(ctx.m, "l2", posteriors)
    return BoundValue(alpha - max(pp.unique1, pp.unique2))


_FORMS = {
    "bhattacharyya": (
        _bhattacharyya,
        True,
        "disagreement (Bhattacharyya)",
        "E[-log2 BC(p(y|x1), p(y|x2))] - (U1+U2)/2",
    ),
    "l2": (_l2, True, "disagreement (squared l2)", "alpha_l2/(4 ln 2) - (U1+U2)/2"),
    "paper": (
        _paper,
        False,
        "disagreement, paper c=1",
        "paper's c=1: alpha_l2 - max(U1,U2); can exceed the true S",
    ),
}


def _register_marginal_forms() -> None:
    """Each form from the marginals' own posteriors ``p(y|x_i)``."""
    for form, (fn, valid, label, note) in _FORMS.items():
        register(
            f"synergy_lower_disagreement_{form}",
            side="lower",
            guaranteed=valid,
            cost="closed_form",
            label=label,
            note=note,
        )(lambda ctx, fn=fn: fn(ctx, None))


def register_classifier_forms() -> None:
    """Each form from trained-classifier posteriors (registered after every other bound)."""
    for form, (fn, _, label, note) in _FORMS.items():
        register(
            f"synergy_lower_disagreement_{form}_classifiers",
            side="lower",
            guaranteed=False,
            cost="closed_form",
            label=label + ", trained classifiers",
            note=_CLASSIFIER_NOTE + note,
            needs_posteriors=True,
        )(lambda ctx, fn=fn: fn(ctx, ctx.posteriors))


_register_marginal_forms()
