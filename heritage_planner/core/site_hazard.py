"""Hazard value at infrastructure sites.

A point takes the value of the cell containing it; a line the maximum over the cells it passes
through (cells where it has length); a polygon the maximum over the cells it covers.
"""

from __future__ import annotations

import numpy as np
import shapely

from .errors import CancelledError
from .exposure import (
    CancelFn,
    ProgressFn,
    _reader,
    budget_chunks,
    coverage_chunk,
    spatial_order,
)
from .raster import RasterInfo, RasterReader, cell_index, sample_cells
from .threads import python_thread

#: grid crossings handled per vectorised step of the line walk (bounds memory)
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
            for chunk in budget_chunks(info, geoms, order):
                if is_cancelled is not None and is_cancelled():
                    raise CancelledError()
                owner, cov, val, _area = coverage_chunk(ds, geoms, chunk)
                ok = (cov > 0) & ~np.isnan(val)
                if ok.any():  # cells arrive grouped by polygon: one reduceat per chunk
                    o, v = owner[ok], val[ok]
                    starts = np.flatnonzero(np.r_[True, o[1:] != o[:-1]])
                    np.fmax.at(out, o[starts], np.maximum.reduceat(v, starts))
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
    """Maximum over the cells each line passes through, by an exact grid walk of every
    segment (vectorised over all segments; no geometry operation per cell)."""
    info = ds.info
    a, _, c, _, e, f = info.transform
    parts, part_of = shapely.get_parts(geoms[idx], return_index=True)
    coords, ring = shapely.get_coordinates(parts, return_index=True)
    same = ring[1:] == ring[:-1]
    # segments in cell units: u grows with columns, v with rows
    u0 = (coords[:-1, 0][same] - c) / a
    v0 = (coords[:-1, 1][same] - f) / e
    u1 = (coords[1:, 0][same] - c) / a
    v1 = (coords[1:, 1][same] - f) / e
    owner = idx[part_of[ring[:-1][same]]]
    keep = (u0 != u1) | (v0 != v1)  # zero-length segments pass through nothing
    u0, v0, u1, v1, owner = u0[keep], v0[keep], u1[keep], v1[keep], owner[keep]
    # grid lines each segment crosses (parameters t in (0, 1)), plus both ends
    nu = np.maximum(np.ceil(np.maximum(u0, u1)) - np.floor(np.minimum(u0, u1)) - 1, 0)
    nv = np.maximum(np.ceil(np.maximum(v0, v1)) - np.floor(np.minimum(v0, v1)) - 1, 0)
    counts = (nu + nv + 2).astype("int64")
    bounds = np.r_[0, np.cumsum(counts)]
    start = 0
    while start < len(u0):
        if is_cancelled is not None and is_cancelled():
            raise CancelledError()
        stop = int(np.searchsorted(bounds, bounds[start] + PAIR_CHUNK, side="right")) - 1
        stop = min(max(stop, start + 1), len(u0))
        sl = slice(start, stop)
        rows, cols, own = _walk(u0[sl], v0[sl], u1[sl], v1[sl], nu[sl], nv[sl], owner[sl])
        vals = sample_cells(ds, rows, cols)
        ok = ~np.isnan(vals)
        np.fmax.at(out, own[ok], vals[ok])
        start = stop


def _walk(u0, v0, u1, v1, nu, nv, owner):  # noqa: ANN001, ANN202 - arrays
    """(row, col, owner) of every cell the segments have length in."""
    n = len(u0)
    seg = np.arange(n)
    nu_i, nv_i = nu.astype("int64"), nv.astype("int64")
    # t of the crossings of vertical grid lines k (k between the ends, exclusive)
    su = np.repeat(seg, nu_i)
    ku = (
        np.floor(np.minimum(u0, u1))[su]
        + 1
        + (np.arange(len(su)) - np.repeat(np.cumsum(nu_i) - nu_i, nu_i))
    )
    tu = (ku - u0[su]) / (u1[su] - u0[su])
    sv = np.repeat(seg, nv_i)
    kv = (
        np.floor(np.minimum(v0, v1))[sv]
        + 1
        + (np.arange(len(sv)) - np.repeat(np.cumsum(nv_i) - nv_i, nv_i))
    )
    tv = (kv - v0[sv]) / (v1[sv] - v0[sv])
    s_all = np.concatenate([seg, seg, su, sv])
    t_all = np.concatenate([np.zeros(n), np.ones(n), tu, tv])
    ok = (t_all >= 0) & (t_all <= 1)
    s_all, t_all = s_all[ok], t_all[ok]
    order = np.lexsort((t_all, s_all))
    s_all, t_all = s_all[order], t_all[order]
    # the middle of each stretch between consecutive crossings lies inside one cell
    nxt = np.r_[s_all[1:] == s_all[:-1], False]
    i = np.flatnonzero(nxt & (np.r_[t_all[1:], 0.0] > t_all))
    sm = s_all[i]
    tm = (t_all[i] + t_all[i + 1]) / 2
    um = u0[sm] + tm * (u1[sm] - u0[sm])
    vm = v0[sm] + tm * (v1[sm] - v0[sm])
    rows, cols = np.floor(vm).astype("int64"), np.floor(um).astype("int64")
    own = owner[sm]
    # a stretch running exactly along a grid line has length in the cells on both sides
    on_u = (u0[sm] == u1[sm]) & (um == np.floor(um))
    on_v = (v0[sm] == v1[sm]) & (vm == np.floor(vm))
    rows = np.concatenate([rows, rows[on_u], rows[on_v] - 1])
    cols = np.concatenate([cols, cols[on_u] - 1, cols[on_v]])
    own = np.concatenate([own, own[on_u], own[on_v]])
    return rows, cols, own
