"""Exposure statistics against hand-checked numbers and a cell-by-cell brute-force oracle."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hp_oracle import exposure as oracle_exposure
from hp_oracle import random_polygon, to_crs
from pyproj import CRS, Geod

from heritage_planner.core.exposure import polygon_exposure
from heritage_planner.core.raster import ellipsoid_cell_areas, raster_info
from heritage_planner.core.rules import parse_rules

FLOOD = parse_rules(
    """
name = "t"
version = "1"
[[hazards]]
id = "flood"
classes = [ { name = "low", max = 0.2 }, { name = "medium", max = 0.5 }, { name = "high", max = 1.0 }, { name = "very_high" } ]
"""
).hazards["flood"]

# 3 x 3 cells of 10 m, top-left at (0, 30); row 0 is the top row.
GRID = [[0.1, 0.3, 0.7], [1.5, -9999, 0.1], [0.1, 0.1, 0.1]]


def run(path, *geoms):
    info = raster_info(str(path))
    return polygon_exposure(str(path), info, np.array(list(geoms), dtype=object), FLOOD)


@pytest.fixture
def grid(raster_factory):
    return raster_factory(np.array(GRID, dtype="float32"), origin=(0, 30))


def test_half_a_cell_and_a_whole_cell(grid):
    # left half of the 0.3 cell (x 10..15) plus the whole 0.7 cell (x 20..30), top row
    poly = shapely.union(shapely.box(10, 20, 15, 30), shapely.box(20, 20, 30, 30))
    s = run(grid, poly)
    assert s.frac_class[0].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 0])
    assert s.min[0] == pytest.approx(0.3)
    assert s.max[0] == pytest.approx(0.7)
    assert s.mean[0] == pytest.approx((0.3 * 50 + 0.7 * 100) / 150)
    assert s.frac_nodata[0] == 0 and s.frac_outside[0] == 0
    assert FLOOD.class_names[s.worst_class[0]] == "high"


def test_polygon_with_a_hole_skips_the_hole(grid):
    # whole raster minus the centre (nodata) cell: 8 cells of 100 m²
    poly = shapely.Polygon(
        [(0, 0), (0, 30), (30, 30), (30, 0)], [[(10, 10), (20, 10), (20, 20), (10, 20)]]
    )
    s = run(grid, poly)
    # low: 0.1 x5 cells, medium 0.3, high 0.7, very_high 1.5
    assert s.frac_class[0].tolist() == pytest.approx([5 / 8, 1 / 8, 1 / 8, 1 / 8])
    assert s.frac_nodata[0] == pytest.approx(0.0)
    assert s.mean[0] == pytest.approx((0.1 * 5 + 0.3 + 0.7 + 1.5) / 8)


def test_multipolygon_and_nodata(grid):
    # the nodata cell and the 1.5 cell, as two parts
    poly = shapely.MultiPolygon([shapely.box(10, 10, 20, 20), shapely.box(0, 10, 10, 20)])
    s = run(grid, poly)
    assert s.frac_nodata[0] == pytest.approx(0.5)
    assert s.frac_class[0].tolist() == pytest.approx([0, 0, 0, 0.5])
    assert s.min[0] == s.max[0] == pytest.approx(1.5)


def test_half_off_the_raster(grid):
    poly = shapely.box(-10, 0, 10, 10)  # half over the bottom-left 0.1 cell, half off
    s = run(grid, poly)
    assert s.frac_outside[0] == pytest.approx(0.5)
    assert s.frac_class[0].tolist() == pytest.approx([0.5, 0, 0, 0])


def test_inside_a_single_cell_and_wholly_off(grid):
    tiny = shapely.box(21, 21, 21.5, 21.25)  # inside the 0.7 cell
    off = shapely.box(100, 100, 110, 110)
    s = run(grid, tiny, off, None)
    assert s.frac_class[0].tolist() == pytest.approx([0, 0, 1, 0])
    assert s.min[0] == s.max[0] == s.mean[0] == pytest.approx(0.7)
    assert s.frac_outside[1] == 1.0 and np.isnan(s.mean[1]) and s.worst_class[1] == -1
    assert np.isnan(s.frac_outside[2])  # null geometry: no statistics


def test_fractions_sum_to_one(grid):
    poly = shapely.box(-5, 5, 25, 35)
    s = run(grid, poly)
    assert s.frac_class[0].sum() + s.frac_nodata[0] + s.frac_outside[0] == pytest.approx(1.0)


def test_geographic_raster_weights_cells_by_true_area(raster_factory):
    # two 1-degree cells at very different latitudes: 60..61 N and 0..1 N
    vals = np.full((61, 1), -9999.0, dtype="float32")
    vals[0, 0] = 0.1  # 60..61
    vals[60, 0] = 0.7  # 0..1
    path = raster_factory(vals, crs="EPSG:4326", origin=(100, 61), res=(1, 1))
    poly = shapely.union(shapely.box(100, 60, 101, 61), shapely.box(100, 0, 101, 1))
    s = run(path, poly)
    geod = Geod(ellps="WGS84")
    a_north = abs(geod.geometry_area_perimeter(shapely.box(100, 60, 101, 61).segmentize(0.001))[0])
    a_south = abs(geod.geometry_area_perimeter(shapely.box(100, 0, 101, 1).segmentize(0.001))[0])
    expect_low = a_north / (a_north + a_south)
    assert expect_low == pytest.approx(0.33, abs=0.01)  # cos(60°) ≈ half the area
    assert s.frac_class[0, 0] == pytest.approx(expect_low, abs=1e-5)
    assert s.frac_class[0, 2] == pytest.approx(1 - expect_low, abs=1e-5)
    assert s.mean[0] == pytest.approx(0.1 * expect_low + 0.7 * (1 - expect_low), abs=1e-5)


def test_ellipsoid_cell_area_matches_geodesic_area(raster_factory):
    path = raster_factory(
        np.zeros((2, 2), dtype="float32"), crs="EPSG:4326", origin=(100, 5.5), res=(0.01, 0.01)
    )
    info = raster_info(str(path))
    got = ellipsoid_cell_areas(info, np.array([5.495]))[0]
    geod = Geod(ellps="WGS84")
    want = abs(geod.geometry_area_perimeter(shapely.box(100, 5.49, 100.01, 5.5))[0])
    assert got == pytest.approx(want, rel=1e-7)


def test_layer_in_4326_against_raster_in_utm(grid):
    from heritage_planner.core.geo import reproject

    box_utm = shapely.box(10, 20, 30, 30)  # 0.3 cell + 0.7 cell
    ll = to_crs(box_utm, "EPSG:32647", "EPSG:4326")
    back = reproject(np.array([ll], dtype=object), CRS.from_epsg(4326), CRS.from_epsg(32647))
    s = run(grid, back[0])
    assert s.frac_class[0].tolist() == pytest.approx([0, 0.5, 0.5, 0], abs=1e-6)


def test_random_polygons_match_brute_force(raster_factory):
    rng = np.random.default_rng(7)
    vals = rng.uniform(0, 1.6, size=(40, 50)).astype("float32")
    vals[rng.uniform(size=vals.shape) < 0.08] = -9999
    vals[5:9, 30:34] = np.nan
    path = raster_factory(vals, origin=(1000, 2000), res=(7.5, 5.0))
    geoms = []
    for i in range(40):
        cx, cy = rng.uniform(960, 1420), rng.uniform(1780, 2040)  # some off the raster edge
        g = random_polygon(rng, cx, cy, rng.uniform(2, 60), hole=i % 4 == 0)
        if i % 5 == 0:
            g = shapely.union(g, random_polygon(rng, cx + 90, cy, 10))
        geoms.append(shapely.make_valid(g))
    s = run(path, *geoms)
    for i, g in enumerate(geoms):
        o = oracle_exposure(g, path, [0.2, 0.5, 1.0])
        assert s.frac_class[i] == pytest.approx(o["frac_class"], abs=2e-4)
        assert s.frac_nodata[i] == pytest.approx(o["frac_nodata"], abs=2e-4)
        assert s.frac_outside[i] == pytest.approx(o["frac_outside"], abs=2e-4)
        if np.isnan(o["mean"]):
            assert np.isnan(s.mean[i])
        else:
            assert s.min[i] == pytest.approx(o["min"], rel=1e-4)
            assert s.max[i] == pytest.approx(o["max"], rel=1e-4)
            assert s.mean[i] == pytest.approx(o["mean"], rel=1e-4)


def test_geographic_random_polygons_match_brute_force(raster_factory):
    rng = np.random.default_rng(11)
    vals = rng.uniform(0, 1.6, size=(30, 30)).astype("float32")
    vals[rng.uniform(size=vals.shape) < 0.1] = -9999
    path = raster_factory(vals, crs="EPSG:4326", origin=(100.3, 5.45), res=(0.002, 0.002))
    geoms = [
        shapely.make_valid(
            random_polygon(rng, rng.uniform(100.29, 100.37), rng.uniform(5.38, 5.46), 0.01)
        )
        for _ in range(10)
    ]
    s = run(path, *geoms)
    for i, g in enumerate(geoms):
        o = oracle_exposure(g.segmentize(0.0005), path, [0.2, 0.5, 1.0])
        assert s.frac_class[i] == pytest.approx(o["frac_class"], abs=2e-4)
        assert s.frac_outside[i] == pytest.approx(o["frac_outside"], abs=2e-4)
        assert s.frac_nodata[i] == pytest.approx(o["frac_nodata"], abs=2e-4)


def test_large_polygons_cut_into_tiles_give_the_same_numbers(raster_factory, monkeypatch):
    import heritage_planner.core.exposure as ex

    rng = np.random.default_rng(3)
    vals = rng.uniform(0, 1.6, size=(40, 50)).astype("float32")
    vals[rng.uniform(size=vals.shape) < 0.05] = -9999
    path = raster_factory(vals, origin=(1000, 2000), res=(7.5, 5.0))
    geoms = [
        shapely.make_valid(random_polygon(rng, 1180, 1900, 170, hole=True)),
        shapely.box(990, 1790, 1400, 2010),
    ]  # bigger than the raster
    whole = run(path, *geoms)
    monkeypatch.setattr(ex, "TILE", 4)
    pieces, owner = ex.split_large(raster_info(str(path)), np.array(geoms, dtype=object))
    assert len(pieces) > 20 and set(owner.tolist()) == {0, 1}
    tiled = run(path, *geoms)
    for name in ("frac_class", "frac_nodata", "frac_outside", "min", "max", "mean"):
        np.testing.assert_allclose(getattr(tiled, name), getattr(whole, name), rtol=1e-7, atol=1e-9)
    o = oracle_exposure(geoms[0], path, [0.2, 0.5, 1.0])
    assert tiled.frac_class[0] == pytest.approx(o["frac_class"], abs=2e-4)
