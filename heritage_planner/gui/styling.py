"""Output layers in the project: loaded from the results GeoPackage (never memory layers),
in a group named after the run, styled by severity and hazard class."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFeature,
    QgsFeatureRequest,
    QgsGradientColorRamp,
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProject,
    QgsRasterLayer,
    QgsRendererCategory,
    QgsSingleBandPseudoColorRenderer,
    QgsStyle,
    QgsSymbol,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtGui import QColor

from ..core.definitions import (
    LAYER_CONFLICTS,
    LAYER_EXPOSURE,
    LAYER_SITE_HAZARD,
    SEVERITY_COLORS,
    Severity,
)
from .i18n import tr
from .results import severity_label

GEOMETRY_TYPES = ("Point", "LineString", "Polygon")
#: Hazard class colours, from the mildest class to the worst (interpolated for other counts).
CLASS_RAMP = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
RESULTS_PROPERTY = "heritage_planner/results"
#: Set on every output layer so the dock does not offer it as an input.
OUTPUT_PROPERTY = "heritage_planner/output"


def geometry_label(gtype: str) -> str:
    return {"Point": tr("points"), "LineString": tr("lines"), "Polygon": tr("areas")}[gtype]


def _symbol(geometry_type: Any, color: str, *, opacity: float = 1.0) -> QgsSymbol:
    sym = QgsSymbol.defaultSymbol(geometry_type)
    sym.setColor(QColor(color))
    sym.setOpacity(opacity)
    if geometry_type == QgsWkbTypes.GeometryType.PointGeometry:
        sym.setSize(3.2)
    elif geometry_type == QgsWkbTypes.GeometryType.LineGeometry:
        sym.setWidth(0.9)
    return sym


def class_color(index: int, count: int) -> str:
    if count <= 1:
        return CLASS_RAMP[-1]
    pos = index / (count - 1) * (len(CLASS_RAMP) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(CLASS_RAMP) - 1)
    t = pos - lo
    a, b = QColor(CLASS_RAMP[lo]), QColor(CLASS_RAMP[hi])
    c = QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )
    return c.name()


def style_by_severity(layer: QgsVectorLayer) -> None:
    """Categorised on ``severity`` with the shared severity colours, worst drawn on top."""
    gt = layer.geometryType()
    cats = []
    for sev in Severity:
        opacity = 0.75 if gt == QgsWkbTypes.GeometryType.PolygonGeometry else 1.0
        cats.append(
            QgsRendererCategory(
                sev.value,
                _symbol(gt, SEVERITY_COLORS[sev], opacity=opacity),
                severity_label(sev.value),
            )
        )
    renderer = QgsCategorizedSymbolRenderer("severity", cats)
    renderer.setUsingSymbolLevels(False)
    layer.setRenderer(renderer)


def style_by_class(layer: QgsVectorLayer, field_name: str, classes: list[str]) -> None:
    """Categorised on a hazard class column, yellow (mild) to dark red (worst)."""
    gt = layer.geometryType()
    cats = []
    for i, name in enumerate(classes):
        sym = _symbol(gt, class_color(i, len(classes)), opacity=0.8)
        cats.append(QgsRendererCategory(name, sym, name.replace("_", " ")))
    layer.setRenderer(QgsCategorizedSymbolRenderer(field_name, cats))


def style_raster_ramp(layer: QgsRasterLayer, ramp_name: str = "YlOrRd") -> None:
    """Pseudocolour on band 1 between its min and max with a named QGIS ramp."""
    provider = layer.dataProvider()
    stats = provider.bandStatistics(1)
    ramp = QgsStyle.defaultStyle().colorRamp(ramp_name) or QgsGradientColorRamp(
        QColor("#ffffb2"), QColor("#bd0026")
    )
    renderer = QgsSingleBandPseudoColorRenderer(provider, 1)
    renderer.setClassificationMin(stats.minimumValue)
    renderer.setClassificationMax(stats.maximumValue)
    renderer.createShader(ramp)
    layer.setRenderer(renderer)
    layer.setOpacity(0.7)


def _distinct(path: Path, layer: str, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Distinct values of ``columns`` in first-seen order."""
    from osgeo import gdal

    gdal.UseExceptions()
    ds = gdal.OpenEx(str(path), gdal.OF_VECTOR | gdal.OF_READONLY)
    try:
        lyr = ds.GetLayerByName(layer)
        if lyr is None:
            return []
        seen: dict[tuple[Any, ...], None] = {}
        for f in lyr:
            seen.setdefault(tuple(f.GetField(c) for c in columns), None)
        return list(seen)
    finally:
        ds = None


def _has_features(uri: str) -> bool:
    """Whether the OGR layer ``uri`` has a feature (checked on a throw-away layer)."""
    probe = QgsVectorLayer(uri, "probe", "ogr")
    if not probe.isValid():
        return False
    it = probe.getFeatures(QgsFeatureRequest().setLimit(1))
    found = it.nextFeature(QgsFeature())
    it.close()
    del it, probe
    return found


def _quote(v: Any) -> str:
    return "'" + str(v).replace("'", "''") + "'"


def _hazard_classes(run_info: dict[str, Any]) -> dict[str, list[str]]:
    text = run_info.get("rules_text")
    if not text:
        return {}
    try:
        from ..core.rules import parse_rules

        rules = parse_rules(text, source="results")
    except Exception:  # styling must not fail on rules the engine accepted earlier
        return {}
    return {hid: list(h.class_names) for hid, h in rules.hazards.items()}


def results_layers(project: QgsProject, path: str | Path) -> list[QgsMapLayer]:
    """Project layers read from the results GeoPackage ``path``."""
    target = str(Path(path).resolve())
    out = []
    for lyr in project.mapLayers().values():
        src = lyr.source().split("|")[0]
        if src and Path(src).exists() and str(Path(src).resolve()) == target:
            out.append(lyr)
    return out


def remove_results_layers(project: QgsProject, path: str | Path) -> None:
    """Drop the layers of ``path`` (and groups left empty) so the file can be replaced."""
    layers = results_layers(project, path)
    if layers:
        project.removeMapLayers([lyr.id() for lyr in layers])
    root = project.layerTreeRoot()
    for group in list(root.findGroups()):
        if group.customProperty(RESULTS_PROPERTY) and not group.findLayers():
            root.removeChildNode(group)


def _add(
    group: QgsLayerTreeGroup, project: QgsProject, layer: QgsVectorLayer, visible: bool
) -> None:
    layer.setCustomProperty(OUTPUT_PROPERTY, True)
    project.addMapLayer(layer, False)
    node = group.addLayer(layer)
    node.setItemVisibilityChecked(visible)
    node.setExpanded(False)


def add_results_layers(
    project: QgsProject,
    path: str | Path,
    run_name: str,
    run_info: dict[str, Any] | None = None,
) -> QgsLayerTreeGroup:
    """Conflicts (by geometry type), exposure and site hazard (one layer per hazard) in a
    group named after the run, on top of the layer tree."""
    p = Path(path)
    classes = _hazard_classes(run_info or {})
    root = project.layerTreeRoot()
    group = root.insertGroup(0, tr("Heritage Planner: {name}").format(name=run_name))
    group.setCustomProperty(RESULTS_PROPERTY, str(p))

    for gtype in GEOMETRY_TYPES:
        label = geometry_label(gtype)
        uri = f"{p}|layername={LAYER_CONFLICTS}|geometrytype={gtype}"
        if not _has_features(uri):
            continue
        lyr = QgsVectorLayer(uri, tr("Conflicts ({kind})").format(kind=label), "ogr")
        if lyr.isValid():
            style_by_severity(lyr)
            _add(group, project, lyr, True)

    exposure = group.addGroup(tr("Exposure by worst class"))
    exposure.setExpanded(False)
    for hazard, scenario in _distinct(p, LAYER_EXPOSURE, ("hazard", "scenario")):
        tag = f"{hazard}@{scenario}" if scenario else str(hazard)
        # the filter goes in the URI: setSubsetString() on one layer of a GeoPackage breaks
        # the layers QGIS 3.22 opens after it on the same (shared) dataset
        subset = f'"hazard" = {_quote(hazard)} AND "scenario" = {_quote(scenario or "")}'
        lyr = QgsVectorLayer(
            f"{p}|layername={LAYER_EXPOSURE}|subset={subset}",
            tr("Exposure: {tag}").format(tag=tag),
            "ogr",
        )
        if lyr.isValid():
            style_by_class(lyr, "worst_class", classes.get(str(hazard), []))
            _add(exposure, project, lyr, False)

    site = group.addGroup(tr("Site hazard by class"))
    site.setExpanded(False)
    for hazard, scenario in _distinct(p, LAYER_SITE_HAZARD, ("hazard", "scenario")):
        tag = f"{hazard}@{scenario}" if scenario else str(hazard)
        subset = f'"hazard" = {_quote(hazard)} AND "scenario" = {_quote(scenario or "")}'
        for gtype in GEOMETRY_TYPES:
            label = geometry_label(gtype)
            uri = f"{p}|layername={LAYER_SITE_HAZARD}|geometrytype={gtype}|subset={subset}"
            if not _has_features(uri):
                continue
            lyr = QgsVectorLayer(
                uri, tr("Site hazard: {tag} ({kind})").format(tag=tag, kind=label), "ogr"
            )
            if lyr.isValid():
                style_by_class(lyr, "class", classes.get(str(hazard), []))
                _add(site, project, lyr, False)
    for sub in (exposure, site):
        if not sub.children():
            group.removeChildNode(sub)
    return group
