"""Issue 14, the command line: exit code 2 and one line for every bad input; one-line warnings."""

from __future__ import annotations

import os
import pickle
import warnings

import numpy as np
import pytest

import mmbounds
from mmbounds.cli import main

from .conftest import CANONICAL


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("mmbounds: error: ") and err.count("\n") == 1, err
    return err


def test_argparse_errors_are_one_line_with_exit_2(capsys):
    assert main(["estimate", "--seed", "abc"]) == 2
    err = _one_error_line(capsys)
    assert "argument --seed: invalid int value: 'abc'" in err and "--help" in err
    assert main(["nonsense"]) == 2
    assert "invalid choice: 'nonsense'" in _one_error_line(capsys)
    assert main(["figures"]) == 2
    assert "the following arguments are required: --out" in _one_error_line(capsys)
    assert main(["--help"]) == 0
    capsys.readouterr()


def test_bad_values_exit_2_with_the_message_of_the_door(tmp_path, capsys):
    f = tmp_path / "p.npy"
    np.save(f, np.full((2, 2, 2), 0.2))
    assert main(["estimate", "--joint", str(f)]) == 2
    err = _one_error_line(capsys)
    assert f"--joint {f} must sum to 1 (got 1.6); pass normalize=True" in err
    assert "--normalize" in err
    np.save(f, CANONICAL["and"][0])
    assert main(["estimate", "--joint", str(f), "--device", "banana"]) == 2
    err = _one_error_line(capsys)
    # the device check's own reason (an unknown name here; no GPU, no torch elsewhere)
    assert "argument --device: device == 'banana', must be a torch device such as 'cpu'" in err
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():  # the reason, not "'cuda' is not a torch device"
        assert main(["estimate", "--joint", str(f), "--device", "cuda"]) == 2
        assert "argument --device: device='cuda': torch sees no CUDA GPU" in _one_error_line(capsys)


def test_corrupt_and_pickled_input_files(tmp_path, capsys):
    f = tmp_path / "t.npz"
    np.savez(f, p_x1y=np.array([{"a": 1}], dtype=object), p_x2y=np.eye(2), p_x1x2=np.eye(2))
    assert main(["estimate", "--tables", str(f)]) == 2
    err = _one_error_line(capsys)
    assert "holds Python objects (pickled data), which are never loaded" in err
    assert "allow_pickle" not in err
    f.write_bytes(pickle.dumps({"p_x1y": 1}))
    assert main(["estimate", "--tables", str(f)]) == 2
    assert "holds Python objects (pickled data)" in _one_error_line(capsys)
    text = tmp_path / "d1.csv"  # a CSV given where an array file belongs is not "pickled data"
    text.write_text("x1,y\n0,1\n")
    for flag in ("--tables", "--joint"):
        assert main(["estimate", flag, str(text)]) == 2
        err = _one_error_line(capsys)
        assert "is not one (a .npy starts with" in err and "Python objects" not in err
    f.write_bytes(b"PK\x03\x04 not a zip")
    assert main(["estimate", "--tables", str(f)]) == 2
    assert "cannot read" in _one_error_line(capsys)
    npy = tmp_path / "j.npy"
    np.save(npy, CANONICAL["and"][0])
    assert main(["estimate", "--tables", str(npy)]) == 2
    assert "a .npy holds one array; --tables needs a .npz" in _one_error_line(capsys)
    csv = tmp_path / "d.csv"
    csv.write_bytes(b"x,y\n\xff\xfe\x00,1\n")
    assert main(["estimate", "--d1", str(csv), "--d2", str(csv), "--dm", str(csv)]) == 2
    assert "not a UTF-8 text CSV" in _one_error_line(capsys)
    assert main(["estimate", "--d1", str(tmp_path), "--d2", str(csv), "--dm", str(csv)]) == 2
    assert f"{tmp_path} is a folder; give a CSV file" in _one_error_line(capsys)


def test_two_inputs_at_once_are_refused(tmp_path, capsys):
    f = tmp_path / "x.npz"
    joint = CANONICAL["xor"][0]
    np.savez(f, joint=joint, p_x1y=joint.sum(1), p_x2y=joint.sum(0), p_x1x2=joint.sum(2))
    csv = tmp_path / "d.csv"
    csv.write_text("a,b\n0,1\n1,0\n")
    assert main(["estimate", "--tables", str(f), "--joint", str(f)]) == 2
    assert "give one input" in _one_error_line(capsys)
    assert main(["estimate", "--joint", str(f), "--d1", str(csv)]) == 2
    assert "not --joint and --d1/--d2/--dm" in _one_error_line(capsys)


def test_csv_labels_with_missing_values_or_two_spellings(tmp_path, capsys):
    rows = [(i % 2, i % 3) for i in range(30)]
    d1, d2, dm = (tmp_path / n for n in ("d1.csv", "d2.csv", "dm.csv"))
    d2.write_text("x2,y\n" + "".join(f"{a},{b}\n" for a, b in rows))
    dm.write_text("x1,x2\n" + "".join(f"{a},{a}\n" for a, _ in rows))
    d1.write_text(
        "x1,y\n" + "".join(f"{a},{'' if i == 3 else b}\n" for i, (a, b) in enumerate(rows))
    )
    argv = ["estimate", "--d1", str(d1), "--d2", str(d2), "--dm", str(dm), "--confidence", "0"]
    assert main(argv) == 2
    # the message names the file, the column and the file's line, not the Python argument
    # (x1[1] (y)) and the sample's index
    assert (
        f"--d1 {d1}: column 'y' has 1 missing value(s) (empty or NA/nan cells), first on line 5"
        in _one_error_line(capsys)
    )
    d1.write_text("x1,y\n" + "".join(f"{a},{b}.0\n" for a, b in rows))
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert f"y (the values in --d1 {d1} and --d2 {d2} together) spells one number" in err
    d1.write_text("x1,y\n" + "".join(f"{a}, {b}\n" for a, b in rows))  # whitespace: normalized
    assert main(argv) == 0
    capsys.readouterr()


def test_warnings_are_one_line_without_internal_paths(tmp_path, capsys):
    p = CANONICAL["and"][0]
    p_x1y = np.array([[0.45, 0.05], [0.05, 0.45]])  # X1 marginal differs from p_x1x2's
    f = tmp_path / "t.npz"
    np.savez(f, p_x1y=p_x1y, p_x2y=p.sum(0), p_x1x2=np.array([[0.7, 0.1], [0.1, 0.1]]))
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # shown, as outside the test suite
        assert main(["estimate", "--tables", str(f)]) == 0
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln]
    assert lines and all(ln.startswith("mmbounds: warning: ") for ln in lines), err
    assert ".py:" not in err and "warnings.warn" not in err


def test_figures_multibench_refuses_a_crafted_pickle(tmp_path, capsys):
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    mb = tmp_path / "mb"
    mb.mkdir()
    (mb / "mosi.pkl").write_bytes(pickle.dumps({"test": {"vision": Evil()}}))
    argv = ["figures", "--out", str(tmp_path / "out"), "--tiny", "--parts", "multibench"]
    assert main(argv + ["--multibench", str(mb), "--no-progress"]) == 2
    err = _one_error_line(capsys)
    assert "mkdir, which is not a numpy array" in err and "--allow-pickle" in err
    assert not marker.exists()


def test_allow_pickle_flag_says_what_it_does(capsys):
    assert main(["figures", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--allow-pickle" in out and "WARNING: unpickling runs any code" in out


def test_options_for_samples_are_refused_with_tables_and_targets_must_differ(tmp_path, capsys):
    f = tmp_path / "p.npy"
    np.save(f, CANONICAL["and"][0])
    for extra, name in (
        (["--confidence", "0.5"], "--confidence applies"),
        (["--confidence", "0.9", "--inference", "certified"], "--confidence and --inference apply"),
        (["--inference", "certified"], "--inference applies"),
    ):
        assert main(["estimate", "--joint", str(f), "--no-progress", *extra]) == 2
        assert f"{name} to samples (--d1 --d2 --dm) only" in _one_error_line(capsys)
    assert main(["estimate", "--joint", str(f), "--no-progress", "--confidence", "0"]) == 0
    capsys.readouterr()  # 0 (no population intervals) is what tables get anyway
    # with samples, --inference and --confidence 0 (no intervals) contradict: it was ignored
    csvs = []
    for name, head in (("d1", "x1,y"), ("d2", "x2,y"), ("dm", "x1,x2")):
        csvs += [f"--{name}", str(tmp_path / f"{name}.csv")]
        (tmp_path / f"{name}.csv").write_text(head + "\n" + "0,0\n1,1\n" * 20)
    argv = ["estimate", *csvs, "--no-progress", "--confidence", "0", "--inference", "certified"]
    assert main(argv) == 2
    assert "--inference certified picks how population intervals" in _one_error_line(capsys)
    assert main(argv[:-2]) == 0
    capsys.readouterr()
    same = tmp_path / "same.png"
    argv = ["estimate", "--joint", str(f), "--out", str(same), "--plot", str(same)]
    assert main([*argv, "--no-progress"]) == 2
    assert "--out and --plot name the same file" in _one_error_line(capsys)
    assert not same.exists()


def test_export_to_a_folder_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    for out in (".", "..", "sub", "sub/"):
        assert main(["datasets", "export", "xor", "--out", out]) == 2
        assert f"--out {out} is a folder; give a file name" in _one_error_line(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]


def test_csv_measurements_and_wide_files_are_refused_with_the_remedy(tmp_path, capsys):
    # a column of measurements read as codes became a 382-value modality (R = 0.436 where the
    # Python API, which discretizes the same numbers, gives 0.012): it is refused
    rng = np.random.default_rng(0)
    d1, d2, dm = (tmp_path / n for n in ("d1.csv", "d2.csv", "dm.csv"))
    d1.write_text("x1,y\n" + "".join(f"{v:.2f},{i % 2}\n" for i, v in enumerate(rng.random(40))))
    d2.write_text("x2,y\n" + "".join(f"{i % 3},{i % 2}\n" for i in range(40)))
    dm.write_text("x1,x2\n" + "".join(f"{i % 2},{i % 3}\n" for i in range(40)))
    argv = ["estimate", "--d1", str(d1), "--d2", str(d2), "--dm", str(dm), "--confidence", "0"]
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert "column 'x1' holds measurements" in err and "discretizes raw features" in err
    # whole numbers written as floats are codes, and so are category names that look numeric
    # next to text
    d1.write_text("x1,y\n" + "".join(f"{i % 2}.0,{i % 2}\n" for i in range(40)))
    dm.write_text("x1,x2\n" + "".join(f"{i % 2}.0,{i % 3}\n" for i in range(40)))
    assert main(argv) == 0
    capsys.readouterr()
    codes = ("250.01", "401.9", "428.0")  # decimal category codes repeat: they are codes
    d1.write_text("x1,y\n" + "".join(f"{codes[i % 3]},{i % 2}\n" for i in range(40)))
    dm.write_text("x1,x2\n" + "".join(f"{codes[i % 3]},{i % 3}\n" for i in range(40)))
    assert main(argv) == 0
    capsys.readouterr()
    d1.write_text("x1,y\n" + "".join(f"{'a' if i % 2 else '1.5'},{i % 2}\n" for i in range(40)))
    dm.write_text("x1,x2\n" + "".join(f"{'a' if i % 2 else '1.5'},{i % 3}\n" for i in range(40)))
    assert main(argv) == 0
    capsys.readouterr()
    # pandas' to_csv writes a row index first: named as the likely cause
    d1.write_text(",x1,y\n" + "".join(f"{i},{i % 2},{i % 2}\n" for i in range(40)))
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert (
        "line 2 does not have exactly two columns (its first column looks like a row index" in err
    )
    assert "x1,y for --d1, x2,y for --d2 and x1,x2 for --dm" in err


def test_csv_headers_that_say_the_columns_are_swapped_are_refused(tmp_path, capsys):
    # the headers were ignored: x2,x1 in --dm ran with only a total-variation warning and gave
    # another decomposition
    d1, d2, dm = (tmp_path / n for n in ("d1.csv", "d2.csv", "dm.csv"))
    rows = range(60)
    d1.write_text("age,label\n" + "".join(f"{i % 2},{i % 2}\n" for i in rows))
    d2.write_text("smoker,label\n" + "".join(f"{i % 3},{i % 2}\n" for i in rows))
    dm.write_text("smoker,age\n" + "".join(f"{i % 3},{i % 2}\n" for i in rows))
    argv = ["estimate", "--d1", str(d1), "--d2", str(d2), "--dm", str(dm), "--confidence", "0"]
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert "--dm" in err and "'smoker', 'age'" in err and "look swapped" in err
    dm.write_text("age,smoker\n" + "".join(f"{i % 2},{i % 3}\n" for i in rows))
    assert main(argv) == 0
    capsys.readouterr()
    d1.write_text("label,age\n" + "".join(f"{i % 2},{i % 2}\n" for i in rows))
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert "--d1" in err and "first column is named 'label'" in err
    # free names that do not repeat, or that repeat consistently, are not checked
    d1.write_text("feature,y\n" + "".join(f"{i % 2},{i % 2}\n" for i in rows))
    d2.write_text("feature,y\n" + "".join(f"{i % 3},{i % 2}\n" for i in rows))
    dm.write_text("a,b\n" + "".join(f"{i % 2},{i % 3}\n" for i in rows))
    assert main(argv) == 0
    capsys.readouterr()


def test_a_failed_write_names_the_option(tmp_path, capsys, monkeypatch):
    # the target passes check_target, then the write fails (a full disk, /proc): one line that
    # names the option and the reason, exit 2, never the bare "[Errno 28] ..."
    f = tmp_path / "xor.npz"
    assert main(["datasets", "export", "xor", "--out", str(f)]) == 0
    capsys.readouterr()

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pathlib.Path.write_text", full)
    out = tmp_path / "r.json"
    assert main(["estimate", "--joint", str(f), "--no-progress", "--out", str(out)]) == 2
    err = _one_error_line(capsys)
    assert f"cannot write --out {out}: No space left on device" in err and "Errno" not in err
    monkeypatch.setattr(np, "savez", full)
    monkeypatch.setattr(np, "savez_compressed", full)
    assert main(["datasets", "export", "and", "--out", str(tmp_path / "and.npz")]) == 2
    assert "cannot write --out" in _one_error_line(capsys)
    assert main(["datasets", "export", "mfeat", "--out", str(tmp_path / "m.npz")]) == 2
    assert "No space left on device" in _one_error_line(capsys)


def _sources(tmp_path, n=60):
    d1, d2, dm = (tmp_path / name for name in ("d1.csv", "d2.csv", "dm.csv"))
    d1.write_text("x1,y\n" + "".join(f"{i % 2},{i % 2}\n" for i in range(n)))
    d2.write_text("x2,y\n" + "".join(f"{i % 3},{i % 2}\n" for i in range(n)))
    dm.write_text("x1,x2\n" + "".join(f"{i % 2},{i % 3}\n" for i in range(n)))
    argv = ["estimate", "--d1", str(d1), "--d2", str(d2), "--dm", str(dm), "--confidence", "0"]
    return d1, d2, dm, [*argv, "--no-progress"]


def test_csv_with_a_byte_order_mark_keeps_its_first_column_name(tmp_path, capsys):
    # read as utf-8, the BOM stuck to the first name ('\ufeffx2'), which disabled the check of
    # swapped columns: x2,x1 in --dm ran with exit 0
    d1, d2, dm, argv = _sources(tmp_path)
    dm.write_text("x2,x1\n" + "".join(f"{i % 3},{i % 2}\n" for i in range(60)), "utf-8-sig")
    assert dm.read_bytes().startswith(b"\xef\xbb\xbfx2,x1")
    assert main(argv) == 2
    assert "--dm" in (err := _one_error_line(capsys)) and "'x2', 'x1'" in err
    assert "look swapped" in err
    dm.write_text("x1,x2\n" + "".join(f"{i % 2},{i % 3}\n" for i in range(60)), "utf-8-sig")
    assert main(argv) == 0
    capsys.readouterr()


def test_csv_label_of_continuous_numbers_is_refused_as_by_the_api(tmp_path, capsys):
    # y = rng.normal(...) ran with exit 0 (each value a class, H(Y) = 5.6 bits), while
    # mmbounds.estimate(x1=(x1, y), ...) refuses the same numbers
    rng = np.random.default_rng(0)
    x1, y = np.arange(60) % 3, rng.normal(size=60)
    d1, d2, dm, argv = _sources(tmp_path)
    d1.write_text("x1,y\n" + "".join(f"{a},{float(b)!r}\n" for a, b in zip(x1, y)))
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert f"--d1 {d1}: label column 'y' holds continuous numbers ('{float(y[0])!r}')" in err
    assert "bin it first" in err
    x2 = np.arange(60) % 2
    with pytest.raises(ValueError, match=r"x1\[1\] \(y\) holds non-integer numbers"):
        mmbounds.estimate(x1=(x1, y), x2=(x2, x2), paired=(x1, x2), confidence=None)
    d1, d2, dm, argv = _sources(tmp_path)
    d2.write_text("x2,y\n" + "".join(f"{a},{b:.3f}\n" for a, b in zip(x2, y)))
    assert main(argv) == 2
    assert f"--d2 {d2}: label column 'y' holds continuous numbers" in _one_error_line(capsys)


def test_csv_errors_give_the_line_of_the_file_and_the_column_name(tmp_path, capsys):
    d1, d2, dm, argv = _sources(tmp_path)
    # blank lines were dropped before the line was counted: this said line 3
    d1.write_text("x1,y\n\n\n1,0\n\n1,0,5\n2,1\n")
    assert main(argv) == 2
    assert f"--d1 {d1}: line 6 does not have exactly two columns" in _one_error_line(capsys)
    # a missing value said "x1[0] (x1) ... missing labels ..., first at row 0"
    d1.write_text("x1,y\n,1\n" + "".join(f"{i % 2},{i % 2}\n" for i in range(60)))
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert f"--d1 {d1}: column 'x1' has 1 missing value(s)" in err and "first on line 2" in err
    assert "labels" not in err and "row 0" not in err
    d1, d2, dm, argv = _sources(tmp_path)
    dm.write_text("x1,x2\n\n" + "".join(f"{i % 2},{'NA' if i == 4 else 0}\n" for i in range(60)))
    assert main(argv) == 2
    assert f"--dm {dm}: column 'x2' has 1 missing value(s)" in (err := _one_error_line(capsys))
    assert "first on line 7" in err


def test_csv_without_a_header_row_is_refused(tmp_path, capsys):
    # the first sample, 2,0, was taken for the header and silently lost
    d1, d2, dm, argv = _sources(tmp_path)
    d1.write_text("2,0\n" + "".join(f"{i % 2},{i % 2}\n" for i in range(60)))
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert f"--d1 {d1}: line 1 (2,0) holds numbers, not column names" in err
    assert "header row: x1,y for --d1, x2,y for --d2 and x1,x2 for --dm" in err
    d1.write_text("\n 2 , 0.5\n1,1\n")
    assert main(argv) == 2
    assert "line 2 ( 2 , 0.5) holds numbers, not column names" in _one_error_line(capsys)
    d1.write_text("1,y\n" + "".join(f"{i % 2},{i % 2}\n" for i in range(60)))  # a name, "1"
    assert main(argv) == 0
    capsys.readouterr()


def test_errors_name_the_option_not_the_python_argument(tmp_path, capsys):
    f = tmp_path / "j.npy"
    np.save(f, CANONICAL["and"][0])
    for argv, says in (
        (["estimate", "--joint", str(f), "--seed", "-1"], "argument --seed: -1 is negative"),
        (["datasets", "export", "synergy", "--out", "x", "--seed", "-1"], "argument --seed: -1"),
        (["figures", "--out", str(tmp_path / "d"), "--seed", "-1"], "argument --seed: -1"),
        (["estimate", "--joint", str(f), "--seed", "1.5"], "--seed: invalid int value: '1.5'"),
    ):
        assert main(argv) == 2
        err = _one_error_line(capsys)
        assert says in err and "random_state" not in err
    out = tmp_path / "s.npz"
    assert main(["datasets", "export", "synergy", "--out", str(out), "--n-samples", "0"]) == 2
    assert "error: --n-samples 0, must be >= 2" in (err := _one_error_line(capsys))
    assert "n_samples" not in err and not out.exists()
    joint = CANONICAL["and"][0].copy()
    joint[0, 0, :] = np.nan
    np.save(f, joint)
    assert main(["estimate", "--joint", str(f)]) == 2
    assert f"error: --joint {f} contains 2 NaN or infinite entries" in _one_error_line(capsys)
    t = tmp_path / "t.npz"
    np.savez(t, p_x1y=np.eye(2) / 2, p_x2y=np.full((3, 2), 1 / 6), p_x1x2=np.eye(2) / 2)
    assert main(["estimate", "--tables", str(t)]) == 2
    assert f"error: --tables {t}: p_x1x2 has shape (2, 2)" in _one_error_line(capsys)
    argv = ["figures", "--tiny", "--parts", "multibench", "--out", str(tmp_path / "d")]
    assert main(argv) == 2
    assert "error: --parts multibench needs --multibench PATH" in _one_error_line(capsys)
    d1, d2, dm, argv = _sources(tmp_path)
    assert main([*argv[:-3], "--confidence", "1.5"]) == 2
    err = _one_error_line(capsys)
    assert "argument --confidence: 1.5 is no level; give a number between 0 and 1" in err


def test_normalize_is_refused_with_samples(tmp_path, capsys):
    # --normalize was silently ignored with samples, while --confidence with --joint is refused
    d1, d2, dm, argv = _sources(tmp_path)
    assert main([*argv, "--normalize"]) == 2
    assert "--normalize applies to --tables and --joint only" in _one_error_line(capsys)


def test_a_semicolon_csv_is_named_as_such(tmp_path, capsys):
    f = tmp_path / "d1.csv"
    f.write_text("x1;y\n0;1\n1;0\n")  # a spreadsheet's export in a locale with decimal commas
    assert main(["estimate", "--d1", str(f), "--d2", str(f), "--dm", str(f), "--no-progress"]) == 2
    assert "its header is split by ';': the files must be comma-separated" in _one_error_line(
        capsys
    )


def test_a_joint_npz_without_a_joint_array_is_named(tmp_path, capsys):
    # its first array was taken silently ("must have 3 axes, got shape (2, 2)")
    f = tmp_path / "tables.npz"
    p = CANONICAL["and"][0]
    np.savez(f, p_x1y=p.sum(1), p_x2y=p.sum(0), p_x1x2=p.sum(2))
    assert main(["estimate", "--joint", str(f), "--no-progress"]) == 2
    msg = _one_error_line(capsys)
    assert "holds ['p_x1x2', 'p_x1y', 'p_x2y'] but no array named 'joint'" in msg
    np.savez(f, only=p)  # one array: it is the joint, whatever its name
    assert main(["estimate", "--joint", str(f), "--no-progress"]) == 0
