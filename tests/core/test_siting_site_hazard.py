"""Siting and site hazard against brute-force checks."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hp_oracle import pairs_within as oracle_pairs
from hp_oracle import random_polygon
from hp_oracle import site_value as oracle_site_value

from heritage_planner.core.raster import raster_info
from heritage_planner.core.site_hazard import site_values
from heritage_planner.core.siting import pairs_within


def _random_sites(rng, n, lo, hi):
    out = []
    for i in range(n):
        x, y = rng.uniform(lo, hi, 2)
        kind = i % 3
        if kind == 0:
            out.append(shapely.Point(x, y))
        elif kind == 1:
            pts = np.cumsum(rng.normal(0, 15, size=(rng.integers(2, 6), 2)), axis=0) + (x, y)
            out.append(shapely.LineString(pts))
        else:
            out.append(shapely.box(x, y, x + rng.uniform(0.5, 8), y + rng.uniform(0.5, 8)))
    return out


@pytest.mark.parametrize("distance", [0.0, 1.0, 5.0, 25.0])
def test_siting_pairs_equal_brute_force(distance):
    rng = np.random.default_rng(int(distance * 10) + 3)
    heritage = np.array(
        [
            shapely.make_valid(random_polygon(rng, *rng.uniform(0, 500, 2), 12, hole=i % 3 == 0))
            for i in range(120)
        ],
        dtype=object,
    )
    sites = np.array(_random_sites(rng, 300, 0, 500), dtype=object)
    s, h, d = pairs_within(sites, heritage, distance)
    assert set(zip(s.tolist(), h.tolist(), strict=True)) == oracle_pairs(sites, heritage, distance)
    assert np.allclose(d, shapely.distance(sites[s], heritage[h]))
    assert (d <= distance).all()


def test_siting_touching_counts_at_zero_distance():
    her = np.array([shapely.box(0, 0, 10, 10)], dtype=object)
    sites = np.array(
        [
            shapely.Point(10, 5),
            shapely.Point(10.001, 5),
            shapely.Point(5, 5),
            shapely.LineString([(10, 0), (20, 0)]),
        ],
        dtype=object,
    )
    s, _h, _d = pairs_within(sites, her, 0.0)
    assert s.tolist() == [0, 2, 3]


def test_site_values_hand_checked(raster_factory):
    # 3 x 3 cells of 10 m, top-left (0, 30)
    grid = np.array([[0.1, 0.3, 0.7], [1.5, -9999, 0.1], [0.1, 0.1, 0.1]], dtype="float32")
    path = raster_factory(grid, origin=(0, 30))
    info = raster_info(str(path))
    geoms = np.array(
        [
            shapely.Point(15, 25),  # 0.3 cell
            shapely.Point(15, 15),  # nodata cell
            shapely.Point(-1, 5),  # off the raster
            shapely.Point(10, 20),  # on a corner: the cell below-right (row 1, col 1) -> nodata
            shapely.LineString(
                [(1, 1), (29, 29)]
            ),  # diagonal: 0.1, nodata, 0.7 (corners don't count)
            shapely.LineString([(0, 5), (30, 5)]),  # bottom row only
            shapely.box(19, 19, 21, 21),  # covers 4 cells: 0.3, 0.7, nodata, 0.1
            shapely.MultiPoint([(5, 5), (5, 15)]),  # 0.1 and 1.5
            None,
            shapely.LineString([(0, 10), (30, 10)]),  # along the row 1/2 edge: both rows -> 1.5
            shapely.LineString([(20, 25), (20, 29)]),  # along the col 1/2 edge in row 0 -> 0.7
            shapely.LineString([(-50, 5), (5, 5)]),  # mostly off the raster -> 0.1
            shapely.LineString([(5, 5), (5, 5)]),  # zero length: passes through nothing
        ],
        dtype=object,
    )
    v = site_values(str(path), info, geoms)
    expect = [0.3, np.nan, np.nan, np.nan, 0.7, 0.1, 0.7, 1.5, np.nan, 1.5, 0.7, 0.1, np.nan]
    np.testing.assert_allclose(v, expect, rtol=1e-6)


def test_site_values_match_brute_force(raster_factory):
    rng = np.random.default_rng(5)
    vals = rng.uniform(0, 3, size=(60, 70)).astype("float32")
    vals[rng.uniform(size=vals.shape) < 0.1] = -9999
    path = raster_factory(vals, origin=(0, 600), res=(10, 10), tiled=True)
    info = raster_info(str(path))
    sites = _random_sites(rng, 150, -20, 720)
    sites.append(shapely.LineString([(1, 599), (699, 3)]))  # long diagonal across many blocks
    # lines exactly on grid lines, and through grid corners
    sites += [
        shapely.LineString([(0, 300), (700, 300)]),
        shapely.LineString([(250, 0), (250, 600)]),
        shapely.LineString([(100, 100), (400, 400)]),
        shapely.LineString([(30, 50), (30, 50.5), (90, 50.5)]),
    ]
    v = site_values(str(path), info, np.array(sites, dtype=object))
    for i, g in enumerate(sites):
        o = oracle_site_value(g, path)
        if np.isnan(o):
            assert np.isnan(v[i]), (i, g.wkt)
        else:
            assert v[i] == pytest.approx(o, rel=1e-6), (i, g.wkt)
