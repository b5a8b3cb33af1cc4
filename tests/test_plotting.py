"""Every plotting function draws, labels its axes in bits (accuracy for accuracy plots), saves to
PNG and PDF, and raises no warning (warnings are errors in this test run)."""

import dataclasses

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

import mmbounds  # noqa: E402
from mmbounds import plotting  # noqa: E402
from mmbounds.data import bitwise_joint, random_joint  # noqa: E402
from mmbounds.inference import BootstrapResult  # noqa: E402
from mmbounds.results._glossary import SSL_VARIANTS  # noqa: E402

from .conftest import CANONICAL  # noqa: E402


def _ax(width=7.0, height=4.0):
    return Figure(figsize=(width, height), layout="constrained").subplots()


def _save(ax, tmp_path, name):
    paths = []
    for ext in ("png", "pdf"):
        p = tmp_path / f"{name}.{ext}"
        ax.figure.savefig(p)
        assert p.stat().st_size > 1000
        paths.append(p)
    return paths


def _legend_texts(ax):
    leg = ax.get_legend()
    return [] if leg is None else [t.get_text() for t in leg.get_texts()]


@pytest.fixture(scope="module")
def result_and():
    return mmbounds.estimate(CANONICAL["and"][0], options={"solver": "cvxpy"})


@pytest.fixture(scope="module")
def result_random():
    return mmbounds.estimate(random_joint((3, 3, 2), alpha=0.5, random_state=1))


def test_okabe_ito_palette_and_styles():
    assert len(set(plotting.OKABE_ITO.values())) == 9
    colours = {plotting.bound_style(n)[0] for n in mmbounds.BOUNDS}
    assert colours <= set(plotting.OKABE_ITO.values())
    markers = [plotting.bound_style(n)[1] for n in mmbounds.BOUNDS]
    assert len(set(markers)) == len(markers), "each registered bound needs its own marker"
    # unknown (future) bounds get a stable style and a readable label
    colour, marker = plotting.bound_style("synergy_upper_chord")
    assert (colour, marker) == plotting.bound_style("synergy_upper_chord")
    assert colour in plotting.OKABE_ITO.values()
    assert plotting.bound_label("synergy_upper_chord_bnb") == "upper: chord bnb"
    assert plotting.bound_style("synergy_upper_chord", "lower") != plotting.bound_style(
        "synergy_upper_chord", "upper"
    ), "an unknown bound's side (e.g. Bound.side) picks its spare palette"
    # labels and defaults come from the registry; classifier forms say they are estimates and
    # keep their base form's colour with a marker of their own
    for name, spec in mmbounds.BOUNDS.items():
        assert plotting.bound_label(name) == spec.label
        assert plotting.bound_guaranteed(name) is spec.guaranteed
    classifier_forms = [n for n, s in mmbounds.BOUNDS.items() if s.needs_posteriors]
    assert classifier_forms
    for name in classifier_forms:
        assert plotting.bound_label(name).endswith("trained classifiers")
        base = [
            n
            for n, s in mmbounds.BOUNDS.items()
            if not s.needs_posteriors and mmbounds.BOUNDS[name].label.startswith(s.label + ",")
        ]
        assert len(base) == 1, name
        assert plotting.bound_style(name)[0] == plotting.bound_style(base[0])[0]
    # names outside the registry: built from the name, no suffix parsing
    assert plotting.bound_label("synergy_lower_foo_classifiers") == "lower: foo classifiers"


def test_bounds_vs_truth(tmp_path):
    rng = np.random.default_rng(0)
    s = rng.uniform(0, 1, 200)
    bounds = {
        "synergy_lower_shared": s - 0.1,
        "synergy_lower_disagreement_paper": s + 0.05,
        "synergy_upper_coupling": s + 0.3,
    }
    ax = plotting.plot_bounds_vs_truth(
        s, bounds, guaranteed={"synergy_lower_disagreement_paper": False}, ax=_ax()
    )
    assert "bits" in ax.get_xlabel() and "bits" in ax.get_ylabel()
    texts = _legend_texts(ax)
    assert any("y = x" in t for t in texts)
    assert any("not guaranteed" in t for t in texts)
    hollow = [c for c in ax.collections if "not guaranteed" in c.get_label()]
    assert hollow and all(np.all(c.get_facecolor()[:, 3] == 0) for c in hollow)
    _save(ax, tmp_path, "scatter")
    # without guaranteed=, the registry says which bounds are not guaranteed
    ax = plotting.plot_bounds_vs_truth(s, bounds, ax=_ax())
    hollow = {c.get_label() for c in ax.collections if "not guaranteed" in c.get_label()}
    expected = {n for n in bounds if not mmbounds.BOUNDS[n].guaranteed}
    assert expected and hollow == {plotting.bound_label(n) + " (not guaranteed)" for n in expected}


def test_bounds_vs_truth_subsamples_and_checks_shapes():
    s = np.linspace(0, 1, 500)
    ax = plotting.plot_bounds_vs_truth(s, {"synergy_lower_shared": s}, max_points=50, ax=_ax())
    assert ax.collections[0].get_offsets().shape[0] == 50
    assert "50 drawn" in ax.get_title()
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_bounds_vs_truth(s, {"synergy_lower_shared": s[:-1]}, ax=_ax())


def test_dataset_intervals_from_results_and_dicts(tmp_path, result_and, result_random):
    witness_row = plotting.interval_row(result_random, "with witness")
    witness_row["synergy_witness"] = 0.2
    rows = [result_and, result_random]
    ax = plotting.plot_dataset_intervals(rows, labels=["and", "random"], ax=_ax(9, 3))
    assert ax.get_xlabel() == "synergy S (bits)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["and", "random"]
    assert "true S" in _legend_texts(ax)
    ax = plotting.plot_dataset_intervals([witness_row], ax=_ax(9, 2.5))
    texts = _legend_texts(ax)
    assert any("witness" in t for t in texts)
    assert any("not guaranteed" in t for t in texts)
    _save(ax, tmp_path, "intervals")
    ax = plotting.plot_dataset_intervals([witness_row], show_unguaranteed=False, ax=_ax(9, 2.5))
    assert not any("not guaranteed" in t for t in _legend_texts(ax))
    with pytest.raises(ValueError, match="empty"):
        plotting.plot_dataset_intervals([], ax=_ax())


def test_decomposition(tmp_path):
    ax = plotting.plot_decomposition(
        ["a", "b"],
        [0.3, 0.1],
        [0.0, 0.5],
        [0.1, 0.0],
        [0.2, 0.0],
        [0.6, 0.4],
        synergy_true=[0.5, np.nan],
        ax=_ax(),
    )
    assert "bits" in ax.get_xlabel()
    texts = _legend_texts(ax)
    assert {"R", "U1", "U2"} <= set(texts)
    assert any("true S" in t for t in texts)
    _save(ax, tmp_path, "decomposition")
    with pytest.raises(ValueError, match="unique1"):
        plotting.plot_decomposition(["a"], [0.1], [0.1, 0.2], [0.1], [0.0], [0.1], ax=_ax())


def test_accuracy_intervals(tmp_path):
    ax = plotting.plot_accuracy_intervals(
        ["mosei", "toy"],
        [0.52, 0.3],
        [1.07, 0.8],
        actual=[[0.82, 0.88], None],
        unimodal=[0.78, None],
        chance=[0.5, 0.1],
        ax=_ax(),
    )
    assert ax.get_xlabel() == "accuracy"
    texts = _legend_texts(ax)
    assert any("clipped" in t for t in texts) and any("measured" in t for t in texts)
    _save(ax, tmp_path, "accuracy")
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_accuracy_intervals(["a"], [0.1, 0.2], [0.3], ax=_ax())


def test_ssl_results(tmp_path):
    means = np.array([[0.70, 0.74], [0.55, np.nan]])
    ax = plotting.plot_ssl_results(
        ["mosi", "toy"],
        ["agreement", "routed"],
        means,
        errors=np.full((2, 2), 0.02),
        ax=_ax(),
    )
    assert ax.get_ylabel() == "accuracy"
    # a glossary variant is explained in its legend entry, an unknown name is shown as is
    assert _legend_texts(ax) == ["agreement", f"routed: {SSL_VARIANTS['routed']}"]
    _save(ax, tmp_path, "ssl")
    with pytest.raises(ValueError, match="groups, methods"):
        plotting.plot_ssl_results(["a"], ["m"], np.zeros((2, 1)), ax=_ax())


def test_bootstrap_intervals(tmp_path):
    ax = plotting.plot_bootstrap_intervals(
        ["redundancy", "synergy_lower_shared"],
        [0.3, 0.1],
        [0.25, 0.05],
        [0.35, 0.2],
        confidence=0.9,
        ax=_ax(),
    )
    assert ax.get_xlabel() == "bits"
    assert "90% bootstrap interval" in _legend_texts(ax)
    _save(ax, tmp_path, "bootstrap")
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_bootstrap_intervals(["a"], [0.1, 0.2], [0.0], [0.3], ax=_ax())
    # the names of res.inference get their glossary labels (they read "lower: end", "upper: end")
    names = ["redundancy", "synergy_lower_end", "synergy_upper_end", "synergy"]
    ax = plotting.plot_bootstrap_intervals(names, [0.1] * 4, [0.0] * 4, [0.2] * 4, ax=_ax())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["redundancy", "S_L", "S_U", "S"]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y0 >= ax.get_window_extent(renderer).y1 - 1  # above the axes: covers nothing


def test_plot_result_with_bootstrap_and_witness(tmp_path, result_random):
    boot = BootstrapResult(
        n_bootstrap=20,
        confidence=0.9,
        intervals={
            "redundancy": (0.0, 0.5),
            "synergy_lower": (0.0, 0.2),
            "synergy_upper": (0.5, 1.5),
        },
        replicates={},
    )
    res = dataclasses.replace(result_random, synergy_witness=0.25, extras={"bootstrap": boot})
    assert not hasattr(res, "plot"), "a result does not plot itself (no plotting import)"
    ax = plotting.plot_result(res, ax=_ax(8.5, 3.2))
    assert ax.get_xlabel() == "bits"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["R", "U1", "U2", "S"]
    texts = _legend_texts(ax)
    assert "90% bootstrap interval" in texts and "true S" in texts
    assert any("witness" in t for t in texts)
    assert plotting.witness_value(res) == 0.25
    _save(ax, tmp_path, "result")


def test_plot_result_draws_the_population_intervals(tmp_path):
    rng = np.random.default_rng(0)
    x1, x2 = rng.integers(0, 2, 1500), rng.integers(0, 2, 1500)
    y = x1 & x2
    res = mmbounds.estimate(
        x1=(x1[:500], y[:500]),
        x2=(x2[500:1000], y[500:1000]),
        paired=(x1[1000:], x2[1000:]),
        options={"n_resamples": 10},
        random_state=0,
    )
    ax = plotting.plot_result(res, ax=_ax(8.5, 3.2))
    assert "95% population interval (bootstrap)" in _legend_texts(ax)
    drawn = {
        round(float(seg[0][1]), 6): (float(seg[0][0]), float(seg[1][0]))
        for c in ax.collections
        if hasattr(c, "get_segments")
        for seg in c.get_segments()
        if len(seg) == 2 and seg[0][1] == seg[1][1]
    }
    for row, name in ((3, "redundancy"), (2, "unique1"), (1, "unique2"), (0, "synergy")):
        iv = res.inference[name]
        assert drawn[round(row + 0.45, 6)] == pytest.approx((iv.low, iv.high))
    _save(ax, tmp_path, "result_population")


def test_plot_result_pyplot_default(tmp_path, result_and):
    import matplotlib.pyplot as plt

    ax = plotting.plot_result(result_and)
    try:
        assert ax.get_xlabel() == "bits"
        assert plotting.witness_value(result_and) == pytest.approx(
            0.5, abs=1e-6
        )  # AND: S max = 0.5
        ax.figure.savefig(tmp_path / "result.png")
    finally:
        plt.close(ax.figure)


def test_results_of_zeros_do_not_stretch_the_axis_to_solver_residues():
    # every value 0 up to 1e-14 bits of rounding: the axis spans a bit's fractions, not 1e-14
    flat = mmbounds.estimate(np.full((3, 3, 1), 1 / 9), progress=False)
    xmin, xmax = plotting.plot_result(flat, ax=Figure().add_subplot()).get_xlim()
    assert xmax - xmin > 0.1
    red = mmbounds.estimate(CANONICAL["redundant"][0], progress=False)
    ax = plotting.plot_dataset_intervals([red], ax=Figure().add_subplot())
    xmin, xmax = ax.get_xlim()
    assert xmax - xmin > 0.05


def test_plot_result_and_true_interactions_name_the_needed_type():
    from mmbounds.raw import true_interactions

    with pytest.raises(TypeError, match="result must be an EstimateResult.*got PIDResult"):
        plotting.plot_result(mmbounds.pid(bitwise_joint("xor")))
    with pytest.raises(TypeError, match="result must be an EstimateResult.*got NoneType"):
        plotting.plot_result(None)
    x = np.random.default_rng(0).normal(size=(20, 2))
    y = np.arange(20) % 2
    with pytest.raises(TypeError, match="like must be an EstimateResult.*got str"):
        true_interactions(x, x, y, like="abc")


def test_plot_argument_lengths_are_named():
    with pytest.raises(ValueError, match="actual has 1 entries; expected 2"):
        plotting.plot_accuracy_intervals(["a", "b"], [0.5, 0.5], [1, 1], actual=[0.7])
    with pytest.raises(ValueError, match="unimodal has 1 entries; expected 2"):
        plotting.plot_accuracy_intervals(["a", "b"], [0.5, 0.5], [1, 1], unimodal=[0.7])
    with pytest.raises(ValueError, match="chance has 1 entries; expected 2"):
        plotting.plot_accuracy_intervals(["a", "b"], [0.5, 0.5], [1, 1], chance=[0.7])
    two = [0.1, 0.2]
    with pytest.raises(ValueError, match="synergy_true has 1 entries; expected 2"):
        plotting.plot_decomposition(["a", "b"], two, two, two, two, two, synergy_true=[1])
    r = mmbounds.estimate(bitwise_joint("xor"), progress=False)
    with pytest.raises(ValueError, match="labels has 1 entries; expected 2, one per entry of rows"):
        plotting.plot_dataset_intervals([r, r], labels=["a"])


def test_plot_bounds_vs_truth_all_nan_truth_is_named():
    with pytest.raises(ValueError, match="synergy_true has no finite entry"):
        plotting.plot_bounds_vs_truth([np.nan, np.nan], {"synergy_lower_shared": [0.1, 0.2]})
