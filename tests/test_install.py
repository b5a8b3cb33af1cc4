"""What the README's first command promises, checked on an installed wheel (not the source tree).

The slow test installs the package with ``pip install -c constraints.txt .`` into a fresh virtual
environment whose dependencies (and pip) are those of the running interpreter, linked in, so no
dependency is downloaded (with a recent setuptools nothing at all: ``--no-index``), removes the
copied sources, and runs the commands of the README from
an empty folder: ``mmbounds demo``, ``mmbounds estimate --joint x.npz --plot x.png`` and
``mmbounds figures --quick --out figs``, which must write every figure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from mmbounds.figures import PARTS
from mmbounds.figures._regenerate import _planned_files
from mmbounds.figures._writer import RESULTS_DIR

ROOT = Path(__file__).resolve().parents[1]
# what a wheel is built from: the package and the files pyproject.toml names
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "constraints.txt", "mmbounds")


def test_shipped_benchmark_results_equal_the_benchmarks_files():
    """The figures read package data; it must be what the benchmarks last wrote."""
    for name in ("performance.csv", "ssl.csv"):
        shipped = (RESULTS_DIR / name).read_bytes()
        measured = ROOT / "benchmarks" / "results" / name
        if measured.is_file():  # a source checkout: the copy must be current
            assert shipped == measured.read_bytes(), f"copy benchmarks/results/{name} again"
        assert shipped.count(b"\n") > 10


def test_matplotlib_is_a_core_dependency_and_pandas_an_extra():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {d.split(">")[0].split("=")[0].strip() for d in project["dependencies"]}
    assert "matplotlib" in names and "pandas" not in names and "torch" not in names
    assert any(d.startswith("pandas") for d in project["optional-dependencies"]["pandas"])
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "_results/*.csv" in data["package-data"]["mmbounds.figures"]


def test_to_frame_names_the_extra_without_pandas(monkeypatch):
    import numpy as np

    import mmbounds

    res = mmbounds.estimate(np.full((2, 2, 2), 0.125))
    frame = res.to_frame()
    assert list(frame["name"][:3]) == ["redundancy", "unique1", "unique2"]
    # independent variables: no R, U1, U2, no synergy; residues of the solvers export as 0.0
    assert frame["bits"][:3].tolist() == [0.0, 0.0, 0.0]
    lower = frame[frame["kind"] == "lower"]["bits"]
    assert len(lower) >= 3 and lower.min() == 0.0 and lower.max() == 0.0
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ImportError, match=r"mmbounds\[pandas\]"):
        res.to_frame()


def _link_dependencies(target: Path) -> None:
    """Every distribution of this interpreter except mmbounds, linked into ``target``."""
    target.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith(("mmbounds", "__editable__")) or (
            name.endswith(".pth") or name == "__pycache__"
        ):
            continue
        (target / entry.name).symlink_to(entry)


def _build_flags() -> list[str]:
    """Offline (``--no-index``, building with this interpreter's setuptools) when it is recent
    enough for pyproject.toml; else pip builds in isolation and fetches only the build backend."""
    from importlib.metadata import version

    major = int(version("setuptools").split(".")[0])
    return ["--no-index", "--no-build-isolation"] if major >= 77 else []


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{cmd} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}"
    return out.stdout + out.stderr


@pytest.mark.slow
def test_installed_wheel_runs_the_readme_commands_and_draws_every_figure(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        p = ROOT / name
        if p.is_dir():
            shutil.copytree(p, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(p, src / name)
    venv = tmp_path / "venv"
    # no pip or setuptools of its own: the linked ones (this interpreter's) are used
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300
    )
    py = venv / "bin" / "python"
    child_site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    _link_dependencies(tmp_path / "deps")
    Path(child_site, "_mmbounds_test_deps.pth").write_text(str(tmp_path / "deps") + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update({"PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", "MPLBACKEND": "Agg"})
    # the README's first command; every dependency is already satisfied, so nothing is fetched
    _run(
        [str(py), "-m", "pip", "install", *_build_flags(), "-c", "constraints.txt", "."],
        src,
        env,
        900,
    )
    shutil.rmtree(src)  # nothing may be read from the source tree
    work = tmp_path / "work"
    work.mkdir()
    where = _run([str(py), "-c", "import mmbounds; print(mmbounds.__file__)"], work, env, 120)
    assert where.strip().startswith(child_site), where
    assert "R" in _run(["mmbounds", "demo", "--quick"], work, env, 300)
    _run(["mmbounds", "datasets", "export", "xor", "--out", "x.npz"], work, env, 120)
    _run(["mmbounds", "estimate", "--joint", "x.npz", "--plot", "x.png"], work, env, 300)
    assert (work / "x.png").stat().st_size > 10_000
    _run(["mmbounds", "figures", "--quick", "--out", "figs", "--no-progress"], work, env, 1800)
    expected = set(_planned_files([p for p in PARTS if p != "multibench"]))
    written = {p.name for p in (work / "figs").iterdir()}
    assert written == expected, (sorted(expected - written), sorted(written - expected))
    notes = json.loads((work / "figs" / "manifest.json").read_text())["notes"]
    assert not [n for n in notes if "skipped" in n or "not found" in n], notes
