"""`mmbounds figures --quick` runs end to end in CI (about a minute on 2 cores)."""

import csv

from mmbounds.cli import main


def test_figures_quick_command_writes_every_figure(tmp_path, capsys):
    out = tmp_path / "figs"
    assert main(["figures", "--out", str(out), "--quick", "--no-progress", "--workers", "1"]) == 0
    capsys.readouterr()
    for stem in (
        "synthetic_bounds",
        "intervals_bitwise",
        "intervals_shipped",
        "decomposition_bitwise",
    ):
        assert (out / f"{stem}.png").stat().st_size > 10_000
        assert (out / f"{stem}.pdf").exists()
    with (out / "synthetic_summary.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    guaranteed = [r for r in rows if r["guaranteed"] == "True"]
    assert guaranteed and all(int(r["violations"]) == 0 for r in guaranteed)
    with (out / "datasets_table.csv").open() as fh:
        table = list(csv.DictReader(fh))
    with_truth = [r for r in table if r.get("synergy_true") not in ("", None)]
    assert with_truth
    for r in with_truth:
        s = float(r["synergy_true"])
        assert float(r["synergy_lower"]) <= s + 1e-6 <= float(r["synergy_upper"]) + 2e-6, r
