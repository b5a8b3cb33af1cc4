"""Accuracy intervals from interactions (mmbounds.performance, paper Thm 5)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import mmbounds
from mmbounds.data import bitwise_joint
from mmbounds.performance import (
    JointPolytope,
    PerformanceBounds,
    accuracy_interval,
    accuracy_ranges,
    fano_accuracy_upper,
    feder_merhav_accuracy_lower,
    late_fusion_rule,
    performance_bounds,
)
from mmbounds.performance._polytope import MILP_PAD

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


# ------------------------------------------------------------------------------ exact ranges
def _tables(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return p.sum(1), p.sum(0), p.sum(2)


def _rule_accuracy(p: np.ndarray) -> float:
    rule = late_fusion_rule(p.sum(1), p.sum(0))
    a, b = np.meshgrid(np.arange(p.shape[0]), np.arange(p.shape[1]), indexing="ij")
    return float(p[a, b, rule].sum())


def _check_contains(p: np.ndarray, **kw: int) -> None:
    r = accuracy_ranges(*_tables(p), **kw)
    acc = _bayes(p)[0]
    assert r.bayes[0] <= acc <= r.bayes[1]
    assert r.unimodal1 == pytest.approx(p.sum(1).max(1).sum(), abs=1e-12)
    best = max(r.unimodal1, r.unimodal2)
    assert r.gain[0] <= acc - best + 1e-12 and acc - best <= r.gain[1]
    late = _rule_accuracy(p)
    assert r.late[0] <= late <= r.late[1]
    assert r.gap[0] <= acc - late <= r.gap[1]


@settings(max_examples=12, deadline=None)
@given(
    shape=st.tuples(st.integers(2, 3), st.integers(2, 3), st.integers(2, 3)),
    conc=st.sampled_from([0.1, 0.5, 2.0]),
    seed=st.integers(0, 10_000),
)
@example(shape=(3, 2, 3), conc=0.1, seed=156)  # the MILP bound 1.9e-6 low (pad 1e-6 too small)
def test_exact_ranges_contain_bayes_accuracy(shape: tuple, conc: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    _check_contains(rng.dirichlet(np.full(int(np.prod(shape)), conc)).reshape(shape))


@pytest.mark.slow
def test_exact_ranges_contain_bayes_accuracy_1000_tables() -> None:
    rng = np.random.default_rng(2024)
    shapes = [(2, 2, 2), (3, 3, 3), (2, 4, 3), (4, 3, 2), (5, 5, 4), (8, 6, 3)]
    for i in range(1000):
        shape = shapes[i % len(shapes)]
        conc = (0.1, 0.5, 1.0)[i % 3]
        _check_contains(rng.dirichlet(np.full(int(np.prod(shape)), conc)).reshape(shape))


def test_ends_are_attained_by_joints() -> None:
    """The lower end is the Bayes accuracy of a joint with the marginals; MILP upper end too."""
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.full(12, 0.5)).reshape(2, 3, 2)
    poly = JointPolytope(*_tables(p))
    lo, q = poly.bayes_min()
    assert poly.eq @ q == pytest.approx(poly.rhs, abs=1e-7)
    assert poly.bayes(q) == pytest.approx(lo, abs=1e-6)
    r = poly.bayes_range()
    assert r.method == "milp" and r.exact
    assert r.upper_attained == pytest.approx(r.upper, abs=MILP_PAD + 2e-6)  # the bound is padded
    # the budgeted and relaxed upper ends are valid, never below the exact one
    assert poly.bayes_range(max_binaries=0).upper >= r.upper - 1e-9


def test_deterministic_modality_collapses_range() -> None:
    """x2 a function of x1: every joint has the unimodal accuracy of x1, no gain."""
    rng = np.random.default_rng(1)
    p1 = rng.dirichlet(np.ones(6)).reshape(3, 2)
    p = np.zeros((3, 3, 2))
    for a in range(3):
        p[a, a] = p1[a]
    r = accuracy_ranges(*_tables(p))
    assert r.bayes[1] - r.bayes[0] < MILP_PAD + 3e-6  # the MILP bound is padded
    assert r.gain[1] < MILP_PAD + 3e-6


# --------------------------------------------------------------------------- performance_bounds
@pytest.mark.parametrize("name", sorted(CANONICAL))
def test_canonical_tables_inside(name: str) -> None:
    joint = CANONICAL[name][0]
    perf = performance_bounds(mmbounds.estimate(joint))
    acc = _bayes(joint)[0]
    assert perf.accuracy_lower <= acc <= perf.accuracy_upper
    assert perf.mi_accuracy_interval[0] - 1e-9 <= acc <= perf.mi_accuracy_interval[1] + 1e-9
    assert perf.accuracy_upper <= perf.mi_accuracy_interval[1] + 1e-12  # never worse than MI
    assert perf.accuracy_lower >= perf.best_unimodal - 1e-6


def _xor() -> np.ndarray:
    return CANONICAL["xor"][0]


@pytest.mark.parametrize("table", ["xor", "independent"])
def test_never_collect_or_interaction_on_xor_or_independent(table: str) -> None:
    p = _xor() if table == "xor" else np.full((2, 2, 2), 1 / 8)
    for thr in (0.0, 0.02, 0.2):
        perf = performance_bounds(p, min_gain=thr, fusion_threshold=thr)
        assert perf.data_collection != "collect" and perf.fusion != "interaction"
    perf = performance_bounds(p)
    assert perf.data_collection == "undetermined" if table == "xor" else True
    assert perf.gain_interval[0] == 0.0


def test_and_gate_collects_and_copy_does_not() -> None:
    """AND: every joint with its marginals beats the best single input (0.75) by a margin."""
    p = CANONICAL["and"][0]
    perf = performance_bounds(p)
    assert perf.unimodal1 == pytest.approx(0.75)
    assert perf.accuracy_lower == pytest.approx(_bayes(p)[0], abs=1e-6)  # AND is identified
    assert perf.gain_interval[0] > 0.2 and perf.data_collection == "collect"
    assert perf.fusion == "late_fusion"  # the product rule already gets AND right
    red = performance_bounds(CANONICAL["redundant"][0])
    assert red.accuracy_interval == (pytest.approx(1.0), pytest.approx(1.0))
    assert red.data_collection == "dont_collect" and red.fusion == "late_fusion"


def test_samples_use_confidence_limits() -> None:
    rng = np.random.default_rng(0)
    n = 600
    x1, x2 = rng.integers(0, 2, n), rng.integers(0, 2, n)
    y = (x1 & x2) ^ (rng.random(n) < 0.1)  # a noisy AND
    res = mmbounds.estimate(
        x1=(x1[:300], y[:300]),
        x2=(x2[300:], y[300:]),
        paired=(x1, x2),
        random_state=0,
        options={"n_resamples": 20},
    )
    perf = performance_bounds(res, n_resamples=8, random_state=0)
    assert perf.confidence == 0.95 and "bootstrap" in perf.basis
    assert perf.decision_gain[0] <= perf.gain_interval[0] + 1e-9
    assert perf.decision_gain[1] >= perf.gain_interval[1] - 1e-9 or perf.decision_gain[1] == 1.0
    again = performance_bounds(res, n_resamples=8, random_state=0)
    assert again.decision_gain == perf.decision_gain  # reproducible


def test_export_and_errors() -> None:
    perf = performance_bounds(CANONICAL["and"][0])
    assert isinstance(perf, PerformanceBounds)
    d = perf.to_dict()
    json.dumps(d)
    assert d["accuracy_lower"] == perf.accuracy_lower and d["paper_upper_guaranteed"] is False
    text = repr(perf)
    assert "Bayes" in text and "fusion:" in text and "NOT guaranteed" in text
    assert "<table>" in perf._repr_html_()
    with pytest.raises(ValueError, match="min_gain"):
        performance_bounds(CANONICAL["and"][0], min_gain=-1.0)
    with pytest.raises(ValueError, match="confidence"):  # was a StatisticsError deep inside
        performance_bounds(CANONICAL["and"][0], confidence=1.0)
    with pytest.raises(TypeError, match="marginals"):
        performance_bounds(mmbounds.pid(CANONICAL["and"][0]))
    with pytest.raises(TypeError, match="EstimateResult"):
        performance_bounds(object())
    with pytest.raises(AttributeError):
        perf.accuracy_lower = 0.0  # frozen


def test_paper_forms_reported_and_upper_not_guaranteed() -> None:
    perf = performance_bounds(_xor())
    i_lo, i_hi = perf.mi_interval
    assert perf.paper_accuracy_lower == pytest.approx(2 ** (i_lo - perf.entropy_y))
    # (I + 1) / log2 K = 2 on XOR: an accuracy, it is reported as at most 1 (it read 1.94)
    assert (i_hi + 1) / math.log2(perf.n_classes) > 1.9 and perf.paper_accuracy_upper == 1.0
    # a skewed prior with K = 4 and little information: (I + 1) / log2 K < Bayes accuracy
    p = np.zeros((2, 2, 4))
    p[:, :, 0] = 0.97 / 4
    p[:, :, 1:] = 0.01 / 4
    perf = performance_bounds(p)
    acc = _bayes(p)[0]
    assert perf.paper_accuracy_upper < acc <= perf.accuracy_upper


def test_tables_with_rounding_residues_are_solved() -> None:
    """A reconciled bootstrap replicate of digits halves at 20 clusters (179 labeled samples per
    source) keeps entries of about 1e-13 in its labeled tables. HiGHS presolve declared its
    feasible accuracy LPs infeasible, and performance_bounds raised a RuntimeError blaming
    inconsistent marginals. Without presolve the same programs solve."""
    from pathlib import Path

    data = np.load(Path(__file__).parent / "data" / "presolve_infeasible_20x20x10.npz")
    p1, p2, p12 = data["p_x1y"], data["p_x2y"], data["p_x1x2"]
    assert 0 < p1[p1 > 0].min() < 1e-12  # the residues that tripped presolve
    poly = JointPolytope(p1, p2, p12)
    lo, q = poly.bayes_min()  # a joint with the marginals: the tables are consistent
    assert poly.eq @ q == pytest.approx(poly.rhs, abs=1e-7)
    a = accuracy_ranges(p1, p2, p12)
    assert a.upper_method == "lp_relaxation"  # 606 variables: above the MILP's binaries
    assert a.bayes[0] == pytest.approx(lo, abs=1e-9)
    assert a.bayes[0] <= a.bayes_attained <= a.bayes[1] <= 1.0
    assert a.gain[0] <= a.gain[1] and a.gap[0] <= a.gap[1]
    assert 0.2 < a.gain[0] < 0.3 and 0.0 < a.gap[0] < a.gap[1] < 0.1


def test_tables_give_the_same_result_for_the_same_seed() -> None:
    """The estimate that performance_bounds makes of tables was unseeded: six calls with
    random_state=0 on this 4x4x3 table gave five different synergy upper limits (to 1e-12)."""
    p = np.random.default_rng(51).dirichlet(np.full(48, 0.3)).reshape(4, 4, 3)
    tables = (p.sum(1), p.sum(0), p.sum(2))
    runs = [performance_bounds(tables, random_state=0, progress=False).to_dict() for _ in range(4)]
    assert all(r == runs[0] for r in runs[1:])
    seeded = mmbounds.estimate(tables, random_state=0, progress=False)
    assert performance_bounds(seeded, progress=False).to_dict() == runs[0]


def test_raw_features_say_the_accuracies_are_of_the_clusters() -> None:
    # digits halves at 2 clusters each: best multimodal accuracy 0.35 against 0.92 for a logistic
    # regression on the pixels; only the last line said the accuracies were of the clusters
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 900)
    x1, x2 = y[:, None] + rng.normal(size=(900, 2)), y[:, None] + rng.normal(size=(900, 2))
    res = mmbounds.estimate(
        x1=(x1[:300], y[:300]),
        x2=(x2[300:600], y[300:600]),
        paired=(x1[600:], x2[600:]),
        random_state=0,
        confidence=None,
        progress=False,
    )
    k1, k2 = res.extras["n_clusters"]
    perf = performance_bounds(res, n_resamples=5, progress=False)
    assert perf.basis.startswith(
        "accuracies of classifiers of the discretized features "
        f"(modality 1 in {k1} clusters and modality 2 in {k2} clusters)"
    )
    assert str(perf).splitlines()[-3].strip() == perf.basis  # before the verdicts


def test_performance_bounds_keeps_value_errors_and_names_progress():
    xor = bitwise_joint("xor")
    with pytest.raises(ValueError, match="negative entries"):
        performance_bounds(-xor)
    with pytest.raises(TypeError, match="progress must be True or False"):
        performance_bounds(xor, progress="yes")
    with pytest.raises(TypeError, match="result must be an EstimateResult"):
        performance_bounds("abc")


def test_accuracy_ranges_check_their_tables_and_budgets_at_the_door():
    # counts gave a unimodal accuracy of 5.0 (500 %); mismatched shapes a numpy broadcast
    # error; NaN "inconsistent"; a negative entry a RuntimeError of HiGHS; max_nodes=0 was taken
    from mmbounds.performance._ranges import accuracy_ranges, late_fusion_rule

    m = mmbounds.Marginals.from_joint(bitwise_joint("xor"))
    p1, p2, p12 = m.p_x1y, m.p_x2y, m.p_x1x2
    cases = (
        ((p1 * 10, p2 * 10, p12 * 10), "p_x1y must sum to 1"),
        ((p1, p2, np.ones((3, 3)) / 9), r"p_x1x2 has shape \(3, 3\)"),
        ((p1 * np.nan, p2, p12), "p_x1y contains 4 NaN"),
        ((np.array([[0.6, -0.1], [0.25, 0.25]]), p2, p12), "p_x1y has negative entries"),
    )
    for tables, match in cases:
        with pytest.raises(ValueError, match=r"accuracy_ranges\(p1=p_x1y.*" + match):
            accuracy_ranges(*tables)
    with pytest.raises(ValueError, match="max_nodes == 0, must be >= 1"):
        accuracy_ranges(p1, p2, p12, max_nodes=0)
    with pytest.raises(TypeError, match="max_nodes must be Integral"):
        accuracy_ranges(p1, p2, p12, max_nodes="a")
    with pytest.raises(ValueError, match=r"p1 and p2 must be tables .* got \(2, 2\) and \(3, 3\)"):
        late_fusion_rule(np.ones((2, 2)), np.ones((3, 3)))
    assert accuracy_ranges(p1, p2, p12).bayes[1] == pytest.approx(1.0)
