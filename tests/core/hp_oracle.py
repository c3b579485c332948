"""Brute-force oracles: every cell intersected with shapely, every pair measured.

Slow and obviously correct; the engine must agree with them.
"""

from __future__ import annotations

import numpy as np
import rasterio
import shapely
from pyproj import CRS, Geod, Transformer


def cell_boxes(path):
    """All cells of a raster as shapely boxes, with values (NaN for nodata), row-major."""
    with rasterio.open(path) as ds:
        arr = ds.read(1, masked=True)
        vals = np.where(np.ma.getmaskarray(arr), np.nan, arr.data.astype("float64"))
        t = ds.transform
        rows, cols = np.mgrid[0 : ds.height, 0 : ds.width]
        x0 = t.c + cols * t.a
        y0 = t.f + rows * t.e
        boxes = shapely.box(x0.ravel(), (y0 + t.e).ravel(), (x0 + t.a).ravel(), y0.ravel())
        bounds = ds.bounds
        crs = CRS.from_wkt(ds.crs.to_wkt())
    return boxes, vals.ravel(), shapely.box(*bounds), crs


def to_crs(geom, src, dst):
    tr = Transformer.from_crs(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def exposure(poly, path, classes_max):
    """Per-class fractions etc. of ``poly`` (in the raster CRS) by cell-by-cell intersection."""
    boxes, vals, extent, crs = cell_boxes(path)
    with np.errstate(invalid="ignore"):  # GEOS leaves the FPU flag set; harmless
        inter = shapely.intersection(poly, boxes)
    if crs.is_geographic:
        geod = Geod(ellps="WGS84")
        area_of = lambda g: abs(geod.geometry_area_perimeter(g)[0]) if not g.is_empty else 0.0  # noqa: E731
        w = np.array([area_of(g) for g in inter])
        outside = area_of(shapely.difference(poly, extent))
    else:
        w = shapely.area(inter)
        outside = shapely.difference(poly, extent).area
    total = w.sum() + outside
    valid = (w > 0) & ~np.isnan(vals)
    k = len(classes_max) + 1
    cls = np.searchsorted(np.array(classes_max, dtype=float), vals[valid], side="left")
    frac = np.array([w[valid][cls == i].sum() for i in range(k)]) / total
    res = {
        "frac_class": frac,
        "frac_nodata": w[(w > 0) & np.isnan(vals)].sum() / total,
        "frac_outside": outside / total,
        "min": vals[valid].min() if valid.any() else np.nan,
        "max": vals[valid].max() if valid.any() else np.nan,
        "mean": (vals[valid] * w[valid]).sum() / w[valid].sum() if valid.any() else np.nan,
    }
    return res


def site_value(geom, path):
    """Point: cell containing it; line: max over cells it has length in; polygon: max over
    cells it covers with positive area."""
    boxes, vals, _extent, _crs = cell_boxes(path)
    if geom.geom_type in ("Point", "MultiPoint"):
        best = np.nan
        for p in shapely.get_parts(geom):
            with rasterio.open(path) as ds:
                t = ds.transform
                col = int(np.floor((p.x - t.c) / t.a))
                row = int(np.floor((p.y - t.f) / t.e))
                if 0 <= row < ds.height and 0 <= col < ds.width:
                    v = vals[row * ds.width + col]
                    best = np.fmax(best, v)
        return best
    with np.errstate(invalid="ignore"):
        inter = shapely.intersection(geom, boxes)
    size = (
        shapely.length(inter)
        if geom.geom_type in ("LineString", "MultiLineString")
        else shapely.area(inter)
    )
    hit = (size > 0) & ~np.isnan(vals)
    return vals[hit].max() if hit.any() else np.nan


def pairs_within(sites, heritage, distance):
    """All (site index, heritage index) with distance <= ``distance`` (full cross product)."""
    d = shapely.distance(np.asarray(sites)[:, None], np.asarray(heritage)[None, :])
    s, h = np.nonzero(d <= distance)
    return set(zip(s.tolist(), h.tolist(), strict=True))


def random_polygon(rng, cx, cy, r, *, hole=False):
    n = rng.integers(5, 12)
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    rad = r * rng.uniform(0.4, 1.0, n)
    shell = np.column_stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)])
    holes = None
    if hole:
        hr = 0.25 * r
        holes = [[(cx - hr, cy - hr), (cx - hr, cy + hr), (cx + hr, cy + hr), (cx + hr, cy - hr)]]
    return shapely.Polygon(shell, holes)
