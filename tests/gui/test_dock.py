"""The dock against the real QGIS: choose layers, run in a QgsTask, results, zoom, review."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CRS, EXPECTED, HERITAGE, SITES

pytestmark = pytest.mark.qgis_app


def setup_inputs(dock, project, heritage_layer, sites_layer, flood_tif, out_dir: Path):
    from qgis.core import QgsRasterLayer

    flood = QgsRasterLayer(str(flood_tif), "flood_100y", "gdal")
    assert flood.isValid()
    project.addMapLayers([heritage_layer, sites_layer, flood])
    dock.heritage_combo.setLayer(heritage_layer)
    dock.set_site_layers([sites_layer.id()])
    choices = dock.hazard_choices(all_rows=True)
    assert [(c.hazard, c.checked) for c in choices] == [("flood", True)]  # guessed from the name
    dock.output_folder.setFilePath(str(out_dir))
    dock.run_name.setText("check")
    return flood


def run_and_wait(dock, qtbot, timeout=30000):
    task = dock.run()
    assert task is not None, dock.status_label.text()
    qtbot.waitUntil(lambda: dock.task is None, timeout=timeout)
    return task


def engine_conflicts(flood_tif):
    from shapely import from_wkt, to_wkb

    from heritage_planner.core.engine import AnalysisRequest, run_analysis
    from heritage_planner.core.raster import HazardInput
    from heritage_planner.core.vector import VectorData

    her = VectorData.from_wkb(
        "heritage",
        [to_wkb(from_wkt(h[-1])) for h in HERITAGE],
        CRS,
        fids=[1, 2],
        attributes={
            k: [h[i] for h in HERITAGE] for i, k in enumerate(["hid", "name", "zone", "category"])
        },
    )
    sites = VectorData.from_wkb(
        "sites",
        [to_wkb(from_wkt(s[-1])) for s in SITES],
        CRS,
        fids=[1, 2, 3, 4],
        attributes={"sid": [s[0] for s in SITES], "kind": [s[1] for s in SITES]},
    )
    req = AnalysisRequest(her, [sites], [HazardInput("flood", str(flood_tif))])
    return run_analysis(req).conflicts


def test_run_fills_table_with_engine_conflicts(
    dock, project, qtbot, heritage_layer, sites_layer, flood_tif, tmp_path
):
    setup_inputs(dock, project, heritage_layer, sites_layer, flood_tif, tmp_path)
    run_and_wait(dock, qtbot)
    out = tmp_path / "check.gpkg"
    assert out.is_file(), dock.status_label.text()
    rows = dock.model.rows()
    got = {(r.rule_id, r.heritage_id, r.site_id, r.distance_m) for r in rows}
    assert got == EXPECTED
    engine = engine_conflicts(flood_tif)
    assert sorted((c.conflict_id, c.severity.value, c.message) for c in engine) == sorted(
        (r.conflict_id, r.severity, r.message) for r in rows
    )
    assert dock.proxy.rowCount() == 5
    # sorted by severity, worst first
    first = dock.proxy.index(0, 0).data()
    assert first == "critical"
    # the summary strip counts per severity
    assert "<b>1</b>&nbsp;critical" in dock.summary.text()
    assert "<b>2</b>&nbsp;high" in dock.summary.text()
    # output layers come from the GeoPackage, in a group named after the run
    group = project.layerTreeRoot().findGroup("Heritage Planner: check")
    assert group is not None
    layers = [n.layer() for n in group.findLayers()]
    assert layers and all(lyr.providerType() == "ogr" for lyr in layers)
    assert all(lyr.source().startswith(str(out)) for lyr in layers)
    names = {lyr.name() for lyr in layers}
    assert "Conflicts (points)" in names and "Conflicts (areas)" in names
    # filters
    dock.severity_filter.setCurrentIndex(dock.severity_filter.findData("high"))
    assert dock.proxy.rowCount() == 2
    dock.severity_filter.setCurrentIndex(0)
    dock.text_filter.setText("khoo")
    assert dock.proxy.rowCount() == 2
    dock.text_filter.setText("")
    dock.rule_filter.setCurrentIndex(dock.rule_filter.findData("site-flooded"))
    assert dock.proxy.rowCount() == 1
