"""The documentation covers the public API and its pages hang together (no Sphinx run here).

CI builds the site with warnings as errors (``.ci/run``); these checks read the sources so that a
new public name without a reference entry fails the default suite too.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import mmbounds

DOCS = Path(__file__).resolve().parents[1] / "docs"
_MODULE = re.compile(r"^\.\. (?:currentmodule|module):: (\S+)\s*$")
_DATA = re.compile(r"^\.\. (?:py:)?data:: (\S+)\s*$")
_AUTOSUMMARY = re.compile(r"^\.\. autosummary::\s*$")


def documented_names(rst: str) -> dict[str, set[str]]:
    """``{module: names}`` of the autosummary entries and ``data`` directives of one page."""
    out: dict[str, set[str]] = {}
    module = ""
    in_summary = False
    for line in rst.splitlines():
        if m := _MODULE.match(line):
            module, in_summary = m.group(1), False
        elif m := _DATA.match(line):
            out.setdefault(module, set()).add(m.group(1))
            in_summary = False
        elif _AUTOSUMMARY.match(line):
            in_summary = True
        elif in_summary:
            entry = line.strip()
            if line and not line.startswith(" "):
                in_summary = False
            elif entry and not entry.startswith(":"):
                out.setdefault(module, set()).add(entry)
    return out


def test_api_reference_lists_every_public_name_and_nothing_else():
    names = documented_names((DOCS / "api.rst").read_text())
    listed = names.get("mmbounds", set())
    public = set(mmbounds.__all__)
    assert sorted(public - listed) == [], "public names missing from docs/api.rst"
    assert sorted(listed - public) == [], "docs/api.rst lists names not in mmbounds.__all__"


def test_every_reference_entry_exists():
    for module, entries in documented_names((DOCS / "api.rst").read_text()).items():
        mod = importlib.import_module(module)
        for name in entries:
            assert hasattr(mod, name), f"{module}.{name}"


def test_reader_finds_entries_and_stops_at_prose():
    rst = (
        ".. currentmodule:: pkg\n\n.. autosummary::\n   :toctree: generated\n\n   f\n   g\n\n"
        "Prose mentioning h.\n\n.. data:: K\n\n   Text.\n\n.. currentmodule:: pkg.sub\n\n"
        ".. autosummary::\n\n   k\n"
    )
    assert documented_names(rst) == {"pkg": {"f", "g", "K"}, "pkg.sub": {"k"}}


def test_pages_are_in_the_table_of_contents_and_theory_has_examples():
    index = (DOCS / "index.rst").read_text()
    pages = {p.stem for p in DOCS.glob("*.rst")} - {"index", "sg_execution_times"}  # built
    for page in pages:
        assert f"   {page}\n" in index, page
    theory = (DOCS / "theory.rst").read_text()
    assert theory.count(">>> ") >= 10 and ".. doctest::" in theory  # run in CI (-b doctest)
    examples = sorted((DOCS / "examples").glob("plot_*.py"))
    assert len(examples) >= 3
