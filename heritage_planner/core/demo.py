"""Deterministic, synthetic George Town sample data for ``make demo``, tests and tutorials.

Everything comes from one seed (``numpy.random.default_rng``): a street grid parallel to the
waterfront, shophouse footprints in the UNESCO core and buffer zones, smart-city sites, and
hazard rasters derived from a synthetic terrain that slopes down to the sea in the north-east.
Nothing here is real survey data, and every file says so in its metadata.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from .errors import InputError

EPSG = 32647
CORE_HA = 109.38
BUFFER_HA = 150.04
CENTRE_LONLAT = (100.335, 5.417)
CELL = 5.0
NODATA = -9999.0
SYNTHETIC_NOTE = "SYNTHETIC sample data for Heritage Planner — not real survey data"
#: written into the GeoPackages instead of the current time, so that they are reproducible
#: byte for byte (the day George Town was inscribed on the World Heritage List)
TIMESTAMP = "2008-07-07T00:00:00Z"
SITES_LAYERS = ("sites_points", "sites_lines", "sites_polygons")
MIN_BUILDINGS, MAX_BUILDINGS = 50, 8000
MIN_SITES, MAX_SITES = 30, 5000

#: the street grid and the coast run NW-SE; the sea lies to the north-east
_GRID_ANGLE = math.radians(-38.0)
_EU = (math.cos(_GRID_ANGLE), math.sin(_GRID_ANGLE))  # along the coast, to the south-east
_EV = (-math.sin(_GRID_ANGLE), math.cos(_GRID_ANGLE))  # towards the sea, to the north-east

#: core zone outline in the local frame (u along the coast, v towards the sea), before scaling
_CORE_SHAPE = [
    (-620, 300), (-300, 330), (100, 320), (480, 285), (640, 150), (665, -150), (560, -420),
    (200, -480), (-250, -500), (-560, -380), (-665, -60),
]  # fmt: skip
_PARK = (-520.0, 215.0, 120.0, 60.0)  # the Padang: centre u, v and half axes (m)

_STREETS = [
    ("Lebuh Light", ""), ("Lebuh Farquhar", ""), ("Lebuh Bishop", ""), ("Lebuh Church", ""),
    ("Lebuh Pantai", "土库街"), ("Lebuh China", "中街"), ("Lebuh Chulia", "牛干冬"),
    ("Lebuh Armenian", "打铜仔街"), ("Lebuh Acheh", "打石街"), ("Lebuh Cannon", "大门楼"),
    ("Lebuh Muntri", ""), ("Lebuh Stewart", ""), ("Lebuh Campbell", "新街"),
    ("Lebuh Kimberley", "汕头街"), ("Lebuh Carnarvon", "柑仔园"), ("Lebuh Queen", ""),
    ("Lebuh King", ""), ("Lebuh Leith", ""), ("Lebuh Love", ""), ("Lebuh Melayu", ""),
    ("Jalan Masjid Kapitan Keling", ""), ("Lorong Toh Aka", ""), ("Lebuh Noordin", ""),
    ("Jalan Magazine", ""), ("Lebuh Victoria", ""), ("Lebuh Union", ""), ("Jalan Transfer", ""),
    ("Lebuh Tamil", ""), ("Lebuh Presgrave", ""), ("Jalan Dr. Lim Chwee Leong", ""),
]  # fmt: skip

_LANDMARKS = [
    "Khoo Kongsi 邱公司", "Cheong Fatt Tze Mansion 张弼士故居", "Masjid Kapitan Keling",
    "ஸ்ரீ மகாமாரியம்மன் கோவில்", "Kuan Yin Teng 观音亭", "St. George's Church",
    "Cathedral of the Assumption", "Cheah Kongsi 谢公司", "Yap Kongsi 叶氏宗祠",
    "Hainan Temple 海南会馆", "Masjid Melayu Lebuh Acheh", "Syed Alatas Mansion",
    "Pinang Peranakan Mansion", "Nagore Dargah நாகூர் தர்கா", "Penang State Museum",
    "Town Hall", "City Hall (Dewan Bandaraya)", "Han Jiang Ancestral Temple 韩江家庙",
    "Sun Yat Sen Base 孙中山基地", "Lim Kongsi 林公司", "Penang Chinese Town Hall 平章会馆",
    "Hock Teik Cheng Sin Temple 福德正神庙", "Sri Arulmigu Balathandayuthapani Kovil",
    "Teochew Association", "Leong San Tong 龙山堂", "Masjid Lebuh Noordin",
    "Standard Chartered Bank Building", "Logan Heritage Godown", "Dewan Sri Pinang",
    "Tua Pek Kong Temple 大伯公庙", "Choo Chay Keong Temple 朱池宫", "Kapitan Kling Madrasah",
]  # fmt: skip

_CAT1_TEMPLATES = [
    "Clan association house {no} {street}", "Former godown {no} {street}",
    "Townhouse {no} {street}", "Kedai Kopi {no} {street}", "Rumah Kedai {no} {street}",
]  # fmt: skip

_OPERATORS = {
    "5g_small_cell": ["CelcomDigi", "Maxis", "U Mobile", "Unifi Mobile"],
    "smart_pole": ["MBPP Smart City", "Digital Penang", "edotco"],
    "iot_sensor": ["Digital Penang", "MBPP", "JPS Pulau Pinang"],
    "ev_charger": ["TNB Electron", "ChargEV", "Gentari"],
    "cctv": ["MBPP", "PDRM", "Digital Penang"],
    "fibre_conduit": ["TM", "TIME dotCom", "Maxis", "Allo"],
    "street_cabinet": ["TM", "TIME dotCom", "TNB", "CelcomDigi"],
}

_OPERATORS = {
    "5g_small_cell": ["CelcomDigi", "Maxis", "U Mobile", "Unifi Mobile"],
    "smart_pole": ["MBPP Smart City", "Digital Penang", "edotco"],
    "iot_sensor": ["Digital Penang", "MBPP", "JPS Pulau Pinang"],
    "ev_charger": ["TNB Electron", "ChargEV", "Gentari"],
    "cctv": ["MBPP", "PDRM", "Digital Penang"],
    "fibre_conduit": ["TM", "TIME dotCom", "Maxis", "Allo"],
    "street_cabinet": ["TM", "TIME dotCom", "TNB", "CelcomDigi"],
}
#: relative numbers of point sites by kind
_POINT_KINDS = {
    "5g_small_cell": 24,
    "smart_pole": 19,
    "iot_sensor": 21,
    "ev_charger": 14,
    "cctv": 22,
}


@dataclass(frozen=True)
class DemoFiles:
    """Paths of the sample data written by :func:`generate_demo`."""

    folder: Path
    heritage: Path  # heritage.gpkg, layer "heritage"
    zones: Path  # zones.gpkg, layer "zones"
    sites: Path  # sites.gpkg, layers sites_points, sites_lines, sites_polygons
    flood: Path  # flood_100y.tif
    lst: Path  # lst.tif
    slr: Path  # slr_2050.tif
    dem: Path  # dem.tif, the terrain the hazards are derived from

    @classmethod
    def in_folder(cls, folder: str | Path) -> DemoFiles:
        f = Path(folder)
        return cls(
            folder=f,
            heritage=f / "heritage.gpkg",
            zones=f / "zones.gpkg",
            sites=f / "sites.gpkg",
            flood=f / "flood_100y.tif",
            lst=f / "lst.tif",
            slr=f / "slr_2050.tif",
            dem=f / "dem.tif",
        )

    def sites_sources(self) -> list[str]:
        """The three sites layers as OGR sources (``path|layername=NAME``)."""
        return [f"{self.sites}|layername={name}" for name in SITES_LAYERS]

    def hazard_specs(self) -> list[str]:
        """``ID[@SCENARIO]=RASTER`` specs for the hazards of the default rules."""
        return [f"flood={self.flood}", f"heat={self.lst}", f"slr@2050-ssp585={self.slr}"]

    def paths(self) -> list[Path]:
        """Every file written."""
        return [self.heritage, self.zones, self.sites, self.flood, self.lst, self.slr, self.dem]


# ---------------------------------------------------------------------------- the local frame


@dataclass(frozen=True)
class _Frame:
    """Street frame: world = centre + u * EU + v * EV (u along the coast, v towards the sea)."""

    cx: float
    cy: float

    def to_world(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.cx + u * _EU[0] + v * _EV[0], self.cy + u * _EU[1] + v * _EV[1]

    def to_local(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dx, dy = x - self.cx, y - self.cy
        return dx * _EU[0] + dy * _EU[1], dx * _EV[0] + dy * _EV[1]

    def geoms_to_world(self, geoms: Any) -> Any:
        """Geometries (or an array of them) to UTM, rounded to the millimetre."""

        def fn(c: np.ndarray) -> np.ndarray:
            x, y = self.to_world(c[:, 0], c[:, 1])
            return np.round(np.column_stack([x, y]), 3)

        return shapely.transform(geoms, fn)


def _coast_v(u: np.ndarray | float) -> np.ndarray:
    """The shoreline in the local frame: its v at each u."""
    return 400.0 + 30.0 * np.sin(np.asarray(u, dtype="float64") / 450.0 + 0.6)


def _centre() -> tuple[float, float]:
    tr = Transformer.from_crs("EPSG:4326", f"EPSG:{EPSG}", always_xy=True)
    x, y = tr.transform(*CENTRE_LONLAT)
    return float(round(x)), float(round(y))


def _zones(frame: _Frame) -> tuple[Polygon, Polygon, Polygon]:
    """Core, buffer ring and their union (UTM), with the UNESCO areas.

    The core outline is scaled to 109.38 ha; the buffer is the core grown by the distance
    (found by bisection) that gives a 150.04 ha ring once clipped at the waterfront.
    """
    core_l = Polygon(_CORE_SHAPE)
    k = math.sqrt(CORE_HA * 1e4 / core_l.area)
    core_l = shapely.affinity.scale(core_l, k, k, origin=(0, 0))
    us = np.arange(-4000.0, 4001.0, 25.0)[::-1]
    land = Polygon(
        [(-4000.0, -4000.0), (4000.0, -4000.0), *zip(us, _coast_v(us) - 15.0, strict=True)]
    )
    core = frame.geoms_to_world(core_l)

    def ring(d: float) -> tuple[Any, Any]:
        outer = frame.geoms_to_world(core_l.buffer(d, quad_segs=4).intersection(land))
        return outer, outer.difference(core)

    lo, hi = 0.0, 2000.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if ring(mid)[1].area < BUFFER_HA * 1e4 else (lo, mid)
    outer, buf = ring(0.5 * (lo + hi))
    return core, buf, outer


# ---------------------------------------------------------------------------- lots and buildings


@dataclass
class _Lots:
    """Every plot of the street grid, as columns."""

    u0: np.ndarray  # start along the street
    w: np.ndarray  # frontage
    vf: np.ndarray  # v of the street front
    dirn: np.ndarray  # +1: the plot extends to +v from its front, -1: to -v
    depth: np.ndarray
    large: np.ndarray  # a merged plot: clan house, mansion, godown, place of worship
    lshape: np.ndarray
    street: np.ndarray  # index of the street in front
    row: np.ndarray  # the terrace (block side) the plot belongs to

    def rects(self) -> np.ndarray:
        back = self.vf + self.dirn * self.depth
        return shapely.box(
            self.u0, np.minimum(self.vf, back), self.u0 + self.w, np.maximum(self.vf, back)
        )

    def back(self) -> np.ndarray:
        return np.maximum(self.vf, self.vf + self.dirn * self.depth)


def _extents(
    rng: np.random.Generator,
    lo: float,
    hi: float,
    size: tuple[float, float],
    gap: tuple[float, float],
) -> list[tuple[float, float]]:
    """Consecutive (start, end) extents from ``lo`` to ``hi`` separated by random gaps."""
    out, pos = [], lo
    while pos < hi:
        length = float(rng.uniform(*size))
        out.append((pos, pos + length))
        pos += length + float(rng.uniform(*gap))
    return out


def _lots(rng: np.random.Generator, ubox: tuple[float, float], vbox: tuple[float, float]) -> _Lots:
    """Terraces of plots along both long sides of every block, back lanes between them."""
    cols = _extents(rng, *ubox, (90.0, 170.0), (8.0, 12.0))
    rows = _extents(rng, *vbox, (50.0, 66.0), (8.0, 14.0))
    names = [n for n in _Lots.__dataclass_fields__]
    acc: dict[str, list[np.ndarray]] = {n: [] for n in names}
    row_id = 0
    for j, (b0, b1) in enumerate(rows):
        half = 0.5 * (b1 - b0) - 1.0
        for c0, c1 in cols:
            for side in (0, 1):
                k = int((c1 - c0) / 4.0) + 2
                w = rng.uniform(4.3, 6.5, k)
                large = rng.random(k) < 0.035
                w[large] = rng.uniform(14.0, 26.0, int(large.sum()))
                vacant = rng.random(k) < 0.06
                start = c0 + np.concatenate([[0.0], np.cumsum(w)[:-1]])
                depth = np.where(large, rng.uniform(18.0, 30.0, k), rng.uniform(15.0, 30.0, k))
                lshape = rng.random(k) < 0.35
                sel = (start + w <= c1) & ~vacant
                n = int(sel.sum())
                acc["u0"].append(start[sel])
                acc["w"].append(w[sel])
                acc["vf"].append(np.full(n, b0 if side == 0 else b1))
                acc["dirn"].append(np.full(n, 1.0 if side == 0 else -1.0))
                acc["depth"].append(np.minimum(depth[sel], half))
                acc["large"].append(large[sel])
                acc["lshape"].append(lshape[sel] & ~large[sel])
                # side 0 faces the street below the block (street j), side 1 the one above
                acc["street"].append(np.full(n, j + side, dtype="int64"))
                acc["row"].append(np.full(n, row_id, dtype="int64"))
                row_id += 1
    return _Lots(**{n: np.concatenate(acc[n]) for n in names})


def _part(
    lots: _Lots, i: int, t0: float, t1: float, a0: float = 0.0, a1: float = 1.0
) -> list[tuple[float, float]]:
    """Corners of the part [a0, a1] (fractions of the frontage) x [t0, t1] (m deep) of plot i."""
    u0, w, vf, s = float(lots.u0[i]), float(lots.w[i]), float(lots.vf[i]), float(lots.dirn[i])
    ua, ub, va, vb = u0 + a0 * w, u0 + a1 * w, vf + s * t0, vf + s * t1
    return [(ua, va), (ub, va), (ub, vb), (ua, vb)]


def _footprints(lots: _Lots, idx: np.ndarray, courtyard: set[int], multi: set[int]) -> np.ndarray:
    """MultiPolygon footprints (local frame) of plots ``idx``: rectangles, L-shapes, courtyard
    houses (a polygon with a hole) and houses with a detached rear kitchen (two parts)."""
    out = np.empty(len(idx), dtype=object)
    for k, i in enumerate(int(x) for x in idx):
        d = float(lots.depth[i])
        if i in courtyard:
            parts = [Polygon(_part(lots, i, 0, d), [_part(lots, i, 0.35 * d, 0.7 * d, 0.3, 0.7)])]
        elif i in multi:
            parts = [
                Polygon(_part(lots, i, 0.0, 0.62 * d)),
                Polygon(_part(lots, i, 0.72 * d, d, 0.2, 1.0)),
            ]
        elif lots.lshape[i]:
            front, rear = _part(lots, i, 0.0, 0.6 * d), _part(lots, i, 0.6 * d, d, 0.0, 0.6)
            parts = [Polygon([front[0], front[1], front[2], rear[1], rear[2], rear[3]])]
        else:
            parts = [Polygon(_part(lots, i, 0.0, d))]
        out[k] = MultiPolygon([orient(p) for p in parts])
    return out


@dataclass
class _Town:
    """The street grid and which plots are what."""

    lots: _Lots
    her: np.ndarray  # plot index of each heritage building, in hid order
    zone: np.ndarray  # "core" / "buffer" per heritage building
    cat1: np.ndarray  # bool per heritage building
    footprints_local: np.ndarray
    names: list[str]
    outside: np.ndarray  # plots outside the zones (sites out there hang on them)
    fabric: np.ndarray  # outline boxes (UTM) of every built plot, listed or not


def _town(
    rng: np.random.Generator,
    frame: _Frame,
    zones: tuple[Polygon, Polygon, Polygon],
    grid: _Grid,
    n_buildings: int,
) -> _Town:
    core, buf, outer = zones
    cu, cv = frame.to_local(grid.corners()[0], grid.corners()[1])
    lots = _lots(rng, (cu.min() - 50.0, cu.max() + 50.0), (cv.min() - 50.0, 470.0))
    pu, pv, pa, pb = _PARK
    park = shapely.affinity.scale(shapely.Point(pu, pv).buffer(1.0), pa, pb)
    ok = lots.back() <= _coast_v(lots.u0 + 0.5 * lots.w) - 15.0
    ok &= ~shapely.intersects(lots.rects(), park)
    world = frame.geoms_to_world(lots.rects())
    for g in (core, buf, outer):
        shapely.prepare(g)
    in_core = ok & shapely.within(world, core)
    in_buf = ok & shapely.within(world, buf)
    inland = _coast_v(lots.u0) - lots.back() > 40.0
    away = shapely.within(world, grid.box(-100.0)) & ~shapely.intersects(world, outer)
    outside = np.flatnonzero(ok & inland & away)

    # listed terraces drawn at random (those in the core three times as likely), with some
    # modern infill between the listed houses
    cand = np.flatnonzero(in_core | in_buf)
    if len(cand) < 1.25 * n_buildings:
        raise InputError(
            f"demo: at most {int(len(cand) / 1.25)} buildings fit in the zones, "
            f"asked for {n_buildings}"
        )
    rows, inv = np.unique(lots.row[cand], return_inverse=True)
    weight = 1.0 + 2.0 * np.bincount(inv, weights=in_core[cand]) / np.bincount(inv)
    chosen: list[int] = []
    for r in rng.choice(len(rows), size=len(rows), replace=False, p=weight / weight.sum()):
        members = cand[inv == r]
        chosen.extend(int(m) for m in members[rng.random(len(members)) > 0.1])
        if len(chosen) >= n_buildings:
            break
    her = np.array(sorted(chosen[:n_buildings]), dtype="int64")
    zone = np.where(in_core[her], "core", "buffer")

    # Category I (~5 %): the large plots, core first, then a few shophouses
    n_cat1 = max(3, round(0.05 * n_buildings))
    large = her[lots.large[her]]
    large = large[np.argsort(~in_core[large], kind="stable")]
    small = her[~lots.large[her]]
    extra = rng.choice(small, size=max(0, n_cat1 - len(large)), replace=False)
    cat1 = np.isin(her, np.concatenate([large[:n_cat1], extra]))
    n_special = max(3, n_buildings // 400)
    courtyard = {int(i) for i in large if lots.w[i] >= 12.0 and lots.depth[i] >= 18.0}
    courtyard = set(sorted(courtyard)[:n_special])
    deep = small[lots.depth[small] >= 20.0]
    multi = {int(i) for i in rng.choice(deep, size=n_special, replace=False)}
    return _Town(
        lots=lots,
        her=her,
        zone=zone,
        cat1=cat1,
        footprints_local=_footprints(lots, her, courtyard, multi),
        names=_names(rng, lots, her, cat1, cand),
        outside=outside,
        fabric=world[ok],
    )


def _names(
    rng: np.random.Generator, lots: _Lots, her: np.ndarray, cat1: np.ndarray, cand: np.ndarray
) -> list[str]:
    """Landmark names for the large Category I plots, street addresses for the others."""
    # house numbers: odd on one side of a street, even on the other, rising along it
    side = (lots.dirn[cand] < 0).astype("int64")
    order = cand[np.lexsort((lots.u0[cand], side, lots.street[cand]))]
    group = 2 * lots.street[order] + (lots.dirn[order] < 0)
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    pos = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    number = np.zeros(len(lots.u0), dtype="int64")
    number[order] = 2 * pos + 1 + (lots.dirn[order] < 0)
    first = int(np.median(lots.street[her])) - len(_STREETS) // 2
    landmarks = iter(_LANDMARKS)
    names: list[str] = []
    for k, i in enumerate(int(x) for x in her):
        s = int(lots.street[i]) - first
        street, hanzi = _STREETS[s] if 0 <= s < len(_STREETS) else (f"Lorong {abs(s) + 1}", "")
        no = int(number[i])
        landmark = next(landmarks, None) if cat1[k] and lots.large[i] else None
        if landmark is not None:
            names.append(landmark)
        elif cat1[k]:
            template = _CAT1_TEMPLATES[int(rng.integers(len(_CAT1_TEMPLATES)))]
            names.append(template.format(no=no, street=street))
        else:
            r = rng.random()
            if r < 0.4:
                names.append(f"{no} {street}")
            elif r < 0.65:
                names.append(f"Shophouse {no} {street}")
            elif r < 0.8:
                names.append(f"Rumah Kedai {no} {street}")
            elif r < 0.9 and hanzi:
                names.append(f"{no} {street} {hanzi}")
            else:
                names.append(f"No. {no}, {street}")
    return names


# ---------------------------------------------------------------------------- rasters


@dataclass(frozen=True)
class _Grid:
    """The north-up 5 m raster grid shared by all rasters."""

    x0: float
    y1: float
    width: int
    height: int

    @classmethod
    def around(cls, bounds: tuple[float, float, float, float]) -> _Grid:
        """The zones plus 300 m, and 500 m more sea to the north and east."""
        minx, miny, maxx, maxy = bounds
        x0 = math.floor((minx - 300.0) / CELL) * CELL
        y0 = math.floor((miny - 300.0) / CELL) * CELL
        x1 = math.ceil((maxx + 500.0) / CELL) * CELL
        y1 = math.ceil((maxy + 500.0) / CELL) * CELL
        return cls(x0, y1, round((x1 - x0) / CELL), round((y1 - y0) / CELL))

    @property
    def transform(self) -> Any:  # affine.Affine
        from affine import Affine

        return Affine(CELL, 0.0, self.x0, 0.0, -CELL, self.y1)

    def corners(self) -> tuple[np.ndarray, np.ndarray]:
        x1, y0 = self.x0 + CELL * self.width, self.y1 - CELL * self.height
        return np.array([self.x0, x1, self.x0, x1]), np.array([y0, y0, self.y1, self.y1])

    def box(self, grow: float = 0.0) -> Any:
        xs, ys = self.corners()
        return shapely.box(xs.min() - grow, ys.min() - grow, xs.max() + grow, ys.max() + grow)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        xs = self.x0 + CELL * (np.arange(self.width) + 0.5)
        ys = self.y1 - CELL * (np.arange(self.height) + 0.5)
        gx, gy = np.meshgrid(xs, ys)
        return gx, gy


def _box_blur(a: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)² window, clipped at the edges, by cumulative sums."""

    def along(x: np.ndarray, axis: int) -> np.ndarray:
        n = x.shape[axis]
        c = np.cumsum(x, axis=axis)
        c = np.concatenate([np.zeros_like(np.take(c, [0], axis=axis)), c], axis=axis)
        hi = np.minimum(np.arange(n) + r + 1, n)
        lo = np.maximum(np.arange(n) - r, 0)
        count = (hi - lo)[:, None] if axis == 0 else (hi - lo)[None, :]
        return (np.take(c, hi, axis=axis) - np.take(c, lo, axis=axis)) / count

    return along(along(a, 0), 1)


def _waves(
    rng: np.random.Generator, u: np.ndarray, v: np.ndarray, n: int, lengths: tuple[float, float]
) -> np.ndarray:
    """Smooth noise in [-1, 1]: the mean of ``n`` random plane waves."""
    out = np.zeros_like(u)
    for _ in range(n):
        ang = rng.uniform(0.0, math.pi)
        k = 2.0 * math.pi / rng.uniform(*lengths)
        phase = rng.uniform(0.0, 2.0 * math.pi)
        out += np.sin(k * (u * math.cos(ang) + v * math.sin(ang)) + phase)
    return out / n


@dataclass
class _Rasters:
    dem: np.ndarray
    flood: np.ndarray  # NaN = nodata
    lst: np.ndarray
    slr: np.ndarray


#: drainage lows of the terrain: ranges of u and v for the centre, depth (m)
_LOWS = [((-250.0, 250.0), (-380.0, -180.0), 1.3), ((500.0, 850.0), (-750.0, -500.0), 1.1),
         ((-950.0, -600.0), (-650.0, -420.0), 1.0)]  # fmt: skip


def _rasters(rng: np.random.Generator, frame: _Frame, grid: _Grid, fabric: np.ndarray) -> _Rasters:
    """Terrain, then the hazards derived from it; whole-array numpy, no per-cell loop."""
    from rasterio.features import rasterize

    u, v = frame.to_local(*grid.centres())
    d = _coast_v(u) - v  # metres inland from the shoreline, negative at sea
    sea = d < 0
    # terrain: a gentle slope up from the coast, noise, drainage lows and an old canal
    lows = np.zeros_like(u)
    for ur, vr, depth in _LOWS:
        cu, cv, s = rng.uniform(*ur), rng.uniform(*vr), rng.uniform(55.0, 80.0)
        lows = np.maximum(lows, depth * np.exp(-((u - cu) ** 2 + (v - cv) ** 2) / (2 * s * s)))
    canal_u = rng.uniform(150.0, 400.0)
    lows = np.maximum(lows, 0.7 * np.exp(-((u - canal_u) ** 2) / (2 * 14.0**2)) * (v > -1100.0))
    noise = 0.35 * _waves(rng, u, v, 7, (180.0, 700.0))
    taper = np.clip(d / 60.0, 0.0, 1.0)
    dem = np.where(sea, 0.3 + 0.03 * d, 0.3 + 0.0045 * d + taper * noise - lows)
    dem = np.maximum(dem, -6.0)
    # 100-year flood depth: a storm surge fading inland, and rain ponding in the lows
    surge = np.maximum(0.0, 2.0 - 0.004 * d - dem)
    pond = np.where(lows > 0.05, np.maximum(0.0, 1.45 * lows / lows.max() - 0.15), 0.0)
    flood = np.minimum(np.maximum(surge, pond), 2.2)
    flood[flood < 0.01] = 0.0
    flood[sea] = np.nan  # permanent water is not part of the flood model
    flood[:, :4] = np.nan  # the model domain ends 20 m short of the western edge
    # 2050 SSP5-8.5 sea-level rise: land below the future high-water level, coastal band only
    slr = np.maximum(0.0, 1.0 - 0.01 * np.maximum(d - 250.0, 0.0) - dem)
    slr[slr < 0.005] = 0.0
    slr[sea] = np.nan
    # land surface temperature: built-up density, the hot core, sea breeze, the Padang
    # GeoJSON-like rings straight from the coordinate array: much faster than shapely objects
    rings = shapely.get_coordinates(fabric).reshape(len(fabric), 5, 2).tolist()
    cover = rasterize(
        (({"type": "Polygon", "coordinates": [r]}, 1) for r in rings),
        out_shape=(grid.height, grid.width),
        transform=grid.transform,
        fill=0,
        dtype="uint8",
    )
    dens = _box_blur(cover.astype("float64"), 12)
    dens = np.clip(dens / max(float(np.percentile(dens, 98)), 1e-9), 0.0, 1.0)
    pu, pv, pa, pb = _PARK
    park = np.exp(-(((u - pu) / (1.4 * pa)) ** 2 + ((v - pv) / (1.4 * pb)) ** 2))
    hot_core = np.exp(-(u**2 + (v + 80.0) ** 2) / (2 * 520.0**2))
    breeze = np.exp(-np.maximum(d, 0.0) / 140.0)
    lst = 30.6 + 5.5 * dens + 4.0 * hot_core - 3.5 * breeze - 4.5 * park
    lst += 0.6 * _waves(rng, u, v, 6, (120.0, 400.0))
    lst = np.where(sea, 29.8 + 0.3 * _waves(rng, u, v, 3, (300.0, 900.0)), lst)
    lst = np.clip(lst, 29.0, 41.5)
    return _Rasters(
        dem=np.round(dem, 3), flood=np.round(flood, 3), lst=np.round(lst, 2), slr=np.round(slr, 3)
    )


# ---------------------------------------------------------------------------- sites


@dataclass
class _Sites:
    """(geometry, kind) per site, local frame until :func:`_sites` returns."""

    points: list[tuple[Any, str]] = field(default_factory=list)
    lines: list[tuple[Any, str]] = field(default_factory=list)
    polygons: list[tuple[Any, str]] = field(default_factory=list)


def _split(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Largest-remainder split of ``total`` in proportion to ``weights``, at least 2 each."""
    keys = list(weights)
    w = np.array([weights[k] for k in keys], dtype="float64")
    raw = 2 + (total - 2 * len(keys)) * w / w.sum()
    n = np.floor(raw).astype("int64")
    for i in np.argsort(-(raw - n), kind="stable")[: total - int(n.sum())]:
        n[i] += 1
    return {k: int(x) for k, x in zip(keys, n, strict=True)}


def _sites(
    rng: np.random.Generator,
    frame: _Frame,
    town: _Town,
    grid: _Grid,
    ras: _Rasters,
    n_sites: int,
) -> _Sites:
    """Sites hung on the street fronts of plots, so that every default rule fires somewhere:
    small cells on core roofs, cabinets and chargers by Category I buildings, sensors and
    cameras on facades, conduits under the pavement, sensors in flood hot spots, chargers on
    the waterfront; about 15 % outside the zones."""
    lots = town.lots
    core = np.flatnonzero(town.zone == "core")  # positions in town.her
    cat1 = town.her[town.cat1]

    def front(pool: np.ndarray) -> tuple[float, float, float]:
        """A random point of a plot's street front: u, v, and the sign of v towards the street."""
        i = int(pool[rng.integers(len(pool))])
        a = float(rng.uniform(0.2, 0.8))
        return float(lots.u0[i] + a * lots.w[i]), float(lots.vf[i]), -float(lots.dirn[i])

    def any_pool() -> np.ndarray:
        r = rng.random()
        return town.outside if r < 0.15 else (town.her[core] if r < 0.6 else town.her)

    def kerb_point(pool: np.ndarray, lo: float, hi: float) -> Any:
        u, vf, out = front(pool)
        return shapely.Point(u, vf + out * rng.uniform(lo, hi))

    out = _Sites()
    n_lines = max(3, round(0.1 * n_sites))
    n_polys = max(6, round(0.2 * n_sites))
    counts = _split(n_sites - n_lines - n_polys, _POINT_KINDS)
    # flood sensors where the 100-year flood is deep, chargers and poles on the waterfront
    cu, cv = frame.to_local(*grid.centres())
    deep = np.flatnonzero(np.nan_to_num(ras.flood, nan=0.0).ravel() > 0.8)
    wet = np.flatnonzero(np.nan_to_num(ras.slr, nan=0.0).ravel() > 0.45)
    picks = rng.choice(deep, size=min(len(deep), max(2, round(0.03 * n_sites))), replace=False)
    out.points += [(shapely.Point(cu.flat[c], cv.flat[c]), "iot_sensor") for c in picks]
    picks = rng.choice(wet, size=min(len(wet), max(2, round(0.02 * n_sites))), replace=False)
    out.points += [
        (shapely.Point(cu.flat[c], cv.flat[c]), "ev_charger" if k % 2 == 0 else "smart_pole")
        for k, c in enumerate(picks)
    ]
    for kind, n in counts.items():
        for j in range(n - sum(1 for _, k in out.points if k == kind)):
            if kind == "5g_small_cell" and j % 3 == 0:  # on a roof in the core
                fp = town.footprints_local[int(core[rng.integers(len(core))])]
                g = shapely.point_on_surface(fp)
            elif kind == "ev_charger" and j % 3 == 0:  # by a Category I building
                g = kerb_point(cat1, 2.5, 4.0)
            elif kind in ("iot_sensor", "cctv") and rng.random() < 0.4:  # on a facade
                g = kerb_point(any_pool(), 0.2, 0.8)
            else:  # on the kerb or a lamp post
                g = kerb_point(any_pool(), 2.5, 4.0)
            out.points.append((g, kind))
    # street cabinets (1 x 2 m) and EV charging bays (5.5 x 2.5 m), a third by Category I
    for j in range(n_polys):
        kind = "street_cabinet" if j < n_polys - n_polys // 3 else "ev_charger"
        u, vf, side = front(cat1 if j % 3 == 0 else any_pool())
        if kind == "street_cabinet":
            vc, hu, hv = vf + side * rng.uniform(1.5, 3.5), 1.0, 0.5
        else:
            vc, hu, hv = vf + side * rng.uniform(4.3, 6.5), 2.75, 1.25
        out.polygons.append((orient(shapely.box(u - hu, vc - hv, u + hu, vc + hv)), kind))
    # fibre conduits along streets, under the pavement (1.2 m off the facades) or mid-street,
    # and one along the waterfront
    for j in range(n_lines - 1):
        u, vf, side = front(any_pool())
        v = vf + side * (1.2 if j % 2 == 0 else 0.5 * rng.uniform(8.0, 12.0))
        length = rng.uniform(200.0, 500.0) * (1.0 if rng.random() < 0.5 else -1.0)
        out.lines.append((shapely.LineString([(u, v), (u + length, v)]), "fibre_conduit"))
    us = np.linspace(-700.0, 700.0, 29)
    quay = shapely.LineString(np.column_stack([us, _coast_v(us) - 20.0]))
    out.lines.append((quay, "fibre_conduit"))
    for items in (out.points, out.lines, out.polygons):
        items[:] = [(frame.geoms_to_world(g), k) for g, k in items]
    return out


# ---------------------------------------------------------------------------- writing


@contextmanager
def _atomic(target: Path) -> Iterator[Path]:
    """A temporary name next to ``target``, renamed over it when the block succeeds."""
    tmp = target.with_name(f".{target.stem}.tmp{os.getpid()}{target.suffix}")
    extras = [tmp] + [Path(f"{tmp}{s}") for s in ("-journal", "-wal", "-shm", ".aux.xml")]
    for p in extras:
        p.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        for p in extras:
            p.unlink(missing_ok=True)


@dataclass
class _Layer:
    name: str
    geom_type: int  # ogr.wkb*
    fields: Sequence[str]  # text fields, real where the name ends in "_ha"
    geoms: Sequence[Any]
    rows: Sequence[Sequence[str | float]]
    title: str
    description: str


def _write_gpkg(path: Path, layers: Sequence[_Layer], title: str) -> None:
    from osgeo import gdal, ogr, osr

    gdal.UseExceptions()
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(EPSG)
    old = gdal.GetThreadLocalConfigOption("OGR_CURRENT_DATE", None)
    gdal.SetThreadLocalConfigOption("OGR_CURRENT_DATE", TIMESTAMP)
    try:
        with _atomic(path) as tmp:
            ds = gdal.GetDriverByName("GPKG").Create(str(tmp), 0, 0, 0, gdal.GDT_Unknown)
            ds.SetMetadata({"SYNTHETIC": "yes", "TITLE": title, "DESCRIPTION": SYNTHETIC_NOTE})
            for spec in layers:
                options = [
                    "FID=fid",
                    "GEOMETRY_NAME=geom",
                    f"IDENTIFIER={spec.title}",
                    f"DESCRIPTION={SYNTHETIC_NOTE}. {spec.description}",
                ]
                lyr = ds.CreateLayer(spec.name, srs, spec.geom_type, options=options)
                for f in spec.fields:
                    ftype = ogr.OFTReal if f.endswith("_ha") else ogr.OFTString
                    lyr.CreateField(ogr.FieldDefn(f, ftype))
                lyr.SetMetadataItem("SYNTHETIC", "yes")
                defn = lyr.GetLayerDefn()
                lyr.StartTransaction()
                for g, row in zip(spec.geoms, spec.rows, strict=True):
                    feat = ogr.Feature(defn)
                    feat.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(g)))
                    for i, value in enumerate(row):
                        feat.SetField(i, value)
                    lyr.CreateFeature(feat)
                lyr.CommitTransaction()
            ds = None
    finally:
        gdal.SetThreadLocalConfigOption("OGR_CURRENT_DATE", old)


def _write_tif(
    path: Path, grid: _Grid, arr: np.ndarray, *, description: str, units: str, **tags: str
) -> None:
    import rasterio

    profile = {
        "driver": "GTiff",
        "width": grid.width,
        "height": grid.height,
        "count": 1,
        "dtype": "float32",
        "nodata": NODATA,
        "crs": f"EPSG:{EPSG}",
        "transform": grid.transform,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "predictor": 3,
    }
    with _atomic(path) as tmp:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(np.where(np.isnan(arr), NODATA, arr).astype("float32"), 1)
            dst.update_tags(DESCRIPTION=SYNTHETIC_NOTE, SYNTHETIC="yes", UNITS=units, **tags)
            dst.update_tags(1, UNITS=units)
            dst.set_band_description(1, description)
            dst.set_band_unit(1, units)


def _write_vectors(
    files: DemoFiles,
    rng: np.random.Generator,
    frame: _Frame,
    zones: tuple[Polygon, Polygon, Polygon],
    town: _Town,
    sites: _Sites,
) -> None:
    from osgeo import ogr

    core, buf, _ = zones
    heritage_rows = [
        (f"GT-{k + 1:05d}", town.names[k], str(town.zone[k]), "I" if town.cat1[k] else "II")
        for k in range(len(town.her))
    ]
    layer = _Layer(
        "heritage",
        ogr.wkbMultiPolygon,
        ("hid", "name", "zone", "category"),
        list(frame.geoms_to_world(town.footprints_local)),
        heritage_rows,
        "George Town heritage buildings (synthetic)",
        "Listed building footprints: category I or II, zone core or buffer.",
    )
    _write_gpkg(files.heritage, [layer], layer.title)
    layer = _Layer(
        "zones",
        ogr.wkbPolygon,
        ("zone", "name", "area_ha"),
        [core, buf],
        [
            ("core", "George Town core zone", round(core.area / 1e4, 2)),
            ("buffer", "George Town buffer zone", round(buf.area / 1e4, 2)),
        ],
        "George Town World Heritage zones (synthetic)",
        f"Core {CORE_HA} ha and buffer {BUFFER_HA} ha as inscribed; the outlines are invented.",
    )
    _write_gpkg(files.zones, [layer], layer.title)
    layers = []
    for name, geom_type, items, prefix, digits in zip(
        SITES_LAYERS,
        (ogr.wkbPoint, ogr.wkbLineString, ogr.wkbPolygon),
        (sites.points, sites.lines, sites.polygons),
        ("P", "L", "A"),
        (4, 3, 3),
        strict=True,
    ):
        rows = []
        for k, (_, kind) in enumerate(items):
            ops = _OPERATORS[kind]
            status = "proposed" if rng.random() < 0.7 else "existing"
            rows.append((f"{prefix}-{k + 1:0{digits}d}", kind, status, ops[rng.integers(len(ops))]))
        layers.append(
            _Layer(
                name,
                geom_type,
                ("sid", "kind", "status", "operator"),
                [g for g, _ in items],
                rows,
                f"Smart-city sites, {name.split('_')[1]} (synthetic)",
                "Proposed and existing infrastructure; kinds, status and operators are invented.",
            )
        )
    _write_gpkg(files.sites, layers, "Smart-city infrastructure sites (synthetic)")


# ---------------------------------------------------------------------------- entry point


def generate_demo(
    folder: str | Path, *, seed: int = 2008, n_buildings: int = 2500, n_sites: int = 300
) -> DemoFiles:
    """Write the synthetic George Town sample into ``folder`` (created if needed; existing
    sample files are replaced, each atomically). The same arguments give byte-identical
    files. Raises :class:`InputError` for sizes out of range."""
    if not MIN_BUILDINGS <= n_buildings <= MAX_BUILDINGS:
        raise InputError(
            f"demo: n_buildings must be {MIN_BUILDINGS}..{MAX_BUILDINGS}, got {n_buildings}"
        )
    if not MIN_SITES <= n_sites <= MAX_SITES:
        raise InputError(f"demo: n_sites must be {MIN_SITES}..{MAX_SITES}, got {n_sites}")
    files = DemoFiles.in_folder(folder)
    files.folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    frame = _Frame(*_centre())
    zones = _zones(frame)
    grid = _Grid.around(zones[2].bounds)
    town = _town(rng, frame, zones, grid, n_buildings)
    ras = _rasters(rng, frame, grid, town.fabric)
    sites = _sites(rng, frame, town, grid, ras, n_sites)
    _write_vectors(files, rng, frame, zones, town, sites)
    _write_tif(files.dem, grid, ras.dem, description="Terrain height (synthetic)", units="m",
               VERTICAL_DATUM="mean sea level")  # fmt: skip
    _write_tif(files.flood, grid, ras.flood, description="100-year flood depth", units="m",
               HAZARD="flood", RETURN_PERIOD="100 years")  # fmt: skip
    _write_tif(files.lst, grid, ras.lst, description="Land surface temperature", units="°C",
               HAZARD="heat")  # fmt: skip
    _write_tif(files.slr, grid, ras.slr, units="m", HAZARD="slr", SCENARIO="2050-ssp585",
               description="Sea-level rise inundation depth, 2050, SSP5-8.5")  # fmt: skip
    return files
