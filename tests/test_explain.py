"""Output that explains itself: statuses with a reason, a validity flag and a warning class; status
and message in CSV / JSON; solver residues exported as exact zeros; one progress bar over the whole
estimate with honest timings."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import time
import warnings

import numpy as np
import pytest

import mmbounds
from mmbounds import DegradedWarning, StatusWarning
from mmbounds._progress import Progress
from mmbounds.bounds import BOUNDS
from mmbounds.bounds._registry import BoundValue
from mmbounds.cli._io import format_result
from mmbounds.data import bitwise_joint, make_pid_synthetic
from mmbounds.exceptions import ConvergenceWarning
from mmbounds.inference._resample import UPPER_RESAMPLES
from mmbounds.results._glossary import STATUSES

AND = bitwise_joint("and")


def _stalled_estimate():
    """AND with 3 IPF sweeps: the max-entropy bound stops early (certified, looser)."""
    with pytest.warns(ConvergenceWarning) as caught:
        res = mmbounds.estimate(AND, options={"max_iter": 3}, random_state=0)
    return res, [w for w in caught if issubclass(w.category, StatusWarning)]


def test_a_stalled_solver_gives_one_status_warning_that_says_the_numbers_hold():
    res, status_warnings = _stalled_estimate()
    assert res.status == "warning" and res.valid is True
    assert len(status_warnings) == 1  # one per result, after the solver's own warning
    text = str(status_warnings[0].message)
    assert "status 'warning'" in text and "synergy_lower_shared: max_iter" in text
    assert "remain valid" in text and "max_iter" in text.split("Remedy:")[1]
    # the bound it stopped on is still a valid (looser) lower bound: S(AND) = 0.5
    assert 0.0 < res.synergy_lower <= 0.5 + 1e-9 and res.synergy_true == pytest.approx(0.5)
    assert res.status_text in repr(res)
    d = res.to_dict()
    assert (d["status"], d["valid"]) == ("warning", True)
    assert d["status_meaning"] == STATUSES["warning"].meaning
    assert d["message"].startswith("synergy_lower_shared: max_iter (residual")


def test_status_warnings_are_filterable_by_class():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=StatusWarning)
        res = mmbounds.estimate(AND, options={"max_iter": 3}, random_state=0)
    assert res.status == "warning"
    kinds = {w.category for w in caught}
    assert StatusWarning not in kinds and ConvergenceWarning in kinds  # the solver's own stays


def test_an_ok_estimate_warns_nothing_and_says_so():
    res = mmbounds.estimate(bitwise_joint("xor"), random_state=0)  # filterwarnings=error
    assert (res.status, res.valid, res.message) == ("ok", True, "")
    assert res.to_dict()["status_meaning"] == STATUSES["ok"].meaning
    assert "certified" in res.status_text


def test_a_failed_bound_is_degraded_warns_and_keeps_valid_bounds(monkeypatch):
    name = "synergy_lower_shared"
    spec = BOUNDS[name]
    monkeypatch.setitem(
        BOUNDS._specs, name, dataclasses.replace(spec, compute=lambda ctx: BoundValue(np.nan))
    )
    with pytest.warns(DegradedWarning, match="non-finite value") as caught:
        res = mmbounds.estimate(AND, random_state=0)
    assert len([w for w in caught if issubclass(w.category, StatusWarning)]) == 1
    assert res.status == "degraded" and res.valid is True
    assert res.bound(name).value == 0.0  # replaced by the trivial bound of its side
    assert res.synergy_lower <= res.synergy_true + 1e-9 <= res.synergy_upper + 2e-9
    assert "coarser certified bound" in res.status_text
    assert res.to_dict()["valid"] is True


def test_csv_and_json_carry_status_validity_and_message():
    res, _ = _stalled_estimate()
    rows = list(csv.DictReader(io.StringIO(format_result(res, "csv"))))
    by_name = {r["name"]: r for r in rows}
    assert by_name["status"]["verdict"] == "warning"
    assert by_name["status"]["guaranteed"] == "True"  # the numbers remain valid
    assert by_name["status"]["note"] == STATUSES["warning"].meaning
    assert by_name["message"]["note"] == res.message and "max_iter" in res.message
    assert float(by_name["redundancy"]["bits"]) == pytest.approx(0.311278, abs=1e-6)
    assert by_name["synergy_lower_shared"]["note"] == BOUNDS["synergy_lower_shared"].note
    d = json.loads(format_result(res, "json"))
    assert (d["status"], d["valid"], d["message"]) == ("warning", True, res.message)


def test_solver_residues_export_as_exact_zeros_and_stay_in_the_attributes():
    res = mmbounds.estimate(bitwise_joint("xor"), random_state=0)
    tiny = dataclasses.replace(res, unique1=2.4694135625225044e-11, redundancy=-3e-12)
    d = tiny.to_dict()
    assert d["unique1"] == 0.0 and d["redundancy"] == 0.0
    assert tiny.unique1 == 2.4694135625225044e-11  # the computed value is kept
    # (solver_info keeps each solver's own residual: a convergence diagnostic, not a result)
    exported = json.dumps({k: v for k, v in d.items() if k != "solver_info"})
    assert "e-11" not in exported and "e-12" not in format_result(tiny, "csv")
    assert tiny.checks["R+U1-I(X1;Y)"] == pytest.approx(2.4694135625225044e-11 - 3e-12)
    assert "-0.0000" not in repr(tiny)
    # a real case: independent variables; every exported bits value is 0 or clearly not 0
    ind = mmbounds.estimate(np.full((2, 2, 2), 0.125), random_state=0).to_dict()
    values = [ind[k] for k in ("redundancy", "unique1", "unique2", "synergy_lower")]
    values += [b["value"] for b in ind["bounds"]]
    assert all(v == 0.0 or abs(v) >= 1e-9 for v in values), values
    assert values[:4] == [0.0, 0.0, 0.0, 0.0]


def test_pid_status_is_explained_too():
    res = mmbounds.pid(AND)
    d = res.to_dict()
    assert (d["status"], d["valid"], d["solver_status"]) == ("ok", True, "optimal")
    assert d["redundancy"] == pytest.approx(0.311278, abs=1e-6) and d["unique1"] == 0.0


# ---------------------------------------------------------------------------------- progress


def _features(n=300, seed=0):
    data = make_pid_synthetic("synergy", n_samples=n, dim=10, random_state=seed)
    X1, X2, y = data["x1"], data["x2"], data.y
    a, b = n // 3, 2 * n // 3
    return (X1[:a], y[:a]), (X2[a:b], y[a:b]), (X1[b:], X2[b:])


def _record_bars(monkeypatch) -> list[Progress]:
    """Every progress bar made from here on, in order."""
    made: list[Progress] = []
    init = Progress.__init__

    def recording(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(Progress, "__init__", recording)
    return made


def test_one_progress_bar_over_the_whole_feature_estimate(monkeypatch, capsys):
    monkeypatch.setattr("mmbounds._progress.DELAY_S", 0.0)
    made = _record_bars(monkeypatch)
    x1, x2, paired = _features()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mmbounds.EstimationWarning)  # few samples per cell
        res = mmbounds.estimate(
            x1=x1,
            x2=x2,
            paired=paired,
            discretizer={"n_clusters": 4},
            options={"n_resamples": 10},
            random_state=0,
            progress=True,
        )
    assert len(made) == 1  # every layer ticked the front door's bar
    run = made[0]
    n_bounds = len(res.bounds)
    # 2 modalities discretized, counting, BROJA + each bound, plug-in + 10 resamples, and BROJA +
    # each bound again where S_U's lower limit reads the tables with their ties restored
    tied = any("product of its margins" in note for note in res.inference.notes)
    assert tied  # the case here: 4 clusters, few samples
    # ... and the tight bound recomputed on UPPER_RESAMPLES resamples (a table of <= 64 cells)
    assert any("resamples on which it was recomputed" in note for note in res.inference.notes)
    upper = min(10, UPPER_RESAMPLES)  # one per resample, at most UPPER_RESAMPLES
    assert run.total == run.done == 2 + 1 + (1 + n_bounds) + (1 + 10) + upper + (1 + n_bounds)
    err = capsys.readouterr().err
    assert "mmbounds.estimate" in err and "mmbounds.inference" not in err


def test_timings_cover_every_step_and_the_total_is_the_wall_time():
    x1, x2, paired = _features()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mmbounds.EstimationWarning)
        res = mmbounds.estimate(
            x1=x1,
            x2=x2,
            paired=paired,
            discretizer={"n_clusters": 4},
            options={"n_resamples": 20},
            random_state=0,
        )
    wall = time.perf_counter() - t0
    t = dict(res.timings)
    assert {"discretize", "marginals", "pid", "inference", "bias report", "total"} <= set(t)
    steps = sum(v for k, v in t.items() if k != "total")
    # the total is the call's own wall time; its steps are all but a little glue of it
    assert 0.8 * wall <= t["total"] <= wall
    assert 0.8 * t["total"] <= steps <= t["total"]
    assert f"total {t['total']:.3f} s" in repr(res)
    assert res.to_dict()["timings"]["total"] == t["total"]


def test_bars_appear_only_after_the_delay_and_never_after_close(monkeypatch, capsys):
    # shown by default, but only once an operation has run DELAY_S seconds: quick calls are quiet
    monkeypatch.setattr("mmbounds._progress.DELAY_S", 3600.0)
    mmbounds.estimate(AND, random_state=0)  # progress=True by default
    assert capsys.readouterr().err == ""
    monkeypatch.setattr("mmbounds._progress.DELAY_S", 0.0)
    run = Progress(True, "demo")
    run.add(2)
    run.advance(1, "second")
    assert run._bar is not None and run._bar.n == 1 and run._bar.total == 2
    run.close()
    run.advance(1)
    assert run._bar is None and run.done == 2
    assert "demo" in capsys.readouterr().err
    # a bar made by the tick that finds the delay passed counts that tick once
    monkeypatch.setattr("mmbounds._progress.DELAY_S", 0.05)
    run = Progress(True, "late")
    run.add(10)
    assert run._bar is None
    time.sleep(0.06)
    run.advance(3)
    assert run._bar.n == run.done == 3
    run.advance(7)
    assert run._bar.n == run.done == 10 == run._bar.total
    run.close()
    # progress=False reaches the estimate that performance_bounds makes from a joint
    monkeypatch.setattr("mmbounds._progress.DELAY_S", 0.0)
    capsys.readouterr()
    mmbounds.performance_bounds(AND, progress=False)
    assert capsys.readouterr().err == ""


def test_tables_get_a_total_too():
    res = mmbounds.estimate(AND, random_state=0)
    t = dict(res.timings)
    assert {"marginals", "pid", "total"} <= set(t)
    assert t["total"] >= sum(v for k, v in t.items() if k != "total")


def test_demo_rows_carry_status_and_message(capsys):
    from mmbounds.cli import main

    assert main(["demo", "--quick", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert all({"status", "valid", "message"} <= set(r) for r in rows)
    xor = next(r for r in rows if r["data"] == "xor")
    assert (xor["status"], xor["valid"], xor["message"]) == ("ok", True, "")
    assert xor["U1"] == 0.0 and xor["S_true"] == pytest.approx(1.0)


def test_the_bar_completes_when_the_population_intervals_are_skipped(monkeypatch):
    made = _record_bars(monkeypatch)
    a, b = np.array([0, 0, 1, 1] * 5), np.array([0, 1, 0, 1] * 5)
    y = a ^ b
    res = mmbounds.estimate(x1=(a, y), x2=(b, y), paired=(a, b), random_state=0)
    assert res.inference is None and "not computed" in res.message  # one sample for all three
    assert len(made) == 1 and made[0].done == made[0].total == 1 + 1 + len(res.bounds)
