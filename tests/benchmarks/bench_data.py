"""Deterministic synthetic benchmark inputs, cached in build/bench/data.

Everything is drawn from ``numpy.random.default_rng`` with fixed seeds, so the same file names
always hold the same data: a flood-depth raster over a fixed 16.384 km square in UTM 47N
(EPSG:32647) at growing resolutions (float32, 256² tiles, DEFLATE), its class raster (uint8,
for peers that need classes as values), heritage building footprints clustered in towns with
the two George Town zones, and infrastructure sites near them. A file is written under a
temporary name and renamed, so an interrupted run never leaves a half file in the cache.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import shapely

CRS = "EPSG:32647"
X0, Y0 = 610_000.0, 590_000.0  # south-west corner (UTM 47N, near George Town)
EXTENT = 16_384.0  # metres, the same square at every resolution
NODATA = -9999.0
CLASS_BREAKS = (0.2, 0.5, 1.0)  # flood classes low | medium | high | very_high (min < x <= max)
CLASS_NAMES = ("low", "medium", "high", "very_high")
SITE_KINDS = (
    "5g_small_cell",
    "smart_pole",
    "iot_sensor",
    "cctv",
    "street_cabinet",
    "ev_charger",
)
SITE_P = (0.3, 0.2, 0.2, 0.15, 0.1, 0.05)

RULES_TOML = """\
name = "Benchmark rules"
version = "1"

[heritage]
id = "hid"
name = "name"
zone = "zone"
category = "category"

[sites]
id = "sid"
kind = "kind"

[[hazards]]
id = "flood"
label = "Flood depth"
unit = "m"
classes = [ { name = "low", max = 0.2 }, { name = "medium", max = 0.5 }, { name = "high", max = 1.0 }, { name = "very_high" } ]

[[rules]]
id = "cell-in-core"
type = "siting"
site_kinds = ["5g_small_cell", "smart_pole"]
zones = ["core"]
distance_m = 0.0
severity = "high"

[[rules]]
id = "cabinet-near-grade-i"
type = "siting"
site_kinds = ["street_cabinet", "ev_charger"]
categories = ["I"]
distance_m = 5.0
severity = "critical"

[[rules]]
id = "fibre-trench"
type = "siting"
site_kinds = ["fibre_conduit"]
categories = ["I", "II"]
distance_m = 2.0
severity = "medium"

[[rules]]
id = "heritage-flood"
type = "exposure"
hazard = "flood"
min_class = "high"
min_fraction = 0.25
severity = "high"

[[rules]]
id = "site-flooded"
type = "site_hazard"
hazard = "flood"
min_class = "high"
severity = "medium"
"""


def _tmp(path: Path) -> Path:
    return path.with_name(f".tmp{os.getpid()}.{path.name}")


def flood_depth(x: np.ndarray, y: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Depth (m) of a 100-year flood on a synthetic terrain sloping to a coast on the east."""
    u = (x - X0) / EXTENT
    v = (y - Y0) / EXTENT
    coast = 1.9 * np.exp(-(1.0 - u) * 4.0)
    rivers = 0.9 * np.exp(-(((v - 0.35 - 0.1 * np.sin(u * 9.0)) / 0.03) ** 2))
    hills = 0.35 * np.sin(u * 23.0) * np.cos(v * 17.0)
    return np.clip(coast + rivers + hills - 0.25 + noise, 0.0, None)


def classify(depth: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(CLASS_BREAKS), depth.astype("float64"), side="left")


def write_rasters(n: int, flood: Path, classes: Path, *, seed: int = 7) -> None:
    """``n`` x ``n`` flood depth (float32) and its classes (uint8), written by 256-row strips."""
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    res = EXTENT / n
    common = {
        "driver": "GTiff",
        "width": n,
        "height": n,
        "count": 1,
        "crs": CRS,
        "transform": from_origin(X0, Y0 + EXTENT, res, res),
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "BIGTIFF": "IF_SAFER",
        "NUM_THREADS": "2",
    }
    tf, tc = _tmp(flood), _tmp(classes)
    xs = X0 + (np.arange(n) + 0.5) * res
    with (
        rasterio.open(tf, "w", dtype="float32", nodata=NODATA, predictor=3, **common) as df,
        rasterio.open(tc, "w", dtype="uint8", nodata=255, predictor=2, **common) as dc,
    ):
        for r0 in range(0, n, 256):
            rows = min(256, n - r0)
            rng = np.random.default_rng([seed, n, r0])
            ys = Y0 + EXTENT - (np.arange(r0, r0 + rows) + 0.5) * res
            noise = rng.normal(0.0, 0.04, size=(rows, n))
            depth = flood_depth(xs[None, :], ys[:, None], noise).astype("float32")
            win = Window(0, r0, n, rows)
            df.write(depth, 1, window=win)
            dc.write(classify(depth).astype("uint8"), 1, window=win)
    os.replace(tf, flood)
    os.replace(tc, classes)


def zones() -> tuple[shapely.Geometry, shapely.Geometry]:
    """Core (109.38 ha) and buffer (150.04 ha, a ring around the core) near the extent's centre."""
    cx, cy = X0 + EXTENT * 0.55, Y0 + EXTENT * 0.5
    r_core = np.sqrt(1_093_800.0 / np.pi)
    r_buf = np.sqrt((1_093_800.0 + 1_500_400.0) / np.pi)
    core = shapely.Point(cx, cy).buffer(r_core, quad_segs=32)
    outer = shapely.Point(cx, cy).buffer(r_buf, quad_segs=32)
    return core, outer.difference(core)


def footprints(n: int, *, seed: int = 11) -> np.ndarray:
    """``n`` building footprints (rotated rectangles, 5% with a courtyard) clustered in towns,
    in generation order (spatially coherent, as in real cadastral files)."""
    rng = np.random.default_rng([seed, n])
    n_towns = 12
    centres = rng.uniform(1500, EXTENT - 1500, size=(n_towns, 2))
    centres[0] = (EXTENT * 0.55, EXTENT * 0.5)  # the historic centre
    weights = rng.uniform(0.5, 1.5, n_towns)
    weights[0] = 3.0
    town = np.sort(rng.choice(n_towns, size=n, p=weights / weights.sum()))
    c = centres[town] + rng.normal(0.0, 450.0, size=(n, 2))
    c = np.clip(c, 200, EXTENT - 200) + (X0, Y0)
    w = rng.uniform(8.0, 35.0, n)
    h = rng.uniform(8.0, 25.0, n)
    a = rng.uniform(0.0, np.pi / 2, n)
    corners = np.array([(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5), (-0.5, -0.5)])
    dx = corners[None, :, 0] * w[:, None]
    dy = corners[None, :, 1] * h[:, None]
    ca, sa = np.cos(a)[:, None], np.sin(a)[:, None]
    xy = np.stack([c[:, :1] + dx * ca - dy * sa, c[:, 1:] + dx * sa + dy * ca], axis=-1)
    geoms = shapely.polygons(xy)
    court = rng.random(n) < 0.05
    if court.any():
        inner = shapely.polygons(
            np.stack(
                [
                    c[court, :1] + 0.4 * (dx[court] * ca[court] - dy[court] * sa[court]),
                    c[court, 1:] + 0.4 * (dx[court] * sa[court] + dy[court] * ca[court]),
                ],
                axis=-1,
            )
        )
        geoms[court] = shapely.difference(geoms[court], inner)
    return geoms


def huge_polygons(*, seed: int = 13) -> np.ndarray:
    """Three very large irregular polygons (catchment-sized: ~10-25% of the extent each)."""
    rng = np.random.default_rng(seed)
    out = []
    for k, (fx, fy, r) in enumerate([(0.3, 0.3, 0.22), (0.7, 0.65, 0.2), (0.25, 0.75, 0.15)]):
        t = np.linspace(0, 2 * np.pi, 720, endpoint=False)
        wobble = 1 + 0.15 * np.sin(3 * t + k) + 0.05 * rng.normal(size=t.size).cumsum() / 20
        rr = r * EXTENT * wobble
        xy = np.column_stack([X0 + fx * EXTENT + rr * np.cos(t), Y0 + fy * EXTENT + rr * np.sin(t)])
        out.append(shapely.make_valid(shapely.Polygon(xy)))
    return np.array(out, dtype=object)


def heritage_layer(n: int, *, huge: bool = False) -> dict:
    """Footprints plus the two zone polygons (plus three huge ones), with attributes."""
    core, buffer = zones()
    fp = footprints(n)
    cen = shapely.centroid(fp)
    zone = np.where(
        shapely.within(cen, core), "core", np.where(shapely.within(cen, buffer), "buffer", "none")
    )
    rng = np.random.default_rng([17, n])
    cat = rng.choice(["I", "II", "III"], size=n, p=[0.1, 0.5, 0.4])
    geoms = [fp, np.array([core, buffer], dtype=object)]
    zones_ = list(zone) + ["core", "buffer"]
    cats = list(cat) + ["zone", "zone"]
    names = [f"Building {i}" for i in range(n)] + ["Core zone", "Buffer zone"]
    if huge:
        hg = huge_polygons()
        geoms.append(hg)
        zones_ += ["none"] * len(hg)
        cats += ["area"] * len(hg)
        names += [f"Conservation area {i}" for i in range(len(hg))]
    g = np.concatenate(geoms)
    return {
        "geoms": g,
        "hid": [f"H{i:06d}" for i in range(len(g))],
        "name": names,
        "zone": zones_,
        "category": cats,
    }


def sites_layers(n: int, buildings: np.ndarray, *, seed: int = 23) -> tuple[dict, dict]:
    """``n`` point sites (70% within ~15 m of a building) and n/50 fibre-conduit lines."""
    rng = np.random.default_rng([seed, n, len(buildings)])
    cen = shapely.get_coordinates(shapely.centroid(buildings))
    near = rng.random(n) < 0.7
    xy = rng.uniform(0, EXTENT, size=(n, 2)) + (X0, Y0)
    pick = rng.integers(0, len(cen), size=int(near.sum()))
    xy[near] = cen[pick] + rng.normal(0, 15.0, size=(int(near.sum()), 2))
    kind = rng.choice(SITE_KINDS, size=n, p=SITE_P)
    points = {
        "geoms": shapely.points(xy),
        "sid": [f"S{i:07d}" for i in range(n)],
        "kind": list(kind),
    }
    m = max(n // 50, 1)
    start = cen[rng.integers(0, len(cen), size=m)] + rng.normal(0, 20.0, size=(m, 2))
    steps = rng.normal(0, 40.0, size=(m, 3, 2)).cumsum(axis=1)
    coords = np.concatenate([start[:, None, :], start[:, None, :] + steps], axis=1)
    lines = {
        "geoms": shapely.linestrings(coords),
        "sid": [f"L{i:06d}" for i in range(m)],
        "kind": ["fibre_conduit"] * m,
    }
    return points, lines


def write_gpkg(path: Path, layer: str, data: dict, geom_type: str) -> None:
    """One GeoPackage layer with string attributes, in one transaction."""
    from osgeo import ogr, osr

    ogr.UseExceptions()
    tmp = _tmp(path)
    if tmp.exists():
        tmp.unlink()
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp))
    srs = osr.SpatialReference()
    srs.SetFromUserInput(CRS)
    gtype = {"polygon": ogr.wkbMultiPolygon, "point": ogr.wkbPoint, "line": ogr.wkbLineString}
    lyr = ds.CreateLayer(layer, srs, gtype[geom_type], options=["SPATIAL_INDEX=YES"])
    fields = [k for k in data if k != "geoms"]
    for f in fields:
        lyr.CreateField(ogr.FieldDefn(f, ogr.OFTString))
    geoms = data["geoms"]
    if geom_type == "polygon":
        single = shapely.get_type_id(geoms) == 3
        geoms = geoms.copy()
        geoms[single] = shapely.multipolygons(geoms[single][:, None])
    wkbs = shapely.to_wkb(geoms)
    defn = lyr.GetLayerDefn()
    lyr.StartTransaction()
    for i, w in enumerate(wkbs):
        feat = ogr.Feature(defn)
        feat.SetGeometryDirectly(ogr.CreateGeometryFromWkb(w))
        for j, f in enumerate(fields):
            feat.SetField(j, str(data[f][i]))
        lyr.CreateFeature(feat)
    lyr.CommitTransaction()
    ds = None
    os.replace(tmp, path)


class DataCache:
    """Paths of the benchmark inputs, generating each on first use."""

    def __init__(self, root: Path, log=print) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.log = log

    def rules(self) -> Path:
        p = self.root / "rules.toml"
        if not p.exists() or p.read_text() != RULES_TOML:
            p.write_text(RULES_TOML)
        return p

    def raster(self, n: int) -> tuple[Path, Path]:
        flood, cls = self.root / f"flood_{n}.tif", self.root / f"flood_{n}_classes.tif"
        if not (flood.exists() and cls.exists()):
            self.log(f"  generating {n}x{n} flood raster ...")
            write_rasters(n, flood, cls)
        return flood, cls

    def heritage(self, n: int, *, huge: bool = False) -> Path:
        p = self.root / f"heritage_{n}{'_huge' if huge else ''}.gpkg"
        if not p.exists():
            self.log(f"  generating {n} heritage polygons{' + 3 huge' if huge else ''} ...")
            write_gpkg(p, "heritage", heritage_layer(n, huge=huge), "polygon")
        return p

    def sites(self, n: int, n_heritage: int) -> tuple[Path, Path]:
        pts = self.root / f"sites_{n}_h{n_heritage}.gpkg"
        lns = self.root / f"conduits_{n}_h{n_heritage}.gpkg"
        if not (pts.exists() and lns.exists()):
            self.log(f"  generating {n} sites near {n_heritage} buildings ...")
            points, lines = sites_layers(n, footprints(n_heritage))
            write_gpkg(pts, "sites", points, "point")
            write_gpkg(lns, "conduits", lines, "line")
        return pts, lns
