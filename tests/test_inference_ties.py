"""S_U's lower limit where the population's tables tie: the independence corners
(mmbounds.inference._upper_end)."""

from __future__ import annotations

import numpy as np
import pytest

import mmbounds
from mmbounds.core import solve_marginals
from mmbounds.inference._ties import tie_clusters, tied_marginals
from mmbounds.inference._upper_end import (
    _mi_x1x2,
    corner_marginals,
    independent_tables,
    lower_at_corner,
)
from mmbounds.results import Interval

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

#: x1, x2 uniform on 5 values, y uniform on 2, all independent: the tightest upper bound on S of
#: its marginals is 0.8 bits (an odd number of x values cannot split evenly between two labels)
UNIFORM = np.full((5, 5, 2), 1.0 / 50)
S_U = 0.8


def _uniform_samples(n: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    x1, y1, x2, y2 = (rng.integers(0, k, n) for k in (5, 2, 5, 2))
    u1, u2 = rng.integers(0, 5, n), rng.integers(0, 5, n)
    return {"x1": (x1, y1), "x2": (x2, y2), "paired": (u1, u2)}


def _tight(m: mmbounds.Marginals) -> float:
    return float(solve_marginals(m, options=mmbounds.Options(), random_state=0).synergy_upper)


def test_the_population_s_u_of_uniform_noise():
    res = mmbounds.estimate(UNIFORM, random_state=0)
    assert res.synergy_upper == pytest.approx(S_U, abs=1e-6)
    assert res.synergy_witness == pytest.approx(S_U, abs=1e-6)  # attained: S_U itself


def test_sampling_noise_raises_the_tight_bound_and_the_projection_removes_it():
    """The mechanism: the sample's tight bound is biased up by the order of the noise (0.865 on
    average at n = 1,000 per source); projected onto the independence corner it is back within
    0.01 bit of the population's."""
    res = mmbounds.estimate(
        **_uniform_samples(1000, 0), random_state=0, options={"n_resamples": 50}
    )
    m = res.marginals
    assert res.synergy_upper > S_U + 0.03  # the tie broken by the noise
    tables = independent_tables(*_functionals_and_reps(m), confidence=0.95, variant="widened")
    assert tables == (True, True, True)
    tied, merged = tied_marginals(m, 0.95)
    assert merged and np.allclose(tied.p_x1x2.sum(axis=1), 0.2)  # every value of x1 ties
    projected = _tight(corner_marginals(tied, tables))
    assert S_U <= projected < S_U + 0.002  # the noise of p(y) only
    hi = res.inference["synergy_upper_end"]
    assert hi.low <= S_U <= hi.high  # covered (it lay above in 30 of 30 samples before)
    # the candidate minus at least the shift the projection made (S_U's own margin is smaller)
    shift = res.synergy_upper - projected
    assert projected - shift - 0.02 < hi.low <= projected - shift + 1e-9
    assert any("product of its margins" in n for n in res.inference.notes)


def _functionals_and_reps(m: mmbounds.Marginals) -> tuple[np.ndarray, np.ndarray]:
    from mmbounds.inference import bootstrap_replicates

    return bootstrap_replicates(m, n_resamples=50, options=mmbounds.Options(), random_state=1)


def test_mi_x1x2_is_read_off_the_functionals():
    from mmbounds.inference import functionals
    from mmbounds.info import mutual_information

    p = np.random.default_rng(1).dirichlet(np.ones(30)).reshape(3, 5, 2)
    cols = functionals(mmbounds.Marginals.from_joint(p), mmbounds.Options())
    assert _mi_x1x2(cols) == pytest.approx(mutual_information(p.sum(axis=2), 0, 1), abs=1e-12)


def test_dependent_tables_are_not_projected():
    rng = np.random.default_rng(3)
    n = 3000
    x1, x2 = rng.integers(0, 3, n), rng.integers(0, 3, n)
    y = (x1 + rng.integers(0, 2, n)) % 3  # y depends on x1 only; x1 and x2 independent
    m = mmbounds.Marginals.from_samples(
        (x1[:1000], y[:1000]), (x2[1000:2000], y[1000:2000]), (x1[2000:], x2[2000:])
    )
    assert independent_tables(*_functionals_and_reps(m), 0.95, "widened") == (False, True, True)


def test_tied_rows_are_merged_and_distinct_rows_are_not():
    """xor_5x5x2's even and odd values of x1 have equal rows; a 0.6/0.4 split does not."""
    rng = np.random.default_rng(4)
    n = 10000
    x1, x2 = rng.integers(0, 5, n), rng.integers(0, 5, n)
    y = np.where(rng.random(n) < 0.9, (x1 + x2) % 2, 1 - (x1 + x2) % 2)
    u1, u2 = rng.integers(0, 5, n), rng.integers(0, 5, n)
    m = mmbounds.Marginals.from_samples((x1, y), (x2, rng.permutation(y)), (u1, u2))
    c1 = np.rint(m.observed[0] * n)
    assert tie_clusters(c1, 0.0025) == [[0, 2, 4], [1, 3]]
    tied, merged = tied_marginals(m, 0.95)
    rows = tied.p_x1y
    assert merged and np.allclose(rows[0], rows[2]) and np.allclose(rows[1], rows[3])
    assert not np.allclose(rows[0], rows[1])
    assert np.allclose(tied.p_x1y.sum(axis=1), tied.p_x1x2.sum(axis=1))  # consistent margins


def test_lower_at_corner_only_lowers():
    ivs = {
        "synergy_upper_end": Interval("synergy_upper_end", 0.99, 0.86, 1.0, 0.99, "present"),
        "synergy": Interval("synergy", 0.5, 0.0, 1.0, 0.5, "undetermined"),
    }
    out = lower_at_corner(ivs, 0.805, 0.01, 0.01)
    assert out["synergy_upper_end"].low == pytest.approx(0.795)
    assert out["synergy_upper_end"].high == 1.0 and out["synergy"] == ivs["synergy"]
    assert lower_at_corner(ivs, 0.95, 0.01, 0.01) is ivs  # above the lower limit: unchanged
    assert lower_at_corner(ivs, float("nan"), 0.01, 0.01) is ivs
    low = lower_at_corner(ivs, 0.005, 0.01, 0.01)["synergy_upper_end"]
    assert (low.low, low.verdict) == (0.0, "undetermined")


@pytest.mark.slow
def test_s_u_is_covered_on_uniform_noise():
    """20 samples of 1,000 per source: S_U's interval lay above 0.8 in all of them before the
    corner rule (by up to 0.085 bits); 0.933 of 30 are covered with it at 200 resamples."""
    covered = 0
    for seed in range(20):
        res = mmbounds.estimate(
            **_uniform_samples(1000, 100 + seed),
            random_state=seed,
            options={"n_resamples": 50},
            progress=False,
        )
        hi = res.inference["synergy_upper_end"]
        covered += hi.low <= S_U <= hi.high
    assert covered >= 17
