"""The installed version of mmbounds (a leaf module, so every layer may record it)."""

from __future__ import annotations

__all__ = ["__version__"]


def _get_version() -> str:
    try:
        from importlib.metadata import version

        return version("mmbounds")
    except Exception:  # pragma: no cover - running from a source tree without metadata
        return "0+unknown"


__version__ = _get_version()
