import csv
import io
import json

import numpy as np
import pytest

from mmbounds.cli import main

from .conftest import CANONICAL


def test_demo_prints_table(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "xor" in out and "S >=" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("and "))
    assert "0.3113" in line
    # the mfeat row follows the paper's protocol (20 clusters per view, as its label says): the
    # true synergy of the sample tables lies between the guaranteed bounds
    mfeat = next(ln for ln in out.splitlines() if ln.startswith("mfeat fou+kar (20 clusters)"))
    r, u1, u2, s_lo, s_hi, s_true = (float(v) for v in mfeat.split()[-6:])
    assert s_lo <= s_true <= s_hi and s_hi < 0.3


def test_demo_says_in_words_that_xor_synergy_is_not_identified(capsys):
    assert main(["demo", "--quick"]) == 0
    notes = [ln for ln in capsys.readouterr().out.splitlines() if "cannot tell" in ln]
    assert [ln.split(":")[0] for ln in notes] == ["xor"]
    assert "S = 1.0000" in notes[0]


def test_demo_json(capsys):
    # the JSON format of the rows; the full demo (with its mfeat row) runs in the test above
    assert main(["demo", "--quick", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    xor = next(r for r in rows if r["data"] == "xor")
    assert abs(xor["S_true"] - 1.0) < 1e-6


def test_estimate_tables_and_overwrite(tmp_path, capsys):
    p = CANONICAL["and"][0]
    f = tmp_path / "t.npz"
    np.savez(f, p_x1y=p.sum(1), p_x2y=p.sum(0), p_x1x2=p.sum(2))
    assert main(["estimate", "--tables", str(f), "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert abs(d["redundancy"] - 0.311278) < 1e-5
    out = tmp_path / "res.json"
    out.write_text("keep")
    assert main(["estimate", "--tables", str(f), "--out", str(out)]) == 2
    assert out.read_text() == "keep"
    assert "--force" in capsys.readouterr().err
    assert main(["estimate", "--tables", str(f), "--out", str(out), "--force"]) == 0
    assert "EstimateResult" in out.read_text()


def test_estimate_csv_samples(tmp_path, capsys):
    for name, rows in (
        ("d1", "x1,y\na,0\nb,1\na,0\nb,1\n"),
        ("d2", "x2,y\nu,0\nv,1\nu,1\nv,0\n"),
        ("dm", "x1,x2\na,u\nb,v\na,v\nb,u\n"),
    ):
        (tmp_path / f"{name}.csv").write_text(rows)
    code = main(
        [
            "estimate",
            "--d1",
            str(tmp_path / "d1.csv"),
            "--d2",
            str(tmp_path / "d2.csv"),
            "--dm",
            str(tmp_path / "dm.csv"),
            "--format",
            "csv",
            # the subject is reading and writing CSV: the one-solve certified intervals stand for
            # the population rows (the bootstrap's are tested in tests/test_inference.py)
            "--inference",
            "certified",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("name,side,bits,guaranteed")
    rows = list(csv.reader(io.StringIO(out)))
    population = [r for r in rows if r[4] == "population (95% certified)"]
    assert {r[0] for r in population} >= {"redundancy", "synergy"}
    assert all(float(r[5]) <= float(r[2]) <= float(r[6]) for r in population)


def test_errors_are_one_line_with_exit_codes(tmp_path, capsys):
    assert main(["estimate", "--tables", str(tmp_path / "missing.npz")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mmbounds: error: file not found") and err.count("\n") == 1
    bad = tmp_path / "bad.npz"
    bad.write_text("not a zip")
    assert main(["estimate", "--tables", str(bad)]) == 2
    np.savez(tmp_path / "partial.npz", p_x1y=np.eye(2) / 2)
    assert main(["estimate", "--tables", str(tmp_path / "partial.npz")]) == 2
    assert "missing arrays" in capsys.readouterr().err
    assert main(["nonsense"]) == 2
    assert main(["info"]) == 0


# --------------------------------------------------------------------------------------------------
# datasets, figures, --plot, --help, overwrite rules


def test_help_everywhere(capsys):
    for argv in (
        ["--help"],
        ["demo", "--help"],
        ["estimate", "--help"],
        ["datasets", "--help"],
        ["datasets", "list", "--help"],
        ["datasets", "describe", "--help"],
        ["datasets", "export", "--help"],
        ["figures", "--help"],
        ["info", "--help"],
    ):
        assert main(argv) == 0, argv
        assert "usage: mmbounds" in capsys.readouterr().out


def test_datasets_list_and_describe(capsys):
    assert main(["datasets", "list"]) == 0
    out = capsys.readouterr().out
    assert "xor" in out and "mfeat" in out and "synergy" in out
    assert main(["datasets", "list", "--format", "json"]) == 0
    names = [d["name"] for d in json.loads(capsys.readouterr().out)]
    assert "digits_halves" in names
    assert main(["datasets", "describe", "and", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["shape"] == [2, 2, 2]
    assert main(["datasets", "describe", "mfeat"]) == 0
    assert "n_classes: 10" in capsys.readouterr().out
    assert main(["datasets", "describe", "xr"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mmbounds: error: unknown dataset 'xr'") and "xor" in err
    assert err.count("\n") == 1
    assert main(["datasets"]) == 2  # missing action


def test_datasets_export_table_roundtrips_through_estimate(tmp_path, capsys):
    f = tmp_path / "xor.npz"
    assert main(["datasets", "export", "xor", "--out", str(f)]) == 0
    assert capsys.readouterr().out.strip() == str(f)
    assert main(["estimate", "--joint", str(f), "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert abs(d["synergy_true"] - 1.0) < 1e-6
    assert main(["estimate", "--tables", str(f), "--format", "json"]) == 0
    capsys.readouterr()
    before = f.read_bytes()
    assert main(["datasets", "export", "and", "--out", str(f)]) == 2
    assert "--force" in capsys.readouterr().err
    assert f.read_bytes() == before
    assert main(["datasets", "export", "and", "--out", str(f), "--force"]) == 0
    assert f.read_bytes() != before
    assert main(["datasets", "export", "and", "--out", str(f), "--force", "--n-samples", "5"]) == 2


def test_datasets_export_synthetic(tmp_path, capsys):
    from mmbounds.data import load_npz

    target = tmp_path / "syn"  # .npz is appended
    assert (
        main(
            [
                "datasets",
                "export",
                "synergy",
                "--out",
                str(target),
                "--n-samples",
                "50",
                "--seed",
                "3",
            ]
        )
        == 0
    )
    data = load_npz(tmp_path / "syn.npz")
    assert data.n_samples == 50 and data.modality_names == ("x1", "x2")
    assert main(["datasets", "export", "synergy", "--out", str(target)]) == 2
    assert main(["datasets", "export", "synergy", "--out", str(tmp_path / "no" / "x.npz")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_estimate_plot(tmp_path, capsys):
    p = CANONICAL["xor"][0]
    f = tmp_path / "j.npy"
    np.save(f, p)
    png = tmp_path / "r.png"
    assert main(["estimate", "--joint", str(f), "--plot", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "EstimateResult" in capsys.readouterr().out
    before = png.read_bytes()
    assert main(["estimate", "--joint", str(f), "--plot", str(png)]) == 2
    assert png.read_bytes() == before
    assert main(["estimate", "--joint", str(f), "--plot", str(png), "--force"]) == 0
    assert main(["estimate", "--joint", str(f), "--plot", str(tmp_path / "r.txt")]) == 2
    assert ".png, .pdf or .svg" in capsys.readouterr().err


def test_malformed_inputs_and_debug(tmp_path, capsys):
    bad = tmp_path / "bad.npy"
    bad.write_bytes(b"\x93NUMPY garbage")
    assert main(["estimate", "--joint", str(bad)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    two_d = tmp_path / "two_d.npy"
    np.save(two_d, np.eye(2) / 2)
    assert main(["estimate", "--joint", str(two_d)]) == 2  # a wrong value is bad input, one line
    err = capsys.readouterr().err
    assert err.startswith("mmbounds: error:") and err.count("\n") == 1
    csv_bad = tmp_path / "d1.csv"
    csv_bad.write_text("x1,y\na,0,1\n")
    assert main(["estimate", "--d1", str(csv_bad), "--d2", str(csv_bad), "--dm", str(csv_bad)]) == 2
    with pytest.raises(Exception, match="file not found"):
        main(["--debug", "estimate", "--tables", str(tmp_path / "missing.npz")])
    with pytest.raises(Exception, match="file not found"):
        main(["estimate", "--debug", "--tables", str(tmp_path / "missing.npz")])


def test_figures_command(tmp_path, capsys):
    out = tmp_path / "figs"
    argv = ["figures", "--out", str(out), "--tiny", "--parts", "bitwise", "--no-progress"]
    assert main(argv) == 0
    assert "intervals_bitwise.png" in capsys.readouterr().out
    assert (out / "intervals_bitwise.pdf").exists() and (out / "datasets_table.csv").exists()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("mmbounds: error:") and "--force" in err and err.count("\n") == 1
    assert main(argv + ["--force"]) == 0
    capsys.readouterr()
    assert main(["figures", "--out", str(out), "--multibench", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["figures", "--out", str(out), "--workers", "0"]) == 2
    assert main(["figures", "--out", str(out), "--parts", "nope"]) == 2
    assert main(["figures"]) == 2  # --out is required


def test_estimate_backend_option(tmp_path, capsys):
    pytest.importorskip("torch")
    p = CANONICAL["and"][0]
    f = tmp_path / "t.npz"
    np.savez(f, p_x1y=p.sum(1), p_x2y=p.sum(0), p_x1x2=p.sum(2))
    argv = ["estimate", "--tables", str(f), "--format", "json"]
    assert main(argv + ["--backend", "torch", "--device", "cpu"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["backend"] == "torch"
    assert abs(d["redundancy"] - 0.311278) < 1e-5
    assert main(argv + ["--backend", "numpy"]) == 0
    assert json.loads(capsys.readouterr().out)["backend"] == "numpy"


def test_version_prints_the_version(capsys):
    # said "the following arguments are required: command" (exit 2)
    from mmbounds import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"mmbounds {__version__}\n"


def test_a_closed_pipe_stops_quietly_with_141(monkeypatch, capsys):
    # `mmbounds ... | head -1` printed "mmbounds: error: BrokenPipeError" and exit 1
    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["datasets", "list"]) == 141
    assert main(["--debug", "datasets", "list"]) == 141
    assert capsys.readouterr().err == ""


def test_a_closed_pipe_leaves_no_message_at_exit(tmp_path):
    # the real stream: stdout is pointed at devnull, so the interpreter's flush at exit is quiet
    import os
    import subprocess
    import sys

    import mmbounds

    env = {**os.environ, "PYTHONPATH": os.path.dirname(os.path.dirname(mmbounds.__file__))}
    read, write = os.pipe()
    os.close(read)  # the reader has gone before anything is written
    proc = subprocess.run(
        [sys.executable, "-m", "mmbounds", "datasets", "list"],
        stdout=write,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    os.close(write)
    assert (proc.returncode, proc.stderr) == (141, b"")
