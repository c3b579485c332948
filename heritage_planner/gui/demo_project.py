"""The demo QGIS project: the George Town sample layers, styled, with the dock pre-filled.

    python -m heritage_planner.gui.demo_project build/demo

writes ``build/demo/george_town.qgz`` next to the sample files (``make demo``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsProject,
    QgsRasterLayer,
    QgsRendererCategory,
    QgsSymbol,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtGui import QColor

from .settings import HazardChoice, ProjectSettings
from .styling import add_results_layers, style_raster_ramp

PROJECT_NAME = "george_town.qgz"
SITES_LAYERS = ("sites_points", "sites_lines", "sites_polygons")
#: heritage category -> fill colour (Category I strongest)
CATEGORY_COLORS = {"I": "#8c2d04", "II": "#d94801", "III": "#fd8d3c", "IV": "#fdbe85"}
#: site kind -> colour
KIND_COLORS = {
    "5g_small_cell": "#6a3d9a",
    "smart_pole": "#1f78b4",
    "iot_sensor": "#33a02c",
    "ev_charger": "#b2df8a",
    "cctv": "#e31a1c",
    "street_cabinet": "#ff7f00",
    "fibre_conduit": "#a6cee3",
}
#: raster file -> (layer name, hazard id, scenario, colour ramp)
RASTERS = (
    ("flood_100y.tif", "Flood depth, 100-year (m)", "flood", "", "Blues"),
    ("lst.tif", "Land surface temperature (°C)", "heat", "", "YlOrRd"),
    ("slr_2050.tif", "Sea-level rise 2050 SSP5-8.5 (m)", "slr", "2050-ssp585", "PuBu"),
)


def _categorized(layer: QgsVectorLayer, field: str, colors: dict[str, str], fallback: str) -> None:
    gt = layer.geometryType()
    idx = layer.fields().indexOf(field)
    values = sorted(str(v) for v in layer.uniqueValues(idx)) if idx >= 0 else []
    cats = []
    for value in values:
        sym = QgsSymbol.defaultSymbol(gt)
        sym.setColor(QColor(colors.get(value, fallback)))
        if gt == QgsWkbTypes.GeometryType.PointGeometry:
            sym.setSize(2.6)
        elif gt == QgsWkbTypes.GeometryType.LineGeometry:
            sym.setWidth(0.8)
        else:
            sym.setOpacity(0.85)
        cats.append(QgsRendererCategory(value, sym, value.replace("_", " ")))
    layer.setRenderer(QgsCategorizedSymbolRenderer(field, cats))


def _vector(path: Path, layer_name: str, title: str) -> QgsVectorLayer:
    layer = QgsVectorLayer(f"{path}|layername={layer_name}", title, "ogr")
    if not layer.isValid():
        raise FileNotFoundError(f"{path}|layername={layer_name}: not a layer QGIS can open")
    return layer


def write_demo_project(demo_folder: str | Path) -> Path:
    """Write ``<demo_folder>/george_town.qgz`` from the sample files in ``demo_folder``."""
    folder = Path(demo_folder).resolve()
    for name in ("heritage.gpkg", "sites.gpkg"):
        if not (folder / name).is_file():
            raise FileNotFoundError(
                f"{folder / name} not found; generate the sample first "
                "(python -m heritage_planner demo --out " + str(demo_folder) + ")"
            )
    project = QgsProject()
    try:
        return _write(project, folder)
    finally:
        project.clear()


def _write(project: QgsProject, folder: Path) -> Path:
    project.setTitle("George Town heritage check (Heritage Planner demo)")
    root = project.layerTreeRoot()

    heritage = _vector(folder / "heritage.gpkg", "heritage", "Heritage buildings")
    _categorized(heritage, "category", CATEGORY_COLORS, "#bdbdbd")
    sites = []
    for name in SITES_LAYERS:
        lyr = _vector(folder / "sites.gpkg", name, name.replace("_", " ").capitalize())
        _categorized(lyr, "kind", KIND_COLORS, "#636363")
        sites.append(lyr)
    zones = None
    if (folder / "zones.gpkg").is_file():
        zones = _vector(folder / "zones.gpkg", "zones", "Heritage zones")
        outline = QgsFillSymbol.createSimple(
            {
                "color": "0,0,0,0",
                "outline_color": "#4d004b",
                "outline_width": "0.8",
                "outline_style": "dash",
            }
        )
        cats = [
            QgsRendererCategory("core", outline, "core zone"),
            QgsRendererCategory("buffer", outline.clone(), "buffer zone"),
        ]
        cats[1].symbol().symbolLayer(0).setStrokeColor(QColor("#88419d"))
        cats[1].symbol().symbolLayer(0).setStrokeWidth(0.4)
        zones.setRenderer(QgsCategorizedSymbolRenderer("zone", cats))
    rasters = []
    hazards: list[HazardChoice] = []
    for file, title, hazard, scenario, ramp in RASTERS:
        path = folder / file
        if not path.is_file():
            continue
        lyr = QgsRasterLayer(str(path), title, "gdal")
        if not lyr.isValid():
            continue
        style_raster_ramp(lyr, ramp)
        rasters.append(lyr)
        hazards.append(HazardChoice(lyr.id(), hazard, scenario, True))

    inputs = root.addGroup("George Town sample")
    for lyr in [*sites, heritage]:
        project.addMapLayer(lyr, False)
        inputs.addLayer(lyr)
    if zones is not None:
        project.addMapLayer(zones, False)
        inputs.addLayer(zones)
    hazard_group = root.addGroup("Climate hazards")
    for i, lyr in enumerate(rasters):
        project.addMapLayer(lyr, False)
        node = hazard_group.addLayer(lyr)
        node.setItemVisibilityChecked(i == 0)

    results = folder / "results.gpkg"
    settings = ProjectSettings(
        heritage_layer=heritage.id(),
        site_layers=[s.id() for s in sites],
        hazards=hazards,
        output_folder=str(folder),
        run_name="results",
        last_results=str(results) if results.is_file() else "",
        site_layer_ids={s.name(): s.id() for s in sites},
    )
    if results.is_file():
        from ..core.output import read_run_info

        info: dict[str, Any] = {}
        try:
            info = read_run_info(results)
        except Exception:  # an old or partial results file: layers still load
            info = {}
        add_results_layers(project, results, "results", info)
    settings.save(project)

    project.setCrs(heritage.crs())
    extent = heritage.extent()
    extent.grow(max(extent.width(), extent.height()) * 0.05)
    from qgis.core import QgsReferencedRectangle

    project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(extent, heritage.crs()))
    out = folder / PROJECT_NAME
    tmp = folder / f".{PROJECT_NAME}.part-{os.getpid()}.qgz"
    if not project.write(str(tmp)):
        tmp.unlink(missing_ok=True)
        raise OSError(f"{out}: QGIS could not write the project ({project.error()})")
    os.replace(tmp, out)
    return out


def main(argv: list[str] | None = None) -> int:
    from qgis.core import QgsApplication

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("build/demo")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QgsApplication([], False)
    app.initQgis()
    code = 0
    try:
        out = write_demo_project(folder)
        print(f"demo project: {out}")
    except (OSError, FileNotFoundError) as exc:
        print(f"demo project: error: {exc}", file=sys.stderr)
        code = 2
    finally:
        QgsProject.instance().clear()
        app.exitQgis()
    return code


if __name__ == "__main__":
    sys.exit(main())
