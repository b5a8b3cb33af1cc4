"""``estimate()``: inputs -> Marginals -> R, U1, U2 and every synergy bound -> one result.

Accepted inputs (exactly one form):

* a :class:`~mmbounds.marginals.Marginals` object;
* a tuple of three tables ``(p_x1y, p_x2y, p_x1x2)``;
* a full labeled joint ``p[x1, x2, y]`` (3-D array) — then the true synergy is reported too, for
  validation;
* discrete samples ``x1=(x1, y1)``, ``x2=(x2, y2)``, ``paired=(x1u, x2u)`` (1-D columns of any
  hashable labels).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from ._validation import (
    check_option,
    check_posteriors,
    check_random_state,
    check_scalar,
    check_table,
)
from .bounds import (
    BOUNDS,
    Bound,
    synergy_lower_disagreement_bhattacharyya,
    synergy_lower_disagreement_l2,
    synergy_lower_disagreement_paper,
    synergy_lower_shared,
    synergy_lower_shared_paper,
    synergy_upper_bnb,
)
from .info import entropy, mutual_information
from .marginals import Marginals
from .pid import redundancy_uniqueness
from .result import EstimateResult
from .solvers._backend import get_namespace
from .solvers.broja import broja_support

__all__ = ["estimate"]

NOTES = {
    "synergy_lower_shared": "min of S over all joints with the observed marginals (max-entropy)",
    "synergy_lower_shared_paper": "paper's relaxation: only p(x1,x2), p(x1,y) kept (BROJA over X1)",
    "synergy_lower_disagreement_bhattacharyya": "E[-log2 BC(p(y|x1), p(y|x2))] - (U1+U2)/2",
    "synergy_lower_disagreement_l2": "alpha_l2/(4 ln 2) - (U1+U2)/2",
    "synergy_lower_disagreement_paper": "paper's c=1: alpha_l2 - max(U1,U2); can exceed the true S",
    "synergy_upper_coupling": "H(X1,X2)+H(Y)-L-(R+U1+U2), L = best majorization-meet entropy",
    "synergy_upper_coupling_profile": "same with the profile minimum-entropy-coupling bound",
    "synergy_upper_bnb": "branch-and-bound on the chord LP of min H over the marginal polytope",
}
AUTO_BNB_CELLS = 500
"""Above this many cells of X1×X2×Y, ``bounds="auto"`` skips the branch-and-bound upper bound."""
AUTO_PROFILE_CELLS = 20_000
"""Above this many cells, ``bounds="auto"`` skips the profile coupling bound."""
AUTO_PAPER_CELLS = 20_000
"""Above this many cells, ``bounds="auto"`` skips the paper's relaxation of the shared-information
bound: it is never larger than ``synergy_lower_shared`` and needs a second BROJA solve."""
GUARANTEED = {name: name != "synergy_lower_disagreement_paper" for name in BOUNDS}


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("mmbounds")
    except Exception:  # pragma: no cover - running from a source tree without metadata
        return "0+unknown"


def _as_marginals(
    data: Any, x1: Any, x2: Any, paired: Any, normalize: bool, reconcile: bool
) -> tuple[Marginals, np.ndarray | None]:
    """Turn any accepted input into Marginals (and the joint, when one was given)."""
    samples = (x1, x2, paired)
    if data is not None and any(s is not None for s in samples):
        raise TypeError(
            "pass either data (Marginals, tables or a joint) or x1/x2/paired samples, not both"
        )
    if data is None:
        if any(s is None for s in samples):
            missing = [n for n, s in zip(("x1", "x2", "paired"), samples) if s is None]
            raise TypeError(
                f"estimate() needs data, or all of x1, x2 and paired; missing {missing}"
            )
        for name, s in zip(("x1", "x2", "paired"), samples):
            if not isinstance(s, (tuple, list)) or len(s) != 2:
                raise TypeError(f"{name} must be a pair of arrays, got {type(s).__name__}")
        return Marginals.from_samples(x1, x2, paired, reconcile=reconcile), None
    if isinstance(data, Marginals):
        return data, None
    if isinstance(data, (tuple, list)):
        if len(data) != 3:
            raise ValueError(
                f"data as a tuple must hold three tables (p_x1y, p_x2y, p_x1x2), got {len(data)}"
            )
        return Marginals(*data, normalize=normalize, reconcile=reconcile), None
    joint = check_table(data, name="data", ndim=3, normalize=normalize)
    return Marginals._from_checked_joint(joint), joint


def estimate(
    data: Any = None,
    *,
    x1: tuple[Any, Any] | None = None,
    x2: tuple[Any, Any] | None = None,
    paired: tuple[Any, Any] | None = None,
    posteriors: tuple[Any, Any] | None = None,
    bounds: str | Sequence[str] = "auto",
    upper_budget_s: float = 5.0,
    upper_max_nodes: int = 200,
    normalize: bool = False,
    reconcile: bool = True,
    method: str = "auto",
    tol: float = 1e-9,
    backend: str = "auto",
    device: str | None = None,
    random_state: Any = None,
    progress: bool = False,
    discretizer: Any = None,
    classifier: Any = None,
    n_bootstrap: int = 0,
    n_jobs: int | None = None,
) -> EstimateResult:
    """Redundancy, uniqueness and bounds on synergy without labeled multimodal data (bits).

    Parameters
    ----------
    data : Marginals, tuple of 3 arrays, or 3-D array, optional
        ``Marginals``; tables ``(p_x1y, p_x2y, p_x1x2)`` with shapes (n1, ny), (n2, ny), (n1, n2);
        or a full joint ``p[x1, x2, y]`` (then ``synergy_true`` is filled for validation).
    x1, x2, paired : pair of 1-D arrays, optional
        Discrete samples instead of ``data``: D1 = ``(x1, y1)``, D2 = ``(x2, y2)``,
        DM = ``(x1u, x2u)``. Values may be any hashable labels.
    posteriors : pair of arrays (n_pairs, n_y), optional
        Posteriors of trained unimodal classifiers on the paired samples (columns in the order of
        the
        label values). Adds disagreement bounds marked as estimates (``guaranteed=False``).
    bounds : "auto", "all" or sequence of str
        Names from :data:`mmbounds.bounds.BOUNDS` to compute. ``"auto"``: all of them, except the
        branch-and-bound upper bound above ``AUTO_BNB_CELLS`` cells of X1×X2×Y, the profile
        coupling bound above ``AUTO_PROFILE_CELLS`` cells (their cost grows fastest) and the paper's
        shared-information relaxation above ``AUTO_PAPER_CELLS`` (never tighter than the
        max-entropy bound, and it costs a second BROJA solve).
    upper_budget_s, upper_max_nodes :
        Budget of the branch-and-bound upper bound (seconds, nodes). The node cap normally binds
        first, which keeps results reproducible; the bound is certified whenever it stops.
    normalize : bool
        Rescale tables (counts) to sum to 1.
    reconcile : bool
        Reconcile inconsistent marginals by maximum likelihood (else raise).
    method : {"auto", "cvxpy", "fast"}
        BROJA solver.
    tol : float
        Certified optimality gap of the BROJA solves, bits.
    backend, device :
        Array backend for the fast solvers (``"auto"``, ``"numpy"``, ``"torch"``).
    random_state : None, int or numpy.random.Generator
        Seed for every randomised step.
    progress : bool
        Show a progress bar over the steps.
    discretizer : None, dict, Discretizer or pair of those
        Raw-data pipeline (sample input only): per-modality discretizer template, fitted once on
        ``D_i`` and ``DM`` features of that modality (default: L2-normalize, PCA(5), k-means(20)).
        Continuous 2-D features (numpy or torch) go through :func:`mmbounds.pipeline.estimate_raw`;
        discrete 1-D columns pass through untouched.
    classifier : None, "linear", "mlp" or estimator
        Train unimodal classifiers on ``D1``, ``D2``; their posteriors on ``DM`` add disagreement
        bounds marked as estimates (``guaranteed=False``).
    n_bootstrap : int
        Bootstrap replicates (``D1``, ``D2``, ``DM`` resampled independently, same discretizers);
        percentile intervals go to ``result.extras['bootstrap']``.
    n_jobs : int or None
        joblib workers for the bootstrap (results do not depend on it).

    Returns
    -------
    EstimateResult

    Raises
    ------
    TypeError, ValueError
        On malformed input (the message names the argument).

    Examples
    --------
    >>> import numpy as np
    >>> import mmbounds
    >>> and_ = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         and_[a, b, a & b] = 0.25
    >>> res = mmbounds.estimate(and_, method="cvxpy")
    >>> round(res.redundancy, 4), round(res.synergy_true, 4)
    (0.3113, 0.5)
    >>> round(res.synergy_lower, 4), round(res.synergy_upper, 4)
    (0.5, 0.5)
    """
    if data is None:
        from .pipeline import estimate_raw, needs_pipeline

        if needs_pipeline(
            x1, x2, paired, discretizer=discretizer, classifier=classifier, n_bootstrap=n_bootstrap
        ):
            return estimate_raw(
                x1=x1,
                x2=x2,
                paired=paired,
                discretizer=discretizer,
                classifier=classifier,
                n_bootstrap=n_bootstrap,
                n_jobs=n_jobs,
                random_state=random_state,
                progress=progress,
                posteriors=posteriors,
                bounds=bounds,
                normalize=normalize,
                reconcile=reconcile,
                method=method,
                tol=tol,
                backend=backend,
                device=device,
            )
    elif discretizer is not None or classifier is not None or n_bootstrap:
        raise TypeError(
            "discretizer, classifier and n_bootstrap need x1/x2/paired samples, not data"
        )
    check_option(method, name="method", options=("auto", "cvxpy", "fast"))
    check_scalar(tol, name="tol", min_val=0.0, include_min=False)
    rng_seed = random_state if isinstance(random_state, (int, np.integer)) else None
    check_random_state(random_state)
    check_scalar(upper_budget_s, name="upper_budget_s", min_val=0.0, include_min=False)
    check_scalar(upper_max_nodes, name="upper_max_nodes", kind=int, min_val=1)
    if isinstance(bounds, str) and bounds not in ("all", "auto"):
        bounds = [bounds]
    names = list(BOUNDS) if bounds in ("all", "auto") else list(bounds)
    for n in names:
        if n not in BOUNDS:
            raise ValueError(f"bounds: unknown bound {n!r}; choose from {list(BOUNDS)}")
    timings: dict[str, float] = {}
    solver_info = {}

    t0 = time.perf_counter()
    m, joint = _as_marginals(data, x1, x2, paired, normalize, reconcile)
    ny = m.shape[2]
    n_cells = int(np.prod(m.shape))
    if bounds == "auto":
        if n_cells > AUTO_BNB_CELLS:
            names.remove("synergy_upper_bnb")
        if n_cells > AUTO_PROFILE_CELLS:
            names.remove("synergy_upper_coupling_profile")
        if n_cells > AUTO_PAPER_CELLS:
            # dominated by synergy_lower_shared (its feasible set contains all of Δ12)
            names.remove("synergy_lower_shared_paper")
    if posteriors is not None:
        if not isinstance(posteriors, (tuple, list)) or len(posteriors) != 2:
            raise TypeError("posteriors must be a pair (f1_probs, f2_probs) of arrays")
        f1 = check_posteriors(posteriors[0], name="posteriors[0]", n_classes=ny)
        f2 = check_posteriors(
            posteriors[1], name="posteriors[1]", n_samples=f1.shape[0], n_classes=ny
        )
        posteriors = (f1, f2)
    timings["marginals"] = time.perf_counter() - t0

    steps = ["pid"] + names
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(steps), desc="mmbounds.estimate", leave=False)

    def _tick(step: str) -> None:
        if bar is not None:
            bar.set_postfix_str(step)
            bar.update(1)

    t0 = time.perf_counter()
    parts = redundancy_uniqueness(
        m.p_x1y, m.p_x2y, method=method, tol=tol, backend=backend, device=device
    )
    timings["pid"] = time.perf_counter() - t0
    solver_info["broja"] = parts.info
    _tick("pid")

    values: list[Bound] = []
    witness = None
    for name in names:
        t0 = time.perf_counter()
        if name == "synergy_lower_shared":
            v, sol = synergy_lower_shared(
                m, parts=parts, return_solution=True, backend=backend, device=device
            )
            solver_info["maxent"] = sol.info
        elif name == "synergy_lower_shared_paper":
            v = synergy_lower_shared_paper(m, parts=parts, method=method, tol=tol)
        elif name == "synergy_upper_bnb":
            v, witness, sol = synergy_upper_bnb(
                m,
                parts=parts,
                budget_s=upper_budget_s,
                max_nodes=upper_max_nodes,
                random_state=check_random_state(random_state) if rng_seed is None else rng_seed,
                return_solution=True,
            )
            solver_info["bnb"] = sol.info
        else:
            v = BOUNDS[name][1](m, parts=parts)
        values.append(Bound(name, BOUNDS[name][0], float(v), GUARANTEED[name], NOTES[name]))
        timings[name] = time.perf_counter() - t0
        _tick(name)
    if bar is not None:
        bar.close()
    if posteriors is not None:
        t0 = time.perf_counter()
        for fn, base in (
            (synergy_lower_disagreement_bhattacharyya, "synergy_lower_disagreement_bhattacharyya"),
            (synergy_lower_disagreement_l2, "synergy_lower_disagreement_l2"),
            (synergy_lower_disagreement_paper, "synergy_lower_disagreement_paper"),
        ):
            v = fn(m, parts=parts, posteriors=posteriors)
            values.append(
                Bound(
                    base + "_classifiers",
                    "lower",
                    float(v),
                    False,
                    "estimate: trained-classifier posteriors on the paired samples; " + NOTES[base],
                )
            )
        timings["classifier_disagreement"] = time.perf_counter() - t0

    lowers = [(b.value, b.name) for b in values if b.side == "lower" and b.guaranteed]
    uppers = [(b.value, b.name) for b in values if b.side == "upper" and b.guaranteed]
    lo, lo_name = max(lowers + [(0.0, "nonnegativity")])
    h_y = entropy(m.p_y)
    # I(X1,X2;Y) <= H(Y); R+U1+U2 lowered by the certified BROJA gap, as in every upper bound
    trivial_upper = h_y - parts.min_mi + max(parts.info.residual, 0.0)
    hi, hi_name = min(uppers + [(trivial_upper, "H(Y)-(R+U1+U2)")])
    synergy_true = None
    if joint is not None:
        synergy_true = mutual_information(joint, (0, 1), 2) - parts.min_mi
    # branch-and-bound stopping on its budget is normal: its bound is certified either way
    messages = [
        f"{k}: {v.status} (residual {v.residual:.2e})"
        for k, v in solver_info.items()
        if not v.converged and k != "bnb"
    ]
    n_support = int(broja_support(m.p_x1y, m.p_x2y).sum())
    backend_used = get_namespace(
        m.p_x1y, backend=backend, device=device, n_cells=int(np.prod(m.shape))
    ).name
    return EstimateResult(
        redundancy=parts.redundancy,
        unique1=parts.unique1,
        unique2=parts.unique2,
        synergy_lower=float(lo),
        synergy_upper=float(hi),
        synergy_lower_method=lo_name,
        synergy_upper_method=hi_name,
        bounds=tuple(values),
        mi_x1y=parts.mi_x1y,
        mi_x2y=parts.mi_x2y,
        mi_x1x2=mutual_information(m.p_x1x2, 0, 1),
        entropy_y=h_y,
        synergy_true=synergy_true,
        synergy_witness=None if witness is None else float(witness),
        shape=m.shape,
        n_support=n_support,
        consistency=m.consistency,
        solver_info=MappingProxyType(solver_info),
        timings=MappingProxyType(timings),
        status="warning" if messages else "ok",
        message="; ".join(messages),
        backend=backend_used,
        random_state=rng_seed,
        mmbounds_version=_version(),
        marginals=m,
    )
