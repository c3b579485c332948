"""Processing inputs into engine inputs, and engine results into feature sinks.

Vector inputs are read through QGIS (so "selected features only", memory and database layers
work) and handed to the engine as WKB. Site layers get the name the CLI would give the same
file, so conflict ids agree whichever front end produced them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsMapLayer,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingUtils,
    QgsProviderRegistry,
)
from qgis.PyQt.QtCore import QVariant

from ..qgis_utils import crs_text, feature_wkb, plain  # noqa: F401 (shared adapters)

_QTYPES = {"str": QVariant.String, "float": QVariant.Double, "int": QVariant.LongLong}


def qgis_crs(crs: Any) -> QgsCoordinateReferenceSystem:
    """A pyproj CRS as a QGIS CRS (by EPSG code when it has one)."""
    epsg = crs.to_epsg()
    if epsg:
        return QgsCoordinateReferenceSystem(f"EPSG:{epsg}")
    return QgsCoordinateReferenceSystem.fromWkt(crs.to_wkt())


def layer_label(layer: QgsMapLayer | None, fallback: str) -> tuple[str, str | None]:
    """(name, file path) for a layer: for OGR files the name the CLI's reader gives the same
    source (the layer name, or the file stem when they agree); else the layer's own name."""
    if layer is None:
        return fallback, None
    if layer.providerType() == "ogr":
        parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
        path = parts.get("path") or ""
        if os.path.isfile(path):
            lname = parts.get("layerName") or _first_ogr_layer(path)
            stem = Path(path).stem
            if not parts.get("layerName") and lname in (None, stem):
                return stem, path
            return str(lname or stem), path
    return layer.name() or fallback, None


def _first_ogr_layer(path: str) -> str | None:
    try:
        from osgeo import gdal
    except ImportError:  # pragma: no cover - GDAL comes with QGIS
        return None
    ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY)
    if ds is None or ds.GetLayerCount() == 0:
        return None
    name = ds.GetLayer(0).GetName()
    ds = None
    return str(name)


def source_layer(value: Any, context: Any) -> QgsMapLayer | None:
    """The map layer behind a feature-source parameter value (selection flag ignored)."""
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        value = value.source.staticValue()
    if isinstance(value, QgsMapLayer):
        return value
    if isinstance(value, str) and value:
        return QgsProcessingUtils.mapLayerFromString(value, context)
    return None


def read_features(
    features: Iterable[QgsFeature],
    field_names: list[str],
    *,
    name: str,
    crs: QgsCoordinateReferenceSystem,
    source: str,
    path: str | None,
    is_cancelled: Callable[[], bool],
) -> Any:
    """Features into engine ``VectorData`` (WKB, feature ids, attribute columns)."""
    from ..core.errors import CancelledError
    from ..core.vector import VectorData

    wkbs: list[bytes | None] = []
    fids: list[int] = []
    attrs: dict[str, list[Any]] = {n: [] for n in field_names}
    for n, feat in enumerate(features):
        if n % 1000 == 0 and is_cancelled():
            raise CancelledError()
        wkbs.append(feature_wkb(feat.geometry()))
        fids.append(int(feat.id()))
        values = feat.attributes()
        for i, fname in enumerate(field_names):
            attrs[fname].append(plain(values[i]) if i < len(values) else None)
    return VectorData.from_wkb(
        name, wkbs, crs_text(crs), fids=fids, attributes=attrs, source=source, path=path
    )


def read_source(source: Any, layer: QgsMapLayer | None, *, what: str, is_cancelled) -> Any:
    """A ``QgsProcessingFeatureSource`` (honours "selected features only") as ``VectorData``."""
    if source is None:
        raise QgsProcessingException(f"{what}: not a vector layer QGIS can read")
    if not source.sourceCrs().isValid():
        raise QgsProcessingException(f"{what}: layer has no CRS; set one in the layer properties")
    name, path = layer_label(layer, source.sourceName() or what)
    return read_features(
        source.getFeatures(QgsFeatureRequest()),
        [f.name() for f in source.fields()],
        name=name,
        crs=source.sourceCrs(),
        source=layer.publicSource() if layer is not None else name,
        path=path,
        is_cancelled=is_cancelled,
    )


def read_layer(layer: Any, *, selected_only: bool, what: str, is_cancelled) -> Any:
    """A vector layer (all features, or the selected ones) as ``VectorData``."""
    if layer is None or not layer.isValid() or layer.type() != QgsMapLayer.LayerType.VectorLayer:
        raise QgsProcessingException(f"{what}: not a valid vector layer")
    if not layer.crs().isValid():
        raise QgsProcessingException(
            f"{what} {layer.name()}: layer has no CRS; set one in the layer properties"
        )
    name, path = layer_label(layer, layer.name())
    feats = layer.getSelectedFeatures() if selected_only else layer.getFeatures()
    return read_features(
        feats,
        [f.name() for f in layer.fields()],
        name=name,
        crs=layer.crs(),
        source=layer.publicSource(),
        path=path,
        is_cancelled=is_cancelled,
    )


def raster_path(layer: Any, *, what: str) -> str:
    """The local file GDAL opens for a raster layer."""
    if layer is None or not layer.isValid():
        raise QgsProcessingException(f"{what}: not a valid raster layer")
    if layer.providerType() == "gdal":
        path = QgsProviderRegistry.instance().decodeUri("gdal", layer.source()).get("path") or ""
        if path and (os.path.isfile(path) or path.startswith("/vsi")):
            return str(path)
    raise QgsProcessingException(
        f"{what} {layer.name()}: only rasters stored in files GDAL reads are supported; "
        "save it as a GeoTIFF first (Export > Save As…)"
    )


def make_fields(spec: Iterable[tuple[str, str]]) -> QgsFields:
    fields = QgsFields()
    for name, kind in spec:
        fields.append(QgsField(name, _QTYPES[kind]))
    return fields


def _value(v: Any) -> Any:
    import numpy as np

    if v is None:
        return None
    if isinstance(v, (float, np.floating)):
        return None if not np.isfinite(v) else float(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    return str(v)


def write_rows(
    sink: Any,
    fields: QgsFields,
    rows: Iterator[tuple[Any, dict[str, Any]]],
    *,
    to_geometry: Callable[[Any], QgsGeometry | None],
    is_cancelled: Callable[[], bool],
    sink_name: str,
) -> int:
    """Add (shapely geometry, values) rows to a feature sink; returns the count."""
    from ..core.errors import CancelledError

    names = fields.names()
    n = 0
    for n, (geom, values) in enumerate(rows, start=1):
        if n % 1000 == 0 and is_cancelled():
            raise CancelledError()
        feat = QgsFeature(fields)
        feat.setAttributes([_value(values.get(k)) for k in names])
        g = to_geometry(geom)
        if g is not None:
            feat.setGeometry(g)
        if not sink.addFeature(feat, QgsFeatureSink.Flag.FastInsert):
            err = sink.lastError() if hasattr(sink, "lastError") else ""
            raise QgsProcessingException(f"{sink_name}: writing a feature failed {err}".strip())
    return n


def shapely_to_qgis(geom: Any, *, multi: bool) -> QgsGeometry | None:
    import shapely

    if geom is None or shapely.is_empty(geom):
        return None
    g = QgsGeometry()
    g.fromWkb(shapely.to_wkb(geom))
    if multi and not g.isMultipart():
        g.convertToMultiType()
    return g


def point_geometry(geom: Any) -> QgsGeometry | None:
    """A point on the geometry (its own location for points)."""
    import shapely

    if geom is None or shapely.is_empty(geom):
        return None
    if geom.geom_type == "Point":
        return shapely_to_qgis(geom, multi=False)
    return shapely_to_qgis(shapely.point_on_surface(geom), multi=False)
