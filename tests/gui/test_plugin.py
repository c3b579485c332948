"""Plugin life cycle: load/unload leaves QGIS as it was; missing dependencies; translation."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import flush_deletes

pytestmark = pytest.mark.qgis_app
REPO = Path(__file__).resolve().parents[2]


def snapshot(iface):
    from qgis.core import QgsApplication, QgsProject
    from qgis.PyQt.QtWidgets import QAction, QDockWidget

    window = iface.mainWindow()
    prj = QgsProject.instance()
    return {
        "docks": sorted(d.objectName() for d in window.findChildren(QDockWidget)),
        "actions": sorted(a.objectName() for a in window.findChildren(QAction) if a.objectName()),
        "toolbar": [a.text() for a in iface.test_toolbar.actions()],
        "menus": [a.text() for a in window.menuBar().actions()],
        "providers": sorted(p.id() for p in QgsApplication.processingRegistry().providers()),
        "receivers": {
            name: prj.receivers(getattr(prj, name))
            for name in ("readProject", "cleared", "layersAdded", "layersRemoved")
        },
    }


def test_load_unload_three_times_leaves_qgis_as_it_was(full_iface, project, qtbot):
    from qgis.core import QgsApplication
    from qgis.PyQt.QtWidgets import QAction, QDockWidget

    from heritage_planner import classFactory

    window = full_iface.mainWindow()
    window.show()
    before = snapshot(full_iface)
    for _ in range(3):
        plugin = classFactory(full_iface)
        plugin.initProcessing()  # QGIS calls it first (hasProcessingProvider=yes)
        plugin.initGui()
        assert window.findChild(QDockWidget, "HeritagePlannerDock") is not None
        assert window.findChild(QAction, "mActionHeritagePlannerPanel") is not None
        assert window.findChild(QAction, "mActionHeritagePlannerHelp") is not None
        assert "&Heritage Planner" in [a.text() for a in window.menuBar().actions()]
        assert QgsApplication.processingRegistry().providerById("heritage_planner") is not None
        loaded = snapshot(full_iface)
        assert loaded["receivers"]["readProject"] == before["receivers"]["readProject"] + 1
        assert loaded["toolbar"] == before["toolbar"] + ["Heritage Planner"]
        # the toolbar/menu action toggles the dock and follows it
        plugin.toggle_action.trigger()
        assert plugin.dock.isUserVisible()
        plugin.dock.setUserVisible(False)
        qtbot.waitUntil(lambda: not plugin.toggle_action.isChecked())
        plugin.unload()
        flush_deletes()
        assert snapshot(full_iface) == before
    window.hide()


def test_translation_follows_locale(full_iface, project):
    from heritage_planner.gui.i18n import i18n_dir, install_translator, remove_translator, tr

    qm = i18n_dir() / "heritage_planner_ms.qm"
    if not qm.is_file():  # `make test` compiles them first; compile when run alone
        subprocess.run(
            ["lrelease", "-silent", str(qm.with_suffix(".ts")), "-qm", str(qm)], check=True
        )
    translator = install_translator("ms_MY")
    assert translator is not None
    try:
        assert tr("Run") == "Jalankan"
        assert tr("Cancelled; nothing was written.") != "Cancelled; nothing was written."
    finally:
        remove_translator(translator)
    assert tr("Run") == "Run"
    assert install_translator("xx") is None


def test_missing_dependencies_shown_in_dock(full_iface, project, qtbot):
    """The dependency check itself, with imports of shapely and rasterio failing."""
    import importlib

    from heritage_planner.gui.deps import check_dependencies, report
    from heritage_planner.gui.dock import HeritagePlannerDock

    def fake_import(name):
        if name in ("shapely", "rasterio"):
            raise ImportError(f"No module named '{name}'")
        return importlib.import_module(name)

    missing = check_dependencies(fake_import)
    assert [m.requirement.module for m in missing] == ["shapely", "rasterio"]
    dock = HeritagePlannerDock(full_iface, missing=missing)
    qtbot.addWidget(dock)
    try:
        assert not dock.deps_box.isHidden()
        text = dock.deps_label.text()
        assert "shapely ≥ 2.0: not installed" in text
        assert "rasterio ≥ 1.3: not installed" in text
        assert "python3 -m pip install --user --no-deps &quot;shapely==2.0.7&quot;" in text
        assert "sudo apt install python3-rasterio" in text
        assert not dock.run_button.isEnabled()
        assert report(missing).count("\n") >= 5
    finally:
        dock.cleanup()

    class Old:
        __version__ = "1.8.5"

    def old_shapely(name):
        return Old if name == "shapely" else importlib.import_module(name)

    (m,) = check_dependencies(old_shapely)
    assert m.describe() == "shapely ≥ 2.0: version 1.8.5 is too old"


SCRIPT = textwrap.dedent(
    """
    import sys
    sys.modules["shapely"] = None  # "import shapely" now raises ImportError
    sys.modules["rasterio"] = None
    from qgis.core import QgsApplication, QgsProject
    from qgis.gui import QgsMapCanvas
    from qgis.PyQt.QtWidgets import QMainWindow
    from pytest_qgis.mock_qgis_classes import MockMessageBar
    from pytest_qgis.qgis_interface import QgisInterface

    app = QgsApplication([], True)
    app.initQgis()
    window = QMainWindow()
    iface = QgisInterface(QgsMapCanvas(window), MockMessageBar(), window)
    iface.addDockWidget = lambda area, dock: window.addDockWidget(area, dock)
    iface.removeDockWidget = window.removeDockWidget
    iface.removePluginMenu = lambda *a: None
    import heritage_planner

    plugin = heritage_planner.classFactory(iface)
    plugin.initProcessing()
    plugin.initGui()
    print("DOCK:", plugin.dock.deps_label.text())
    print("RUN ENABLED:", plugin.dock.run_button.isEnabled())
    plugin.unload()
    QgsProject.instance().clear()
    app.exitQgis()
    """
)


def test_plugin_loads_without_shapely_and_rasterio(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "shapely ≥ 2.0: not installed" in proc.stdout
    assert "rasterio ≥ 1.3: not installed" in proc.stdout
    assert "RUN ENABLED: False" in proc.stdout
