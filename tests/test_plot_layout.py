"""Plots that do not mislead: vacuous negative bounds do not stretch a non-negative axis, titles say
the table size in words, every SSL variant has its own colour and an explanation, and a saved
figure keeps everything drawn (tick labels and legends outside the axes)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import mmbounds  # noqa: E402
from mmbounds.data import bitwise_joint  # noqa: E402
from mmbounds.figures._datasets import _interval_figures  # noqa: E402
from mmbounds.figures._writer import FiguresReport, _Writer  # noqa: E402
from mmbounds.plotting import (  # noqa: E402
    interval_row,
    plot_bounds_vs_truth,
    plot_dataset_intervals,
    plot_result,
    plot_ssl_results,
)
from mmbounds.results._glossary import SSL_VARIANTS, term  # noqa: E402


@pytest.fixture(scope="module")
def copy_result():
    """COPY (Y = (X1, X2)): the squared-l2 disagreement bound is -0.82 bits, vacuous."""
    return mmbounds.estimate(bitwise_joint("copy"), random_state=0)


def test_vacuous_bounds_do_not_stretch_the_synergy_axis(copy_result):
    l2 = copy_result.bound("synergy_lower_disagreement_l2").value
    assert l2 == pytest.approx(-0.82, abs=0.01)
    r = copy_result
    top = max(r.synergy_upper, r.redundancy, r.unique1, r.unique2)  # 1 bit (U1 = U2 = 1)
    ax = plot_result(copy_result)
    left = ax.get_xlim()[0]
    assert -0.1 * top < left < 0  # was -0.8 - margin: the vacuous value set the axis
    ax = plot_dataset_intervals([copy_result], labels=["copy"])
    assert -0.1 * top < ax.get_xlim()[0] < 0
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert term("vacuous") in labels


def test_vacuous_bounds_vs_truth_stay_near_zero():
    truth = np.array([0.1, 0.4, 0.9])
    ax = plot_bounds_vs_truth(
        truth,
        {
            "synergy_lower_disagreement_l2": [-0.8, 0.2, 0.5],
            "synergy_upper_coupling": [0.3, 0.6, 1.0],
        },
    )
    low = ax.get_ylim()[0]
    assert -0.1 < low < 0  # -0.8 no longer sets the axis
    ys = ax.collections[0].get_offsets()[:, 1]
    assert ys.min() == pytest.approx(-0.04 * 1.0) and ys.max() == pytest.approx(0.5)


def test_titles_give_the_table_size_in_words(copy_result):
    title = plot_result(copy_result).get_title()
    assert "(2, 2, 4)" not in title and "|X1| = 2, |X2| = 2, |Y| = 4" in title


def test_every_ssl_variant_has_its_own_colour_and_its_meaning():
    methods = list(SSL_VARIANTS)  # 15 variants: more than the Okabe-Ito palette's eight
    groups = ["suite A", "suite B"]
    means = np.linspace(0.5, 0.9, len(groups) * len(methods)).reshape(len(groups), -1)
    ax = plot_ssl_results(groups, methods, means, np.full_like(means, 0.01))
    colours = []
    for container in ax.containers:
        if hasattr(container, "patches") and container.patches:
            colours.append(to_hex(container.patches[0].get_facecolor()))
    assert len(colours) == len(methods) and len(set(colours)) == len(methods)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [f"{m}: {SSL_VARIANTS[m]}" for m in methods]


def test_saved_figures_keep_legends_and_tick_labels_outside_the_axes(tmp_path, copy_result):
    """One dataset (one row) and a legend of every bound: the figure grows to hold the legend
    (no collapsed layout: that warning would fail here) and the saved file holds all drawn."""
    r = copy_result
    row = {
        **interval_row(r, "copy"),
        "dataset": "a rather long dataset label",
        **{k: getattr(r, k) for k in ("redundancy", "unique1", "unique2", "synergy_true")},
    }
    saved = []
    writer = _Writer(tmp_path, FiguresReport(out_dir=tmp_path))
    writer.figure = lambda fig, stem: saved.append((fig, stem)) or _Writer.figure(writer, fig, stem)
    _interval_figures(writer, "one", [row])
    fig, stem = saved[0]
    assert stem == "intervals_one"
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    drawn = fig.get_tightbbox(canvas.get_renderer())
    height, width = mpimg.imread(tmp_path / "intervals_one.png").shape[:2]
    assert height >= drawn.height * 150 - 2 and width >= drawn.width * 150 - 2
    legend = fig.axes[0].get_legend().get_window_extent(canvas.get_renderer())
    assert legend.y0 >= -1 and legend.y1 <= fig.bbox.height + 1  # inside the figure itself
