"""Small hand-made George Town data set for the report tests, and the engine run on it.

Layout (metres, EPSG:32647, offsets from X0, Y0):

=====  ================================  ======  ===  =====================================
hid    name                              zone    cat  conflicts (rule, severity)
=====  ================================  ======  ===  =====================================
H1     Khoo Kongsi 邱公司                core    I    cell-in-core high (S1), fibre-trench medium (L1)
H2     ஸ்ரீ மகாமாரியம்மன் கோவில்          core    I    cabinet-near-grade-i critical (S2)
H3     Masjid Kapitan Keling             buffer  II   sensor-setback low (S3), heritage-flood high
H4     Rumah Tiga Beradik                buffer  II   none
=====  ================================  ======  ===  =====================================

plus site-flooded medium for S4 (a CCTV pole in deep water, tied to no heritage feature).
Atlas order (worst severity, then name): H2, H1, H3.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

X0, Y0 = 648000.0, 598800.0
EPSG = 32647

HERITAGE = [
    ("H1", "Khoo Kongsi 邱公司", "core", "I", (0, 0, 40, 40)),
    ("H2", "ஸ்ரீ மகாமாரியம்மன் கோவில்", "core", "I", (100, 0, 130, 30)),
    ("H3", "Masjid Kapitan Keling", "buffer", "II", (0, 100, 50, 140)),
    ("H4", "Rumah Tiga Beradik", "buffer", "II", (200, 100, 230, 130)),
]
POINTS = [
    ("S1", "5g_small_cell", (20, 20)),
    ("S2", "street_cabinet", (103, -3)),
    ("S3", "iot_sensor", (25, 140.5)),
    ("S4", "cctv", (252.5, 52.5)),
]
LINES = [("L1", "fibre_conduit", [(-10, -1.5), (60, -1.5)])]
ZONES = [("Core zone", (-30, -30, 160, 70)), ("Buffer zone", (-40, -40, 260, 160))]

#: heritage id -> (name, worst severity, number of conflicts), in atlas order
EXPECTED_PAGES = [
    ("H2", "ஸ்ரீ மகாமாரியம்மன் கோவில்", "critical", 1),
    ("H1", "Khoo Kongsi 邱公司", "high", 2),
    ("H3", "Masjid Kapitan Keling", "high", 2),
]
N_CONFLICTS = 6


@dataclass
class SampleData:
    folder: Path
    heritage: Path
    sites: Path
    zones: Path
    flood: Path
    results: Path


def _box(x0: float, y0: float, x1: float, y1: float) -> str:
    pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    return "POLYGON((" + ",".join(f"{X0 + x} {Y0 + y}" for x, y in pts) + "))"


def _write_gpkg(
    path: Path, layers: dict[str, tuple[int, list[tuple[str, str]], list[tuple]]]
) -> None:
    from osgeo import gdal, ogr, osr

    gdal.UseExceptions()
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(EPSG)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    for name, (gtype, fields, rows) in layers.items():
        lyr = ds.CreateLayer(name, srs, gtype)
        for f, _ in fields:
            lyr.CreateField(ogr.FieldDefn(f, ogr.OFTString))
        for *values, wkt in rows:
            feat = ogr.Feature(lyr.GetLayerDefn())
            for (f, _), v in zip(fields, values, strict=True):
                feat.SetField(f, v)
            feat.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
            lyr.CreateFeature(feat)
    ds = None


def _write_flood(path: Path) -> None:
    """5 m grid over (-50, -50)-(300, 200): 0.1 m everywhere, 0.7 m over H3 and around S4."""
    from osgeo import gdal, osr

    gdal.UseExceptions()
    res, w, h = 5.0, 70, 50
    a = np.full((h, w), 0.1, dtype="float32")

    def fill(x0: float, y0: float, x1: float, y1: float, v: float) -> None:
        c0, c1 = int((x0 + 50) / res), int((x1 + 50) / res)
        r0, r1 = int((200 - y1) / res), int((200 - y0) / res)
        a[r0:r1, c0:c1] = v

    fill(0, 100, 50, 140, 0.7)
    fill(240, 40, 265, 65, 0.8)
    fill(150, -50, 300, 20, 0.35)  # a medium band, for the legend and the overview map
    ds = gdal.GetDriverByName("GTiff").Create(str(path), w, h, 1, gdal.GDT_Float32)
    ds.SetGeoTransform((X0 - 50, res, 0, Y0 + 200, 0, -res))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(EPSG)
    ds.SetProjection(srs.ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(-9999)
    band.WriteArray(a)
    ds = None


def make_sample(folder: Path) -> SampleData:
    """Write the inputs, run the engine, write ``results.gpkg``; all under ``folder``."""
    from osgeo import ogr

    from heritage_planner.core.engine import AnalysisRequest, run_analysis
    from heritage_planner.core.output import write_results
    from heritage_planner.core.raster import HazardInput

    folder.mkdir(parents=True, exist_ok=True)
    heritage = folder / "heritage.gpkg"
    _write_gpkg(
        heritage,
        {
            "heritage": (
                ogr.wkbPolygon,
                [("hid", "str"), ("name", "str"), ("zone", "str"), ("category", "str")],
                [(hid, n, z, c, _box(*b)) for hid, n, z, c, b in HERITAGE],
            )
        },
    )
    sites = folder / "sites.gpkg"
    _write_gpkg(
        sites,
        {
            "sites_points": (
                ogr.wkbPoint,
                [("sid", "str"), ("kind", "str")],
                [(s, k, f"POINT({X0 + x} {Y0 + y})") for s, k, (x, y) in POINTS],
            ),
            "sites_lines": (
                ogr.wkbLineString,
                [("sid", "str"), ("kind", "str")],
                [
                    (s, k, "LINESTRING(" + ",".join(f"{X0 + x} {Y0 + y}" for x, y in pts) + ")")
                    for s, k, pts in LINES
                ],
            ),
        },
    )
    zones = folder / "zones.gpkg"
    _write_gpkg(
        zones, {"zones": (ogr.wkbPolygon, [("name", "str")], [(n, _box(*b)) for n, b in ZONES])}
    )
    flood = folder / "flood_100y.tif"
    _write_flood(flood)
    result = run_analysis(
        AnalysisRequest(
            heritage=str(heritage),
            sites=[f"{sites}|layername=sites_points", f"{sites}|layername=sites_lines"],
            hazards=[HazardInput("flood", str(flood))],
        )
    )
    results = write_results(result, folder / "results.gpkg", overwrite=True)
    return SampleData(folder, heritage, sites, zones, flood, results)
