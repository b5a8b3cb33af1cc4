"""Accuracy intervals from interactions (mmbounds.performance, paper Thm 5)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mmbounds
from mmbounds.performance import (
    PerformanceBounds,
    accuracy_interval,
    fano_accuracy_upper,
    feder_merhav_accuracy_lower,
    performance_bounds,
)

from .conftest import CANONICAL


def _bayes(p: np.ndarray) -> tuple[float, float, float]:
    """(Bayes accuracy, H(Y|X1,X2), I(X1,X2;Y)) of a joint p[x1, x2, y], bits."""
    pxy = p.reshape(-1, p.shape[-1])
    px = pxy.sum(1, keepdims=True)
    acc = float(pxy.max(1).sum())
    nz = pxy > 0
    h_cond = float(-(pxy[nz] * np.log2((pxy / np.where(px > 0, px, 1))[nz])).sum())
    py = pxy.sum(0)
    h_y = float(-(py[py > 0] * np.log2(py[py > 0])).sum())
    return acc, h_cond, h_y - h_cond


# ------------------------------------------------------------------------------------ scalar bounds
def test_fano_inverts_exactly() -> None:
    for k in (2, 3, 10):
        for e in (0.01, 0.1, 0.3, (k - 1) / k - 1e-3):
            h = -e * math.log2(e) - (1 - e) * math.log2(1 - e) + e * math.log2(k - 1)
            assert fano_accuracy_upper(h, k) == pytest.approx(1 - e, abs=1e-9)


def test_fano_extremes() -> None:
    assert fano_accuracy_upper(0.0, 4) == 1.0
    assert fano_accuracy_upper(-0.1, 4) == 1.0  # I slightly above H(Y) by rounding
    assert fano_accuracy_upper(2.0, 4) == pytest.approx(0.25)
    assert fano_accuracy_upper(5.0, 4) == pytest.approx(0.25)
    assert fano_accuracy_upper(0.3, 1) == 1.0


def test_feder_merhav_piecewise_points_and_order() -> None:
    for k in range(1, 8):
        assert feder_merhav_accuracy_lower(math.log2(k), 8) == pytest.approx(1 / k)
    hs = np.linspace(0, 3, 61)
    pw = [feder_merhav_accuracy_lower(h, 8) for h in hs]
    ex = [feder_merhav_accuracy_lower(h, 8, form="exponential") for h in hs]
    assert all(a >= b - 1e-12 for a, b in zip(pw, ex, strict=True))  # tight form dominates 2^-H
    assert all(np.diff(pw) <= 1e-12)  # decreasing in H
    with pytest.raises(ValueError, match="form"):
        feder_merhav_accuracy_lower(1.0, 2, form="bogus")


@settings(max_examples=150, deadline=None)
@given(
    nx=st.integers(1, 4),
    ny=st.integers(2, 5),
    conc=st.sampled_from([0.1, 0.5, 1.0, 3.0]),
    seed=st.integers(0, 10_000),
)
def test_interval_contains_bayes_accuracy(nx: int, ny: int, conc: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.full(nx * 2 * ny, conc)).reshape(nx, 2, ny)
    acc, h_cond, mi = _bayes(p)
    py = p.sum((0, 1))
    k = int((py > 0).sum())
    h_y = float(-(py[py > 0] * np.log2(py[py > 0])).sum())
    lo, hi = accuracy_interval(mi, h_y, k, majority=float(py.max()))
    assert lo - 1e-9 <= acc <= hi + 1e-9
    assert 2 ** (-h_cond) <= acc + 1e-9  # the paper's weaker form too


def test_accuracy_interval_rejects_reversed() -> None:
    with pytest.raises(ValueError, match="reversed"):
        accuracy_interval((0.5, 0.2), 1.0, 2)


# --------------------------------------------------------------------------- performance_bounds
@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_canonical_tables_inside(name: str) -> None:
    joint = CANONICAL[name][0]
    res = mmbounds.estimate(joint, options={"solver": "cvxpy"})
    perf = performance_bounds(res)
    acc = _bayes(joint)[0]
    assert perf.accuracy_lower - 1e-9 <= acc <= perf.accuracy_upper + 1e-9
    assert perf.accuracy_upper <= 1.0
    assert perf.unimodal1[0] <= perf.unimodal1[1]
    # the multimodal interval dominates each unimodal one at both ends
    assert perf.accuracy_upper >= max(perf.unimodal1[1], perf.unimodal2[1]) - 1e-9
    assert perf.gain_interval[0] >= 0.0


def test_xor_recommends_interactions_and_copy_recommends_simple() -> None:
    xor = mmbounds.estimate(CANONICAL["xor"][0], options={"solver": "cvxpy"})
    perf = performance_bounds(xor)
    assert perf.unimodal1 == (0.5, 0.5) and perf.unimodal2 == (0.5, 0.5)
    assert perf.fusion in ("interaction", "probably_interaction")
    assert perf.data_collection in ("collect", "probably_collect")
    red = performance_bounds(mmbounds.estimate(CANONICAL["redundant"][0], options={"solver": "cvxpy"}))
    assert red.accuracy_interval == (pytest.approx(1.0), pytest.approx(1.0))
    assert red.fusion == "simple"
    assert red.data_collection == "skip"  # unimodal already perfect
    assert "gain in" in red.data_collection_reason


def test_exact_pid_collapses_interval() -> None:
    joint = CANONICAL["and"][0]
    exact = mmbounds.pid(joint)
    perf = performance_bounds(exact, p_y=joint.sum((0, 1)))
    assert perf.synergy_interval == (pytest.approx(0.5), pytest.approx(0.5))
    lo, hi = perf.accuracy_interval
    assert lo <= 1.0 <= hi + 1e-9  # AND is deterministic: Bayes accuracy 1
    with pytest.raises(TypeError, match="marginals"):
        performance_bounds(exact)


def test_monotone_in_synergy_bounds() -> None:
    res = mmbounds.estimate(CANONICAL["and"][0], options={"solver": "cvxpy"})
    p_y = res.marginals.p_y

    class Fake:
        redundancy, unique1, unique2 = res.redundancy, 0.0, 0.0

        def __init__(self, lo: float, hi: float) -> None:
            self.synergy_lower, self.synergy_upper = lo, hi

    a = performance_bounds(Fake(0.1, 0.3), p_y=p_y)
    b = performance_bounds(Fake(0.0, 0.5), p_y=p_y)
    assert b.accuracy_lower <= a.accuracy_lower and b.accuracy_upper >= a.accuracy_upper


def test_measured_unimodal_and_export() -> None:
    res = mmbounds.estimate(CANONICAL["and"][0], options={"solver": "cvxpy"})
    perf = performance_bounds(res, unimodal_accuracies=(0.75, 0.7), min_gain=0.05)
    assert isinstance(perf, PerformanceBounds)
    assert perf.unimodal_measured == (0.75, 0.7)
    assert perf.gain_estimate == pytest.approx(max(0.0, perf.accuracy_estimate - 0.75))
    d = perf.to_dict()
    json.dumps(d)
    assert d["accuracy_lower"] == perf.accuracy_lower and d["min_gain"] == 0.05
    text = repr(perf)
    assert "multimodal accuracy" in text and "fusion:" in text and "discretized" in text
    with pytest.raises(ValueError, match="unimodal_accuracies"):
        performance_bounds(res, unimodal_accuracies=(1.5, 0.2))
    with pytest.raises(ValueError, match="min_gain"):
        performance_bounds(res, min_gain=-1.0)
    with pytest.raises(TypeError, match="EstimateResult"):
        performance_bounds(object())
    with pytest.raises(AttributeError):
        perf.accuracy_lower = 0.0  # frozen


def test_paper_forms_reported() -> None:
    res = mmbounds.estimate(CANONICAL["xor"][0], options={"solver": "cvxpy"})
    perf = performance_bounds(res)
    i_lo, i_hi = perf.mi_interval
    assert perf.accuracy_lower_paper == pytest.approx(2 ** (i_lo - perf.entropy_y))
    assert perf.accuracy_upper_paper == pytest.approx((i_hi + 1) / math.log2(perf.n_classes))
    assert perf.accuracy_lower >= perf.accuracy_lower_paper - 1e-12
