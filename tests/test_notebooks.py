"""Every notebook in notebooks/ runs top to bottom (code cells executed in-process) and is stored
without outputs."""

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_has_no_outputs(path, monkeypatch):
    nb = json.loads(path.read_text())
    namespace: dict = {"__name__": "__notebook__"}
    monkeypatch.setenv("MPLBACKEND", "Agg")
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        assert cell.get("outputs", []) == [], f"{path.name}: stored with outputs"
        exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ has no notebooks"
