"""`make demo` project: the sample layers styled, results grouped, the dock pre-filled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import flush_deletes, settle_canvas

pytestmark = pytest.mark.qgis_app
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "build" / "screenshots"


def test_demo_project_layers_styles_and_dock_settings(
    demo_folder, project, qtbot, dock, qgis_canvas
):
    from qgis.core import QgsCategorizedSymbolRenderer, QgsRasterLayer

    from heritage_planner.gui.demo_project import write_demo_project

    out = write_demo_project(demo_folder)
    assert out == demo_folder / "george_town.qgz" and out.is_file()
    assert not list(demo_folder.glob(".george_town*"))  # no temporary file left
    assert project.read(str(out))
    layers = {lyr.name(): lyr for lyr in project.mapLayers().values()}
    assert all(lyr.isValid() for lyr in layers.values())
    her = layers["Heritage buildings"]
    assert isinstance(her.renderer(), QgsCategorizedSymbolRenderer)
    assert her.renderer().classAttribute() == "category"
    assert layers["Sites points"].renderer().classAttribute() == "kind"
    flood = layers["Flood depth, 100-year (m)"]
    assert isinstance(flood, QgsRasterLayer) and flood.renderer().type() == "singlebandpseudocolor"
    group = project.layerTreeRoot().findGroup("Heritage Planner: results")
    assert group is not None
    conflicts = [n.layer() for n in group.children() if hasattr(n, "layer")]
    assert conflicts and all(lyr.renderer().classAttribute() == "severity" for lyr in conflicts)
    # the dock picked up the project's settings: inputs chosen, last results in the table
    assert dock.heritage_combo.currentLayer().id() == her.id()
    assert len(dock.checked_site_layer_ids()) == 3
    assert sorted(c.hazard for c in dock.hazard_choices()) == ["flood", "heat", "slr"]
    assert dock.model.rowCount() > 0
    assert dock.output_folder.filePath() == str(demo_folder)


def test_demo_project_main_exits_cleanly(demo_folder, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "heritage_planner.gui.demo_project", str(demo_folder)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"demo project: {demo_folder / 'george_town.qgz'}" in proc.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "heritage_planner.gui.demo_project", str(tmp_path / "none")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 2
    assert "heritage.gpkg not found; generate the sample first" in missing.stderr


def test_screenshot_of_dock_with_results(demo_folder, project, qtbot, dock, qgis_canvas):
    """build/screenshots/dock.png: the dock after a run on the demo project (see README)."""
    from heritage_planner.gui.demo_project import write_demo_project

    assert project.read(str(write_demo_project(demo_folder)))
    dock.resize(520, 900)
    dock.show()
    run = dock.run()
    assert run is not None
    qtbot.waitUntil(lambda: dock.task is None, timeout=60000)
    assert dock.model.rowCount() > 0
    # one reviewed conflict so the status column shows the workflow
    first = dock.model.rows()[0]
    dock.apply_review(
        [first.conflict_id], status="mitigated", note="cabinet moved", reviewer="MBPP"
    )
    dock.table.selectRow(0)
    qtbot.wait(50)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = dock.grab()
    assert image.save(str(SCREENSHOTS / "dock.png"))
    assert image.width() == 520 and image.height() == 900
    settle_canvas(qgis_canvas)
    flush_deletes()
