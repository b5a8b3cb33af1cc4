"""Sphinx configuration of the mmbounds documentation (builds offline, warnings are errors in CI).

sphinx-build -W --keep-going -b html docs docs/_build/html
sphinx-build -W --keep-going -b doctest docs docs/_build/doctest   # runs the theory examples
"""

from __future__ import annotations

import doctest
import os
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
