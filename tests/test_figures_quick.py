"""The figures pipeline end to end at quick sizes (about a minute on 2 cores): the one whole run
of :func:`mmbounds.figures.regenerate` in the default suite. Every figure and table, the numbers
respect the guarantees, the registry's sides reach the CSVs, and nothing is overwritten."""

import csv
import json

import matplotlib
import pytest

matplotlib.use("Agg")

import mmbounds  # noqa: E402
from mmbounds import figures  # noqa: E402


def _rows(path):
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("figs")
    report = figures.regenerate(
        out, quick=True, n_jobs=1, progress=False, results_dir=out / "no-results-here"
    )
    return out, report


def test_quick_run_writes_every_figure_and_table(quick_run):
    out, report = quick_run
    names = {f.name for f in report.files}
    for stem in (
        "synthetic_bounds",
        "intervals_bitwise",
        "decomposition_bitwise",
        "intervals_synthetic_features",
        "decomposition_synthetic_features",
        "intervals_shipped",
        "decomposition_shipped",
    ):
        assert {f"{stem}.png", f"{stem}.pdf"} <= names
        assert (out / f"{stem}.png").stat().st_size > 10_000
        assert (out / f"{stem}.pdf").exists()
    assert {
        "synthetic_summary.csv",
        "synthetic_tables.csv",
        "datasets_table.csv",
        "datasets_bounds.csv",
        "manifest.json",
    } <= names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["mode"] == "quick" and manifest["n_jobs"] == 1
    assert manifest["mmbounds_version"] == mmbounds.__version__
    # no benchmark CSVs in results_dir: the run says so instead of failing
    assert any(n.startswith("performance:") and "not found" in n for n in report.notes)
    assert any("ssl: skipped" in n for n in report.notes)
    assert "wrote" in str(report)


def test_quick_run_numbers_respect_the_guarantees(quick_run):
    out, _ = quick_run
    tables = _rows(out / "synthetic_tables.csv")
    assert len(tables) == sum(figures.N_TABLES["quick"])
    for r in tables:
        s = float(r["synergy_true"])
        assert float(r["synergy_lower"]) <= s + 1e-6 <= float(r["synergy_upper"]) + 2e-6
    summary = _rows(out / "synthetic_summary.csv")
    guaranteed = [r for r in summary if r["guaranteed"] == "True"]
    assert guaranteed and all(int(r["violations"]) == 0 for r in guaranteed)
    for r in summary:
        if r["bound"] in mmbounds.BOUNDS:
            spec = mmbounds.BOUNDS[r["bound"]]
            assert r["side"] == spec.side and r["guaranteed"] == str(spec.guaranteed), r
    data = _rows(out / "datasets_table.csv")
    assert {r["group"] for r in data} == {"bitwise", "synthetic_features", "shipped"}
    assert any(r["dataset"] == "mfeat: fou+kar" and r["shape"].endswith("x10") for r in data)
    xor = next(r for r in data if r["dataset"] == "xor")
    assert float(xor["synergy_true"]) == pytest.approx(1.0, abs=1e-6)
    with_truth = [r for r in data if r.get("synergy_true") not in ("", None)]
    assert len(with_truth) == len(data)
    for r in with_truth:
        s = float(r["synergy_true"])
        assert float(r["synergy_lower"]) <= s + 1e-6 <= float(r["synergy_upper"]) + 2e-6, r
    long = _rows(out / "datasets_bounds.csv")
    assert {"group", "dataset", "name", "side", "value", "guaranteed"} <= set(long[0])
    assert all(r["side"] == mmbounds.BOUNDS[r["name"]].side for r in long)


def test_quick_run_is_not_overwritten_without_force(quick_run):
    out, _ = quick_run
    before = (out / "intervals_bitwise.png").read_bytes()
    with pytest.raises(FileExistsError, match="--force"):
        figures.regenerate(out, quick=True, parts=["bitwise"], progress=False)
    assert (out / "intervals_bitwise.png").read_bytes() == before
