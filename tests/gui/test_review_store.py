"""core.review: carry decisions over re-runs; update the GeoPackage's review table safely."""

from __future__ import annotations

import pytest

from heritage_planner.core.errors import OutputError
from heritage_planner.core.review import (
    read_review,
    reconcile,
    review_by_id,
    set_status,
    update_review,
)


def conflict(cid, rule="r1", name="Khoo Kongsi", site="S1", msg="m"):
    return {
        "conflict_id": cid,
        "rule_id": rule,
        "heritage_name": name,
        "site_id": site,
        "message": msg,
    }


def test_reconcile_keeps_new_opens_and_resolves():
    previous = [
        {
            "conflict_id": "a",
            "status": "accepted",
            "note": "ok by council",
            "reviewer": "Aishah",
            "updated": "t0",
        },
        {
            "conflict_id": "b",
            "status": "mitigated",
            "note": "moved",
            "reviewer": "Lim",
            "updated": "t0",
        },
        {"conflict_id": "c", "status": "resolved", "note": "gone", "reviewer": "", "updated": "t0"},
        {"conflict_id": "d", "status": "resolved", "note": "", "reviewer": "", "updated": "t0"},
    ]
    rec = reconcile(
        previous, [conflict("a", msg="new text"), conflict("c"), conflict("n")], when="t1"
    )
    rows = {r["conflict_id"]: r for r in rec.rows}
    assert rec.kept == ["a", "c"] and rec.new == ["n"] and rec.resolved == ["b", "d"]
    assert (rows["a"]["status"], rows["a"]["note"], rows["a"]["reviewer"]) == (
        "accepted",
        "ok by council",
        "Aishah",
    )
    assert rows["a"]["message"] == "new text" and rows["a"]["updated"] == "t0"
    assert rows["n"]["status"] == "open" and rows["n"]["updated"] == "t1"
    assert rows["c"]["status"] == "open" and rows["c"]["note"] == "gone"  # came back
    assert (rows["b"]["status"], rows["b"]["updated"]) == ("resolved", "t1")
    assert rows["d"]["updated"] == "t0"  # already resolved: untouched


@pytest.fixture()
def gpkg(tmp_path):
    from osgeo import gdal, ogr

    gdal.UseExceptions()
    path = tmp_path / "r.gpkg"
    ds = gdal.GetDriverByName("GPKG").Create(str(path), 0, 0, 0, gdal.GDT_Unknown)
    lyr = ds.CreateLayer("conflicts", None, ogr.wkbPoint)
    lyr.CreateField(ogr.FieldDefn("conflict_id", ogr.OFTString))
    ds = None
    return path


def test_update_review_upserts_in_one_transaction(gpkg):
    assert read_review(gpkg) == []
    update_review(gpkg, [conflict("a"), conflict("b")])  # creates the table
    assert sorted(review_by_id(gpkg)) == ["a", "b"]
    assert review_by_id(gpkg)["a"]["status"] == "open"
    row = set_status(gpkg, "a", "false_positive", note="sensor is inside", reviewer="Nurul")
    assert (row["status"], row["note"], row["reviewer"]) == (
        "false_positive",
        "sensor is inside",
        "Nurul",
    )
    assert review_by_id(gpkg)["b"]["status"] == "open"
    before = read_review(gpkg)
    with pytest.raises(OutputError, match="review status 'done' is not one of"):
        update_review(
            gpkg,
            [{"conflict_id": "a", "status": "accepted"}, {"conflict_id": "b", "status": "done"}],
        )
    assert read_review(gpkg) == before  # nothing of the batch was stored
    with pytest.raises(OutputError, match="not found"):
        update_review(gpkg.with_name("none.gpkg"), [conflict("a")])
    update_review(gpkg, [conflict("z")], replace_all=True)
    assert list(review_by_id(gpkg)) == ["z"]


def test_update_review_while_qgis_has_the_file_open(gpkg, qgis_app):
    from qgis.core import QgsVectorLayer

    update_review(gpkg, [conflict("a")])
    lyr = QgsVectorLayer(f"{gpkg}|layername=review", "review", "ogr")
    assert lyr.isValid() and lyr.featureCount() == 1
    set_status(gpkg, "a", "accepted", note="n", reviewer="r")
    lyr.reload()
    (feat,) = list(lyr.getFeatures())
    assert feat["status"] == "accepted"
    del lyr
