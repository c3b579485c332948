"""Background runs: QGIS stays responsive on a large raster, Cancel stops fast and leaves
nothing behind, and an unexpected error is reported, never a crash."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from conftest import CRS, memory_layer

pytestmark = pytest.mark.qgis_app

SIZE = 4000  # 4000 x 4000 cells: several seconds of exact exposure on one core


@pytest.fixture(scope="module")
def big_raster(tmp_path_factory) -> Path:
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path_factory.mktemp("big") / "flood_big.tif"
    arr = np.random.default_rng(0).random((SIZE, SIZE), dtype="float32")
    profile = dict(
        driver="GTiff",
        width=SIZE,
        height=SIZE,
        count=1,
        dtype="float32",
        crs=CRS,
        transform=from_origin(0, SIZE, 1, 1),
        tiled=True,
        blockxsize=256,
        blockysize=256,
    )
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(arr, 1)
    return path


def big_heritage():
    step = SIZE / 10
    rows = []
    for i in range(10):
        for j in range(10):
            x, y = i * step, j * step
            wkt = f"POLYGON(({x} {y}, {x + step - 1} {y}, {x + step - 1} {y + step - 1}, {x} {y + step - 1}, {x} {y}))"
            rows.append((f"H{i}_{j}", f"Building {i}-{j}", "core", "I", wkt))
    return memory_layer(
        "Polygon",
        "heritage",
        [("hid", "string"), ("name", "string"), ("zone", "string"), ("category", "string")],
        rows,
    )


def test_responsive_during_run_and_cancel_leaves_no_output(
    dock, project, qtbot, big_raster, tmp_path
):
    from qgis.core import QgsRasterLayer
    from qgis.PyQt.QtCore import QTimer

    her = big_heritage()
    flood = QgsRasterLayer(str(big_raster), "flood", "gdal")
    project.addMapLayers([her, flood])
    dock.heritage_combo.setLayer(her)
    dock.output_folder.setFilePath(str(tmp_path))
    dock.run_name.setText("big")

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    task = dock.run()
    assert task is not None
    assert not dock.run_button.isEnabled() and dock.cancel_button.isEnabled()
    # the engine is working (exposure stage) while the event loop keeps turning
    qtbot.waitUntil(lambda: dock.progress.value() >= 5, timeout=30000)
    qtbot.wait(300)
    assert dock.task is not None, "run ended early: " + dock.status_label.text()
    gaps = np.diff(ticks)
    assert len(ticks) > 20 and gaps.max() < 0.5, f"GUI blocked for {gaps.max():.2f} s"
    assert "exposure" in dock.status_label.text()

    t0 = time.monotonic()
    qtbot.mouseClick(dock.cancel_button, 1)
    qtbot.waitUntil(lambda: dock.task is None, timeout=5000)
    timer.stop()
    assert time.monotonic() - t0 < 1.0
    assert dock.status_label.text() == "Cancelled; nothing was written."
    assert list(tmp_path.iterdir()) == []  # no output, no temporary .part file
    assert dock.run_button.isEnabled() and not dock.cancel_button.isEnabled()
    assert dock.model.rowCount() == 0


def test_error_in_run_reported_not_crash(
    dock, project, qtbot, full_iface, heritage_layer, tmp_path
):
    from qgis.core import Qgis, QgsApplication

    logged: list[str] = []

    def on_log(msg, tag, level):
        if tag == "Heritage Planner":
            logged.append(msg)

    QgsApplication.messageLog().messageReceived.connect(on_log)
    try:
        project.addMapLayer(heritage_layer)
        dock.heritage_combo.setLayer(heritage_layer)
        dock.output_folder.setFilePath(str(tmp_path))
        bad = tmp_path / "rules.toml"
        # valid rules whose heritage id field does not exist in the layer
        from heritage_planner.core.rules import default_rules_path

        bad.write_text(default_rules_path().read_text().replace('id = "hid"', 'id = "ref_no"'))
        dock.rules_file.setFilePath(str(bad))
        task = dock.run()
        assert task is not None
        qtbot.waitUntil(lambda: dock.task is None, timeout=20000)
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(on_log)
    assert "'ref_no' not found" in dock.status_label.text()
    assert any(
        "'ref_no' not found" in m
        for m in full_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    )
    assert any("'ref_no' not found" in m for m in logged)
    assert not (tmp_path / "heritage_check.gpkg").exists()
