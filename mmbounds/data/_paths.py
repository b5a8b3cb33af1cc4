"""The file-path check shared by the file loaders of :mod:`mmbounds.data`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _check_path(path: Any, *, name: str = "path", is_dir: bool = False) -> Path:
    """Turn ``path`` into a Path that exists (FileNotFoundError naming it otherwise)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFoundError(f"{name} does not exist: {str(p)!r}")
    if is_dir and not p.is_dir():
        raise NotADirectoryError(f"{name} must be a directory: {str(p)!r}")
    if not is_dir and p.is_dir():
        raise IsADirectoryError(f"{name} must be a file, got a directory: {str(p)!r}")
    return p
