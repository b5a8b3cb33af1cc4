"""Along ``estimate(P)`` the joint is validated once and copied once (by the validation door)."""

from __future__ import annotations

import sys
import tracemalloc

import numpy as np

import mmbounds
import mmbounds._validation as validation
import mmbounds.core as core


def _patch_everywhere(monkeypatch, name, replacement, original):
    for mod_name, mod in list(sys.modules.items()):
        if mod_name.startswith("mmbounds") and getattr(mod, name, None) is original:
            monkeypatch.setattr(mod, name, replacement)


def test_estimate_of_a_joint_validates_and_copies_it_once(monkeypatch):
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(30 * 30 * 4)).reshape(30, 30, 4)
    calls = []
    real_check = validation.check_table

    def counting_check(*args, **kwargs):
        calls.append(kwargs.get("name"))
        return real_check(*args, **kwargs)

    _patch_everywhere(monkeypatch, "check_table", counting_check, real_check)
    snapshots = []
    real_solve = core.solve_marginals

    def spy(m, **kwargs):
        snapshots.append(tracemalloc.take_snapshot())
        return real_solve(m, **kwargs)

    monkeypatch.setattr(core, "solve_marginals", spy)
    tracemalloc.start(30)
    try:
        res = mmbounds.estimate(p, bounds=["synergy_upper_coupling"])
    finally:
        tracemalloc.stop()
    assert calls == ["data"]  # one validation, of the joint itself
    snap = snapshots[0].filter_traces([tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)])
    ours = ("/_validation/", "/marginals/", "estimate.py", "api.py", "_options.py")
    copies = [
        t
        for t in snap.traces
        if t.size == p.nbytes and any(any(s in f.filename for s in ours) for f in t.traceback)
    ]
    assert len(copies) == 1, [t.traceback.format()[-3:] for t in copies]
    # the marginals are taken over without further copies; the caller's array is untouched
    m = res.marginals
    assert all(a is b for a, b in zip(m.observed, (m.p_x1y, m.p_x2y, m.p_x1x2)))
    assert p.flags.writeable and np.isclose(p.sum(), 1.0)


def test_marginal_tables_are_validated_once_each(monkeypatch):
    p = np.full((2, 3, 2), 1 / 12)
    calls = []
    real_check = validation.check_table

    def counting_check(*args, **kwargs):
        calls.append(kwargs.get("name"))
        return real_check(*args, **kwargs)

    _patch_everywhere(monkeypatch, "check_table", counting_check, real_check)
    mmbounds.estimate((p.sum(1), p.sum(0), p.sum(2)), bounds=["synergy_upper_coupling"])
    assert sorted(calls) == ["p_x1x2", "p_x1y", "p_x2y"]
