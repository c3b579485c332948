"""GUI fixtures: the pytest-qgis iface stub completed with what a plugin calls, and small
real inputs (memory layers, GeoTIFFs written with rasterio) with hand-checked conflicts."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CRS = "EPSG:32647"  # UTM 47N, George Town

#: heritage polygons: (hid, name, zone, category, wkt)
HERITAGE = [
    ("H1", "Khoo Kongsi", "core", "I", "POLYGON((0 0, 20 0, 20 20, 0 20, 0 0))"),
    ("H2", "Shophouse 2", "buffer", "II", "POLYGON((100 0, 120 0, 120 20, 100 20, 100 0))"),
]
#: sites (points): (sid, kind, wkt)
SITES = [
    ("S1", "5g_small_cell", "POINT(10 10)"),  # inside H1 (core): cell-in-core, high
    ("S2", "street_cabinet", "POINT(23 10)"),  # 3 m from H1 (cat I): cabinet-near-grade-i
    ("S3", "iot_sensor", "POINT(120.5 10)"),  # 0.5 m from H2 (buffer): sensor-setback
    ("S4", "5g_small_cell", "POINT(300 300)"),  # far from everything, off the raster
]
#: what the default rules must find with the flood raster below (rule, heritage, site, distance)
EXPECTED = {
    ("cabinet-near-grade-i", "H1", "S2", 3.0),
    ("cell-in-core", "H1", "S1", 0.0),
    ("sensor-setback", "H2", "S3", 0.5),
    ("heritage-flood", "H2", None, None),  # H2 fully in flood class "high" (0.8 m)
    ("site-flooded", None, "S3", None),  # S3 at x=120.5 is in a 0.8 m cell
}


def write_flood(path: Path, *, width: int = 20, height: int = 10, res: float = 10.0) -> Path:
    """0.1 m everywhere, 0.8 m for 100 <= x < 130; top-left corner at (0, 50)."""
    import rasterio
    from rasterio.transform import from_origin

    arr = np.full((height, width), 0.1, dtype="float32")
    x = np.arange(width) * res
    arr[:, (x >= 100) & (x < 130)] = 0.8
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "float32",
        "crs": CRS,
        "transform": from_origin(0.0, 50.0, res, res),
        "nodata": -9999.0,
    }
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(arr, 1)
    return path


def memory_layer(kind: str, name: str, fields: list[tuple[str, str]], rows: list[tuple]):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    spec = "&".join(f"field={n}:{t}" for n, t in fields)
    layer = QgsVectorLayer(f"{kind}?crs={CRS}&{spec}", name, "memory")
    feats = []
    for row in rows:
        f = QgsFeature(layer.fields())
        f.setAttributes(list(row[:-1]))
        f.setGeometry(QgsGeometry.fromWkt(row[-1]))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    layer.updateExtents()
    return layer


@pytest.fixture()
def heritage_layer():
    return memory_layer(
        "Polygon",
        "heritage",
        [("hid", "string"), ("name", "string"), ("zone", "string"), ("category", "string")],
        HERITAGE,
    )


@pytest.fixture()
def sites_layer():
    return memory_layer("Point", "sites", [("sid", "string"), ("kind", "string")], SITES)


@pytest.fixture()
def flood_tif(tmp_path: Path) -> Path:
    return write_flood(tmp_path / "flood_100y.tif")


@pytest.fixture(scope="session")
def full_iface(qgis_iface):
    """The stub iface with menus, toolbar icons and docks really added to its main window,
    so tests can check that unload removes them."""
    from qgis.PyQt.QtWidgets import QMenu, QToolBar

    iface = qgis_iface
    window = iface.mainWindow()
    plugins_toolbar = QToolBar("Plugins", window)
    plugins_toolbar.setObjectName("mPluginToolBar")
    window.addToolBar(plugins_toolbar)
    menus: dict[str, QMenu] = {}

    def add_plugin_to_menu(name, action):
        if name not in menus:
            menus[name] = window.menuBar().addMenu(name)
        menus[name].addAction(action)

    def remove_plugin_menu(name, action):
        menu = menus.get(name)
        if menu is None:
            return
        menu.removeAction(action)
        if not menu.actions():
            window.menuBar().removeAction(menu.menuAction())
            menu.deleteLater()
            del menus[name]

    iface.addPluginToMenu = add_plugin_to_menu
    iface.removePluginMenu = remove_plugin_menu
    iface.addToolBarIcon = plugins_toolbar.addAction
    iface.removeToolBarIcon = plugins_toolbar.removeAction
    iface.addDockWidget = lambda area, dock: window.addDockWidget(area, dock)
    iface.removeDockWidget = lambda dock: window.removeDockWidget(dock)
    if not hasattr(iface, "pluginHelpMenu"):
        iface.pluginHelpMenu = lambda: window.menuBar().addMenu("Help")
    iface.test_menus = menus
    iface.test_toolbar = plugins_toolbar
    return iface


def settle_canvas(canvas) -> None:
    """Let a canvas render finish before layers go away (QGIS 3.22's OGR connection pool
    can corrupt the heap when a project is cleared under a running render job)."""
    from qgis.PyQt.QtCore import QCoreApplication

    canvas.stopRendering()
    canvas.waitWhileRendering()
    canvas.setLayers([])
    QCoreApplication.processEvents()


@pytest.fixture()
def project(qgis_new_project, qgis_canvas):
    from qgis.core import QgsProject

    prj = QgsProject.instance()
    yield prj
    settle_canvas(qgis_canvas)
    prj.clear()
    flush_deletes()


@pytest.fixture()
def dock(full_iface, project, qtbot):
    """A dock on the stub iface; cleaned up (signals, tasks) afterwards."""
    from heritage_planner.gui.dock import HeritagePlannerDock

    d = HeritagePlannerDock(full_iface)
    qtbot.addWidget(d)
    d.resize(560, 820)
    yield d
    if d.task is not None:
        d.task.cancel()
        qtbot.waitUntil(lambda: d.task is None, timeout=20000)
    d.cleanup()


def flush_deletes() -> None:
    from qgis.PyQt.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def pytest_runtest_logreport(report):
    """Print failures at once: a crash at QGIS exit would otherwise swallow the summary."""
    if report.failed and os.environ.get("HP_PRINT_FAILURES"):
        print("\n" + str(report.longrepr), flush=True)


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory) -> Path:
    """A small George Town sample (core.demo) with results.gpkg, as `make demo` writes it."""
    demo = pytest.importorskip("heritage_planner.core.demo")
    from heritage_planner.core.engine import AnalysisRequest, run_analysis
    from heritage_planner.core.output import write_results
    from heritage_planner.core.raster import HazardInput

    folder = tmp_path_factory.mktemp("demo")
    files = demo.generate_demo(folder, n_buildings=400, n_sites=80)
    req = AnalysisRequest(
        heritage=str(files.heritage),
        sites=files.sites_sources(),
        hazards=[HazardInput.parse(s) for s in files.hazard_specs()],
    )
    write_results(run_analysis(req), folder / "results.gpkg")
    return folder
