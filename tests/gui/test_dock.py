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
    by_name = {lyr.name(): lyr for lyr in layers}
    conflicts_pts = by_name["Conflicts (points)"]
    assert conflicts_pts.renderer().classAttribute() == "severity"
    assert conflicts_pts.featureCount() == 4  # 3 siting + 1 site-flooded, all at sites
    exposure = by_name["Exposure: flood"]
    assert exposure.renderer().classAttribute() == "worst_class"
    assert [c.value() for c in exposure.renderer().categories()] == [
        "low",
        "medium",
        "high",
        "very_high",
    ]
    assert len(list(exposure.getFeatures())) == 2  # subset: this hazard only
    assert by_name["Site hazard: flood (points)"].renderer().classAttribute() == "class"
    # filters
    dock.severity_filter.setCurrentIndex(dock.severity_filter.findData("high"))
    assert dock.proxy.rowCount() == 2
    dock.severity_filter.setCurrentIndex(0)
    dock.text_filter.setText("khoo")
    assert dock.proxy.rowCount() == 2
    dock.text_filter.setText("")
    dock.rule_filter.setCurrentIndex(dock.rule_filter.findData("site-flooded"))
    assert dock.proxy.rowCount() == 1


def test_double_click_zooms_to_conflict_and_selects_features(
    dock, project, qtbot, qgis_canvas, heritage_layer, sites_layer, flood_tif, tmp_path
):
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle
    from qgis.PyQt.QtCore import Qt

    setup_inputs(dock, project, heritage_layer, sites_layer, flood_tif, tmp_path)
    qgis_canvas.setDestinationCrs(QgsCoordinateReferenceSystem(CRS))
    qgis_canvas.setExtent(QgsRectangle(-5000, -5000, 5000, 5000))
    run_and_wait(dock, qtbot)
    dock.show()
    # the critical one (street cabinet S2 at 23, 10) is the first row
    from heritage_planner.gui.results import ResultsModel

    index = dock.proxy.index(0, ResultsModel.COL_RULE)
    assert index.data() == "cabinet-near-grade-i"
    rect = dock.table.visualRect(index)
    qtbot.mouseClick(dock.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dock.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ext = qgis_canvas.extent()
    assert ext.contains(QgsRectangle(22.9, 9.9, 23.1, 10.1))
    assert ext.height() < 200  # zoomed in from 10 km
    assert abs(ext.center().x() - 23) < 1 and abs(ext.center().y() - 10) < 1
    # related features selected: heritage H1 (fid 1) and site S2 (fid 2)
    assert heritage_layer.selectedFeatureIds() == [1]
    assert sites_layer.selectedFeatureIds() == [2]


def test_review_survives_rerun_and_vanished_conflicts_resolve(
    dock, project, qtbot, heritage_layer, sites_layer, flood_tif, tmp_path
):
    from qgis.core import QgsGeometry

    from heritage_planner.core.review import review_by_id

    setup_inputs(dock, project, heritage_layer, sites_layer, flood_tif, tmp_path)
    run_and_wait(dock, qtbot)
    out = tmp_path / "check.gpkg"
    rows = {r.rule_id: r for r in dock.model.rows()}
    cabinet, cell = rows["cabinet-near-grade-i"], rows["cell-in-core"]
    dock.apply_review(
        [cabinet.conflict_id], status="accepted", note="moved 2 m, council OK", reviewer="Aishah"
    )
    dock.apply_review([cell.conflict_id], status="mitigated", note="pole repainted", reviewer="Lim")
    stored = review_by_id(out)
    assert stored[cabinet.conflict_id]["status"] == "accepted"
    assert stored[cabinet.conflict_id]["note"] == "moved 2 m, council OK"

    # changed data: S1 (the small cell in the core) moves far away; S2 stays
    sites_layer.dataProvider().changeGeometryValues({1: QgsGeometry.fromWkt("POINT(500 500)")})
    run_and_wait(dock, qtbot)
    assert out.is_file()
    after = {r.conflict_id: r for r in dock.model.rows()}
    assert cell.conflict_id not in after
    kept = after[cabinet.conflict_id]
    assert (kept.status, kept.note, kept.reviewer) == (
        "accepted",
        "moved 2 m, council OK",
        "Aishah",
    )
    assert all(r.status == "open" for cid, r in after.items() if cid != cabinet.conflict_id)
    stored = review_by_id(out)
    assert stored[cell.conflict_id]["status"] == "resolved"
    assert stored[cell.conflict_id]["note"] == "pole repainted"
    assert [r["conflict_id"] for r in dock.results.resolved] == [cell.conflict_id]
    assert "1 resolved" in dock.summary.text()


def test_bad_input_is_one_clear_line(dock, project, qtbot, full_iface, heritage_layer, tmp_path):
    from qgis.core import Qgis

    project.addMapLayer(heritage_layer)
    dock.heritage_combo.setLayer(None)
    dock.output_folder.setFilePath(str(tmp_path))
    assert dock.run() is None
    assert dock.status_label.text() == "✗ Choose a heritage layer (polygons)."
    dock.heritage_combo.setLayer(heritage_layer)
    dock.output_folder.setFilePath(str(tmp_path / "nope"))
    assert dock.run() is None
    assert "does not exist" in dock.status_label.text()
    msgs = full_iface.messageBar().get_messages(Qgis.MessageLevel.Critical)
    assert any("does not exist" in m for m in msgs)


def test_check_rules_shows_errors_inline(dock, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[rules]]\nid = "r"\ntype = "siting"\nseverity = "huge"\n')
    dock.rules_file.setFilePath(str(bad))
    assert dock.check_rules() is False
    text = dock.rules_status.text()
    assert text.startswith("✗ ") and str(bad) in text
    dock.rules_file.setFilePath("")
    assert dock.check_rules() is True
    assert "George Town baseline" in dock.rules_status.text()


def test_project_settings_restored_when_project_opens(
    dock, project, qtbot, heritage_layer, sites_layer, flood_tif, tmp_path
):
    from qgis.core import QgsProject

    setup_inputs(dock, project, heritage_layer, sites_layer, flood_tif, tmp_path)
    dock.set_hazards([])
    flood_id = dock.hazard_choices(all_rows=True)[0].layer_id
    from heritage_planner.gui.settings import HazardChoice

    dock.set_hazards([HazardChoice(flood_id, "flood", "2050", True)])
    run_and_wait(dock, qtbot)
    qgz = tmp_path / "p.qgz"
    # file-backed inputs so the project can reopen them
    assert project.write(str(qgz))
    project.clear()
    assert dock.model.rowCount() == 0
    assert QgsProject.instance().read(str(qgz))
    assert dock.heritage_combo.currentLayer() is not None
    assert dock.heritage_combo.currentLayer().name() == "heritage"
    assert [c.hazard for c in dock.hazard_choices()] == ["flood"]
    assert [c.scenario for c in dock.hazard_choices()] == ["2050"]
    assert dock.output_folder.filePath() == str(tmp_path)
    assert dock.model.rowCount() == 5  # last results reloaded from the GeoPackage


def test_export_pdf_button_writes_report(
    dock, project, qtbot, heritage_layer, sites_layer, flood_tif, tmp_path
):
    pytest.importorskip("heritage_planner.layouts.report")
    setup_inputs(dock, project, heritage_layer, sites_layer, flood_tif, tmp_path)
    run_and_wait(dock, qtbot)
    assert dock.pdf_button.isVisible() or not dock.isVisible()
    assert dock.pdf_button.isEnabled()
    pdf = tmp_path / "report.pdf"
    dock.start_report(str(pdf))
    assert not dock.pdf_button.isEnabled()
    qtbot.waitUntil(lambda: dock.report_task is None, timeout=60000)
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-", dock.status_label.text()
    assert dock.status_label.text() == f"PDF report written: {pdf}"


def test_non_file_raster_is_written_once_to_a_temporary_geotiff(
    dock, project, qtbot, heritage_layer, sites_layer, flood_tif, tmp_path
):
    from osgeo import gdal
    from qgis.core import QgsRasterLayer

    gdal.UseExceptions()
    vsi = "/vsimem/heritage_planner_test_flood.tif"
    gdal.Translate(vsi, str(flood_tif))
    try:
        flood = QgsRasterLayer(vsi, "flood in memory", "gdal")
        assert flood.isValid()
        project.addMapLayers([heritage_layer, sites_layer, flood])
        dock.heritage_combo.setLayer(heritage_layer)
        dock.set_site_layers([sites_layer.id()])
        dock.output_folder.setFilePath(str(tmp_path))
        plan = dock.make_plan()
        (hz,) = plan.hazards
        assert (
            hz.hazard == "flood" and hz.path.endswith(".tif") and not hz.path.startswith("/vsimem")
        )
        assert dock.exporter.path_for(flood) == hz.path  # cached: written once
        run_and_wait(dock, qtbot)
        got = {(r.rule_id, r.heritage_id, r.site_id, r.distance_m) for r in dock.model.rows()}
        assert got == EXPECTED
    finally:
        gdal.Unlink(vsi)


def test_report_options_are_remembered_and_used(
    dock, project, qtbot, heritage_layer, sites_layer, flood_tif, tmp_path
):
    pytest.importorskip("heritage_planner.layouts.report")
    import subprocess

    from heritage_planner.gui.report_dialog import ReportOptionsDialog, saved_report_options

    setup_inputs(dock, project, heritage_layer, sites_layer, flood_tif, tmp_path)
    run_and_wait(dock, qtbot)
    dialog = ReportOptionsDialog(dock, project=project)
    qtbot.addWidget(dialog)
    dialog.organisation.setText("Majlis Bandaraya Pulau Pinang")
    dialog.page_size.setCurrentText("A3")
    dialog.orientation.setCurrentIndex(dialog.orientation.findData("portrait"))
    opts = dialog.options()
    assert opts["organisation"] == "Majlis Bandaraya Pulau Pinang"
    assert (opts["page_size"], opts["orientation"]) == ("A3", "portrait")
    # remembered for the next export (QgsSettings), also without the dialog
    again = ReportOptionsDialog(dock, project=project)
    qtbot.addWidget(again)
    assert again.organisation.text() == "Majlis Bandaraya Pulau Pinang"
    assert saved_report_options()["page_size"] == "A3"
    pdf = tmp_path / "opts.pdf"
    dock.start_report(str(pdf), options=opts)
    qtbot.waitUntil(lambda: dock.report_task is None, timeout=60000)
    assert pdf.is_file(), dock.status_label.text()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "842 x 1191" in info  # A3 portrait
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Majlis Bandaraya Pulau Pinang" in text
    from heritage_planner.gui.report_dialog import REPORT_SETTINGS
    from heritage_planner.gui.settings import set_user_value

    for key, default in REPORT_SETTINGS.items():  # leave the user settings as they were
        set_user_value(key, default)


def test_review_button_opens_a_dialog_that_stores_the_decision(
    dock, project, qtbot, heritage_layer, sites_layer, flood_tif, tmp_path
):
    from heritage_planner.core.review import review_by_id

    setup_inputs(dock, project, heritage_layer, sites_layer, flood_tif, tmp_path)
    run_and_wait(dock, qtbot)
    dock.table.selectRow(0)
    row = dock.selected_rows()[0]
    dock.review_selected()  # window-modal, returns at once (no nested event loop)
    dlg = dock._dialog
    assert dlg is not None and dlg.isVisible()
    dlg.status.setCurrentIndex(dlg.status.findData("false_positive"))
    dlg.note.setPlainText("survey error")
    dlg.reviewer.setText("Ravi")
    dlg.accept()
    stored = review_by_id(tmp_path / "check.gpkg")[row.conflict_id]
    assert (stored["status"], stored["note"], stored["reviewer"]) == (
        "false_positive",
        "survey error",
        "Ravi",
    )
