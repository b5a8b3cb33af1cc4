"""Confidence intervals for the population behind the samples (DESIGN §8).

The bounds are theorems about the *population* marginals; D1, D2 and DM are independent samples of
them. Two modes:

``"bootstrap"`` (default)
    Each source is resampled on its own (multinomial on its count table, the nonparametric
    bootstrap of that source), every replicate is reconciled and re-estimated, and for each
    functional θ (R, U1, U2 and the two ends ``S_L``, ``S_U`` of the synergy identified set) the
    plug-in bias is removed, ``θ~ = 2 θ^ - mean(θ*)``, and ``θ~ ± z s`` gives its interval, ``s``
    the replicate standard deviation. S itself is only partially identified: its interval is the
    Imbens–Manski one, ``[S_L~ - c s_L, S_U~ + c s_U]`` with ``c`` solving
    ``Φ(c + Δ / max(s_L, s_U)) - Φ(-c) = confidence`` (Δ the estimated width of the identified
    set), which covers the *parameter* (not only the set) with the stated probability. Asymptotic.
``"certified"``
    A finite-sample guarantee under iid sampling of each source (:mod:`._certified`).

References
----------
G. W. Imbens and C. F. Manski, "Confidence intervals for partially identified parameters",
Econometrica 72(6), 2004. J. Stoye, "More on confidence intervals for partially identified
parameters", Econometrica 77(4), 2009. B. Efron and R. J. Tibshirani, *An Introduction to the
Bootstrap*, 1993 (bias correction, ch. 10).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from scipy.optimize import brentq
from scipy.stats import norm

from .._options import Options
from .._validation import check_random_state
from ..bounds import BoundContext, identified_set
from ..marginals import Marginals
from ..results import Interval, PopulationInference
from ._certified import certified_intervals

__all__ = ["infer_population", "source_counts", "functionals", "QUANTITIES", "MODES"]

#: reconciliation accuracy of a replicate (largest marginal change of the last EM step) and its
#: iteration cap: far below the sampling error the replicates measure, and 10-100 times cheaper
#: than the 1e-10 of a main estimate on sparse tables
_REPLICATE_EM_TOL = 1e-7
_REPLICATE_EM_ITER = 500
#: solver accuracy (bits, certified gaps) of a replicate, for the same reason
_REPLICATE_TOL = 1e-6
QUANTITIES = ("redundancy", "unique1", "unique2", "synergy_lower_end", "synergy_upper_end")
MODES = ("bootstrap", "certified")


def source_counts(m: Marginals) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count tables of D1, D2 and DM (the observed tables times their sample sizes)."""
    if m.sample_sizes is None:
        raise ValueError(
            "population inference needs sample sizes: build the marginals from samples "
            "(Marginals.from_samples or estimate(x1=..., x2=..., paired=...))"
        )
    return tuple(np.rint(t * n) for t, n in zip(m.observed, m.sample_sizes))  # type: ignore


def functionals(m: Marginals, options: Options) -> np.ndarray:
    """``(R, U1, U2, S_L, S_U)`` of the marginals, bits (``S_L`` not clipped at 0)."""
    ctx = BoundContext(m, options)
    lo, hi = identified_set(ctx)
    p = ctx.parts
    return np.array([p.redundancy, p.unique1, p.unique2, lo, hi])


def _replicate(
    counts: tuple[np.ndarray, ...], sizes: tuple[int, ...], seed: int, options: Options
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    tables = []
    for t, n in zip(counts, sizes):
        draw = rng.multinomial(n, (t / t.sum()).ravel()).reshape(t.shape).astype(np.float64)
        tables.append(draw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # resampled marginals disagree; they are reconciled
        m = Marginals(
            *tables,
            normalize=True,
            sample_sizes=sizes,
            reconcile=True,
            tol=_REPLICATE_EM_TOL,
            max_iter=_REPLICATE_EM_ITER,
        )
        return functionals(m, options)


def _im_critical(width: float, sigma: float, confidence: float) -> float:
    """Imbens–Manski ``c``: ``Φ(c + width / sigma) - Φ(-c) = confidence``."""
    z1 = float(norm.ppf(confidence))
    z2 = float(norm.ppf(0.5 + confidence / 2))
    if sigma <= 0 or not math.isfinite(width / sigma):
        return z1
    r = max(width, 0.0) / sigma

    def f(c: float) -> float:
        return float(norm.cdf(c + r) - norm.cdf(-c)) - confidence

    return brentq(f, z1 - 1e-9, z2 + 1e-9) if f(z1) < 0 < f(z2) else (z1 if f(z1) >= 0 else z2)


def _verdict(low: float, high: float, negligible: float) -> str:
    if low > negligible:
        return "present"
    if high < negligible:
        return "absent"
    return "undetermined"


def _bootstrap_intervals(
    plugin: np.ndarray, reps: np.ndarray, confidence: float, negligible: float
) -> dict[str, Interval]:
    bias = reps.mean(axis=0) - plugin
    est = plugin - bias
    sd = reps.std(axis=0, ddof=1) if reps.shape[0] > 1 else np.zeros_like(plugin)
    z2 = float(norm.ppf(0.5 + confidence / 2))
    out: dict[str, Interval] = {}
    for k, name in enumerate(QUANTITIES):
        lo = max(est[k] - z2 * sd[k], 0.0)
        hi = max(est[k] + z2 * sd[k], lo)
        out[name] = Interval(
            name, max(est[k], 0.0), lo, hi, float(plugin[k]), _verdict(lo, hi, negligible)
        )
    # S itself: Imbens–Manski interval between the two ends of the identified set
    (l_est, u_est), (l_sd, u_sd) = est[3:5], sd[3:5]
    c = _im_critical(u_est - l_est, max(l_sd, u_sd), confidence)
    s_lo = max(l_est - c * l_sd, 0.0)
    s_hi = max(u_est + c * u_sd, s_lo)
    mid = 0.5 * (max(l_est, 0.0) + max(u_est, 0.0))
    plug_mid = 0.5 * (max(plugin[3], 0.0) + plugin[4])
    out["synergy"] = Interval(
        "synergy", mid, s_lo, s_hi, float(plug_mid), _verdict(s_lo, s_hi, negligible)
    )
    return out


def _notes(intervals: dict[str, Interval], mode: str, negligible: float) -> tuple[bool, list[str]]:
    s, lo_end, hi_end = (
        intervals[k] for k in ("synergy", "synergy_lower_end", "synergy_upper_end")
    )
    notes = [
        (
            "intervals cover the population value with the stated probability "
            + (
                "asymptotically (bias-corrected bootstrap, each source resampled on its own)"
                if mode == "bootstrap"
                else "at every sample size (concentration bounds, iid sampling of each source)"
            )
        ),
        f"verdicts: present = above {negligible:g} bits, absent = below {negligible:g} bits, "
        "with that confidence",
    ]
    identifiable = not (lo_end.low <= negligible and hi_end.low > negligible)
    if not identifiable:
        notes.append(
            f"the pairwise marginals cannot tell whether synergy is present: joints with these "
            f"marginals have anywhere from about {max(lo_end.estimate, 0.0):.3f} to "
            f"{hi_end.estimate:.3f} bits of it; only labeled multimodal data can decide"
        )
    if s.verdict == "present":
        notes.append(f"synergy of at least {s.low:.3f} bits is present at this confidence")
    return identifiable, notes


def infer_population(
    m: Marginals,
    *,
    confidence: float = 0.95,
    mode: str = "bootstrap",
    n_resamples: int = 200,
    negligible: float = 0.01,
    options: Options,
    random_state: Any = None,
    n_jobs: int | None = None,
    progress: bool = False,
) -> PopulationInference:
    """Confidence intervals for R, U1, U2, the ends of the synergy identified set and S (bits).

    Parameters
    ----------
    m : Marginals
        Marginals counted from samples (``m.sample_sizes`` set; its ``observed`` tables are the
        sources' empirical tables).
    confidence : float
        Level of every interval, in (0, 1).
    mode : {"bootstrap", "certified"}
        See the module docstring.
    n_resamples : int
        Bootstrap replicates (``"bootstrap"`` mode).
    negligible : float
        Bits below which a quantity counts as absent (verdicts).
    options : Options
        Solver options of every replicate.
    random_state : None, int or numpy.random.Generator
        Seeds the replicates (drawn in advance: results do not depend on ``n_jobs``).
    n_jobs : int or None
        joblib workers.
    progress : bool
        tqdm bar over the replicates.

    Returns
    -------
    PopulationInference

    Examples
    --------
    >>> import numpy as np
    >>> from mmbounds import Marginals, Options
    >>> rng = np.random.default_rng(0)
    >>> x1, x2 = rng.integers(0, 2, 400), rng.integers(0, 2, 400)
    >>> y = x1 ^ x2
    >>> m = Marginals.from_samples((x1[:200], y[:200]), (x2[200:], y[200:]), (x1, x2))
    >>> inf = infer_population(m, n_resamples=50, options=Options(), random_state=0)
    >>> inf["synergy"].verdict, inf.identifiable
    ('undetermined', False)
    """
    counts = source_counts(m)
    sizes = tuple(int(round(n)) for n in m.sample_sizes)
    plugin = functionals(m, options)
    if mode == "certified":
        intervals = certified_intervals(m, plugin, confidence=confidence, negligible=negligible)
        n_done = 0
    else:
        rng = check_random_state(random_state)
        seeds = [int(s) for s in rng.integers(0, 2**63 - 1, size=n_resamples)]
        rep_options = options.replace(tol=max(options.tol, _REPLICATE_TOL))
        if n_jobs in (None, 1):
            it = (_replicate(counts, sizes, s, rep_options) for s in seeds)
        else:
            it = Parallel(n_jobs=n_jobs, return_as="generator")(
                delayed(_replicate)(counts, sizes, s, rep_options) for s in seeds
            )
        if progress:
            from tqdm.auto import tqdm

            it = tqdm(it, total=len(seeds), desc="mmbounds.inference", leave=False)
        reps = np.array(list(it))
        intervals = _bootstrap_intervals(plugin, reps, confidence, negligible)
        n_done = len(seeds)
    identifiable, notes = _notes(intervals, mode, negligible)
    return PopulationInference(
        confidence=float(confidence),
        mode=mode,
        intervals=intervals,
        negligible=float(negligible),
        identifiable=identifiable,
        n_resamples=n_done,
        sample_sizes=sizes,  # type: ignore[arg-type]
        notes=tuple(notes),
    )
