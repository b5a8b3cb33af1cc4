"""The README's code blocks are valid, lint-clean Python (placeholders for user data aside)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_python_blocks():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("k", range(len(BLOCKS)))
def test_readme_block_parses(k):
    ast.parse(BLOCKS[k])


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff not installed")
def test_readme_blocks_pass_ruff(tmp_path):
    for k, block in enumerate(BLOCKS):
        (tmp_path / f"block_{k}.py").write_text(block)
    # F821: the blocks name the user's own arrays (p_x1y, X1, ...) without defining them
    out = subprocess.run(
        [
            "ruff",
            "check",
            "--isolated",
            "--line-length",
            "100",
            "--select",
            "E,F,W,B",
            "--ignore",
            "F821,B018",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout
