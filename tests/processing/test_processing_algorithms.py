"""The Processing algorithms through the real QGIS Processing framework (processing.run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hp_processing_sample import EXPECTED

from heritage_planner.cli.main import main as cli_main

pytestmark = pytest.mark.qgis_app


def _layer(value, context=None):
    from qgis.core import QgsProcessingUtils, QgsVectorLayer

    if isinstance(value, QgsVectorLayer):
        return value
    lyr = QgsProcessingUtils.mapLayerFromString(value, context) if context else None
    return lyr if lyr is not None else QgsVectorLayer(str(value), "out", "ogr")


def _rows(layer) -> list[dict]:
    names = layer.fields().names()
    out = []
    for f in layer.getFeatures():
        row = {}
        for n, v in zip(names, f.attributes(), strict=True):
            row[n] = None if v is None or (hasattr(v, "isNull") and v.isNull()) else v
        row["_geom"] = f.geometry()
        out.append(row)
    return out


def _key(r: dict) -> tuple:
    rnd = lambda v: None if v is None else round(float(v), 6)  # noqa: E731
    return (
        r["rule_id"],
        r["severity"],
        r["heritage_id"] or None,
        r["site_layer"] or None,
        r["site_id"] or None,
        rnd(r["distance_m"]),
        rnd(r["value"]),
    )


def _params(sample: dict, **over) -> dict:
    p = {
        "HERITAGE": str(sample["heritage"]),
        "SITES": [str(sample["points"]), str(sample["lines"])],
        "HAZARDS": [str(sample["flood"])],
        "HAZARD_IDS": "flood",
        "CONFLICTS": "TEMPORARY_OUTPUT",
        "EXPOSURE": "TEMPORARY_OUTPUT",
        "SITE_HAZARD": "TEMPORARY_OUTPUT",
    }
    p.update(over)
    return p


def _run(params: dict, feedback=None):
    import processing
    from qgis.core import QgsProcessingContext, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    res = processing.run(
        "heritage_planner:detectconflicts", params, context=context, feedback=feedback
    )
    return res, context


def cli_conflicts(sample: dict, out: Path) -> list[dict]:
    """Conflicts of the same inputs from the CLI (``heritage-planner analyze``)."""
    from osgeo import ogr

    argv = [
        "analyze",
        "--heritage",
        str(sample["heritage"]),
        "--sites",
        str(sample["points"]),
        "--sites",
        str(sample["lines"]),
        "--hazard",
        f"flood={sample['flood']}",
        "--out",
        str(out),
    ]
    assert cli_main(argv) == 0
    ds = ogr.Open(str(out))
    lyr = ds.GetLayerByName("conflicts")
    rows = [{k: f.GetField(k) for k in f.keys()} for f in lyr]
    ds = None
    return rows


def test_provider_lists_algorithms_with_help(hp_provider):
    ids = {a.id() for a in hp_provider.algorithms()}
    assert {
        "heritage_planner:detectconflicts",
        "heritage_planner:hazardexposure",
        "heritage_planner:sitehazard",
    } <= ids
    assert hp_provider.name() == "Heritage Planner"
    for alg in hp_provider.algorithms():
        assert alg.shortHelpString() and alg.displayName()


def test_detectconflicts_hand_checked_and_equal_to_cli(
    hp_provider, sample, tmp_path, clean_project
):
    res, ctx = _run(_params(sample))
    conflicts = _rows(_layer(res["CONFLICTS"], ctx))
    assert {_key(r) for r in conflicts} == EXPECTED
    assert len(conflicts) == 6
    assert (
        res["CONFLICT_COUNT"],
        res["COUNT_CRITICAL"],
        res["COUNT_HIGH"],
        res["COUNT_MEDIUM"],
        res["COUNT_LOW"],
    ) == (6, 1, 2, 2, 1)
    # same conflicts, ids and messages as the CLI
    cli = cli_conflicts(sample, tmp_path / "cli.gpkg")
    proj = lambda rows: sorted(  # noqa: E731
        (r["conflict_id"], r["message"], r["heritage_fid"], r["site_fid"]) + _key(r) for r in rows
    )
    assert proj(conflicts) == proj(cli)
    # conflict points lie on the site (or on the heritage polygon for exposure conflicts)
    s1 = next(r for r in conflicts if r["rule_id"] == "cell-in-core")
    p = s1["_geom"].asPoint()
    assert (round(p.x() - 500_000, 6), round(p.y() - 1_000_000, 6)) == (2.0, 5.0)
    # exposure: H1 exactly half in the 'high' class, H2 and H3 dry
    exp = {r["heritage_id"]: r for r in _rows(_layer(res["EXPOSURE"], ctx))}
    assert exp["H1"]["frac_high"] == pytest.approx(0.5)
    assert exp["H1"]["frac_low"] == pytest.approx(0.5)
    assert exp["H1"]["max"] == pytest.approx(0.8) and exp["H1"]["worst_class"] == "high"
    assert exp["H2"]["frac_low"] == pytest.approx(1.0) and exp["H3"]["max"] == 0.0
    assert exp["H1"]["_geom"].area() == pytest.approx(100.0)
    # site hazard: mixed points and lines -> points; S1 in 0.8 m ('high')
    sh_layer = _layer(res["SITE_HAZARD"], ctx)
    sh = {r["site_id"]: r for r in _rows(sh_layer)}
    assert set(sh) == {"S1", "S2", "S3", "S4", "S5", "L1"}
    assert sh["S1"]["value"] == pytest.approx(0.8) and sh["S1"]["class"] == "high"
    assert sh["L1"]["value"] == 0.0 and sh["L1"]["class"] == "low"


def test_selected_features_and_memory_layers(hp_provider, sample, clean_project):
    from qgis.core import (
        QgsFeatureRequest,
        QgsProcessingFeatureSourceDefinition,
        QgsProject,
        QgsVectorLayer,
    )

    her = QgsVectorLayer(f"{sample['heritage']}|layername=her", "her", "ogr")
    QgsProject.instance().addMapLayer(her)
    her.selectByExpression("\"hid\" = 'H2'")
    res, ctx = _run(_params(sample, HERITAGE=QgsProcessingFeatureSourceDefinition(her.id(), True)))
    got = {_key(r) for r in _rows(_layer(res["CONFLICTS"], ctx))}
    # only H2's conflicts, plus the site-hazard conflict which needs no heritage feature
    assert got == {k for k in EXPECTED if k[2] in ("H2", None)}
    # a memory copy of the heritage layer (not a file) and of the points layer
    mem = her.materialize(QgsFeatureRequest())
    pts = QgsVectorLayer(str(sample["points"]), "points", "ogr").materialize(QgsFeatureRequest())
    pts.setName("points")  # site layer names are part of conflict ids
    QgsProject.instance().addMapLayers([mem, pts])
    res, ctx = _run(_params(sample, HERITAGE=mem.id(), SITES=[pts.id(), str(sample["lines"])]))
    assert {_key(r) for r in _rows(_layer(res["CONFLICTS"], ctx))} == EXPECTED
    # selected sites only: S3 alone among the points
    pts.selectByExpression("\"sid\" = 'S3'")
    res, ctx = _run(_params(sample, HERITAGE=mem.id(), SITES=[pts.id()], SITES_SELECTED_ONLY=True))
    got = {_key(r) for r in _rows(_layer(res["CONFLICTS"], ctx))}
    assert got == {k for k in EXPECTED if k[4] == "S3" or k[0] == "heritage-flood"}


def test_batch_mode_runs_to_files(hp_provider, sample, tmp_path, clean_project):
    """What the batch dialog does: a fresh algorithm instance per row, outputs to files."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject

    registry = QgsApplication.processingRegistry()
    rows = [
        {"HAZARD_IDS": "flood@baseline", "SITES": [str(sample["points"])]},
        {"HAZARD_IDS": "flood@2050", "SITES": [str(sample["lines"])]},
        {"HAZARD_IDS": "flood", "SITES": []},
    ]
    counts = []
    for k, row in enumerate(rows):
        alg = registry.createAlgorithmById("heritage_planner:detectconflicts")
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        params = _params(
            sample,
            **row,
            CONFLICTS=str(tmp_path / f"c{k}.gpkg"),
            EXPOSURE=str(tmp_path / f"e{k}.gpkg"),
            SITE_HAZARD=str(tmp_path / f"s{k}.gpkg"),
        )
        res, ok = alg.run(params, context, QgsProcessingFeedback())
        assert ok, row
        lyr = _layer(res["CONFLICTS"])
        rs = _rows(lyr)
        counts.append(len(rs))
        scen = row["HAZARD_IDS"].partition("@")[2]
        assert {r["scenario"] for r in rs if r["hazard"]} == {scen}
        del lyr
    # points: 4 siting/site-hazard + exposure; lines: fibre-trench + exposure; none: exposure
    assert counts == [5, 2, 1]


def test_inside_a_model(hp_provider, sample, clean_project):
    import processing
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelChildParameterSource,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
        QgsProcessingParameterFeatureSource,
    )

    model = QgsProcessingModelAlgorithm("hp model", "tests")
    model.addModelParameter(
        QgsProcessingParameterFeatureSource("heritage", "Heritage"),
        QgsProcessingModelParameter("heritage"),
    )
    child = QgsProcessingModelChildAlgorithm("heritage_planner:detectconflicts")
    child.setChildId("detect")
    child.addParameterSources(
        "HERITAGE", [QgsProcessingModelChildParameterSource.fromModelParameter("heritage")]
    )
    static = QgsProcessingModelChildParameterSource.fromStaticValue
    child.addParameterSources("SITES", [static([str(sample["points"]), str(sample["lines"])])])
    child.addParameterSources("HAZARDS", [static([str(sample["flood"])])])
    child.addParameterSources("HAZARD_IDS", [static("flood")])
    out = QgsProcessingModelOutput("conflicts", "Conflicts")
    out.setChildOutputName("CONFLICTS")
    child.setModelOutputs({"conflicts": out})
    model.addChildAlgorithm(child)
    ok, errors = model.validate()
    assert ok, errors
    res = processing.run(
        model, {"heritage": str(sample["heritage"]), "detect:conflicts": "TEMPORARY_OUTPUT"}
    )
    lyr = _layer(res["detect:conflicts"])
    assert {_key(r) for r in _rows(lyr)} == EXPECTED


@pytest.mark.parametrize(
    "over, message",
    [
        ({"HAZARD_IDS": "flood,heat"}, "HAZARD_IDS: 2 ids for 1 hazard rasters"),
        ({"HAZARD_IDS": "tsunami"}, "'tsunami' is not a hazard id of the rules"),
        ({"RULES": "/nonexistent/rules.toml"}, "rules file not found"),
        ({"SITES": [], "HAZARDS": [], "HAZARD_IDS": ""}, "nothing to analyse"),
        ({"ANALYSIS_CRS": "EPSG:4326"}, "must be a projected CRS"),
    ],
)
def test_bad_parameters_are_processing_errors(hp_provider, sample, clean_project, over, message):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as err:
        _run(_params(sample, **over))
    text = str(err.value)
    assert message in text and "\n" not in text.strip() and "Traceback" not in text


def test_hazard_id_from_layer_name(hp_provider, sample, tmp_path, clean_project):
    import shutil

    from qgis.core import QgsProcessingException

    # a raster whose layer name is a hazard id needs no HAZARD_IDS
    res, ctx = _run(_params(sample, HAZARD_IDS=""))
    assert {_key(r) for r in _rows(_layer(res["CONFLICTS"], ctx))} == EXPECTED
    other = shutil.copy(sample["flood"], tmp_path / "flood_100y.tif")
    with pytest.raises(
        QgsProcessingException, match=r"name the layer ID\[@SCENARIO\] or fill HAZARD_IDS"
    ):
        _run(_params(sample, HAZARDS=[str(other)], HAZARD_IDS=""))


def test_point_layer_as_heritage_is_refused(hp_provider, sample, clean_project):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException):
        _run(_params(sample, HERITAGE=str(sample["points"])))


def test_cancel_is_honoured(hp_provider, sample, clean_project):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    fb = QgsProcessingFeedback()
    fb.cancel()
    with pytest.raises(QgsProcessingException, match="cancelled"):
        _run(_params(sample), feedback=fb)


def test_progress_is_reported(hp_provider, sample, clean_project):
    from qgis.core import QgsProcessingFeedback

    seen: list[float] = []
    fb = QgsProcessingFeedback()
    fb.progressChanged.connect(seen.append)
    _run(_params(sample), feedback=fb)
    assert seen and seen[-1] == 100.0 and seen == sorted(seen)


def test_hazardexposure_and_sitehazard(hp_provider, sample, clean_project):
    import processing

    res = processing.run(
        "heritage_planner:hazardexposure",
        {
            "HERITAGE": str(sample["heritage"]),
            "HAZARDS": [str(sample["flood"])],
            "HAZARD_IDS": "flood@2050",
            "EXPOSURE": "TEMPORARY_OUTPUT",
        },
    )
    exp = {r["heritage_id"]: r for r in _rows(_layer(res["EXPOSURE"]))}
    assert set(exp) == {"H1", "H2", "H3"} and exp["H1"]["scenario"] == "2050"
    assert exp["H1"]["frac_high"] == pytest.approx(0.5) and exp["H1"]["mean"] == pytest.approx(0.4)
    res = processing.run(
        "heritage_planner:sitehazard",
        {
            "SITES": [str(sample["lines"])],
            "HAZARDS": [str(sample["flood"])],
            "HAZARD_IDS": "flood",
            "SITE_HAZARD": "TEMPORARY_OUTPUT",
        },
    )
    lyr = _layer(res["SITE_HAZARD"])
    from qgis.core import QgsWkbTypes

    assert QgsWkbTypes.geometryType(lyr.wkbType()) == QgsWkbTypes.GeometryType.LineGeometry
    rows = _rows(lyr)
    assert [(r["site_id"], r["value"], r["class"]) for r in rows] == [("L1", 0.0, "low")]
    assert rows[0]["_geom"].length() == pytest.approx(10.0)
