"""Heritage Planner: climate hazards and smart-city infrastructure against protected heritage.

QGIS loads the plugin through :func:`classFactory`; nothing heavy runs at import time.
"""

from __future__ import annotations

__version__ = "0.1.0"


def classFactory(iface):  # noqa: N802 - QGIS's name
    from .plugin import HeritagePlannerPlugin

    return HeritagePlannerPlugin(iface)
