import json

import numpy as np

from mmbounds.cli import main

from .conftest import CANONICAL


def test_demo_prints_table(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "xor" in out and "S >=" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("and "))
    assert "0.3113" in line


def test_demo_json(capsys):
    assert main(["demo", "--format", "json"]) == 0
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
    for name, rows in (("d1", "x1,y\na,0\nb,1\na,0\nb,1\n"), ("d2", "x2,y\nu,0\nv,1\nu,1\nv,0\n"),
                       ("dm", "x1,x2\na,u\nb,v\na,v\nb,u\n")):
        (tmp_path / f"{name}.csv").write_text(rows)
    code = main(["estimate", "--d1", str(tmp_path / "d1.csv"), "--d2", str(tmp_path / "d2.csv"),
                 "--dm", str(tmp_path / "dm.csv"), "--format", "csv"])
    assert code == 0
    assert capsys.readouterr().out.startswith("name,side,bits,guaranteed")


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
