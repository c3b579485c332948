"""Helpers shared by the QGIS front ends (dock task, Processing algorithms)."""

from __future__ import annotations

from .core.threads import run_in_python_thread

__all__ = ["run_in_python_thread"]
