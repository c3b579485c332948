"""Helpers shared by the QGIS front ends (dock, Processing): the adapters that turn QGIS values,
geometries and CRSs into what the engine takes, and the engine-thread hop."""

from __future__ import annotations

from typing import Any

from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry, QgsWkbTypes
from qgis.PyQt.QtCore import QDate, QDateTime, QTime, QVariant

from .core.threads import run_in_python_thread

__all__ = ["crs_text", "feature_wkb", "plain", "run_in_python_thread"]


def crs_text(crs: QgsCoordinateReferenceSystem) -> str:
    """What pyproj understands: the auth id when there is one, else WKT2."""
    auth = crs.authid()
    if auth and ":" in auth and not auth.upper().startswith("USER:"):
        return auth
    return crs.toWkt(QgsCoordinateReferenceSystem.WktVariant.WKT_PREFERRED)


def plain(value: Any) -> Any:
    """A QGIS attribute value as a plain Python value (NULL -> None)."""
    if value is None:
        return None
    if isinstance(value, QVariant):
        return None if value.isNull() else value.value()
    if isinstance(value, QDateTime):
        return value.toString("yyyy-MM-ddTHH:mm:ss")
    if isinstance(value, QDate):
        return value.toString("yyyy-MM-dd")
    if isinstance(value, QTime):
        return value.toString("HH:mm:ss")
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def feature_wkb(geom: QgsGeometry) -> bytes | None:
    """2D, linear WKB of a QGIS geometry (None for null/empty)."""
    if geom is None or geom.isNull() or geom.isEmpty():
        return None
    g = QgsGeometry(geom)
    if QgsWkbTypes.isCurvedType(g.wkbType()):
        g.convertToStraightSegment()
    if QgsWkbTypes.hasM(g.wkbType()):
        g.get().dropMValue()
    if QgsWkbTypes.hasZ(g.wkbType()):
        g.get().dropZValue()
    return bytes(g.asWkb())
