"""The core estimate: validated marginals -> R, U1, U2 and every selected synergy bound.

:func:`estimate_marginals` takes tables (a :class:`~mmbounds.Marginals`, three pairwise tables or a
labeled joint); the sample and feature layers (:mod:`mmbounds.raw`) build :class:`Marginals` and
call :func:`solve_marginals`, which trusts its inputs. The front door :func:`mmbounds.estimate`
dispatches by input kind. Every bound comes from the registry :data:`mmbounds.bounds.BOUNDS`.
"""

from __future__ import annotations

import time
from types import MappingProxyType
from typing import Any

import numpy as np

from ._options import Options, as_options
from ._progress import Progress, as_progress
from ._validation import (
    check_data_form,
    check_memory,
    check_posterior_pair,
    check_random_state,
    check_table,
    n_support_cells,
)
from ._version import __version__
from .bounds import BOUNDS, BoundContext, select_bounds
from .bounds._guard import combine
from .info import mutual_information
from .marginals import Marginals
from .results import Bound, EstimateResult
from .results._status import warn_status
from .solvers._backend import get_namespace

__all__ = ["estimate_marginals", "solve_marginals", "as_marginals"]


def as_marginals(data: Any, options: Options) -> tuple[Marginals, np.ndarray | None]:
    """``data`` (Marginals, three tables or a joint) as Marginals, and the joint when given.

    Parameters
    ----------
    data : Marginals, tuple of 3 arrays, or 3-D array
        ``Marginals``; tables ``(p_x1y, p_x2y, p_x1x2)``; or a joint ``p[x1, x2, y]``.
    options : Options
        ``normalize``, ``reconcile`` and ``max_memory_gib`` are read.

    Returns
    -------
    m : Marginals
        Validated marginals.
    joint : ndarray, shape (n1, n2, ny), or None
        The validated joint when ``data`` is one.

    Examples
    --------
    >>> from mmbounds import Options
    >>> from mmbounds.data import bitwise_joint
    >>> m, joint = as_marginals(bitwise_joint("xor"), Options())
    >>> m.shape, joint.shape
    ((2, 2, 2), (2, 2, 2))
    >>> m, joint = as_marginals((m.p_x1y, m.p_x2y, m.p_x1x2), Options())
    >>> m.p_y.tolist(), joint is None
    ([0.5, 0.5], True)
    """
    if isinstance(data, Marginals):
        return data, None
    if isinstance(data, (tuple, list)):
        if len(data) != 3:
            raise ValueError(
                f"data as a tuple must hold three tables (p_x1y, p_x2y, p_x1x2), got {len(data)}"
            )
        shapes = [_shape(t) for t in data]
        if all(len(sh) == 2 for sh in shapes):  # the size guard, before reconciliation allocates
            check_memory(
                (shapes[0][0], shapes[1][0], shapes[0][1]),
                max_gib=options.max_memory_gib,
                n_cells=n_support_cells(data[0], data[1]),
            )
        return Marginals(*data, normalize=options.normalize, reconcile=options.reconcile), None
    if len(_shape(data)) == 3:
        nz = data != 0 if isinstance(data, np.ndarray) and data.dtype.kind in "biuf" else None
        cells = None if nz is None else n_support_cells(nz.any(axis=1), nz.any(axis=0))
        check_memory(_shape(data), max_gib=options.max_memory_gib, n_cells=cells)
    joint = check_table(data, name="data", ndim=3, normalize=options.normalize)
    return Marginals._from_checked_joint(joint), joint


def estimate_marginals(
    data: Any,
    *,
    bounds: Any = "auto",
    posteriors: tuple[Any, Any] | None = None,
    options: Options | dict[str, Any] | None = None,
    random_state: Any = 0,
    progress: bool = False,
) -> EstimateResult:
    """R, U1, U2 and bounds on S from tables (bits); see :func:`mmbounds.estimate`.

    Parameters
    ----------
    data : Marginals, tuple of 3 arrays, or 3-D array
        ``Marginals``; tables ``(p_x1y, p_x2y, p_x1x2)`` with shapes (n1, ny), (n2, ny), (n1, n2);
        or a full joint ``p[x1, x2, y]`` (then ``synergy_true`` is filled for validation).
    bounds : "auto", "all", str or sequence of str
        Names from :data:`mmbounds.bounds.BOUNDS` (see :func:`mmbounds.bounds.select_bounds`).
    posteriors : pair of arrays (n_pairs, n_y), optional
        Trained-classifier posteriors on the paired samples (adds the ``*_classifiers`` bounds,
        estimates).
    options : Options or dict, optional
        Solver options (:class:`mmbounds.Options`).
    random_state : None, int or numpy.random.Generator, default 0
        Seeds the randomised searches.
    progress : bool
        Show a progress bar over the steps.

    Returns
    -------
    EstimateResult

    Examples
    --------
    >>> import numpy as np
    >>> xor = np.zeros((2, 2, 2))
    >>> for a in (0, 1):
    ...     for b in (0, 1):
    ...         xor[a, b, a ^ b] = 0.25
    >>> res = estimate_marginals(xor)  # the pairwise marginals of XOR cannot show its synergy
    >>> round(res.synergy_lower, 4), round(res.synergy_upper, 4), round(res.synergy_true, 4)
    (0.0, 1.0, 1.0)
    """
    opts = as_options(options)
    check_random_state(random_state)  # validate early; the value itself is handed down
    run, owned = as_progress(progress)
    run.add(1)
    with run.step("marginals"):  # validation, copy and (when needed) reconciliation
        m, joint = as_marginals(check_data_form(data), opts)
    post = check_posterior_pair(posteriors, m.shape[2])
    result = solve_marginals(
        m,
        joint=joint,
        bounds=bounds,
        posteriors=post,
        options=opts,
        random_state=random_state,
        progress=run,
        _size_checked=True,
    )
    return run.finish(result) if owned else result


def _shape(x: Any) -> tuple[int, ...]:
    """The shape of an array-like without converting it (``()`` when it has none)."""
    shape = getattr(x, "shape", None)
    if shape is None:
        try:
            shape = np.shape(x)
        except ValueError:  # ragged nested lists: check_table reports them
            return ()
    return tuple(int(n) for n in shape)


def solve_marginals(
    m: Marginals,
    *,
    joint: np.ndarray | None = None,
    bounds: Any = "auto",
    posteriors: tuple[np.ndarray, np.ndarray] | None = None,
    options: Options,
    random_state: Any = 0,
    progress: bool | Progress = False,
    _size_checked: bool = False,
) -> EstimateResult:
    """The estimate for trusted inputs (validated marginals, posteriors and options).

    Parameters
    ----------
    m : Marginals
        Validated marginals.
    joint : ndarray, shape (n1, n2, ny), optional
        The full joint, when known (fills ``synergy_true``).
    bounds : "auto", "all", str or sequence of str
        See :func:`mmbounds.bounds.select_bounds`.
    posteriors : pair of ndarray (n_pairs, ny), optional
        Validated classifier posteriors (the ``*_classifiers`` bounds).
    options : Options
        Solver options.
    random_state : None, int or numpy.random.Generator, default 0
        Seeds randomised searches.
    progress : bool or Progress
        Show a progress bar (stderr), or tick the caller's (one step for the BROJA solve and one
        per bound).

    Returns
    -------
    EstimateResult
        R, U1, U2 and the bounds on S, bits.

    Examples
    --------
    >>> from mmbounds import Marginals, Options
    >>> from mmbounds.data import bitwise_joint
    >>> p = bitwise_joint("and")
    >>> res = solve_marginals(Marginals.from_joint(p), joint=p, options=Options())
    >>> round(res.redundancy, 4), round(res.synergy_lower, 4), round(res.synergy_upper, 4)
    (0.3113, 0.5, 0.5)
    """
    if not _size_checked:  # the sample layers build Marginals and come in here
        check_memory(
            m.shape, max_gib=options.max_memory_gib, n_cells=n_support_cells(m.p_x1y, m.p_x2y)
        )
    names = select_bounds(
        bounds, n_cells=int(np.prod(m.shape)), with_posteriors=posteriors is not None
    )
    ctx = BoundContext(m, options, posteriors=posteriors, random_state=random_state)
    timings: dict[str, float] = {}
    solver_info: dict[str, Any] = {}
    run, owned = as_progress(progress)
    run.add(1 + len(names))
    run.label("R, U1, U2 (BROJA)")
    t0 = time.perf_counter()
    parts = ctx.parts
    timings["pid"] = time.perf_counter() - t0
    solver_info["broja"] = parts.info
    values: list[Bound] = []
    witness = None
    for name in names:
        run.advance(1, name)
        spec, t0 = BOUNDS[name], time.perf_counter()
        out = spec.compute(ctx)
        timings[name] = time.perf_counter() - t0
        if out.info is not None:
            solver_info[name] = out.info
        if out.witness is not None:
            witness = out.witness
        values.append(Bound(name, spec.side, float(out.value), spec.guaranteed, spec.note))
    run.advance(1)
    result = _result(ctx, joint, values, witness, solver_info, timings, random_state)
    return run.finish(result) if owned else result


def _result(
    ctx: BoundContext,
    joint: np.ndarray | None,
    values: list[Bound],
    witness: float | None,
    solver_info: dict[str, Any],
    timings: dict[str, float],
    random_state: Any,
) -> EstimateResult:
    """Best guaranteed bounds (finite and ordered: :func:`mmbounds.bounds._guard.combine`),
    status and the result object."""
    m, parts, opts = ctx.m, ctx.parts, ctx.options
    comb = combine(ctx, [(b.name, b.side, b.value, b.guaranteed) for b in values], witness)
    values = [Bound(n, s, v, g, BOUNDS[n].note) for n, s, v, g in comb.values]
    synergy_true = None
    if joint is not None:
        synergy_true = max(mutual_information(joint, (0, 1), 2) - parts.min_mi, 0.0)
    # a search stopping on its budget is normal: its bound is certified either way (a search
    # that failed, "numerical_error", is reported like any other solver)
    messages = [
        f"{k}: {v.status} (residual {v.residual:.2e})"
        if k not in BOUNDS or BOUNDS[k].cost != "search"
        else f"{k}: {v.status}, no witness found; its bound stays certified, but no table "
        "with these marginals shows how tight it is"
        for k, v in solver_info.items()
        if not v.converged
        and (k not in BOUNDS or BOUNDS[k].cost != "search" or v.status == "numerical_error")
    ]
    messages += comb.notes
    if opts.time_budget_s is not None:
        messages.append(
            f"time_budget_s={opts.time_budget_s:g} is set: the search bounds depend on timing"
        )
    status = "degraded" if comb.degraded else ("warning" if messages else "ok")
    backend = get_namespace(
        m.p_x1y, backend=opts.backend, device=opts.device, n_cells=ctx.n_cells
    ).name
    seed = random_state if isinstance(random_state, (int, np.integer)) else None
    message = "; ".join(messages)
    warn_status(status, message, comb.parts_certified, what="mmbounds.estimate", stacklevel=4)
    return EstimateResult(
        redundancy=parts.redundancy,
        unique1=parts.unique1,
        unique2=parts.unique2,
        synergy_lower=float(comb.lower) + 0.0,  # + 0.0: never a negative zero
        synergy_upper=float(comb.upper) + 0.0,
        synergy_lower_method=comb.lower_name,
        synergy_upper_method=comb.upper_name,
        bounds=tuple(values),
        mi_x1y=parts.mi_x1y,
        mi_x2y=parts.mi_x2y,
        mi_x1x2=ctx.mi_x1x2,
        entropy_y=ctx.entropy_y,
        synergy_true=synergy_true,
        synergy_witness=comb.witness,
        shape=m.shape,
        n_support=ctx.n_support,
        consistency=m.consistency,
        solver_info=MappingProxyType(solver_info),
        timings=MappingProxyType(timings),
        status=status,
        message=message,
        backend=backend,
        random_state=None if seed is None else int(seed),
        mmbounds_version=__version__,
        marginals=m,
        residuals=MappingProxyType(comb.residuals),
        valid=comb.parts_certified,
    )
