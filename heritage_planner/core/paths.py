"""The one place that finds bundled resources (rules, layouts, icons, translations)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """``resources/`` inside the installed plugin, else at the top of the source tree."""
    for candidate in (_PACKAGE / "resources", _PACKAGE.parent / "resources"):
        if (candidate / "rules").is_dir():
            return candidate
    raise FileNotFoundError(f"Heritage Planner resources not found next to {_PACKAGE}")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
