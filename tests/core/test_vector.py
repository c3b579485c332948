"""Vector reading: the columnar (Arrow) path and the feature loop give the same layer."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hp_data import write_vector

import heritage_planner.core.vector as vector
from heritage_planner.core.errors import InputError


@pytest.mark.parametrize("driver", ["GPKG", "GeoJSON", "ESRI Shapefile"])
def test_arrow_path_equals_feature_loop(tmp_path, monkeypatch, driver):
    geoms = [shapely.Point(1, 2), None, shapely.Point(3, 4), shapely.Point(5, 6)]
    attrs = {"sid": ["a", None, "c", "邱公司"], "n": [1, 2, None, 4], "x": [0.5, None, 2.5, 3.0]}
    ext = {"GPKG": "gpkg", "GeoJSON": "geojson", "ESRI Shapefile": "shp"}[driver]
    path = write_vector(tmp_path / f"p.{ext}", geoms, attrs, driver=driver)
    fast = vector.read_vector(str(path))
    monkeypatch.setattr(vector, "_read_arrow", lambda lyr, names: None)
    slow = vector.read_vector(str(path))
    assert fast.fids.tolist() == slow.fids.tolist()
    assert fast.attributes == slow.attributes
    assert [None if g is None else g.wkb for g in fast.geoms] == [
        None if g is None else g.wkb for g in slow.geoms
    ]
    if driver != "ESRI Shapefile":  # the test writer stores shapefiles as Latin-1
        assert fast.attributes["sid"][3] == "邱公司"


def test_layer_choice_and_errors(tmp_path):
    p = tmp_path / "two.gpkg"
    write_vector(p, [shapely.Point(0, 0)], {"k": ["a"]}, layer="one")
    write_vector(
        p, [shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)], {"k": ["b", "c"]}, layer="two"
    )
    with pytest.raises(
        InputError, match=r"has 2 layers \(one, two\); pick one with .*\|layername=NAME"
    ):
        vector.read_vector(str(p))
    v = vector.read_vector(f"{p}|layername=two")
    assert v.name == "two" and len(v) == 2 and np.all(v.kinds() == "polygon")
