"""Bootstrap intervals, cluster sweeps and the Miller–Madow correction (mmbounds.inference)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import mmbounds
from mmbounds.data import make_pid_synthetic, random_joint, sample_joint
from mmbounds.inference import (
    BootstrapResult,
    bootstrap,
    bootstrap_codes,
    miller_madow_mutual_information,
    miller_madow_report,
    sweep_clusters,
)
from mmbounds.raw.discretize import Discretizer

pytestmark = pytest.mark.filterwarnings("error")

FAST_BOUNDS = ("synergy_lower_shared", "synergy_upper_coupling")


@pytest.fixture(scope="module")
def discrete_sources():
    p = random_joint((4, 3, 2), random_state=0)
    a1, a2, ay = sample_joint(p, 400, random_state=1)
    b1, b2, by = sample_joint(p, 400, random_state=2)
    c1, c2, _ = sample_joint(p, 400, random_state=3)
    return (a1, ay), (b2, by), (c1, c2)


def _boot(sources, **kw):
    x1, x2, paired = sources
    return bootstrap_codes(x1, x2, paired, n_bootstrap=6, bounds=FAST_BOUNDS, **kw)


def test_bootstrap_is_deterministic_and_independent_of_n_jobs(discrete_sources):
    a = _boot(discrete_sources, random_state=7, n_jobs=1)
    b = _boot(discrete_sources, random_state=7, n_jobs=1)
    c = _boot(discrete_sources, random_state=7, n_jobs=2)
    d = _boot(discrete_sources, random_state=8, n_jobs=1)
    for name in a.replicates:
        assert np.array_equal(a.replicates[name], b.replicates[name])
        assert np.array_equal(a.replicates[name], c.replicates[name])
    assert not np.array_equal(a.replicates["redundancy"], d.replicates["redundancy"])
    assert a.intervals == c.intervals


def test_bootstrap_intervals_cover_every_quantity(discrete_sources):
    res = _boot(discrete_sources, random_state=0, confidence=0.9, progress=True)
    assert isinstance(res, BootstrapResult) and res.n_bootstrap == 6
    for name in (
        "redundancy",
        "unique1",
        "unique2",
        "synergy_lower",
        "synergy_upper",
        *FAST_BOUNDS,
    ):
        lo, hi = res.intervals[name]
        v = res.replicates[name]
        assert v.shape == (6,) and lo <= hi
        assert lo == pytest.approx(np.percentile(v, 5))
        assert hi == pytest.approx(np.percentile(v, 95))
    lo, hi = res.widened_synergy_interval
    assert lo == res.intervals["synergy_lower"][0] and hi == res.intervals["synergy_upper"][1]
    assert res.n_warnings >= 0 and "intervals" in res.to_dict()


def test_estimate_n_bootstrap_attaches_result_and_matches_bootstrap():
    d = make_pid_synthetic("redundancy", n_samples=600, dim=8, random_state=0)
    x1, x2, y = d["x1"], d["x2"], d.y
    kw = {"discretizer": {"n_clusters": 4, "n_threads": 1, "n_init": 1}, "bounds": FAST_BOUNDS}
    res = mmbounds.estimate(
        x1=(x1, y), x2=(x2, y), paired=(x1, x2), options={"n_bootstrap": 5}, random_state=3, **kw
    )
    again = mmbounds.estimate(
        x1=(x1, y),
        x2=(x2, y),
        paired=(x1, x2),
        options={"n_bootstrap": 5, "n_jobs": 2},
        random_state=3,
        **kw,
    )
    boot = res.extras["bootstrap"]
    assert boot.n_bootstrap == 5 and boot.seed == 3
    assert boot.intervals == again.extras["bootstrap"].intervals
    lo, hi = boot.intervals["redundancy"]
    assert lo <= hi and 0.0 <= lo < 1.0
    later = bootstrap(res, n_bootstrap=4, random_state=0, bounds=FAST_BOUNDS)
    assert later.n_bootstrap == 4 and set(later.intervals) == set(boot.intervals)
    with pytest.raises(ValueError, match=r"no samples in extras\['codes'\]"):
        bootstrap(mmbounds.estimate(np.full((2, 2, 2), 1 / 8)))
    # discrete samples: the codes are not kept, and the message says what to call instead
    a = np.arange(60) % 2
    codes = mmbounds.estimate(x1=(a, a), x2=(a, a), paired=(a, a), confidence=None)
    with pytest.raises(ValueError, match=r"For discrete samples, call bootstrap_codes\(x1, x2"):
        bootstrap(codes)


def test_bootstrap_parameter_errors(discrete_sources):
    x1, x2, paired = discrete_sources
    with pytest.raises(ValueError, match="n_bootstrap == 0, must be >= 1"):
        bootstrap_codes(x1, x2, paired, n_bootstrap=0)
    with pytest.raises(ValueError, match="confidence == 1.5, must be < 1"):
        bootstrap_codes(x1, x2, paired, n_bootstrap=2, confidence=1.5)


def _rare_label_sources(n=15, seed=0):
    """One 1 among the n labels of each source: about one resample in eight has none at all."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
    y1, y2 = np.zeros(n, int), np.zeros(n, int)
    y1[0] = y2[0] = 1
    return (a, y1), (b, y2), (a, b)


def test_bootstrap_resamples_that_lose_a_class_keep_the_table_shape():
    # before: ValueError "y has a single class (0)" from the resample with no 1 in y1 and y2
    sources = _rare_label_sources()
    kw = {"n_bootstrap": 20, "bounds": FAST_BOUNDS, "random_state": 5, "progress": False}
    a = bootstrap_codes(*sources, **kw)
    assert a.n_bootstrap == 20
    for v in a.replicates.values():
        assert v.shape == (20,) and np.all(np.isfinite(v))
    b = bootstrap_codes(*sources, **kw, n_jobs=2)
    assert all(np.array_equal(a.replicates[k], b.replicates[k]) for k in a.replicates)
    # the same through estimate, for discrete codes and for features
    (x1, y1), (x2, y2), (u1, u2) = sources
    rng = np.random.default_rng(1)
    f1, f2 = rng.normal(size=(15, 2)), rng.normal(size=(15, 2))
    inputs = (
        {"x1": (x1, y1), "x2": (x2, y2), "paired": (u1, u2)},
        {"x1": (f1, y1), "x2": (f2, y2), "paired": (f1, f2)},
    )
    for data in inputs:
        with pytest.warns(mmbounds.EstimationWarning, match="few samples per cell"):
            res = mmbounds.estimate(
                **data,
                bounds=FAST_BOUNDS,
                discretizer={"n_clusters": 2, "n_init": 1},
                confidence=None,
                options={"n_bootstrap": 8},
                progress=False,
            )
        boot = res.extras["bootstrap"]
        assert boot.n_bootstrap == 8 and np.all(np.isfinite(boot.replicates["synergy_upper"]))


def test_bootstrap_codes_checks_its_samples_at_the_door(discrete_sources):
    (x1, y1), x2, paired = discrete_sources
    with pytest.raises(ValueError, match=r"x1: x1 has 400 samples but y has 399"):
        bootstrap_codes((x1, y1[:-1]), x2, paired, n_bootstrap=2)
    with pytest.raises(ValueError, match=r"paired\[1\] \(x2\) has 1 missing labels"):
        bootstrap_codes((x1, y1), x2, (paired[0], [None, *paired[1][1:]]), n_bootstrap=2)
    with pytest.raises(TypeError, match="x2 must be a pair of arrays"):
        bootstrap_codes((x1, y1), x2[0], paired, n_bootstrap=2)
    with pytest.raises(ValueError, match=r"posteriors\[0\] has 3 rows"):
        post = (np.full((3, 2), 0.5), np.full((3, 2), 0.5))
        bootstrap_codes((x1, y1), x2, paired, posteriors=post, n_bootstrap=2)
    with pytest.raises(TypeError, match="n_bootstrap must be"):
        bootstrap_codes((x1, y1), x2, paired, n_bootstrap=2.5)


def test_miller_madow_report_checks_labels_as_estimate_does():
    a = [0, 1, 0, 1, 1, 0]
    with pytest.raises(ValueError, match=r"x1: x1 has 6 samples but y has 5"):
        miller_madow_report((a, a[:-1]), (a, a), (a, a))
    for bad in ([0, 1, np.nan, 1, 1, 0], [0, 1, None, 1, 1, 0]):
        with pytest.raises(ValueError, match=r"x1\[1\] \(y\) has 1 missing labels"):
            miller_madow_report((a, bad), (a, a), (a, a))
    # " a" is "a", as in estimate: two classes, not three
    y = [" a", "a", "b", "b", "a", "b"]
    rep = miller_madow_report((a, y), (a, a), (a, a))
    assert (
        rep["mi_x1y"] == miller_madow_report((a, [v.strip() for v in y]), (a, a), (a, a))["mi_x1y"]
    )
    assert rep["mi_x1y"]["samples_per_occupied_cell"] == pytest.approx(1.5)
    with pytest.raises(ValueError, match=r"counts must be whole numbers of samples, got 4"):
        miller_madow_mutual_information([[0.5, 0.2], [0.1, 0.2]])


def test_miller_madow_takes_counts_with_rounding_noise():
    # counts that went through a division carry 1e-15 of noise; they are whole numbers
    k = np.array([[41, 17, 23], [39, 7, 15]])
    noisy = k / k.sum() * k.sum()
    assert not np.array_equal(noisy, k)
    assert miller_madow_mutual_information(noisy) == miller_madow_mutual_information(k)
    with pytest.raises(ValueError, match=r"got 4 that are not \(e.g. 0.5\)"):
        miller_madow_mutual_information([[0.5, 0.2], [0.1, 0.2]])
    with pytest.raises(ValueError, match="counts hold a number beyond float64"):
        miller_madow_mutual_information([[10**400, 1], [1, 1]])


def test_miller_madow_formula_and_bias_direction():
    plugin, mm = miller_madow_mutual_information([[30, 20], [20, 30]])
    assert mm == pytest.approx(plugin - 1 / (2 * 100 * math.log(2)))
    # independent 6 x 6 variables, 300 samples: the plug-in MI is biased up, MM removes most of it
    rng = np.random.default_rng(0)
    plug, corr = [], []
    for _ in range(40):
        t = np.zeros((6, 6))
        np.add.at(t, (rng.integers(0, 6, 300), rng.integers(0, 6, 300)), 1)
        a, b = miller_madow_mutual_information(t)
        plug.append(a)
        corr.append(b)
    assert np.mean(plug) > 0.05 and abs(np.mean(corr)) < 0.3 * np.mean(plug)
    with pytest.raises(ValueError, match="non-negative 2-D table"):
        miller_madow_mutual_information([1.0, 2.0])


def test_sweep_clusters_table():
    d = make_pid_synthetic("uniqueness1", n_samples=800, dim=8, random_state=0)
    x1, x2, y = d["x1"], d["x2"], d.y
    sweep = sweep_clusters(
        x1=(x1, y),
        x2=(x2, y),
        paired=(x1, x2),
        n_clusters=(3, 6, 40),
        discretizer={"n_threads": 1, "n_init": 1},
        truth=(x1, x2, y),
        random_state=0,
        bounds=FAST_BOUNDS,
    )
    assert sweep.columns[0] == "n_clusters" and sweep.columns[-1] == "S_true"
    assert sweep.column("n_clusters") == [3, 6, 40]
    per_cell = sweep.column("min_samples_per_cell")
    assert per_cell[0] > per_cell[1] > per_cell[2] and per_cell[2] < 5  # no warning escapes
    for row in sweep.rows:
        lo, hi, s = row[4], row[5], row[-1]
        assert lo - 1e-6 <= s <= hi + 1e-6
    assert max(sweep.column("U1")) > 0.3
    assert "ClusterSweep" in repr(sweep)
    with pytest.raises(TypeError, match="sequence of cluster counts"):
        sweep_clusters(x1=(x1, y), x2=(x2, y), paired=(x1, x2), n_clusters=5)


def test_sweep_clusters_html_and_argument_errors():
    d = make_pid_synthetic("uniqueness1", n_samples=300, dim=2, random_state=0)
    x1, x2, y = d["x1"], d["x2"], d.y
    kw = dict(x1=(x1, y), x2=(x2, y), paired=(x1, x2), bounds=FAST_BOUNDS)
    sweep = sweep_clusters(n_clusters=(2, 3), discretizer={"n_init": 1}, n_jobs=1, **kw)
    page = sweep._repr_html_()
    assert page.count("<tr>") == 2 and "n_clusters=2" in page and "n_clusters=3" in page
    r0 = f"{sweep.rows[0][1]:.4f}"
    assert f"R={r0}" in page and r0 in repr(sweep)
    with pytest.raises(ValueError, match="'zzz' is not a column.*'n_clusters'"):
        sweep.column("zzz")
    with pytest.raises(TypeError, match="discretizer must be a dict of Discretizer options"):
        sweep_clusters(n_clusters=(2,), discretizer=Discretizer(n_init=1), **kw)
    with pytest.raises(TypeError, match="discretizer must be a dict"):
        sweep_clusters(n_clusters=(2,), discretizer=[{"n_init": 1}], **kw)
    with pytest.raises(
        ValueError, match=r"discretizer has unknown Discretizer option\(s\) \['foo'\]"
    ):
        sweep_clusters(n_clusters=(2,), discretizer={"foo": 1}, **kw)
    with pytest.raises(ValueError, match="n_jobs == 0"):
        sweep_clusters(n_clusters=(2,), n_jobs=0, **kw)


def test_bootstrap_with_branch_and_bound_is_reproducible():
    # the replicate seed must reach estimate(): the branch-and-bound upper bound and its witness
    # use random restarts, so an unseeded replicate moves synergy_upper from run to run
    rng = np.random.default_rng(1)
    x1, x2 = rng.integers(0, 4, 300), rng.integers(0, 4, 300)
    y = (x1 + x2 + rng.integers(0, 2, 300)) % 3
    kw = {"n_bootstrap": 3, "random_state": 0}
    a = bootstrap_codes((x1, y), (x2, y), (x1, x2), **kw)
    b = bootstrap_codes((x1, y), (x2, y), (x1, x2), **kw)
    assert "synergy_upper_bnb" in a.replicates
    for name in a.replicates:
        np.testing.assert_array_equal(a.replicates[name], b.replicates[name], err_msg=name)


def test_a_note_says_when_no_quantity_is_decided():
    # certified intervals at a few hundred samples per source span [0, log2|Y|]: say so in words
    rng = np.random.default_rng(0)
    x1, x2 = rng.integers(0, 3, 900), rng.integers(0, 3, 900)
    y = (x1 + x2) % 2
    src = {"x1": (x1[:300], y[:300]), "x2": (x2[300:600], y[300:600])}
    res = mmbounds.estimate(
        **src, paired=(x1[600:], x2[600:]), random_state=0, options={"inference": "certified"}
    )
    assert all(iv.verdict == "undetermined" for iv in res.inference.intervals.values())
    assert any(n.startswith("no quantity is decided") for n in res.inference.notes)
    assert "no quantity is decided" in repr(res.inference)


def test_the_non_identifiability_note_quotes_both_ends_of_the_upper_end():
    # XOR from samples: the least synergy of the marginals is 0, the upper end is 1 bit; the note
    # gives the upper end's estimate and its upper limit (the estimate can be biased low there)
    rng = np.random.default_rng(2)
    x1, x2 = rng.integers(0, 2, 3000), rng.integers(0, 2, 3000)
    y = x1 ^ x2
    res = mmbounds.estimate(
        x1=(x1[:1000], y[:1000]),
        x2=(x2[1000:2000], y[1000:2000]),
        paired=(x1[2000:], x2[2000:]),
        random_state=0,
        options={"n_resamples": 30},
        progress=False,
    )
    hi_end = res.inference["synergy_upper_end"]
    assert not res.inference.identifiable
    # the population's upper end, 1 bit, is covered; the sample's tightest bound (0.862, exact on
    # 2x2x2, and biased low at the top of the set) and its interval from 30 resamples (0.740 at
    # its lower end) lower the lower limit only: the estimate stays that of the resampled
    # coupling bound, closer to the truth here
    assert 0.7 < hi_end.low < 0.8 < 0.9 < hi_end.estimate <= 1.0 <= hi_end.high
    assert any("branch-and-bound certifies S <= 0.862" in n for n in res.inference.notes)
    note = next(n for n in res.inference.notes if "cannot tell" in n)
    assert f"up to about {hi_end.estimate:.3f} bits (possibly as much as {hi_end.high:.3f})" in note


def test_one_labeled_sample_given_three_times_gets_no_population_intervals():
    # the intervals assume three independent sources; the same rows given as D1, D2 and DM (as
    # the same objects or as equal copies) get a note instead of intervals that would be wrong
    rng = np.random.default_rng(4)
    a, b = rng.integers(0, 2, 300), rng.integers(0, 2, 300)
    y = a ^ b
    kw = {"random_state": 0, "progress": False, "options": {"n_resamples": 10}}
    for x1, x2, paired in (
        ((a, y), (b, y), (a, b)),
        ((a, y), (b, y.copy()), (a.copy(), b)),
        ((list(a), y), (b, a ^ b), (a, list(b))),
    ):
        res = mmbounds.estimate(x1=x1, x2=x2, paired=paired, **kw)
        assert res.inference is None
        assert "D1, D2 and DM are the same samples" in res.message
    other = rng.integers(0, 2, 300)
    # D1 and D2 the same labeled rows, DM other rows: intervals, with a warning
    with pytest.warns(mmbounds.EstimationWarning, match="same sequence of 300 labels"):
        res = mmbounds.estimate(x1=(a, y), x2=(b, y), paired=(other, b[::-1]), **kw)
    assert res.inference is not None and "same samples" not in res.message
    # DM's x1 column D1's rows (D2 independent): no warning before
    b2, y2 = rng.integers(0, 2, 300), rng.integers(0, 2, 300)
    with pytest.warns(mmbounds.EstimationWarning, match="D1 and DM hold the same sequence of 300"):
        res = mmbounds.estimate(x1=(a, y), x2=(b2, y2 ^ b2), paired=(a, other), **kw)
    assert res.inference is not None


def test_the_percentile_interval_is_not_an_option_and_noise_is_not_present():
    # the uncorrected percentile interval called this pure noise (|X1| = |X2| = 5, |Y| = 4, 500
    # samples per source) "present", S in [0.011, 1.96]; it is refused as an option, and the
    # default interval of the same samples reaches 0
    with pytest.raises(ValueError, match="'percentile' is not offered"):
        mmbounds.Options(bootstrap_interval="percentile")
    rng = np.random.default_rng(1491)
    n = 500
    x1, y1, x2, y2 = (rng.integers(0, k, n) for k in (5, 4, 5, 4))
    paired = (rng.integers(0, 5, n), rng.integers(0, 5, n))
    with pytest.warns(mmbounds.InconsistentMarginalsWarning):  # independent noise sources
        res = mmbounds.estimate(
            x1=(x1, y1),
            x2=(x2, y2),
            paired=paired,
            random_state=0,
            options={"n_resamples": 100},
            progress=False,
        )
    assert res.inference["synergy"].verdict != "present"
    assert res.inference["synergy"].low == 0.0
    pct = mmbounds.inference.infer_population(
        res.marginals,
        options=mmbounds.Options(),
        n_resamples=100,
        random_state=0,
        variant="percentile",
        progress=False,
    )
    assert pct["synergy"].verdict == "present"  # the baseline's failure, for the record


def test_the_upper_end_is_measured_against_the_samples_tightest_bound():
    from mmbounds.inference._upper_end import tighten_upper_end
    from mmbounds.results import Interval

    ivs = {
        "synergy_lower_end": Interval("synergy_lower_end", 0.14, 0.02, 0.26, 0.18, "present"),
        "synergy_upper_end": Interval("synergy_upper_end", 0.70, 0.55, 1.15, 0.68, "present"),
        "synergy": Interval("synergy", 0.42, 0.02, 1.15, 0.43, "present"),
    }
    out = tighten_upper_end(ivs, 0.28, 0.01)  # the sample's bound is 0.40 lower
    hi, s = out["synergy_upper_end"], out["synergy"]
    assert hi.low == pytest.approx(0.15)
    assert (hi.estimate, hi.high, hi.plugin) == (0.70, 1.15, 0.68)  # only the lower limit moves
    assert s == ivs["synergy"]  # S's lower limit, S_L's 0.02, is the smaller already
    # a sample bound at or above the resampled one, or not finite, changes nothing
    assert tighten_upper_end(ivs, 0.68, 0.01) is ivs
    assert tighten_upper_end(ivs, float("nan"), 0.01) is ivs
    assert ivs["synergy_upper_end"].low == 0.55  # the input is left as it was
    # lowered to 0 at most, with its verdict; S's interval starts at S_L's lower limit and stays
    far = tighten_upper_end(ivs, 0.0, 0.01)
    assert (
        far["synergy_upper_end"].low == 0.0 and far["synergy_upper_end"].verdict == "undetermined"
    )
    assert far["synergy"] == ivs["synergy"] and far["synergy"].verdict == "present"


def test_sample_intervals_agree_with_the_sample_bounds():
    """A 6x6x10 table where branch-and-bound certifies a much lower upper bound than the bounds
    recomputed per resample: S_U's lower limit was the cheaper bound's (0.58 on digits halves,
    where the sample's tables allow at most 0.28), a claim about that bound only."""
    rng = np.random.default_rng(5)
    n = 4000
    x1, x2 = rng.integers(0, 6, n), rng.integers(0, 6, n)
    y = (x1 + 2 * x2 + rng.integers(0, 3, n)) % 10
    res = mmbounds.estimate(
        x1=(x1[:1500], y[:1500]),
        x2=(x2[1500:3000], y[1500:3000]),
        paired=(x1[3000:], x2[3000:]),
        random_state=0,
        options={"n_resamples": 30},
        progress=False,
    )
    resampled = min(b.value for b in res.bounds if b.name.startswith("synergy_upper_coupling"))
    assert res.synergy_upper < resampled - 0.05  # the case: branch-and-bound is much tighter
    hi, s = res.inference["synergy_upper_end"], res.inference["synergy"]
    assert hi.plugin == pytest.approx(resampled, abs=1e-9)  # the estimate's functional
    assert hi.low < res.synergy_upper < hi.plugin  # the lower limit holds for the tight bound
    assert hi.low <= hi.estimate <= hi.high and s.low <= s.estimate <= s.high
    note = next(n for n in res.inference.notes if "branch-and-bound certifies" in n)
    assert f"S <= {res.synergy_upper:.3f}" in note


def test_the_note_quotes_the_reported_upper_limit_on_sparse_tables():
    # under 5 samples per labeled cell the sparse-table rule raises S_U's upper limit to
    # log2 |Y|; identifiability is decided on the intervals before that rule, but the note
    # quoted their figures too (0.910 against the reported 1.585 on wine, 10% labeled)
    from mmbounds.inference._notes import interval_notes as _notes
    from mmbounds.results import Interval

    def ivs(hi_high: float) -> dict:
        return {
            "synergy_lower_end": Interval("synergy_lower_end", 0.0, 0.0, 0.54, 0.0, "undetermined"),
            "synergy_upper_end": Interval("synergy_upper_end", 0.51, 0.17, hi_high, 0.5, "present"),
            "synergy": Interval("synergy", 0.25, 0.0, hi_high, 0.25, "undetermined"),
        }

    identifiable, notes = _notes(ivs(math.log2(3)), "bootstrap", 0.01, ivs(0.910))
    assert not identifiable
    note = next(n for n in notes if "cannot tell" in n)
    assert "up to about 0.510 bits (possibly as much as 1.585)" in note
    # decided on the ends before the rule: an upper end whose lower limit is 0 there is not
    # called non-identifiable, whatever the reported intervals say
    ends = ivs(0.910)
    ends["synergy_upper_end"] = Interval("synergy_upper_end", 0.0, 0.0, 0.9, 0.0, "undetermined")
    assert _notes(ivs(math.log2(3)), "bootstrap", 0.01, ends)[0]


def test_solver_residues_are_never_present_even_with_negligible_zero():
    # with negligible=0, a residue of 1e-10 bits was called "present"
    from mmbounds.inference._intervals import RESIDUE, verdict

    assert verdict(RESIDUE / 10, 0.3, 0.0) == "undetermined"
    assert verdict(RESIDUE * 10, 0.3, 0.0) == "present"
    assert verdict(0.0, RESIDUE / 10, 0.0) == "absent"
    assert verdict(0.0, RESIDUE / 10, 0.01) == "absent"


def test_upper_end_lower_limit_covers_where_the_sample_tight_bound_overshoots():
    # a 3x3x2 population whose largest S is 0.5149 (the witness meets the bound); on this sample
    # (n = 3,000 per source) branch-and-bound certifies 0.5599 on the sample tables, and the gain
    # rule alone (built on the cheaper bound's spread) put S_U's lower limit at 0.5376, above the
    # population's; the tight bound's own interval from 30 resamples brings it to 0.4906
    joint = random_joint((3, 3, 2), random_state=4)
    population = mmbounds.estimate(joint, progress=False).synergy_upper
    d1, d2, dm = (sample_joint(joint, 3000, random_state=3000 + i) for i in range(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mmbounds.EstimationWarning)
        res = mmbounds.estimate(
            x1=(d1[0], d1[2]),
            x2=(d2[1], d2[2]),
            paired=(dm[0], dm[1]),
            options={"n_resamples": 30},
            random_state=3,
            progress=False,
        )
    assert population == pytest.approx(0.5149, abs=1e-4)
    assert res.synergy_upper == pytest.approx(0.5599, abs=1e-4)
    hi_end = res.inference["synergy_upper_end"]
    assert hi_end.low == pytest.approx(0.4906, abs=1e-4)
    assert hi_end.low < population < hi_end.high
    assert any("30 resamples on which it was recomputed" in n for n in res.inference.notes)


def test_tight_replicates_follow_n_resamples_and_the_size_limit():
    from mmbounds.inference._resample import UPPER_RESAMPLE_CELLS, tight_upper_replicates

    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 2, 300), rng.integers(0, 2, 300)
    m = mmbounds.Marginals.from_samples((a, a & b), (b, a & b), (a, b))
    few = tight_upper_replicates(m, options=mmbounds.Options(), n_resamples=5)
    again = tight_upper_replicates(m, options=mmbounds.Options(), n_resamples=5)
    assert few.shape == (5,) and np.array_equal(few, again)  # seeded: the same numbers
    assert np.all((few >= 0) & (few <= 1))
    k = int(np.ceil(np.sqrt(UPPER_RESAMPLE_CELLS / 2))) + 1  # a k x k x 2 table above the limit
    x = rng.integers(0, k, 2000)
    big = mmbounds.Marginals.from_samples((x, x % 2), (x, x % 2), (x, x))
    assert tight_upper_replicates(big, options=mmbounds.Options()) is None


def test_bootstrap_codes_exports_and_prints_residues_as_zero():
    # solver residues (2e-15, -3e-11) were exported as they are and printed as -0.0000; the
    # result's rule (ZERO_BITS) applies to its export and its rows, the attributes keep them
    rng = np.random.default_rng(1)
    n = 200
    a, y, b = rng.integers(0, 3, n), rng.integers(0, 2, n), rng.integers(0, 3, n)
    y2 = (b + rng.integers(0, 2, n)) % 2
    a2 = rng.integers(0, 3, n)
    b2 = (a2 + rng.integers(0, 2, n)) % 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot = bootstrap_codes((a, y), (b, y2), (a2, b2), n_bootstrap=10, progress=False)
    ends = np.array(list(boot.intervals.values()))
    assert np.any((np.abs(ends) < 1e-9) & (ends != 0.0))  # the residues are there
    exported = np.array(list(boot.to_dict()["intervals"].values()))
    tiny = np.abs(ends) < 1e-9
    assert np.all(exported[tiny] == 0.0) and np.all(exported[~tiny] == ends[~tiny])
    assert "-0.0000" not in repr(boot)


def test_infer_population_names_m_when_it_is_not_marginals():
    p = np.full((2, 2), 0.25)
    with pytest.raises(TypeError, match=r"m must be a Marginals .*from_samples.*got tuple"):
        mmbounds.inference.infer_population((p, p, p), n_resamples=20, progress=False)


def test_features_in_certified_mode_get_no_under_coverage_warning():
    # the feature layer's few-samples warning said the intervals under-cover and offered
    # inference='certified' as the remedy, also when certified intervals had been asked for
    rng = np.random.default_rng(0)
    n = 12
    f1, f2, u1, u2 = (rng.normal(size=(n, 3)) for _ in range(4))
    y1, y2 = rng.integers(0, 2, n), rng.integers(0, 2, n)
    data = {"x1": (f1, y1), "x2": (f2, y2), "paired": (u1, u2), "progress": False}
    with warnings.catch_warnings():
        warnings.simplefilter("error", mmbounds.EstimationWarning)
        res = mmbounds.estimate(**data, options={"inference": "certified"})
    assert res.inference is not None and res.inference.mode == "certified"
    with pytest.warns(mmbounds.EstimationWarning, match="few samples per cell"):
        mmbounds.estimate(**data, options={"n_resamples": 10})


def test_population_intervals_are_read_only_and_pickle():
    import pickle

    a = np.array([0, 1] * 100)
    rng = np.random.default_rng(3)
    b = rng.integers(0, 2, 200)
    m = mmbounds.Marginals.from_samples((a, a ^ b), (b, a ^ b), (rng.permutation(a), b))
    inf = mmbounds.inference.infer_population(m, n_resamples=10, progress=False)
    with pytest.raises(TypeError):
        inf.intervals["synergy"] = inf.intervals["redundancy"]  # a plain dict before
    back = pickle.loads(pickle.dumps(inf))
    assert back.intervals["synergy"] == inf.intervals["synergy"]
    assert dict(back.intervals) == dict(inf.intervals)
