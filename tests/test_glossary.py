"""One glossary: every label that ``repr``, the plots and the command line print is defined in
``mmbounds.results._glossary`` and in the README, which shows that module's tables verbatim."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")

import mmbounds  # noqa: E402
from mmbounds.bounds import BOUNDS  # noqa: E402
from mmbounds.data import bitwise_joint  # noqa: E402
from mmbounds.plotting import (  # noqa: E402
    plot_accuracy_intervals,
    plot_bounds_vs_truth,
    plot_dataset_intervals,
    plot_decomposition,
    plot_result,
    plot_ssl_results,
)
from mmbounds.results._glossary import SSL_VARIANTS, TERMS, glossary_markdown  # noqa: E402

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
LABELS = {t.label for t in TERMS.values()}


def bounds_markdown() -> str:
    """The README's table of the registry (name, label, side, guarantee, note)."""
    lines = ["| name | label | side | guaranteed | note |", "|---|---|---|---|---|"]
    for name, spec in BOUNDS.items():
        ok = "yes" if spec.guaranteed else "no"
        note = spec.note.replace("|", "\\|")  # p(y|x1) inside a Markdown table
        lines.append(f"| `{name}` | {spec.label} | {spec.side} | {ok} | {note} |")
    return "\n".join(lines) + "\n"


def test_readme_shows_the_glossary_and_the_registry_verbatim():
    assert glossary_markdown() in README
    assert bounds_markdown() in README


def _samples_result():
    rng = np.random.default_rng(0)
    x1, x2 = rng.integers(0, 3, 900), rng.integers(0, 3, 900)
    y = (x1 + x2) % 3
    return mmbounds.estimate(
        x1=(x1[:300], y[:300]),
        x2=(x2[300:600], y[300:600]),
        paired=(x1[600:], x2[600:]),
        options={"n_resamples": 10},
        random_state=0,
    )


def test_every_repr_label_is_in_the_glossary():
    results = [mmbounds.estimate(bitwise_joint("xor"), random_state=0), _samples_result()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results.append(mmbounds.estimate(bitwise_joint("and"), options={"max_iter": 3}))
    seen = set()
    for res in results:
        for label, _, note in res._rows():
            if label.strip():
                seen.add(label.strip())
            if "[not guaranteed]" in note:
                seen.add("[not guaranteed]")
    assert seen <= LABELS, seen - LABELS
    assert {"S >=", "S <=", "S max>=", "S_L", "S_U", "lower", "upper"} <= seen
    text = repr(results[1])
    for key in ("max_tv", "reconciled", "total_time", "population", "sample_scope"):
        assert TERMS[key].label in text, key
    assert repr(mmbounds.pid(bitwise_joint("and"))).startswith("PIDResult(R=0.3113, U1=")


def _legend_labels(ax) -> set[str]:
    leg = ax.get_legend()
    return set() if leg is None else {t.get_text() for t in leg.get_texts()}


def test_every_plot_label_is_in_the_glossary_or_the_registry():
    bound_labels = {s.label for s in BOUNDS.values()}
    suffix = f" ({TERMS['not_guaranteed'].short})"
    res = mmbounds.estimate(bitwise_joint("copy"), random_state=0)  # vacuous l2 bound
    axes = [
        plot_result(res),
        plot_dataset_intervals([res, res], labels=["a", "b"]),
        plot_bounds_vs_truth([0.1, 0.5], {"synergy_lower_disagreement_l2": [-0.8, 0.2]}),
        plot_decomposition(["a"], [0.1], [0.2], [0.3], [0.0], [0.4], synergy_true=[0.2]),
        plot_accuracy_intervals(["a"], [0.6], [1.2], chance=[0.5], unimodal=[0.7], actual=[[0.8]]),
    ]
    found = set().union(*(_legend_labels(ax) for ax in axes))
    unknown = {
        lab
        for lab in found
        if lab not in LABELS
        and lab.removesuffix(suffix) not in bound_labels
        and not lab.endswith(TERMS["bootstrap"].label)
    }
    assert not unknown, unknown
    assert TERMS["vacuous"].label in found
    ssl = plot_ssl_results(["g"], ["fusion", "routed"], [[0.5, 0.6]])
    assert _legend_labels(ssl) == {f"{k}: {SSL_VARIANTS[k]}" for k in ("fusion", "routed")}


def test_plots_of_sample_input_do_not_call_the_sample_bounds_guaranteed():
    res = _samples_result()
    sample, guaranteed = TERMS["interval_sample"].label, TERMS["interval"].label
    for ax in (plot_result(res), plot_dataset_intervals([res], labels=["a"])):
        found = _legend_labels(ax)
        assert sample in found and guaranteed not in found, found
    population = plot_result(mmbounds.estimate(bitwise_joint("xor"), random_state=0))
    assert guaranteed in _legend_labels(population)


def test_cli_labels_come_from_the_glossary(capsys):
    from mmbounds.cli import main
    from mmbounds.cli._io import CSV_COLUMNS

    assert main(["demo", "--quick"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    for key in ("redundancy", "synergy_lower", "synergy_upper", "synergy_true_column"):
        assert TERMS[key].label in head
    columns = {TERMS[k].label for k in ("csv_scope", "csv_note")}
    assert columns <= set(CSV_COLUMNS) and "status" in LABELS
    assert re.search(r"\| `degraded` \| see `valid` \|", README)
