"""The three observable pairwise marginals, validated and made mutually consistent.

Without labeled multimodal data, only ``p(x1, y)`` (from D1), ``p(x2, y)`` (from D2) and
``p(x1, x2)`` (from the unlabeled pairs DM) can be observed. :class:`Marginals` holds them with axes
always in the order ``(x1, x2, y)``, reports how much the sources disagree on their shared
single-variable marginals (total variation), and reconciles them by maximum likelihood
(:mod:`mmbounds.marginals._reconcile`) before any bound is computed.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from .._validation import check_scalar, check_table
from ..exceptions import ConvergenceWarning, InconsistentMarginalsWarning
from ..results import ConsistencyReport
from ._counts import (
    category_sets,
    check_count_totals,
    check_label_sources,
    check_table_shapes,
    count_table,
    equal_values,
    index_of,
    sample_columns,
)
from ._realizable import check_realizable
from ._reconcile import reconcile_ml, tv_distance, unreachable_mass

__all__ = ["Marginals"]

_DEFAULTS = {
    "sample_sizes": None,
    "reconcile": True,
    "atol": 1e-9,
    "warn_tv": 0.05,
    "categories": None,
    "tol": 1e-10,
    "max_iter": 5000,
    "realizable": None,
    "accelerate": False,
}


class Marginals:
    """The pairwise marginals ``p(x1,y)``, ``p(x2,y)``, ``p(x1,x2)``, validated and consistent.

    Parameters
    ----------
    p_x1y : array_like, shape (n_x1, n_y)
        Joint of modality 1 and the label (from D1).
    p_x2y : array_like, shape (n_x2, n_y)
        Joint of modality 2 and the label (from D2).
    p_x1x2 : array_like, shape (n_x1, n_x2)
        Joint of the two modalities (from the unlabeled pairs DM).
    normalize : bool, default False
        Rescale each table to sum to 1 (pass counts).
    sample_sizes : tuple of 3 numbers, optional
        Sizes of D1, D2, DM; they weight the sources when reconciling (equal weights by default).
    reconcile : bool, default True
        Replace inconsistent tables by the maximum-likelihood consistent triple. With False,
        inconsistent tables raise ``ValueError``.
    atol : float, default 1e-9
        Disagreement (TV) under which tables count as consistent and are kept unchanged.
    warn_tv : float, default 0.05
        Issue an :class:`InconsistentMarginalsWarning` when a disagreement exceeds this plus the
        disagreement expected from sampling alone (with known ``sample_sizes``, about
        ``0.5 * sqrt(k * (1/n_a + 1/n_b))`` for a variable with ``k`` values seen by sources of
        sizes ``n_a`` and ``n_b``).
    categories : tuple of 3 sequences, optional
        Labels of the values of x1, x2 and y (default ``range(n)``).

    Attributes
    ----------
    p_x1y, p_x2y, p_x1x2 : ndarray
        Consistent, read-only tables (float64).
    observed : tuple of ndarray
        The validated tables before reconciliation (read-only).
    consistency : ConsistencyReport
        Disagreement of the observed tables and what the reconciliation changed.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.full((2, 2, 2), 1 / 8)
    >>> m = Marginals.from_joint(p)
    >>> m.shape
    (2, 2, 2)
    >>> m.consistency.reconciled
    False
    """

    __slots__ = (
        "p_x1y",
        "p_x2y",
        "p_x1x2",
        "observed",
        "consistency",
        "categories",
        "sample_sizes",
    )

    def __init__(
        self,
        p_x1y: Any,
        p_x2y: Any,
        p_x1x2: Any,
        *,
        normalize: bool = False,
        sample_sizes: Sequence[float] | None = None,
        reconcile: bool = True,
        atol: float = 1e-9,
        warn_tv: float = 0.05,
        categories: tuple[Sequence[Hashable], Sequence[Hashable], Sequence[Hashable]] | None = None,
        tol: float = 1e-10,
        max_iter: int = 5000,
    ) -> None:
        p1 = check_table(p_x1y, name="p_x1y", ndim=2, normalize=normalize)
        p2 = check_table(p_x2y, name="p_x2y", ndim=2, normalize=normalize)
        p12 = check_table(p_x1x2, name="p_x1x2", ndim=2, normalize=normalize)
        check_scalar(atol, name="atol", min_val=0.0)
        check_scalar(warn_tv, name="warn_tv", min_val=0.0)
        check_table_shapes(p1, p2, p12)
        if sample_sizes is not None:
            if isinstance(sample_sizes, (str, bytes)) or not hasattr(sample_sizes, "__len__"):
                raise TypeError(
                    "sample_sizes must be a sequence of 3 sizes (D1, D2, DM), got "
                    f"{type(sample_sizes).__name__} ({sample_sizes!r})"
                )
            if len(sample_sizes) != 3:
                raise ValueError(
                    f"sample_sizes must have 3 entries (D1, D2, DM), got {len(sample_sizes)}"
                )
            for nm, v in zip(("D1", "D2", "DM"), sample_sizes):
                check_scalar(v, name=f"sample_sizes[{nm}]", min_val=0.0, include_min=False)
            if normalize:
                check_count_totals((p_x1y, p_x2y, p_x1x2), sample_sizes)
        self._setup(
            p1,
            p2,
            p12,
            sample_sizes=sample_sizes,
            reconcile=reconcile,
            atol=atol,
            warn_tv=warn_tv,
            categories=categories,
            tol=tol,
            max_iter=max_iter,
        )

    @classmethod
    def _trusted(cls, p1: np.ndarray, p2: np.ndarray, p12: np.ndarray, **kwargs: Any) -> Marginals:
        """Marginals from tables the validation door has already checked (no copy, no check).

        The arrays are taken over (made read-only); ``kwargs`` are those of the constructor.
        """
        obj = cls.__new__(cls)
        obj._setup(p1, p2, p12, **{**_DEFAULTS, **kwargs})
        return obj

    def _setup(
        self,
        p1: np.ndarray,
        p2: np.ndarray,
        p12: np.ndarray,
        *,
        sample_sizes: Sequence[float] | None,
        reconcile: bool,
        atol: float,
        warn_tv: float,
        categories: Any,
        tol: float,
        max_iter: int,
        realizable: bool | None = None,
        accelerate: bool = False,
    ) -> None:
        """Checks, reconciliation (``accelerate``: see ``reconcile_ml``) and read-only tables of
        trusted inputs; ``realizable=True`` skips the realizability test (a joint's marginals)."""
        if sample_sizes is None:
            w = np.ones(3)
        else:
            w = np.asarray(sample_sizes, dtype=np.float64)
        tv_y = tv_distance(p1.sum(0), p2.sum(0))
        tv_x1 = tv_distance(p1.sum(1), p12.sum(1))
        tv_x2 = tv_distance(p2.sum(1), p12.sum(0))
        worst = max(tv_y, tv_x1, tv_x2)
        lost = unreachable_mass(p1, p2, p12)
        for a in (p1, p2, p12):
            a.setflags(write=False)
        observed = (p1, p2, p12)
        n_iter, shift, reconciled = 0, (0.0, 0.0, 0.0), False
        unreachable = (
            f"; mass {lost:.3g} lies on cells that no joint with the other two tables can have "
            "(no joint has these three tables)"
            if lost > atol
            else ""
        )
        test = None
        if worst <= atol and lost <= atol and not realizable:
            test = check_realizable(p1, p2, p12, tol=atol)
        no_joint = test is not None and test.realizable is False
        if no_joint:
            unreachable = (
                f"; p_x1y, p_x2y and p_x1x2 agree pairwise but no joint has all three (certified "
                f"by linear programming: L1 misfit {test.misfit:.3g}, certificate "
                f"{test.certificate:.3g})"
            )
        if worst > atol or lost > atol or no_joint:
            if not reconcile:
                raise ValueError(
                    f"the marginals disagree (TV: p(y) {tv_y:.3g}, p(x1) {tv_x1:.3g}, p(x2) "
                    f"{tv_x2:.3g}){unreachable}; pass reconcile=True to use the "
                    "maximum-likelihood consistent triple"
                )
            noise = (0.0, 0.0, 0.0)
            if sample_sizes is not None:
                na, nb, nm = (float(v) for v in sample_sizes)
                k1, k2, ky = p1.shape[0], p2.shape[0], p1.shape[1]
                noise = (
                    0.5 * np.sqrt(ky * (1 / na + 1 / nb)),
                    0.5 * np.sqrt(k1 * (1 / na + 1 / nm)),
                    0.5 * np.sqrt(k2 * (1 / nb + 1 / nm)),
                )
            excess = max(t - n for t, n in zip((tv_y, tv_x1, tv_x2), noise))
            # contradictions between sparse tables also arise from sampling: same allowance
            swap = (
                " (are the paired columns swapped or recoded?)" if max(tv_x1, tv_x2) > 0.5 else ""
            )
            if excess > warn_tv or lost - max(noise) > warn_tv or no_joint:
                warnings.warn(
                    f"the observed marginals disagree by up to {worst:.3g} in total variation "
                    f"(p(y) {tv_y:.3g}, p(x1) {tv_x1:.3g}, p(x2) {tv_x2:.3g}){unreachable}; "
                    "reconciled by maximum likelihood. Check that D1, D2 and DM come from the "
                    "same population" + swap,
                    InconsistentMarginalsWarning,
                    stacklevel=4,
                )
            q, n_iter, err = reconcile_ml(p1, p2, p12, w, tol, max_iter, accelerate=accelerate)
            if err > 1e-6:
                warnings.warn(
                    f"reconciliation: EM changed the marginals by {err:.2e} in its last step after "
                    f"{max_iter} iterations; increase max_iter",
                    ConvergenceWarning,
                    stacklevel=4,
                )
            # EM starts from full support and only shrinks cells the data do not need
            # geometrically; drop the residue (the marginals of one joint stay consistent)
            q = np.where(q > 1e-12 * q.max(), q, 0.0)
            q /= q.sum()
            new = (q.sum(axis=1), q.sum(axis=0), q.sum(axis=2))
            shift = tuple(tv_distance(a, b) for a, b in zip(observed, new))
            p1, p2, p12 = (np.clip(a, 0.0, None) for a in new)
            reconciled = True
        for a in (p1, p2, p12):
            a.setflags(write=False)
        if categories is None:
            categories = (range(p1.shape[0]), range(p2.shape[0]), range(p1.shape[1]))
        cats = category_sets(categories)
        if tuple(len(c) for c in cats) != (p1.shape[0], p2.shape[0], p1.shape[1]):
            raise ValueError(
                f"categories have lengths {tuple(len(c) for c in cats)} but the tables imply "
                f"{(p1.shape[0], p2.shape[0], p1.shape[1])}"
            )
        self.p_x1y, self.p_x2y, self.p_x1x2 = p1, p2, p12
        self.observed = observed
        self.categories = cats
        self.sample_sizes = None if sample_sizes is None else tuple(float(v) for v in sample_sizes)
        wn = w / w.sum()
        self.consistency = ConsistencyReport(
            tv_y,
            tv_x1,
            tv_x2,
            reconciled,
            shift,
            (float(wn[0]), float(wn[1]), float(wn[2])),
            n_iter,
            lost,
            True if realizable or reconciled else (None if test is None else test.realizable),
            0.0 if test is None else test.misfit,
        )

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self, "consistency"):
            raise AttributeError("Marginals is immutable")
        object.__setattr__(self, name, value)

    def __eq__(self, other: object) -> bool:
        """Equal when the tables, the observed tables, the categories and the report are equal."""
        if not isinstance(other, Marginals):
            return NotImplemented
        return all(equal_values(getattr(self, k), getattr(other, k)) for k in self.__slots__)

    # pickling (worker processes of joblib or Dask): the slots as they are, arrays read-only again
    def __getstate__(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k in self.__slots__:
            value = state[k]
            for a in value if isinstance(value, tuple) else (value,):
                if isinstance(a, np.ndarray):
                    a.flags.writeable = False
            object.__setattr__(self, k, value)

    # ----------------------------------------------------------------------------- constructors
    @classmethod
    def from_joint(cls, p: Any, *, normalize: bool = False) -> Marginals:
        """The three pairwise marginals of a full joint table ``p[x1, x2, y]``.

        Parameters
        ----------
        p : array_like, shape (n1, n2, ny)
            The joint.
        normalize : bool
            Rescale a positive table (counts) to sum to 1 instead of raising.

        Returns
        -------
        Marginals
            Consistent, realizable marginals of ``p``.

        Examples
        --------
        >>> import numpy as np
        >>> Marginals.from_joint(np.full((2, 3, 2), 1 / 12)).shape
        (2, 3, 2)
        """
        return cls._from_checked_joint(check_table(p, name="p", ndim=3, normalize=normalize))

    @classmethod
    def _from_checked_joint(cls, p: np.ndarray) -> Marginals:
        """:meth:`from_joint` for a table that ``check_table`` has already validated."""
        tables = [p.sum(axis=a) for a in (1, 0, 2)]
        for t in tables:  # each sums to 1 to the last bit, as a validated table does
            t /= t.sum()
        return cls._trusted(*tables, realizable=True)  # the marginals of one joint

    @classmethod
    def from_samples(
        cls,
        x1y: tuple[Any, Any],
        x2y: tuple[Any, Any],
        x1x2: tuple[Any, Any],
        *,
        source_names: tuple[str, str, str] = ("x1y", "x2y", "x1x2"),
        categories: tuple[Sequence[Hashable], Sequence[Hashable], Sequence[Hashable]] | None = None,
        **kwargs: Any,
    ) -> Marginals:
        """Empirical marginals from discrete samples D1 = (x1, y), D2 = (x2, y), DM = (x1, x2).

        Labels may be any hashable values; each variable's values seen in any source are mapped to
        one shared index (sorted when sortable). Sample sizes weight the reconciliation.

        Parameters
        ----------
        x1y, x2y, x1x2 : pair of 1-D sequences
            The samples of each source, as ``(column_a, column_b)`` of equal length.
        source_names : tuple of 3 str
            How error messages name the three sources (``estimate`` passes its argument names).
        categories : tuple of 3 sequences, optional
            The values of x1, x2 and y (default: those seen). Every sample value must be one of
            them; a value no sample takes is a zero row or column (a bootstrap resample of a
            sample keeps the sample's shape this way).
        **kwargs
            Passed to :class:`Marginals` (``reconcile``, ``warn_tv``, ...).

        Returns
        -------
        Marginals
            The normalised count tables, with ``categories`` and the sample sizes.

        Examples
        --------
        >>> d1 = (["a", "b"], [0, 1])
        >>> m = Marginals.from_samples(d1, (["u", "v"], [0, 1]), (["a", "b"], ["u", "v"]))
        >>> m.categories[0], m.shape
        (('a', 'b'), (2, 2, 2))
        """
        (d1, d2, dm), cats = sample_columns(
            x1y, x2y, x1x2, names=source_names, categories=categories
        )
        check_label_sources(d1[1], d2[1], cats[2], (source_names[0], source_names[1]))
        idx = [index_of(c) for c in cats]
        t1, t2, t12 = (
            count_table(d, idx[i], idx[j]) for d, i, j in ((d1, 0, 2), (d2, 1, 2), (dm, 0, 1))
        )
        kwargs.setdefault("sample_sizes", tuple(float(d[0].shape[0]) for d in (d1, d2, dm)))
        return cls(t1, t2, t12, normalize=True, categories=cats, **kwargs)

    # ----------------------------------------------------------------------------- views
    @property
    def shape(self) -> tuple[int, int, int]:
        """``(|X1|, |X2|, |Y|)``."""
        return (self.p_x1y.shape[0], self.p_x2y.shape[0], self.p_x1y.shape[1])

    @property
    def p_y(self) -> np.ndarray:
        """``p(y)``."""
        return self.p_x1y.sum(axis=0)

    @property
    def p_x1(self) -> np.ndarray:
        """``p(x1)``."""
        return self.p_x1y.sum(axis=1)

    @property
    def p_x2(self) -> np.ndarray:
        """``p(x2)``."""
        return self.p_x2y.sum(axis=1)

    def swap(self) -> Marginals:
        """The same marginals with the roles of X1 and X2 exchanged.

        Returns
        -------
        Marginals
            Tables ``(p_x2y, p_x1y, p_x1x2.T)``.
        """
        return Marginals._trusted(
            self.p_x2y,
            self.p_x1y,
            np.ascontiguousarray(self.p_x1x2.T),
            categories=(self.categories[1], self.categories[0], self.categories[2]),
            realizable=self.consistency.realizable,  # a joint of one is a joint of the other
        )

    def __repr__(self) -> str:
        c = self.consistency
        return f"Marginals(shape={self.shape}, max_tv={c.max_tv:.3g}, reconciled={c.reconciled})"
