"""Hazard value at infrastructure sites.

A point takes the value of the cell containing it; a line the maximum over the cells it passes
through (cells where it has length); a polygon the maximum over the cells it covers.
"""

from __future__ import annotations

import numpy as np
import shapely

from .errors import CancelledError
from .exposure import CancelFn, ProgressFn, _reader, coverage_cells, spatial_order
from .raster import RasterInfo, RasterReader, cell_index, sample_cells
from .threads import python_thread

#: lines are cut into pieces at most this many cells long, so each piece's candidate window
#: is at most PIECE_CELLS² cells
PIECE_CELLS = 32
#: candidate (piece, cell) pairs tested per vectorised call
PAIR_CHUNK = 500_000


@python_thread
def site_values(
    raster_path: str,
    info: RasterInfo,
    geoms: np.ndarray,
    *,
    progress: ProgressFn | None = None,
    is_cancelled: CancelFn | None = None,
    reader: RasterReader | None = None,
) -> np.ndarray:
    """Hazard value for each site geometry (in the raster's CRS); NaN where none."""
    n = len(geoms)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    ids = shapely.get_type_id(geoms)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    points = np.flatnonzero(((ids == 0) | (ids == 4)) & ~empty)
    lines = np.flatnonzero(((ids == 1) | (ids == 2) | (ids == 5)) & ~empty)
    polys = np.flatnonzero(((ids == 3) | (ids == 6)) & ~empty)
    with _reader(raster_path, info, reader) as ds:
        if len(points):
            _points(ds, geoms, points, out)
        if progress:
            progress(0.2)
        if len(lines):
            _lines(ds, geoms, lines, out, is_cancelled)
        if progress:
            progress(0.6)
        if len(polys):
            order = polys[spatial_order(geoms[polys])]
            for i, cov, val, _area in coverage_cells(ds, geoms, order):
                v = val[(cov > 0) & ~np.isnan(val)]
                if v.size:
                    out[i] = v.max()
        if progress:
            progress(1.0)
    return out


def _points(ds: RasterReader, geoms: np.ndarray, idx: np.ndarray, out: np.ndarray) -> None:
    info = ds.info
    parts, part_of = shapely.get_parts(geoms[idx], return_index=True)
    xy = shapely.get_coordinates(parts)
    rows, cols = cell_index(info, xy[:, 0], xy[:, 1])
    vals = sample_cells(ds, rows, cols)
    # multipoints: the maximum over their points
    res = np.full(len(idx), np.nan)
    ok = ~np.isnan(vals)
    np.fmax.at(res, part_of[ok], vals[ok])
    out[idx] = res


def _lines(
    ds: RasterReader,
    geoms: np.ndarray,
    idx: np.ndarray,
    out: np.ndarray,
    is_cancelled: CancelFn | None,
) -> None:
    info = ds.info
    a, _, c, _, e, f = info.transform
    dx, dy = abs(a), abs(e)
    # split every line into short straight pieces (vectorised)
    seg_len = PIECE_CELLS * min(dx, dy)
    dense = shapely.segmentize(geoms[idx], seg_len)
    parts, part_of = shapely.get_parts(dense, return_index=True)
    coords, ring = shapely.get_coordinates(parts, return_index=True)
    same = ring[1:] == ring[:-1]
    p0, p1 = coords[:-1][same], coords[1:][same]
    owner = idx[part_of[ring[:-1][same]]]
    pieces = shapely.linestrings(np.stack([p0, p1], axis=1))
    b = shapely.bounds(pieces)
    r0, c0 = cell_index(info, b[:, 0], b[:, 3])
    r1, c1 = cell_index(info, b[:, 2], b[:, 1])
    r0, r1 = np.minimum(r0, r1), np.maximum(r0, r1)
    c0, c1 = np.minimum(c0, c1), np.maximum(c0, c1)
    r0, c0 = np.clip(r0, 0, info.height - 1), np.clip(c0, 0, info.width - 1)
    r1, c1 = np.clip(r1, -1, info.height - 1), np.clip(c1, -1, info.width - 1)
    nr, nc = np.maximum(r1 - r0 + 1, 0), np.maximum(c1 - c0 + 1, 0)
    counts = nr * nc
    # candidate (piece, cell) pairs, generated and tested in bounded chunks
    bounds = np.r_[0, np.cumsum(counts)]
    start = 0
    while start < len(pieces):
        if is_cancelled is not None and is_cancelled():
            raise CancelledError()
        stop = int(np.searchsorted(bounds, bounds[start] + PAIR_CHUNK, side="right"))
        stop = max(stop - 1, start + 1)
        sl = slice(start, stop)
        cnt = counts[sl]
        tot = int(cnt.sum())
        if tot:
            pid = np.repeat(np.arange(start, stop), cnt)
            local = np.arange(tot) - np.repeat(np.r_[0, np.cumsum(cnt)[:-1]], cnt)
            rr = r0[pid] + local // nc[pid]
            cc = c0[pid] + local % nc[pid]
            x0 = c + cc * a
            y0 = f + rr * e
            cells = shapely.box(x0, y0, x0 + a, y0 + e)
            # GEOS leaves the FPU's invalid flag set on some degenerate overlays (harmless:
            # the lengths are right, the brute-force test checks them); numpy would warn
            with np.errstate(invalid="ignore"):
                hit = shapely.length(shapely.intersection(pieces[pid], cells)) > 0
            rr, cc, own = rr[hit], cc[hit], owner[pid[hit]]
            vals = sample_cells(ds, rr, cc)
            ok = ~np.isnan(vals)
            np.fmax.at(out, own[ok], vals[ok])
        start = stop
