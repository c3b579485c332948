"""Hazard rasters: ``ID[@SCENARIO]=PATH`` specs, metadata, and block-wise reading.

Rasters are never read whole: exposure reads the windows exactextract asks for, point
sampling reads each touched block once.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyproj import CRS

from .errors import InputError

# GDAL's own block cache defaults to 5 % of RAM; the engine keeps the blocks it needs itself.
# Effective only where GDAL is not yet initialised (CLI, batch workers), never in QGIS.
os.environ.setdefault("GDAL_CACHEMAX", "256")

_SPEC = re.compile(r"^(?P<id>[^@=]+?)(?:@(?P<scenario>[^=]*))?=(?P<path>.+)$")


@dataclass(frozen=True)
class HazardInput:
    """One hazard raster tagged with the hazard id of the rules and an optional scenario."""

    hazard: str
    path: str
    scenario: str = ""

    @property
    def tag(self) -> str:
        return f"{self.hazard}@{self.scenario}" if self.scenario else self.hazard

    @classmethod
    def parse(cls, spec: str) -> HazardInput:
        m = _SPEC.match(spec.strip())
        if not m:
            raise InputError(
                f"--hazard {spec!r}: expected ID=RASTER or ID@SCENARIO=RASTER, "
                "e.g. flood@2050-ssp585=flood_2050.tif"
            )
        return cls(m["id"].strip(), m["path"].strip(), (m["scenario"] or "").strip())


@dataclass(frozen=True)
class RasterInfo:
    path: str
    crs: CRS
    width: int
    height: int
    transform: tuple[float, float, float, float, float, float]  # a, b, c, d, e, f (affine)
    nodata: float | None
    dtype: str
    block_shape: tuple[int, int]

    @property
    def res(self) -> tuple[float, float]:
        return abs(self.transform[0]), abs(self.transform[4])

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        a, _, c, _, e, f = self.transform
        xs = (c, c + a * self.width)
        ys = (f, f + e * self.height)
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def is_geographic(self) -> bool:
        return bool(self.crs.is_geographic)


def open_raster(path: str, *, what: str = "hazard raster"):  # -> rasterio.DatasetReader
    import rasterio
    from rasterio.errors import RasterioIOError

    if not Path(path).exists() and "://" not in path and not path.startswith("/vsi"):
        raise InputError(f"{what} {path}: file not found")
    try:
        return rasterio.open(path)
    except RasterioIOError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise InputError(f"{what} {path}: not a raster GDAL can read ({msg})") from None


def raster_info(path: str, *, what: str = "hazard raster") -> RasterInfo:
    with open_raster(path, what=what) as ds:
        if ds.crs is None:
            raise InputError(f"{what} {path}: has no CRS; assign one with gdal_edit.py -a_srs")
        t = ds.transform
        if t.b != 0 or t.d != 0:
            raise InputError(f"{what} {path}: rotated rasters are not supported; warp it first")
        if ds.count < 1:
            raise InputError(f"{what} {path}: has no band")
        bh, bw = ds.block_shapes[0]
        return RasterInfo(
            path=path,
            crs=CRS.from_wkt(ds.crs.to_wkt()),
            width=ds.width,
            height=ds.height,
            transform=(t.a, t.b, t.c, t.d, t.e, t.f),
            nodata=None if ds.nodata is None else float(ds.nodata),
            dtype=ds.dtypes[0],
            block_shape=(int(bh), int(bw)),
        )


def read_window_float(ds, row0: int, col0: int, nrows: int, ncols: int) -> np.ndarray:
    """A window of band 1 as float64 with nodata (and masked cells) set to NaN."""
    from rasterio.enums import MaskFlags
    from rasterio.windows import Window

    win = Window(col0, row0, ncols, nrows)
    flags = ds.mask_flag_enums[0]
    if MaskFlags.per_dataset in flags or MaskFlags.alpha in flags:
        arr = ds.read(1, window=win, masked=True)
        out = np.asarray(arr.data, dtype="float64")
        if np.ma.is_masked(arr):
            out[np.ma.getmaskarray(arr)] = np.nan
    else:
        # no mask band: nodata is the only mask; skip GDAL's mask read and the masked array
        out = ds.read(1, window=win, out_dtype="float64")
        nd = ds.nodata
        if nd is not None and not np.isnan(nd):
            out[out == nd] = np.nan
    scale, offset = ds.scales[0], ds.offsets[0]
    if scale != 1.0 or offset != 0.0:
        out = out * scale + offset
    return out


class BlockCache:
    """Windows of band 1 (float64, nodata as NaN) served from a bounded cache of aligned
    blocks, so thousands of small, spatially ordered windows cost few reads."""

    def __init__(
        self, ds, info: RasterInfo, *, block: int | None = None, max_bytes: int = 96 << 20
    ) -> None:
        if block is None:
            # the file's own tiles when square and not tiny, so no cell is decompressed for
            # nothing; 512 for strips and odd tilings
            bh, bw = info.block_shape
            block = bh if bh == bw and 128 <= bh <= 1024 else 512
        self.ds, self.info, self.block = ds, info, block
        self.max_blocks = max(4, max_bytes // (block * block * 8))
        self.cache: dict[tuple[int, int], np.ndarray] = {}

    def block_at(self, br: int, bc: int) -> np.ndarray:
        """Block (``br``, ``bc``) of the cache's grid (``block`` x ``block`` cells)."""
        return self._block(br, bc)

    def _block(self, br: int, bc: int) -> np.ndarray:
        key = (br, bc)
        arr = self.cache.pop(key, None)
        if arr is None:
            r0, c0 = br * self.block, bc * self.block
            nr = min(self.block, self.info.height - r0)
            nc = min(self.block, self.info.width - c0)
            arr = read_window_float(self.ds, r0, c0, nr, nc)
            if len(self.cache) >= self.max_blocks:
                self.cache.pop(next(iter(self.cache)))
        self.cache[key] = arr  # most recently used last
        return arr

    def read(self, row0: int, col0: int, nrows: int, ncols: int) -> np.ndarray:
        b = self.block
        br0, bc0 = row0 // b, col0 // b
        br1, bc1 = (row0 + nrows - 1) // b, (col0 + ncols - 1) // b
        if (br1 - br0 + 1) * (bc1 - bc0 + 1) > self.max_blocks // 2:
            return read_window_float(self.ds, row0, col0, nrows, ncols)  # too big to cache
        if br0 == br1 and bc0 == bc1:
            r, c = row0 - br0 * b, col0 - bc0 * b
            return self._block(br0, bc0)[r : r + nrows, c : c + ncols]
        out = np.empty((nrows, ncols))
        for br in range(br0, br1 + 1):
            for bc in range(bc0, bc1 + 1):
                blk = self._block(br, bc)
                r_lo, c_lo = max(row0, br * b), max(col0, bc * b)
                r_hi = min(row0 + nrows, br * b + blk.shape[0])
                c_hi = min(col0 + ncols, bc * b + blk.shape[1])
                out[r_lo - row0 : r_hi - row0, c_lo - col0 : c_hi - col0] = blk[
                    r_lo - br * b : r_hi - br * b, c_lo - bc * b : c_hi - bc * b
                ]
        return out


def cell_index(info: RasterInfo, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row, column of the cell containing each point (cells are closed at top/left)."""
    a, _, c, _, e, f = info.transform
    col = np.floor((np.asarray(x) - c) / a).astype("int64")
    row = np.floor((np.asarray(y) - f) / e).astype("int64")
    return row, col


class RasterReader:
    """An open hazard raster and its block cache, shared by every analysis of one run."""

    def __init__(self, path: str, info: RasterInfo) -> None:
        self.path, self.info = path, info
        self.ds = open_raster(path)
        self.cache = BlockCache(self.ds, info)

    def read(self, row0: int, col0: int, nrows: int, ncols: int) -> np.ndarray:
        return self.cache.read(row0, col0, nrows, ncols)

    def close(self) -> None:
        self.cache.cache.clear()
        self.ds.close()

    def __enter__(self) -> RasterReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sample_cells(reader: RasterReader, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Values at (row, col) pairs, taking each touched block once from the reader's cache;
    off-raster gives NaN."""
    info = reader.info
    rows = np.asarray(rows, dtype="int64")
    cols = np.asarray(cols, dtype="int64")
    out = np.full(rows.shape, np.nan)
    inside = (rows >= 0) & (rows < info.height) & (cols >= 0) & (cols < info.width)
    if not inside.any():
        return out
    bh = bw = reader.cache.block
    idx = np.flatnonzero(inside)
    br, bc = rows[idx] // bh, cols[idx] // bw
    key = br * (info.width // bw + 1) + bc
    order = np.argsort(key, kind="stable")
    idx, key, br, bc = idx[order], key[order], br[order], bc[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)]
    for s, e in zip(starts, ends, strict=True):
        r0, c0 = int(br[s] * bh), int(bc[s] * bw)
        block = reader.cache.block_at(int(br[s]), int(bc[s]))
        sel = idx[s:e]
        out[sel] = block[rows[sel] - r0, cols[sel] - c0]
    return out


def ellipsoid_cell_areas(info: RasterInfo, lat_centers: np.ndarray) -> np.ndarray:
    """True area (m²) of geographic cells centred at ``lat_centers`` (degrees), on the CRS's
    ellipsoid: exact zone area between the cell's bounding parallels times its width."""
    ell = info.crs.ellipsoid
    a = ell.semi_major_metre if ell is not None else 6378137.0
    inv_f = ell.inverse_flattening if ell is not None else 298.257223563
    f = 0.0 if not inv_f else 1.0 / inv_f
    e2 = f * (2 - f)
    b2 = a * a * (1 - e2)
    dx, dy = info.res
    unit = _angular_unit_radians(info.crs)
    phi1 = np.clip((np.asarray(lat_centers) - dy / 2) * unit, -np.pi / 2, np.pi / 2)
    phi2 = np.clip((np.asarray(lat_centers) + dy / 2) * unit, -np.pi / 2, np.pi / 2)
    return dx * unit * np.abs(_zone(phi2, e2, b2) - _zone(phi1, e2, b2))


def _zone(phi: np.ndarray, e2: float, b2: float) -> np.ndarray:
    s = np.sin(phi)
    if e2 == 0:
        return b2 * s
    e = np.sqrt(e2)
    return b2 / 2 * (s / (1 - e2 * s * s) + np.log((1 + e * s) / (1 - e * s)) / (2 * e))


def _angular_unit_radians(crs: CRS) -> float:
    try:
        factor = crs.axis_info[0].unit_conversion_factor
        return float(factor) if factor else np.pi / 180
    except (IndexError, AttributeError):
        return np.pi / 180
