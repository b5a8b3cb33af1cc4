"""Paper-figure regeneration on tiny sizes: files, numbers, no-overwrite, optional parts."""

import csv
import json
import pickle

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import mmbounds  # noqa: E402
from mmbounds import figures  # noqa: E402


def _rows(path):
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


# The whole pipeline runs once in the default suite: tests/test_figures_quick.py (quick sizes).
# The tiny-size run of every part below repeats it; it is exhaustive, so it is marked slow.


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    report = figures.regenerate(out, tiny=True, progress=False, results_dir=out / "no-results-here")
    return out, report


@pytest.mark.slow
def test_tiny_run_writes_every_figure_and_table(tiny_run):
    out, report = tiny_run
    names = {f.name for f in report.files}
    for stem in (
        "synthetic_bounds",
        "intervals_bitwise",
        "decomposition_bitwise",
        "intervals_synthetic_features",
        "intervals_shipped",
        "decomposition_shipped",
    ):
        assert {f"{stem}.png", f"{stem}.pdf"} <= names
        assert (out / f"{stem}.png").stat().st_size > 5000
    assert {
        "synthetic_summary.csv",
        "synthetic_tables.csv",
        "datasets_table.csv",
        "datasets_bounds.csv",
        "manifest.json",
    } <= names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["mode"] == "tiny"
    # no benchmark CSVs in results_dir: the run says so instead of failing
    assert any(n.startswith("performance:") and "not found" in n for n in report.notes)
    assert any("ssl: skipped" in n for n in report.notes)
    assert "wrote" in str(report)


@pytest.mark.slow
def test_tiny_run_numbers_respect_the_guarantees(tiny_run):
    out, _ = tiny_run
    tables = _rows(out / "synthetic_tables.csv")
    assert len(tables) == sum(figures.N_TABLES["tiny"])
    for r in tables:
        s = float(r["synergy_true"])
        assert float(r["synergy_lower"]) <= s + 1e-6 <= float(r["synergy_upper"]) + 2e-6
    summary = _rows(out / "synthetic_summary.csv")
    for r in summary:
        if r["guaranteed"] == "True":
            assert int(r["violations"]) == 0, r
    data = _rows(out / "datasets_table.csv")
    groups = {r["group"] for r in data}
    assert groups == {"bitwise", "synthetic_features", "shipped"}
    assert any(r["dataset"] == "mfeat: fou+kar" and r["shape"].endswith("x10") for r in data)
    xor = next(r for r in data if r["dataset"] == "xor")
    assert float(xor["synergy_true"]) == pytest.approx(1.0, abs=1e-6)
    for r in data:
        s = float(r["synergy_true"])
        assert float(r["synergy_lower"]) <= s + 1e-6 and s <= float(r["synergy_upper"]) + 1e-6
    long = _rows(out / "datasets_bounds.csv")
    assert {"group", "dataset", "name", "side", "value", "guaranteed"} <= set(long[0])


def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path
    figures.regenerate(out, tiny=True, parts=["bitwise"], progress=False)
    before = (out / "intervals_bitwise.png").read_bytes()
    with pytest.raises(FileExistsError, match="--force"):
        figures.regenerate(out, tiny=True, parts=["bitwise"], progress=False)
    assert (out / "intervals_bitwise.png").read_bytes() == before


def test_force_overwrites(tmp_path):
    (tmp_path / "intervals_bitwise.png").write_text("old")
    report = figures.regenerate(tmp_path, tiny=True, parts=["bitwise"], force=True, progress=False)
    assert (tmp_path / "intervals_bitwise.png").read_bytes()[:4] == b"\x89PNG"
    assert set(report.timings) == {"bitwise"}


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="unknown"):
        figures.regenerate(tmp_path, tiny=True, parts=["nope"], progress=False)
    with pytest.raises(FileNotFoundError, match="multibench"):
        figures.regenerate(tmp_path, tiny=True, multibench=tmp_path / "missing", progress=False)
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(NotADirectoryError):
        figures.regenerate(f, tiny=True, parts=["bitwise"], progress=False)
    with pytest.raises(ValueError, match="n_tables"):
        figures.synthetic_study(0)


def test_synthetic_study_does_not_depend_on_jobs(monkeypatch):
    monkeypatch.setattr(figures._synthetic, "_CHUNK", 3)
    one = figures.synthetic_study(6, random_state=3, n_jobs=1)
    two = figures.synthetic_study(6, random_state=3, n_jobs=2)
    np.testing.assert_allclose(one.synergy_true, two.synergy_true, atol=1e-9)
    # bit for bit, the randomised witness search included (its estimate was unseeded: two
    # identical calls on 4x4x3 tables gave witnesses 0.026 bits apart)
    a, b = (figures.synthetic_study(6, shape=(4, 4, 3), random_state=3) for _ in range(2))
    for name in ("synergy_true", "synergy_lower", "synergy_upper", "synergy_witness"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert all(np.array_equal(a.values[k], b.values[k], equal_nan=True) for k in a.values)
    from_marginals = {n for n, spec in mmbounds.BOUNDS.items() if not spec.needs_posteriors}
    assert set(one.values) == from_marginals == set(two.values)
    rows = {r["bound"]: r for r in one.summary()}
    assert rows["best guaranteed lower"]["violations"] == 0
    # sides and guarantees of the summary are the registry's, not guessed from the names
    for name, spec in mmbounds.BOUNDS.items():
        if name in from_marginals:
            assert rows[name]["side"] == spec.side == one.side(name), name
            assert rows[name]["guaranteed"] is spec.guaranteed, name
    assert {"lower", "upper"} <= {r["side"] for r in rows.values()}


def _fake_affect(path, n=80, seed=0):
    rng = np.random.default_rng(seed)
    split = {
        "vision": rng.normal(size=(n, 2, 3)),
        "audio": rng.normal(size=(n, 3)),
        "text": rng.normal(size=(n, 2, 2)),
        "labels": rng.normal(size=(n, 1, 1)),
    }
    split["vision"][0, 0, 0] = np.nan  # loaders must clean NaN like MultiBench data needs
    with open(path, "wb") as fh:
        pickle.dump({"train": split, "valid": split, "test": split}, fh)


def test_multibench_part(tmp_path):
    mb = tmp_path / "mb"
    mb.mkdir()
    _fake_affect(mb / "mosi_tiny.pkl")
    out = tmp_path / "out"
    report = figures.regenerate(out, tiny=True, multibench=mb, parts=["multibench"], progress=False)
    data = _rows(out / "datasets_table.csv")
    assert [r["dataset"] for r in data] == [
        "mosi_tiny: vision+audio",
        "mosi_tiny: vision+text",
        "mosi_tiny: audio+text",
    ]
    assert (out / "intervals_multibench.png").exists()
    assert report.timings["multibench"] > 0
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="no MultiBench data"):
        figures.regenerate(
            tmp_path / "o2", tiny=True, multibench=empty, parts=["multibench"], progress=False
        )


def test_performance_and_ssl_parts_when_available(tmp_path, monkeypatch):
    calls = []

    def fake_performance_bounds(result, progress=True):
        calls.append(result.shape)
        base = 2.0 ** (-result.entropy_y)
        return {"accuracy_lower": base, "accuracy_upper": min(1.0, base + 0.5)}

    monkeypatch.setattr(figures._performance, "performance_bounds", fake_performance_bounds)
    res = tmp_path / "results"
    res.mkdir()
    # formats of benchmarks/performance.py and benchmarks/ssl_pretraining.py
    (res / "performance.csv").write_text(
        "dataset,seed,acc_lower,acc_upper,acc_mid,acc_late,acc_early,acc_tensor,best_unimodal\n"
        "synthetic-xor,0,0.5,0.98,0.74,0.61,0.7,0.93,0.52\n"
        "mfeat-fou-kar,0,0.6,1.0,0.8,0.97,0.96,0.95,0.9\n"
    )
    (res / "ssl.csv").write_text(
        "suite,seed,variant,fraction,accuracy\n"
        "mfeat-fou-kar,0,contrastive,0.1,0.70\nmfeat-fou-kar,1,contrastive,0.1,0.72\n"
        "mfeat-fou-kar,0,disagreement,0.1,0.74\nmfeat-fou-kar,1,disagreement,0.1,0.78\n"
    )
    out = tmp_path / "out"
    report = figures.regenerate(
        out, tiny=True, parts=["shipped", "performance", "ssl"], results_dir=res, progress=False
    )
    assert calls, "performance_bounds was not used"
    perf = _rows(out / "performance.csv")
    assert perf[0]["dataset"] == "mfeat: fou+kar"
    assert 0 <= float(perf[0]["accuracy_lower"]) <= float(perf[0]["accuracy_upper"]) <= 1
    for stem in ("performance", "performance_measured", "ssl"):
        assert (out / f"{stem}.png").exists(), stem
    ssl = {r["method"]: r for r in _rows(out / "ssl.csv")}
    assert float(ssl["disagreement"]["mean_accuracy"]) == pytest.approx(0.76)
    assert int(ssl["contrastive"]["n_seeds"]) == 2
    assert not any("skipped" in n for n in report.notes)


def test_an_output_folder_that_cannot_be_created_is_named(tmp_path, monkeypatch):
    # mkdir fails (/proc, a read-only disk): the error names the folder, keeps its type (so the
    # command line exits 2) and has no bare "[Errno n]"
    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("pathlib.Path.mkdir", refuse)
    out = tmp_path / "figs"
    with pytest.raises(PermissionError, match="cannot create the output folder") as info:
        figures.regenerate(out, tiny=True, parts=["bitwise"], progress=False)
    assert "Permission denied" in str(info.value) and "Errno" not in str(info.value)
    from mmbounds.cli import main

    assert main(["figures", "--tiny", "--out", str(out), "--no-progress"]) == 2
