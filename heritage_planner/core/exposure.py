"""Exposure of polygons to a hazard raster with exact cell coverage fractions.

exactextract computes, for every cell a polygon touches, the exact fraction of the cell the
polygon covers; here those fractions become area weights (true ellipsoidal cell areas for
geographic rasters) and then per-class fractions of the whole polygon, nodata and off-raster
parts included, so that all fractions sum to 1.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from pyproj import Geod

from .errors import CancelledError
from .raster import RasterInfo, RasterReader, ellipsoid_cell_areas
from .rules import HazardDef
from .threads import python_thread

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


def _make_sources(reader: RasterReader, geoms: np.ndarray, idx: np.ndarray):
    _, Feature, FeatureSource, RasterioRasterSource = _ee()

    class NanRaster(RasterioRasterSource):  # type: ignore[misc,valid-type]
        """Band 1 as float64 with nodata as NaN, so nodata cells can be counted."""

        def __init__(self) -> None:
            super().__init__(reader.ds, 1)
            self.isfloat = True
            self.scaled = False

        def nodata_value(self):
            return None

        def read_window(self, x0, y0, nx, ny):
            return reader.read(y0, x0, ny, nx)

    class WkbFeature(Feature):  # type: ignore[misc,valid-type]
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

    class WkbSource(FeatureSource):  # type: ignore[misc,valid-type]
        def __init__(self) -> None:
            super().__init__()
            self.wkbs = shapely.to_wkb(geoms[idx])

        def count(self):
            return len(idx)

        def __iter__(self) -> Iterator:
            for i, w in zip(idx, self.wkbs, strict=True):
                yield WkbFeature(int(i), w)

        def srs_wkt(self):
            return reader.info.crs.to_wkt()

    return NanRaster(), WkbSource()


def coverage_chunk(
    reader: RasterReader, geoms: np.ndarray, idx: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every cell touched by the polygons ``geoms[idx]`` as flat arrays: (owner index,
    coverage, value (NaN for nodata), cell area)."""
    ids, sizes, covs, vals, areas = [], [], [], [], []
    for i, cov, val, area in coverage_cells(reader, geoms, idx):
        ids.append(i)
        sizes.append(len(cov))
        covs.append(cov)
        vals.append(val)
        areas.append(area)
    if not ids:
        z = np.zeros(0)
        return np.zeros(0, dtype="int64"), z, z, z
    owner = np.repeat(np.asarray(ids, dtype="int64"), sizes)
    cov_all = np.concatenate(covs)
    if reader.info.is_geographic:
        area_all = np.concatenate(areas)
    else:
        area_all = np.full(len(cov_all), reader.info.res[0] * reader.info.res[1])
    return owner, cov_all, np.concatenate(vals), area_all


def coverage_cells(
    reader: RasterReader, geoms: np.ndarray, idx: np.ndarray
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """For each polygon ``geoms[i]``, i in ``idx``: (i, coverage, value, cell area) of every
    cell it touches (value NaN for nodata)."""
    exact_extract = _ee()[0]
    info = reader.info
    rast, vec = _make_sources(reader, geoms, idx)
    ops = ["cv=coverage(default_value=nan)", "v=values(default_value=nan)"]
    if info.is_geographic:
        ops.append("cy=center_y(default_value=nan)")
    writer = _property_writer()
    exact_extract(rast, vec, ops, include_cols=["idx"], output=writer)
    cell = info.res[0] * info.res[1]
    for p in writer.rows:
        cov = np.asarray(p["cv"], dtype="float64")
        val = np.asarray(p["v"], dtype="float64")
        if info.is_geographic:
            area = ellipsoid_cell_areas(info, np.asarray(p["cy"], dtype="float64"))
        else:
            area = np.broadcast_to(cell, cov.shape)
        yield int(p["idx"]), cov, val, area


def _property_writer() -> Any:
    """An exactextract writer that keeps each feature's results as a plain dict (its
    GeoJSON writer's extra passes over every feature are not needed here)."""
    from exactextract.feature import JSONFeature
    from exactextract.writer import Writer

    class PropertyWriter(Writer):  # type: ignore[misc,valid-type]
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[dict] = []

        def add_operation(self, op: Any) -> None:
            pass

        def write(self, feature: Any) -> None:
            f = JSONFeature()
            feature.copy_to(f)
            self.rows.append(f.feature["properties"])

        def features(self) -> list[dict]:
            return self.rows

    return PropertyWriter()


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
        out[todo] = [
            abs(geod.geometry_area_perimeter(g)[0]) if not g.is_empty else 0.0 for g in rest
        ]
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


@python_thread
def polygon_exposure(
    raster_path: str,
    info: RasterInfo,
    geoms: np.ndarray,
    hazard: HazardDef,
    *,
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
    reader: RasterReader | None = None,
) -> ExposureStats:
    """Exposure statistics of polygons ``geoms`` (already in the raster's CRS); ``reader``
    shares an open raster and its block cache with other analyses of the same run."""
    n, k = len(geoms), len(hazard.classes)
    acc = _Accumulator(n, k)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    outside = outside_areas(info, geoms)
    box = shapely.box(*info.bounds)
    touches = np.zeros(n, dtype=bool)
    if ok.any():
        touches[ok] = shapely.intersects(geoms[ok], box)
    todo = np.flatnonzero(touches)
    pieces, owner = split_large(info, geoms[todo])
    owner = todo[owner]
    order = spatial_order(pieces)
    chunks = budget_chunks(info, pieces, order)
    done = 0
    with _reader(raster_path, info, reader) as rr:
        for idx in chunks:
            if is_cancelled is not None and is_cancelled():
                raise CancelledError()
            j, cov, val, area = coverage_chunk(rr, pieces, idx)
            acc.add(owner[j], cov, val, area, hazard)
            done += len(idx)
            if progress is not None:
                progress(min(1.0, done / max(len(order), 1)))
    return acc.finish(ok, outside)


def _reader(path: str, info: RasterInfo, reader: RasterReader | None) -> Any:
    """The caller's reader (left open), or a new one closed after use."""
    return contextlib.nullcontext(reader) if reader is not None else RasterReader(path, info)


#: cells (bounding-box estimate) handed to exactextract per call; with TILE this bounds memory
CELL_BUDGET = 6_000_000


def budget_chunks(info: RasterInfo, geoms: np.ndarray, order: np.ndarray) -> list[np.ndarray]:
    """Split ``order`` into runs of at most CHUNK features and about CELL_BUDGET cells."""
    if len(order) == 0:
        return []
    dx, dy = info.res
    b = shapely.bounds(geoms[order])
    cells = (np.floor((b[:, 2] - b[:, 0]) / dx) + 2) * (np.floor((b[:, 3] - b[:, 1]) / dy) + 2)
    csum = np.cumsum(cells)
    out = []
    start = 0
    while start < len(order):
        base = csum[start - 1] if start else 0.0
        stop = int(np.searchsorted(csum, base + CELL_BUDGET, side="right"))
        stop = min(max(stop, start + 1), start + CHUNK)
        out.append(order[start:stop])
        start = stop
    return out


#: polygons whose bounding box spans more cells than this are cut into tiles of TILE² cells,
#: so memory stays bounded by the tile, not by the polygon or the raster
TILE = 2048


def split_large(info: RasterInfo, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pieces of ``geoms`` no larger than TILE x TILE cells, and the index of each piece's owner."""
    if len(geoms) == 0:
        return geoms, np.zeros(0, dtype="int64")
    dx, dy = info.res
    b = shapely.bounds(geoms)
    big = ((b[:, 2] - b[:, 0]) / dx) * ((b[:, 3] - b[:, 1]) / dy) > TILE * TILE
    if not big.any():
        return geoms, np.arange(len(geoms))
    pieces = [geoms[~big]]
    owners = [np.flatnonzero(~big)]
    x0, y0 = info.bounds[0], info.bounds[1]
    for i in np.flatnonzero(big):
        gx0, gy0, gx1, gy1 = b[i]
        # tile edges on cell edges so no cell is split between tiles
        cols = np.arange(np.floor((gx0 - x0) / dx / TILE), np.ceil((gx1 - x0) / dx / TILE) + 1)
        rows = np.arange(np.floor((gy0 - y0) / dy / TILE), np.ceil((gy1 - y0) / dy / TILE) + 1)
        xs, ys = x0 + cols * TILE * dx, y0 + rows * TILE * dy
        cx, cy = np.meshgrid(xs[:-1], ys[:-1])
        cx1, cy1 = np.meshgrid(xs[1:], ys[1:])
        tiles = shapely.box(cx.ravel(), cy.ravel(), cx1.ravel(), cy1.ravel())
        with np.errstate(invalid="ignore"):  # see site_hazard._lines
            parts = shapely.intersection(geoms[i], tiles)
        parts = parts[~shapely.is_empty(parts) & (shapely.area(parts) > 0)]
        pieces.append(parts)
        owners.append(np.full(len(parts), i))
    return np.concatenate(pieces), np.concatenate(owners)


class _Accumulator:
    """Additive sums per polygon, so a polygon can arrive in pieces."""

    def __init__(self, n: int, k: int) -> None:
        self.inside = np.zeros(n)
        self.cls = np.zeros((n, k))
        self.nodata = np.zeros(n)
        self.wsum = np.zeros(n)
        self.wv = np.zeros(n)
        self.min = np.full(n, np.inf)
        self.max = np.full(n, -np.inf)
        self.worst = np.full(n, -1, dtype="int64")
        self.k = k

    def add(
        self,
        owner: np.ndarray,
        cov: np.ndarray,
        val: np.ndarray,
        area: np.ndarray,
        hazard: HazardDef,
    ) -> None:
        """Add cells (flat arrays; ``owner`` is the polygon of each cell), all at once."""
        n = len(self.inside)
        w = cov * area
        self.inside += np.bincount(owner, weights=w, minlength=n)
        covered = cov > 0
        nod = covered & np.isnan(val)
        valid = covered & ~nod
        self.nodata += np.bincount(owner[nod], weights=w[nod], minlength=n)
        if valid.any():
            o, vv, ww = owner[valid], val[valid], w[valid]
            # cells arrive grouped by polygon: reduce each run, then fold the few runs in
            starts = np.flatnonzero(np.r_[True, o[1:] != o[:-1]])
            run_owner = o[starts]
            np.minimum.at(self.min, run_owner, np.minimum.reduceat(vv, starts))
            np.maximum.at(self.max, run_owner, np.maximum.reduceat(vv, starts))
            self.wsum += np.bincount(o, weights=ww, minlength=n)
            self.wv += np.bincount(o, weights=vv * ww, minlength=n)
            c = hazard.classify(vv)
            self.cls += np.bincount(o * self.k + c, weights=ww, minlength=n * self.k).reshape(
                n, self.k
            )
            np.maximum.at(self.worst, run_owner, np.maximum.reduceat(c, starts))

    def finish(self, ok: np.ndarray, outside: np.ndarray) -> ExposureStats:
        n = len(self.inside)
        stats = ExposureStats.empty(n, self.k)
        total = self.inside + outside
        has = ok & (total > 0)
        t = np.where(has, total, 1.0)
        stats.frac_outside = np.where(has, outside / t, np.nan)
        stats.frac_nodata = np.where(has, self.nodata / t, np.nan)
        stats.frac_class = np.where(has[:, None], self.cls / t[:, None], np.nan)
        valid = self.wsum > 0
        stats.min = np.where(valid, self.min, np.nan)
        stats.max = np.where(valid, self.max, np.nan)
        stats.mean = np.where(valid, self.wv / np.where(valid, self.wsum, 1.0), np.nan)
        stats.worst_class = np.where(valid, self.worst, -1)
        return stats
