"""Sphinx configuration of the mmbounds documentation (builds offline, warnings are errors in CI).

sphinx-build -W --keep-going -b html docs docs/_build/html
sphinx-build -W --keep-going -b doctest docs docs/_build/doctest   # runs the theory examples
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # document this checkout, not another installed copy
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import mmbounds  # noqa: E402

project = "mmbounds"
author = "mmbounds developers"
copyright = "mmbounds developers (MIT licence)"
release = mmbounds.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "examples", "generated/*.examples"]
templates_path = ["_templates"]
root_doc = "index"
source_suffix = {".rst": "restructuredtext"}

# API reference: one page per public name, generated from the docstrings
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc's Parameters sections already give the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# gallery: the example scripts are executed at build time and their output shown
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "gallery",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "show_memory": False,
    "min_reported_time": 10_000,  # no timing tables: a page must not depend on the machine
    "backreferences_dir": None,
    "reset_modules": ("matplotlib",),
    "abort_on_example_error": True,
}

# doctests of the theory page: start from a clean namespace with the package imported
doctest_global_setup = """
import numpy as np
import mmbounds
"""
doctest_test_doctest_blocks = ""  # only ``.. doctest::`` blocks: pytest runs the docstrings
doctest_default_flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

html_theme = "furo"
html_title = f"mmbounds {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
html_copy_source = False


# glossary: the package's one glossary (labels, statuses, pretraining variants) and the registry's
# bound names, written as a reST glossary that docs/glossary.rst includes
_CODE = re.compile(r"(``.+?``|`[^`]+`)")


def _rst(text: str) -> str:
    """Plain prose as reST: code spans kept as literals, markup characters escaped elsewhere."""
    out = []
    for k, part in enumerate(_CODE.split(text)):
        if k % 2:
            out.append("``" + part.strip("`") + "``")
        else:
            out.append(re.sub(r"([\\*|_<>`])", r"\\\1", part))
    return "".join(out)


_SEEN: set[str] = set()  # terms are global to the site and compared without case


def _entry(term: str, text: str, kind: str = "") -> list[str]:
    if term.lower() in _SEEN:
        term = f"{term} ({kind})"
    _SEEN.add(term.lower())
    return [f"   {term}", f"      {_rst(text)}", ""]


def _glossary_terms() -> str:
    from mmbounds.bounds import BOUNDS

    try:
        glossary = importlib.import_module("mmbounds.results._glossary")
    except ImportError:
        glossary = None
    lines: list[str] = []
    _SEEN.clear()
    if glossary is None:
        lines += (ROOT / "docs" / "_glossary_fallback.txt").read_text().splitlines() + [""]
    else:
        lines += ["Labels", "------", "", ".. glossary::", ""]
        merged: dict[str, list[str]] = {}  # one entry per label (Sphinx terms ignore case)
        for t in glossary.TERMS.values():
            merged.setdefault(t.label.lower(), [t.label]).append(f"{t.meaning} ({t.where})")
        for label, *meanings in merged.values():
            lines += _entry(label, "; ".join(meanings))
        lines += ["Statuses", "--------", "", ".. glossary::", ""]
        valid = {True: "the numbers remain valid", False: "the numbers are not valid"}
        for name, s in glossary.STATUSES.items():
            lines += _entry(name, f"{s.meaning}; {valid.get(s.valid, 'see the result')}", "status")
        lines += ["Pretraining variants", "--------------------", "", ".. glossary::", ""]
        for name, meaning in glossary.SSL_VARIANTS.items():
            lines += _entry(name, meaning, "pretraining variant")
    lines += ["Bounds", "------", "", ".. glossary::", ""]
    for name, spec in BOUNDS.items():
        kind = "guaranteed" if spec.guaranteed else "not guaranteed (an estimate)"
        lines += _entry(name, f"{spec.label}: {spec.note}; {spec.side} bound, {kind}", "bound")
    return "\n".join(lines) + "\n"


def _write_glossary(app: object) -> None:
    out = ROOT / "docs" / "generated" / "glossary_terms.inc"
    out.parent.mkdir(exist_ok=True)
    text = _glossary_terms()
    if not out.exists() or out.read_text() != text:
        out.write_text(text)


def setup(app: object) -> None:
    app.connect("builder-inited", _write_glossary)  # type: ignore[attr-defined]
