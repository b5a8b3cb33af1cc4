"""The lower limit of S_L at its boundary S_L = 0 (mmbounds.inference._boundary)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import mmbounds
from mmbounds.inference import bootstrap_replicates, functionals
from mmbounds.inference._boundary import at_boundary, boundary_kappa, floor_boundary
from mmbounds.inference._intervals import bootstrap_intervals
from mmbounds.inference._sparse import sample_intervals
from mmbounds.raw.samples import samples_per_cell

pytestmark = pytest.mark.filterwarnings("error")

DENSE = {"x1y": 500.0, "x2y": 500.0, "x1x2": 333.0}
SIZES = (3000, 3000, 3000)


def chain_rare() -> np.ndarray:
    """Markov chain Y -> X1 -> X2 (3x3x2): x1 = 2 has probability 0.05 and x2 = 0 comes almost
    only from it, so p(x1, x2) has cells of 5e-4 and 5e-6 (about 1.5 and 0.02 samples of 3,000)."""
    p_x1y = np.array([[0.23, 0.043], [0.245, 0.432], [0.024, 0.026]])
    p_x1y /= p_x1y.sum()
    k = np.array([[0.0067, 0.2985, 0.6948], [0.0007, 0.5366, 0.4627], [0.9605, 0.0001, 0.0394]])
    k /= k.sum(axis=1, keepdims=True)
    return np.einsum("iy,ij->ijy", p_x1y, k)


def _sample(p: np.ndarray, n: int, rng: np.random.Generator) -> mmbounds.Marginals:
    tabs = (p.sum(axis=1), p.sum(axis=0), p.sum(axis=2))
    counts = [rng.multinomial(n, t.ravel()).reshape(t.shape).astype(float) for t in tabs]
    return mmbounds.Marginals(*counts, normalize=True, sample_sizes=(n, n, n))


def _near_zero(plugin_sl: float, sd: float, b: int = 100, seed: int = 0):
    """Plug-in functionals and replicates whose S_L sits ``plugin_sl`` above 0 with spread
    ``sd`` and no bootstrap bias (what the bootstrap shows at a boundary: nothing)."""
    rng = np.random.default_rng(seed)
    plugin = np.array([0.1, 0.1, 0.0, plugin_sl, 0.5])
    reps = plugin + rng.standard_normal((b, 5)) * [0.01, 0.01, 0.0, sd, 0.02]
    z = reps[:, 3] - reps[:, 3].mean()
    reps[:, 3] = plugin_sl + sd * z / z.std(ddof=1)  # mean = plug-in (no bias), sd exact
    return plugin, reps


def test_kappa_is_sqrt_log_of_the_total_sample_size():
    assert boundary_kappa((1000, 1000, 1000)) == pytest.approx(math.sqrt(math.log(3000)))
    assert boundary_kappa((3000, 3000, 3000)) == pytest.approx(3.0174, abs=1e-4)
    assert boundary_kappa((1, 0, 0)) == 1.0  # never below 1


def test_at_boundary_compares_the_plugin_with_kappa_replicate_sds():
    reps = np.array([0.0, 0.002, 0.004])  # sd 0.002
    assert at_boundary(0.006, reps, 3.0)
    assert not at_boundary(0.0061, reps, 3.0)
    assert not at_boundary(0.0, np.full(5, 0.3), 3.0)  # replicates that do not vary
    assert not at_boundary(0.0, np.array([0.1]), 3.0)


def test_boundary_rule_starts_s_l_and_s_at_zero_within_kappa_sds():
    # S_L 2.5 replicate sds above 0, no bootstrap bias: the widened interval excludes 0
    plugin, reps = _near_zero(0.005, 0.002)
    raw = bootstrap_intervals(plugin, reps, 0.95, 0.0, "widened", per_cell=DENSE)
    assert raw["synergy_lower_end"].low == pytest.approx(0.005 - 1.984 * 0.002, abs=1e-4)
    assert raw["synergy_lower_end"].verdict == "present"
    assert raw["synergy"].verdict == "present"
    _, iv = sample_intervals(plugin, reps, 0.95, 0.0, "widened", DENSE, 2, sizes=SIZES)
    for name in ("synergy_lower_end", "synergy"):
        assert iv[name].low == 0.0
        assert iv[name].high == pytest.approx(raw[name].high)
        assert iv[name].verdict == "undetermined"
    assert iv["synergy_lower_end"].estimate == pytest.approx(0.005, abs=1e-12)
    # without the sample sizes (or for the uncorrected baseline) the rule is not applied
    _, old = sample_intervals(plugin, reps, 0.95, 0.0, "widened", DENSE, 2)
    assert old["synergy_lower_end"].low == pytest.approx(raw["synergy_lower_end"].low)
    _, pct = sample_intervals(plugin, reps, 0.95, 0.0, "percentile", DENSE, 2, sizes=SIZES)
    assert pct["synergy_lower_end"].low > 0.0


def test_boundary_rule_keeps_a_resolved_lower_end():
    # S_L 5 sds above 0 (XOR- or sum-mod-like synergy): nothing changes
    plugin, reps = _near_zero(0.5, 0.1)
    raw = bootstrap_intervals(plugin, reps, 0.95, 0.01, "widened", per_cell=DENSE)
    _, iv = sample_intervals(plugin, reps, 0.95, 0.01, "widened", DENSE, 2, sizes=SIZES)
    assert iv["synergy_lower_end"].low == pytest.approx(raw["synergy_lower_end"].low)
    assert iv["synergy_lower_end"].low > 0.25
    assert iv["synergy"].verdict == "present"
    assert floor_boundary(raw, plugin, reps, SIZES, 0.01) is raw


def test_chain_population_has_no_synergy_and_no_lower_end():
    p = chain_rare()
    d = mmbounds.pid(p)
    f = functionals(mmbounds.Marginals.from_joint(p), mmbounds.Options())
    assert abs(d.synergy) < 1e-6 and abs(d.unique2) < 1e-6
    assert abs(f[3]) < 1e-6  # S_L = 0: the chain is its own maximum-entropy joint
    assert d.unique1 == pytest.approx(0.1334, abs=1e-3)
    assert f[4] > 0.4  # S_U: the identified set is wide


@pytest.mark.slow
def test_s_l_interval_covers_zero_on_the_chain():
    # 40 samples of 3,000 per source, 50 resamples each: the interval of S_L without the
    # boundary rule excluded 0 in 36 of 100 samples (scratch measurement, 100 resamples)
    p = chain_rare()
    old_miss = new_miss = 0
    for rep in range(40):
        rng = np.random.default_rng([2026, rep])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = _sample(p, 3000, rng)
            plugin, reps = bootstrap_replicates(
                m, n_resamples=50, options=mmbounds.Options(), random_state=rng, n_jobs=1
            )
        per_cell = samples_per_cell(m.shape, SIZES)
        _, old = sample_intervals(plugin, reps, 0.95, 0.0, "widened", per_cell, m.shape[2])
        _, new = sample_intervals(
            plugin, reps, 0.95, 0.0, "widened", per_cell, m.shape[2], sizes=SIZES
        )
        old_miss += old["synergy_lower_end"].low > 0.0
        new_miss += new["synergy_lower_end"].low > 0.0
        assert (new["synergy"].low > 0.0) == (new["synergy_lower_end"].low > 0.0)
    assert old_miss >= 6  # the defect: nominal 2 of 40
    assert new_miss <= 3
