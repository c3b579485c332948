"""Exposure of polygons to a hazard raster with exact cell coverage fractions.

exactextract computes, for every cell a polygon touches, the exact fraction of the cell the
polygon covers; here those fractions become area weights (true ellipsoidal cell areas for
geographic rasters) and then per-class fractions of the whole polygon, nodata and off-raster
parts included, so that all fractions sum to 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Geod

from .errors import CancelledError
from .raster import RasterInfo, ellipsoid_cell_areas, open_raster, read_window_float
from .rules import HazardDef

#: Features handed to exactextract per call: bounds memory, gives progress and cancel points.
CHUNK = 2000

ProgressFn = Callable[[float], None]
CancelFn = Callable[[], bool]


@dataclass
class ExposureStats:
    """Columns for n polygons; NaN where a statistic does not exist (no valid cell)."""

    min: np.ndarray
    max: np.ndarray
    mean: np.ndarray
    frac_class: np.ndarray  # (n, n_classes)
    frac_nodata: np.ndarray
    frac_outside: np.ndarray
    worst_class: np.ndarray  # int, -1 where none

    @classmethod
    def empty(cls, n: int, k: int) -> ExposureStats:
        nan = np.full(n, np.nan)
        return cls(
            nan.copy(),
            nan.copy(),
            nan.copy(),
            np.zeros((n, k)),
            np.zeros(n),
            np.zeros(n),
            np.full(n, -1, dtype="int64"),
        )


def _ee():
    from exactextract import exact_extract
    from exactextract.feature import Feature, FeatureSource
    from exactextract.raster import RasterioRasterSource

    return exact_extract, Feature, FeatureSource, RasterioRasterSource


def _make_sources(ds, info: RasterInfo, geoms: np.ndarray, idx: np.ndarray):
    _, Feature, FeatureSource, RasterioRasterSource = _ee()

    class NanRaster(RasterioRasterSource):
        """Band 1 as float64 with nodata as NaN, so nodata cells can be counted."""

        def __init__(self) -> None:
            super().__init__(ds, 1)
            self.isfloat = True
            self.scaled = False

        def nodata_value(self):
            return None

        def read_window(self, x0, y0, nx, ny):
            return read_window_float(ds, y0, x0, ny, nx)

    class WkbFeature(Feature):
        def __init__(self, i: int = -1, wkb: bytes | None = None) -> None:
            super().__init__()
            self.props: dict = {"idx": i}
            self.wkb = wkb

        def geometry(self):
            return self.wkb

        def set_geometry(self, wkb):
            self.wkb = wkb

        def set_geometry_format(self):
            return "wkb"

        def get(self, name):
            return self.props[name]

        def set(self, name, value):
            self.props[name] = value

        def fields(self):
            return list(self.props)

    class WkbSource(FeatureSource):
        def __init__(self) -> None:
            super().__init__()
            self.wkbs = shapely.to_wkb(geoms[idx])

        def count(self):
            return len(idx)

        def __iter__(self) -> Iterator:
            for i, w in zip(idx, self.wkbs, strict=True):
                yield WkbFeature(int(i), w)

        def srs_wkt(self):
            return info.crs.to_wkt()

    return NanRaster(), WkbSource()


def coverage_cells(
    ds, info: RasterInfo, geoms: np.ndarray, idx: np.ndarray
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """For each polygon ``geoms[i]``, i in ``idx``: (i, coverage, value, cell area) of every
    cell it touches (value NaN for nodata)."""
    exact_extract = _ee()[0]
    rast, vec = _make_sources(ds, info, geoms, idx)
    ops = ["cv=coverage(default_value=nan)", "v=values(default_value=nan)"]
    if info.is_geographic:
        ops.append("cy=center_y(default_value=nan)")
    res = exact_extract(rast, vec, ops, include_cols=["idx"], output="geojson")
    cell = info.res[0] * info.res[1]
    for feat in res:
        p = feat["properties"]
        cov = np.asarray(p["cv"], dtype="float64")
        val = np.asarray(p["v"], dtype="float64")
        if info.is_geographic:
            area = ellipsoid_cell_areas(info, np.asarray(p["cy"], dtype="float64"))
        else:
            area = np.full(cov.shape, cell)
        yield int(p["idx"]), cov, val, area


def outside_areas(info: RasterInfo, geoms: np.ndarray) -> np.ndarray:
    """Area (m², true area for geographic rasters) of each polygon off the raster's extent."""
    box = shapely.box(*info.bounds)
    out = np.zeros(len(geoms))
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    within = np.zeros(len(geoms), dtype=bool)
    within[ok] = shapely.within(geoms[ok], box) if ok.any() else within[ok]
    todo = np.flatnonzero(ok & ~within)
    if len(todo) == 0:
        return out
    rest = shapely.difference(geoms[todo], box)
    if info.is_geographic:
        geod = _geod(info)
        out[todo] = [abs(geod.geometry_area_perimeter(g)[0]) if not g.is_empty else 0.0 for g in rest]
    else:
        out[todo] = shapely.area(rest)
    return out


def _geod(info: RasterInfo) -> Geod:
    ell = info.crs.ellipsoid
    if ell is None:
        return Geod(ellps="WGS84")
    return Geod(a=ell.semi_major_metre, rf=ell.inverse_flattening or 0.0)


def spatial_order(geoms: np.ndarray) -> np.ndarray:
    """Indices sorted along a Z-order curve of the bounding-box centres: chunks of this order
    are spatially compact, so raster blocks are read few times."""
    b = shapely.bounds(geoms)
    cx = (b[:, 0] + b[:, 2]) / 2
    cy = (b[:, 1] + b[:, 3]) / 2
    ok = np.isfinite(cx) & np.isfinite(cy)
    if not ok.any():
        return np.arange(len(geoms))
    x0, x1 = np.nanmin(cx[ok]), np.nanmax(cx[ok])
    y0, y1 = np.nanmin(cy[ok]), np.nanmax(cy[ok])
    xs = np.where(ok, (cx - x0) / max(x1 - x0, 1e-12) * 65535, 0).astype("uint64")
    ys = np.where(ok, (cy - y0) / max(y1 - y0, 1e-12) * 65535, 0).astype("uint64")
    return np.argsort(_interleave(xs) | (_interleave(ys) << np.uint64(1)), kind="stable")


def _interleave(v: np.ndarray) -> np.ndarray:
    v = v & np.uint64(0xFFFF)
    v = (v | (v << np.uint64(8))) & np.uint64(0x00FF00FF)
    v = (v | (v << np.uint64(4))) & np.uint64(0x0F0F0F0F)
    v = (v | (v << np.uint64(2))) & np.uint64(0x33333333)
    v = (v | (v << np.uint64(1))) & np.uint64(0x55555555)
    return v


def polygon_exposure(
    raster_path: str,
    info: RasterInfo,
    geoms: np.ndarray,
    hazard: HazardDef,
    *,
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
) -> ExposureStats:
    """Exposure statistics of polygons ``geoms`` (already in the raster's CRS)."""
    n, k = len(geoms), len(hazard.classes)
    stats = ExposureStats.empty(n, k)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    stats.frac_outside[~ok] = np.nan
    stats.frac_nodata[~ok] = np.nan
    stats.frac_class[~ok] = np.nan
    outside = outside_areas(info, geoms)
    order = spatial_order(geoms)
    order = order[ok[order]]
    # polygons wholly off the raster need no cell work
    box = shapely.box(*info.bounds)
    touches = np.zeros(n, dtype=bool)
    if len(order):
        touches[order] = shapely.intersects(geoms[order], box)
    for i in order[~touches[order]]:
        stats.frac_outside[i] = 1.0 if outside[i] > 0 else np.nan
    order = order[touches[order]]
    with open_raster(raster_path) as ds:
        for start in range(0, len(order), CHUNK):
            if is_cancelled is not None and is_cancelled():
                raise CancelledError()
            idx = order[start : start + CHUNK]
            for i, cov, val, area in coverage_cells(ds, info, geoms, idx):
                _reduce(stats, i, cov, val, area, outside[i], hazard)
            if progress is not None:
                progress(min(1.0, (start + len(idx)) / max(len(order), 1)))
    return stats


def _reduce(
    stats: ExposureStats,
    i: int,
    cov: np.ndarray,
    val: np.ndarray,
    area: np.ndarray,
    outside: float,
    hazard: HazardDef,
) -> None:
    w = cov * area
    inside = float(w.sum())
    total = inside + outside
    if total <= 0:
        stats.frac_outside[i] = np.nan
        stats.frac_nodata[i] = np.nan
        stats.frac_class[i] = np.nan
        return
    valid = ~np.isnan(val) & (cov > 0)
    nod = np.isnan(val) & (cov > 0)
    stats.frac_outside[i] = outside / total
    stats.frac_nodata[i] = float(w[nod].sum()) / total
    if valid.any():
        vv, ww = val[valid], w[valid]
        stats.min[i] = vv.min()
        stats.max[i] = vv.max()
        stats.mean[i] = float((vv * ww).sum() / ww.sum())
        cls = hazard.classify(vv)
        per = np.bincount(cls, weights=ww, minlength=len(hazard.classes))
        stats.frac_class[i] = per / total
        stats.worst_class[i] = int(cls.max())
